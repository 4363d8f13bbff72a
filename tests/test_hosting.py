"""Hosting files, tested as far as this machine allows (no Docker engine runs here).

The image's own CMD and HEALTHCHECK are read from the Dockerfile and run for real on
127.0.0.1: the server the image would start answers Streamlit's health endpoint, and
the health-check command the image declares says so.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instruction(name: str) -> list[str]:
    """The exec-form (JSON array) argument of a Dockerfile instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    m = re.search(rf"^{name}\s+(?:--\S+\s+)*(?:CMD\s+)?(\[.*\])\s*$", text, re.M)
    assert m, f"no exec-form {name} in the Dockerfile"
    return json.loads(m.group(1))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dockerfile_declares_port_healthcheck_and_entry_point():
    cmd = instruction("CMD")
    assert cmd[:3] == ["streamlit", "run", "dashboard/app.py"]
    assert "EXPOSE 8501" in DOCKERFILE
    health = instruction("HEALTHCHECK")
    assert "/_stcore/health" in " ".join(health)
    assert (ROOT / "requirements.txt").read_text().splitlines()[-1].strip() == "."
    assert (ROOT / ".streamlit" / "config.toml").exists()


@pytest.mark.skipif(not (ROOT / "dashboard" / "app.py").exists(), reason="dashboard/app.py not in this tree")
def test_image_command_serves_and_its_healthcheck_passes(tmp_path):
    port = free_port()
    cmd = instruction("CMD")
    # The image's command as written, with this machine's port and loopback only.
    cmd = [str(Path(sys.executable).parent / cmd[0])] + cmd[1:]
    cmd[cmd.index("--server.port") + 1] = str(port)
    cmd[cmd.index("--server.address") + 1] = "127.0.0.1"
    env = {**os.environ, "CARAVAN_ATLAS_STORE": str(tmp_path / "store.sqlite")}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        body = b""
        while time.time() < deadline:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        assert body == b"ok"
        health = instruction("HEALTHCHECK")
        health = [sys.executable if health[0] == "python" else health[0]] + [
            a.replace("127.0.0.1:8501", f"127.0.0.1:{port}") for a in health[1:]]
        assert subprocess.run(health, timeout=30).returncode == 0
        # ...and it would notice a dead server: the same command against a closed port fails.
        dead = [a.replace(f"127.0.0.1:{port}", f"127.0.0.1:{free_port()}") for a in health]
        assert subprocess.run(dead, timeout=30, capture_output=True).returncode != 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
