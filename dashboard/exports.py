"""Downloads as data: the facts of a view as CSV (plain and for Excel) and GeoJSON.

Pure Python. Every column a script or a spreadsheet would compute with is machine-readable
(ISO dates, numbers, decimal degrees); the texts the page shows stay beside them as extra
columns. Features without a location keep a null geometry (RFC 7946, section 3.2), so a
GeoJSON file lists every fact of the view, located or not.
"""
from __future__ import annotations

import csv
import io
import json

from .journey import DESTINATION, ROLE_LABEL, Atlas, Stop, article_title, by_caravan, csv_safe, fmt_date, \
    place_kind, route_points, stop_size
ROLE_WORD = {"origin": "origin", "departure": "departure", "waypoint": "passed through",
             "current": "last reported position", "arrival": "arrival", "destination": "heading for (planned)",
             "report": "size or date without a place"}

CSV_COLUMNS = ["date", "date_precision", "size_low", "size_high", "lat", "lon", "place", "place_kind", "role",
               "caravan", "caravan_id", "stop", "article_title", "outlet", "published", "url", "evidence",
               "other_sentences", "date_as_shown", "size_as_shown", "role_as_shown", "confidence"]


def fact_row(atlas: Atlas, s: Stop) -> dict:
    """One fact as data (see CSV_COLUMNS)."""
    art = atlas.articles_by_id.get(s.evidence.get("article")) or {}
    c = atlas.caravans_by_id[s.caravan_id]
    return {
        "date": s.date.isoformat() if s.date else "", "date_precision": (s.date_precision or "") if s.date else "",
        "size_low": s.size_low if s.size_low is not None else "",
        "size_high": (s.size_high if s.size_high is not None else s.size_low) if s.size_low is not None else "",
        "lat": s.lat if s.located else "", "lon": s.lon if s.located else "",
        "place": s.place_display if s.has_place else "", "place_kind": place_kind(s),
        "role": ROLE_WORD.get(s.role, s.role), "caravan": c.label, "caravan_id": c.id, "stop": s.ref,
        "article_title": article_title(art), "outlet": art.get("outlet") or "", "published": art.get("published") or "",
        "url": art.get("url") or "", "evidence": s.evidence.get("text", ""), "other_sentences": len(s.also),
        "date_as_shown": "" if s.planned else fmt_date(s.date, s.date_precision),
        "size_as_shown": stop_size(s), "role_as_shown": ROLE_LABEL.get(s.role, s.role),
        "confidence": round(s.confidence, 3),
    }


def to_csv(atlas: Atlas, stops: list[Stop], excel: bool = False) -> str:
    """The facts as CSV (RFC 4180 line ends). `excel`: with a UTF-8 byte order mark, which
    Excel needs to read accents and quotes as UTF-8 rather than the local code page."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    w.writeheader()
    for s in stops:
        w.writerow({k: csv_safe(v) for k, v in fact_row(atlas, s).items()})
    return ("\ufeff" if excel else "") + buf.getvalue()


def _iso(s: Stop) -> str | None:
    return s.date.isoformat() if s.date else None


def to_geojson(atlas: Atlas, stops: list[Stop]) -> dict:
    """Every fact as a Point (null geometry when the place was not located), each caravan's
    travelled route as a LineString with the date of every vertex, and each planned leg
    (from where it was last reported to where it was heading) as a LineString."""
    feats = []
    for s in stops:
        props = {"feature": "stop", **{k: (v if v != "" else None) for k, v in fact_row(atlas, s).items()},
                 "stop_id": s.id, "located": s.located}
        feats.append({"type": "Feature",
                      "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]} if s.located else None,
                      "properties": props})
    for cid, group in by_caravan(stops).items():
        c = atlas.caravans_by_id[cid]
        pts = route_points(group)
        dates = [_iso(p) for p in pts]
        known = [d for d in dates if d]
        if len(pts) > 1:
            feats.append({"type": "Feature",
                          "geometry": {"type": "LineString", "coordinates": [[p.lon, p.lat] for p in pts]},
                          "properties": {"feature": "route", "caravan": c.label, "caravan_id": cid,
                                         "stops": [p.ref for p in pts], "places": [p.place_display for p in pts],
                                         "dates": dates, "start_date": min(known) if known else None,
                                         "end_date": max(known) if known else None}})
        h = pts[-1] if pts else None
        for d in (s for s in group if s.role == DESTINATION and s.located):
            if h is None or (d.lat, d.lon) == (h.lat, h.lon):
                continue
            feats.append({"type": "Feature",
                          "geometry": {"type": "LineString", "coordinates": [[h.lon, h.lat], [d.lon, d.lat]]},
                          "properties": {"feature": "planned leg", "caravan": c.label, "caravan_id": cid,
                                         "stops": [h.ref, d.ref], "from": h.place_display, "to": d.place_display,
                                         "from_date": _iso(h), "dates": [_iso(h), None]}})
    return {"type": "FeatureCollection", "features": feats}


def geojson_text(atlas: Atlas, stops: list[Stop]) -> str:
    return json.dumps(to_geojson(atlas, stops), ensure_ascii=False)
