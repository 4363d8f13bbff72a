"""Geoparser quality on LGL and GeoVirus (read from ../shared/geoparse, never copied).

Prints, per corpus: toponym recognition precision / recall / F1 (exact span and
overlap), and resolution accuracy@161 km with mean and median error, end to end
(on our own recognised spans that overlap a gold toponym with coordinates).

    python benchmarks/geoparse_corpora.py [--corpus lgl|geovirus|both] [--limit N] [--split test|all]

`--split test` scores only the held-out half of LGL (odd articles) that
`learn_geoparse_weights.py` did not train on; GeoVirus is never trained on.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "geoparse"


@dataclass
class Gold:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    fcode: str = ""  # GeoNames feature code of the gold place (LGL only)
    geonameid: int = 0  # the gold GeoNames record (LGL only)


@dataclass
class Doc:
    id: str
    text: str
    gold: list[Gold]


def _f(x: str | None) -> float | None:
    try:
        return float(x) if x not in (None, "") else None
    except ValueError:
        return None


def read_lgl(path: Path = SHARED / "lgl.xml") -> list[Doc]:
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for t in art.iter("toponym"):
            g = t.find("gaztag")
            gold.append(Gold(int(t.findtext("start")), int(t.findtext("end")), t.findtext("phrase") or "",
                             _f(g.findtext("lat")) if g is not None else None,
                             _f(g.findtext("lon")) if g is not None else None,
                             (g.findtext("fcode") or "") if g is not None else "",
                             int(g.get("geonameid") or 0) if g is not None else 0))
        docs.append(Doc(art.get("docid") or str(len(docs)), text, gold))
    return docs


def read_geovirus(path: Path = SHARED / "GeoVirus.xml") -> list[Doc]:
    docs = []
    for i, art in enumerate(ET.parse(path).getroot().iter("article")):
        text = art.findtext("text") or ""
        gold = []
        for loc in art.iter("location"):
            s, e, name = int(loc.findtext("start")), int(loc.findtext("end")), loc.findtext("name") or ""
            if text[s:e] != name and text[s - 1:e - 1] == name:
                s, e = s - 1, e - 1  # GeoVirus offsets are one past the name in this snapshot
            gold.append(Gold(s, e, name, _f(loc.findtext("lat")), _f(loc.findtext("lon"))))
        docs.append(Doc(str(i), text, gold))
    return docs


DEVSET = ROOT.parent / "shared" / "devset"


def devset_resolution(parse) -> dict | None:
    """The caravan dev set's labelled toponyms (`all_toponyms`: text and point, no offsets):
    each is matched to our first toponym of the same (normalised) text in its article."""
    import json

    from gazetteer import haversine_km
    from gazetteer.normalize import norm
    from journeys.articles import read_article

    path = DEVSET / "labels.json"
    if not path.exists():
        return None
    n = found = within = 0
    for lab in json.loads(path.read_text(encoding="utf-8")):
        art = read_article(DEVSET / "articles" / lab["file"])
        ours: dict[str, object] = {}
        for t in parse(art.text):
            if t.place is not None:
                ours.setdefault(norm(t.text), t.place)
        for g in lab.get("all_toponyms", ()):
            if g.get("lat") is None:
                continue
            n += 1
            p = ours.get(norm(g["text"]))
            if p is not None:
                found += 1
                within += haversine_km(p.lat, p.lon, g["lat"], g["lon"]) <= 161
    return {"labelled": n, "found": found, "within": within}


def split(docs: list[Doc], part: str) -> list[Doc]:
    """LGL halves: even positions train, odd positions test."""
    if part == "all":
        return docs
    return [d for i, d in enumerate(docs) if (i % 2 == 1) == (part == "test")]


def overlaps(a0, a1, b0, b1) -> bool:
    return a0 < b1 and b0 < a1


# Kinds of resolution error (> 161 km), each a different fix; counted in this order.
ERROR_KINDS = ("region", "representative point", "namesake", "multi-word split", "feature", "other")
_FEATURE_WORDS = re.compile(r"\b(?:river|rio|río|creek|bridge|border|crossing|port of entry|lake|mountains?|mount|"
                            r"canyon|valley|island|park|dam|canal|highway|interstate|route)\b", re.I)
_AREA_WORDS = re.compile(r"\b(?:ocean|sea|gulf|bay|continent|america|americas|east|asia|africa|europe|"
                         r"caribbean|pacific|atlantic|mediterranean|arctic|antarctic|antarctica|oceania|"
                         r"balkans|scandinavia|sahara|sahel|himalayas?)\b", re.I)
# GeoNames feature codes of areas with no single town point, and of non-populated features.
_AREA_CODES = {"CONT", "RGN", "OCN", "SEA", "GULF", "BAY", "AREA", "ZN", "RGNE", "PLN", "DSRT"}
_POINT_KINDS = ("city", "border point", "admin2")


def error_kind(gold: Gold, hit, gaz) -> str:
    """Why a recognised name landed more than 161 km from the gold point.

    region: a continent, region, ocean or sea read as a point place (a town);
    representative point: the right country or state, but its point is far from the gold one;
    namesake: the gazetteer holds a candidate within 161 km, a namesake was chosen;
    multi-word split: our span differs from the gold one ("Trinidad" of "Trinidad and
    Tobago"; "Jefferson" of "Jefferson County"; a whole "X Police Department");
    feature: a river, bridge, border crossing, park or other non-populated feature;
    other: the gazetteer has no candidate near the gold point at all.
    """
    from gazetteer import haversine_km

    p = hit.place
    if (gold.fcode in _AREA_CODES or _AREA_WORDS.search(gold.text)) and p.kind in _POINT_KINDS:
        return "region"
    if p.kind in ("country", "admin1", "region") and haversine_km(p.lat, p.lon, gold.lat, gold.lon) < 1500 \
            and gold.fcode not in ("PPL", "PPLA", "PPLA2", "PPLC", "ADM2"):
        return "representative point"
    if (hit.start, hit.end) == (gold.start, gold.end):
        near = any(haversine_km(gaz.index.lat[r >> 1], gaz.index.lon[r >> 1], gold.lat, gold.lon) <= 161
                   for r in gaz.refs(hit.text))
        if near:
            return "namesake"
    else:
        return "multi-word split"
    if _FEATURE_WORDS.search(gold.text) or gold.fcode[:1] in ("H", "T", "S", "L", "R", "V", "U") \
            or gold.fcode in ("STM", "PRK", "ISL", "LK", "VAL", "MT", "MTS", "RSV", "HBR", "CHN", "PRT"):
        return "feature"
    return "other"


def evaluate(docs: list[Doc], parse, demonyms: bool = False, examples: bool = False) -> dict:
    from gazetteer import default_gazetteer, haversine_km

    gaz = default_gazetteer()
    kinds = dict.fromkeys(ERROR_KINDS, 0)
    tp_exact = tp_overlap = n_pred = n_gold = 0
    errors: list[float] = []
    n_resolvable = 0
    parse_s = 0.0
    for doc in docs:
        t0 = time.perf_counter()
        found = parse(doc.text)
        parse_s += time.perf_counter() - t0
        preds = [t for t in found if t.kind == "place" or (demonyms and t.kind == "demonym")]
        n_pred += len(preds)
        n_gold += len(doc.gold)
        exact = {(t.start, t.end) for t in preds}
        tp_exact += sum((g.start, g.end) in exact for g in doc.gold)
        if examples:  # recognition errors: missed gold spans, and spans overlapping no gold one
            for g in doc.gold:
                if (g.start, g.end) not in exact:
                    ours = next((t.text for t in preds if overlaps(t.start, t.end, g.start, g.end)), None)
                    print(f"  [missed{'' if ours is None else ', ours ' + repr(ours)}] {g.text!r} | "
                          f"{doc.text[max(0, g.start - 50):g.end + 30]!r}")
            for t in preds:
                if not any(overlaps(t.start, t.end, g.start, g.end) for g in doc.gold):
                    print(f"  [spurious {t.kind}] {t.text!r} | {doc.text[max(0, t.start - 50):t.end + 30]!r}")
        for g in doc.gold:
            hit = next((t for t in preds if overlaps(t.start, t.end, g.start, g.end)), None)
            if hit is not None:
                tp_overlap += 1
            if g.lat is None:
                continue
            n_resolvable += 1
            if hit is not None and hit.place is not None:
                errors.append(haversine_km(hit.place.lat, hit.place.lon, g.lat, g.lon))
                if errors[-1] > 161:
                    kind = error_kind(g, hit, gaz)
                    kinds[kind] += 1
                    if examples:
                        print(f"  [{kind}] {g.text!r} {g.fcode} -> {hit.text!r} {hit.place.label} ({hit.place.kind}) "
                              f"{errors[-1]:.0f} km | {doc.text[max(0, g.start - 50):g.end + 30]!r}")
    def prf(tp):
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)
    pe, re_, fe = prf(tp_exact)
    po, ro, fo = prf(tp_overlap)
    within = sum(e <= 161 for e in errors)
    return {
        "docs": len(docs), "gold": n_gold, "predicted": n_pred,
        "exact": (pe, re_, fe), "overlap": (po, ro, fo),
        "resolved_pairs": len(errors), "resolvable_gold": n_resolvable,
        "acc161_matched": within / len(errors) if errors else 0.0,
        "acc161_gold": within / n_resolvable if n_resolvable else 0.0,
        "median_km": statistics.median(errors) if errors else float("nan"),
        "mean_km": statistics.fmean(errors) if errors else float("nan"),
        "error_kinds": kinds,
        "names_per_s": n_pred / parse_s if parse_s else 0.0,
    }


def report(name: str, r: dict, seconds: float) -> None:
    pe, re_, fe = r["exact"]
    po, ro, fo = r["overlap"]
    print(f"{name}: {r['docs']} articles, {r['gold']} gold toponyms, {r['predicted']} predicted ({seconds:.1f} s; "
          f"geoparsing {r['names_per_s']:,.0f} names/s)")
    print(f"  recognition exact span : P {pe:.3f}  R {re_:.3f}  F1 {fe:.3f}")
    print(f"  recognition overlap    : P {po:.3f}  R {ro:.3f}  F1 {fo:.3f}")
    print(f"  resolution acc@161km   : {r['acc161_matched']:.3f} of {r['resolved_pairs']} recognised "
          f"({r['acc161_gold']:.3f} of all {r['resolvable_gold']} gold with coordinates)")
    print(f"  error km               : median {r['median_km']:.1f}  mean {r['mean_km']:.1f}")
    print("  errors > 161 km by kind: " + ", ".join(f"{k} {n}" for k, n in r["error_kinds"].items()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=["lgl", "geovirus", "both"], default="both")
    ap.add_argument("--split", choices=["test", "all", "train"], default="all")
    ap.add_argument("--examples", action="store_true",
                    help="print each recognition error (missed, spurious) and each error > 161 km with its kind "
                         "(LGL training half only: --split train)")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args(argv)
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} not found (the corpora are read from ../shared/geoparse)")
        return 0
    from geoparser.parse import default_geoparser

    parser = default_geoparser()
    parser.parse("warm up in Mexico City")
    for name, reader in (("LGL", read_lgl), ("GeoVirus", read_geovirus)):
        if args.corpus not in ("both", name.lower()):
            continue
        docs = reader()
        if name == "LGL":
            docs = split(docs, args.split)
        if args.limit:
            docs = docs[: args.limit]
        t = time.perf_counter()
        # LGL's annotators marked adjectival forms ("Russian", "Palestinians") as toponyms,
        # GeoVirus's did not: count our demonym mentions only on LGL.
        r = evaluate(docs, parser.parse, demonyms=name == "LGL", examples=args.examples and args.split == "train"
                     and name == "LGL")
        part = {"test": " (held-out half)", "train": " (training half)"}.get(args.split, "") if name == "LGL" else ""
        report(name + part, r, time.perf_counter() - t)
    if args.corpus == "both":
        dv = devset_resolution(parser.parse)
        if dv:
            print(f"caravan dev set: {dv['labelled']} labelled toponyms with a point, {dv['found']} found by text; "
                  f"acc@161km of found {dv['within'] / max(dv['found'], 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
