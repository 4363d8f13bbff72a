"""Where the dashboard gets its document: the store, the one seam to the rest of the project.

The app reads only the store (`archive.store.Store.document()`, the shape of
`caravan-atlas extract --json`). Which store:

- `CARAVAN_ATLAS_STORE` (or the `store_url` secret the app passes in): any SQLAlchemy
  URL or SQLite path — a hosted instance points this at PostgreSQL;
- otherwise the default store of the command line
  (`~/.local/share/caravan-atlas/store.sqlite`), built from `seeds/` on first run;
- `CARAVAN_ATLAS_ARTICLES_DIR` names a folder of articles to show instead: a store of its
  own (a temporary SQLite file per folder) is built from it, and files added later are
  ingested when they appear;
- `CARAVAN_ATLAS_DOCUMENT` names a ready JSON document instead of a store (benchmarks).

A store holding more than `large_above()` facts is an archive: it is never read whole.
The sidebar reads its catalogue, a view's caravans are read only when they hold at most
`detail_limit()` facts, and larger views are shown as per-place totals (`archive.views`).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

STORE_ENV = "CARAVAN_ATLAS_STORE"
ARTICLES_DIR_ENV = "CARAVAN_ATLAS_ARTICLES_DIR"
DOCUMENT_ENV = "CARAVAN_ATLAS_DOCUMENT"
LARGE_ABOVE_ENV = "CARAVAN_ATLAS_LARGE_ABOVE"  # facts; tests lower it to see an archive's view
DETAIL_LIMIT_ENV = "CARAVAN_ATLAS_DETAIL_LIMIT"
# Up to DETAIL_LIMIT facts a view is drawn route by route, stop by stop (about 1 MB of map
# and 0.4 s a rerun at 4,700 facts); beyond, as per-place totals. A store up to LARGE_ABOVE
# facts is read whole; a larger one a view at a time.
DETAIL_LIMIT = 4_000
LARGE_ABOVE = DETAIL_LIMIT
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

# What the first-run ingest could not read, per store URL (shown, never hidden).
_problems: dict[str, list[str]] = {}


def store_url(secrets: Mapping | None = None) -> str:
    """The store this dashboard reads (see the module docstring)."""
    from archive.store import default_url

    folder = os.environ.get(ARTICLES_DIR_ENV)
    if folder:  # a store of that folder's own, beside nothing else
        key = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:12]
        return f"sqlite:///{Path(tempfile.gettempdir()) / f'caravan-atlas-dashboard-{key}.sqlite'}"
    url = os.environ.get(STORE_ENV) or (secrets or {}).get("store_url")
    if url:
        return url if "://" in url else f"sqlite:///{Path(url).resolve()}"
    return default_url()


def articles_folder() -> Path:
    return Path(os.environ.get(ARTICLES_DIR_ENV) or SEEDS_DIR)


def source_location(secrets: Mapping | None = None) -> str:
    """A JSON document's path, or the store URL (used as the cache key)."""
    return os.environ.get(DOCUMENT_ENV) or store_url(secrets)


_stores: dict = {}


def open_store(url: str):
    """One Store (and connection pool) per URL for the life of the server; a store
    that is empty is filled from the articles folder first."""
    from archive.store import Store

    store = _stores.get(url)
    if store is None:
        store = _stores[url] = Store(url)
    folder = articles_folder()
    # The seeds (or the named folder) fill an empty store; a named folder is re-read so
    # that files added to it appear. An existing user store is never touched.
    if os.environ.get(ARTICLES_DIR_ENV) or store.counts()["articles"] == 0:
        if not folder.is_dir():
            raise FileNotFoundError(f"articles folder not found: {folder}")
        from archive.ingest import ingest  # the extractor, only when there is something to read
        result = ingest([folder], store)
        if result.failed:
            _problems[url] = [f"{p}: {e}" for p, e in result.failed]
    return store


def fingerprint(location: str) -> str:
    """Changes whenever the document may have changed."""
    if "://" not in location:  # a JSON document
        st = Path(location).stat()
        return f"{location}:{st.st_size}:{st.st_mtime_ns}"
    return open_store(location).version()


def load_document(location: str | Path | None = None) -> dict:
    """The document the dashboard shows (see the module docstring)."""
    loc = str(location) if location is not None else source_location()
    if "://" not in loc:
        p = Path(loc)
        if p.is_file() and p.suffix.lower() == ".json":
            return _normalise(json.loads(p.read_text(encoding="utf-8")))
        raise FileNotFoundError(f"not a store URL or a JSON document: {loc}")
    doc = open_store(loc).document()
    if _problems.get(loc):
        doc["problems"] = list(_problems[loc])
    return _normalise(doc)


def _normalise(doc: dict) -> dict:
    """Missing optional keys filled in, so the rest of the dashboard can index freely."""
    doc.setdefault("articles", [])
    doc.setdefault("caravans", [])
    doc.setdefault("toponyms", [])
    for a in doc["articles"]:
        for k in ("path", "title", "outlet", "published", "url"):
            a.setdefault(k, None)
        a.setdefault("text", "")
    for c in doc["caravans"]:
        c.setdefault("label", c.get("id", ""))
        c.setdefault("name", None)
        c.setdefault("organizers", [])
        c.setdefault("origins", [])
        c.setdefault("articles", [])
        c.setdefault("observations", [])
        for o in c["observations"]:
            for k in ("date", "date_precision", "date_text", "size_low", "size_high", "size_text",
                      "size_qualifier", "place", "fact"):
                o.setdefault(k, None)
            o.setdefault("also", [])
            o.setdefault("rejected", False)
            o.setdefault("corrections", [])
    return doc


# --------------------------------------------------------------------------- large archives


def _int_env(name: str, default: int) -> int:
    try:
        return max(0, int(os.environ.get(name, default)))
    except ValueError:
        return default


def large_above() -> int:
    return _int_env(LARGE_ABOVE_ENV, LARGE_ABOVE)


def detail_limit() -> int:
    return _int_env(DETAIL_LIMIT_ENV, DETAIL_LIMIT)


def is_archive(location: str) -> bool:
    """A store too large to read whole (a JSON document never is: it was read whole)."""
    if "://" not in location:
        return False
    from archive.store import observations
    from sqlalchemy import func, select

    with open_store(location).engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(observations)) or 0) > large_above()


def catalogue(location: str):
    from archive import views
    return views.catalogue(open_store(location))


def window_document(location: str, caravan_ids: tuple) -> dict:
    """The part of the store a view needs: these caravans and their articles."""
    return _normalise(open_store(location).document(caravan_ids=caravan_ids))


def problems(location: str) -> list[str]:
    """What the first-run ingest of this store could not read."""
    return list(_problems.get(location) or [])


def archive_store(location: str):
    """The store behind an archive view (for `archive.views` queries)."""
    return open_store(location)
