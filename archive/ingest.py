"""Files (or articles in memory) in, store out: the one path `extract`, `ingest` and uploads take."""
from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from journeys.articles import Article, ArticleError, RefusedPath, folder_entries, identify, read_article
from journeys.extract import ArticleExtraction, extract_article
from journeys.join import join

from .parallel import extract_serial
from .store import Store


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line reason)

    def to_dict(self) -> dict:
        return {"added": self.added, "unchanged": self.unchanged,
                "failed": [{"path": p, "error": e} for p, e in self.failed]}


def unique_id(aid: str, taken: set[str]) -> str:
    """'report' is taken by another file's article: 'report-2'."""
    if aid not in taken:
        return aid
    n = 2
    while f"{aid}-{n}" in taken:
        n += 1
    return f"{aid}-{n}"


log = logging.getLogger(__name__)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Folders become the article files inside them (sorted); files stay as given. What a
    folder holds that is refused (links leading out of it, FIFOs, devices, unreadable
    subfolders: `articles.folder_entries`) is listed too, so reading it reports it."""
    out: list[Path] = []
    for p in paths:
        if isinstance(p, RefusedPath):  # expanded once already: keep its reason
            out.append(p)
            continue
        p = Path(p)
        if p.is_dir():
            out += folder_entries(p)
        else:
            out.append(p)
    return out


def extract_files(paths: Iterable[str | Path], published: _dt.date | None = None,
                  on_file: Callable[[Path], None] | None = None) -> tuple[list[ArticleExtraction], list[tuple[str, str]]]:
    done, failed = [], []
    for p in expand(paths):
        if on_file:
            on_file(p)
        try:
            done.append(extract_article(read_article(p, published=published)))
        except ArticleError as e:
            failed.append((e.path, e.message))
    return done, failed


def document(extracted: list[ArticleExtraction]) -> dict:
    """The `extract --json` document: articles, joined caravans, toponyms."""
    caravans = join([c for x in extracted for c in x.caravans])
    return {
        "articles": [{"id": x.article.id, "path": x.article.path, "title": x.article.title,
                      "outlet": x.article.outlet,
                      "published": x.article.published.isoformat() if x.article.published else None,
                      "url": x.article.url} for x in extracted],
        "caravans": [c.to_dict() for c in caravans],
        "toponyms": [{"article": x.article.id, "start": t.start, "end": t.end, "text": t.text, "kind": t.kind,
                      "name": t.place.name if t.place else None, "lat": t.place.lat if t.place else None,
                      "lon": t.place.lon if t.place else None,
                      "country_code": t.place.country_code if t.place else None}
                     for x in extracted for t in x.toponyms],
    }


def ingest(paths: Iterable[str | Path], store: Store, published: _dt.date | None = None,
           on_file: Callable[[Path], None] | None = None, extractor=None,
           on_extracted: Callable[[str], None] | None = None) -> IngestResult:
    """Read, extract and store a batch of files; unchanged files cost only a hash.

    `extractor`: None extracts in this process; a `parallel.DaskExtractor` fans the
    reading and extraction out to a Dask cluster. Either way the batch is stored in one
    transaction. Concurrent ingests into one store (other processes too) wait for each
    other (`Store.writer`): the result is that of running them one after the other.
    """
    with store.writer():
        return _ingest(paths, store, published, on_file, extractor, on_extracted)


@dataclass
class Stored:
    """What became of one article given to `ingest_articles`."""
    status: str  # "added" | "unchanged" | "failed"
    article: str | None = None  # added: its id in the store (made unique there)
    reason: str = ""  # failed: one line saying why
    same_as: int | None = None  # unchanged as a repeat of an earlier input: that input's index


def ingest_articles(articles: Iterable[Article], store: Store, extractor=None,
                    on_extracted: Callable[[str], None] | None = None) -> list[Stored]:
    """Articles already in memory (an upload, pasted text) extracted and stored the way
    files are, in one transaction: one outcome per article, in the order given. An article
    whose text is stored already, or given earlier in the batch, is unchanged; ids taken
    are made unique (`unique_id`). `on_extracted(path)` after each extraction."""
    items = [(a.path, a) for a in articles]
    with store.writer():
        return _store(items, store, extractor, on_extracted)


def _ingest(paths, store: Store, published, on_file, extractor, on_extracted) -> IngestResult:
    items: list[tuple[str, Article]] = []
    failed: list[tuple[str, str]] = []
    for p in expand(paths):
        if on_file:
            on_file(p)
        try:
            if extractor is None:
                a = read_article(p, published=published)
            else:  # workers read and parse; here only what tells new from known
                digest, stem = identify(p)
                a = Article(id=stem, path=str(p), title=None, outlet=None, published=None, url=None,
                            content_hash=digest)
        except ArticleError as e:
            failed.append((e.path, e.message))
            continue
        items.append((str(p), a))
    stems = [a.id for _, a in items]  # before `_store` makes new ids unique
    outcomes = _store(items, store, extractor, on_extracted, published=published, read=extractor is not None)
    return IngestResult(
        added=[o.article for o in outcomes if o.status == "added"],
        unchanged=[stem for stem, o in zip(stems, outcomes) if o.status == "unchanged"],
        failed=failed + [(name, o.reason) for (name, _), o in zip(items, outcomes) if o.status == "failed"])


def _store(items: list[tuple[str, Article]], store: Store, extractor, on_extracted,
           published: _dt.date | None = None, read: bool = False) -> list[Stored]:
    """The one path into the store: (name, article) -> one outcome each, in order. `read`:
    the articles are ids and content hashes only, and the extractor reads each file."""
    known, ids = store.known_hashes(), store.article_ids()
    out: list[Stored | None] = [None] * len(items)
    first: dict[str, int] = {}  # content hash -> the input that brought it
    fresh: list[tuple[str, Article]] = []
    index: dict[str, int] = {}  # unique id -> its input
    for k, (name, a) in enumerate(items):
        if a.content_hash in known:
            out[k] = Stored("unchanged", same_as=first.get(a.content_hash))
            continue
        known.add(a.content_hash)
        first[a.content_hash] = k
        a.id = unique_id(a.id, ids)  # two files named alike in different folders
        ids.add(a.id)
        index[a.id] = k
        fresh.append((name, a))
    run = extractor.run(fresh, published, read, on_extracted) if extractor is not None else \
        extract_serial(fresh, on_extracted)
    failures: dict[str, str] = {}

    def extracted():
        # Streamed into the open transaction as workers finish: a 100,000-article batch
        # never sits in memory whole. Order does not matter to what is stored.
        for aid, x in run:
            if isinstance(x, ArticleExtraction):
                if x.unread:  # a 10 MB list or table: what the caps left is said, not dropped
                    log.warning("%s", x.unread_note())
                yield x
            else:  # an extractor bug or a file changed under us: reported with the article
                failures[aid] = str(x)

    added = set(store.save(extracted()))
    for aid, k in index.items():
        out[k] = (Stored("failed", reason=failures[aid]) if aid in failures
                  else Stored("added", article=aid) if aid in added
                  else Stored("unchanged"))  # stored meanwhile: a file that changed under us
    return out
