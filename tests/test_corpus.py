"""The real labelled corpus (benchmarks/corpus/ and the shared dev set): no reserved article
in it, labels that quote their articles exactly, a split that never moves, and the learned
decisions' confidences on every fact."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import real_corpus  # noqa: E402
from journeys.terms import REPORT  # noqa: E402
from journeys.terms import ROLES as JOURNEY_ROLES  # noqa: E402

CORPUS = ROOT / "benchmarks" / "corpus"
CHECK = ROOT.parent / "shared" / "reserved" / "check.py"
ROLES = set(JOURNEY_ROLES) - {REPORT}  # a labelled stop always names a place
QUALIFIERS = {"about", "at_least", "up_to", "range", "exact", "vague"}


def _articles():
    return sorted((CORPUS / "articles").glob("*.txt"))


@pytest.mark.skipif(not CHECK.is_file(), reason="../shared/reserved/check.py not available")
def test_no_reserved_article_entered_the_corpus():
    files = _articles()
    assert files, "the corpus has no articles"
    r = subprocess.run([sys.executable, str(CHECK), *map(str, files)], capture_output=True, text=True, timeout=120)
    reserved = [line for line in r.stdout.splitlines() if line.startswith("reserved")]
    assert r.returncode == 0 and not reserved, reserved or r.stderr
    assert r.stdout.count("free\t") == len(files)


def test_every_article_is_labelled_once_and_quoted_exactly():
    labelled = {}
    for labels_file in sorted((CORPUS / "labels").glob("*.json")):
        for lab in json.loads(labels_file.read_text(encoding="utf-8")):
            assert lab["file"] not in labelled, f"{lab['file']} labelled twice"
            labelled[lab["file"]] = lab
    assert sorted(labelled) == [p.name for p in _articles()]
    urls = set()
    for name, lab in labelled.items():
        head, body = (CORPUS / "articles" / name).read_text(encoding="utf-8").split("\n---\n", 1)
        assert "\nurl: " in head and "\npublished: " in head, name
        url = real_corpus.normalise_url(head.split("\nurl: ", 1)[1].split("\n", 1)[0])
        assert url not in urls, f"{name}: the same article twice"
        urls.add(url)
        for t in lab["all_toponyms"]:
            assert t["text"] in body, (name, t["text"])
        for c in lab["caravans"]:
            assert c.get("event"), (name, c["label"])
            for z in c["sizes"]:
                assert z["text"] in body and z["qualifier"] in QUALIFIERS, (name, z["text"])
                assert z["value_low"] <= z["value_high"], (name, z)
            for stop in c["stops"]:
                assert stop["text"] in body and stop["place"] in stop["text"], (name, stop["place"])
                assert stop["role"] in ROLES, (name, stop["role"])
                if stop["date"]:
                    dt.date.fromisoformat(stop["date"])


def test_the_split_is_the_one_fixed_before_any_rule():
    # Pinned: the split is a pure function of the URL, so no article ever changes sides.
    assert real_corpus.split_of("https://www.example.org/a?x=1") == real_corpus.split_of("example.org/a/")
    got = {a.name[:3]: a.split for a in real_corpus.load() if a.source == "devset"}
    if got:
        assert [k for k, v in sorted(got.items()) if v == "test"] == [
            "002", "003", "004", "007", "013", "014", "016", "018", "019", "020"]
    both = {a.split for a in real_corpus.load()}
    assert both <= set(real_corpus.SPLITS)


def test_every_fact_carries_a_confidence_between_0_and_1():
    from journeys.articles import read_article
    from journeys.extract import extract_article

    for path in sorted((ROOT / "seeds").glob("*.txt")):
        x = extract_article(read_article(path))
        facts = [o for c in x.caravans for o in c.observations]
        assert facts
        for o in facts:
            d = o.to_dict()
            assert 0.0 <= d["confidence"] <= 1.0
            assert set(d["confidences"]) <= {"role", "place", "size", "date"}
            if o.place is not None:
                assert {"role", "place"} <= set(d["confidences"])
            if o.size_low is not None:
                assert "size" in d["confidences"]
            if not o.place or not o.place.place:
                assert d["confidences"].get("place", 0.0) == 0.0 or o.place is None


def test_seed_labels_quote_the_seeds_exactly():
    """The seeds, labelled from the careful reader's account, are train-only learning data."""
    seeds = [a for a in real_corpus.load() if a.source == "seeds"]
    assert len(seeds) == 3 and {a.split for a in seeds} == {"train"}
    for a in seeds:
        body = a.path.read_text(encoding="utf-8")
        for c in a.labels["caravans"]:
            assert c["event"]
            for z in c["sizes"]:
                assert z["text"] in body
            for stop in c["stops"]:
                assert stop["text"] in body and stop["place"] in stop["text"] and stop["role"] in ROLES
