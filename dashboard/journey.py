"""The document as the dashboard sees it: caravans, their stops in journey order, filters,
summaries and the table/exports. Pure Python (no Streamlit, no folium).

A *stop* is one observation of one caravan (a place it left, passed, reached or was
heading for, or a size or date reported with no place). Stops keep stable ids
(`<caravan id>:<observation index>`) for URLs, and short refs ("A3") for people.
"""
from __future__ import annotations

import functools
import datetime as dt
import math
from dataclasses import dataclass, field

from archive import filters
from journeys.terms import (ARRIVAL, CURRENT, DEPARTURE, DESTINATION, ORIGIN, REPORT, ROLES, TRAVELLED,  # noqa: F401
                            UNKNOWN_OUTLET, WAYPOINT)

ROLE_RANK = {role: k for k, role in enumerate(ROLES)}  # journey order: origin first, report last
ROLE_LABEL = {ORIGIN: "origin", DEPARTURE: "left from", WAYPOINT: "passed through", CURRENT: "was at",
              ARRIVAL: "reached", DESTINATION: "heading for", REPORT: "size or date reported"}
# Plain words for the gazetteer's kinds of place (no internal codes on the page or in files).
PLACE_KIND = {"city": "city or town", "border point": "border crossing", "admin2": "municipality",
              "admin1": "state or province", "country": "country", "region": "region"}
# Places the gazetteer knows only as an area: drawn vague, never joined into the route
# when the caravan has a finer point (a state's centre is not a place anyone walked to).
COARSE_KINDS = frozenset({"admin1", "country", "region"})
COARSE_DATES = frozenset({"month", "year"})
# Colour-blind-safe, readable on the beige basemap (no yellow); letters tell caravans apart too.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7A4EAB", "#B8860B", "#56B4E9", "#8C564B",
           "#E7298A", "#1B9E77")


def letter_for(i: int) -> str:
    """0 → A, 25 → Z, 26 → AA ..."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def parse_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Stop:
    id: str
    ref: str
    caravan_id: str
    letter: str
    color: str
    index: int  # position in the caravan's observations list
    order: int  # position in journey order (refs follow it)
    role: str
    date: dt.date | None
    effective_date: dt.date | None  # the date, or one inferred from the journey for undated stops
    date_precision: str | None
    date_text: str | None
    size_low: int | None
    size_high: int | None
    size_text: str | None
    size_qualifier: str | None
    place_text: str | None
    place_name: str | None
    place_label: str | None
    lat: float | None
    lon: float | None
    kind: str | None
    country_code: str | None
    resolved: bool
    article_id: str
    evidence: dict
    also: tuple = ()
    outlets: frozenset = frozenset()  # of every sentence stating it
    outlet: str = UNKNOWN_OUTLET  # of its article: what a view's outlet filter reads
    fact: str | None = None  # the store's stable key for corrections (None in a plain JSON document)
    rejected: bool = False  # an editor marked it wrong: listed, never drawn
    corrections: tuple = ()  # ids of the corrections applied to it
    confidence: float = 1.0  # how sure extraction is of the fact (1: an editor's or unknown)

    @property
    def has_place(self) -> bool:
        return self.place_text is not None

    @property
    def located(self) -> bool:
        return self.resolved and self.lat is not None and self.lon is not None

    @property
    def travelled(self) -> bool:
        return self.role in TRAVELLED

    @property
    def planned(self) -> bool:
        return self.role == DESTINATION

    @property
    def coarse_place(self) -> bool:
        return self.kind in COARSE_KINDS

    @property
    def coarse_date(self) -> bool:
        if self.planned or self.role == REPORT:
            return self.date_precision in COARSE_DATES
        return self.date is None or self.date_precision in COARSE_DATES

    @property
    def size_estimate(self) -> float | None:
        return size_estimate(self.size_low, self.size_high, self.size_qualifier)

    @property
    def place_display(self) -> str:
        if not self.has_place:
            return "(no place named)"
        return self.place_label or self.place_name or self.place_text or ""

    @property
    def sources(self) -> list[dict]:
        """The sentence this stop was read from, then every other sentence stating it."""
        return [self.evidence, *self.also]


@dataclass
class CaravanInfo:
    id: str
    letter: str
    color: str
    label: str
    name: str | None
    size_low: int | None
    size_high: int | None
    organizers: list
    origins: list
    articles: list
    stops: list = field(default_factory=list)  # journey order
    position: int = 0  # in the whole archive's journey order: its letter and colour

    @property
    def max_size(self) -> int | None:
        return self.size_high if self.size_high is not None else self.size_low

    @property
    def title(self) -> str:
        return f"{self.letter} · {self.label}"


@dataclass
class Atlas:
    document: dict
    caravans: list
    caravans_by_id: dict
    stops_by_id: dict
    articles_by_id: dict
    date_min: dt.date | None
    date_max: dt.date | None
    outlets: list

    def stops(self) -> list[Stop]:
        return [s for c in self.caravans for s in c.stops]

    def ref_index(self) -> dict:
        return {s.ref: s.id for s in self.stops_by_id.values()}


def size_estimate(low, high, qualifier=None) -> float | None:
    """One number for a reported size: the middle of a range; the floor of a vague one."""
    if low is None:
        return None
    if qualifier == "vague" or high is None:
        return float(low)
    return (low + high) / 2


def _effective_dates(obs: list[dict]) -> list[dt.date | None]:
    """Each observation's date, or the one its role implies (`archive.filters.effective_dates`:
    a view's date filters judge facts by it, in SQL too)."""
    return filters.effective_dates([{"role": o.get("role"), "date": parse_date(o.get("date")),
                                     "rejected": bool(o.get("rejected"))} for o in obs])


def journey_order(obs: list[dict], article_rank: dict | None = None) -> list[int]:
    """Indices of `obs` in journey order: the travelled stops by (effective) date then role,
    then the destinations, then the place-less reports by date."""
    article_rank = article_rank or {}
    eff = _effective_dates(obs)

    def pos(i):
        o = obs[i]
        return (article_rank.get(o.get("article"), 0), (o.get("evidence") or {}).get("start", 0))

    travelled = [i for i, o in enumerate(obs) if o.get("role") in TRAVELLED]
    travelled.sort(key=lambda i: (eff[i] is None, eff[i] or dt.date.min,
                                  ROLE_RANK.get(obs[i].get("role"), 9), *pos(i)))
    planned = sorted((i for i, o in enumerate(obs) if o.get("role") == DESTINATION), key=pos)
    rest = [i for i, o in enumerate(obs) if o.get("role") not in TRAVELLED and o.get("role") != DESTINATION]
    rest.sort(key=lambda i: (eff[i] is None, eff[i] or dt.date.min, *pos(i)))
    return travelled + planned + rest


def build_atlas(doc: dict) -> Atlas:
    articles_by_id = {a["id"]: a for a in doc.get("articles", [])}
    article_rank = {a["id"]: k for k, a in enumerate(doc.get("articles", []))}
    caravans, stops_by_id = [], {}
    dates, outlets = [], set()
    for ci, c in enumerate(doc.get("caravans", [])):
        # A store's caravans carry their place in the whole archive: a view of a few of
        # them keeps the letters and colours they have everywhere else.
        pos = c.get("position")
        pos = ci if pos is None else pos
        letter, color = letter_for(pos), PALETTE[pos % len(PALETTE)]
        info = CaravanInfo(
            id=c["id"], letter=letter, color=color, label=c.get("label") or c["id"], name=c.get("name"),
            size_low=c.get("size_low"), size_high=c.get("size_high"), organizers=list(c.get("organizers") or []),
            origins=list(c.get("origins") or []), articles=list(c.get("articles") or []), position=pos)
        obs = c.get("observations", [])
        eff = _effective_dates(obs)
        for k, i in enumerate(journey_order(obs, article_rank)):
            o = obs[i]
            place = o.get("place") or None
            ev = o.get("evidence") or {"article": o.get("article"), "start": 0, "end": 0, "text": ""}
            also = tuple(o.get("also") or ())
            src_outlets = frozenset(
                (articles_by_id.get(e.get("article")) or {}).get("outlet") or UNKNOWN_OUTLET
                for e in (ev, *also))
            outlets |= src_outlets
            stop = Stop(
                id=f"{c['id']}:{i}", ref=f"{letter}{k + 1}", caravan_id=c["id"], letter=letter, color=color,
                index=i, order=k, role=o.get("role") or REPORT, date=parse_date(o.get("date")),
                effective_date=eff[i], date_precision=o.get("date_precision"), date_text=o.get("date_text"),
                size_low=o.get("size_low"), size_high=o.get("size_high"), size_text=o.get("size_text"),
                size_qualifier=o.get("size_qualifier"),
                place_text=place.get("text") if place else None, place_name=place.get("name") if place else None,
                place_label=place.get("label") if place else None,
                lat=place.get("lat") if place else None, lon=place.get("lon") if place else None,
                kind=place.get("kind") if place else None, country_code=place.get("country_code") if place else None,
                resolved=bool(place and place.get("resolved", place.get("lat") is not None)),
                article_id=o.get("article") or ev.get("article"), evidence=ev, also=also, outlets=src_outlets,
                outlet=(articles_by_id.get(o.get("article") or ev.get("article")) or {}).get("outlet") or UNKNOWN_OUTLET,
                fact=o.get("fact"), rejected=bool(o.get("rejected")), corrections=tuple(o.get("corrections") or ()),
                confidence=float(o.get("confidence", 1.0) if o.get("confidence") is not None else 1.0))
            info.stops.append(stop)
            stops_by_id[stop.id] = stop
            if stop.date and not stop.rejected:
                dates.append(stop.date)
        caravans.append(info)
    for a in articles_by_id.values():
        if a.get("outlet"):
            outlets.add(a["outlet"])
    return Atlas(doc, caravans, {c.id: c for c in caravans}, stops_by_id, articles_by_id,
                 min(dates) if dates else None, max(dates) if dates else None, sorted(outlets))


# --------------------------------------------------------------------------- filtering


def visible_stops(atlas: Atlas, view: filters.Filters) -> list[Stop]:
    """The stops the view shows, by the rules of `archive.filters` (the same as a large
    archive's SQL). Minimum size applies to whole caravans (their largest reported size),
    so a route never loses its unsized stops."""
    out = []
    for c in _caravans_in_view(atlas, view):
        out.extend(filters.stops_shown(view, c.stops))
    return out


def _caravans_in_view(atlas: Atlas, view: filters.Filters) -> list[CaravanInfo]:
    return [c for c in atlas.caravans if filters.caravan_shown(view, c.id, c.max_size)]


def not_set_out(atlas: Atlas, view: filters.Filters) -> list[Stop]:
    """"As of" a date before a caravan left: where it will set out from (its first located
    stop on the journey), one per caravan in view that had not yet set out."""
    if view.as_of is None:
        return []
    out = []
    for c in _caravans_in_view(atlas, view):
        if filters.not_set_out(c.stops, view.as_of):
            first = next((s for s in c.stops if s.located and s.travelled and not s.rejected), None)
            if first is not None:
                out.append(first)
    return out


def by_caravan(stops: list[Stop]) -> dict:
    out: dict = {}
    for s in stops:
        out.setdefault(s.caravan_id, []).append(s)
    return out


def spot(s: Stop) -> tuple[float, float]:
    """Where a located stop is drawn, to about 10 m: stops with the same spot coincide."""
    return (round(s.lat, 4), round(s.lon, 4))


def stacks(stops: list[Stop]) -> dict[tuple, list[Stop]]:
    """The located stops drawn at each spot, in journey order. A spot with more than one
    stop hides all but the top circle from the pointer, so the page lists them."""
    out: dict = {}
    for s in sorted((s for s in stops if s.located), key=lambda s: (s.caravan_id, s.order)):
        out.setdefault(spot(s), []).append(s)
    return out


def stack_of(stops: list[Stop], stop: Stop | None) -> list[Stop]:
    """Every stop among `stops` drawn at the same spot as `stop` (itself included)."""
    if stop is None or not stop.located:
        return []
    here = spot(stop)  # one pass, no grouping: this runs on every rerun with a stop open
    return sorted((s for s in stops if s.located and spot(s) == here), key=lambda s: (s.caravan_id, s.order))


def route_points(stops: list[Stop]) -> list[Stop]:
    """The located travelled stops the route line joins, in journey order. Coarse places
    (a state, a country, a region) are left out when the caravan has a finer one."""
    pts = [s for s in stops if s.travelled and s.located]
    fine = [s for s in pts if not s.coarse_place]
    return sorted(fine or pts, key=lambda s: s.order)


def head(stops: list[Stop]) -> Stop | None:
    """Where the caravan was last reported (as of the view's date, if any)."""
    pts = route_points(stops)
    return pts[-1] if pts else None


# --------------------------------------------------------------------------- formatting


def fmt_date(d: dt.date | None, precision: str | None = "day") -> str:
    if d is None:
        return "date not reported"
    if precision == "year":
        return f"{d.year} (year only)"
    if precision == "month":
        return f"{d.strftime('%b')} {d.year} (month only)"
    return f"{d.day} {d.strftime('%b')} {d.year}"


def fmt_int(n) -> str:
    return f"{int(n):,}"


def fmt_size(low, high, qualifier=None, text=None) -> str:
    if low is None:
        return ""
    if qualifier == "vague":
        return f"“{text}” (≥ {fmt_int(low)})" if text else f"≥ {fmt_int(low)}"
    if high is not None and high != low:
        return f"{fmt_int(low)}–{fmt_int(high)}"
    return f"about {fmt_int(low)}" if qualifier == "about" else fmt_int(low)


def stop_size(s: Stop) -> str:
    return fmt_size(s.size_low, s.size_high, s.size_qualifier, s.size_text)


def article_outlet(atlas: Atlas, article_id: str) -> str:
    return (atlas.articles_by_id.get(article_id) or {}).get("outlet") or UNKNOWN_OUTLET


def article_title(article: dict | None) -> str:
    if not article:
        return "(article not in the document)"
    if article.get("title"):
        return article["title"]
    bits = [b for b in (article.get("outlet"), article.get("published")) if b]
    return "Untitled article" + (f" ({', '.join(bits)})" if bits else "")


# --------------------------------------------------------------------------- summaries


def geodesic_km(a: Stop, b: Stop) -> float:
    return _geodesic_km(a.lat, a.lon, b.lat, b.lon)


@functools.lru_cache(maxsize=200_000)
def _geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # geographiclib, as geopy's `geodesic` computes it (the same km to 1e-11), without importing
    # geopy: its package loads every geocoder and requests (0.3-0.9 s of the first run)
    from geographiclib.geodesic import Geodesic
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"] / 1000.0


def caravan_summary(atlas: Atlas, caravan: CaravanInfo, stops: list[Stop]) -> dict:
    """What a reporter asks first: how big (and who said so), when and where it left, where
    it was last, how far it has come and how fast."""
    sized = [s for s in stops if s.size_low is not None]
    size_reports = []
    for s in sized:
        for e in s.sources:
            art = atlas.articles_by_id.get(e.get("article")) or {}
            size_reports.append({"stop": s.ref, "stop_id": s.id, "size": stop_size(s),
                                 "outlet": art.get("outlet") or UNKNOWN_OUTLET,
                                 "published": art.get("published"), "sentence": e.get("text", "")})
    precise = [s for s in sized if s.size_qualifier != "vague"] or sized
    low = min((s.size_low for s in precise), default=None)
    high = max(((s.size_high or s.size_low) for s in precise), default=None)
    route = route_points(stops)
    dep = next((s for s in stops if s.role == DEPARTURE and s.has_place), None) or \
        next((s for s in route), None)
    last = route[-1] if route else None
    km = sum(geodesic_km(a, b) for a, b in zip(route, route[1:])) if len(route) > 1 else 0.0
    dated = [s for s in route if s.date is not None]
    days = (dated[-1].date - dated[0].date).days if len(dated) > 1 else 0
    approx = any(s.date_precision in COARSE_DATES for s in dated[:1] + dated[-1:]) or len(dated) < len(route)
    return {
        "id": caravan.id, "letter": caravan.letter, "color": caravan.color, "label": caravan.label,
        "size_low": low, "size_high": high,
        "size": fmt_size(low, high) if low is not None else "not reported",
        "size_reports": size_reports,
        "departure": dep, "last": last,
        "distance_km": km, "days": days,
        "km_per_day": (km / days) if days > 0 and km > 0 else None,
        "approximate": approx,
        "n_stops": len(stops), "n_sources": len({e.get("article") for s in stops for e in s.sources}),
    }


# --------------------------------------------------------------------------- table and exports

TABLE_COLUMNS = ["Stop", "Caravan", "Role", "Date", "Place", "Place kind", "Located", "Lat", "Lon",
                 "Size", "Outlet", "Published", "Article", "Sentence", "Other sentences", "stop_id"]


def place_kind(s: Stop) -> str:
    """The kind of a stop's place in plain words."""
    if not s.has_place:
        return ""
    if not s.located:
        return "not located"
    return PLACE_KIND.get(s.kind or "", s.kind or "")


def table_rows(atlas: Atlas, stops: list[Stop]) -> list[dict]:
    rows = []
    for s in stops:
        art = atlas.articles_by_id.get(s.evidence.get("article")) or {}
        c = atlas.caravans_by_id[s.caravan_id]
        rows.append({
            "Stop": s.ref, "Caravan": c.title, "Role": ROLE_LABEL.get(s.role, s.role),
            "Date": fmt_date(s.date, s.date_precision) if s.date else (
                "—" if s.planned else "not reported (order from the article's words)" if s.effective_date else "not reported"),
            "Place": s.place_display,
            "Place kind": place_kind(s),
            "Located": "yes" if s.located else ("no (name not found)" if s.has_place else "no place"),
            "Lat": s.lat, "Lon": s.lon, "Size": stop_size(s),
            "Outlet": art.get("outlet") or "", "Published": art.get("published") or "",
            "Article": article_title(art), "Sentence": s.evidence.get("text", ""),
            "Other sentences": len(s.also), "stop_id": s.id,
        })
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell a spreadsheet will not run: text starting with = + - @ (or a tab or carriage
    return) gets a leading apostrophe, unless it is just a number ("-92.25"). Titles and
    place names come from articles anyone can write (`=HYPERLINK(...)`)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def rejected(atlas: Atlas) -> list[Stop]:
    """The facts editors marked as wrong (kept, listed, not drawn), in journey order."""
    return [s for s in atlas.stops() if s.rejected]


def stop_by_fact(atlas: Atlas, fact: str | None) -> Stop | None:
    """The stop of a fact key (stop ids change when corrections move facts around)."""
    if not fact:
        return None
    return next((s for s in atlas.stops() if s.fact == fact), None)


def unresolved(stops: list[Stop]) -> list[Stop]:
    return [s for s in stops if s.has_place and not s.located]


def nearest_dates(atlas: Atlas, stops_all: list[Stop] | None = None) -> list[dt.date]:
    """Distinct reported dates, for stepping the "as of" control report by report."""
    pool = stops_all if stops_all is not None else atlas.stops()
    return sorted({s.date for s in pool if s.date})


def mercator_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
