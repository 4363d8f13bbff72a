"""Speed and memory of the offline gazetteer and geoparser (a benchmark, not a test).

    .venv/bin/python benchmarks/gazetteer_speed.py           # full run (~1 min)
    .venv/bin/python benchmarks/gazetteer_speed.py --quick   # shorter run

Prints, each measured on its own:
1. index build time (`gazetteer.index.build_index`) into a temporary folder;
2. cold load of that index in fresh subprocesses (load alone, and interpreter +
   import + load wall time), median and min of 5;
3. RSS before/after the load and the peak (VmHWM) in that subprocess;
4. `gazetteer.geocode(name)` and raw `Gazetteer.refs(name)` lookups per second;
5. `geoparser.geoparse(text)` throughput on the seed articles, and on LGL texts
   from ../shared/geoparse/lgl.xml when that folder exists.

Targets are printed beside the figures. The real cache is never touched:
`CARAVAN_ATLAS_CACHE` points at the temporary folder for the whole run, so the
default index that `geocode` / `geoparse` use is the one built in step 1.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
LGL = ROOT.parent / "shared" / "geoparse" / "lgl.xml"
SEED_PLACES = ["Tapachula", "Del Rio, Texas", "Mexico City", "Mapastepec", "Escuintla"]

TARGET_LOAD_S = 1.0
TARGET_MB = 200.0
TARGET_LOOKUPS = 100_000
TARGET_ARTICLES = 500

# Runs in a fresh interpreter: RSS before/after the load, peak, load and import time.
CHILD = r"""
import json, os, sys, time
from pathlib import Path
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024  # kB -> MB
t0 = time.perf_counter()
rss_start = status("VmRSS")
import gazetteer
t1 = time.perf_counter()
rss_before = status("VmRSS")
d = gazetteer.index.load_index(Path(sys.argv[1]))
t2 = time.perf_counter()
out = {"import_s": t1 - t0, "load_s": t2 - t1, "rss_start": rss_start, "rss_before": rss_before,
       "rss_after": status("VmRSS"), "peak": status("VmHWM"), "places": len(d), "names": len(d.names)}
sys.stdout.write(json.dumps(out)); sys.stdout.flush()
os._exit(0)  # skip freeing the index at exit: the parent's wall time ends here
"""


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def timed_loop(fn, items, min_seconds: float) -> tuple[int, float]:
    """Call fn over items, whole passes, until min_seconds have passed. Returns (calls, seconds)."""
    calls, t0 = 0, time.perf_counter()
    while True:
        for x in items:
            fn(x)
        calls += len(items)
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return calls, elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="shorter timings (fewer repeats, shorter loops)")
    args = ap.parse_args()
    repeats, lookup_s, parse_s, lgl_s = (3, 0.5, 1.0, 1.0) if args.quick else (5, 2.0, 3.0, 3.0)

    tmp = tempfile.TemporaryDirectory(prefix="caravan-bench-")
    os.environ["CARAVAN_ATLAS_CACHE"] = tmp.name  # before gazetteer computes any cache path
    sys.path.insert(0, str(ROOT))
    import gazetteer
    from gazetteer.index import build_index, index_path
    from gazetteer.normalize import norm

    print("Caravan Atlas gazetteer/geoparser benchmark" + (" (--quick)" if args.quick else ""))
    print(f"  machine: {os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), "
          f"{platform.machine()}, Python {platform.python_version()} ({platform.python_implementation()})")
    print(f"  temp cache: {tmp.name}")

    # 1. Build -----------------------------------------------------------------------------
    path = index_path()  # inside the temp folder, under the name default_index() looks for
    t0 = time.perf_counter()
    build_index(path)
    build_s = time.perf_counter() - t0
    print("\n1. Index build (once)")
    print(f"  build_index: {build_s:.2f} s -> {path.stat().st_size / 1e6:.1f} MB pickle")

    # 2-3. Cold load in fresh subprocesses ----------------------------------------------------
    runs, walls = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                             cwd=ROOT, env=os.environ.copy(), check=True)
        walls.append(time.perf_counter() - t0)
        runs.append(json.loads(res.stdout))
    loads = [r["load_s"] for r in runs]
    imports = [r["import_s"] for r in runs]
    load_med = statistics.median(loads)
    print(f"\n2. Cold load in a fresh subprocess (x{repeats}; file is in the OS page cache after the build)")
    print(f"  index: {runs[0]['places']:,} places, {runs[0]['names']:,} names")
    print(f"  load_index alone        : median {load_med:.3f} s, min {min(loads):.3f} s   "
          f"target <= {TARGET_LOAD_S:.0f} s: {verdict(load_med <= TARGET_LOAD_S)}")
    print(f"  import gazetteer        : median {statistics.median(imports):.3f} s, min {min(imports):.3f} s")
    print(f"  interpreter+import+load : median {statistics.median(walls):.3f} s, min {min(walls):.3f} s (wall)")

    peak = max(r["peak"] for r in runs)
    r = runs[-1]
    print("\n3. Memory in that subprocess (MB)")
    print(f"  RSS at start {r['rss_start']:.1f}, after import {r['rss_before']:.1f}, "
          f"after load {r['rss_after']:.1f} (load adds {r['rss_after'] - r['rss_before']:.1f})")
    print(f"  peak (VmHWM) {peak:.1f}   target <= {TARGET_MB:.0f} MB: {verdict(peak <= TARGET_MB)}")

    # 4. Lookups -------------------------------------------------------------------------
    gaz = gazetteer.default_gazetteer()  # loads the temp index (CARAVAN_ATLAS_CACHE)
    keys = sorted(gaz.index.names)
    queries = random.Random(20240601).sample(keys, 2000) + SEED_PLACES
    random.Random(1).shuffle(queries)
    geocode, refs = gazetteer.geocode, gaz.refs

    norm.cache_clear()  # first pass: every name normalised afresh
    t0 = time.perf_counter()
    for q in queries:
        geocode(q)
    first_rate = len(queries) / (time.perf_counter() - t0)
    n, s = timed_loop(geocode, queries, lookup_s)
    geo_rate = n / s
    n, s = timed_loop(refs, queries, lookup_s)
    refs_rate = n / s
    print(f"\n4. Lookups ({len(queries):,} names: 2,000 sampled index names + {len(SEED_PLACES)} seed places; "
          f">= {lookup_s:g} s each)")
    print(f"  geocode(name)           : {geo_rate:>10,.0f} /s   target >= {TARGET_LOOKUPS:,}/s: "
          f"{verdict(geo_rate >= TARGET_LOOKUPS)}")
    print(f"  geocode, first pass     : {first_rate:>10,.0f} /s   (norm() LRU cache cleared)")
    print(f"  Gazetteer.refs(name)    : {refs_rate:>10,.0f} /s   (raw name lookup, no ranking)")

    # 5. Geoparse ------------------------------------------------------------------------
    import geoparser

    def throughput(texts, min_seconds):
        geoparser.geoparse(texts[0])  # warm-up: builds the default parser
        size = sum(len(t.encode("utf-8")) for t in texts)
        t0, n_art, n_bytes = time.perf_counter(), 0, 0
        while True:
            for t in texts:
                geoparser.geoparse(t)
            n_art += len(texts)
            n_bytes += size
            elapsed = time.perf_counter() - t0
            if elapsed >= min_seconds:
                return n_art / elapsed, n_bytes / elapsed / 1e6, size / len(texts) / 1e3

    seeds = [p.read_text("utf-8") for p in SEEDS]
    seed_rate, mb_rate, avg_kb = throughput(seeds, parse_s)
    print(f"\n5. Geoparse (>= {parse_s:g} s per corpus)")
    print(f"  seeds ({len(seeds)} articles, avg {avg_kb:.1f} KB): {seed_rate:,.0f} articles/s, {mb_rate:.3f} MB/s   "
          f"target >= {TARGET_ARTICLES} articles/s: {verdict(seed_rate >= TARGET_ARTICLES)}")
    if LGL.exists():
        lgl = [a.findtext("text") or "" for a in ET.parse(LGL).getroot().iter("article")]
        lgl = [t for t in lgl if t.strip()]
        if args.quick:
            lgl = lgl[:100]
        art_rate, mb_rate, avg_kb = throughput(lgl, lgl_s)
        print(f"  LGL ({len(lgl)} articles, avg {avg_kb:.1f} KB): {art_rate:,.0f} articles/s, {mb_rate:.3f} MB/s")
    else:
        print(f"  LGL: skipped, {LGL} not found")

    print("\nSummary")
    rows = [
        (f"load <= {TARGET_LOAD_S:g} s", f"{load_med:.3f} s", load_med <= TARGET_LOAD_S),
        (f"memory <= {TARGET_MB:.0f} MB", f"{peak:.0f} MB peak", peak <= TARGET_MB),
        (f"geocode >= {TARGET_LOOKUPS // 1000}k/s", f"{geo_rate:,.0f}/s", geo_rate >= TARGET_LOOKUPS),
        (f"geoparse >= {TARGET_ARTICLES} seed art/s", f"{seed_rate:,.0f}/s", seed_rate >= TARGET_ARTICLES),
    ]
    for label, value, ok in rows:
        print(f"  {label:<28} {value:>14}  {verdict(ok)}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
