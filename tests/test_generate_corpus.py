"""The synthetic caravan corpus (benchmarks/generate_corpus.py) and its scorer (corpus_accuracy.py).

Generation must be reproducible, its truth must be right about places (every name it writes
geocodes where the truth says) and its files must read back as articles. A small corpus
scored with the real extractor guards the extraction against regressions: the floors are the
figures measured on this corpus (N=60, seed 7) minus a margin.
"""
import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from gazetteer import geocode, haversine_km
from journeys.articles import read_article

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
N, SEED = 60, 7
# Measured on this corpus (N=60, seed 7) with the extractor of commit c634bc8: stop recall
# 0.677, precision 0.978, size recall 0.841. The margins allow small trade-offs, not a
# regression; raise the floors when the extraction improves.
STOP_RECALL_FLOOR = 0.677 - 0.06
STOP_PRECISION_FLOOR = 0.978 - 0.06
SIZE_RECALL_FLOOR = 0.841 - 0.07


def _load(name: str):
    """A benchmark script as a module (registered: its dataclasses need sys.modules)."""
    mod_name = f"_bench_{name}"
    if mod_name in sys.modules:
        return sys.modules[mod_name]
    spec = importlib.util.spec_from_file_location(mod_name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = mod
    spec.loader.exec_module(mod)
    return mod


gen = _load("generate_corpus")
acc = _load("corpus_accuracy")


@pytest.fixture(scope="module")
def places():
    return gen.build_place_table()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, places):
    out = tmp_path_factory.mktemp("corpus")
    gen.generate(N, out, seed=SEED, places=places)
    return out


@pytest.fixture(scope="module")
def truth(corpus):
    return [json.loads(line) for line in (corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines()]


def test_same_seed_same_bytes(tmp_path, places, corpus):
    again = tmp_path / "again"
    gen.generate(N, again, seed=SEED, places=places)
    names = sorted(p.name for p in corpus.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert len(names) == N + 1  # the articles and truth.jsonl
    for name in names:
        assert (corpus / name).read_bytes() == (again / name).read_bytes(), name
    other = tmp_path / "other"
    gen.generate(N, other, seed=SEED + 1, places=places)
    assert (other / "truth.jsonl").read_bytes() != (corpus / "truth.jsonl").read_bytes()


def test_place_table_forms_geocode_to_their_point(places):
    table, countries, _dropped = places
    assert {"tapachula", "huixtla", "mexico_city", "tijuana", "san_pedro_sula"} <= set(table)
    for p in table.values():
        assert p.forms, p.key
        for form in p.forms:
            got = geocode(form).place
            assert got is not None and haversine_km(got.lat, got.lon, p.lat, p.lon) <= 25, (form, got)
    for cc, p in countries.items():
        got = geocode(p.name).place
        assert got.kind == "country" and got.country_code == cc


def test_every_written_place_geocodes_to_its_truth(truth):
    cache: dict = {}

    def place(name):
        if name not in cache:
            cache[name] = geocode(name).place
        return cache[name]

    n = 0
    for t in truth:
        written = [s for c in t["caravans"] for s in c["stops"]]
        written += [d for d in t["distractors"]["places"] if d["kind"] != "person"]
        for s in written:
            n += 1
            got = place(s["place"])
            if s["kind"] == "city":
                assert got is not None and haversine_km(got.lat, got.lon, s["lat"], s["lon"]) <= 25, (t["file"], s, got)
            elif s["kind"] == "country":
                assert got is not None and got.kind == "country", (t["file"], s, got)
            else:
                assert s["kind"] == "border" and "border" in s["place"], (t["file"], s)
    assert n > 5 * N


def test_files_read_back_with_their_metadata(corpus, truth):
    assert [t["file"] for t in truth] == [f"{i:06d}.md" for i in range(1, N + 1)]
    assert [t["published"] for t in truth] == sorted(t["published"] for t in truth)  # numbered by date
    outlets = set()
    for t in truth:
        art = read_article(corpus / t["file"])
        assert art.published == dt.date.fromisoformat(t["published"])
        assert art.title and art.outlet == t["outlet"] and art.url.startswith("https://")
        outlets.add(art.outlet)
        for c in t["caravans"]:
            for s in c["stops"]:
                assert s["place"] in art.text
            for z in c["sizes"]:
                assert z["text"] in art.text
        paragraphs = [p for p in art.text.split("\n\n") if p.strip()]
        assert 4 <= len(paragraphs) <= 22  # 4-15 of news, plus captions and page furniture
    assert len(outlets) >= 8


def test_truth_is_consistent(truth):
    """Dates as a reader resolves them: nothing after publication but planned stops; a
    caravan's departure comes first; sizes are ranges."""
    roles = set()
    with_caravan = 0
    for t in truth:
        pub = dt.date.fromisoformat(t["published"])
        with_caravan += bool(t["caravans"])
        for c in t["caravans"]:
            deps = [s for s in c["stops"] if s["role"] == "departure"]
            assert len(deps) <= 1
            for s in c["stops"]:
                roles.add(s["role"])
                if s["date"] is None:
                    continue
                d = dt.date.fromisoformat(s["date"])
                assert d <= pub or s["role"] == "destination", (t["file"], s)
                if s["date_kind"] == "weekday":
                    assert 0 <= (pub - d).days <= 6
                if s["date_kind"] == "last_weekday":
                    assert 1 <= (pub - d).days <= 6
                if deps and deps[0]["date"] and s["date_precision"] == "day" == deps[0]["date_precision"]:
                    assert d >= dt.date.fromisoformat(deps[0]["date"]), (t["file"], s)
            for z in c["sizes"]:
                assert 0 < z["value_low"] <= z["value_high"]
    assert {"departure", "waypoint", "current", "destination"} <= roles
    assert 0 < N - with_caravan < N // 5  # a few articles without any caravan


def test_extraction_accuracy_floor(corpus, capsys):
    r = acc.score(corpus)
    t = r["totals"]
    assert t["articles"] == N
    recall, precision = t["matched"] / t["gold_stops"], t["matched"] / t["pred_stops"]
    size_recall = t["size_ok"] / t["gold_sizes"]
    assert recall >= STOP_RECALL_FLOOR, f"stop recall {recall:.3f} fell below {STOP_RECALL_FLOOR:.3f}"
    assert precision >= STOP_PRECISION_FLOOR, f"stop precision {precision:.3f} fell below {STOP_PRECISION_FLOOR:.3f}"
    assert size_recall >= SIZE_RECALL_FLOOR, f"size recall {size_recall:.3f} fell below {SIZE_RECALL_FLOOR:.3f}"
    assert t["true_caravans"] > 0 and t["joined"] >= t["true_components"] > 0
    acc.report(r, top=3)
    out = capsys.readouterr().out
    assert "stops  recall" in out and "articles/s" in out and "joined caravans" in out


def test_command_lines(tmp_path, capsys):
    assert gen.main(["12", str(tmp_path / "c"), "--seed", "3", "--caravans", "4"]) == 0
    out = capsys.readouterr().out
    assert "articles/s" in out and "4 simulated caravans" in out
    assert len(list((tmp_path / "c").glob("*.md"))) == 12
    assert acc.main([str(tmp_path / "c"), "--limit", "5"]) == 0
    assert "corpus: 5 articles" in capsys.readouterr().out
