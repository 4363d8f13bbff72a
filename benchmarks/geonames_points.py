"""Write gazetteer/data/geonames_points.csv: GeoNames' own points for countries, first-level
divisions, continents, regions, seas and zones (the European Union), as carried by the GeoNames tags of LGL's training half.

Why: the installed packages give countries and states a point from `countryinfo` / ISO 3166-2,
up to 1,000 km from GeoNames' own record (the United States 235 km off), and no package on the
registries ships GeoNames' country or admin1 records with coordinates. LGL's annotators tagged
each toponym with its GeoNames record (geonameid, feature code, lat, lon): those records are
GeoNames data (CC BY 4.0). Only the even-indexed (training) articles are read, as for every
other thing learned from LGL; each row names the GeoNames record it comes from.

    python benchmarks/geonames_points.py
"""
from __future__ import annotations

import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from geoparse_corpora import SHARED  # noqa: E402

AREAL = {"PCLI", "PCLS", "PCLD", "PCLIX", "PCLF", "PCL", "TERR", "ADM1", "CONT", "RGN", "OCN", "SEA", "ZN"}
OUT = ROOT / "gazetteer" / "data" / "geonames_points.csv"


def main() -> int:
    path = SHARED / "lgl.xml"
    if not path.exists():
        print(f"skipped: {path} not found")
        return 0
    rows: dict[int, tuple] = {}
    for i, art in enumerate(ET.parse(path).getroot().iter("article")):
        if i % 2:
            continue  # held-out half: never read here
        for g in art.iter("gaztag"):
            fcode = g.findtext("fcode") or ""
            if fcode not in AREAL or not g.get("geonameid"):
                continue
            gid = int(g.get("geonameid"))
            rows[gid] = (gid, g.findtext("name") or "", fcode, float(g.findtext("lat")), float(g.findtext("lon")))
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["geonameid", "name", "fcode", "lat", "lon", "source"])
        for gid, name, fcode, lat, lon in sorted(rows.values()):
            w.writerow([gid, name, fcode, lat, lon, f"GeoNames record {gid} ({fcode}), as tagged in LGL's training half"])
    print(f"{OUT.relative_to(ROOT)}: {len(rows)} GeoNames records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
