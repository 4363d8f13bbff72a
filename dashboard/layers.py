"""Stops → map layers.

The pure part turns visible stops into a *map spec*: plain lists of lines, arrows, stop
circles, caravan badges and highlight rings, each fully styled, with escaped tooltip HTML.
Unit tests check the spec. The folium part is thin: a constant base map (country
outlines, legend, attribution, and one small JS renderer) and a feature group holding the
spec as JSON, which the renderer draws. One JS object per map instead of one folium
object per stop keeps a rerun fast and the payload small at thousands of stops.
"""
from __future__ import annotations

import html
import json
import math
import re
import unicodedata

from journeys.terms import UNKNOWN_OUTLET

from .journey import (COARSE_DATES, ROLE_LABEL, Atlas, Stop, by_caravan, fmt_date, head, mercator_y, route_points,
                      spot, stacks, stop_size)
from . import assets, offline

MIN_RADIUS = 5.0  # size not reported
MIN_KNOWN_RADIUS = 4.0
RADIUS_PER_SQRT = 0.25  # px per sqrt(person): 3,000 → 13.7 px, 12,000 → 27.4 px
MAX_RADIUS = 45.0
COARSE_RADIUS = 22.0  # a state/country/region: a wide, faint circle
TRAVELLED_WEIGHT, PLANNED_WEIGHT = 3.5, 2.5
PLANNED_DASH = "7 7"
COARSE_PLACE_DASH = "5 5"
COARSE_DATE_DASH = "2 4"
KIND_WORDS = {"admin1": "a state or province", "country": "a country", "region": "a region"}
STOP_REF = re.compile(r"^\s*Stop\s+([A-Z]+[0-9]+):")


def esc(text) -> str:
    """HTML-escape for markup that also ends up inside JS strings and template literals."""
    return (html.escape("" if text is None else str(text), quote=True)
            .replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;"))


def radius_for(size: float | None) -> float:
    """Circle radius in px: area ∝ reported size; a minimum when unknown."""
    if size is None or size <= 0:
        return MIN_RADIUS
    return round(min(MAX_RADIUS, max(MIN_KNOWN_RADIUS, RADIUS_PER_SQRT * math.sqrt(size))), 2)


def slug(text: str | None) -> str:
    t = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "unnamed"


# Below this, a fact is drawn faded: the extractor was less sure of it than of a coin toss.
LOW_CONFIDENCE = 0.5


def stop_style(s: Stop) -> dict:
    """How a stop circle looks. Solid and filled: a town on a known day. Dashed outline,
    faint fill: the place (wide circle) or the date (small dashes) is only approximate.
    White fill: a destination, not a place reached."""
    r = radius_for(s.size_estimate)
    style = {"radius": r, "color": s.color, "weight": 2.0, "dash": None, "fill": s.color, "fillOpacity": 0.7}
    if s.planned:
        style.update(fill="#ffffff", fillOpacity=0.85, dash="3 3", weight=2.0)
    if s.coarse_place:
        style.update(radius=max(r, COARSE_RADIUS), dash=COARSE_PLACE_DASH, fillOpacity=0.1, weight=1.5)
        if s.planned:
            style.update(fill="#ffffff", fillOpacity=0.25)
    elif s.coarse_date and not s.planned:
        style.update(dash=COARSE_DATE_DASH, fillOpacity=0.3)
    if s.size_estimate is None and not s.planned and not s.coarse_place:
        style.update(fillOpacity=min(style["fillOpacity"], 0.45))
    if s.confidence < LOW_CONFIDENCE:  # faded: outline thin, fill faint
        style.update(fillOpacity=round(style["fillOpacity"] * 0.35, 3), weight=1.0, dash=style["dash"] or "1 3")
    return style


def vagueness(s: Stop) -> list[str]:
    notes = []
    if s.confidence < LOW_CONFIDENCE:
        notes.append(f"uncertain reading: the extractor is {s.confidence:.0%} sure of this fact")
    if s.coarse_place:
        notes.append(f"place known only as {KIND_WORDS.get(s.kind, 'an area')}: the point is its centre")
    if not s.planned and s.role != "report":
        if s.date is None:
            notes.append("date not reported: placed in the journey where the article's words put it")
        elif s.date_precision in COARSE_DATES:
            notes.append(f"date known only to the {s.date_precision}")
    return notes


def stop_head(ref: str) -> str:
    """First tooltip line; the renderer rebuilds it from the ref (letters and digits only)."""
    return f"<b>Stop {ref}:</b>"


def stop_tooltip(atlas: Atlas, s: Stop, stacked: int = 1) -> str:
    """Escaped tooltip HTML. Starts with "Stop A3" (the click handler reads it back).
    `stacked`: how many stops are drawn at this spot (more than one: the click lists them)."""
    caravan = atlas.caravans_by_id[s.caravan_id]
    art = atlas.articles_by_id.get(s.evidence.get("article")) or {}
    when = "" if s.planned else fmt_date(s.date, s.date_precision)
    size = stop_size(s)
    lines = [stop_head(s.ref),
             f"{esc(ROLE_LABEL.get(s.role, s.role))} <b>{esc(s.place_display)}</b>",
             " · ".join(x for x in (esc(when), esc(size + " people") if size else "") if x),
             f"<span class='ca-tip-src'>{esc(caravan.title)}</span>",
             f"<span class='ca-tip-src'>{esc(art.get('outlet') or UNKNOWN_OUTLET)}"
             + (f" + {len(s.also)} more sentence{'s' if len(s.also) > 1 else ''} saying so" if s.also else "") + "</span>"]
    lines += [f"<i>{esc(n)}</i>" for n in vagueness(s)]
    if stacked > 1:
        lines.append(f"<b>{stacked} stops at this place</b>: click to list them all")
    return "<br>".join(x for x in lines if x)


def parse_stop_ref(tooltip_text: str | None) -> str | None:
    m = STOP_REF.match(tooltip_text or "")
    return m.group(1) if m else None


def _lat_from_merc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def arrow_between(a: tuple, b: tuple) -> dict | None:
    """Arrowhead at the middle of a→b as drawn on the (Web Mercator) map: position and the
    CSS rotation of a right-pointing ▶ (0° = east, -90° = north)."""
    (lat1, lon1), (lat2, lon2) = a, b
    dx = math.radians(lon2 - lon1)
    y1, y2 = mercator_y(lat1), mercator_y(lat2)
    dy = y2 - y1
    if abs(dx) < 1e-9 and abs(dy) < 1e-9:
        return None
    angle = -math.degrees(math.atan2(dy, dx))
    return {"lat": round(_lat_from_merc((y1 + y2) / 2), 5), "lon": round((lon1 + lon2) / 2, 5),
            "angle": round(angle, 1)}


def caravan_layers(atlas: Atlas, stops: list[Stop]) -> dict:
    """Lines and arrows of one caravan: the travelled route solid, in journey order; a
    dashed leg from where it was last reported to each destination it was heading for."""
    caravan = atlas.caravans_by_id[stops[0].caravan_id]
    pts = route_points(stops)
    lines, arrows = [], []
    if len(pts) > 1:
        lines.append({"kind": "travelled", "caravan": caravan.id, "stops": [p.ref for p in pts],
                      "coords": [[p.lat, p.lon] for p in pts], "color": caravan.color,
                      "weight": TRAVELLED_WEIGHT, "opacity": 0.9, "dash": None,
                      "cls": f"ca-route ca-travelled ca-caravan-{caravan.letter.lower()}",
                      "tip": f"<b>{esc(caravan.title)}</b><br>route as reported: "
                             + esc(" → ".join(p.ref for p in pts))})
        for p, q in zip(pts, pts[1:]):
            a = arrow_between((p.lat, p.lon), (q.lat, q.lon))
            if a:
                arrows.append({**a, "color": caravan.color, "opacity": 1.0, "kind": "travelled"})
    h = pts[-1] if pts else None
    if h is not None:
        for d in (s for s in stops if s.planned and s.located):
            if (d.lat, d.lon) == (h.lat, h.lon):
                continue
            lines.append({"kind": "planned", "caravan": caravan.id, "stops": [h.ref, d.ref],
                          "coords": [[h.lat, h.lon], [d.lat, d.lon]], "color": caravan.color,
                          "weight": PLANNED_WEIGHT, "opacity": 0.75, "dash": PLANNED_DASH,
                          "cls": f"ca-route ca-planned ca-caravan-{caravan.letter.lower()}",
                          "tip": f"<b>{esc(caravan.title)}</b><br>heading for {esc(d.place_display)} "
                                 f"(planned, not travelled)"})
            a = arrow_between((h.lat, h.lon), (d.lat, d.lon))
            if a:
                arrows.append({**a, "color": caravan.color, "opacity": 0.6, "kind": "planned"})
    return {"lines": lines, "arrows": arrows}


CANVAS_ABOVE = 1500  # stops: beyond this, draw on one canvas instead of one SVG element each
MAX_ARROWS = 1200


def map_spec(atlas: Atlas, stops: list[Stop], selected: str | None = None, pending: list[Stop] = ()) -> dict:
    """Everything the dynamic layer draws for these (already filtered) stops; `pending`: where
    caravans not yet set out (as of the view's date) will leave from."""
    spec = _map_spec(atlas, stops, selected, pending)
    many = len(spec["stops"]) > CANVAS_ABOVE
    spec["canvas"] = many
    if len(spec["arrows"]) > MAX_ARROWS:  # keep the map readable and light: every k-th arrow
        k = math.ceil(len(spec["arrows"]) / MAX_ARROWS)
        spec["arrows"] = spec["arrows"][::k]
    return spec


def _map_spec(atlas: Atlas, stops: list[Stop], selected: str | None = None, pending: list[Stop] = ()) -> dict:
    lines, arrows, circles, badges, rings = [], [], [], [], []
    badge_slots: dict = {}
    stacked = {k: len(g) for k, g in stacks(stops).items()}  # stops per spot
    for cid, group in by_caravan(stops).items():
        caravan = atlas.caravans_by_id[cid]
        parts = caravan_layers(atlas, group)
        lines += parts["lines"]
        arrows += parts["arrows"]
        for s in group:
            if not s.located:
                continue
            st = stop_style(s)
            n_here = stacked.get(spot(s), 1)
            circles.append({
                "id": s.id, "ref": s.ref, "caravan": cid, "lat": s.lat, "lon": s.lon, **st,
                "cls": f"ca-stop ca-caravan-{caravan.letter.lower()} ca-place-{slug(s.place_name or s.place_text)}"
                       f" ca-role-{s.role}" + (" ca-vague" if (s.coarse_place or s.coarse_date) else "")
                       + (" ca-selected" if s.id == selected else "") + (" ca-stacked" if n_here > 1 else ""),
                "tip": stop_tooltip(atlas, s, n_here)})
        anchor = head(group)
        hollow = anchor is None  # no place reached yet: the badge marks where it was heading
        if hollow:
            anchor = next((s for s in group if s.located and s.planned), None) or \
                next((s for s in group if s.located), None)
        if anchor is not None:
            key = (round(anchor.lat, 2), round(anchor.lon, 2))
            slot = badge_slots.get(key, 0)
            badge_slots[key] = slot + 1
            r = radius_for(anchor.size_estimate) if not anchor.coarse_place else COARSE_RADIUS
            badges.append({"caravan": cid, "text": caravan.letter, "color": caravan.color, "hollow": hollow,
                           "lat": anchor.lat, "lon": anchor.lon,
                           # up-right of the circle, side by side when caravans share a place
                           "ax": round(-r * 0.6 - 24 * slot, 1), "ay": round(r * 0.6 + 22, 1)})
    for s in pending:  # not yet on its way: a dashed white circle and a hollow badge where it will leave
        caravan = atlas.caravans_by_id[s.caravan_id]
        circles.append({"id": s.id, "ref": s.ref, "caravan": s.caravan_id, "lat": s.lat, "lon": s.lon,
                        "radius": MIN_RADIUS + 2, "color": caravan.color, "weight": 2.0, "dash": "3 3",
                        "fill": "#ffffff", "fillOpacity": 0.9,
                        "cls": f"ca-stop ca-pending ca-caravan-{caravan.letter.lower()} "
                               f"ca-place-{slug(s.place_name or s.place_text)}" + (" ca-selected" if s.id == selected else ""),
                        "tip": stop_tooltip(atlas, s) + "<br><i>not yet set out on this date</i>"})
        key = (round(s.lat, 2), round(s.lon, 2))
        slot = badge_slots.get(key, 0)
        badge_slots[key] = slot + 1
        badges.append({"caravan": s.caravan_id, "text": caravan.letter, "color": caravan.color, "hollow": True,
                       "lat": s.lat, "lon": s.lon, "ax": round(-(MIN_RADIUS + 2) * 0.6 - 24 * slot, 1),
                       "ay": round((MIN_RADIUS + 2) * 0.6 + 22, 1)})
    circles.sort(key=lambda c: -c["radius"])  # small circles on top stay clickable
    position = {c.id: k for k, c in enumerate(atlas.caravans)}
    for k, c in enumerate(sorted(circles, key=lambda c: (position[c["caravan"]], atlas.stops_by_id[c["id"]].order))):
        c["tab"] = k + 1  # keyboard order: the journey, caravan by caravan
    sel = next((c for c in circles if c["id"] == selected), None)
    if sel:
        rings.append({"lat": sel["lat"], "lon": sel["lon"], "radius": sel["radius"] + 6})
    return {"lines": lines, "arrows": arrows, "stops": circles, "badges": badges, "rings": rings}


TIMELINE_HEIGHT = 118  # px under the map, inside its frame
TIMELINE_ROWS = 30  # caravans drawn in the strip at most (choose caravans to see others)


def timeline_spec(atlas: Atlas, stops: list[Stop], as_of, drawn: set) -> dict:
    """The strip under the map: a row per caravan, a tick per dated fact (day offsets from the
    first date), the "as of" date as a line. `drawn`: refs of the circles on the map (a tick of
    any other fact clicks an invisible stand-in, so every tick opens its fact)."""
    dated = [s for s in stops if s.date is not None]
    if not dated:
        return {"rows": [], "ghosts": []}
    t0 = min(s.date for s in dated)
    t1 = max([s.date for s in dated] + ([as_of] if as_of else []))
    rows, ghosts = [], []
    groups = by_caravan(dated)
    if len(groups) > TIMELINE_ROWS:  # the most reported caravans; the strip says how many are left out
        keep = sorted(groups, key=lambda cid: -len(groups[cid]))[:TIMELINE_ROWS]
        groups = {cid: groups[cid] for cid in groups if cid in set(keep)}
    for cid, group in groups.items():
        c = atlas.caravans_by_id[cid]
        ticks = []
        for s in group:
            what = ROLE_LABEL.get(s.role, s.role) + (f" {s.place_display}" if s.has_place else "")
            ticks.append([(s.date - t0).days, s.ref,  # plain text: JS sets it as text only
                          f"{s.ref}: {what}, {fmt_date(s.date, s.date_precision)}"])
            if s.ref not in drawn:
                ghosts.append([s.ref, s.lat if s.located else 0.0, s.lon if s.located else 0.0])
        rows.append({"letter": c.letter, "color": c.color, "label": c.label, "ticks": ticks})
    n_all = len(by_caravan(dated))
    return {"rows": rows, "ghosts": ghosts, "span": max(1, (t1 - t0).days), "startText": fmt_date(t0),
            "more": f"{len(rows)} of {n_all} caravans: choose caravans to see others" if n_all > len(rows) else None,
            "endText": fmt_date(t1), "asof": (as_of - t0).days if as_of else None,
            "asofText": f"as of {fmt_date(as_of)}" if as_of else None}


def document_bounds(atlas: Atlas) -> list | None:
    """South-west/north-east of every located stop, destinations included: the first view
    shows every stop."""
    return padded_bounds([(s.lat, s.lon) for s in atlas.stops() if s.located and not s.rejected])


def fit_bounds(stops: list[Stop]) -> list | None:
    """What the map fits when the filters change: every located stop shown, the planned
    legs' destinations included (the browser adds a margin in pixels)."""
    pts = [(s.lat, s.lon) for s in stops if s.located]
    if not pts:
        return None
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def fit_key(view) -> str:
    """The filters whose change refits the map (not the "as of" date, not the open stop)."""
    return json.dumps([list(view.caravans), str(view.start), str(view.end), view.min_size, list(view.outlets),
                       view.min_confidence])


def padded_bounds(pts: list[tuple[float, float]]) -> list | None:
    """South-west/north-east of these points with a margin (at least 2° by 3°)."""
    if not pts:
        return None
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    pad_lat = max(2.0, (max(lats) - min(lats)) * 0.15)
    pad_lon = max(3.0, (max(lons) - min(lons)) * 0.15)
    return [[min(lats) - pad_lat, min(lons) - pad_lon], [max(lats) + pad_lat, max(lons) + pad_lon]]


def compact_spec(spec: dict) -> dict:
    """The spec as sent to the browser: repeated strings and styles interned in tables,
    stops and arrows as arrays, tooltips as lists of (already escaped) lines. A few
    dozen bytes per stop instead of almost a kilobyte; `expand_spec` is the inverse."""
    strings: dict = {}
    styles: dict = {}

    def s_id(x: str) -> int:
        return strings.setdefault(x, len(strings))

    def st_id(d: dict) -> int:
        return styles.setdefault(json.dumps(d, sort_keys=True), len(styles))

    style_keys = ("radius", "color", "weight", "dash", "fill", "fillOpacity")
    stops = []
    for c in spec["stops"]:
        lines = c["tip"].split("<br>")
        assert lines[0] == stop_head(c["ref"])
        stops.append([c["lat"], c["lon"], st_id({k: c[k] for k in style_keys}),
                      [s_id(t) for t in c["cls"].split()], [s_id(t) for t in lines[1:]], c["ref"], c.get("tab", 0)])
    arrows = [[a["lat"], a["lon"], a["angle"], st_id({"color": a["color"], "opacity": a["opacity"]})]
              for a in spec["arrows"]]
    places = [[p["lat"], p["lon"], p["radius"], p["color"], int(p["coarse"]), p["n"], p["tip"]]
              for p in spec.get("places", [])]
    return {"v": 1, "canvas": spec.get("canvas", False), "strings": list(strings),
            "fit": spec.get("fit"), "fitKey": spec.get("fitKey"), "timeline": spec.get("timeline"),
            "styles": [json.loads(k) for k in styles],
            "lines": spec["lines"], "stops": stops, "arrows": arrows, "badges": spec["badges"],
            "rings": spec["rings"], "places": places}


def expand_spec(c: dict) -> dict:
    """compact_spec's inverse (tests and tools read the payload with it)."""
    strings, styles = c["strings"], c["styles"]
    stops = [{"lat": lat, "lon": lon, **styles[st], "cls": " ".join(strings[i] for i in cls),
              "tip": "<br>".join([stop_head(ref)] + [strings[i] for i in tip]), "ref": ref}
             for lat, lon, st, cls, tip, ref, *_ in c["stops"]]
    arrows = [{"lat": lat, "lon": lon, "angle": ang, **styles[st]} for lat, lon, ang, st in c["arrows"]]
    places = [{"lat": lat, "lon": lon, "radius": r, "color": color, "coarse": bool(coarse), "n": n, "tip": tip}
              for lat, lon, r, color, coarse, n, tip in c.get("places", [])]
    return {"lines": c["lines"], "stops": stops, "arrows": arrows, "badges": c["badges"], "rings": c["rings"],
            "canvas": c.get("canvas", False), "places": places}


def spec_json(spec: dict) -> str:
    """JSON safe to place in a script (no </script>, no template-literal breaks)."""
    s = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# --------------------------------------------------------------------------- folium
# The map's JavaScript, CSS and legend live in files beside this module (js/, css/, html/):
# real files an editor and a linter can read, loaded once at import.


_asset = assets.text

# Draws a spec (lines, arrows, stops, badges, rings, places) into the map's feature group.
RENDERER_JS = _asset("js/renderer.js")

# The offline basemap's renderer (coasts, borders, state lines, place names by zoom).
BASEMAP_JS = _asset("js/basemap.js")
# The timeline strip under the map (TimeMap's timeline, kepler.gl's playback bar).
TIMELINE_JS = _asset("js/timeline.js")

# "Download map as PNG": the map as drawn (basemap, routes, stops, labels, badges and the
# credit line) painted onto one canvas in the browser; nothing leaves the page.
PNG_JS = _asset("js/png_export.js")

MAP_CSS = "\n<style>\n" + _asset("css/map.css") + "</style>\n"

LEGEND_HTML = "\n" + _asset("html/legend.html")
LEGEND_JS = _asset("js/legend.js")  # the legend as a Leaflet control (folded on a phone)
LAYERS_LABEL_JS = _asset("js/layers_label.js")  # a name for the layers button
# Caravans chosen in the sidebar: the others hidden at once, before the page's rerun.
CHOICE_JS = _asset("js/choice.js")


def _macro(script: str, **attrs):
    from branca.element import MacroElement
    from folium.template import Template

    class _M(MacroElement):
        _template = Template("{% macro script(this, kwargs) %}" + script + "{% endmacro %}")

    el = _M()
    el._name = attrs.pop("name", "CaravanAtlas")
    for k, v in attrs.items():
        setattr(el, k, v)
    return el


MAP_HEIGHT = 620  # px, the map without the timeline strip


def base_map(bounds: list | None, height: int = MAP_HEIGHT, legend: str = LEGEND_HTML):
    """The constant part of the map (fitted to `bounds`, e.g. `document_bounds(atlas)`): it
    changes only when the document does, so filter changes never remount the component
    (zoom and pan are kept)."""
    import folium
    from branca.element import Element

    offline.localize()
    m = folium.Map(location=[20, -95], zoom_start=4, tiles=None, control_scale=True, height=height,
                   min_zoom=2, world_copy_jump=False)
    m.get_root().header.add_child(Element(MAP_CSS))
    # Leaflet guesses its icon folder wrongly when its CSS arrives after the script.
    _macro("L.Icon.Default.imagePath = {{ this.path|tojson }};", name="IconPath",
           path=offline.LEAFLET_IMAGES).add_to(m)
    _macro(BASEMAP_JS, name="Basemap", url=offline.COUNTRIES_URL, base=offline.GEO_URL).add_to(m)
    _macro(RENDERER_JS, name="Renderer").add_to(m)
    _macro(CHOICE_JS, name="Choice").add_to(m)
    _macro(PNG_JS, name="PngExport").add_to(m)
    _macro(TIMELINE_JS, name="Timeline", height=TIMELINE_HEIGHT, map_height=height).add_to(m)
    from .basemap import ATTRIBUTION as MAP_DATA
    # the basemap's credit on the map; the gazetteer's sources in full under it (ATTRIBUTION_NOTE)
    attribution = esc(MAP_DATA)
    _macro("{{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});\n"
           "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});",
           prefix='<a href="https://leafletjs.com">Leaflet</a>',
           name="Attribution", text=attribution).add_to(m)
    _macro(LEGEND_JS, name="Legend", html=legend).add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap tiles (needs internet)", overlay=True, show=False,
                     control=True).add_to(m)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    _macro(LAYERS_LABEL_JS, name="LayersLabel").add_to(m)
    if bounds:
        m.fit_bounds(bounds)
    return m


def spec_layer(spec: dict, name: str = "Caravans"):
    """The dynamic part: a feature group whose one child hands the spec to the renderer
    (a caravan spec from `map_spec`, or a place spec from `overview.places_spec`)."""
    return spec_layer_raw(spec_data(spec), name)


def spec_data(spec: dict) -> str:
    """The spec as the JSON the renderer reads."""
    return spec_json(compact_spec(_with_defaults(spec)))


def spec_layer_raw(data: str, name: str = "Caravans"):
    import folium

    fg = folium.FeatureGroup(name=name, control=False)
    _macro("window.caRender({{ this._parent.get_name() }}, {{ this.data }});", name="CaravanSpec",
           data=data).add_to(fg)
    return fg


def _with_defaults(spec: dict) -> dict:
    return {"lines": [], "arrows": [], "stops": [], "badges": [], "rings": [], **spec}
