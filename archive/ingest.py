"""Files in, store out: the one path both `extract` and `ingest` take."""
from __future__ import annotations

import datetime as _dt
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
    """Read, extract and store a batch; unchanged files cost only a hash.

    `extractor`: None extracts in this process; a `parallel.DaskExtractor` fans the
    extraction out to a Dask cluster. Either way the batch is stored in one transaction.
    Concurrent ingests into one store (other processes too) wait for each other
    (`Store.writer`): the result is that of running them one after the other.
    """
    with store.writer():
        return _ingest(paths, store, published, on_file, extractor, on_extracted)


def _ingest(paths, store: Store, published, on_file, extractor, on_extracted) -> IngestResult:
    known, ids = store.known_hashes(), store.article_ids()
    result = IngestResult()
    fresh: list[tuple[Path, Article]] = []
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
        if a.content_hash in known:
            result.unchanged.append(a.id)
            continue
        known.add(a.content_hash)
        a.id = unique_id(a.id, ids)  # two files named alike in different folders
        ids.add(a.id)
        fresh.append((p, a))
    run = extractor.run(fresh, published, on_extracted) if extractor is not None else \
        extract_serial(fresh, published, on_extracted)

    def extracted():
        # Streamed into the open transaction as workers finish: a 100,000-article batch
        # never sits in memory whole. Order does not matter to what is stored.
        for path, x in run:
            if isinstance(x, ArticleExtraction):
                yield x
            else:  # an extractor bug or a file changed under us: reported with the file
                failed.append((path, str(x)))

    added = store.save(extracted())
    order = {a.id: i for i, (_, a) in enumerate(fresh)}
    result.added = sorted(added, key=lambda aid: order.get(aid, len(order)))
    result.failed = failed
    return result
