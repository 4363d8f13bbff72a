"""Saving what extraction produced: new articles and their extractions in, each article's reading redone."""
from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from .regrouping import add, rebuild
from .schema import articles, extractions, toponyms

if TYPE_CHECKING:
    from journeys.extract import ArticleExtraction

EXTRACTOR_VERSION = "1"


def save(engine, extracted: Iterable[ArticleExtraction]) -> list[str]:
    """Store new articles and their extractions, then rebuild the joined tables; one
    transaction. Articles whose content is already stored are skipped (ids returned
    are the ones added). `extracted` may be a generator: each is written as it comes."""
    added: list[str] = []
    now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    with engine.begin() as conn:
        have = set(conn.scalars(select(articles.c.content_hash)))
        art_rows: list[dict] = []
        ext_rows: list[dict] = []
        top_rows: list[dict] = []

        def flush() -> None:  # one executemany per table per chunk, not one statement per row
            for table, rows in ((articles, art_rows), (extractions, ext_rows), (toponyms, top_rows)):
                if rows:
                    conn.execute(insert(table), rows)
                    rows.clear()

        for x in extracted:
            a = x.article
            if a.content_hash in have:
                continue
            aid = a.id  # made unique by the pipeline before extraction (evidence carries it)
            have.add(a.content_hash)
            art_rows.append(dict(
                id=aid, path=a.path, title=a.title, outlet=a.outlet, published=a.published, url=a.url,
                text=a.text, content_hash=a.content_hash, meta=_jsonable(a.meta), ingested_at=now))
            ext_rows.append(dict(article_id=aid, extractor_version=EXTRACTOR_VERSION,
                                 caravans=[c.to_dict() for c in x.caravans]))
            top_rows.extend(dict(article_id=aid, start=t.start, end=t.end, text=t.text, kind=t.kind,
                                 name=t.place.name if t.place else None, lat=t.place.lat if t.place else None,
                                 lon=t.place.lon if t.place else None,
                                 country_code=t.place.country_code if t.place else None) for t in x.toponyms)
            added.append(aid)
            if len(art_rows) >= 500:
                flush()
        flush()
        if added:
            add(conn, added)
    return added


def reextract(engine, extract=None) -> int:
    """Read every stored article again with the current extractor (e.g. after an
    upgrade) and rebuild; corrections are re-applied. Returns the number re-read."""
    from journeys.articles import Article as _Article
    from journeys.extract import extract_article

    extract = extract or extract_article
    with engine.begin() as conn:
        arts = [dict(r._mapping) for r in conn.execute(select(articles))]
        for a in arts:
            art = _Article(id=a["id"], path=a["path"], title=a["title"], outlet=a["outlet"],
                           published=a["published"], url=a["url"], meta=a["meta"] or {}, text=a["text"],
                           content_hash=a["content_hash"])
            docs = [c.to_dict() for c in extract(art).caravans]
            conn.execute(update(extractions).where(extractions.c.article_id == a["id"])
                         .values(caravans=docs, extractor_version=EXTRACTOR_VERSION))
        rebuild(conn)
    return len(arts)


def _jsonable(meta: dict) -> dict:
    return json.loads(json.dumps(meta, default=str))
