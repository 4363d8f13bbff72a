"""The store: one object for every write and the reads that are not views (its jobs live beside it).

SQLite by default, any SQLAlchemy URL by option or `CARAVAN_ATLAS_STORE` (portable
Core SQL only: PostgreSQL works through the same code).

- `articles` keeps the text and metadata; its content hash makes re-ingesting a no-op.
- `extractions` keeps each article's own reading (its caravans as JSON), so joining
  across articles can be redone without re-reading any file.
- `corrections` keeps what editors changed (who, when, what), apart from extraction.
- `caravans` / `observations` / `toponyms` are the joined, queryable result, derived from
  `extractions` plus `corrections` in the same transaction as every ingest or correction,
  so the result depends only on which articles are stored and what was corrected, never
  on batch order, and no correction is lost to re-extraction. New articles and new
  corrections update only what they can change (`regrouping.add`,
  `correcting.apply_correction`; tests hold both to a full `regrouping.rebuild`, which
  re-extraction and upgrades of older stores use).
A batch is one transaction: a failure leaves the store exactly as it was.

Each job has its own file: `schema` (tables), `migration` (older stores brought up to
date), `saving` (new articles and extractions), `regrouping` (the joined tables),
`correcting` (corrections recorded and applied), `document` (the store read back whole),
`locking` (one writer at a time). This file holds the connection and hands each call on.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from journeys.model import Caravan, caravan_from_dict

from . import correcting, locking, migration, regrouping, saving
from .document import read_document
from .saving import EXTRACTOR_VERSION  # noqa: F401  (a store's version of the extractor, for callers)
from .schema import articles, caravans, corrections, observations, store_meta, toponyms  # noqa: F401

if TYPE_CHECKING:  # the extractor is imported by what writes (saving, regrouping), not by a reader
    from journeys.extract import ArticleExtraction


def default_url() -> str:
    env = os.environ.get("CARAVAN_ATLAS_STORE")
    if env:
        return env if "://" in env else f"sqlite:///{Path(env).resolve()}"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "caravan-atlas"
    base.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{base / 'store.sqlite'}"


_URL_PASSWORD = re.compile(r"(?P<pre>^[^:/?#]+://[^:/?#@]*:)(?P<pw>[^@]*)(?P<post>@)")


def mask_url(url: str) -> str:
    """A store URL fit for a message: its password shown as ***, even when the URL is
    too broken for SQLAlchemy to read."""
    m = _URL_PASSWORD.search(url or "")
    return _URL_PASSWORD.sub(r"\g<pre>***\g<post>", url, count=1) if m and m["pw"] else (url or "")


def mask_secrets(text: str, url: str) -> str:
    """`text` (an error message) with the URL's password (as written or decoded) masked."""
    from urllib.parse import unquote

    m = _URL_PASSWORD.search(url or "")
    out = text.replace(url, mask_url(url)) if url else text
    if m and m["pw"]:
        for pw in {m["pw"], unquote(m["pw"])}:
            out = out.replace(pw, "***")
    return out


class Store:
    def __init__(self, url: str | None = None, engine: Engine | None = None):
        self.url = url or default_url()
        self.engine = engine or create_engine(self.url, future=True)
        with self.writer():  # two processes opening a fresh store must not both create it
            migration.migrate(self.engine)

    def writer(self):
        """Held while this process writes (`locking.writer`): concurrent writers of one
        store run one after the other. Re-entrant within a process."""
        return locking.writer(self.engine)

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    # -- writing ---------------------------------------------------------------------------
    def known_hashes(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.scalars(select(articles.c.content_hash)))

    def article_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.scalars(select(articles.c.id)))

    def save(self, extracted: Iterable[ArticleExtraction]) -> list[str]:
        """Store new articles and their extractions, then join them in; one transaction.
        Articles whose content is already stored are skipped (ids returned are the ones
        added). `extracted` may be a generator: each is written as it comes."""
        return saving.save(self.engine, extracted)

    def _rebuild(self, conn) -> None:
        """Every joined table derived again in `conn`'s transaction (`regrouping.rebuild`)."""
        regrouping.rebuild(conn)

    def reextract(self, extract=None) -> int:
        """Read every stored article again with the current extractor (e.g. after an
        upgrade) and rebuild; corrections are re-applied. Returns the number re-read."""
        with self.writer():
            return saving.reextract(self.engine, extract)

    # -- corrections ------------------------------------------------------------------------
    def correct(self, action: str, payload: dict, editor: str, note: str | None = None) -> int:
        """Record one correction and apply it, in one transaction; returns its id. Raises
        CorrectionError (nothing stored) when it is malformed or finds nothing to act on."""
        return correcting.correct(self.engine, action, payload, editor, note)

    def corrections(self) -> list[dict]:
        return correcting.listed(self.engine)

    def history(self, fact: str) -> list[dict]:
        """Every correction that touched this fact, oldest first (who, when, what)."""
        return correcting.history(self.engine, fact)

    # -- reading -----------------------------------------------------------------------------
    def version(self) -> str:
        """Changes whenever what the dashboard shows may have changed (new articles,
        corrections): a cheap cache key for readers."""
        with self.engine.connect() as conn:
            n_art = conn.scalar(select(func.count()).select_from(articles))
            last_art = conn.scalar(select(func.max(articles.c.ingested_at)))
            n_cor = conn.scalar(select(func.count()).select_from(corrections))
            last_cor = conn.scalar(select(func.max(corrections.c.id)))
            n_obs = conn.scalar(select(func.count()).select_from(observations))
            gen = conn.scalar(select(store_meta.c.value).where(store_meta.c.key == "generation"))
        return f"{n_art}:{last_art}:{n_cor}:{last_cor}:{n_obs}:{gen}"

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {t.name: conn.scalar(select(func.count()).select_from(t))
                    for t in (articles, caravans, observations, toponyms)}

    def document(self, with_text: bool = True, caravan_ids: Iterable[str] | None = None) -> dict:
        """The whole store as the `extract --json` document (what the dashboard reads), or
        with `caravan_ids` just those caravans, their articles and no toponyms: the part of a
        large archive a view needs."""
        with self.engine.connect() as conn:
            return read_document(conn, with_text, caravan_ids)

    def caravans(self) -> list[Caravan]:
        return [caravan_from_dict(d) for d in self.document(with_text=False)["caravans"]]
