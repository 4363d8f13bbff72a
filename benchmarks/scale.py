"""Scale: ingest a generated news archive on Dask, then serve it, for N = 1,000 ... 100,000.

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--workers 1,2]
                                          [--work DIR] [--keep] [--no-dashboard]

For each N: writes N articles with `generate_corpus.py` (seeded), ingests them into a fresh
SQLite store with a Dask local cluster of each worker count (the same code path as
`caravan-atlas ingest --workers W`), and prints wall time, articles/s, peak memory of the
ingesting process and of the Dask workers, store size, extraction accuracy against the
generated truth, and the dashboard's server-side figures on the resulting store (first
render, a filter change, map payload), measured with Streamlit's AppTest against the real
app. Large N take long: 100,000 articles is about half an hour on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def rss_mb() -> tuple[float, float]:
    """(peak RSS of this process, peak RSS of any finished child) in MB."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


def generate(n: int, out: Path) -> float:
    if (out / "truth.jsonl").exists() and sum(1 for _ in out.glob("*.md")) == n:
        return 0.0
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), str(n), str(out), "--seed", "11"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def ingest_once(corpus: Path, db: Path, workers: int) -> dict:
    from journeys.parallel import DaskExtractor
    from journeys.pipeline import ingest
    from journeys.store import Store

    if db.exists():
        db.unlink()
    store = Store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    with DaskExtractor(workers=workers) as ex:
        t1 = time.perf_counter()
        result = ingest([corpus], store, extractor=ex)
    t2 = time.perf_counter()
    return {"workers": workers, "cluster_start_s": t1 - t0, "ingest_s": t2 - t1, "added": len(result.added),
            "failed": len(result.failed), "counts": store.counts(), "store_mb": db.stat().st_size / 1e6}


def accuracy(corpus: Path, db: Path) -> dict:
    """Stops and sizes of the stored extractions against the generated truth (sampled)."""
    from corpus_accuracy import score  # the generator's own scorer, on at most 2,000 articles

    t = score(corpus, limit=2000)["totals"]
    div = lambda a, b: a / b if b else 0.0  # noqa: E731
    return {"articles": t["articles"], "stops_recall": div(t["matched"], t["gold_stops"]),
            "stops_precision": div(t["matched"], t["pred_stops"]),
            "sizes_recall": div(t["size_ok"], t["gold_sizes"]), "sizes_precision": div(t["size_ok"], t["pred_sizes"])}


def dashboard_figures(db: Path) -> dict:
    """Server-side time of the real app on this store (AppTest), and the map payload."""
    code = f"""
import json, os, sys, time
os.environ["CARAVAN_ATLAS_STORE"] = {str(db)!r}
sys.path.insert(0, {str(ROOT)!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(ROOT / 'dashboard' / 'app.py')!r}, default_timeout=600)
t = time.perf_counter(); at.run(); first = time.perf_counter() - t
t = time.perf_counter(); at.run(); rerun = time.perf_counter() - t
comp = at.get("component_instance")
payload = sum(len(c.proto.json_args) for c in comp)
ids = at.sidebar.multiselect(key="f_caravans").options
t = time.perf_counter(); at.sidebar.multiselect(key="f_caravans").select(ids[0]).run(); change = time.perf_counter() - t
comp = at.get("component_instance")
payload2 = sum(len(c.proto.json_args) for c in comp)
print(json.dumps({{"first_render_s": first, "rerun_s": rerun, "filter_change_s": change,
                  "payload_mb": payload / 1e6, "payload_filtered_mb": payload2 / 1e6,
                  "exceptions": [str(e.value) for e in at.exception]}}))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=3600)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": (r.stderr or r.stdout)[-500:]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--work", default="/tmp/caravan-atlas-scale")
    ap.add_argument("--keep", action="store_true", help="keep corpora and stores")
    ap.add_argument("--no-dashboard", action="store_true")
    args = ap.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in args.sizes.split(",")]
    workers = [int(x) for x in args.workers.split(",")]
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    rows = []
    for n in sizes:
        corpus = work / f"corpus-{n}"
        gen_s = generate(n, corpus)
        mb = sum(f.stat().st_size for f in corpus.glob("*.md")) / 1e6
        print(f"\nN = {n:,}: corpus {mb:.1f} MB (generated in {gen_s:.1f} s)")
        last_db = None
        for w in workers:
            db = work / f"store-{n}-w{w}.sqlite"
            r = ingest_once(corpus, db, w)
            own, child = rss_mb()
            rate = r["added"] / r["ingest_s"] if r["ingest_s"] else 0
            print(f"  {w} worker(s): ingest {r['ingest_s']:.1f} s = {rate:.0f} articles/s "
                  f"(cluster start {r['cluster_start_s']:.1f} s); added {r['added']:,}, failed {r['failed']}; "
                  f"{r['counts']['caravans']:,} caravans, {r['counts']['observations']:,} observations; "
                  f"store {r['store_mb']:.0f} MB; peak RSS ingesting process {own:.0f} MB, workers {child:.0f} MB")
            rows.append({"n": n, **r, "rss_self_mb": own, "rss_workers_mb": child})
            if last_db is not None and not args.keep:
                last_db.unlink(missing_ok=True)
            last_db = db
        acc = accuracy(corpus, last_db)
        print(f"  extraction vs the generated truth ({acc.get('articles', '?')} articles): "
              f"stops recall {acc['stops_recall']:.3f} precision {acc['stops_precision']:.3f}, "
              f"sizes recall {acc['sizes_recall']:.3f} precision {acc['sizes_precision']:.3f}")
        rows[-1]["accuracy"] = {k: acc[k] for k in ("stops_recall", "stops_precision", "sizes_recall", "sizes_precision")}
        if not args.no_dashboard and last_db is not None:
            d = dashboard_figures(last_db)
            rows[-1]["dashboard"] = d
            if "error" in d:
                print(f"  dashboard: failed: {d['error']}")
            else:
                print(f"  dashboard (server side, AppTest): first render {d['first_render_s']:.2f} s, rerun "
                      f"{d['rerun_s']:.2f} s, filter change {d['filter_change_s']:.2f} s; map payload "
                      f"{d['payload_mb']:.2f} MB ({d['payload_filtered_mb']:.2f} MB for one caravan)"
                      + (f"; exceptions: {d['exceptions']}" if d["exceptions"] else ""))
        if not args.keep and last_db is not None:
            last_db.unlink(missing_ok=True)
    (work / "scale-results.json").write_text(json.dumps(rows, indent=1, default=str))
    print(f"\nresults: {work / 'scale-results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
