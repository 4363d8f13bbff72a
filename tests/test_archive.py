"""A large store read a view at a time (archive.views), on SQLite and PostgreSQL.

The oracle is the whole document: every SQL answer is checked against the same question
asked of `Store.document()` in Python (the way a small store is shown), on a generated
corpus of 150 articles ingested by the real pipeline.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from conftest import corpus_generator, open_backend
from dashboard import journey
from dashboard.state import ViewState
from archive import views
from archive.ingest import ingest

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("archive-corpus")
    corpus_generator().generate(150, out, seed=11)
    # and a village the gazetteer does not know, reported twice: counted, never dropped
    for k, day in enumerate(("2021-05-04", "2021-05-05")):
        (out / f"hamlet-{k}.md").write_text(
            f"---\ntitle: Caravan reaches a hamlet\npublished: {day}\noutlet: Hamlet Herald\n---\n"
            f"About {2000 + k} migrants left Tapachula on Saturday, bound for Mexico City. On Monday the caravan "
            "reached the village of San Quintilo de Arriba, in Chiapas state, where it rested.\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def archive_store(request, corpus, tmp_path_factory, _pg_admin):
    b = open_backend(request.param, tmp_path_factory.mktemp("archive"), _pg_admin)
    store = b.store()
    result = ingest([corpus], store)
    assert not result.failed and len(result.added) == 152
    try:
        yield store
    finally:
        b.close()


@pytest.fixture(scope="module")
def whole(archive_store):
    """The oracle: the whole document, as a small store is shown."""
    return journey.build_atlas(archive_store.document())


def _facts(atlas):
    return [s for c in atlas.caravans for s in c.stops if not s.rejected]


def test_catalogue_matches_the_document(archive_store, whole):
    cat = views.catalogue(archive_store)
    assert [r.id for r in cat.caravans] == [c.id for c in whole.caravans]  # journey order, everywhere
    assert [r.position for r in cat.caravans] == list(range(len(whole.caravans)))
    by_id = {c.id: c for c in whole.caravans}
    for r in cat.caravans:
        c = by_id[r.id]
        dated = [s.date for s in c.stops if s.date and not s.rejected]
        assert (r.first_date, r.last_date) == (min(dated, default=None), max(dated, default=None))
        assert r.n_observations == len(c.stops) and r.max_size == c.max_size
    assert cat.dates == journey.nearest_dates(whole)
    assert cat.outlets == whole.outlets
    assert cat.n_articles == len(whole.articles_by_id) == 152
    assert len(cat.caravans) > 40 and cat.n_observations > 500
    assert cat.n_observations == len(_facts(whole))


VIEWS = [
    ViewState(),
    ViewState(min_size=2000),
    ViewState(start=dt.date(2019, 6, 1), end=dt.date(2021, 6, 30)),
    ViewState(as_of=dt.date(2020, 1, 1)),
]


@pytest.mark.parametrize("k", range(len(VIEWS) + 1))
def test_matching_caravans_are_those_the_document_shows(archive_store, whole, k):
    """Every caravan the whole document shows for a view is matched in SQL; a caravan
    matched beyond those was reported before and after the dates, never within them."""
    view = VIEWS[k] if k < len(VIEWS) else ViewState(outlets=(whole.outlets[0],))
    shown = {s.caravan_id for s in journey.visible_stops(whole, view) if not s.planned}
    rows = views.matching(archive_store, view)
    matched = {cid for cid, _ in rows}
    assert shown <= matched
    for cid in matched - shown:
        stops = whole.caravans_by_id[cid].stops
        if view.outlets:
            assert not any(s.outlets & set(view.outlets) for s in stops if not s.planned)
        else:
            assert not any(s.effective_date and (view.start is None or s.effective_date >= view.start)
                           and (view.end is None or s.effective_date <= view.end)
                           and (view.as_of is None or s.effective_date <= view.as_of) for s in stops)
    assert [n for _, n in rows] == [whole.caravans_by_id[c].stops.__len__() for c, _ in rows]
    top = views.most_reported(rows, 5)
    assert [dict(rows)[c] for c in top] == sorted((n for _, n in rows), reverse=True)[:5]


def test_place_totals_add_up_to_the_located_facts(archive_store, whole):
    rows = views.place_totals(archive_store, ViewState())
    expect = defaultdict(lambda: {"facts": 0, "caravans": set(), "roles": Counter()})
    for s in _facts(whole):
        if s.located:
            e = expect[(round(s.lat, 5), round(s.lon, 5))]
            e["facts"] += 1
            e["caravans"].add(s.caravan_id)
            e["roles"][s.role] += 1
    got = {(round(r["lat"], 5), round(r["lon"], 5)): r for r in rows}
    assert set(got) == set(expect)
    for key, e in expect.items():
        r = got[key]
        assert (r["facts"], r["caravans"]) == (e["facts"], len(e["caravans"])), key
        assert {k: v for k, v in r["roles"].items() if v} == dict(e["roles"])
    assert sum(r["facts"] for r in rows) == sum(1 for s in _facts(whole) if s.located)


def test_outlet_and_date_filters_count_the_facts_they_keep(archive_store, whole):
    outlet = whole.outlets[1]
    rows = views.place_totals(archive_store, ViewState(outlets=(outlet,)))
    expect = sum(1 for s in _facts(whole) if s.located
                 and (whole.articles_by_id[s.evidence["article"]].get("outlet") or views.UNKNOWN_OUTLET) == outlet)
    assert sum(r["facts"] for r in rows) == expect > 0
    view = ViewState(start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31))
    rows = views.place_totals(archive_store, view)
    # a date range hides undated facts, and dates undated stops by their journey
    # (archive.filters: the rule the page shows a small store by, here in SQL)
    expect = sum(1 for s in journey.visible_stops(whole, view) if s.located)
    assert sum(r["facts"] for r in rows) == expect > 0
    assert all(view.start <= r["first"] and r["last"] <= view.end for r in rows if r["first"])


def test_unresolved_names_are_counted_not_dropped(archive_store, whole):
    n, rows = views.unresolved_totals(archive_store, ViewState(), limit=1000)
    expect = Counter(s.place_text for s in _facts(whole) if s.has_place and not s.located)
    assert n == len(expect) and expect["San Quintilo"] == 2
    assert {r["place_text"]: r["facts"] for r in rows} == dict(expect)
    for r in rows:
        assert r["place_text"] in r["sentence"]


def test_a_place_lists_its_caravans_and_latest_sentences_with_stop_ids(archive_store, whole):
    top = views.place_totals(archive_store, ViewState())[0]
    d = views.place_detail(archive_store, ViewState(), top["lat"], top["lon"], limit=8)
    here = [s for s in _facts(whole) if s.located and (s.lat, s.lon) == (top["lat"], top["lon"])]
    assert sum(c["facts"] for c in d["caravans"]) == len(here) or len(d["caravans"]) == 32
    dates = [f["date"] for f in d["facts"]]
    assert dates == sorted(dates, key=lambda x: (x is None, -(x.toordinal() if x else 0)))
    texts = {(s.evidence["article"], s.evidence["start"]): s for s in here}
    for f in d["facts"]:
        s = texts[(f["article_id"], f["evidence_start"])]
        assert f["evidence_text"] == s.evidence["text"]
        assert f["article"]["title"] == whole.articles_by_id[f["article_id"]]["title"]
        # the stop id the dashboard opens is the one the whole document gives that fact
        assert f"{f['caravan_id']}:{views.observation_index(archive_store, f['id'])}" == s.id == f["stop_id"]


def test_a_window_of_caravans_is_the_document_restricted_to_them(archive_store):
    doc = archive_store.document()
    pick = [doc["caravans"][k]["id"] for k in (0, 3, len(doc["caravans"]) - 1)]
    part = archive_store.document(caravan_ids=pick)
    assert part["caravans"] == [c for c in doc["caravans"] if c["id"] in pick]
    needed = {e["article"] for c in part["caravans"] for o in c["observations"] for e in [o["evidence"], *o["also"]]}
    assert needed <= {a["id"] for a in part["articles"]}
    full = {a["id"]: a for a in doc["articles"]}
    assert all(a == full[a["id"]] for a in part["articles"])
    atlas = journey.build_atlas(part)  # letters and colours are those of the whole archive
    whole = journey.build_atlas(doc)
    assert [(c.id, c.letter, c.color) for c in atlas.caravans] == \
        [(c.id, c.letter, c.color) for c in whole.caravans if c.id in pick]
    assert set(atlas.stops_by_id) <= set(whole.stops_by_id)


def test_the_unfiltered_totals_kept_by_each_rebuild_are_the_aggregate(backend, corpus, tmp_path):
    """Every visitor's first view is read from what the last rebuild kept: it must be what
    aggregating would give, after new articles and after a correction alike."""
    from sqlalchemy import select as _select

    from archive.store import observations

    store = backend.store()
    files = sorted(corpus.glob("*.md"))
    ingest(files[:60], store)

    def fresh():
        with store.engine.connect() as conn:
            return views._place_totals(conn, ViewState())

    first = views.place_totals(store, ViewState())
    assert first == fresh() and first
    ingest(files[60:90], store)
    second = views.place_totals(store, ViewState())
    assert second == fresh() and second != first
    with store.engine.connect() as conn:
        fact = conn.scalar(_select(observations.c.fact_key).where(observations.c.lat.is_not(None)))
    store.correct("reject", {"fact": fact}, "tester")
    third = views.place_totals(store, ViewState())
    assert third == fresh() and third != second
