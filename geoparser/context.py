"""The document context each distinct place mention is resolved in: the places every
*other* confidently read mention names, and what the caller knew before reading (the prior).

It is built once per resolution pass (two or three a document), and a mention's own part is
taken away by a view, not by building the context again for each mention: that was one `Context.add` per pair of distinct
names, each looking through the points so far (4,000 distinct names took a minute, cubic).
What `Gazetteer.rank` sees is the same as before: membership, truth, `isdisjoint`, `near`,
and the document's candidate points with `names_near`.
"""
from __future__ import annotations

import bisect
import math

from gazetteer import Context, Place, haversine_km
from gazetteer.geocoder import NEAR_KM

_DLAT = NEAR_KM / 111.0  # as Context.near: a latitude band first
_SIN_ARC = math.sin(NEAR_KM / 6371.0)  # NEAR_KM as an arc of haversine_km's sphere


class _Less:
    """A set less some of its members (`less` is a subset of `full`), without a copy."""

    __slots__ = ("full", "less")

    def __init__(self, full: set, less: set):
        self.full, self.less = full, less

    def __contains__(self, x) -> bool:
        return x in self.full and x not in self.less

    def __bool__(self) -> bool:
        return len(self.full) > len(self.less)

    def isdisjoint(self, other) -> bool:  # (the neighbouring-country cue asks)
        return not any(x in self for x in other)


class _View:
    """A Context as `Gazetteer.rank` reads it, for one mention."""

    def __init__(self, whole: "MentionContexts", less: dict[str, set]):
        self._bands = whole.bands
        # the nearby-namesakes cue: every name's candidates, and the answers so far (the same
        # for every mention; `names_near` leaves out the asking name itself)
        self.candidates, self.near_cache = whole._nearby.candidates, whole._nearby.near_cache
        self.names_near = whole._nearby.names_near
        self._less_points = less.get("points", set())
        self.doc_mass = whole.doc_mass
        for part in ("countries", "admin1s", "admin2s", "points"):
            full = getattr(whole, part)
            setattr(self, part, _Less(full, less[part]) if less.get(part) else full)

    def near(self, lat: float, lon: float) -> bool:
        """As Context.near, looking only at the latitude bands around `lat`, and in each at the
        longitudes a point within NEAR_KM can have (a band spans the globe: 100,000 distinct
        names put thousands of points in one)."""
        b = math.floor(lat / _DLAT)
        windows = _lon_windows(lat, lon)
        for k in range(b - 2, b + 3):  # (two each side: rounding can never hide a point)
            band = self._bands.get(k)
            if band is None:
                continue
            lons, points = band
            for lo, hi in windows:
                for i in range(bisect.bisect_left(lons, lo), bisect.bisect_right(lons, hi)):
                    p, q = points[i]
                    if abs(lat - p) < _DLAT and (p, q) not in self._less_points and haversine_km(lat, lon, p, q) < NEAR_KM:
                        return True
        return False


def _lon_windows(lat: float, lon: float) -> list[tuple[float, float]]:
    """The longitudes (as ranges in [-180, 180]) of every point within NEAR_KM of (lat, lon).
    Two points an arc c apart have sin(Δlon) <= sin(c) / cos(lat) at either's latitude (the
    law of sines in the triangle with the pole), and the other's latitude is within _DLAT."""
    far = abs(lat) + _DLAT
    if far >= 89.0:  # near a pole every longitude may be near
        return [(-math.inf, math.inf)]
    reach = math.degrees(math.asin(min(1.0, _SIN_ARC / math.cos(math.radians(far))))) + 1e-6
    lo, hi = lon - reach, lon + reach
    out = [(lo, hi)]
    if lo < -180.0:  # across the antimeridian
        out.append((lo + 360.0, math.inf))
    if hi > 180.0:
        out.append((-math.inf, hi - 360.0))
    return out


class MentionContexts:
    """`for_mention(key)`: the context for a mention whose normalised text is `key` — the
    prior and every confident (text, place) whose normalised text is another; `candidates`
    (Context.candidates: every name's local candidates, by cell) and `near_cache` are shared
    by every mention's view, as the nearby-namesakes cue reads them."""

    def __init__(self, prior: Context | None, confident: list[tuple[str, Place]], key,
                 candidates: dict | None = None, near_cache: dict | None = None,
                 doc_mass: "DocumentMass | None" = None):
        self.doc_mass = doc_mass  # where the article's names lean as a whole (the last pass)
        # (a Context holding only the document's candidate points, for Context.names_near)
        self._nearby = Context(candidates=candidates if candidates is not None else {},
                                  near_cache=near_cache if near_cache is not None else {})
        base = prior if prior is not None else Context()
        self.countries, self.admin1s, self.admin2s = set(base.countries), set(base.admin1s), set(base.admin2s)
        self.points = set(base.points)
        in_base = {"countries": self.countries.copy(), "admin1s": self.admin1s.copy(),
                   "admin2s": self.admin2s.copy(), "points": self.points.copy()}
        by: dict[tuple, set] = {}  # (part, item) not in the prior -> the mention keys that name it
        for text, place in confident:
            one = Context()
            one.add(place)  # what the place adds, exactly as a Context reads it
            for part in ("countries", "admin1s", "admin2s", "points"):
                for item in getattr(one, part):
                    if item not in in_base[part]:
                        by.setdefault((part, item), set()).add(key(text))
                        getattr(self, part).add(item)
        # What only one mention key puts in: the part its own mentions must not see.
        self._only: dict = {}
        for (part, item), keys in by.items():
            if len(keys) == 1:
                self._only.setdefault(next(iter(keys)), {}).setdefault(part, set()).add(item)
        # the points by latitude band, each band by longitude: (longitudes, points)
        bands: dict[int, list[tuple[float, float]]] = {}
        for p, q in self.points:
            bands.setdefault(math.floor(p / _DLAT), []).append((p, q))
        self.bands: dict[int, tuple[list[float], list[tuple[float, float]]]] = {}
        for k, pts in bands.items():
            pts.sort(key=lambda pq: pq[1])
            self.bands[k] = ([q for _, q in pts], pts)
        self._whole = _View(self, {})

    def for_mention(self, own) -> _View:
        less = self._only.get(own)
        return self._whole if not less else _View(self, less)


class DocumentMass:
    """Where the article's names lean, as a whole: each mention of each name spreads one unit
    over the countries and states of its ranked readings, by their confidence. A namesake in
    the state (or country) that most of the *other* mentions lean to is likelier ("Columbus"
    beside Franklin, Greenwood and Shelbyville is Indiana's; "Georgia" beside Georgian towns
    the country) even when none of them alone was sure. `admin1_share(cc, a1, key)` and `country_share(cc, key)`: the share of the
    other names' mentions (not `key`'s own) that lean there, 0..1."""

    __slots__ = ("_admin1", "_country", "_n", "_own")

    def __init__(self, readings) -> None:
        """`readings`: (normalised name, number of mentions, ranked Matches) per distinct name."""
        self._admin1: dict[tuple, float] = {}
        self._country: dict[str, float] = {}
        self._own: dict[str, tuple[float, dict, dict]] = {}
        self._n = 0.0
        for key, count, ranked in readings:
            if not ranked:
                continue
            a1s: dict[tuple, float] = {}
            ccs: dict[str, float] = {}
            for m in ranked:
                p = m.place
                if not p.country_code:
                    continue
                ccs[p.country_code] = ccs.get(p.country_code, 0.0) + m.confidence * count
                if p.admin1:
                    a1 = (p.country_code, p.admin1)
                    a1s[a1] = a1s.get(a1, 0.0) + m.confidence * count
            n, own_a1, own_cc = self._own.get(key, (0.0, {}, {}))
            for k, v in a1s.items():
                self._admin1[k] = self._admin1.get(k, 0.0) + v
                own_a1[k] = own_a1.get(k, 0.0) + v
            for k, v in ccs.items():
                self._country[k] = self._country.get(k, 0.0) + v
                own_cc[k] = own_cc.get(k, 0.0) + v
            self._own[key] = (n + count, own_a1, own_cc)
            self._n += count

    def admin1_share(self, cc: str, a1: str, key) -> float:
        mass = self._admin1.get((cc, a1))
        if not mass:
            return 0.0
        n, own, _ = self._own.get(key, (0.0, {}, {}))
        rest = self._n - n
        return (mass - own.get((cc, a1), 0.0)) / rest if rest > 0 else 0.0

    def country_share(self, cc: str, key) -> float:
        mass = self._country.get(cc)
        if not mass:
            return 0.0
        n, _, own = self._own.get(key, (0.0, {}, {}))
        rest = self._n - n
        return (mass - own.get(cc, 0.0)) / rest if rest > 0 else 0.0
