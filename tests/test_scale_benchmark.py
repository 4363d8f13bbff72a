"""benchmarks/scale.py runs end to end (CI runs it on a small N; the README's figures are
its 1,000 / 10,000 / 100,000-article runs): generation, Dask ingest with 1 and 2 workers,
accuracy and join quality against the generated truth, the dashboard's figures, and the
cost table."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_scale_benchmark_runs_end_to_end(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--sizes", "120", "--workers", "1,2",
                        "--work", str(tmp_path)], capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    for line in ("updates (on a copy of the store)", "1 worker(s): ingest", "2 worker(s): ingest", "extraction vs the generated truth",
                 "join vs the truth", "dashboard (server side, AppTest): first render",
                 "filter change median", "cost as N grows"):
        assert line in out, (line, out[-3000:])
    rows = json.loads((tmp_path / "scale-results.json").read_text())
    assert [(x["n"], x["workers"]) for x in rows] == [(120, 1), (120, 2)]
    assert all(x["added"] == 120 and x["failed"] == 0 for x in rows)
    assert rows[0]["counts"] == rows[1]["counts"]  # the worker count changes nothing stored
    last = rows[-1]
    assert last["accuracy"]["stops_recall"] > 0.8 and last["join"]["pure"] > 0.8
    assert last["dashboard"]["first_render_s"] > 0 and "changes" in last["dashboard"]
    assert not list(tmp_path.glob("store-*.sqlite"))  # removed without --keep
