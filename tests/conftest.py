"""Shared pytest fixtures. The dashboard's are all named `dashboard_*`.

The store's: every test that takes `backend` (or `store`) runs twice: on a SQLite file,
and on PostgreSQL when CARAVAN_ATLAS_TEST_PG_URL names a server (`bash scripts/setup.sh
test` starts a throwaway one and sets it). Each PostgreSQL test gets databases of its own,
created empty and dropped afterwards. Without the URL the PostgreSQL half is skipped,
except under CI=true, where it fails: a green CI has run both back ends.
"""
from __future__ import annotations

import copy
import json
import os
import textwrap
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from archive.store import Store

XSS_TITLE = "<img src=x onerror=alert(1)> Caravan `${alert(2)}` </script><script>alert(3)</script>"
XSS_OUTLET = "Evil <b>Outlet</b>"
XSS_SENTENCE_TAIL = "<img src=x onerror=alert(5)> they chanted `${alert(6)}`."


def _place(name, lat, lon, kind="city", text=None, cc="MX", resolved=True):
    return {"text": text or name, "start": 0, "end": len(text or name), "name": name if resolved else None,
            "lat": lat if resolved else None, "lon": lon if resolved else None, "country_code": cc if resolved else None,
            "admin1": None, "kind": kind if resolved else None, "label": f"{name}, {cc}" if resolved else None,
            "resolved": resolved}


def _obs(article, role, sentence, start, *, date=None, precision=None, place=None, size=None, qualifier=None,
         also=()):
    low, high = (size if isinstance(size, tuple) else (size, size)) if size is not None else (None, None)
    return {"article": article, "role": role, "date": date, "date_precision": precision if date else None,
            "date_text": date, "size_low": low, "size_high": high,
            "size_text": None if low is None else f"{low}", "size_qualifier": qualifier if low is not None else None,
            "place": place, "evidence": {"article": article, "start": start, "end": start + len(sentence), "text": sentence},
            "also": list(also)}


def _sample_document() -> dict:
    """Two articles, three caravans, every case the map must draw: observations listed out of
    date order, an undated waypoint, a state-level place, a month-only date, destinations,
    a place-less size report, an unresolved name, and an article whose title is an XSS probe."""
    s1 = "About 3,000 migrants left Tapachula on 1 October."
    s2 = "They passed through Huixtla without a date."
    s3 = "By 5 October the caravan was in Chiapas state."
    s4 = "On 6 October they reached Mapastepec."
    s5 = "They are heading for Mexico City."
    s6 = "Organizers counted 4,000 people on 3 October."
    s7 = "They also crossed Xyzzy Creek, villagers said."
    text1 = " ".join([s1, s2, s3, s4, s5, s6, s7])
    o = {k: text1.index(v) for k, v in dict(s1=s1, s2=s2, s3=s3, s4=s4, s5=s5, s6=s6, s7=s7).items()}
    t1 = "A second group of 12,000 left Tapachula in September and reached Del Rio."
    text2 = "Intro line.\n\n" + t1 + " " + XSS_SENTENCE_TAIL
    a1 = "a1"
    caravan_a = {
        "id": "a1#1", "label": "October 2024 caravan from Tapachula", "name": None, "size_low": 3000,
        "size_high": 4000, "organizers": [], "origins": ["Honduras"], "articles": [a1],
        "observations": [
            # deliberately out of order: arrival first, departure last
            _obs(a1, "current", s4, o["s4"], date="2024-10-06", precision="day",
                 place=_place("Mapastepec", 15.43358, -92.90039)),
            _obs(a1, "current", s3, o["s3"], date="2024-10-05", precision="day",
                 place=_place("Chiapas", 16.5, -92.5, kind="admin1")),
            _obs(a1, "waypoint", s2, o["s2"], place=_place("Huixtla", 15.13878, -92.46595)),
            _obs(a1, "destination", s5, o["s5"], place=_place("Mexico City", 19.42847, -99.12766)),
            _obs(a1, "report", s6, o["s6"], date="2024-10-03", precision="day", size=4000, qualifier="exact"),
            _obs(a1, "waypoint", s7, o["s7"], date="2024-10-04", precision="day",
                 place=_place("Xyzzy Creek", None, None, resolved=False)),
            _obs(a1, "departure", s1, o["s1"], date="2024-10-01", precision="day", size=3000, qualifier="about",
                 place=_place("Tapachula", 14.90541, -92.25891)),
        ]}
    a2 = "a2"
    k = text2.index(t1)
    caravan_b = {
        "id": "a2#1", "label": "September 2024 caravan from Tapachula", "name": None, "size_low": 12000,
        "size_high": 12000, "organizers": [], "origins": [], "articles": [a2],
        "observations": [
            _obs(a2, "departure", t1, k, date="2024-09-01", precision="month", size=12000, qualifier="exact",
                 place=_place("Tapachula", 14.90541, -92.25891)),
            _obs(a2, "arrival", t1, k, date="2024-09-01", precision="month",
                 place=_place("Del Rio", 29.36273, -100.89676, cc="US")),
        ]}
    caravan_c = {  # only a destination and a country-level origin: no route can be drawn
        "id": "a2#2", "label": "Undated caravan", "name": None, "size_low": None, "size_high": None,
        "organizers": [], "origins": [], "articles": [a2],
        "observations": [
            _obs(a2, "origin", t1, k, place=_place("Honduras", 15.0, -86.5, kind="country", cc="HN")),
            _obs(a2, "destination", t1, k, place=_place("United States", 38.0, -97.0, kind="country", cc="US")),
        ]}
    return {
        "articles": [
            {"id": a1, "path": "a1.txt", "title": "Caravan sets out", "outlet": "Wire One", "published": "2024-10-07",
             "url": "https://example.org/caravan", "text": text1},
            {"id": a2, "path": "a2.txt", "title": XSS_TITLE, "outlet": XSS_OUTLET, "published": "2024-10-02",
             "url": "javascript:alert(4)", "text": text2},
        ],
        "caravans": [caravan_a, caravan_b, caravan_c],
        "toponyms": [],
    }


def write_article(folder: Path, body: str, published):
    """An article written to a file with front matter, published on the given day and read back:
    the extractor's tests read the same file form as a real article."""
    from journeys.articles import read_article
    f = folder / "a.txt"
    f.write_text(f"---\ntitle: test\npublished: {published.isoformat()}\nurl: https://example.org/a\n---\n{body}\n",
                 encoding="utf-8")
    return read_article(f)


@pytest.fixture
def dashboard_sample_document() -> dict:
    """A small hand-made extract document (fresh copy per test)."""
    return copy.deepcopy(_SAMPLE)


_SAMPLE = _sample_document()


@pytest.fixture
def dashboard_sample_document_file(tmp_path) -> Path:
    """The sample document as a JSON file (for CARAVAN_ATLAS_DOCUMENT)."""
    p = tmp_path / "dashboard-sample.json"
    p.write_text(json.dumps(_sample_document()), encoding="utf-8")
    return p


def write_dashboard_xss_articles(folder: Path) -> Path:
    """A seeds-like folder whose one article has hostile title, outlet, link and text."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "001_xss.md").write_text(textwrap.dedent(f"""\
        ---
        title: '{XSS_TITLE}'
        outlet: "{XSS_OUTLET}"
        published: 2024-03-04
        url: "javascript:alert(4)"
        ---
        TAPACHULA, Mexico (AP) — About 2,000 migrants left Tapachula on Monday, heading for Mexico City.

        The caravan reached Huixtla on Tuesday, organizers said. {XSS_SENTENCE_TAIL}
        """), encoding="utf-8")
    return folder


@pytest.fixture
def dashboard_xss_articles_dir(tmp_path) -> Path:
    return write_dashboard_xss_articles(tmp_path / "xss-articles")


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory):
    """`streamlit run` of the app on the seeds, one server per browser test module that asks
    (its log in a temp folder of its own)."""
    from browser_support import DashboardServer, server_env

    srv = DashboardServer(server_env(), tmp_path_factory.mktemp("dashboard") / "streamlit.log")
    yield srv
    srv.stop()


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_store(tmp_path_factory):
    """Nothing under test may write the user's own store (~/.local/share/caravan-atlas):
    point the default store at a temporary file for the whole session, unless a test
    run names one. Tests that need a specific store set CARAVAN_ATLAS_STORE themselves."""
    import os

    if "CARAVAN_ATLAS_STORE" in os.environ:
        yield
        return
    os.environ["CARAVAN_ATLAS_STORE"] = str(tmp_path_factory.mktemp("user-store") / "store.sqlite")
    try:
        yield
    finally:
        os.environ.pop("CARAVAN_ATLAS_STORE", None)


# =============================================================================================
# Dashboard editing and uploads (tests/test_dashboard_editing.py, test_dashboard_upload_e2e.py).
# A fresh store per test, filled from seeds/ by the dashboard on first use, and an edit password.
# =============================================================================================

DASHBOARD_EDIT_PASSWORD = "correct horse battery staple"
# A short article the extractor reads as a caravan of its own (June 2024, from Ciudad Hidalgo).
DASHBOARD_UPLOAD_BODY = (
    "CIUDAD HIDALGO, Mexico (Test Wire) — About 1,500 migrants left Ciudad Hidalgo on Saturday, "
    "heading for Mexico City.\n\nThe caravan reached Escuintla on Monday, organizers said.\n")
DASHBOARD_UPLOAD_ARTICLE = (
    '---\ntitle: "Migrants set out from Ciudad Hidalgo"\noutlet: "Test Wire"\npublished: 2024-06-10\n---\n'
    + DASHBOARD_UPLOAD_BODY)


@pytest.fixture
def dashboard_edit_env(tmp_path, monkeypatch) -> dict:
    """The dashboard on a store of its own (a temporary SQLite file) with an edit password set."""
    url = f"sqlite:///{tmp_path / 'edit-store.sqlite'}"
    for k in ("CARAVAN_ATLAS_DOCUMENT", "CARAVAN_ATLAS_ARTICLES_DIR"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("CARAVAN_ATLAS_STORE", url)
    monkeypatch.setenv("CARAVAN_ATLAS_EDIT_PASSWORD", DASHBOARD_EDIT_PASSWORD)
    return {"url": url, "password": DASHBOARD_EDIT_PASSWORD}


# --------------------------------------------------------------------------- store back ends

PG_URL_VAR = "CARAVAN_ATLAS_TEST_PG_URL"
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


class Backend:
    """Fresh, empty stores on one back end; everything made is dropped at teardown."""

    def __init__(self, name: str, tmp_path: Path, pg_admin=None):
        self.name, self._tmp, self._admin = name, tmp_path, pg_admin
        self._stores: list[Store] = []
        self._databases: list[str] = []

    def target(self, label: str = "store") -> str:
        """What `--store` takes: a SQLite file path, or a PostgreSQL URL (new database)."""
        if self.name == "sqlite":
            return str(self._tmp / f"{label}.sqlite")
        db = f"caravan_test_{uuid.uuid4().hex[:16]}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db}"'))
        self._databases.append(db)
        return self._admin.url.set(database=db).render_as_string(hide_password=False)

    def url(self, label: str = "store") -> str:
        t = self.target(label)
        return f"sqlite:///{t}" if self.name == "sqlite" else t

    def store(self, label: str = "store") -> Store:
        s = Store(self.url(label))
        self._stores.append(s)
        return s

    def close(self) -> None:
        for s in self._stores:
            s.engine.dispose()
        if self._databases:
            with self._admin.connect() as conn:
                for db in self._databases:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def _pg_admin():
    """An AUTOCOMMIT engine on the test server (CREATE/DROP DATABASE), or the reason there is none."""
    url = os.environ.get(PG_URL_VAR)
    if not url:
        yield None
        return
    engine = create_engine(make_url(url), isolation_level="AUTOCOMMIT", future=True)
    try:
        yield engine
    finally:
        engine.dispose()


def open_backend(name: str, tmp_path: Path, pg_admin) -> Backend:
    """A `Backend` on `name`; PostgreSQL without a server skips the test (fails it under CI)."""
    if name == "postgresql" and pg_admin is None:
        why = (f"{PG_URL_VAR} is not set: no PostgreSQL server to test the store on "
               "(`bash scripts/setup.sh test` starts one)")
        if IN_CI:
            pytest.fail(f"CI=true but {why}; CI must test both back ends", pytrace=False)
        pytest.skip(why)
    return Backend(name, tmp_path, pg_admin)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path, _pg_admin):
    b = open_backend(request.param, tmp_path, _pg_admin)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture()
def store(backend):
    return backend.store()


# --------------------------------------------------------------------------- a generated archive

def corpus_generator():
    """benchmarks/generate_corpus.py as a module (registered: its dataclasses need sys.modules)."""
    import importlib.util
    import sys

    name = "_bench_generate_corpus"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "benchmarks" / "generate_corpus.py"
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


# The dashboard treats a store as an archive (read a view at a time) above this many facts,
# and draws routes one by one up to DETAIL; lowered so 150 articles behave like 100,000.
ARCHIVE_LARGE_ABOVE, ARCHIVE_DETAIL = 100, 150


@pytest.fixture(scope="session")
def dashboard_archive_db(tmp_path_factory) -> Path:
    """A SQLite store of 150 generated articles and one hostile one (the latest report
    from Tapachula, with a script in its title and outlet)."""
    from archive.ingest import ingest

    corpus = tmp_path_factory.mktemp("dash-archive-corpus")
    corpus_generator().generate(150, corpus, seed=5)
    (corpus / "zz-hostile.md").write_text(
        f"---\ntitle: '{XSS_TITLE}'\noutlet: \"{XSS_OUTLET}\"\npublished: 2026-01-05\n---\n"
        "About 900 migrants left Tapachula on Monday, heading for Mexico City.\n", encoding="utf-8")
    db = tmp_path_factory.mktemp("dash-archive") / "archive.sqlite"
    store = Store(f"sqlite:///{db}")
    assert not ingest([corpus], store).failed
    store.engine.dispose()
    return db


# -- the hostile-input suite's count (tests/hostile_support.py) --------------------------------

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" and rep.failed and "hostile" in item.path.name and call.excinfo is not None \
            and not call.excinfo.errisinstance(AssertionError):
        import hostile_support
        hostile_support.TALLY["tracebacks"] += 1  # an exception escaped: what a user would see


def pytest_terminal_summary(terminalreporter):
    import sys
    hs = sys.modules.get("hostile_support")
    if hs is not None and hs.TALLY["inputs"]:
        t = hs.TALLY
        terminalreporter.write_line(
            f"hostile inputs: {t['inputs']} tried; {t['tracebacks']} tracebacks, {t['hangs']} hangs, "
            f"{t['lost']} good articles lost")
