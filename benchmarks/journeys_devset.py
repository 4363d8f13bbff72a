"""Extraction quality on the hand-labelled dev set (../shared/devset, never copied).

Per article, predicted stops (observations with a place) are matched one-to-one to the
labelled stops: settlements within 25 km; countries, states, borders and features by
name (their representative points differ between sources, as the labels' README says). Printed: stop recall and precision, role and date accuracy on
matched stops, size recall and precision (same low and high), caravan counts.

    python benchmarks/journeys_devset.py [-v]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"
MATCH_KM = 25.0


def _name_match(a: str, b: str) -> bool:
    a, b = a.lower().replace("the ", ""), b.lower().replace("the ", "")
    return a in b or b in a


def score(verbose: bool = False) -> dict:
    from gazetteer import haversine_km
    from journeys.articles import read_article
    from journeys.extract import extract_article

    labels = json.loads((DEVSET / "labels.json").read_text(encoding="utf-8"))
    tot = dict(gold_stops=0, pred_stops=0, matched=0, role_ok=0, dated=0, date_ok=0,
               gold_sizes=0, pred_sizes=0, size_ok=0, gold_caravans=0, pred_caravans=0, chars=0)
    t0 = time.perf_counter()
    for lab in labels:
        art = read_article(DEVSET / "articles" / lab["file"])
        tot["chars"] += len(art.text)
        x = extract_article(art)
        gold = [s for c in lab["caravans"] for s in c["stops"]]
        pred = [o for c in x.caravans for o in c.observations if o.place is not None and o.role != "report"]
        tot["gold_caravans"] += len(lab["caravans"])
        tot["pred_caravans"] += len(x.caravans)
        tot["gold_stops"] += len(gold)
        tot["pred_stops"] += len(pred)
        used: set[int] = set()
        for g in gold:
            best = None
            for i, o in enumerate(pred):
                if i in used:
                    continue
                p = o.place.place
                if g["kind"] in ("country", "admin1", "feature", "border") or g["lat"] is None:
                    # Representative points of countries and states differ between sources
                    # (the labels say so): match those by name.
                    ok = _name_match(o.place.text, g["place"]) or (
                        p is not None and _name_match(p.name, g["canonical"].split(",")[0]))
                elif p is not None:
                    ok = haversine_km(p.lat, p.lon, g["lat"], g["lon"]) <= MATCH_KM
                else:
                    ok = _name_match(o.place.text, g["place"])
                if ok and (best is None or (o.role == g["role"]) > (pred[best].role == g["role"])):
                    best = i
            if best is None:
                if verbose:
                    print(f"  MISS {lab['file'][:3]} {g['role']:<11} {g['place']!r} {g['date']}")
                continue
            used.add(best)
            o = pred[best]
            tot["matched"] += 1
            tot["role_ok"] += o.role == g["role"]
            if g["date"] or o.date:
                tot["dated"] += 1
                pd = o.date.isoformat() if o.date else None
                same = pd == g["date"] or (o.date_precision == "month" and g["date"] and pd[:7] == g["date"][:7])
                tot["date_ok"] += bool(same)
                if verbose and not same:
                    print(f"  DATE {lab['file'][:3]} {g['place']!r}: gold {g['date']} got {pd} ({o.date_text!r})")
            if verbose and o.role != g["role"]:
                print(f"  ROLE {lab['file'][:3]} {g['place']!r}: gold {g['role']} got {o.role}")
        if verbose:
            for i, o in enumerate(pred):
                if i not in used:
                    print(f"  EXTRA {lab['file'][:3]} {o.role:<11} {o.place.text!r} | {o.evidence.text[:90]!r}")
        gold_sizes = {(s["value_low"], s["value_high"]) for c in lab["caravans"] for s in c["sizes"]}
        pred_sizes = {(o.size_low, o.size_high) for c in x.caravans for o in c.observations if o.size_low is not None}
        tot["gold_sizes"] += len(gold_sizes)
        tot["pred_sizes"] += len(pred_sizes)
        tot["size_ok"] += len(gold_sizes & pred_sizes)
        if verbose:
            for s in sorted(gold_sizes - pred_sizes):
                print(f"  SIZE MISS {lab['file'][:3]} {s}")
            for s in sorted(pred_sizes - gold_sizes):
                print(f"  SIZE EXTRA {lab['file'][:3]} {s}")
    tot["seconds"] = time.perf_counter() - t0
    tot["articles"] = len(labels)
    return tot


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and extra")
    args = ap.parse_args(argv)
    if not DEVSET.is_dir():
        print(f"skipped: {DEVSET} not found")
        return 0
    t = score(args.verbose)
    div = lambda a, b: a / b if b else 0.0  # noqa: E731
    print(f"dev set: {t['articles']} articles, {t['gold_caravans']} labelled caravans, {t['pred_caravans']} extracted "
          f"({t['seconds']:.2f} s)")
    print(f"  stops  recall {div(t['matched'], t['gold_stops']):.3f}  precision {div(t['matched'], t['pred_stops']):.3f}"
          f"  ({t['matched']} matched of {t['gold_stops']} labelled, {t['pred_stops']} extracted; {MATCH_KM:.0f} km)")
    print(f"  roles  accuracy {div(t['role_ok'], t['matched']):.3f} on matched stops")
    print(f"  dates  accuracy {div(t['date_ok'], t['dated']):.3f} on {t['dated']} matched stops with a date on either side")
    print(f"  sizes  recall {div(t['size_ok'], t['gold_sizes']):.3f}  precision {div(t['size_ok'], t['pred_sizes']):.3f}"
          f"  ({t['size_ok']} of {t['gold_sizes']} labelled, {t['pred_sizes']} extracted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
