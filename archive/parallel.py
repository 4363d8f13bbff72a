"""Extraction on Dask: a local cluster (all cores) by default, or a running scheduler.

The same code path either way: `DaskExtractor(scheduler=None)` starts a
`distributed.LocalCluster` of worker processes; `DaskExtractor("tcp://host:8786")`
connects to a team's cluster. Work goes out in chunks of articles (files the workers
read, or articles already in memory), because one small article is far cheaper to
extract than a round trip to a worker; each worker loads the gazetteer index once and
keeps it.

Only reading and extraction run remotely. Joining caravans and writing the store stay
in the calling process, in one transaction, exactly as for a serial ingest: the result
cannot depend on which worker read which file, or in which order.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
from collections.abc import Callable, Iterator

from journeys.articles import Article, ArticleError, read_article
from journeys.extract import extract_article

CHUNK = 25  # articles per task: amortises scheduling (~1 ms) over ~25 x 5-15 ms of work


def _extract_chunk(items: list[tuple[str, str, _dt.date | None] | Article]) -> list[tuple[str, object]]:
    """Runs on a worker: each item is a file to read, (path, id, published), or an article
    already in memory; extracted -> (article id, extraction or one-line error text)."""
    out: list[tuple[str, object]] = []
    for item in items:
        aid = item.id if isinstance(item, Article) else item[1]
        try:
            if isinstance(item, Article):
                article = item
            else:
                path, aid, published = item
                article = read_article(path, published=published)
                article.id = aid
            x = extract_article(article)
            x.sentences = []  # not needed by the store: less to send back
            for t in x.toponyms:  # the store keeps each mention's reading, not its runners-up
                t.candidates = t.candidates[:3] if t.place is None else []
            out.append((aid, x))
        except ArticleError as e:
            out.append((aid, e.message))
        except Exception as e:  # an extractor bug costs one article, not the batch
            out.append((aid, f"extraction failed: {type(e).__name__}: {e}"))
    return out


class DaskExtractor:
    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        from distributed import Client, LocalCluster

        self.scheduler = scheduler
        if scheduler:
            self.cluster = None
            self.client = Client(scheduler)
        else:
            n = workers or os.cpu_count() or 1
            # Processes, one thread each: extraction is pure Python and holds the GIL.
            # The cluster's chatter - including tracebacks its workers log while shutting
            # down - is kept off the user's terminal (silence_logs covers the workers, the
            # logger level this process's scheduler); its diagnostics page takes any free
            # port, so two clusters never fight over one.
            logging.getLogger("distributed").setLevel(logging.ERROR)
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                        dashboard_address="127.0.0.1:0", host="127.0.0.1",
                                        silence_logs=logging.CRITICAL)
            self.client = Client(self.cluster)

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def run(self, items: list[tuple[str, Article]], published: _dt.date | None, read: bool,
            on_done: Callable[[str], None] | None = None) -> Iterator[tuple[str, object]]:
        """(article id, extraction or error text) for each (name, article), as workers finish.
        `read`: the articles are only ids and each worker reads its file (`name`) itself;
        otherwise the articles in memory are sent. `on_done(name)` after each."""
        from distributed import as_completed

        work = [(str(name), a.id, published) if read else a for name, a in items]
        name_of = {a.id: str(name) for name, a in items}
        chunks = [work[i:i + CHUNK] for i in range(0, len(work), CHUNK)]
        futures = self.client.map(_extract_chunk, chunks, pure=False)
        for fut in as_completed(futures):
            for aid, result in fut.result():
                if on_done:
                    on_done(name_of[aid])
                yield aid, result

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def extract_serial(items: list[tuple[str, Article]],
                   on_done: Callable[[str], None] | None = None) -> Iterator[tuple[str, object]]:
    """The in-process path (small batches, uploads, tests): the articles are in memory;
    yields what DaskExtractor.run does, in the order given."""
    for name, a in items:
        try:
            x: object = extract_article(a)
        except Exception as e:
            x = f"extraction failed: {type(e).__name__}: {e}"
        if on_done:
            on_done(str(name))
        yield a.id, x
