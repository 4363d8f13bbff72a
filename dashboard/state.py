"""The view state and its URL form: everything a copied link must reproduce.

    ?caravan=<id>&caravan=<id>   caravans shown (none: all)
    &from=YYYY-MM-DD&to=YYYY-MM-DD   date range (absent: the whole span)
    &asof=YYYY-MM-DD             where each caravan was on that date (absent: latest)
    &minsize=N                   caravans whose largest reported size is at least N
    &minconf=0.N                 facts the extractor is at least this sure of (0-1)
    &outlet=<name>&outlet=...    only what these outlets reported (none: all)
    &stop=<stop id>&src=K        the stop whose evidence is open, and which of its sources
    &place=LAT,LON               the place open in a large archive's map of places

Defaults are left out of the URL; invalid values are ignored (a link from an older
document still opens, showing what it can). A minimum size beyond MAX_MIN_SIZE (`1e300`,
`inf`) is MAX_MIN_SIZE: larger than any caravan, so the view is empty, as asked.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

# More people than any caravan, and exact in a browser's number box (a JS double), which
# shows 1e300 as "1" and cannot hold infinity.
MAX_MIN_SIZE = 1_000_000_000

KEYS = ("caravan", "from", "to", "asof", "minsize", "minconf", "outlet", "stop", "src", "place")


@dataclass(frozen=True)
class ViewState:
    caravans: tuple = ()
    start: dt.date | None = None
    end: dt.date | None = None
    as_of: dt.date | None = None
    min_size: int = 0
    outlets: tuple = ()
    stop: str | None = None
    source: int = 0
    place: str | None = None  # "lat,lon" (5 decimals)
    min_confidence: float = 0.0  # facts less sure than this are hidden (0: all shown, low ones faded)

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
                date_max: dt.date | None = None) -> ViewState:
    """The view a URL asks for. `params` maps each key to a list of values (repeated keys)
    or a single string."""
    p = _as_lists(params)
    known_c, known_o, known_s = set(caravan_ids), set(outlets), set(stop_ids)
    caravans = tuple(dict.fromkeys(c for c in p.get("caravan", []) if c in known_c))
    outs = tuple(dict.fromkeys(o for o in p.get("outlet", []) if o in known_o))
    start = _clamp(_date((p.get("from") or [None])[-1]), date_min, date_max)
    end = _clamp(_date((p.get("to") or [None])[-1]), date_min, date_max)
    if start and end and start > end:
        start, end = end, start
    if start == date_min:
        start = None
    if end == date_max:
        end = None
    as_of = _clamp(_date((p.get("asof") or [None])[-1]), date_min, date_max)
    min_size = _min_size((p.get("minsize") or ["0"])[-1])
    min_confidence = _confidence((p.get("minconf") or [None])[-1])
    stop = (p.get("stop") or [None])[-1]
    if stop not in known_s:
        stop = None
    try:
        source = max(0, int((p.get("src") or ["0"])[-1])) if stop else 0
    except ValueError:
        source = 0
    return ViewState(caravans, start, end, as_of, min_size, outs, stop, source, _place((p.get("place") or [None])[-1]),
                     min_confidence)


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


def _place(v: str | None) -> str | None:
    """"19.42847,-99.12766" → the same, normalised; anything else → None."""
    try:
        lat, lon = (float(x) for x in (v or "").split(","))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return f"{lat:.5f},{lon:.5f}"


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
    return q


def query_string(state: ViewState) -> str:
    from urllib.parse import urlencode
    return urlencode([(k, v) for k, vs in to_query(state).items() for v in vs])
