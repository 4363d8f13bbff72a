"""Scale: ingest a generated news archive on Dask, then serve it, for N = 1,000 ... 100,000.

    .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--workers 1,2]
                                          [--work DIR] [--keep] [--no-dashboard]

For each N: writes N articles with `generate_corpus.py` (seeded), ingests them into a fresh
SQLite store with a Dask local cluster of each worker count (the same code path as
`caravan-atlas ingest --workers W`), and prints wall time, articles/s, peak memory of the
ingesting process and of the Dask workers, store size, extraction accuracy against the
generated truth (extraction on a sample, the join on every article), and the dashboard's
server-side figures on the resulting store (first render, filter changes, a place click,
choosing a caravan, map payload), measured with Streamlit's AppTest against the real app
(`--browser`: also `streamlit run` → map drawn in Chromium). Ends with how each cost grows
with N. Large N take long: 100,000 articles is about half an hour on 2 cores.

    .venv/bin/python benchmarks/scale.py --dashboard-only /tmp/caravan-atlas-scale/store-100000-w1.sqlite
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
    """Ingest in a process of its own, so its peak memory is its own (and its workers')."""
    r = subprocess.run([sys.executable, __file__, "--ingest-one", str(corpus), str(db), str(workers)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"ingest of {corpus} failed: {r.stderr.strip()[-800:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _ingest_one(corpus: Path, db: Path, workers: int) -> dict:
    from archive.parallel import DaskExtractor
    from archive.ingest import ingest
    from archive.store import Store

    if db.exists():
        db.unlink()
    store = Store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    with DaskExtractor(workers=workers) as ex:
        t1 = time.perf_counter()
        result = ingest([corpus], store, extractor=ex)
    t2 = time.perf_counter()
    own, child = rss_mb()
    return {"workers": workers, "cluster_start_s": t1 - t0, "ingest_s": t2 - t1, "added": len(result.added),
            "failed": len(result.failed), "counts": store.counts(), "store_mb": db.stat().st_size / 1e6,
            "rss_self_mb": own, "rss_workers_mb": child}


def join_quality(corpus: Path, db: Path) -> dict:
    """The joined caravans of the store against the generated truth: how many, how pure
    (one true caravan told by every article of a joined one), how whole (every article
    about a true caravan in one joined caravan), and the largest one."""
    import sqlite3
    from collections import defaultdict

    truth = {}  # article id (file stem) -> true caravan ids it tells of; its main caravan
    for line in (corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        t = json.loads(line)
        ids = [c["id"] for c in t["caravans"]]
        main = next((c["id"] for c in t["caravans"] if not c["background"]), None)
        truth[Path(t["file"]).stem] = (set(ids), main)
    con = sqlite3.connect(db)
    members = defaultdict(set)
    for cid, aid in con.execute("select caravan_id, article_id from caravan_articles"):
        members[cid].add(aid)
    spans = dict(((cid, (f, l)) for cid, f, l in con.execute("select id, first_date, last_date from caravans")))
    con.close()
    multi = [arts for arts in members.values() if len(arts) > 1]
    pure = sum(1 for arts in multi if set.intersection(*(truth.get(a, (set(), None))[0] for a in arts)))
    where = defaultdict(list)  # true caravan -> the joined caravans holding its main articles
    for cid, arts in members.items():
        for a in arts:
            main = truth.get(a, (set(), None))[1]
            if main:
                where[main].append(cid)
    about = defaultdict(set)
    for a, (_, main) in truth.items():
        if main:
            about[main].add(a)
    several = [t for t, arts in about.items() if len(arts) > 1]
    whole = sum(1 for t in several if any(about[t] <= members[c] for c in set(where[t])))
    big = max(members, key=lambda c: len(members[c]), default=None)
    days = None
    if big and spans.get(big) and spans[big][0]:
        import datetime as dt
        f, l = (dt.date.fromisoformat(x) for x in spans[big])
        days = (l - f).days
    return {"joined": len(members), "true": len(about), "joined_multi": len(multi),
            "pure": pure / len(multi) if multi else 1.0,
            "whole": whole / len(several) if several else 1.0,
            "largest_articles": len(members[big]) if big else 0, "largest_days": days}


def accuracy(corpus: Path, db: Path) -> dict:
    """Stops and sizes of the stored extractions against the generated truth (sampled)."""
    from corpus_accuracy import score  # the generator's own scorer, on at most 2,000 articles

    t = score(corpus, limit=2000)["totals"]
    div = lambda a, b: a / b if b else 0.0  # noqa: E731
    return {"articles": t["articles"], "stops_recall": div(t["matched"], t["gold_stops"]),
            "stops_precision": div(t["matched"], t["pred_stops"]),
            "sizes_recall": div(t["size_ok"], t["gold_sizes"]), "sizes_precision": div(t["size_ok"], t["pred_sizes"])}


DASHBOARD_RUN = r"""
import datetime as dt, json, os, statistics, sys, time
db, root = sys.argv[1], sys.argv[2]
os.environ["CARAVAN_ATLAS_STORE"] = db
sys.path.insert(0, root)
from archive.store import Store
Store(f"sqlite:///{db}").engine.dispose()  # any upgrade of an older store happens here, not in a render
t = time.perf_counter()
from streamlit.testing.v1 import AppTest
imports = time.perf_counter() - t
at = AppTest.from_file(os.path.join(root, "dashboard", "app.py"), default_timeout=600)

def timed(action=None):
    if action:
        action()
    t = time.perf_counter()
    at.run()
    dt_ = time.perf_counter() - t
    assert not at.exception, [str(e.value) for e in at.exception]
    return dt_, sum(len(c.proto.json_args) for c in at.get("component_instance")) / 1e6

def component_key():
    return json.loads(at.get("component_instance")[0].proto.json_args)["key"]

out = {"imports_s": imports}
out["first_render_s"], out["payload_mb"] = timed()
out["rerun_s"], _ = timed()
# a second visitor: a new session of the same (now warm) server
second = AppTest.from_file(os.path.join(root, "dashboard", "app.py"), default_timeout=600)
t = time.perf_counter(); second.run(); out["new_session_s"] = time.perf_counter() - t
assert not second.exception
changes = {}
lo, hi = at.session_state["f_range"]  # the whole span
changes["dates: one year"] = lambda: at.sidebar.slider(key="f_range").set_value((dt.date(lo.year + 2, 1, 1), dt.date(lo.year + 2, 12, 31)))
changes["minimum size 3,000"] = lambda: at.sidebar.number_input(key="f_minsize").set_value(3000)
changes["one outlet"] = lambda: at.sidebar.multiselect(key="f_outlets").set_value([at.sidebar.multiselect(key="f_outlets").options[0]])
figures = {}
for name, act in changes.items():
    figures[name] = timed(act)
# back to everything, then a place click, then one caravan (drawn route by route)
at.sidebar.slider(key="f_range").set_value((lo, hi)); at.sidebar.number_input(key="f_minsize").set_value(0)
at.sidebar.multiselect(key="f_outlets").set_value([]); at.run()
if any("drawn one by one" in c.value for c in at.caption):  # the map of places
    key = component_key()
    figures["click a place"] = timed(lambda: at.session_state.__setitem__(
        key, {"last_object_clicked_tooltip": "Place 1:", "last_object_clicked_count": 1}))
opts = at.sidebar.multiselect(key="f_caravans").options
figures["choose one caravan"] = timed(lambda: at.sidebar.multiselect(key="f_caravans").set_value([opts[0]]))
out["changes"] = {k: {"s": v[0], "payload_mb": v[1]} for k, v in figures.items()}
out["filter_change_s"] = statistics.median(v[0] for v in figures.values())
out["filter_change_max_s"] = max(v[0] for v in figures.values())
out["payload_max_mb"] = max([out["payload_mb"]] + [v[1] for v in figures.values()])
print(json.dumps(out))
"""


def dashboard_figures(db: Path) -> dict:
    """Server-side time of the real app on this store (AppTest, a fresh process): first
    render, rerun, each of a few filter changes, a place click, choosing a caravan, and the
    map payload of each."""
    r = subprocess.run([sys.executable, "-c", DASHBOARD_RUN, str(db), str(ROOT)], capture_output=True, text=True,
                       timeout=3600)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": (r.stderr or r.stdout)[-800:]}


UPDATE_RUN = r"""
import json, shutil, sys, tempfile, time
from pathlib import Path
db, root = Path(sys.argv[1]), sys.argv[2]
sys.path.insert(0, root)
from archive.ingest import ingest
from archive.store import Store
with tempfile.TemporaryDirectory() as tmp:
    copy = Path(tmp) / "store.sqlite"
    shutil.copy(db, copy)
    store = Store(f"sqlite:///{copy}")
    art = Path(tmp) / "one-more.md"
    art.write_text("---\ntitle: One more report\npublished: 2025-03-02\noutlet: Late Wire\n---\n"
                   "About 1,200 migrants left Tapachula on Saturday, bound for Mexico City.\n", encoding="utf-8")
    t = time.perf_counter(); r = ingest([art], store); add = time.perf_counter() - t
    from sqlalchemy import select
    from archive.store import observations
    with store.engine.connect() as conn:
        fact = conn.scalar(select(observations.c.fact_key).limit(1))
    t = time.perf_counter(); store.correct("reject", {"fact": fact}, "benchmark"); fix = time.perf_counter() - t
    store.engine.dispose()
print(json.dumps({"add_one_article_s": add, "one_correction_s": fix, "added": len(r.added)}))
"""


def update_cost(db: Path) -> dict:
    """Seconds to add one article to this store, and to record one correction, on a copy
    of it (both update only the caravans they can change)."""
    r = subprocess.run([sys.executable, "-c", UPDATE_RUN, str(db), str(ROOT)], capture_output=True, text=True,
                       timeout=3600)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": (r.stderr or r.stdout)[-800:]}


def print_dashboard(d: dict, indent: str = "  ") -> None:
    if "error" in d:
        print(f"{indent}dashboard: failed: {d['error']}")
        return
    print(f"{indent}dashboard (server side, AppTest): first render {d['first_render_s']:.2f} s in a fresh process "
          f"({d['imports_s']:.2f} s more importing Streamlit first), a new visitor's first render on the running server "
          f"{d['new_session_s']:.2f} s, rerun {d['rerun_s']:.2f} s; map payload {d['payload_mb'] * 1000:.0f} KB")
    for name, c in d["changes"].items():
        print(f"{indent}  {name}: {c['s']:.2f} s, payload {c['payload_mb'] * 1000:.0f} KB")
    print(f"{indent}  filter change median {d['filter_change_s']:.2f} s, slowest {d['filter_change_max_s']:.2f} s; "
          f"largest payload {d['payload_max_mb'] * 1000:.0f} KB")
    if "browser" in d:
        print(f"{indent}  streamlit run → map drawn in Chromium: {d['browser']:.2f} s")


def browser_first_paint(db: Path) -> float | None:
    """Seconds from `streamlit run` on this store to the map drawn in Debian's Chromium."""
    from dashboard_speed import CHROMIUM, browser_cold_start
    if not Path(CHROMIUM).exists():
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARAVAN_ATLAS_")}
    env["CARAVAN_ATLAS_STORE"] = str(db)
    return browser_cold_start(env, 1)[0][1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--work", default="/tmp/caravan-atlas-scale")
    ap.add_argument("--keep", action="store_true", help="keep corpora and stores")
    ap.add_argument("--no-dashboard", action="store_true")
    ap.add_argument("--browser", action="store_true", help="also time the map in Chromium on each store")
    ap.add_argument("--dashboard-only", metavar="STORE", help="only the dashboard figures of this SQLite store")
    ap.add_argument("--updates", action="store_true", help="with --dashboard-only: also time one added article and "
                                                            "one correction (on a copy)")
    ap.add_argument("--ingest-one", nargs=3, metavar=("CORPUS", "STORE", "WORKERS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.ingest_one:
        corpus, db, w = args.ingest_one
        print(json.dumps(_ingest_one(Path(corpus), Path(db), int(w))))
        return 0
    if args.dashboard_only:
        if args.updates:
            u = update_cost(Path(args.dashboard_only))
            print(f"updates (on a copy of the store): {u}")
        d = dashboard_figures(Path(args.dashboard_only))
        if args.browser and "error" not in d:
            d["browser"] = browser_first_paint(Path(args.dashboard_only))
        print_dashboard(d, "")
        return 0
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
            rate = r["added"] / r["ingest_s"] if r["ingest_s"] else 0
            print(f"  {w} worker(s): ingest {r['ingest_s']:.1f} s = {rate:.0f} articles/s "
                  f"(cluster start {r['cluster_start_s']:.1f} s); added {r['added']:,}, failed {r['failed']}; "
                  f"{r['counts']['caravans']:,} caravans, {r['counts']['observations']:,} observations; "
                  f"store {r['store_mb']:.0f} MB; peak RSS ingesting process {r['rss_self_mb']:.0f} MB, "
                  f"workers {r['rss_workers_mb']:.0f} MB")
            rows.append({"n": n, **r})
            if last_db is not None and not args.keep:
                last_db.unlink(missing_ok=True)
            last_db = db
        acc = accuracy(corpus, last_db)
        print(f"  extraction vs the generated truth ({acc.get('articles', '?')} articles): "
              f"stops recall {acc['stops_recall']:.3f} precision {acc['stops_precision']:.3f}, "
              f"sizes recall {acc['sizes_recall']:.3f} precision {acc['sizes_precision']:.3f}")
        rows[-1]["accuracy"] = {k: acc[k] for k in ("stops_recall", "stops_precision", "sizes_recall", "sizes_precision")}
        j = join_quality(corpus, last_db)
        rows[-1]["join"] = j
        print(f"  join vs the truth (all {n:,} articles): {j['joined']:,} joined caravans for {j['true']:,} true ones; "
              f"{j['pure']:.3f} of the {j['joined_multi']:,} joined from several articles tell of one true caravan; "
              f"{j['whole']:.3f} of true caravans told by several articles are whole in one; largest joined: "
              f"{j['largest_articles']:,} articles over {j['largest_days']} days")
        u = update_cost(last_db)
        rows[-1]["update"] = u
        if "error" in u:
            print(f"  updates: failed: {u['error']}")
        else:
            print(f"  updates (on a copy of the store): one more article {u['add_one_article_s']:.2f} s, "
                  f"one correction {u['one_correction_s']:.2f} s")
        if not args.no_dashboard and last_db is not None:
            d = dashboard_figures(last_db)
            if args.browser and "error" not in d:
                d["browser"] = browser_first_paint(last_db)
            rows[-1]["dashboard"] = d
            print_dashboard(d)
        if not args.keep and last_db is not None:
            last_db.unlink(missing_ok=True)
    print("\ncost as N grows:")
    print(f"  {'N':>8} {'workers':>7} {'ingest s':>9} {'ms/article':>10} {'peak MB':>8} {'store MB':>9} "
          f"{'first render s':>14} {'filter s':>9} {'payload KB':>10}")
    for r in rows:
        d = r.get("dashboard") or {}
        dash = (f"{d['first_render_s']:>14.2f} {d['filter_change_s']:>9.2f} {d['payload_max_mb'] * 1000:>10.0f}"
                if "first_render_s" in d else f"{'':>14} {'':>9} {'':>10}")
        print(f"  {r['n']:>8,} {r['workers']:>7} {r['ingest_s']:>9.1f} {1000 * r['ingest_s'] / max(1, r['added']):>10.2f} "
              f"{r['rss_self_mb'] + r['rss_workers_mb']:>8.0f} {r['store_mb']:>9.0f} {dash}")
    (work / "scale-results.json").write_text(json.dumps(rows, indent=1, default=str))
    print(f"\nresults: {work / 'scale-results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
