"""What the hostile-input suite shares: a tally of the hostile inputs tried (printed at the
end of the run by conftest.py) and the checks every case makes — a clean result or one clear
error line naming the file and the problem, never a traceback, within a time bound."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TALLY: Counter = Counter()  # "inputs": hostile inputs tried; "tracebacks", "hangs", "lost": failures seen


def tried(n: int = 1) -> None:
    TALLY["inputs"] += n


@contextmanager
def bounded(seconds: float, what: str = "case"):
    """The body must finish within `seconds` (counted as a hang otherwise)."""
    t0 = time.perf_counter()
    yield
    took = time.perf_counter() - t0
    if took > seconds:
        TALLY["hangs"] += 1
        raise AssertionError(f"{what}: {took:.1f} s, over the {seconds} s bound")


def cli(*args: str, timeout: float = 120, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `caravan-atlas ARGS` in a process of its own (a hang is killed and counted)."""
    tried()
    full_env = {**os.environ, **(env or {})}
    try:
        p = subprocess.run([sys.executable, "-m", "caravan_atlas", *args], capture_output=True,
                           timeout=timeout, cwd=cwd or ROOT, env=full_env)
    except subprocess.TimeoutExpired:
        TALLY["hangs"] += 1
        raise AssertionError(f"caravan-atlas {' '.join(args)}: no answer within {timeout} s") from None
    p.stdout_text = p.stdout.decode("utf-8", "replace")
    p.stderr_text = p.stderr.decode("utf-8", "replace")
    if "Traceback" in p.stderr_text:
        TALLY["tracebacks"] += 1
        raise AssertionError(f"caravan-atlas {' '.join(args)}: traceback\n{p.stderr_text[-3000:]}")
    return p


def error_lines(p) -> list[str]:
    """The stderr lines of a run; each must be one `caravan-atlas: error: ...` line."""
    lines = [l for l in p.stderr_text.splitlines() if l.strip()]
    for l in lines:
        assert l.startswith("caravan-atlas: "), l
    return [l for l in lines if l.startswith("caravan-atlas: error: ")]
