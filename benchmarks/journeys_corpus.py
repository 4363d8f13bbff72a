"""Extraction quality on the real labelled corpus, train and locked test apart.

The corpus is the shared dev set plus benchmarks/corpus/ (see real_corpus.py for the split).
Per article, predicted stops (observations with a place) are matched one-to-one to the
labelled stops: settlements within 25 km; countries, states, borders and features by name
(their representative points differ between sources, as the labels' README says). Printed
per split: stop recall and precision, role and date accuracy on matched stops, size recall
and precision (same low and high), and the join across articles: labelled same-caravan
pairs of articles (same `event` key) that the join puts together, and different-caravan
pairs it wrongly puts together. Errors are counted by kind; `-v` lists train's one by one
(never test's: the test half is read as counts only).

    python benchmarks/journeys_corpus.py [-v] [--split train|test] [--cv]
"""
from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import real_corpus  # noqa: E402

MATCH_KM = 25.0
COARSE = ("country", "admin1", "feature", "border")


def _name_match(a: str, b: str) -> bool:
    a, b = a.lower().replace("the ", ""), b.lower().replace("the ", "")
    return a in b or b in a


def _norm(a: str) -> str:
    return a.lower().replace("the ", "").strip()


_COUNTRY_WORDS = {"US": r"u\.s\.|\bus\b|united states|america", "MX": r"mexic", "GT": r"guatemal", "HN": r"hondur"}


def _border_countries(name: str) -> frozenset[str]:
    import re
    return frozenset(cc for cc, rx in _COUNTRY_WORDS.items() if re.search(rx, name.lower()))


def stop_matches(gold: dict, o) -> bool:
    """Is extracted observation `o` the labelled stop `gold` (place only, not role)?"""
    from gazetteer import haversine_km
    p = o.place.place
    if gold["kind"] == "border" and p is not None and "border" in p.name.lower():
        # The same line under two names ("Mexico–United States border", "U.S.-Mexico border").
        if _border_countries(p.name) == _border_countries(gold["canonical"]):
            return True
    if gold["kind"] in COARSE or gold["lat"] is None:
        # Representative points of countries and states differ between sources: by name.
        if p is not None and p.kind == "city":  # a town is not the country in its name ("Mexico City")
            return _norm(p.name) == _norm(gold["canonical"].split(",")[0]) or _norm(o.place.text) == _norm(gold["place"])
        return _name_match(o.place.text, gold["place"]) or (
            p is not None and _name_match(p.name, gold["canonical"].split(",")[0]))
    if p is not None:
        return haversine_km(p.lat, p.lon, gold["lat"], gold["lon"]) <= MATCH_KM
    return _name_match(o.place.text, gold["place"])


def _same_date(o, gold_date: str | None) -> bool:
    pd = o.date.isoformat() if o.date else None
    return pd == gold_date or (o.date_precision == "month" and bool(gold_date) and pd is not None
                               and pd[:7] == gold_date[:7])


def match_stops(gold: list[dict], pred: list) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs, as many as the places allow: the best
    pairs first (same role, then nearest place), then augmenting paths. (A greedy pass in
    label order let a labelled town take the only extracted stop that a later one named
    exactly: two towns 20 km apart.)"""
    from gazetteer import haversine_km

    def rank(g: dict, o) -> tuple:
        p = o.place.place
        far = haversine_km(p.lat, p.lon, g["lat"], g["lon"]) if p is not None and g["lat"] is not None else 0.0
        return (o.role != g["role"], far)

    options = [sorted((i for i, o in enumerate(pred) if stop_matches(g, o)), key=lambda i, g=g: rank(g, pred[i]))
               for g in gold]
    owner: dict[int, int] = {}  # pred index -> gold index

    def take(gi: int, tried: set[int]) -> bool:
        for i in options[gi]:
            if i in tried:
                continue
            tried.add(i)
            if i not in owner or take(owner[i], tried):
                owner[i] = gi
                return True
        return False

    # First the best pairs anywhere (same role, nearest), then augmenting paths for the rest.
    edges = sorted((rank(g, pred[i]), gi, i) for gi, g in enumerate(gold) for i in options[gi])
    for _, gi, i in edges:
        if i not in owner and gi not in owner.values():
            owner[i] = gi
    matched = set(owner.values())
    for gi in range(len(gold)):  # then augmenting paths for those left without one
        if gi not in matched and take(gi, set()):
            matched = set(owner.values())
    return sorted((gi, i) for i, gi in owner.items())


def _stops(x) -> list:
    return [o for c in x.caravans for o in c.observations if o.place is not None and o.role != "report"]


def score(items, verbose: bool = False, extract=None) -> dict:
    """The figures over `items`; `extract` (article -> extraction) defaults to the extractor
    with the committed weights (cross-validation passes one with weights of its fold)."""
    from journeys.articles import read_article
    from journeys.extract import extract_article

    extract = extract or extract_article

    tot = Counter()
    kinds = Counter()
    t0 = time.perf_counter()
    extracted = []
    for item in items:
        lab = item.labels
        art = read_article(item.path)
        tot["chars"] += len(art.text)
        x = extract(art)
        extracted.append((item, x))
        gold = [s for c in lab["caravans"] for s in c["stops"]]
        pred = _stops(x)
        tot["gold_caravans"] += len(lab["caravans"])
        tot["pred_caravans"] += len(x.caravans)
        tot["gold_stops"] += len(gold)
        tot["pred_stops"] += len(pred)
        pairs = match_stops(gold, pred)
        matched_pred = {i for _, i in pairs}
        matched_gold = {g for g, _ in pairs}
        for gi, g in enumerate(gold):
            if gi not in matched_gold:
                kinds[f"stop missed: {g['role']}"] += 1
                if verbose:
                    print(f"  MISS  {item.name[:12]} {g['role']:<11} {g['place']!r} {g['date']} | {g['text'][:90]!r}")
        for gi, i in pairs:
            g, o = gold[gi], pred[i]
            tot["matched"] += 1
            tot["role_ok"] += o.role == g["role"]
            if o.role != g["role"]:
                kinds[f"role: {g['role']} read as {o.role}"] += 1
                if verbose:
                    print(f"  ROLE  {item.name[:12]} {g['place']!r}: gold {g['role']} got {o.role} | {g['text'][:80]!r}")
            if g["date"] or o.date:
                tot["dated"] += 1
                ok = _same_date(o, g["date"])
                tot["date_ok"] += ok
                if not ok:
                    kind = "missing" if not o.date else ("spurious" if not g["date"] else "wrong")
                    kinds[f"date {kind}"] += 1
                    if verbose:
                        print(f"  DATE  {item.name[:12]} {g['place']!r}: gold {g['date']} got {o.date} ({o.date_text!r})")
        for i, o in enumerate(pred):
            if i not in matched_pred:
                p = o.place.place
                kinds[f"stop extra: {o.role} ({p.kind if p else 'unresolved'})"] += 1
                if verbose:
                    print(f"  EXTRA {item.name[:12]} {o.role:<11} {o.place.text!r} | {o.evidence.text[:90]!r}")
        gold_sizes = {(s["value_low"], s["value_high"]) for c in lab["caravans"] for s in c["sizes"]}
        pred_sizes = {(o.size_low, o.size_high) for c in x.caravans for o in c.observations if o.size_low is not None}
        tot["gold_sizes"] += len(gold_sizes)
        tot["pred_sizes"] += len(pred_sizes)
        tot["size_ok"] += len(gold_sizes & pred_sizes)
        kinds["size missed"] += len(gold_sizes - pred_sizes)
        kinds["size extra"] += len(pred_sizes - gold_sizes)
        for value, kind in size_error_kinds(x, gold_sizes, pred_sizes):
            kinds[kind] += 1
        if verbose:
            for s in sorted(gold_sizes - pred_sizes):
                print(f"  SIZE MISS  {item.name[:12]} {s}")
            for s in sorted(pred_sizes - gold_sizes):
                print(f"  SIZE EXTRA {item.name[:12]} {s}")
    tot.update(join_pairs(extracted))
    tot["seconds"] = time.perf_counter() - t0
    tot["articles"] = len(items)
    tot["kinds"] = kinds
    return tot


def _reason_kind(reason: str) -> str:
    """A size decision's reason, without what it quotes: a kind, never a test article's words."""
    reason = re.sub(r"\s*[('(].*$", "", reason).strip()
    return "counts a people noun" if reason.startswith("counts ") and reason not in (
        "counts deaths", "counts security forces") else reason


def size_error_kinds(x, gold_sizes: set, pred_sizes: set) -> list[tuple[tuple, str]]:
    """Each missed and each extra size with its kind: the reason the figure was kept (extra),
    or why the figure with that range was not (missed; "no figure read" when none has it)."""
    from journeys.sizes import find_sizes

    found: dict[tuple, list] = {}
    skipped = set()  # ranges kept only in sentences the extractor skips (furniture, repeats)
    for s in x.sentences:
        for z in find_sizes(s.text):
            found.setdefault((z.low, z.high if z.high is not None else z.low), []).append(z)
            if s.furniture or s.duplicate_of is not None:
                skipped.add(id(z))
    out = []
    for v in sorted(pred_sizes - gold_sizes):
        zs = [z for z in found.get(v, []) if z.is_caravan_size]
        out.append((v, "size extra: " + (_reason_kind(zs[0].reason) if zs else "other")))
    for v in sorted(gold_sizes - pred_sizes):
        zs = found.get(v, [])
        kept = [z for z in zs if z.is_caravan_size]
        if not zs:
            kind = "no figure read"
        elif not kept:
            kind = f"rejected as {_reason_kind(zs[0].reason)}"
        elif all(id(z) in skipped for z in kept):
            kind = "kept in a skipped sentence (furniture or repeat)"
        else:
            kind = "kept then dropped"
        out.append((v, "size missed: " + kind))
    return out


def _local_for(lab_caravan: dict, x):
    """The extracted caravan of the article that holds most of a labelled caravan's stops."""
    best, best_n = None, 0
    for c in x.caravans:
        pred = [o for o in c.observations if o.place is not None and o.role != "report"]
        n = len(match_stops(lab_caravan["stops"], pred))
        if n > best_n:
            best, best_n = c, n
    return best


def join_pairs(extracted) -> Counter:
    """Pairs of labelled caravans in different articles: same event (should join) or not."""
    from journeys.join import anchors, departure_keys

    locals_ = [c for _, x in extracted for c in x.caravans]
    group = anchors(departure_keys(locals_))
    labelled = []  # (article name, event, the extracted caravan that reads it, or None)
    for item, x in extracted:
        for lc in item.labels["caravans"]:
            event = lc.get("event")
            if event:
                labelled.append((item.name, event, _local_for(lc, x)))
    out = Counter()
    for (a1, e1, c1), (a2, e2, c2) in itertools.combinations(labelled, 2):
        if a1 == a2:
            continue
        together = c1 is not None and c2 is not None and c1.id in group and group.get(c1.id) == group.get(c2.id)
        if e1 == e2 and not e1.startswith("unknown_"):
            out["same_pairs"] += 1
            out["same_joined"] += together
        elif e1 != e2:
            out["diff_pairs"] += 1
            out["diff_joined"] += together
    return out


def _div(a, b):
    return a / b if b else 0.0


def report(name: str, t: dict) -> None:
    print(f"{name}: {t['articles']} articles, {t['gold_caravans']} labelled caravans, "
          f"{t['pred_caravans']} extracted ({t['seconds']:.2f} s)")
    print(f"  stops  recall {_div(t['matched'], t['gold_stops']):.3f}  precision {_div(t['matched'], t['pred_stops']):.3f}"
          f"  ({t['matched']} matched of {t['gold_stops']} labelled, {t['pred_stops']} extracted; {MATCH_KM:.0f} km)")
    print(f"  roles  accuracy {_div(t['role_ok'], t['matched']):.3f} on matched stops")
    print(f"  dates  accuracy {_div(t['date_ok'], t['dated']):.3f} on {t['dated']} matched stops with a date on either side")
    print(f"  sizes  recall {_div(t['size_ok'], t['gold_sizes']):.3f}  precision {_div(t['size_ok'], t['pred_sizes']):.3f}"
          f"  ({t['size_ok']} of {t['gold_sizes']} labelled, {t['pred_sizes']} extracted)")
    print(f"  join   same-caravan pairs joined {t['same_joined']} of {t['same_pairs']}; "
          f"different-caravan pairs wrongly joined {t['diff_joined']} of {t['diff_pairs']}")
    print("  errors by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(t["kinds"].items()) if n))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list train's misses and extras one by one")
    ap.add_argument("--split", choices=real_corpus.SPLITS, help="one split only")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validated estimate on train")
    ap.add_argument("--cv", action="store_true", help="also the learned date choice's article-grouped CV on train "
                    "(benchmarks/learn_date_choice.py; ~30 s)")
    args = ap.parse_args(argv)
    items = real_corpus.load()
    if not items:
        print("skipped: no labelled corpus found")
        return 0
    for split in [args.split] if args.split else real_corpus.SPLITS:
        part = [a for a in items if a.split == split]
        report(split, score(part, verbose=args.verbose and split == "train"))
        if split == "train" and not args.no_cv:
            cv_report(part)
        if args.cv and split == "train":
            from learn_date_choice import cv_summary
            print("  dates  " + cv_summary(part))
    return 0


def cv_report(train) -> None:
    """Stops and roles on train by cross-validation (5 folds of whole articles, 3 partitions
    summed): the stop/role model refitted, with the committed model's setting, on four fifths
    of the train articles and the extraction scored on the fifth it did not see — the figure
    learn_extraction_weights.py chooses its settings by, and an estimate for unseen articles
    that never reads test. It does not see what the hand-written cues learned from reading
    train: those were written on all of it (README, Extraction quality)."""
    import learn_extraction_weights as lw

    setting = lw.committed_setting()
    if setting is None:
        print("train, cross-validated: no stop_roles model (the rules decide)")
        return
    t = lw.cross_validate(train, [setting])[setting]
    print(f"train, {lw.FOLDS}-fold cross-validation by article, {lw.ROUNDS} partitions summed "
          f"(the committed setting refitted per fold):")
    print(f"  stops  recall {_div(t['matched'], t['gold_stops']):.3f}  precision {_div(t['matched'], t['pred_stops']):.3f}"
          f"  ({t['matched']} matched of {t['gold_stops']} labelled, {t['pred_stops']} extracted)")
    print(f"  roles  accuracy {_div(t['role_ok'], t['matched']):.3f} on matched stops;"
          f"  dates accuracy {_div(t['date_ok'], t['dated']):.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
