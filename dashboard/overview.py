"""The archive at a glance: the catalogue of caravans, and the map of a view too large to
draw caravan by caravan. Pure Python (no Streamlit, no folium).

The sidebar, the URL and the share link need every caravan's title, letter and colour,
the outlets and the reported dates — not every stop. A small store gives them from its
whole document (`from_atlas`); a large one from the store's summary rows
(`archive.views.catalogue`): both are an `archive.views.Catalogue`. When a view matches more
facts than the dashboard draws one by one, the map shows per place how many caravans and facts were
reported there, by role (`places_spec`); choosing caravans brings their routes back.
"""
from __future__ import annotations

import math
import re

from archive.views import CaravanRow, Catalogue

from journeys.terms import UNKNOWN_OUTLET

from .journey import PALETTE, ROLE_LABEL, Atlas, csv_safe, fmt_date, fmt_int, letter_for
from .layers import esc, padded_bounds

PLACE_REF = re.compile(r"^\s*Place\s+([0-9]+):")
ROLE_ORDER = ("departure", "origin", "waypoint", "current", "arrival", "destination", "report")
TRAVELLED_COLOR, PLANNED_COLOR = "#0072B2", "#D55E00"


PLACES_LEGEND_HTML = f"""
<details open><summary>How to read the map</summary>
<div><svg width="34" height="22"><circle cx="8" cy="13" r="5" fill="{TRAVELLED_COLOR}" fill-opacity=".45"
 stroke="{TRAVELLED_COLOR}" stroke-width="2"/><circle cx="24" cy="11" r="10" fill="{TRAVELLED_COLOR}"
 fill-opacity=".45" stroke="{TRAVELLED_COLOR}" stroke-width="2"/></svg>caravans reported here: area = how many<br>(the busiest place of the view largest)</div>
<div><svg width="34" height="22"><circle cx="17" cy="11" r="8" fill="{PLANNED_COLOR}" fill-opacity=".45"
 stroke="{PLANNED_COLOR}" stroke-width="2"/></svg>only said to be heading here</div>
<div><svg width="34" height="22"><circle cx="17" cy="11" r="10" fill="#444" fill-opacity=".15" stroke="#444"
 stroke-width="2" stroke-dasharray="5 5"/></svg>place known only as a region</div>
<div>Too many caravans for routes: choose some<br>(sidebar, or click a place) to see them.</div>
</details>
"""


def letter(entry: CaravanRow) -> str:
    """A caravan's letter on the page (the same in every view: its place in the archive)."""
    return letter_for(entry.position)


def color(entry: CaravanRow) -> str:
    return PALETTE[entry.position % len(PALETTE)]


def title(entry: CaravanRow) -> str:
    return f"{letter(entry)} · {entry.label}"


def from_atlas(atlas: Atlas) -> Catalogue:
    """The catalogue of a small store, from its whole document."""
    entries = {}
    for c in atlas.caravans:
        dated = [s.date for s in c.stops if s.date and not s.rejected]
        entries[c.id] = CaravanRow(c.id, c.label, c.name, c.position, c.size_low, c.size_high, min(dated, default=None),
                                   max(dated, default=None), sum(not s.rejected for s in c.stops), len(c.articles))
    dates = sorted({s.date for c in atlas.caravans for s in c.stops if s.date and not s.rejected})
    return Catalogue(entries, list(atlas.outlets), dates, len(atlas.articles_by_id),
                     sum(e.n_observations for e in entries.values()))


# --------------------------------------------------------------------------- place totals


def place_label(row: dict) -> str:
    bits = [row.get("place_name")]
    if row.get("admin1") and row.get("kind") not in ("admin1", "country", "region"):
        bits.append(row["admin1"])
    if row.get("country_code") and row.get("kind") != "country":
        bits.append(row["country_code"])
    return ", ".join(b for b in bits if b)


def place_key(row: dict) -> str:
    """Stable across reruns and filters (the URL keeps it): the coordinates."""
    return f"{row['lat']:.5f},{row['lon']:.5f}"


MIN_PLACE_RADIUS, MAX_PLACE_RADIUS = 4.0, 24.0


def place_radius(n_caravans: int, most: int) -> float:
    """Area ∝ number of caravans reported there, the busiest place of the view at the
    largest size (so a view of 5 or of 5,000 caravans reads the same way)."""
    if most <= 0:
        return MIN_PLACE_RADIUS
    return round(max(MIN_PLACE_RADIUS, MAX_PLACE_RADIUS * math.sqrt(max(0, n_caravans) / most)), 1)


def role_line(roles: dict) -> str:
    parts = [f"{ROLE_LABEL.get(r, r)} {fmt_int(roles[r])}" for r in ROLE_ORDER if roles.get(r)]
    return " · ".join(parts)


def place_tooltip(n: int, row: dict) -> list[str]:
    """Escaped tooltip lines after the "Place n:" head (the click handler reads it back)."""
    when = ""
    if row.get("first") and row.get("last"):
        when = fmt_date(row["first"]) if row["first"] == row["last"] else \
            f"{fmt_date(row['first'])} – {fmt_date(row['last'])}"
    lines = [f"<b>{esc(place_label(row))}</b>",
             esc(f"{fmt_int(row['caravans'])} caravan{'s' if row['caravans'] != 1 else ''} · "
                 f"{fmt_int(row['facts'])} reported fact{'s' if row['facts'] != 1 else ''}"),
             esc(role_line(row["roles"]))]
    if when:
        lines.append(esc(when))
    if row.get("largest"):
        lines.append(esc(f"largest group reported here: {fmt_int(row['largest'])} people"))
    return [x for x in lines if x]


def parse_place_ref(tooltip_text: str | None) -> int | None:
    m = PLACE_REF.match(tooltip_text or "")
    return int(m.group(1)) if m else None


def places_spec(rows: list[dict], selected: str | None = None) -> dict:
    """The map of a large view: one circle per place (area = caravans reported there;
    blue where caravans were, orange where they were only said to be heading)."""
    places, rings = [], []
    most = max((r["caravans"] for r in rows), default=0)
    for n, r in enumerate(rows, start=1):
        travelled = sum(v for k, v in r["roles"].items() if k not in ("destination", "report"))
        color = TRAVELLED_COLOR if travelled else PLANNED_COLOR
        key = place_key(r)
        radius = place_radius(r["caravans"], most)
        places.append({"n": n, "key": key, "lat": r["lat"], "lon": r["lon"], "radius": radius, "color": color,
                       "coarse": r.get("kind") in ("admin1", "country", "region"),
                       "tip": place_tooltip(n, r)})
        if key == selected:
            rings.append({"lat": r["lat"], "lon": r["lon"], "radius": radius + 6})
    places.sort(key=lambda p: -p["radius"])  # small circles on top stay clickable
    return {"places": places, "rings": rings}


def bounds(rows: list[dict]) -> list | None:
    """South-west/north-east of the places with travelled facts (else all), padded."""
    pts = [(r["lat"], r["lon"]) for r in rows if r.get("kind") not in ("admin1", "country", "region")]
    return padded_bounds(pts or [(r["lat"], r["lon"]) for r in rows])


# --------------------------------------------------------------------------- panel, tables


def place_panel_html(row: dict, cat: Catalogue) -> str:
    """The header of an open place: its name and totals (escaped)."""
    lines = place_tooltip(0, row)
    return ("<div class='ca-stop-head'>" + lines[0] + "</div><div class='ca-stop-meta'>"
            + "<br>".join(lines[1:]) + "</div><p style='font-size:.85rem;color:#555;margin:.4rem 0'>Latest "
            "sentences reported here:</p>")


def fact_html(f: dict, cat: Catalogue) -> str:
    """One reported fact at a place: caravan, role, date, size, the sentence and its article."""
    entry = cat.caravans_by_id.get(f["caravan_id"])
    art = f.get("article") or {}
    published = art.get("published")
    when = fmt_date(f["date"], f.get("date_precision")) if f.get("date") else "date not reported"
    size = ""
    if f.get("size_low") is not None:
        from .journey import fmt_size
        size = " · " + fmt_size(f["size_low"], f.get("size_high"), f.get("size_qualifier"), f.get("size_text")) + " people"
    chip = (f"<span class='ca-chip' style='background:{esc(color(entry))}'>{esc(letter(entry))}</span> "
            if entry else "")
    source = " · ".join(str(x) for x in (art.get("outlet") or UNKNOWN_OUTLET,
                                         published.isoformat() if hasattr(published, "isoformat") else published) if x)
    return (f"<div class='ca-fact' style='border-left:3px solid {esc(color(entry) if entry else '#999')};"
            f"padding:2px 8px;margin:6px 0 2px'><div style='font-size:.85rem'>{chip}{esc(entry.label if entry else f['caravan_id'])}"
            f"</div><div style='font-size:.85rem;color:#444'>{esc(ROLE_LABEL.get(f['role'], f['role']))} · "
            f"{esc(when)}{esc(size)}</div><blockquote style='margin:4px 0;font-size:.92rem'>“{esc(f['evidence_text'])}”"
            f"</blockquote><div style='font-size:.8rem;color:#555'>{esc(source)} — {esc(art.get('title') or '(untitled)')}"
            "</div></div>")


CARAVAN_COLUMNS = ["Caravan", "First reported", "Last reported", "Largest size", "Facts", "Articles"]


def caravan_rows(entries: list) -> list[dict]:
    return [{"Caravan": title(e), "First reported": fmt_date(e.first_date) if e.first_date else "—",
             "Last reported": fmt_date(e.last_date) if e.last_date else "—",
             "Largest size": fmt_int(e.max_size) if e.max_size else "", "Facts": e.n_observations, "Articles": e.n_articles}
            for e in entries]


def places_csv(rows: list[dict]) -> str:
    import csv
    import io
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["place", "lat", "lon", "kind", "caravans", "facts", *ROLE_ORDER, "first", "last", "largest"])
    for r in rows:
        w.writerow([csv_safe(v) for v in (
            place_label(r), r["lat"], r["lon"], r.get("kind"), r["caravans"], r["facts"],
            *[r["roles"].get(k, 0) for k in ROLE_ORDER], r.get("first"), r.get("last"), r.get("largest"))])
    return buf.getvalue()


def unresolved_html(rows: list[dict]) -> str:
    return "<ul class='ca-sources'>" + "".join(
        f"<li><b>{esc(r['place_text'])}</b> — {fmt_int(r['facts'])} fact{'s' if r['facts'] != 1 else ''} in "
        f"{fmt_int(r['caravans'])} caravan{'s' if r['caravans'] != 1 else ''}, e.g. "
        f"“{esc(r.get('sentence') or '')}”</li>" for r in rows) + "</ul>"
