"""A view's filters, two ways, one answer: the page's Python (`journey.visible_stops`, how a
small store is shown) and the archive's SQL (`archive.views`, how a large one is) are held to
each other on many random views, on SQLite and PostgreSQL.

The store is real: the seeds and 150 generated articles ingested by the real pipeline, with a
few facts marked wrong by an editor (never shown; they date nothing). Every
rule of `archive.filters` is exercised: chosen caravans, minimum size, outlets (the unknown one
included), confidence, a date range, "as of" a date, and all of them at once.
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from collections import Counter, defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from archive import views
from archive.filters import UNKNOWN_OUTLET, Filters
from archive.ingest import ingest
from archive.schema import observations
from conftest import corpus_generator, open_backend
from dashboard import journey

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EXAMPLES = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("agree-corpus")
    corpus_generator().generate(150, out, seed=5)
    for p in sorted(Path(SEEDS).iterdir()):
        shutil.copy(p, out / p.name)
    # an article with no outlet: its facts are the unknown outlet's
    (out / "no-outlet.md").write_text(
        "---\ntitle: Caravan sets out\npublished: 2021-05-04\n---\nAbout 2,500 migrants left Tapachula on "
        "Saturday, bound for Mexico City. On Monday the caravan reached Huixtla, in Chiapas state.\n",
        encoding="utf-8")
    return out


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, corpus, tmp_path_factory, _pg_admin):
    b = open_backend(request.param, tmp_path_factory.mktemp("agree"), _pg_admin)
    s = b.store()
    result = ingest([corpus], s)
    assert not result.failed
    # an editor marks a dated departure and a dated arrival wrong: listed, never shown,
    # and no longer dating the caravan's undated stops
    with s.engine.connect() as conn:
        facts = [conn.scalar(select(observations.c.fact_key).where(
            observations.c.role == role, observations.c.date.is_not(None)).order_by(observations.c.id))
            for role in ("departure", "arrival")]
    for fact in facts:
        s.correct("reject", {"fact": fact}, "tester")
    # and dates a caravan's destination before it set out: "as of" a day between, the
    # caravan is on the map (a dated fact) but not on its way (shown apart, not as facts)
    doc = journey.build_atlas(s.document())
    c = next(c for c in doc.caravans if any(x.role == "departure" and x.date for x in c.stops)
             and any(x.planned for x in c.stops) and any(x.date is None and not x.travelled for x in c.stops))
    left = min(x.date for x in c.stops if x.role == "departure" and x.date)
    fact = next(x.fact for x in c.stops if x.planned)
    s.correct("edit", {"fact": fact, "changes": {"date": (left - dt.timedelta(days=20)).isoformat(),
                                                 "date_precision": "day"}}, "tester")
    s.not_yet_out = (c.id, left - dt.timedelta(days=10))
    try:
        yield s
    finally:
        b.close()


@pytest.fixture(scope="module")
def whole(store):
    return journey.build_atlas(store.document())


def views_of(atlas) -> st.SearchStrategy:
    """Random views of this document: every filter on or off, values from what it holds."""
    dates = journey.nearest_dates(atlas)
    ids = [c.id for c in atlas.caravans]
    sizes = sorted({c.max_size for c in atlas.caravans if c.max_size})
    outlets = [*atlas.outlets, UNKNOWN_OUTLET]
    date = st.one_of(st.none(), st.sampled_from(dates), st.sampled_from(dates).map(lambda d: d + dt.timedelta(days=1)))
    return st.builds(
        Filters,
        caravans=st.one_of(st.just(()), st.lists(st.sampled_from(ids), min_size=1, max_size=8, unique=True).map(tuple)),
        start=date, end=date, as_of=st.one_of(st.none(), st.none(), date),
        min_size=st.one_of(st.just(0), st.sampled_from(sizes)),
        outlets=st.one_of(st.just(()), st.lists(st.sampled_from(outlets), min_size=1, max_size=3, unique=True).map(tuple)),
        min_confidence=st.sampled_from([0.0, 0.0, 0.3, 0.5, 0.7, 0.9]))


def python_places(atlas, view) -> dict:
    """`place_totals` computed from the stops the page shows."""
    out = defaultdict(lambda: {"facts": 0, "caravans": set(), "roles": Counter(), "dates": [], "sizes": []})
    for s in journey.visible_stops(atlas, view):
        if s.located:
            e = out[(round(s.lat, 5), round(s.lon, 5))]
            e["facts"] += 1
            e["caravans"].add(s.caravan_id)
            e["roles"][s.role] += 1
            if s.date:
                e["dates"].append(s.date)
            if s.size_low is not None:
                e["sizes"].append(s.size_high if s.size_high is not None else s.size_low)
    return {k: (e["facts"], len(e["caravans"]), dict(e["roles"]), min(e["dates"], default=None),
                max(e["dates"], default=None), max(e["sizes"], default=None)) for k, e in out.items()}


def sql_places(store, view) -> dict:
    return {(round(r["lat"], 5), round(r["lon"], 5)): (
        r["facts"], r["caravans"], {k: v for k, v in r["roles"].items() if v}, r["first"], r["last"], r["largest"])
        for r in views.place_totals(store, view)}


def python_unresolved(atlas, view) -> Counter:
    return Counter(s.place_text for s in journey.unresolved(journey.visible_stops(atlas, view)))


def check(store, whole, view: Filters) -> None:
    assert sql_places(store, view) == python_places(whole, view), view
    n, rows = views.unresolved_totals(store, view, limit=10_000)
    expect = python_unresolved(whole, view)
    assert {r["place_text"]: r["facts"] for r in rows} == dict(expect) and n == len(expect), view
    # `matching` picks the caravans a view reads: never one short of those it shows
    shown = {s.caravan_id for s in journey.visible_stops(whole, view)}
    assert shown <= {cid for cid, _ in views.matching(store, view)}, view


def test_the_corpus_exercises_every_rule(store, whole):
    """The rules are tested on data that can tell them apart (not only on easy cases)."""
    stops = [s for c in whole.caravans for s in c.stops]
    assert sum(s.rejected for s in stops) == 2
    assert any(s.date is None and s.effective_date is not None for s in stops)  # dated by the journey
    assert any(s.effective_date is None and not s.planned for s in stops)  # no date at all
    # every sentence of a fact is of its article: "its outlet" and "its sentences' outlets" agree
    assert all(s.outlets == {s.outlet} for s in stops) and any(s.also for s in stops)
    assert any(s.outlet == UNKNOWN_OUTLET for s in stops)
    assert any(s.confidence < 0.7 for s in stops) and any(s.planned for s in stops)
    assert len(whole.outlets) > 3 and len(whole.caravans) > 40


@pytest.mark.parametrize("view", [
    Filters(),
    Filters(start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31)),  # undated facts hidden by a range
    Filters(as_of=dt.date(2020, 6, 1)),  # undated sizes of caravans on the map stay
    Filters(outlets=(UNKNOWN_OUTLET,)),
    Filters(min_confidence=0.5),  # the store's kept totals are not for this view
], ids=["everything", "range", "as-of", "unknown-outlet", "confidence"])
def test_the_named_rules_agree(store, whole, view):
    check(store, whole, view)
    assert python_places(whole, view)  # the view shows something: the comparison is not empty


def test_a_caravan_not_yet_on_its_way_agrees(store, whole):
    cid, day = store.not_yet_out
    for view in (Filters(as_of=day), Filters(as_of=day, caravans=(cid,))):
        assert cid not in {s.caravan_id for s in journey.visible_stops(whole, view)}
        check(store, whole, view)


def test_random_views_agree(store, whole):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(views_of(whole))
    def agree(view):
        check(store, whole, view)

    agree()
