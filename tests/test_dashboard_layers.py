"""Unit tests of the dashboard's pure parts: document → stops → map spec, filters, summaries,
URL state and the escaping of everything that comes from articles."""
from __future__ import annotations

import datetime as dt
import json
import math
import re

import pytest

from dashboard import evidence, exports, journey, layers, offline
from dashboard.state import ViewState, parse_query, query_string, to_query

D = dt.date


@pytest.fixture
def atlas(dashboard_sample_document):
    return journey.build_atlas(dashboard_sample_document)


def stops_of(atlas, cid, state=ViewState()):
    return [s for s in journey.visible_stops(atlas, state) if s.caravan_id == cid]


def by_place(stops, name):
    return next(s for s in stops if s.place_name == name or s.place_text == name)


# --------------------------------------------------------------------------- journey order


def test_route_joins_observations_in_date_order(atlas):
    a = stops_of(atlas, "a1#1")
    route = journey.route_points(a)
    # listed arrival-first in the document; the undated waypoint follows the departure;
    # the state-level point (Chiapas) and the unresolved name are not joined into the line
    assert [s.place_name for s in route] == ["Tapachula", "Huixtla", "Mapastepec"]
    assert [s.ref for s in route] == ["A1", "A2", "A5"]
    refs = {s.place_text or s.role: s.ref for s in a}
    assert refs["Xyzzy Creek"] == "A3" and refs["Chiapas"] == "A4"
    assert refs["Mexico City"] == "A6" and refs["report"] == "A7"  # destinations, then reports


def test_journey_order_is_role_aware_for_undated_stops():
    obs = [{"role": "arrival", "date": None, "evidence": {"start": 0}},
           {"role": "waypoint", "date": None, "evidence": {"start": 5}},
           {"role": "departure", "date": "2021-10-23", "evidence": {"start": 9}},
           {"role": "current", "date": "2021-10-25", "evidence": {"start": 20}}]
    assert journey.journey_order(obs) == [2, 1, 3, 0]


def test_stop_ids_are_stable_and_refs_are_short(atlas):
    s = atlas.stops_by_id["a1#1:6"]
    assert s.place_name == "Tapachula" and s.ref == "A1" and s.role == "departure"
    assert atlas.ref_index()["B2"] == "a2#1:1"


# --------------------------------------------------------------------------- lines


def test_travelled_solid_and_planned_dashed(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()))
    lines = [l for l in spec["lines"] if l["caravan"] == "a1#1"]
    travelled = [l for l in lines if l["kind"] == "travelled"]
    planned = [l for l in lines if l["kind"] == "planned"]
    assert len(travelled) == 1 and travelled[0]["dash"] is None
    assert travelled[0]["stops"] == ["A1", "A2", "A5"]
    assert len(planned) == 1 and planned[0]["dash"] == layers.PLANNED_DASH
    # the planned leg starts where the caravan was last reported
    assert planned[0]["coords"][0] == [15.43358, -92.90039]
    assert planned[0]["coords"][1] == [19.42847, -99.12766]
    # one direction arrow per travelled segment, one on the planned leg
    arrows = [a for a in spec["arrows"] if a["color"] == atlas.caravans_by_id["a1#1"].color]
    assert len([a for a in arrows if a["kind"] == "travelled"]) == 2
    assert len([a for a in arrows if a["kind"] == "planned"]) == 1


def test_caravan_known_only_by_countries(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()))
    lines = [l for l in spec["lines"] if l["caravan"] == "a2#2"]
    # no travelled line from one point; a dashed leg from the country it came from
    assert [l["kind"] for l in lines] == ["planned"] and lines[0]["dash"] == layers.PLANNED_DASH
    # coarse-only caravan: its points are still drawn, vaguely
    c = [s for s in spec["stops"] if s["caravan"] == "a2#2"]
    assert len(c) == 2 and all(s["dash"] == layers.COARSE_PLACE_DASH for s in c)


def test_arrow_points_along_the_segment_on_screen():
    east = layers.arrow_between((0.0, 0.0), (0.0, 10.0))
    north = layers.arrow_between((0.0, 0.0), (10.0, 0.0))
    south_west = layers.arrow_between((10.0, 10.0), (0.0, 0.0))
    assert east["angle"] == 0 and north["angle"] == -90
    assert 90 < south_west["angle"] < 180
    assert layers.arrow_between((1.0, 1.0), (1.0, 1.0)) is None
    # the middle is the middle of the straight line Leaflet draws (Web Mercator), not of lat
    mid = layers.arrow_between((0.0, 0.0), (60.0, 0.0))
    assert mid["lat"] > 30.5


# --------------------------------------------------------------------------- circles


def test_radius_is_proportional_to_sqrt_of_size():
    for n in (400, 800, 3000, 7500):
        assert layers.radius_for(4 * n) == pytest.approx(2 * layers.radius_for(n), rel=1e-3)
    assert layers.radius_for(3000) == pytest.approx(layers.RADIUS_PER_SQRT * math.sqrt(3000), abs=0.01)
    assert layers.radius_for(None) == layers.MIN_RADIUS
    assert layers.radius_for(1) == layers.MIN_KNOWN_RADIUS


def test_stop_circle_sizes_follow_reports(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()))
    circ = {s["ref"]: s for s in spec["stops"]}
    assert circ["A1"]["radius"] == layers.radius_for(3000)  # "about 3,000"
    assert circ["B1"]["radius"] == layers.radius_for(12000)
    assert circ["A2"]["radius"] == layers.MIN_RADIUS  # size not reported
    assert journey.size_estimate(3000, 4000, "range") == 3500
    assert journey.size_estimate(2000, 9999, "vague") == 2000
    # larger circles first, so small ones stay on top and clickable
    radii = [s["radius"] for s in spec["stops"]]
    assert radii == sorted(radii, reverse=True)
    # the unresolved place is not drawn (it is listed instead)
    assert "A3" not in circ


def test_vague_places_and_dates_look_vague(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()))
    circ = {s["ref"]: s for s in spec["stops"]}
    chiapas, tapachula, huixtla = circ["A4"], circ["A1"], circ["A2"]
    assert chiapas["dash"] == layers.COARSE_PLACE_DASH and chiapas["radius"] >= layers.COARSE_RADIUS
    assert chiapas["fillOpacity"] < 0.2 and "ca-vague" in chiapas["cls"]
    assert tapachula["dash"] is None and tapachula["fillOpacity"] >= 0.6 and "ca-vague" not in tapachula["cls"]
    assert huixtla["dash"] == layers.COARSE_DATE_DASH  # undated
    sept = circ["B1"]
    assert sept["dash"] == layers.COARSE_DATE_DASH and sept["fillOpacity"] < 0.5  # month only
    dest = circ["A6"]
    assert dest["fill"] == "#ffffff" and "ca-role-destination" in dest["cls"]
    tip = next(s for s in spec["stops"] if s["ref"] == "A4")["tip"]
    assert "place known only as a state or province" in tip


def test_caravans_told_apart_by_letter_and_colour(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()))
    badges = {b["text"]: b for b in spec["badges"]}
    assert set(badges) == {"A", "B", "C"}
    assert len({b["color"] for b in badges.values()}) == 3
    # badges of caravans at the same place sit side by side
    assert all(s["ref"][0] in "ABC" for s in spec["stops"])
    assert {s["cls"].split()[1] for s in spec["stops"]} == {"ca-caravan-a", "ca-caravan-b", "ca-caravan-c"}


def test_selected_stop_gets_a_ring(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()), selected="a1#1:6")
    assert len(spec["rings"]) == 1 and spec["rings"][0]["lat"] == 14.90541
    assert "ca-selected" in next(s for s in spec["stops"] if s["id"] == "a1#1:6")["cls"]


# --------------------------------------------------------------------------- filters


def test_as_of_shows_where_each_caravan_was(atlas):
    state = ViewState(as_of=D(2024, 10, 5))
    a = stops_of(atlas, "a1#1", state)
    assert journey.head(a).place_name == "Huixtla"  # Mapastepec (6 Oct) not yet
    assert "Mapastepec" not in {s.place_name for s in a}
    assert "Mexico City" in {s.place_name for s in a}  # still heading there
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, state))
    planned = next(l for l in spec["lines"] if l["kind"] == "planned" and l["caravan"] == "a1#1")
    assert planned["coords"][0] == [15.13878, -92.46595]
    # before any departure: nothing of that caravan; undated caravan hidden by a date filter
    early = journey.visible_stops(atlas, ViewState(as_of=D(2024, 9, 15)))
    assert {s.caravan_id for s in early} == {"a2#1"}


def test_date_range_min_size_outlet_and_caravan_filters(atlas):
    rng = journey.visible_stops(atlas, ViewState(start=D(2024, 10, 2), end=D(2024, 10, 5)))
    assert {s.place_name for s in rng if s.travelled} == {"Chiapas", None}  # Chiapas + unresolved Xyzzy
    big = journey.visible_stops(atlas, ViewState(min_size=5000))
    assert {s.caravan_id for s in big} == {"a2#1"}
    wire = journey.visible_stops(atlas, ViewState(outlets=("Wire One",)))
    assert {s.caravan_id for s in wire} == {"a1#1"}
    only = journey.visible_stops(atlas, ViewState(caravans=("a2#1",)))
    assert {s.caravan_id for s in only} == {"a2#1"} and len(only) == 2


# --------------------------------------------------------------------------- summary, table, exports


def test_caravan_summary(atlas):
    c = atlas.caravans_by_id["a1#1"]
    summ = journey.caravan_summary(atlas, c, stops_of(atlas, "a1#1"))
    assert summ["departure"].place_name == "Tapachula" and summ["departure"].date == D(2024, 10, 1)
    assert summ["last"].place_name == "Mapastepec"
    from geopy.distance import geodesic
    want = geodesic((14.90541, -92.25891), (15.13878, -92.46595)).km + \
        geodesic((15.13878, -92.46595), (15.43358, -92.90039)).km
    assert summ["distance_km"] == pytest.approx(want)
    assert summ["days"] == 5 and summ["km_per_day"] == pytest.approx(want / 5)
    assert {r["size"] for r in summ["size_reports"]} == {"about 3,000", "4,000"}
    assert summ["size"] == "3,000–4,000"
    html_ = evidence.summary_html(summ)
    assert "km/day" in html_ and "Wire One" in html_


def test_unresolved_places_are_listed_not_hidden(atlas):
    vis = journey.visible_stops(atlas, ViewState())
    missing = journey.unresolved(vis)
    assert [s.place_text for s in missing] == ["Xyzzy Creek"]
    rows = journey.table_rows(atlas, vis)
    row = next(r for r in rows if r["Place"] == "Xyzzy Creek")
    assert row["Located"].startswith("no") and row["Lat"] is None
    gj = exports.to_geojson(atlas, vis)
    feat = next(f for f in gj["features"] if f["properties"].get("place") == "Xyzzy Creek")
    assert feat["geometry"] is None and feat["properties"]["place_kind"] == "not located"


def test_csv_and_geojson_exports(atlas):
    import csv as csv_mod
    import io
    vis = journey.visible_stops(atlas, ViewState())
    csv_text = exports.to_csv(atlas, vis)
    assert csv_text.splitlines()[0].startswith("date,date_precision,size_low,size_high,lat,lon,place,place_kind,role")
    rows = list(csv_mod.DictReader(io.StringIO(csv_text)))
    assert len(rows) == len(vis)
    assert all(r["date"] == "" or len(r["date"]) == 10 for r in rows)
    assert not any(r["place_kind"] in ("admin1", "admin2") for r in rows)
    assert exports.to_csv(atlas, vis, excel=True) == "\ufeff" + csv_text
    gj = json.loads(exports.geojson_text(atlas, vis))
    routes = [f for f in gj["features"] if f["properties"]["feature"] == "route"]
    assert {r["properties"]["caravan_id"] for r in routes} == {"a1#1", "a2#1"}
    a_route = next(r for r in routes if r["properties"]["caravan_id"] == "a1#1")
    assert a_route["geometry"]["coordinates"][0] == [-92.25891, 14.90541]  # lon, lat
    assert len(a_route["properties"]["dates"]) == len(a_route["geometry"]["coordinates"])


# --------------------------------------------------------------------------- escaping


def test_tooltips_escape_titles_and_outlets(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()))
    tip = next(s for s in spec["stops"] if s["ref"] == "B1")["tip"]
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in tip and "<b>Outlet" not in tip
    payload = layers.spec_json(spec)
    assert "<" not in payload and ">" not in payload  # nothing can close a script or open a tag
    assert json.loads(payload) == spec
    for s in spec["stops"]:
        assert "`" not in s["tip"] and "${" not in s["tip"]


def test_compact_payload_round_trips_and_is_small(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()), selected="a1#1:6")
    compact = layers.compact_spec(spec)
    back = layers.expand_spec(json.loads(layers.spec_json(compact)))
    keep = ("lat", "lon", "radius", "color", "weight", "dash", "fill", "fillOpacity", "cls", "tip", "ref")
    assert back["stops"] == [{k: s[k] for k in keep} for s in spec["stops"]]
    assert back["lines"] == spec["lines"] and back["badges"] == spec["badges"] and back["rings"] == spec["rings"]
    assert back["canvas"] is False  # a few stops: SVG elements (classes, keyboard focus)
    assert [(a["lat"], a["angle"]) for a in back["arrows"]] == [(a["lat"], a["angle"]) for a in spec["arrows"]]
    assert len(layers.spec_json(compact)) < 0.8 * len(layers.spec_json(spec))


def test_many_stops_switch_to_canvas_and_fewer_arrows(atlas, monkeypatch):
    monkeypatch.setattr(layers, "CANVAS_ABOVE", 3)
    monkeypatch.setattr(layers, "MAX_ARROWS", 2)
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()))
    assert spec["canvas"] is True and len(spec["arrows"]) <= 2
    assert layers.compact_spec(spec)["canvas"] is True


def test_esc_neutralises_template_literals_and_markup():
    out = layers.esc("<img src=x onerror=alert(1)> `${alert(2)}` \\")
    assert "<" not in out and "`" not in out and "${" not in out and "\\" not in out
    assert out.startswith("&lt;img src=x onerror=alert(1)&gt;")


def test_evidence_panel_escapes_and_highlights(atlas):
    stop = atlas.stops_by_id["a2#1:0"]
    head = evidence.panel_header_html(atlas, stop, 0)
    assert "&lt;img src=x onerror=alert(1)&gt;" in head
    assert "<img" not in head and "<script" not in head
    assert "javascript:" not in head  # a javascript: link is never rendered as a link
    art = atlas.articles_by_id["a2"]
    body = evidence.article_html(art, stop.evidence["start"], stop.evidence["end"], stop.evidence["text"])
    assert "<img" not in body and "&lt;img src=x onerror=alert(5)&gt;" in body
    marked = re.search(r"<mark class='ca-evidence'>(.*?)</mark>", body).group(1)
    assert marked.startswith("A second group of 12,000")
    assert body.count("<mark") == 1


def test_article_html_finds_quote_when_offsets_are_stale():
    art = {"text": "First. The caravan left Tapachula. Last."}
    body = evidence.article_html(art, 0, 3, "The caravan left Tapachula.")
    assert "<mark class='ca-evidence'>The caravan left Tapachula.</mark>" in body


def test_safe_url():
    assert evidence.safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", " JaVaScRiPt:alert(1)", "//evil", None, ""):
        assert evidence.safe_url(bad) is None


def test_stop_ref_read_back_from_tooltip_text(atlas):
    spec = layers.map_spec(atlas, journey.visible_stops(atlas, ViewState()))
    tip = next(s for s in spec["stops"] if s["ref"] == "A5")["tip"]
    text = re.sub(r"<[^>]+>", "", tip)  # what the browser's textContent gives back
    assert layers.parse_stop_ref(text) == "A5"
    assert layers.parse_stop_ref("Stop A12:3 Oct 2024") == "A12"
    assert layers.parse_stop_ref("Caravan A route") is None and layers.parse_stop_ref(None) is None


# --------------------------------------------------------------------------- URL state


def test_query_round_trip(atlas):
    state = ViewState(caravans=("a1#1", "a2#1"), start=D(2024, 9, 15), end=D(2024, 10, 4), as_of=D(2024, 10, 3),
                      min_size=500, outlets=("Wire One",), stop="a1#1:6", source=0)
    q = to_query(state)
    assert q["caravan"] == ["a1#1", "a2#1"] and q["asof"] == ["2024-10-03"] and "src" not in q
    back = parse_query(q, caravan_ids=atlas.caravans_by_id, outlets=atlas.outlets, stop_ids=atlas.stops_by_id,
                       date_min=atlas.date_min, date_max=atlas.date_max)
    assert back == state
    assert "caravan=a1%231" in query_string(state)
    assert to_query(ViewState()) == {}


def test_query_ignores_invalid_values(atlas):
    back = parse_query({"caravan": ["nope", "a1#1"], "from": "garbage", "to": "2030-01-01", "minsize": "-5",
                        "outlet": "Unknown", "stop": "missing", "src": "x"},
                       caravan_ids=atlas.caravans_by_id, outlets=atlas.outlets, stop_ids=atlas.stops_by_id,
                       date_min=atlas.date_min, date_max=atlas.date_max)
    assert back == ViewState(caravans=("a1#1",))


# --------------------------------------------------------------------------- offline assets


def test_static_assets_come_from_installed_packages(tmp_path):
    out = offline.ensure_static(tmp_path / "static")
    assert (out / "vendor/leaflet/leaflet.js").stat().st_size > 100_000
    assert (out / "vendor/leaflet/images/marker-icon.png").is_file()
    gj = json.loads((out / "geo/countries.geojson").read_text())
    names = {f["properties"]["name"] for f in gj["features"]}
    assert {"Mexico", "Guatemala", "Honduras"} <= names and len(gj["features"]) > 150


def test_localize_leaves_no_remote_asset():
    import folium
    from folium.elements import JSCSSMixin

    offline.localize()
    assert folium.Map.default_js == [("leaflet", offline.LEAFLET_JS)]
    for cls in offline._subclasses(JSCSSMixin):
        for _, url in list(getattr(cls, "default_js", [])) + list(getattr(cls, "default_css", [])):
            assert not offline.is_remote(url), (cls, url)


# --------------------------------------------------------------------------- confidence


def _with_confidence(doc, value):
    doc = json.loads(json.dumps(doc))
    for c in doc["caravans"]:
        for o in c["observations"]:
            if o["place"] and o["place"]["text"] == "Huixtla":
                o["confidence"] = value
    return doc


def test_low_confidence_facts_are_faded_and_hidden_above_the_readers_threshold(dashboard_sample_document):
    atlas = journey.build_atlas(_with_confidence(dashboard_sample_document, 0.3))
    huixtla = by_place(stops_of(atlas, "a1#1"), "Huixtla")
    sure = by_place(stops_of(atlas, "a1#1"), "Tapachula")
    assert huixtla.confidence == 0.3 and sure.confidence == 1.0
    faded, plain = layers.stop_style(huixtla), layers.stop_style(sure)
    assert faded["fillOpacity"] < plain["fillOpacity"] and faded["dash"]
    assert any("30% sure" in n for n in layers.vagueness(huixtla))
    # default: every fact shown; a threshold above the fact's confidence hides it only
    assert "Huixtla" in [s.place_name for s in stops_of(atlas, "a1#1")]
    above = [s.place_name for s in stops_of(atlas, "a1#1", ViewState(min_confidence=0.5))]
    assert "Huixtla" not in above and "Tapachula" in above


@pytest.mark.parametrize("raw, want", [("0.5", 0.5), ("1", 1.0), ("inf", 0.0), ("nan", 0.0), ("-0.2", 0.0),
                                       ("1e999", 0.0), ("abc", 0.0), ("", 0.0)])
def test_confidence_threshold_in_the_url(raw, want):
    vs = parse_query({"minconf": raw})
    assert vs.min_confidence == want
    assert parse_query(to_query(vs)).min_confidence == want


def test_a_link_names_what_it_ignored():
    notes: list = []
    d0, d1 = dt.date(2021, 9, 1), dt.date(2023, 12, 27)
    vs = parse_query({"caravan": ["a1#1", "ghost"], "from": "2021-13-45", "to": "2030-01-01", "zoom": "40",
                      "center": "15.5,-93", "colour": "red"}, caravan_ids=["a1#1"], date_min=d0, date_max=d1, notes=notes)
    assert vs.caravans == ("a1#1",) and vs.start is None and vs.end is None and vs.zoom is None
    assert vs.center == "15.5000,-93.0000"
    text = " ".join(notes)
    for part in ("ghost", "2021-13-45", "2030-01-01", "zoom=40", "colour"):
        assert part in text
    assert parse_query(to_query(vs.with_(zoom=7)), caravan_ids=["a1#1"]).zoom == 7
    quiet: list = []
    parse_query(to_query(vs), caravan_ids=["a1#1"], date_min=d0, date_max=d1, notes=quiet)
    assert quiet == []  # the app's own links are understood whole



def test_summary_distances_are_geopys_geodesic_without_geopy():
    """The summaries' km are geopy's geodesic (WGS-84) to the metre, computed without importing
    geopy, which loads every geocoder (and requests) on the dashboard's first run."""
    import random
    import subprocess
    import sys
    from pathlib import Path

    from geopy.distance import geodesic
    rnd = random.Random(11)
    for _ in range(200):
        a, b = (rnd.uniform(-60, 60), rnd.uniform(-180, 180)), (rnd.uniform(-60, 60), rnd.uniform(-180, 180))
        assert journey._geodesic_km(*a, *b) == pytest.approx(geodesic(a, b).km, abs=1e-6)
    code = ("import sys; from dashboard import journey; journey._geodesic_km(14.9, -92.3, 19.4, -99.1); "
            "print('geopy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
