"""The view state and its URL form: everything a copied link must reproduce.

    ?caravan=<id>&caravan=<id>   caravans shown (none: all)
    &from=YYYY-MM-DD&to=YYYY-MM-DD   date range (absent: the whole span)
    &asof=YYYY-MM-DD             where each caravan was on that date (absent: latest)
    &minsize=N                   caravans whose largest reported size is at least N
    &minconf=0.N                 facts the extractor is at least this sure of (0-1)
    &outlet=<name>&outlet=...    only what these outlets reported (none: all)
    &stop=<stop id>&src=K        the stop whose evidence is open, and which of its sources
    &place=LAT,LON               the place open in a large archive's map of places
    &zoom=Z&center=LAT,LON       the map's zoom and centre (absent: fitted to what is shown)

Defaults are left out of the URL. A part the app cannot use (an unknown caravan, an
impossible date, a key it does not know) is left out of the view, and `parse_query`
names it in `notes`, so the page can say what it ignored instead of changing the view
silently.
A minimum size beyond MAX_MIN_SIZE (`1e300`, `inf`) is MAX_MIN_SIZE: larger than any caravan,
so the view is empty, as asked.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from archive.filters import Filters

# More people than any caravan, and exact in a browser's number box (a JS double), which
# shows 1e300 as "1" and cannot hold infinity.
MAX_MIN_SIZE = 1_000_000_000

KEYS = ("caravan", "from", "to", "asof", "minsize", "minconf", "outlet", "stop", "src", "place", "zoom", "center")
MIN_ZOOM, MAX_ZOOM = 2, 18


@dataclass(frozen=True)
class ViewState(Filters):
    """A view: its filters (`archive.filters.Filters`, where their rules are written) and
    where the reader is in it."""
    stop: str | None = None
    source: int = 0
    place: str | None = None  # "lat,lon" (5 decimals)
    zoom: int | None = None  # the map's zoom, when the link gives one
    center: str | None = None  # "lat,lon" (4 decimals): the map's centre, when the link gives one

    def with_(self, **kw) -> "ViewState":
        return replace(self, **kw)


def _date(v: str | None) -> dt.date | None:
    if not v:
        return None
    try:
        return dt.date.fromisoformat(v.strip()[:10])
    except ValueError:
        return None


def _clamp(d: dt.date | None, lo: dt.date | None, hi: dt.date | None) -> dt.date | None:
    if d is None:
        return None
    if lo is not None and d < lo:
        d = lo
    if hi is not None and d > hi:
        d = hi
    return d


def _as_lists(params: Mapping) -> dict[str, list[str]]:
    out = {}
    for k, v in params.items():
        if isinstance(v, (list, tuple)):
            out[k] = [str(x) for x in v]
        elif v is not None:
            out[k] = [str(v)]
    return out


def parse_query(params: Mapping, *, caravan_ids: Iterable[str] = (), outlets: Iterable[str] = (),
                stop_ids: Iterable[str] = (), date_min: dt.date | None = None,
                date_max: dt.date | None = None, notes: list | None = None) -> ViewState:
    """The view a URL asks for. `params` maps each key to a list of values (repeated keys)
    or a single string. Each part left out or changed is described in `notes` (if given)."""
    p = _as_lists(params)
    notes = [] if notes is None else notes
    for k in p:
        if k not in KEYS:
            notes.append(f"“{k}” (not something this map understands)")
    known_c, known_o, known_s = set(caravan_ids), set(outlets), set(stop_ids)
    notes += [f"caravan “{c}” (no such caravan)" for c in p.get("caravan", []) if c not in known_c]
    notes += [f"outlet “{o}” (no such outlet)" for o in p.get("outlet", []) if o not in known_o]
    caravans = tuple(dict.fromkeys(c for c in p.get("caravan", []) if c in known_c))
    outs = tuple(dict.fromkeys(o for o in p.get("outlet", []) if o in known_o))

    def date_of(key: str) -> dt.date | None:
        raw = (p.get(key) or [None])[-1]
        d = _date(raw)
        if raw and d is None:
            notes.append(f"{key}={raw} (not a date)")
        c = _clamp(d, date_min, date_max)
        if d is not None and c != d:
            notes.append(f"{key}={raw} (outside the reported dates: {c.isoformat()} used)")
        return c

    start, end, as_of = date_of("from"), date_of("to"), date_of("asof")
    if start and end and start > end:
        notes.append(f"from={start.isoformat()} is after to={end.isoformat()} (the two were swapped)")
        start, end = end, start
    if start == date_min:
        start = None
    if end == date_max:
        end = None
    as_of = _clamp(_date((p.get("asof") or [None])[-1]), date_min, date_max)
    raw = (p.get("minsize") or [None])[-1]
    min_size = _min_size(raw) if raw else 0
    if raw and _number(raw) is None:
        notes.append(f"minsize={raw} (not a number)")
    raw = (p.get("minconf") or [None])[-1]
    min_confidence = _confidence(raw)
    if raw and min_confidence == 0.0 and _confidence_ok(raw) is False:
        notes.append(f"minconf={raw} (not a number between 0 and 1)")
    stop = (p.get("stop") or [None])[-1]
    if stop is not None and stop not in known_s:
        notes.append(f"stop “{stop}” (no such stop)")
        stop = None
    raw = (p.get("src") or [None])[-1]
    try:
        source = max(0, int(raw)) if (stop and raw) else 0
    except ValueError:
        notes.append(f"src={raw} (not a number)")
        source = 0
    raw = (p.get("place") or [None])[-1]
    place = _place(raw)
    if raw and place is None:
        notes.append(f"place={raw} (not a latitude,longitude)")
    raw = (p.get("zoom") or [None])[-1]
    zoom = _zoom(raw)
    if raw and zoom is None:
        notes.append(f"zoom={raw} (not a zoom level from {MIN_ZOOM} to {MAX_ZOOM})")
    raw = (p.get("center") or [None])[-1]
    center = _place(raw, 4)
    if raw and center is None:
        notes.append(f"center={raw} (not a latitude,longitude)")
    return ViewState(caravans=caravans, start=start, end=end, as_of=as_of, min_size=min_size, outlets=outs,
                     min_confidence=min_confidence, stop=stop, source=source, place=place, zoom=zoom, center=center)


def _zoom(v: str | None) -> int | None:
    try:
        z = round(float(v)) if v else None
    except ValueError:
        return None
    return z if z is not None and MIN_ZOOM <= z <= MAX_ZOOM else None


def _confidence_ok(v: str) -> bool:
    try:
        x = float(v)
    except ValueError:
        return False
    return 0.0 <= x <= 1.0


def _confidence(v: str | None) -> float:
    """"0.5" → 0.5; anything not a number between 0 and 1 (inf, nan, words) → 0 (all shown)."""
    try:
        x = float(v) if v else 0.0
    except ValueError:
        return 0.0
    return round(x, 2) if 0.0 <= x <= 1.0 else 0.0


def _min_size(v: str) -> int:
    """A minimum size from the URL, clamped to 0..MAX_MIN_SIZE; not a number (or NaN) → 0."""
    try:
        f = float(v)
    except (ValueError, OverflowError):
        return 0
    if math.isnan(f):
        return 0
    return int(min(max(f, 0.0), float(MAX_MIN_SIZE)))


def _number(v: str) -> float | None:
    """A finite or infinite number, or None when the text is not one (NaN is not a number here)."""
    try:
        f = float(v)
    except (ValueError, OverflowError):
        return None
    return None if math.isnan(f) else f


def _place(v: str | None, digits: int = 5) -> str | None:
    """"19.42847,-99.12766" → the same, normalised; anything else → None."""
    try:
        lat, lon = (float(x) for x in (v or "").split(","))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return f"{lat:.{digits}f},{lon:.{digits}f}"


def to_query(state: ViewState) -> dict[str, list[str]]:
    """The URL parameters of a view (defaults omitted)."""
    q: dict[str, list[str]] = {}
    if state.caravans:
        q["caravan"] = list(state.caravans)
    if state.start:
        q["from"] = [state.start.isoformat()]
    if state.end:
        q["to"] = [state.end.isoformat()]
    if state.as_of:
        q["asof"] = [state.as_of.isoformat()]
    if state.min_size:
        q["minsize"] = [str(int(state.min_size))]
    if state.min_confidence:
        q["minconf"] = [f"{state.min_confidence:g}"]
    if state.outlets:
        q["outlet"] = list(state.outlets)
    if state.stop:
        q["stop"] = [state.stop]
        if state.source:
            q["src"] = [str(int(state.source))]
    if state.place:
        q["place"] = [state.place]
    if state.zoom is not None:
        q["zoom"] = [str(int(state.zoom))]
    if state.center:
        q["center"] = [state.center]
    return q


def query_string(state: ViewState) -> str:
    from urllib.parse import urlencode
    return urlencode([(k, v) for k, vs in to_query(state).items() for v in vs])
