"""The map of places a large view is drawn as (dashboard.overview), as pure functions."""
from __future__ import annotations

import datetime as dt
import json

from dashboard import layers, overview
from dashboard.state import ViewState, parse_query, to_query


def row(name, lat, lon, caravans, facts, roles, kind="city", **kw):
    return {"place_name": name, "lat": lat, "lon": lon, "kind": kind, "country_code": "MX", "admin1": kw.get("admin1"),
            "caravans": caravans, "facts": facts, "roles": roles, "first": kw.get("first"), "last": kw.get("last"),
            "largest": kw.get("largest")}


ROWS = [
    row("Tapachula", 14.90541, -92.25891, 400, 900, {"departure": 700, "waypoint": 200}, admin1="Chiapas",
        first=dt.date(2018, 1, 2), last=dt.date(2024, 5, 1), largest=12000),
    row("Mexico City", 19.42847, -99.12766, 100, 300, {"destination": 300}),
    row("Texas", 31.25044, -99.25061, 25, 30, {"destination": 30}, kind="admin1"),
    row("<img src=x onerror=alert(1)>", 16.0, -93.0, 1, 1, {"waypoint": 1}),
]


def test_places_are_sized_by_caravans_and_coloured_by_what_happened_there():
    spec = overview.places_spec(ROWS, selected="14.90541,-92.25891")
    by_name = {p["tip"][0]: p for p in spec["places"]}
    tap, mex, tex = by_name["<b>Tapachula, Chiapas, MX</b>"], by_name["<b>Mexico City, MX</b>"], by_name["<b>Texas, MX</b>"]
    assert tap["radius"] == overview.MAX_PLACE_RADIUS  # the busiest place of the view
    assert abs(mex["radius"] / tap["radius"] - 0.5) < 0.01  # a quarter of the caravans: half the radius, a quarter the area
    assert min(p["radius"] for p in spec["places"]) == overview.MIN_PLACE_RADIUS
    assert tap["color"] == overview.TRAVELLED_COLOR and mex["color"] == overview.PLANNED_COLOR
    assert tex["coarse"] and not tap["coarse"]
    assert [p["radius"] for p in spec["places"]] == sorted((p["radius"] for p in spec["places"]), reverse=True)
    assert spec["rings"] == [{"lat": 14.90541, "lon": -92.25891, "radius": tap["radius"] + 6}]
    assert "400 caravans · 900 reported facts" in tap["tip"][1]
    assert tap["tip"][2] == "left from 700 · passed through 200"
    assert "2 Jan 2018 – 1 May 2024" in tap["tip"][3] and "12,000 people" in tap["tip"][4]


def test_place_tooltips_are_escaped_and_their_number_reads_back():
    spec = overview.places_spec(ROWS)
    hostile = next(p for p in spec["places"] if "alert" in p["tip"][0])
    assert "<img" not in json.dumps(hostile["tip"]) and "&lt;img src=x onerror=alert(1)&gt;" in hostile["tip"][0]
    assert overview.parse_place_ref(f"Place {hostile['n']}: whatever") == hostile["n"] == 4
    assert overview.parse_place_ref("Stop A3: Tapachula") is None


def test_the_places_spec_survives_the_compact_form_sent_to_the_browser():
    spec = layers._with_defaults(overview.places_spec(ROWS))
    back = layers.expand_spec(json.loads(layers.spec_json(layers.compact_spec(spec))))
    assert back["places"] == [{k: v for k, v in p.items() if k != "key"} for p in spec["places"]]
    assert "<" not in layers.spec_json(layers.compact_spec(spec))  # nothing can close the script


def test_bounds_leave_out_regions_and_pad():
    (s, w), (n, e) = overview.bounds(ROWS)
    assert s < 14.9 and n > 19.4 and w < -99.1 and e > -92.3
    assert n < 31  # Texas, a state's centre, does not stretch the view


def test_the_open_place_is_in_the_url_and_reads_back():
    q = to_query(ViewState(place="19.42847,-99.12766"))
    assert q == {"place": ["19.42847,-99.12766"]}
    assert parse_query(q).place == "19.42847,-99.12766"
    for bad in ("here", "91,0", "1,2,3", "", "nan,nan"):
        assert parse_query({"place": bad}).place is None
