"""The store on a real SQLite file: ingest, no-op re-ingest, batches, failures."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from journeys.pipeline import ingest
from journeys.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CLI = Path(sys.executable).parent / "caravan-atlas"


@pytest.fixture()
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'store.sqlite'}")


def labels(store):
    return sorted(c["label"] for c in store.document()["caravans"])


def test_ingest_seeds_then_reingest_is_a_noop(store):
    r = ingest([SEEDS], store)
    assert len(r.added) == 3 and not r.failed
    first = store.document()
    assert len(first["caravans"]) == 4 and store.counts()["articles"] == 3
    r2 = ingest([SEEDS], store)
    assert r2.added == [] and len(r2.unchanged) == 3
    assert store.document() == first


def test_batches_in_any_order_give_the_same_caravans(tmp_path):
    files = sorted(SEEDS.glob("*.txt"))
    one = Store(f"sqlite:///{tmp_path / 'one.sqlite'}")
    ingest(files, one)
    two = Store(f"sqlite:///{tmp_path / 'two.sqlite'}")
    for f in reversed(files):  # one file per batch, newest first
        d = tmp_path / f"batch-{f.stem}"
        d.mkdir()
        shutil.copy(f, d / f.name)
        shutil.copy(SEEDS / "metadata.json", d / "metadata.json")
        ingest([d / f.name], two)
    strip = lambda doc: [(c["id"], c["label"], c["size_low"], c["size_high"], len(c["observations"]))  # noqa: E731
                         for c in doc["caravans"]]
    assert strip(one.document()) == strip(two.document())


def test_bad_files_are_reported_and_skipped_store_kept(store, tmp_path):
    ingest([SEEDS / "000_8cc5013a2fc87902.txt"], store)
    before = store.document()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("   \n", encoding="utf-8")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (bad / "date.md").write_text("---\npublished: 2021-13-45\n---\nA caravan left Tapachula.\n", encoding="utf-8")
    good = bad / "good.md"
    good.write_text("---\noutlet: Test Wire\npublished: 2023-11-08\n---\n"
                    "About 3,000 migrants left Tapachula on Monday, bound for Mexico City.\n", encoding="utf-8")
    r = ingest([bad], store)
    assert sorted(Path(p).name for p, _ in r.failed) == ["binary.txt", "date.md", "empty.txt"]
    assert all("\n" not in e and e for _, e in r.failed)
    assert r.added == ["good"]
    after = store.document()
    assert {a["id"] for a in before["articles"]} < {a["id"] for a in after["articles"]}
    new = [c for c in after["caravans"] if c["articles"] == ["good"]]
    assert new and new[0]["size_low"] == 3000


def test_a_failing_batch_rolls_back_completely(store, tmp_path):
    ingest([SEEDS / "000_8cc5013a2fc87902.txt"], store)
    before = store.document()

    def boom(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO OBSERVATIONS"):
            raise RuntimeError("disk full (simulated by the database driver hook)")

    event.listen(store.engine, "before_cursor_execute", boom)
    with pytest.raises(RuntimeError):
        ingest([SEEDS / "002_561cb370fa230d72.txt"], store)
    event.remove(store.engine, "before_cursor_execute", boom)
    assert store.document() == before


def test_same_file_name_in_two_folders_gets_distinct_ids(store, tmp_path):
    for i, city in enumerate(["Tapachula", "Huixtla"]):
        d = tmp_path / f"f{i}"
        d.mkdir()
        (d / "report.txt").write_text(f"---\npublished: 2023-11-0{i + 1}\n---\n"
                                      f"About 1,500 migrants left {city} on Monday.\n", encoding="utf-8")
    r = ingest([tmp_path / "f0", tmp_path / "f1"], store)
    assert sorted(r.added) == ["report", "report-2"]
    ev_articles = {o["evidence"]["article"] for c in store.document()["caravans"] for o in c["observations"]}
    assert ev_articles == {"report", "report-2"}


def test_cli_ingest_and_extract(tmp_path):
    db = tmp_path / "cli.sqlite"
    r = subprocess.run([str(CLI), "ingest", str(SEEDS), "--store", str(db), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out["added"]) == 3 and out["counts"]["caravans"] == 4
    r = subprocess.run([str(CLI), "ingest", str(SEEDS), str(tmp_path / "missing.txt"), "--store", str(db)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "missing.txt: file not found" in r.stderr and "Traceback" not in r.stderr
    assert "unchanged 3" in r.stdout
    r = subprocess.run([str(CLI), "extract", *map(str, sorted(SEEDS.glob("*.txt"))), "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"articles", "caravans", "toponyms"} and len(doc["caravans"]) == 4
    obs = doc["caravans"][0]["observations"][0]
    assert {"article", "role", "date", "date_precision", "size_low", "size_high", "place", "evidence"} <= set(obs)
    assert {"start", "end", "text"} <= set(obs["evidence"])
    assert {"id", "path", "title", "outlet", "published"} <= set(doc["articles"][0])
    assert {"article", "start", "end", "text", "name", "lat", "lon", "country_code"} <= set(doc["toponyms"][0])
    r = subprocess.run([str(CLI), "extract", str(tmp_path / "nope.txt")], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "nope.txt" in r.stderr
