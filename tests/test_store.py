"""The store on both back ends: ingest, no-op re-ingest, batches, failures.

Every test that takes `backend` (or `store`) runs twice, on SQLite and on PostgreSQL
(the fixtures are in conftest.py).
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from archive.ingest import ingest
from archive.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CLI = Path(sys.executable).parent / "caravan-atlas"

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


def test_batches_in_any_order_give_the_same_caravans(backend, tmp_path):
    files = sorted(SEEDS.glob("*.txt"))
    one = backend.store("one")
    ingest(files, one)
    two = backend.store("two")
    for f in reversed(files):  # one file per batch, newest first
        d = tmp_path / f"batch-{f.stem}"
        d.mkdir()
        shutil.copy(f, d / f.name)
        shutil.copy(SEEDS / "metadata.json", d / "metadata.json")
        ingest([d / f.name], two)
    strip = lambda doc: [(c["id"], c["label"], c["size_low"], c["size_high"], len(c["observations"]))  # noqa: E731
                         for c in doc["caravans"]]
    assert strip(one.document()) == strip(two.document())


def _daily_departures(folder: Path, days: int) -> list[Path]:
    """One article a day, each about a group that left Tapachula that morning."""
    import datetime as dt
    folder.mkdir()
    out = []
    for k in range(days):
        day = dt.date(2021, 3, 1) + dt.timedelta(days=k)
        p = folder / f"day-{k:02d}.md"
        p.write_text(f"---\ntitle: Group leaves Tapachula\npublished: {day.isoformat()}\noutlet: Wire {k % 3}\n---\n"
                     f"About {500 + k} migrants left Tapachula on {day:%B} {day.day}, {day.year}, bound for Mexico City.\n",
                     encoding="utf-8")
        out.append(p)
    return out


def test_daily_departures_do_not_chain_into_one_caravan(backend, tmp_path):
    """Departures a day apart join (same caravan, told differently); a month of them does
    not become one caravan through a chain of neighbours, whatever the batch order."""
    files = _daily_departures(tmp_path / "days", 30)
    one = backend.store("one")
    ingest(files, one)
    cars = one.document()["caravans"]
    spans = [(min(o["date"] for o in c["observations"] if o["date"]), max(o["date"] for o in c["observations"] if o["date"]))
             for c in cars]
    assert 10 <= len(cars) <= 15, [c["label"] for c in cars]
    assert all((_date(b) - _date(a)).days <= 2 for a, b in spans), spans
    two = backend.store("two")
    for k in (2, 0, 1):  # three batches, out of order
        ingest(files[k::3], two)
    ids = lambda doc: sorted(c["id"] for c in doc["caravans"])  # noqa: E731
    assert ids(one.document()) == ids(two.document())


def _date(s: str):
    import datetime as dt
    return dt.date.fromisoformat(s)


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
    try:
        with pytest.raises(RuntimeError):
            ingest([SEEDS / "002_561cb370fa230d72.txt"], store)
    finally:
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


def test_articles_in_memory_get_one_outcome_each_and_match_the_files(store, tmp_path):
    """Articles already read (an upload) take the files' path into the store: the same
    document as ingesting the files, and one outcome per input, in the order given."""
    from archive.ingest import ingest_articles
    from journeys.articles import read_article

    files = ingest([SEEDS], Store(f"sqlite:///{tmp_path / 'files.sqlite'}"))
    seeds = [read_article(p) for p in sorted(SEEDS.glob("*.txt"))]
    first = ingest_articles(seeds[:1], store)
    assert [(o.status, o.article) for o in first] == [("added", seeds[0].id)]
    again = [read_article(p) for p in sorted(SEEDS.glob("*.txt"))]
    twin = read_article(sorted(SEEDS.glob("*.txt"))[1])
    twin.id = again[0].id  # a name that is taken: made unique, as for files
    out = ingest_articles([again[1], again[0], twin, again[2]], store)
    assert [(o.status, o.article, o.same_as) for o in out] == [
        ("added", again[1].id, None), ("unchanged", None, None),  # stored already
        ("unchanged", None, 0), ("added", again[2].id, None)]  # the same text as input 0
    assert sorted(files.added) == sorted(a.id for a in seeds)

    def without_ids(doc):  # observation ids only number rows (two batches here, one there)
        for c in doc["caravans"]:
            for o in c["observations"]:
                o.pop("id")
        return doc
    assert without_ids(store.document()) == without_ids(Store(f"sqlite:///{tmp_path / 'files.sqlite'}").document())


def test_long_ids_undated_articles_and_observation_ids_alike_on_every_back_end(backend, tmp_path):
    """What PostgreSQL did differently at first: VARCHAR(200) ids refused a long file name,
    NULL dates sorted last, and observation ids went on counting across rebuilds."""
    store = backend.store()
    for f in sorted(SEEDS.glob("*.txt")):  # one batch each: the joined tables are rebuilt 3 times
        d = tmp_path / f"batch-{f.stem}"
        d.mkdir()
        shutil.copy(f, d / f.name)
        shutil.copy(SEEDS / "metadata.json", d / "metadata.json")
        ingest([d / f.name], store)
    undated = tmp_path / "undated"
    undated.mkdir()
    long_name = "l" * 230
    for name, city in [("alpha", "Tapachula"), ("Zeta", "Huixtla"), ("_mid", "Tecun Uman"), (long_name, "Arriaga")]:
        (undated / f"{name}.txt").write_text(f"About 1,200 migrants left {city} on Monday.\n", encoding="utf-8")
    r = ingest([undated], store)
    assert not r.failed and len(r.added) == 4
    doc = store.document()
    ids = [a["id"] for a in doc["articles"]]
    assert ids[:4] == ["Zeta", "_mid", "alpha", long_name]  # undated first, then by code point
    dates = [a["published"] for a in doc["articles"][4:]]
    assert len(dates) == 3 and None not in dates and dates == sorted(dates)
    obs_ids = [o["id"] for c in doc["caravans"] for o in c["observations"]]
    assert sorted(obs_ids) == list(range(1, len(obs_ids) + 1))


def test_cli_ingest_and_extract(backend, tmp_path):
    db = backend.target("cli")  # a file path on SQLite, a URL on PostgreSQL
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


# -- corrections in the store ---------------------------------------------------------------

def _fact(store, pred):
    return next(o for c in store.document(with_text=False)["caravans"] for o in c["observations"] if pred(c, o))


def test_correction_survives_reextraction_and_has_history(store):
    from archive.corrections import CorrectionError

    ingest([SEEDS], store)
    size = _fact(store, lambda c, o: o["size_low"] == 7500)
    cid = store.correct("edit", {"fact": size["fact"], "changes": {"size_low": 8000}}, editor="Ana Ruiz",
                        note="organizers revised the count")
    doc = store.document(with_text=False)
    d = next(c for c in doc["caravans"] if c["articles"] == ["002_561cb370fa230d72"])
    assert (d["size_low"], d["size_high"]) == (8000, 8000)
    # A newer extractor reads every article again: the correction is re-applied.
    assert store.reextract() == 3
    d = next(c for c in store.document(with_text=False)["caravans"] if c["articles"] == ["002_561cb370fa230d72"])
    assert (d["size_low"], d["size_high"]) == (8000, 8000)
    corrected = next(o for o in d["observations"] if o["fact"] == size["fact"])
    assert corrected["corrections"] == [cid]
    hist = store.history(size["fact"])
    assert [(h["editor"], h["action"], h["note"]) for h in hist] == [("Ana Ruiz", "edit", "organizers revised the count")]
    assert hist[0]["created_at"] and hist[0]["matched"] is True
    # New articles arriving later do not lose it either.
    before = store.counts()
    ingest([SEEDS], store)
    assert store.counts() == before
    # A malformed correction changes nothing.
    with pytest.raises(CorrectionError):
        store.correct("edit", {"fact": size["fact"], "changes": {"date": "2021-13-45"}}, editor="Ana")
    with pytest.raises(CorrectionError, match="no such fact"):
        store.correct("reject", {"fact": "nope:0:p0"}, editor="Ana")
    assert len(store.corrections()) == 1


def test_rename_merge_reject_in_the_store(store):
    ingest([SEEDS], store)
    b = _fact(store, lambda c, o: c["size_low"] == 12000 and o["role"] == "departure")
    cc = _fact(store, lambda c, o: c["size_low"] == 800 and o["role"] == "departure")
    arrival = _fact(store, lambda c, o: c["size_low"] == 12000 and o["role"] == "arrival")
    store.correct("rename", {"anchor": b["fact"], "label": "Haitian exodus to Del Rio"}, editor="Ana")
    store.correct("reject", {"fact": arrival["fact"]}, editor="Ben")
    store.correct("merge", {"anchor": b["fact"], "other": cc["fact"]}, editor="Ben")
    doc = store.document(with_text=False)
    assert len(doc["caravans"]) == 3
    merged = next(c for c in doc["caravans"] if c["label"] == "Haitian exodus to Del Rio")
    assert merged["renamed"] and len(merged["articles"]) == 2
    assert next(o for o in merged["observations"] if o["fact"] == arrival["fact"])["rejected"]
    assert [h["editor"] for h in store.history(arrival["fact"])] == ["Ben"]


def test_store_from_an_older_layout_is_upgraded(backend):
    s = backend.store("old")
    ingest([SEEDS], s)
    with s.engine.begin() as conn:  # what an earlier version created: no correction columns
        conn.exec_driver_sql("DROP TABLE observations")
        conn.exec_driver_sql("CREATE TABLE observations (id INTEGER PRIMARY KEY, caravan_id TEXT)")
    again = Store(s.url, engine=s.engine)
    assert len(again.document(with_text=False)["caravans"]) == 4
    assert again.counts()["articles"] == 3


def _same_as_a_rebuild(store) -> dict:
    """The document after an incremental correction, checked against a full rebuild of the
    same store (observation ids aside: they only number rows)."""
    def strip(doc):
        for c in doc["caravans"]:
            for o in c["observations"]:
                o.pop("id")
        return doc
    fast, fast_fixes = strip(store.document(with_text=False)), store.corrections()
    with store.engine.begin() as conn:
        store._rebuild(conn)
    full, full_fixes = strip(store.document(with_text=False)), store.corrections()
    assert [c["id"] for c in fast["caravans"]] == [c["id"] for c in full["caravans"]]
    for a, b in zip(fast["caravans"], full["caravans"]):
        assert a == b, a["id"]
    assert fast == full and fast_fixes == full_fixes
    return full


def test_a_correction_applied_alone_gives_what_a_rebuild_gives(backend, tmp_path):
    """Each kind of correction, applied to the caravans it touches only, leaves the store as
    re-joining every article and re-applying every correction would — labels that sizes tell
    apart and the journey order included."""
    from conftest import corpus_generator

    corpus = tmp_path / "corpus"
    corpus_generator().generate(40, corpus, seed=3)
    store = backend.store()
    ingest([SEEDS, corpus], store)
    doc = store.document(with_text=False)
    cars = [c for c in doc["caravans"] if len(c["observations"]) >= 3]
    assert len(cars) >= 6
    facts = lambda c: [o["fact"] for o in c["observations"]]  # noqa: E731
    a, b, c, d, e, f = cars[:6]
    placed = next(o["fact"] for o in c["observations"] if o["place"])
    steps = [
        ("edit", {"fact": facts(a)[0], "changes": {"date": "2015-06-01", "date_precision": "day"}}),
        ("edit", {"fact": facts(b)[1], "changes": {"size_low": 123456, "size_high": 123456}}),
        ("reject", {"fact": facts(b)[0]}),
        ("restore", {"fact": facts(b)[0]}),
        ("edit", {"fact": placed, "changes": {"place": {"name": "Huixtla", "lat": 15.13878, "lon": -92.46595,
                                                        "country_code": "MX", "admin1": "Chiapas", "kind": "city"},
                                              "role": "waypoint"}}),
        ("move", {"fact": facts(c)[1], "to": facts(d)[0]}),
        ("move", {"fact": facts(d)[1], "to": None}),
        ("rename", {"anchor": facts(e)[0], "label": "The editors' caravan"}),
        ("merge", {"anchor": facts(e)[0], "other": facts(f)[0]}),
        ("split", {"facts": facts(a)[1:3], "label": ""}),
        ("edit", {"fact": facts(a)[0], "changes": {"date": "2030-01-01", "date_precision": "day"}}),
    ]
    for action, payload in steps:
        store.correct(action, payload, "tester")
        _same_as_a_rebuild(store)
    assert all(x["matched"] for x in store.corrections())


def test_articles_added_to_a_store_give_what_a_rebuild_gives(backend, tmp_path):
    """New articles are joined in touching only what they can change; batch after batch —
    later, earlier and in between the stored ones, with corrections made in between — the
    store is what re-joining every article and re-applying every correction gives."""
    from conftest import corpus_generator

    corpus = tmp_path / "corpus"
    corpus_generator().generate(90, corpus, seed=8)
    files = sorted(corpus.glob("*.md"))
    order = files[30:60] + files[:10] + files[80:] + files[10:30] + files[60:80]  # out of date order
    store = backend.store()
    ingest(order[:30], store)
    doc = store.document(with_text=False)
    cars = [c for c in doc["caravans"] if len(c["observations"]) >= 2]
    store.correct("edit", {"fact": cars[0]["observations"][0]["fact"], "changes": {"size_low": 777, "size_high": 777}},
                  "tester")
    store.correct("move", {"fact": cars[1]["observations"][0]["fact"], "to": cars[2]["observations"][0]["fact"]},
                  "tester")
    store.correct("rename", {"anchor": cars[3]["observations"][0]["fact"], "label": "Named by an editor"}, "tester")
    for lo, hi in ((30, 31), (31, 40), (40, 52), (52, 53), (53, 75), (75, 90)):
        ingest(order[lo:hi], store)
        if lo == 40:
            doc = store.document(with_text=False)
            c = next(c for c in doc["caravans"] if len(c["observations"]) >= 3)
            store.correct("split", {"facts": [c["observations"][1]["fact"]], "label": ""}, "tester")
            store.correct("merge", {"anchor": doc["caravans"][0]["observations"][0]["fact"],
                                    "other": doc["caravans"][-1]["observations"][0]["fact"]}, "tester")
        _same_as_a_rebuild(store)
    ingest([SEEDS], store)
    _same_as_a_rebuild(store)
    assert store.counts()["articles"] == 93
