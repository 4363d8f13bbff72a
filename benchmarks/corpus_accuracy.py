"""Extraction accuracy on a generated corpus (benchmarks/generate_corpus.py), scored like the dev set.

    .venv/bin/python benchmarks/corpus_accuracy.py OUT_DIR [--limit N] [-v]

For each article in OUT_DIR/truth.jsonl (file order; the first N with --limit): read it with
`journeys.articles.read_article`, run `journeys.extract.extract_article`, and match the
predicted stops (observations with a place, role != report) one-to-one to the true stops of
all caravans in the article: cities within 25 km, countries and the U.S. border by name (the
same rules as benchmarks/journeys_corpus.py). Printed:

- stop recall / precision, role accuracy and date accuracy on matched stops (a date counts
  when either side has one; a month-precision truth needs the same month), size recall /
  precision (same low and high, per article, as sets);
- after `journeys.join.join` over all extracted caravans: the number of joined caravans
  against the true number (distinct caravan ids in the scored articles, and what the join
  rule - same departure place within 25 km, same day +-2 - makes of the true departures),
  and how many true caravans ended up whole in exactly one joined caravan with nothing else;
- read + extract throughput (articles/s);
- the most frequent errors, by the template that wrote the fact (`tpl` in the truth) and by
  how dates were phrased; extra stops and sizes are traced to the distractor that caused them
  when one matches. -v prints examples of each.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from journeys_corpus import _name_match  # noqa: E402  (the same matching rule as the dev set's)

MATCH_KM = 25.0
JOIN_DAYS = 2




def _is_border(o) -> bool:
    p = o.place.place
    return "border" in o.place.text.lower() or (p is not None and "border" in p.name.lower())


def _stop_ok(o, g: dict, haversine_km) -> bool:
    p = o.place.place
    if g["kind"] == "border":
        return _is_border(o)
    if g["kind"] in ("country", "admin1") or g["lat"] is None:
        return _name_match(o.place.text, g["place"]) or (p is not None and _name_match(p.name, g["canonical"]))
    if p is not None:
        return haversine_km(p.lat, p.lon, g["lat"], g["lon"]) <= MATCH_KM
    return _name_match(o.place.text, g["place"].split(",")[0])


def _components(deps: dict, haversine_km) -> int:
    """What the join rule makes of these departures (lat, lon, day); None stays alone."""
    ids = sorted(deps)
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keyed = [(i, deps[i]) for i in ids if deps[i] is not None]
    keyed.sort(key=lambda x: x[1][2])
    for a in range(len(keyed)):
        ia, (la, oa, da) = keyed[a]
        for b in range(a + 1, len(keyed)):
            ib, (lb, ob, db) = keyed[b]
            if (db - da).days > JOIN_DAYS:
                break
            if haversine_km(la, oa, lb, ob) <= MATCH_KM:
                parent[find(ib)] = find(ia)
    return len({find(i) for i in ids})


def score(out_dir, limit: int | None = None, verbose: bool = False, examples: int = 3) -> dict:
    import datetime as dt

    from gazetteer import haversine_km
    from journeys.articles import read_article
    from journeys.extract import extract_article
    from journeys.join import join

    out = Path(out_dir)
    lines = (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    truths = [json.loads(x) for x in lines if x.strip()][: limit if limit else None]
    tot = Counter()
    err = defaultdict(Counter)  # category -> Counter of keys
    ex = defaultdict(list)  # (category, key) -> examples
    all_caravans = []
    owner: dict[int, str | None] = {}  # id(observation) -> true caravan id of its extracted caravan
    true_deps: dict[str, tuple | None] = {}
    article_deps: dict[tuple, tuple | None] = {}
    true_ids: set[str] = set()

    def note(cat: str, key, example: str) -> None:
        err[cat][key] += 1
        if verbose and len(ex[(cat, key)]) < examples:
            ex[(cat, key)].append(example)

    t_extract = 0.0
    for tr in truths:
        t0 = time.perf_counter()
        art = read_article(out / tr["file"])
        x = extract_article(art)
        t_extract += time.perf_counter() - t0
        tot["articles"] += 1
        tot["chars"] += len(art.text)
        tot["negatives"] += not tr["caravans"]
        gold = [(c["id"], s) for c in tr["caravans"] for s in c["stops"]]
        for c in tr["caravans"]:
            true_ids.add(c["id"])
            dep = next((s for s in c["stops"] if s["role"] == "departure" and s["date_precision"] == "day"), None)
            key = (dep["lat"], dep["lon"], dt.date.fromisoformat(dep["date"])) if dep is not None else None
            if key is not None:
                true_deps[c["id"]] = key
            else:
                true_deps.setdefault(c["id"], None)
            article_deps[(tr["file"], c["id"])] = key
        pred = [(c, o) for c in x.caravans for o in c.observations if o.place is not None and o.role != "report"]
        tot["gold_stops"] += len(gold)
        tot["pred_stops"] += len(pred)
        tot["gold_caravans"] += len(tr["caravans"])
        tot["pred_caravans"] += len(x.caravans)
        # One-to-one, best pairs first: the same place before a neighbour (route towns are
        # often less than 25 km apart: Tecún Umán and Ciudad Hidalgo, Juchitán and Ixtepec),
        # then the same role, the nearest, the same date.
        pairs = []
        for gi, (cid, g) in enumerate(gold):
            for i, (_, o) in enumerate(pred):
                if _stop_ok(o, g, haversine_km):
                    p = o.place.place
                    d = (haversine_km(p.lat, p.lon, g["lat"], g["lon"])
                         if p is not None and g["lat"] is not None and g["kind"] == "city" else 0.0)
                    pd = o.date.isoformat() if o.date else None
                    pairs.append((d > 1.0, o.role != g["role"], round(d, 1), pd != g["date"], gi, i))
        pairs.sort()
        used: set[int] = set()
        match: dict[int, int] = {}
        for *_, gi, i in pairs:
            if gi not in match and i not in used:
                match[gi] = i
                used.add(i)
        votes: dict[str, Counter] = defaultdict(Counter)
        for gi, (cid, g) in enumerate(gold):
            if gi not in match:
                near = [o for _, o in pred if o.place.place is not None and g["lat"] is not None
                        and haversine_km(o.place.place.lat, o.place.place.lon, g["lat"], g["lon"]) < 1]
                seen = [o for _, o in pred if o.place.text == g["place"].split(",")[0]]
                how = ("resolved elsewhere: " + ", ".join(sorted({o.place.place.label for o in seen if o.place.place}))
                       if seen and not near else "not extracted")
                note("missed stop", (g["role"], g["tpl"]), f"{tr['file']} {g['place']!r} {g['date']} ({how})")
                if how == "not extracted":
                    note("missed stop cause", "no observation with this place", f"{tr['file']} {g['place']!r}")
                else:
                    wrong = sorted({o.place.place.label for o in seen if o.place.place})
                    note("missed stop cause", f"{g['place'].split(',')[0]} read as {' / '.join(wrong)}",
                         f"{tr['file']} {g['place']!r}")
                continue
            c, o = pred[match[gi]]
            votes[c.id][cid] += 1
            tot["matched"] += 1
            tot["role_ok"] += o.role == g["role"]
            if o.role != g["role"]:
                note("role", (g["role"], o.role, g["tpl"]), f"{tr['file']} {g['place']!r}: {o.evidence.text[:110]!r}")
            if g["date"] or o.date:
                tot["dated"] += 1
                pd = o.date.isoformat() if o.date else None
                if g["date_precision"] == "month":
                    same = pd is not None and g["date"] is not None and pd[:7] == g["date"][:7]
                else:
                    same = pd == g["date"] or (o.date_precision == "month" and g["date"] and pd and pd[:7] == g["date"][:7])
                tot["date_ok"] += bool(same)
                if not same:
                    if pd is None:
                        why = "missing"
                    elif g["date"] is None:
                        why = "spurious"
                    else:
                        off = (o.date - dt.date.fromisoformat(g["date"])).days
                        why = f"off by {off:+d} d" if abs(off) <= 7 else "wrong"
                    note("date", (g["date_kind"] or "(no date)", g["role"], why),
                         f"{tr['file']} {g['place']!r} gold {g['date']} got {pd} ({o.date_text!r})")
        # Extra stops: which distractor, if any, they come from.
        dpl = tr["distractors"]["places"]
        for i, (c, o) in enumerate(pred):
            if i in used:
                continue
            p = o.place.place
            src = None
            for d in dpl:
                if d["kind"] == "person":
                    if o.place.text in d["place"].split():
                        src = d["tpl"]
                        break
                elif d["kind"] == "city" and p is not None and d["lat"] is not None:
                    if haversine_km(p.lat, p.lon, d["lat"], d["lon"]) <= MATCH_KM:
                        src = d["tpl"]
                        break
                elif _name_match(o.place.text, d["place"]):
                    src = d["tpl"]
                    break
            if src is None:
                if any(_stop_ok(o, g, haversine_km) for _, g in gold):
                    src = "true stop said twice / other role"
                elif p is None:
                    src = "unresolved name"
                else:
                    src = "other"
            note("extra stop", (o.role, src), f"{tr['file']} {o.place.text!r} -> "
                 f"{p.label if p else None}: {o.evidence.text[:110]!r}")
        # Sizes, as sets per article (like the dev set scorer).
        gs: dict[tuple, dict] = {}
        for c in tr["caravans"]:
            for z in c["sizes"]:
                gs.setdefault((z["value_low"], z["value_high"]), z)
        ps = {}
        for c in x.caravans:
            for o in c.observations:
                if o.size_low is not None:
                    ps.setdefault((o.size_low, o.size_high), o)
        tot["gold_sizes"] += len(gs)
        tot["pred_sizes"] += len(ps)
        tot["size_ok"] += len(gs.keys() & ps.keys())
        for k in gs.keys() - ps.keys():
            z = gs[k]
            note("missed size", (z["qualifier"], z["form"], z["tpl"]), f"{tr['file']} {z['text']!r} {k}")
        nums = tr["distractors"]["numbers"]
        for k in ps.keys() - gs.keys():
            o = ps[k]
            src = next((d["tpl"] for d in nums if d["value"] in k), None)
            if src is None:
                near = [g for g in gs if g[0] == k[0] or g[1] == k[1]]
                src = "true size, other range" if near else "other"
            note("extra size", src, f"{tr['file']} {o.size_text!r} {k}: {o.evidence.text[:100]!r}")
        # Which true caravan each extracted caravan stands for (most matched stops).
        for c in x.caravans:
            v = votes.get(c.id)
            tid = v.most_common(1)[0][0] if v else None
            for o in c.observations:
                owner[id(o)] = tid
            all_caravans.append(c)
    tot["seconds"] = t_extract

    # -- across articles ------------------------------------------------------------------
    t0 = time.perf_counter()
    joined = join(all_caravans)
    tot["join_seconds"] = time.perf_counter() - t0
    tot["joined"] = len(joined)
    tot["joined_keyed"] = sum(1 for c in joined if c.departure() is not None and c.departure().date is not None
                              and c.departure().date_precision == "day" and c.departure().place.place is not None)
    groups_of: dict[str, set[int]] = defaultdict(set)
    members_of: dict[int, set] = {}
    for gi, c in enumerate(joined):
        ids = {owner.get(id(o)) for o in c.observations}
        members_of[gi] = ids
        for tid in ids:
            if tid is not None:
                groups_of[tid].add(gi)
    tot["true_caravans"] = len(true_ids)
    tot["true_components"] = _components(true_deps, haversine_km)
    tot["perfect_joined"] = _components(article_deps, haversine_km)
    tot["whole"] = sum(1 for tid in true_ids if len(groups_of.get(tid, ())) == 1
                       and members_of[next(iter(groups_of[tid]))] - {None} == {tid})
    tot["split"] = sum(1 for tid in true_ids if len(groups_of.get(tid, ())) > 1)
    tot["mixed"] = sum(1 for ids in members_of.values() if len(ids - {None}) > 1)
    tot["unseen"] = sum(1 for tid in true_ids if tid not in groups_of)
    return {"totals": dict(tot), "errors": {k: v for k, v in err.items()}, "examples": dict(ex)}


def report(r: dict, top: int = 8) -> None:
    t = r["totals"]
    div = lambda a, b: a / b if b else 0.0  # noqa: E731
    print(f"corpus: {t['articles']:,} articles ({t['negatives']} without a caravan), "
          f"{t['gold_caravans']:,} article-level caravans in the truth, {t['pred_caravans']:,} extracted")
    print(f"  speed  {t['articles'] / t['seconds']:.1f} articles/s read + extract "
          f"({t['seconds']:.1f} s, {t['chars'] / t['seconds'] / 1e6:.3f} MB/s); join {t['join_seconds']:.2f} s")
    print(f"  stops  recall {div(t['matched'], t['gold_stops']):.3f}  precision {div(t['matched'], t['pred_stops']):.3f}"
          f"  ({t['matched']:,} matched of {t['gold_stops']:,} true, {t['pred_stops']:,} extracted; {MATCH_KM:.0f} km)")
    print(f"  roles  accuracy {div(t['role_ok'], t['matched']):.3f} on matched stops")
    print(f"  dates  accuracy {div(t['date_ok'], t['dated']):.3f} on {t['dated']:,} matched stops with a date on either side")
    print(f"  sizes  recall {div(t['size_ok'], t['gold_sizes']):.3f}  precision {div(t['size_ok'], t['pred_sizes']):.3f}"
          f"  ({t['size_ok']:,} of {t['gold_sizes']:,} true, {t['pred_sizes']:,} extracted)")
    print(f"  join   {t['joined']:,} joined caravans ({t['joined_keyed']:,} with a departure place and day) "
          f"vs {t['true_caravans']:,} true caravans; the join rule on the true departures gives "
          f"{t['true_components']:,}, on what each article states {t['perfect_joined']:,}")
    print(f"         {t['whole']:,} true caravans whole in one joined caravan, {t['split']:,} split over several, "
          f"{t['unseen']:,} never matched; {t['mixed']:,} joined caravans mix true caravans")
    err, ex = r["errors"], r["examples"]
    titles = {
        "missed stop": "missed stops (true role, template)",
        "missed stop cause": "why stops were missed (the name found but resolved elsewhere, or no observation)",
        "role": "wrong roles (true role -> extracted, template)",
        "date": "wrong dates (how the date was written, role, what went wrong)",
        "extra stop": "extra stops (extracted role, where they come from)",
        "missed size": "missed sizes (qualifier, phrasing, template)",
        "extra size": "extra sizes (the distractor they come from)",
    }
    print("most frequent errors:")
    for cat, title in titles.items():
        c = err.get(cat)
        if not c:
            continue
        print(f"  {title}: {sum(c.values()):,}")
        for key, n in c.most_common(top):
            label = " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)
            print(f"    {n:6,}  {label}")
            for e in ex.get((cat, key), []):
                print(f"              e.g. {e}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    ap.add_argument("--top", type=int, default=8, help="rows per error table")
    ap.add_argument("-v", "--verbose", action="store_true", help="show examples for each error row")
    args = ap.parse_args(argv)
    if not (Path(args.out_dir) / "truth.jsonl").is_file():
        ap.error(f"{args.out_dir}/truth.jsonl not found (run benchmarks/generate_corpus.py first)")
    report(score(args.out_dir, args.limit, args.verbose), args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
