"""Speed of `journeys` extraction and ingest into the SQLite store (a benchmark, not a test).

    .venv/bin/python benchmarks/extract_speed.py           # full run (1,000 articles, ~1-2 min)
    .venv/bin/python benchmarks/extract_speed.py --quick   # shorter repeats, 200 articles

Prints, each measured on its own:
1. `journeys.extract.extract_article` throughput on one core over the three seed
   articles (repeated for >= 3 s after a warm-up): articles/s, MB/s of UTF-8 text,
   average article size, per-article ms; the target (>= 200 seed-sized articles/s)
   is printed beside it as MET / MISSED. The same over the dev set
   (../shared/devset/articles/*.txt) when that folder exists.
2. `archive.ingest.ingest` of 1,000 generated articles (the seed texts, each with
   the seed's metadata as front matter and a unique "Ref N." line so content hashes
   differ) into a fresh SQLite store in a temporary folder: total time, articles/s,
   the split between read+extract and `Store.save` (and inside it the rebuild of the
   joined tables and `join`), store file size, a no-op re-ingest of the same folder,
   the cost of then ingesting one more article, and peak RSS.
3. How the per-ingest rebuild grows with the store: the same extractions saved into
   another fresh store in batches, time of each batch's save / rebuild / join against
   the number of articles already stored.
4. A cProfile summary (top 10 by cumulative time) of the ingest of 200 articles.

Nothing outside the temporary folder is written; library code is only observed
(timing wrappers around `Store.save`, `archive.regrouping.rebuild` and the `join` it calls).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import archive.regrouping as regrouping  # noqa: E402
from journeys.articles import read_article  # noqa: E402
from journeys.extract import extract_article  # noqa: E402
from archive.ingest import ingest  # noqa: E402
from archive.store import Store  # noqa: E402

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SEED_META = ROOT / "seeds" / "metadata.json"
DEVSET = ROOT.parent / "shared" / "devset" / "articles"

TARGET_ARTICLES_PER_S = 200.0  # seed-sized articles, one core


# -- helpers ----------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def fmt_bytes(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


class Timer:
    """Accumulating wall-clock timer used to wrap library calls without changing them."""

    def __init__(self):
        self.total = 0.0
        self.calls = 0
        self.last = 0.0

    def wrap(self, fn):
        def timed(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.last = time.perf_counter() - t0
                self.total += self.last
                self.calls += 1
        return timed


@contextmanager
def instrumented(store: Store):
    """Time store.save, the store's rebuild (`archive.regrouping.rebuild`, as saving calls
    it) and the join's grouping (`anchors`, as regrouping calls it), restored after."""
    t_save, t_rebuild, t_join = Timer(), Timer(), Timer()
    captured: list = []
    orig_save, orig_rebuild, orig_join = store.save, regrouping.rebuild, regrouping.anchors

    def save(extracted):
        # ingest streams extractions into save(): drain them first, so the time of
        # reading + extracting and the time of storing are measured apart.
        items = list(extracted)
        captured.extend(items)
        return t_save.wrap(orig_save)(items)

    store.save = save  # instance attributes shadow the methods

    # Patched where they are looked up: `add` calls `rebuild`, `rebuild` calls `anchors`.
    regrouping.rebuild = t_rebuild.wrap(orig_rebuild)
    regrouping.anchors = t_join.wrap(orig_join)
    try:
        yield t_save, t_rebuild, t_join, captured
    finally:
        regrouping.rebuild, regrouping.anchors = orig_rebuild, orig_join
        del store.save


def throughput(articles, seconds: float) -> dict:
    """extract_article over `articles` repeatedly for >= `seconds` (after one warm-up pass)."""
    for a in articles:
        extract_article(a)
    per = {a.id: 0.0 for a in articles}
    n = nbytes = 0
    sizes = {a.id: len(a.text.encode("utf-8")) for a in articles}
    c0, t0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for a in articles:
            s = time.perf_counter()
            extract_article(a)
            per[a.id] += time.perf_counter() - s
            n += 1
            nbytes += sizes[a.id]
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rounds = n // len(articles)
    return {"n": n, "wall": wall, "cpu": cpu, "rate": n / wall, "mbps": nbytes / wall / 1e6,
            "avg_bytes": sum(sizes.values()) / len(sizes), "sizes": sizes,
            "per_ms": {k: v / rounds * 1000 for k, v in per.items()}}


def print_throughput(title: str, r: dict, show_each: bool) -> None:
    print(f"  {title}: {r['n']} extractions in {r['wall']:.2f} s wall ({r['cpu']:.2f} s CPU, "
          f"{r['cpu'] / r['wall']:.0%} of one core)")
    print(f"    {r['rate']:.1f} articles/s   {r['mbps']:.3f} MB/s   average article {fmt_bytes(r['avg_bytes'])}"
          f"   ({1000 / r['rate']:.1f} ms/article)")
    if show_each:
        for aid, ms in r["per_ms"].items():
            print(f"      {aid:<28} {fmt_bytes(r['sizes'][aid]):>9}  {ms:7.2f} ms  "
                  f"({r['sizes'][aid] / 1e6 / (ms / 1000):.3f} MB/s)")


def write_corpus(folder: Path, n: int, start: int = 0) -> None:
    """n distinct article files: seed text + seed metadata as front matter + 'Ref i.'"""
    meta = json.loads(SEED_META.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    bodies = []
    for p in SEEDS:
        m = meta.get(p.name, {})
        fm = ["---"]
        for key in ("title", "outlet", "published", "url"):
            v = m.get(key)
            if v is not None and "\n" not in str(v):
                fm.append(f"{key}: {v}")
        fm.append("---")
        bodies.append(("\n".join(fm) + "\n", p.read_text(encoding="utf-8").rstrip("\n"), p.stem))
    for i in range(start, start + n):
        head, body, stem = bodies[i % len(bodies)]
        (folder / f"{i:05d}_{stem}.txt").write_text(f"{head}{body}\n\nRef {i}.\n", encoding="utf-8")


# -- sections ---------------------------------------------------------------------------------
def section_extract(seconds: float) -> None:
    print("1. extract_article throughput (one process, one core)")
    t0 = time.perf_counter()
    seeds = [read_article(p) for p in SEEDS]
    read_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    extract_article(seeds[0])
    print(f"  first call (loads the gazetteer index and geoparser): {time.perf_counter() - t0:.2f} s;"
          f" read_article x{len(seeds)}: {read_ms:.1f} ms")
    r = throughput(seeds, seconds)
    print_throughput(f"seeds ({len(seeds)} articles)", r, show_each=True)
    verdict = "MET" if r["rate"] >= TARGET_ARTICLES_PER_S else "MISSED"
    print(f"    target >= {TARGET_ARTICLES_PER_S:.0f} seed-sized articles/s on one core: {verdict} "
          f"({r['rate']:.1f}/s = {r['rate'] / TARGET_ARTICLES_PER_S:.0%} of target; "
          f"target needs <= {1000 / TARGET_ARTICLES_PER_S:.1f} ms/article, "
          f"{TARGET_ARTICLES_PER_S * r['avg_bytes'] / 1e6:.2f} MB/s)")
    dev = sorted(DEVSET.glob("*.txt")) if DEVSET.is_dir() else []
    if not dev:
        print(f"  dev set: skipped ({DEVSET} not found)")
        return
    arts = [read_article(p) for p in dev]
    r = throughput(arts, seconds)
    print_throughput(f"dev set ({len(arts)} articles)", r, show_each=False)
    slow = sorted(r["per_ms"].items(), key=lambda kv: -kv[1])[:3]
    print("    slowest: " + ", ".join(f"{k} {fmt_bytes(r['sizes'][k])} {v:.1f} ms" for k, v in slow))
    print(f"    at this MB/s, a seed-sized article ({fmt_bytes(sum(p.stat().st_size for p in SEEDS) / len(SEEDS))})"
          f" would run at {r['mbps'] * 1e6 / (sum(p.stat().st_size for p in SEEDS) / len(SEEDS)):.0f}/s")


def section_ingest(tmp: Path, n: int) -> list:
    print(f"\n2. ingest of {n:,} generated articles into a fresh SQLite store")
    folder = tmp / "articles"
    t0 = time.perf_counter()
    write_corpus(folder, n)
    total_bytes = sum(p.stat().st_size for p in folder.iterdir())
    print(f"  wrote {n:,} files ({fmt_bytes(total_bytes)}) in {time.perf_counter() - t0:.2f} s")
    db = tmp / "store.sqlite"
    url = f"sqlite:///{db}"
    t0 = time.perf_counter()
    store = Store(url)
    t_open = time.perf_counter() - t0
    with instrumented(store) as (t_save, t_rebuild, t_join, captured):
        c0, t0 = time.process_time(), time.perf_counter()
        res = ingest([folder], store)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    counts = store.counts()
    print(f"  Store() open + create tables: {t_open * 1000:.0f} ms")
    print(f"  ingest: {wall:.2f} s wall ({cpu:.2f} s CPU)  {len(res.added) / wall:.1f} articles/s  "
          f"added {len(res.added)}, unchanged {len(res.unchanged)}, failed {len(res.failed)}")
    for path, err in res.failed[:3]:
        print(f"    failed: {path}: {err}")
    print(f"    read + extract (ingest - save): {wall - t_save.total:6.2f} s  "
          f"({(wall - t_save.total) / wall:.0%}; {(wall - t_save.total) / max(len(res.added), 1) * 1000:.1f} ms/article)")
    print(f"    Store.save:                     {t_save.total:6.2f} s  ({t_save.total / wall:.0%})")
    print(f"      of which rebuild:             {t_rebuild.total:6.2f} s  ({t_rebuild.total / wall:.0%})")
    print(f"        of which join():            {t_join.total:6.2f} s  ({t_join.total / wall:.0%})")
    print(f"  store: {counts}")
    size = db.stat().st_size + sum(p.stat().st_size for p in tmp.glob("store.sqlite-*"))
    print(f"  store file size: {fmt_bytes(size)} ({size / max(counts['articles'], 1) / 1e3:.1f} kB/article; "
          f"article files {fmt_bytes(total_bytes)})")

    t0 = time.perf_counter()
    res2 = ingest([folder], store)
    noop = time.perf_counter() - t0
    print(f"  no-op re-ingest of the same folder: {noop:.2f} s  (unchanged {len(res2.unchanged)}, "
          f"added {len(res2.added)}; {noop / n * 1e6:.0f} µs/file)")

    extra = tmp / "extra"
    write_corpus(extra, 1, start=n)
    with instrumented(store) as (t_save, t_rebuild, t_join, _):
        t0 = time.perf_counter()
        res3 = ingest([extra], store)
        one = time.perf_counter() - t0
    print(f"  then +1 new article into the {n:,}-article store: {one * 1000:.0f} ms "
          f"(save {t_save.total * 1000:.0f} ms, rebuild {t_rebuild.total * 1000:.0f} ms, "
          f"join {t_join.total * 1000:.0f} ms; added {len(res3.added)})")
    print(f"  peak RSS so far: {peak_rss_mb():.0f} MB")
    store.engine.dispose()
    return captured


def section_rebuild_scaling(tmp: Path, extracted: list, batches: int) -> None:
    n = len(extracted)
    if not n:
        return
    step = max(1, n // batches)
    print(f"\n3. rebuild cost per ingest as the store grows (the {n:,} extractions above, "
          f"saved in batches of {step} into another fresh store)")
    store = Store(f"sqlite:///{tmp / 'scaling.sqlite'}")
    print(f"  {'stored after':>12} {'save ms':>9} {'rebuild ms':>11} {'join ms':>9} {'rebuild ms/article':>19}")
    points = []
    with instrumented(store) as (t_save, t_rebuild, t_join, _):
        for i in range(0, n, step):
            before = (t_rebuild.total, t_join.total)
            store.save(extracted[i:i + step])
            rb, jn = t_rebuild.total - before[0], t_join.total - before[1]
            stored = min(i + step, n)
            points.append((stored, rb, jn))
            print(f"  {stored:>12,} {t_save.last * 1000:>9.0f} {rb * 1000:>11.0f} {jn * 1000:>9.0f} "
                  f"{rb / stored * 1000:>19.3f}")
    store.engine.dispose()
    if len(points) >= 3:
        # Least squares rebuild(N) = a*N + b*N^2 (rows rewritten: linear; join's pair loop: quadratic).
        s2 = sum(x ** 2 for x, _, _ in points)
        s3 = sum(x ** 3 for x, _, _ in points)
        s4 = sum(x ** 4 for x, _, _ in points)
        y1 = sum(x * r for x, r, _ in points)
        y2 = sum(x * x * r for x, r, _ in points)
        det = s2 * s4 - s3 * s3
        a, b = (y1 * s4 - y2 * s3) / det, (s2 * y2 - s3 * y1) / det
        a, b = max(a, 0.0), max(b, 0.0)
        print(f"  least-squares fit: rebuild(N) ~ {a * 1e3:.3f} ms * N + {b * 1e6:.4f} µs * N^2 "
              f"(paid by every ingest that adds anything, however small the batch)")
        for big in (2_000, 5_000, 10_000, 50_000):
            print(f"    N={big:>6,}: ~{a * big + b * big * big:7.1f} s per ingest")
        for limit in (1.0, 10.0):
            nn = 1
            while a * nn + b * nn * nn < limit and nn < 10 ** 7:
                nn = int(nn * 1.05) + 1
            print(f"    rebuild passes {limit:.0f} s per ingest at N ~ {nn:,} stored articles")


def section_profile(tmp: Path, n: int) -> None:
    print(f"\n4. cProfile of ingesting {n} articles into a fresh store (top 10 by cumulative time)")
    folder = tmp / "profile_articles"
    write_corpus(folder, n)
    store = Store(f"sqlite:///{tmp / 'profile.sqlite'}")
    prof = cProfile.Profile()
    prof.enable()
    ingest([folder], store)
    prof.disable()
    store.engine.dispose()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(10)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    print("\n".join("  " + ln for ln in lines))
    # Where the named stages land (cumulative s under the profiler).
    want = {("ingest.py", "ingest"), ("extract.py", "extract_article"), ("articles.py", "read_article"),
            ("saving.py", "save"), ("regrouping.py", "rebuild"), ("join.py", "join"), ("parse.py", "geoparse"),
            ("articles.py", "segment")}
    found = {}
    for (fname, _, func), (_, _, _, ct, _) in stats.stats.items():
        if (fname, func) in want:
            found[f"{fname}:{func}"] = found.get(f"{fname}:{func}", 0.0) + ct
    print("  stages (cumulative, under the profiler): "
          + ", ".join(f"{k} {v:.2f} s" for k, v in sorted(found.items(), key=lambda kv: -kv[1])))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 s repeats, 200 articles")
    ap.add_argument("-n", type=int, default=None, help="articles to ingest (default 1000, --quick 200)")
    args = ap.parse_args()
    seconds = 1.0 if args.quick else 3.0
    n = args.n or (200 if args.quick else 1000)

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs "
          f"(all timings single-threaded), load average {os.getloadavg()[0]:.2f}")
    section_extract(seconds)
    with tempfile.TemporaryDirectory(prefix="extract_speed_") as d:
        tmp = Path(d)
        extracted = section_ingest(tmp, n)
        section_rebuild_scaling(tmp, extracted, batches=10)
        section_profile(tmp, 200)
    print(f"\npeak RSS: {peak_rss_mb():.0f} MB (ru_maxrss)")


if __name__ == "__main__":
    main()
