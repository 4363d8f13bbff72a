"""The store: articles, what was extracted from each, and the joined caravans.

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
  corrections update only what they can change (`_add`, `_apply_correction`; tests hold
  both to a full `_rebuild`, which re-extraction and upgrades of older stores use).
A batch is one transaction: a failure leaves the store exactly as it was.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, delete, func, insert, inspect, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine

from journeys.extract import ArticleExtraction
from journeys.extract import caravan_label
from journeys.join import JOIN_DAYS, _distinct_labels, anchors, departure_keys, label_with_size, merge_groups, regroup
from journeys.model import Caravan, caravan_from_dict

from .corrections import Correction, CorrectionError, fact_key, validate
from .corrections import apply as apply_corrections
from .schema import (articles, caravan_articles, caravans, corrections, extractions, local_caravans, metadata,  # noqa: F401
                     observations, store_meta, toponyms)
from .views import keep_everything

EXTRACTOR_VERSION = "1"


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


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line reason)

    def to_dict(self) -> dict:
        return {"added": self.added, "unchanged": self.unchanged,
                "failed": [{"path": p, "error": e} for p, e in self.failed]}


class Store:
    def __init__(self, url: str | None = None, engine: Engine | None = None):
        self.url = url or default_url()
        self.engine = engine or create_engine(self.url, future=True)
        with self.writer():  # two processes opening a fresh store must not both create it
            self._migrate()

    @contextmanager
    def writer(self):
        """Held while this process writes: other writers of the same store (other processes,
        other threads) wait for it, so concurrent ingests, corrections and re-extractions
        run one after the other, with the result of running them in sequence — not
        'database is locked' or a unique-key violation for the batch that lost the race.
        SQLite: an exclusive lock on a `.lock` file beside the database; PostgreSQL: a
        session advisory lock. Re-entrant within a process."""
        key, acquire = self._writer_lock()
        with _WRITER_LOCKS.setdefault(key, threading.RLock()):
            depth = _WRITER_DEPTH.get(key, 0)
            release = acquire() if depth == 0 else None
            _WRITER_DEPTH[key] = depth + 1
            try:
                yield
            finally:
                _WRITER_DEPTH[key] -= 1
                if release is not None:
                    release()

    def _writer_lock(self):
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            path = str(Path(url.database).resolve()) + ".lock"

            def acquire():
                import fcntl
                try:
                    fh = open(path, "a+b")
                except OSError:  # a read-only folder: nobody can write there either
                    return lambda: None
                fcntl.flock(fh, fcntl.LOCK_EX)

                def release():
                    fcntl.flock(fh, fcntl.LOCK_UN)
                    fh.close()
                return release
            return f"sqlite:{path}", acquire
        if url.get_backend_name() == "postgresql":
            def acquire():
                conn = self.engine.connect()
                conn.execute(sql_text("SELECT pg_advisory_lock(:k)"), {"k": _PG_WRITER_KEY})
                conn.commit()

                def release():
                    try:
                        conn.execute(sql_text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_WRITER_KEY})
                        conn.commit()
                    finally:
                        conn.close()
                return release
            return f"pg:{url.render_as_string(hide_password=True)}", acquire
        return f"other:{id(self.engine)}", lambda: (lambda: None)

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    def _migrate(self) -> None:
        """Create what is missing. The joined tables are derived data: when their layout
        changed (an older version made them), drop and rebuild them from the extractions;
        articles, extractions and corrections are never dropped."""
        insp = inspect(self.engine)
        derived = (caravan_articles, observations, caravans, local_caravans)  # dropped in this order (foreign keys)
        stale = [t for t in derived if insp.has_table(t.name)
                 and {c["name"] for c in insp.get_columns(t.name)} != {c.name for c in t.columns}]
        missing = insp.has_table(articles.name) and not all(insp.has_table(t.name) for t in derived)
        if stale:  # drop every derived table: they are rebuilt together
            stale = [t for t in derived if insp.has_table(t.name)]
        with self.engine.begin() as conn:
            for t in stale:
                t.drop(conn)
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:  # indexes added since the tables were made
            for t in metadata.sorted_tables:
                for ix in t.indexes:
                    ix.create(conn, checkfirst=True)
        if stale or missing:
            with self.engine.begin() as conn:
                self._rebuild(conn)

    # -- writing ---------------------------------------------------------------------------
    def known_hashes(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.scalars(select(articles.c.content_hash)))

    def article_ids(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.scalars(select(articles.c.id)))

    def save(self, extracted: Iterable[ArticleExtraction]) -> list[str]:
        """Store new articles and their extractions, then rebuild the joined tables; one
        transaction. Articles whose content is already stored are skipped (ids returned
        are the ones added). `extracted` may be a generator: each is written as it comes."""
        added: list[str] = []
        now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
        with self.engine.begin() as conn:
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
                self._add(conn, added)
        return added

    def _rebuild(self, conn) -> None:
        local, of_article = [], {}
        for aid, docs in conn.execute(select(extractions.c.article_id, extractions.c.caravans)):
            for d in docs:
                local.append(caravan_from_dict(d))
                of_article[local[-1].id] = aid
        keys = departure_keys(local)
        root = anchors(keys)
        conn.execute(delete(local_caravans))
        self._insert_locals(conn, [(c.id, of_article[c.id]) for c in local], keys, root)
        # What people corrected is applied on top of every fresh join, so it survives new
        # articles and re-extraction alike.
        fixes = [_correction(dict(r._mapping)) for r in conn.execute(select(corrections))]
        joined, unmatched = apply_corrections(merge_groups(local, root), fixes, in_place=True)
        base = _base_labels(joined)
        _distinct_labels([c for c in joined if not c.renamed])
        missing = {c.id for c in unmatched}
        for c in fixes:
            conn.execute(update(corrections).where(corrections.c.id == c.id).values(matched=c.id not in missing))
        conn.execute(delete(observations))
        conn.execute(delete(caravan_articles))
        conn.execute(delete(caravans))
        # Journey order of the document: by first reported date (any fact), then id.
        joined.sort(key=lambda c: (_order_date(c) or _dt.date.max, c.id))
        # Ids 1..n on every rebuild, given explicitly: SQLite would reuse them after the
        # delete anyway, but a PostgreSQL sequence keeps counting (and is not rolled back).
        self._insert(conn, joined, base, first_id=1)
        self._derived_changed(conn)

    def _insert_locals(self, conn, ids: list[tuple[str, str]], keys: dict, root: dict) -> None:
        rows = [dict(id=i, article_id=a, root=root.get(i, i), dep_date=keys[i][0] if i in keys else None,
                     dep_lat=keys[i][1] if i in keys else None, dep_lon=keys[i][2] if i in keys else None)
                for i, a in ids]
        for k in range(0, len(rows), 5000):
            conn.execute(insert(local_caravans), rows[k:k + 5000])

    def _add(self, conn, added: list[str]) -> None:
        """New articles joined into what is stored, touching only the caravans they can
        change: the groups the join regroups (`join.regroup`), every caravan sharing an
        article with them, and whatever the corrections on those touch — re-merged from
        their articles' extractions, those corrections re-applied in order. What it gives
        is what a full rebuild gives (tested); a store from before local caravans were kept
        is rebuilt once instead."""
        has_locals = conn.scalar(select(func.count()).select_from(local_caravans))
        n_articles = conn.scalar(select(func.count()).select_from(articles))
        if not has_locals or (len(added) > 1000 and len(added) * 5 > n_articles):
            return self._rebuild(conn)  # a first or a very large batch: joining all at once is cheaper
        new_local, of_article = [], {}
        for i in range(0, len(added), 500):
            for aid, docs in conn.execute(select(extractions.c.article_id, extractions.c.caravans)
                                          .where(extractions.c.article_id.in_(added[i:i + 500]))):
                for d in docs:
                    new_local.append(caravan_from_dict(d))
                    of_article[new_local[-1].id] = aid
        new_keys = departure_keys(new_local)
        # The replay starts at the first new departure and looks back at most JOIN_DAYS:
        # earlier departures are never read.
        since = min((k[0] for k in new_keys.values()), default=_dt.date.max) - _dt.timedelta(days=JOIN_DAYS)
        old = conn.execute(select(local_caravans.c.id, local_caravans.c.root, local_caravans.c.dep_date,
                                  local_caravans.c.dep_lat, local_caravans.c.dep_lon)
                           .where(local_caravans.c.dep_date >= since)).all()
        keys = {r.id: (r.dep_date, r.dep_lat, r.dep_lon) for r in old}
        old_root = {r.id: r.root for r in old}
        keys.update(new_keys)
        changed = regroup(keys, old_root, set(new_keys))
        changed.update({c.id: c.id for c in new_local if c.id not in new_keys})

        def article_of(local_id: str) -> str:
            return of_article.get(local_id) or local_id.rsplit("#", 1)[0]

        def fact_article(key: str) -> str:
            return key.rsplit(":", 2)[0]

        fixes = [_correction(dict(r._mapping)) for r in conn.execute(select(corrections).order_by(corrections.c.id))]
        roots = set(changed.values()) | {old_root[i] for i in changed if i in old_root}
        arts: set[str] = set(added)
        while True:  # the closure: groups → their articles → those articles' groups, and corrections
            members = {i for i in changed if changed[i] in roots}
            for part in _chunks(sorted(roots)):
                members |= {i for (i,) in conn.execute(select(local_caravans.c.id)
                                                       .where(local_caravans.c.root.in_(part))) if i not in changed}
            grown = arts | {article_of(i) for i in members}
            for c in fixes:
                hit = {fact_article(k) for k in c.facts()}
                if hit & grown:
                    grown |= hit
            more = set(roots)
            for part in _chunks(sorted(grown)):
                more |= {changed.get(i, r) for i, r in conn.execute(
                    select(local_caravans.c.id, local_caravans.c.root).where(local_caravans.c.article_id.in_(part)))}
            more |= {changed[c.id] for c in new_local}
            if grown == arts and more == roots:
                break
            arts, roots = grown, more
        # Out with every stored caravan holding a fact of those articles (only they can change)...
        gone: set[str] = set()
        for part in _chunks(sorted(arts)):
            gone |= set(conn.scalars(select(observations.c.caravan_id).where(observations.c.article_id.in_(part))))
        old_bases = set()
        for part in _chunks(sorted(gone)):
            old_bases |= set(conn.scalars(select(caravans.c.base_label).where(caravans.c.id.in_(part))))
            conn.execute(delete(observations).where(observations.c.caravan_id.in_(part)))
            conn.execute(delete(caravan_articles).where(caravan_articles.c.caravan_id.in_(part)))
            conn.execute(delete(caravans).where(caravans.c.id.in_(part)))
        # ... and in with them again, from their articles' extractions.
        for i, r in changed.items():
            if i in old_root:
                conn.execute(update(local_caravans).where(local_caravans.c.id == i).values(root=r))
        self._insert_locals(conn, [(c.id, of_article[c.id]) for c in new_local], new_keys, changed)
        local, root = [], {}
        for part in _chunks(sorted(arts)):
            for (docs,) in conn.execute(select(extractions.c.caravans).where(extractions.c.article_id.in_(part))):
                local += [caravan_from_dict(d) for d in docs]
            root.update(conn.execute(select(local_caravans.c.id, local_caravans.c.root)
                                     .where(local_caravans.c.article_id.in_(part))).all())
        mine = [c for c in fixes if {fact_article(k) for k in c.facts()} & arts]
        out, unmatched = apply_corrections(merge_groups(local, root), mine, in_place=True)
        missing = {c.id for c in unmatched}
        for c in mine:
            conn.execute(update(corrections).where(corrections.c.id == c.id).values(matched=c.id not in missing))
        base = _base_labels(out)
        self._insert(conn, out, base, first_id=(conn.scalar(select(func.max(observations.c.id))) or 0) + 1,
                     positions=False)
        self._relabel(conn, (old_bases | set(base.values())) - {None})
        self._reorder(conn)
        self._derived_changed(conn)

    def _insert(self, conn, cars: list[Caravan], base: dict, first_id: int, positions: bool = True) -> None:
        """Rows of these caravans: caravans (in this order, unless `positions` is False), links
        to their articles, observations numbered from `first_id`."""
        if not cars:
            return
        conn.execute(insert(caravans), [dict(
            id=c.id, label=c.label, name=c.name, size_low=c.size_low, size_high=c.size_high,
            organizers=c.organizers, origins=c.origins, articles=c.articles, renamed=c.renamed,
            position=k if positions else None, order_date=_order_date(c), base_label=base.get(c.id),
            **_caravan_summary(c)) for k, c in enumerate(cars)])
        links = {(c.id, a) for c in cars for a in _caravan_article_ids(c)}
        rows = [dict(caravan_id=c, article_id=a) for c, a in sorted(links)]
        for i in range(0, len(rows), 5000):
            conn.execute(insert(caravan_articles), rows[i:i + 5000])
        ids = sorted({o.article for c in cars for o in c.observations})
        outlets = {}
        for i in range(0, len(ids), 500):
            outlets.update(conn.execute(select(articles.c.id, articles.c.outlet)
                                        .where(articles.c.id.in_(ids[i:i + 500]))).all())
        rows = [dict(_observation_row(c.id, o.to_dict()), id=n, fact_key=o.fact or fact_key(o),
                     outlet=outlets.get(o.article))
                for n, (c, o) in enumerate(((c, o) for c in cars for o in c.observations), start=first_id)]
        for i in range(0, len(rows), 5000):
            conn.execute(insert(observations), rows[i:i + 5000])

    def _derived_changed(self, conn) -> None:
        # Readers cache by version(): every change of the joined tables must change it.
        gen = conn.scalar(select(store_meta.c.value).where(store_meta.c.key == "generation"))
        if gen is None:
            conn.execute(insert(store_meta).values(key="generation", value="1"))
        else:
            conn.execute(update(store_meta).where(store_meta.c.key == "generation").values(value=str(int(gen) + 1)))
        keep_everything(conn)

    def _apply_correction(self, conn, fix: Correction) -> None:
        """A new correction, applied to the caravans it touches only. Every earlier one is
        already applied to what is stored, and corrections apply in order, so this gives what
        a rebuild gives (tested) without re-joining 100,000 articles for one fact. What can
        change elsewhere is redone here too: labels that sizes tell apart, journey order."""
        ids = sorted(set(conn.scalars(select(observations.c.caravan_id)
                                      .where(observations.c.fact_key.in_(fix.facts())))))
        if not ids:
            conn.execute(update(corrections).where(corrections.c.id == fix.id).values(matched=False))
            return
        old_bases = set(conn.scalars(select(caravans.c.base_label).where(caravans.c.id.in_(ids))))
        doc = self._document(conn, with_text=False, caravan_ids=ids)
        cars = [caravan_from_dict(d) for d in doc["caravans"]]
        out, unmatched = apply_corrections(cars, [fix], in_place=True)
        conn.execute(update(corrections).where(corrections.c.id == fix.id).values(matched=not unmatched))
        base = _base_labels(out)
        conn.execute(delete(observations).where(observations.c.caravan_id.in_(ids)))
        conn.execute(delete(caravan_articles).where(caravan_articles.c.caravan_id.in_(ids)))
        conn.execute(delete(caravans).where(caravans.c.id.in_(ids)))
        self._insert(conn, out, base, first_id=(conn.scalar(select(func.max(observations.c.id))) or 0) + 1,
                     positions=False)
        self._relabel(conn, (old_bases | set(base.values())) - {None})
        self._reorder(conn)
        self._derived_changed(conn)

    def _relabel(self, conn, bases: set) -> None:
        """Labels shared by several caravans carry their sizes (as the join's `_distinct_labels`)."""
        if not bases:
            return
        rows = conn.execute(select(caravans.c.id, caravans.c.base_label, caravans.c.size_low, caravans.c.size_high,
                                   caravans.c.label).where(caravans.c.base_label.in_(sorted(bases)))).all()
        count: dict = {}
        for r in rows:
            count[r.base_label] = count.get(r.base_label, 0) + 1
        for r in rows:
            want = label_with_size(r.base_label, r.size_low, r.size_high) if count[r.base_label] > 1 else r.base_label
            if want != r.label:
                conn.execute(update(caravans).where(caravans.c.id == r.id).values(label=want))

    def _reorder(self, conn) -> None:
        """Positions in journey order again (a corrected date can move a caravan)."""
        rows = conn.execute(select(caravans.c.id, caravans.c.order_date, caravans.c.position)).all()
        rows.sort(key=lambda r: (r.order_date or _dt.date.max, r.id))  # in Python: code-point order everywhere
        changed = [dict(k=r.id, p=k) for k, r in enumerate(rows) if r.position != k]
        if changed:
            from sqlalchemy import bindparam
            conn.execute(update(caravans).where(caravans.c.id == bindparam("k")).values(position=bindparam("p")),
                         changed)

    # -- corrections ------------------------------------------------------------------------
    def correct(self, action: str, payload: dict, editor: str, note: str | None = None) -> int:
        """Record one correction and rebuild, in one transaction; returns its id. Raises
        CorrectionError (nothing stored) when it is malformed or finds nothing to act on."""
        validate(action, payload, editor, note)
        now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
        with self.writer(), self.engine.begin() as conn:
            keys = Correction(action, payload, editor, now).facts()
            known = set(conn.scalars(select(observations.c.fact_key).where(observations.c.fact_key.in_(keys))))
            missing = [k for k in keys if k not in known]
            if missing:
                raise CorrectionError(f"{action}: no such fact {missing[0]!r}")
            cid = conn.execute(insert(corrections).values(
                action=action, payload=payload, editor=editor.strip(), note=note, created_at=now,
                matched=True)).inserted_primary_key[0]
            self._apply_correction(conn, Correction(action, payload, editor.strip(), now, id=cid, note=note))
        return cid

    def corrections(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(corrections).order_by(corrections.c.id))]
        return [dict(_correction(r).to_dict(), matched=r["matched"]) for r in rows]

    def history(self, fact: str) -> list[dict]:
        """Every correction that touched this fact, oldest first (who, when, what)."""
        return [c for c in self.corrections() if fact in _correction_facts(c)]

    def reextract(self, extract=None) -> int:
        """Read every stored article again with the current extractor (e.g. after an
        upgrade) and rebuild; corrections are re-applied. Returns the number re-read."""
        from journeys.articles import Article as _Article
        from journeys.extract import extract_article

        extract = extract or extract_article
        with self.writer(), self.engine.begin() as conn:
            arts = [dict(r._mapping) for r in conn.execute(select(articles))]
            for a in arts:
                art = _Article(id=a["id"], path=a["path"], title=a["title"], outlet=a["outlet"],
                               published=a["published"], url=a["url"], meta=a["meta"] or {}, text=a["text"],
                               content_hash=a["content_hash"])
                docs = [c.to_dict() for c in extract(art).caravans]
                conn.execute(update(extractions).where(extractions.c.article_id == a["id"])
                             .values(caravans=docs, extractor_version=EXTRACTOR_VERSION))
            self._rebuild(conn)
        return len(arts)

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
            return self._document(conn, with_text, caravan_ids)

    def _document(self, conn, with_text: bool = True, caravan_ids: Iterable[str] | None = None) -> dict:
        # Without text, the article rows are read without it (a merged caravan links hundreds).
        art_cols = select(*[c for c in articles.c if with_text or c.name != "text"])
        if caravan_ids is None:
            arts = [dict(r._mapping) for r in conn.execute(art_cols)]
            cars = [dict(r._mapping) for r in conn.execute(select(caravans))]
            obs = [dict(r._mapping) for r in conn.execute(select(observations).order_by(observations.c.id))]
            tops = [dict(r._mapping) for r in conn.execute(select(toponyms).order_by(toponyms.c.id))]
        else:
            ids = sorted(set(caravan_ids))
            cars, obs, arts, tops = [], [], [], []
            for i in range(0, len(ids), 500):  # bounded IN lists on every back end
                part = ids[i:i + 500]
                cars += [dict(r._mapping) for r in conn.execute(select(caravans).where(caravans.c.id.in_(part)))]
                obs += [dict(r._mapping) for r in conn.execute(
                    select(observations).where(observations.c.caravan_id.in_(part)))]
                linked = select(caravan_articles.c.article_id).where(caravan_articles.c.caravan_id.in_(part))
                arts += [dict(r._mapping) for r in conn.execute(art_cols.where(articles.c.id.in_(linked)))]
            obs.sort(key=lambda o: o["id"])
            arts = list({a["id"]: a for a in arts}.values())
        # Sorted here, not by ORDER BY: undated first and ids by code point on every back end
        # (PostgreSQL puts NULLs last and compares text by the database's collation).
        arts.sort(key=lambda a: (a["published"] is not None, a["published"] or _dt.date.min, a["id"]))
        by_caravan: dict[str, list[dict]] = {}
        for o in obs:
            by_caravan.setdefault(o["caravan_id"], []).append(_observation_dict(o))
        out_articles = []
        for a in arts:
            d = {"id": a["id"], "path": a["path"], "title": a["title"], "outlet": a["outlet"],
                 "published": a["published"].isoformat() if a["published"] else None, "url": a["url"]}
            if with_text:
                d["text"] = a["text"]
            out_articles.append(d)
        out_caravans = []
        for c in cars:
            d = {k: c[k] for k in ("id", "label", "name", "size_low", "size_high")}
            d.update(organizers=c["organizers"] or [], origins=c["origins"] or [], articles=c["articles"] or [],
                     renamed=bool(c["renamed"]), position=c["position"], observations=by_caravan.get(c["id"], []))
            out_caravans.append(d)
        out_caravans.sort(key=lambda c: c["position"])
        return {"articles": out_articles, "caravans": out_caravans,
                "toponyms": [{"article": t["article_id"], "start": t["start"], "end": t["end"], "text": t["text"],
                              "kind": t["kind"], "name": t["name"], "lat": t["lat"], "lon": t["lon"],
                              "country_code": t["country_code"]} for t in tops]}

    def caravans(self) -> list[Caravan]:
        return [caravan_from_dict(d) for d in self.document(with_text=False)["caravans"]]


_WRITER_LOCKS: dict[str, threading.RLock] = {}
_WRITER_DEPTH: dict[str, int] = {}
_PG_WRITER_KEY = 0x43617261  # "Cara": the advisory lock key of a store's writers


def unique_id(aid: str, taken: set[str]) -> str:
    """'report' is taken by another file's article: 'report-2'."""
    if aid not in taken:
        return aid
    n = 2
    while f"{aid}-{n}" in taken:
        n += 1
    return f"{aid}-{n}"


def _jsonable(meta: dict) -> dict:
    return json.loads(json.dumps(meta, default=str))


def _caravan_article_ids(c: Caravan) -> set[str]:
    """Every article with a fact about this caravan: the listed ones and every source."""
    ids = set(c.articles)
    for o in c.observations:
        ids.add(o.evidence.article)
        ids.update(e.article for e in o.also)
    return ids


def _chunks(items: list, n: int = 500):
    """Bounded IN lists on every back end."""
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _order_date(c: Caravan) -> _dt.date | None:
    return min((o.date for o in c.observations if o.date), default=None)


def _base_labels(cars: list[Caravan]) -> dict:
    """Each caravan's label as derived from its facts (an editor's name is kept as it is and
    has no base); sets it on the caravan too."""
    base = {}
    for c in cars:
        if not c.renamed:
            c.label = caravan_label(c)
            base[c.id] = c.label
    return base


def _caravan_summary(c: Caravan) -> dict:
    dates = [o.date for o in c.observations if o.date and not o.rejected]
    return dict(first_date=min(dates, default=None), last_date=max(dates, default=None),
                n_observations=sum(not o.rejected for o in c.observations),
                n_articles=len(_caravan_article_ids(c)))


def _observation_row(caravan_id: str, o: dict) -> dict:
    p = o["place"] or {}
    ev = o["evidence"]
    return dict(
        caravan_id=caravan_id, article_id=o["article"], role=o["role"],
        date=_dt.date.fromisoformat(o["date"]) if o["date"] else None, date_precision=o["date_precision"],
        date_text=o.get("date_text"), size_low=o["size_low"], size_high=o["size_high"], size_text=o.get("size_text"),
        size_qualifier=o.get("size_qualifier"), place_text=p.get("text"), place_start=p.get("start"),
        place_end=p.get("end"), place_name=p.get("name"), lat=p.get("lat"), lon=p.get("lon"),
        country_code=p.get("country_code"), admin1=p.get("admin1"), kind=p.get("kind"),
        resolved=p.get("resolved") if p else None,
        evidence_start=ev["start"], evidence_end=ev["end"], evidence_text=ev["text"], also=o.get("also", []),
        rejected=bool(o.get("rejected")), corrections=o.get("corrections") or [],
        confidence=o.get("confidence", 1.0), confidences=o.get("confidences") or {},
    )


def _observation_dict(r: dict) -> dict:
    place = None
    if r["place_text"] is not None:
        label = None
        if r["resolved"]:
            from gazetteer import Place
            label = Place(r["place_name"], r["lat"], r["lon"], r["country_code"] or "", r["admin1"], r["kind"] or "city").label
        place = {"text": r["place_text"], "start": r["place_start"], "end": r["place_end"], "name": r["place_name"],
                 "lat": r["lat"], "lon": r["lon"], "country_code": r["country_code"], "admin1": r["admin1"],
                 "kind": r["kind"], "label": label, "resolved": bool(r["resolved"])}
    return {
        "id": r["id"], "article": r["article_id"], "role": r["role"],
        "date": r["date"].isoformat() if r["date"] else None, "date_precision": r["date_precision"],
        "date_text": r["date_text"], "size_low": r["size_low"], "size_high": r["size_high"],
        "size_text": r["size_text"], "size_qualifier": r["size_qualifier"], "place": place,
        "evidence": {"article": r["article_id"], "start": r["evidence_start"], "end": r["evidence_end"],
                     "text": r["evidence_text"]},
        "also": r["also"] or [],
        "fact": r["fact_key"],
        "rejected": bool(r["rejected"]),
        "corrections": r["corrections"] or [],
        "confidence": r["confidence"] if r["confidence"] is not None else 1.0,
        "confidences": r["confidences"] or {},
    }


def _correction(r: dict) -> Correction:
    return Correction(r["action"], r["payload"], r["editor"], r["created_at"], id=r["id"], note=r.get("note"))


def _correction_facts(c: dict) -> list[str]:
    return Correction(c["action"], c["payload"], c["editor"], _dt.datetime.min).facts()
