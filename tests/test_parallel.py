"""Extraction on a real Dask local cluster gives exactly the serial result."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.parallel import DaskExtractor
from archive.ingest import ingest, ingest_articles
from archive.store import Store
from journeys.articles import read_article

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CLI = Path(sys.executable).parent / "caravan-atlas"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """60 articles: the seeds with their metadata in front matter, each made distinct."""
    d = tmp_path_factory.mktemp("corpus")
    meta = json.loads((SEEDS / "metadata.json").read_text(encoding="utf-8"))
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(60):
        f = seeds[i % 3]
        m = meta[f.name]
        (d / f"a{i:03d}.md").write_text(f"---\npublished: {m['published']}\noutlet: {m['outlet']}\n---\n"
                                        + f.read_text(encoding="utf-8") + f"\nRef {i}.\n", encoding="utf-8")
    (d / "broken.md").write_text("---\npublished: 2021-13-45\n---\nA caravan left Tapachula.\n", encoding="utf-8")
    return d


def shape(store):
    return [(c["id"], c["label"], c["size_low"], c["size_high"], len(c["observations"]))
            for c in store.document(with_text=False)["caravans"]]


def test_dask_local_cluster_matches_serial(corpus, tmp_path):
    serial = Store(f"sqlite:///{tmp_path / 'serial.sqlite'}")
    r1 = ingest([corpus], serial)
    parallel = Store(f"sqlite:///{tmp_path / 'dask.sqlite'}")
    in_memory = Store(f"sqlite:///{tmp_path / 'memory.sqlite'}")
    articles = [read_article(p) for p in sorted(corpus.glob("a*.md"))]
    with DaskExtractor(workers=2) as ex:
        assert ex.workers == 2
        r2 = ingest([corpus], parallel, extractor=ex)
        r3 = ingest_articles(articles, in_memory, extractor=ex)  # articles sent, not files read
    assert sorted(r1.added) == sorted(r2.added) and len(r2.added) == 60
    assert [Path(p).name for p, _ in r2.failed] == ["broken.md"]
    assert [o.article for o in r3] == [a.id for a in articles] == sorted(r1.added)
    assert shape(serial) == shape(parallel) == shape(in_memory)
    assert serial.counts() == parallel.counts() == in_memory.counts()


def test_batches_and_order_do_not_change_the_result(corpus, tmp_path):
    files = sorted(corpus.glob("a*.md"))
    whole = Store(f"sqlite:///{tmp_path / 'whole.sqlite'}")
    ingest(files, whole)
    batched = Store(f"sqlite:///{tmp_path / 'batched.sqlite'}")
    for k in (2, 0, 1):  # three batches, out of order
        part = tmp_path / f"part{k}"
        part.mkdir()
        for f in files[k::3]:
            shutil.copy(f, part / f.name)
        ingest([part], batched)
    assert shape(whole) == shape(batched)


def test_cli_ingest_runs_on_a_local_dask_cluster(corpus, tmp_path):
    db = tmp_path / "cli.sqlite"
    r = subprocess.run([str(CLI), "ingest", str(corpus), "--store", str(db), "--workers", "2", "--json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr  # broken.md fails; the rest is stored
    out = json.loads(r.stdout)
    assert len(out["added"]) == 60 and out["counts"]["articles"] == 60
    assert "broken.md" in r.stderr and "2021-13-45" in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1, r.stderr  # the one failure, none of the cluster's own logging
    r = subprocess.run([str(CLI), "ingest", str(corpus), "--store", str(db), "--scheduler", "tcp://127.0.0.1:1"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "cannot start" in r.stderr and r.stderr.count("\n") == 1
