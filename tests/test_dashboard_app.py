"""The dashboard's wiring under Streamlit's AppTest: filters, URL state both ways, the map
component's arguments (all assets local, minimal returned objects, a stable base map),
a simulated map click, escaping, and unresolved places."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from apptest_support import html_bodies, map_args, run_app, spec_of  # noqa: E402
from dashboard import data, offline  # noqa: E402


def _seed_caravan_ids() -> tuple[str, str]:
    """Ids of the October 2021 caravan (both 2021 articles) and the 12,000 Haitians, as the
    store's join names them."""
    from journeys.articles import read_article
    from journeys.extract import extract_article
    from journeys.join import join

    seeds = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
    joined = join([c for p in seeds for c in extract_article(read_article(p)).caravans])
    a = next(c for c in joined if len(c.articles) == 2)
    dep = next(i for i, o in enumerate(a.observations) if o.role == "departure" and o.article.startswith("000"))
    return a.id, next(c.id for c in joined if c.size_low == 12000), f"{a.id}:{dep}"


SEED_A, SEED_B, SEED_A_DEPARTURE = _seed_caravan_ids()  # the last: "left Tapachula", Border Report
# Remote URLs allowed in the map's code: links a person may follow (attribution) and the
# tile template of the optional, off-by-default OpenStreetMap layer. None is loaded.
ALLOWED_REMOTE = re.compile(r"^https://(leafletjs\.com|openstreetmap\.org/copyright|www\.openstreetmap\.org/copyright"
                            r"|geonames\.org|www\.geonames\.org)")


@pytest.fixture
def seeds_env(monkeypatch):
    monkeypatch.delenv(data.DOCUMENT_ENV, raising=False)
    monkeypatch.delenv(data.ARTICLES_DIR_ENV, raising=False)


def test_app_runs_on_the_seeds(seeds_env):
    at = run_app()
    assert at.title[0].value == "Caravan Atlas"
    args = map_args(at)
    spec = spec_of(args)
    assert {b["text"] for b in spec["badges"]} == {"A", "B", "C", "D"}  # the seeds' four caravans, A–D
    assert any(s["cls"].find("ca-place-tapachula") >= 0 for s in spec["stops"])
    assert [l for l in spec["lines"] if l["kind"] == "travelled"]
    assert [l for l in spec["lines"] if l["kind"] == "planned"]
    # per-caravan summaries, the table, downloads
    assert any("Last reported" in b for b in html_bodies(at))
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 20
    assert len(at.get("download_button")) == 3  # CSV, CSV for Excel, GeoJSON


def test_map_loads_nothing_remote(seeds_env):
    args = map_args(run_app())
    assert args["js_links"] == [offline.LEAFLET_JS]
    assert args["css_links"] == [offline.LEAFLET_CSS]
    for part in ("script", "html", "header", "feature_group"):
        for url in offline.remote_loads(args.get(part) or ""):
            assert ALLOWED_REMOTE.match(url), (part, url)
    code = (args["script"] or "") + (args["header"] or "") + (args["html"] or "")
    assert "cdn" not in code.lower() and "d3js" not in code
    # the country outlines come from the app's static folder; OSM tiles only as an off-by-default layer
    assert offline.COUNTRIES_URL in args["script"]
    assert "tile.openstreetmap.org" in args["script"]
    tiles = re.search(r"var (\w+) = L\.tileLayer\(\s*\"https://tile\.openstreetmap", args["script"]).group(1)
    assert f"{tiles}.addTo(" not in args["script"]  # created for the layer switcher, not shown
    assert "L.Icon.Default.imagePath" in args["script"]


def test_map_reruns_only_on_clicks_and_keeps_its_base(seeds_env):
    at = run_app()
    args = map_args(at)
    # clicks, and the view (zoom and centre go in the share link): nothing else reruns the script
    assert sorted(args["returned_objects"]) == ["center", "last_object_clicked_count", "last_object_clicked_tooltip",
                                                "zoom"]
    before_key, before_script = args["key"], args["script"]
    at.sidebar.multiselect(key="f_caravans").select(SEED_B).run()
    args2 = map_args(at)
    # same base map → same component: Leaflet keeps the user's zoom; only the layer changes
    assert args2["key"] == before_key and args2["script"] == before_script
    assert {b["text"] for b in spec_of(args2)["badges"]} == {"B"}


def test_filters_write_the_url(seeds_env):
    at = run_app()
    at.sidebar.multiselect(key="f_caravans").select(SEED_A).run()
    at.sidebar.number_input(key="f_minsize").set_value(1000).run()
    at.sidebar.toggle(key="f_asof_on").set_value(True).run()
    assert at.query_params["caravan"] == [SEED_A] or at.query_params["caravan"] == SEED_A
    qp = {k: at.query_params[k] for k in at.query_params}
    assert str(qp["minsize"]).strip("[]'") == "1000"
    assert "asof" in qp
    at.sidebar.multiselect(key="f_outlets").select("Border Report").run()
    assert "Border Report" in str(at.query_params["outlet"])


def test_url_opens_the_same_view(seeds_env):
    at = run_app({"caravan": [SEED_A, SEED_B], "asof": "2021-10-23", "minsize": "2000",
                  "stop": SEED_A_DEPARTURE})
    assert at.sidebar.multiselect(key="f_caravans").value == [SEED_A, SEED_B]
    assert at.sidebar.toggle(key="f_asof_on").value is True
    assert str(at.sidebar.slider(key="f_asof").value) == "2021-10-23"
    assert at.sidebar.number_input(key="f_minsize").value == 2000
    assert at.selectbox(key="sel_stop").value == SEED_A_DEPARTURE
    spec = spec_of(map_args(at))
    assert {b["text"] for b in spec["badges"]} == {"B", "C"}  # badges follow the caravans' dates: C is October 2021
    assert len(spec["rings"]) == 1  # the selected stop is highlighted
    panel = "".join(html_bodies(at))
    assert "<mark class='ca-evidence'>" in panel and "Tapachula" in panel
    # and the app writes back exactly the view it shows
    assert at.query_params["stop"] in (SEED_A_DEPARTURE, [SEED_A_DEPARTURE])


def test_bad_url_values_are_ignored(seeds_env):
    at = run_app({"caravan": "no-such-caravan", "asof": "yesterday", "stop": "nope", "minsize": "lots"})
    assert at.sidebar.multiselect(key="f_caravans").value == []
    assert at.sidebar.toggle(key="f_asof_on").value is False
    assert "stop" not in at.query_params and "caravan" not in at.query_params


def test_map_click_opens_the_evidence(seeds_env):
    at = run_app()
    key = map_args(at)["key"]
    at.session_state[key] = {"last_object_clicked_tooltip": "Stop C1:left from Tapachula, Chiapas, MX",
                             "last_object_clicked_count": 1}
    at.run()
    assert not at.exception
    assert at.selectbox(key="sel_stop").value == SEED_A_DEPARTURE
    assert at.query_params["stop"] in (SEED_A_DEPARTURE, [SEED_A_DEPARTURE])
    panel = "".join(html_bodies(at))
    mark = re.search(r"<mark class='ca-evidence'>(.*?)</mark>", panel, re.S).group(1)
    assert "left the Mexican southern border city of Tapachula" in mark
    assert "Border Report" in panel


def test_hostile_article_is_escaped_everywhere(monkeypatch, dashboard_xss_articles_dir):
    monkeypatch.delenv(data.DOCUMENT_ENV, raising=False)
    monkeypatch.setenv(data.ARTICLES_DIR_ENV, str(dashboard_xss_articles_dir))
    at = run_app()
    args = map_args(at)
    spec = spec_of(args)
    assert spec["stops"], "the hostile article still yields a caravan"
    assert "<img" not in args["feature_group"] and "`${" not in args["feature_group"]
    key = args["key"]
    at.session_state[key] = {"last_object_clicked_tooltip": "Stop A1:left from", "last_object_clicked_count": 1}
    at.run()
    bodies = html_bodies(at)
    panel = "".join(bodies)
    assert "&lt;img src=x onerror=alert(1)&gt;" in panel  # the title, shown as text
    assert "&lt;img src=x onerror=alert(5)&gt;" in panel  # the article text too
    assert "<img" not in panel and "<script>alert" not in panel and "<b>Outlet" not in panel
    assert "javascript:alert" not in panel
    # the only HTML allowed to run script is the app's own constant code
    for h in at.get("html"):
        if h.proto.unsafe_allow_javascript:
            assert "alert" not in h.proto.body


def test_unresolved_places_are_listed(monkeypatch, dashboard_sample_document_file):
    monkeypatch.setenv(data.DOCUMENT_ENV, str(dashboard_sample_document_file))
    at = run_app()
    assert any(s.value == "Places named but not located" for s in at.subheader)
    assert any("Xyzzy Creek" in b for b in html_bodies(at))
    df = at.dataframe[0].value
    assert "Xyzzy Creek" in set(df["Place"])


def test_share_box_is_plain_html_code_boxes(seeds_env):
    """The share link and the embed code are drawn as HTML code boxes, not with st.code, whose
    front end (1.5 MB of JavaScript with every language's highlighter) is evaluated before the
    page draws anything else on a first load, the map included."""
    at = run_app({"caravan": SEED_A})
    assert len(at.code) == 0
    boxes = [b for b in html_bodies(at) if 'class="ca-code"' in b]
    assert len(boxes) == 2
    link, embed = boxes
    assert "caravan=" in link and "ca-code-copy" in link
    assert "&lt;iframe" in embed and "embed=true" in embed and "<iframe" not in embed  # shown, never run


def test_reading_the_store_does_not_load_the_extractor():
    """The dashboard reads a filled store without importing the extractor (journeys.extract
    and what it needs): only writing (ingest, saving, joining) loads it."""
    import subprocess
    import sys

    code = ("import sys; import archive.store, archive.views, archive.document, dashboard.data, dashboard.reads, "
            "dashboard.journey, dashboard.overview, dashboard.sections.sidebar, dashboard.sections.routes_map, "
            "dashboard.sections.evidence_panel, dashboard.sections.summaries, dashboard.sections.facts_table, "
            "dashboard.sections.for_editors, dashboard.sections.header, dashboard.sections.sharing, "
            "dashboard.sections.places_map, dashboard.sections.source; "
            "print(sorted(m for m in ('journeys.extract', 'journeys.join', 'geoparser') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
