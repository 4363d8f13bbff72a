"""The dashboard on an archive too large to read whole (AppTest, real store, real queries).

The thresholds are lowered (CARAVAN_ATLAS_LARGE_ABOVE, CARAVAN_ATLAS_DETAIL_LIMIT) so that a
generated corpus of 150 articles behaves as the 100,000-article one does: the sidebar reads
the catalogue, a view with many facts is a map of places, choosing caravans brings their
routes back, and a place's sentences open in their caravan with the evidence highlighted.
"""
from __future__ import annotations

import re

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from apptest_support import html_bodies, map_args, run_app  # noqa: E402
from apptest_support import spec_of as layer_spec  # noqa: E402
from conftest import ARCHIVE_DETAIL, ARCHIVE_LARGE_ABOVE  # noqa: E402
from dashboard import data, layers  # noqa: E402
from dashboard.state import ViewState  # noqa: E402
from archive import views  # noqa: E402
from archive.store import Store  # noqa: E402

DETAIL = ARCHIVE_DETAIL  # facts drawn one by one in these tests


@pytest.fixture
def archive_env(monkeypatch, dashboard_archive_db):
    monkeypatch.delenv(data.DOCUMENT_ENV, raising=False)
    monkeypatch.delenv(data.ARTICLES_DIR_ENV, raising=False)
    monkeypatch.setenv("CARAVAN_ATLAS_STORE", str(dashboard_archive_db))
    monkeypatch.setenv(data.LARGE_ABOVE_ENV, str(ARCHIVE_LARGE_ABOVE))
    monkeypatch.setenv(data.DETAIL_LIMIT_ENV, str(DETAIL))
    return Store(f"sqlite:///{dashboard_archive_db}")


def spec_of(at: AppTest) -> dict:
    return layer_spec(map_args(at))


def component(at: AppTest) -> dict:
    return map_args(at)


def click(at: AppTest, tooltip: str, n: int = 1) -> None:
    at.session_state[component(at)["key"]] = {"last_object_clicked_tooltip": tooltip, "last_object_clicked_count": n}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def panel(at: AppTest) -> str:
    return "".join(html_bodies(at))


def param(at: AppTest, key: str):
    v = at.query_params.get(key)
    return v[0] if isinstance(v, list) else v


def test_a_large_view_is_a_map_of_places(archive_env):
    at = run_app()
    totals = views.place_totals(archive_env, ViewState())
    spec = spec_of(at)
    assert not spec["stops"] and not spec["lines"]  # no route is drawn one by one
    assert len(spec["places"]) == len(totals) > 10
    tapachula = next(r for r in totals if r["place_name"] == "Tapachula")
    drawn = next(p for p in spec["places"] if (p["lat"], p["lon"]) == (tapachula["lat"], tapachula["lon"]))
    assert f"{tapachula['caravans']} caravans" in " ".join(drawn["tip"])
    cat = views.catalogue(archive_env)
    assert f"{len(cat.caravans):,} caravans read from {cat.n_articles:,} news articles" in at.caption[0].value
    assert f"more than the {DETAIL:,} drawn one by one" in at.caption[0].value
    assert "Too many caravans for routes" in component(at)["script"]  # the places legend
    table = at.dataframe[0].value
    assert len(table) == min(len(cat.caravans), 500) and list(table.columns)[0] == "Caravan"
    assert len(at.sidebar.multiselect(key="f_caravans").options) == len(cat.caravans)


def test_a_click_on_a_place_opens_its_sentences_and_the_url_keeps_it(archive_env):
    at = run_app()
    spec = spec_of(at)
    first = min(spec["places"], key=lambda p: p["n"])
    click(at, f"Place {first['n']}: {first['tip'][0]}")
    key = f"{first['lat']:.5f},{first['lon']:.5f}"
    assert at.session_state["sel_place"] == key and param(at, "place") == key
    assert spec_of(at)["rings"], "the open place is ringed"
    d = views.place_detail(archive_env, ViewState(), first["lat"], first["lon"], 12)
    body = panel(at)
    assert d["facts"] and all(layers.esc(f["evidence_text"]) in body for f in d["facts"])
    # the copied link reopens the place
    again = run_app({"place": key})
    assert again.session_state["sel_place"] == key
    assert layers.esc(d["facts"][0]["evidence_text"]) in panel(again)


def test_a_sentence_opens_in_its_caravan_with_the_evidence_marked(archive_env):
    at = run_app()
    totals = views.place_totals(archive_env, ViewState())
    n = 1 + next(i for i, r in enumerate(totals) if r["place_name"] == "Tapachula")
    click(at, f"Place {n}: Tapachula")
    body = panel(at)
    # the newest sentence there is the hostile article's: its title and outlet are text
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "Evil &lt;b&gt;Outlet&lt;/b&gt;" in body
    assert "<img" not in body and "<script>alert" not in body
    at.button(key="place_fact_0").click().run()
    assert not at.exception
    caravan = at.session_state["f_caravans"]
    assert len(caravan) == 1 and param(at, "caravan") == caravan[0]
    assert at.session_state["sel_stop"].startswith(caravan[0] + ":")
    spec = spec_of(at)
    assert spec["stops"] and not spec.get("places")  # routes again
    mark = re.search(r"<mark class='ca-evidence'>(.*?)</mark>", panel(at), re.S).group(1)
    assert "left Tapachula on Monday" in mark


def test_choosing_caravans_draws_their_routes_with_their_archive_letters(archive_env):
    at = run_app()
    cat = views.catalogue(archive_env)
    rows = views.matching(archive_env, ViewState())
    pick = views.most_reported(rows, 2)
    at.sidebar.multiselect(key="f_caravans").set_value(pick).run()
    assert not at.exception
    spec = spec_of(at)
    letters = {b["text"] for b in spec["badges"]}
    from dashboard.journey import letter_for
    assert letters == {letter_for(next(r.position for r in cat.caravans if r.id == c)) for c in pick}
    assert {s["cls"].split()[1] for s in spec["stops"]} == {f"ca-caravan-{x.lower()}" for x in letters}
    assert "Showing 2 caravans" in at.caption[0].value


def test_filters_narrow_the_places_and_write_the_url(archive_env):
    at = run_app()
    before = {(p["lat"], p["lon"]): p["tip"] for p in spec_of(at)["places"]}
    total = len(views.matching(archive_env, ViewState()))
    # the largest minimum size that still leaves more facts than are drawn one by one
    size = max(t for t in range(0, 20001, 500)
               if sum(n for _, n in views.matching(archive_env, ViewState(min_size=t))) > DETAIL)
    view = ViewState(min_size=size)
    assert size > 0 and len(views.matching(archive_env, view)) < total
    at.sidebar.number_input(key="f_minsize").set_value(size).run()
    assert not at.exception and param(at, "minsize") == str(size)
    expect = views.place_totals(archive_env, view)
    after = {(p["lat"], p["lon"]): p["tip"] for p in spec_of(at)["places"]}
    assert len(after) == len(expect) and after != before
