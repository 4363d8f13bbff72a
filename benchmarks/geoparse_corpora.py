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
                             _f(g.findtext("lon")) if g is not None else None))
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


def split(docs: list[Doc], part: str) -> list[Doc]:
    """LGL halves: even positions train, odd positions test."""
    if part == "all":
        return docs
    return [d for i, d in enumerate(docs) if (i % 2 == 1) == (part == "test")]


def overlaps(a0, a1, b0, b1) -> bool:
    return a0 < b1 and b0 < a1


def evaluate(docs: list[Doc], parse, demonyms: bool = False) -> dict:
    from gazetteer import haversine_km

    tp_exact = tp_overlap = n_pred = n_gold = 0
    errors: list[float] = []
    n_resolvable = 0
    for doc in docs:
        preds = [t for t in parse(doc.text) if t.kind == "place" or (demonyms and t.kind == "demonym")]
        n_pred += len(preds)
        n_gold += len(doc.gold)
        exact = {(t.start, t.end) for t in preds}
        tp_exact += sum((g.start, g.end) in exact for g in doc.gold)
        for g in doc.gold:
            hit = next((t for t in preds if overlaps(t.start, t.end, g.start, g.end)), None)
            if hit is not None:
                tp_overlap += 1
            if g.lat is None:
                continue
            n_resolvable += 1
            if hit is not None and hit.place is not None:
                errors.append(haversine_km(hit.place.lat, hit.place.lon, g.lat, g.lon))
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
    }


def report(name: str, r: dict, seconds: float) -> None:
    pe, re_, fe = r["exact"]
    po, ro, fo = r["overlap"]
    print(f"{name}: {r['docs']} articles, {r['gold']} gold toponyms, {r['predicted']} predicted ({seconds:.1f} s)")
    print(f"  recognition exact span : P {pe:.3f}  R {re_:.3f}  F1 {fe:.3f}")
    print(f"  recognition overlap    : P {po:.3f}  R {ro:.3f}  F1 {fo:.3f}")
    print(f"  resolution acc@161km   : {r['acc161_matched']:.3f} of {r['resolved_pairs']} recognised "
          f"({r['acc161_gold']:.3f} of all {r['resolvable_gold']} gold with coordinates)")
    print(f"  error km               : median {r['median_km']:.1f}  mean {r['mean_km']:.1f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=["lgl", "geovirus", "both"], default="both")
    ap.add_argument("--split", choices=["test", "all"], default="all")
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
        r = evaluate(docs, parser.parse, demonyms=name == "LGL")
        report(name + (" (held-out half)" if name == "LGL" and args.split == "test" else ""), r, time.perf_counter() - t)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
