"""Reading a large store one view at a time, in SQL.

A dashboard over an archive of 100,000 articles cannot read the whole document on every
visit. These queries answer what a view needs instead: the catalogue of caravans (from
the summaries kept in `caravans` at every rebuild), which caravans a view's filters
match, and per-place totals of what was reported there. Portable Core SQL: the same
queries run on SQLite and PostgreSQL.

A *view* is an `archive.filters.Filters` (the dashboard's ViewState is one): its rules are
written once there, in Python and in SQL side by side, and these queries use the SQL.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, insert, or_, select, update

from .filters import EVERYTHING, ROLES, UNKNOWN_OUTLET, Filters, caravan_clause, fact_clause, not_rejected
from .schema import articles, caravans, observations, store_meta

if TYPE_CHECKING:  # annotations only: the store calls these views, the views never import the store
    from .store import Store


@dataclass(frozen=True)
class CaravanRow:
    """One caravan as the catalogue knows it (the sidebar, the share link, a large view's table)."""
    id: str
    label: str
    name: str | None
    position: int  # in journey order over the whole archive: its letter and colour on the page
    size_low: int | None
    size_high: int | None
    first_date: _dt.date | None
    last_date: _dt.date | None
    n_observations: int
    n_articles: int

    @property
    def max_size(self) -> int | None:
        return self.size_high if self.size_high is not None else self.size_low


@dataclass(frozen=True)
class Catalogue:
    """What a view is chosen from: every caravan, the outlets, the reported dates. A large
    store's comes from its summary rows (`catalogue`); a small one's, from its whole
    document (the dashboard's `overview.from_atlas`)."""
    caravans_by_id: dict  # id → CaravanRow, in journey order (position)
    outlets: list  # sorted; UNKNOWN_OUTLET when an article has none
    dates: list  # every distinct reported date, sorted (the "as of" steps)
    n_articles: int
    n_observations: int
    large: bool = False  # a store too large to read whole: views are read a part at a time

    @property
    def caravans(self) -> list:
        return list(self.caravans_by_id.values())

    @property
    def date_min(self) -> _dt.date | None:
        return self.dates[0] if self.dates else None

    @property
    def date_max(self) -> _dt.date | None:
        return self.dates[-1] if self.dates else None


def catalogue(store: Store, large: bool = True) -> Catalogue:
    """Every caravan's summary row, the outlets and the reported dates."""
    with store.engine.connect() as conn:
        rows = [CaravanRow(r.id, r.label, r.name, r.position or 0, r.size_low, r.size_high, r.first_date,
                           r.last_date, r.n_observations or 0, r.n_articles or 0)
                for r in conn.execute(select(
                    caravans.c.id, caravans.c.label, caravans.c.name, caravans.c.position, caravans.c.size_low,
                    caravans.c.size_high, caravans.c.first_date, caravans.c.last_date,
                    caravans.c.n_observations, caravans.c.n_articles))]
        outlets = {o or UNKNOWN_OUTLET for o in conn.scalars(select(articles.c.outlet).distinct())}
        dates = sorted(d for d in conn.scalars(
            select(observations.c.date).where(not_rejected()).distinct()) if d is not None)
        n_art = conn.scalar(select(func.count()).select_from(articles))
    rows.sort(key=lambda r: (r.position, r.id))
    return Catalogue({r.id: r for r in rows}, sorted(outlets), dates, n_art or 0, sum(r.n_observations for r in rows),
                     large)


def matching(store: Store, view: Filters, use_selection: bool = True) -> list[tuple[str, int]]:
    """The caravans the view may show (`filters.caravan_clause`: every caravan with facts in
    view, and some reported only before and after its dates), in journey order, each with
    its number of facts."""
    q = (select(caravans.c.id, caravans.c.n_observations).where(caravan_clause(view, use_selection))
         .order_by(caravans.c.position))
    with store.engine.connect() as conn:
        return [(r[0], int(r[1] or 0)) for r in conn.execute(q)]


def most_reported(rows: list[tuple[str, int]], limit: int) -> list[str]:
    """Ids of `matching` rows with the most facts first (journey order among equals)."""
    order = sorted(range(len(rows)), key=lambda k: (-rows[k][1], k))
    return [rows[k][0] for k in order[:limit]]


EVERYTHING_KEY = "place_totals"  # store_meta: the unfiltered view's totals, kept by every update


def place_totals(store: Store, view: Filters) -> list[dict]:
    """Per located place: how many caravans and facts the view has there, by role, with
    the first and last date and the largest size reported there. The unfiltered view (every
    visitor's first) is read from what the last rebuild kept, not aggregated again."""
    with store.engine.connect() as conn:
        if view.filters() == EVERYTHING:
            kept = conn.scalar(select(store_meta.c.value).where(store_meta.c.key == EVERYTHING_KEY))
            if kept:
                return _from_json(kept)
        return _place_totals(conn, view)


def keep_everything(conn) -> None:
    """Called after every change of the joined tables, in its transaction: the unfiltered totals, kept."""
    value = json.dumps(_place_totals(conn, EVERYTHING), default=str)
    if conn.scalar(select(store_meta.c.key).where(store_meta.c.key == EVERYTHING_KEY)) is None:
        conn.execute(insert(store_meta).values(key=EVERYTHING_KEY, value=value))
    else:
        conn.execute(update(store_meta).where(store_meta.c.key == EVERYTHING_KEY).values(value=value))


def _from_json(text: str) -> list[dict]:
    rows = json.loads(text)
    for r in rows:
        for k in ("first", "last"):
            r[k] = _dt.date.fromisoformat(r[k]) if r[k] else None
    return rows


def _place_totals(conn, view) -> list[dict]:
    o = observations.c
    # One row per point: a point can carry two names ("Ixtepec" the town, "Ciudad
    # Ixtepec" its municipality); one of them labels it.
    names = [func.min(c).label(c.name) for c in (o.place_name, o.kind, o.country_code, o.admin1)]
    q = (select(o.lat, o.lon, *names, func.count().label("facts"), func.count(o.caravan_id.distinct()).label("caravans"),
                func.min(o.date).label("first"), func.max(o.date).label("last"),
                func.max(func.coalesce(o.size_high, o.size_low)).label("largest"),
                *[func.sum(case((o.role == r, 1), else_=0)).label(r) for r in ROLES])
         .where(and_(o.resolved == True, o.lat.is_not(None), fact_clause(view)))  # noqa: E712
         .group_by(o.lat, o.lon))
    rows = [dict(r._mapping) for r in conn.execute(q)]
    for r in rows:
        r["roles"] = {k: int(r.pop(k) or 0) for k in ROLES}
        r["facts"], r["caravans"] = int(r["facts"]), int(r["caravans"])
    rows.sort(key=lambda r: (-r["caravans"], r["place_name"] or "", r["lat"], r["lon"]))
    return rows


def unresolved_totals(store: Store, view: Filters, limit: int = 50) -> tuple[int, list[dict]]:
    """Place names the gazetteer could not locate, most reported first: (number of distinct
    names, the first `limit` with their counts and one sentence each)."""
    o = observations.c
    where = and_(o.place_text.is_not(None), or_(o.resolved.is_(None), o.resolved == False),  # noqa: E712
                 fact_clause(view))
    q = (select(o.place_text, func.count().label("facts"), func.count(o.caravan_id.distinct()).label("caravans"),
                func.min(o.id).label("sample"))
         .where(where).group_by(o.place_text))
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
        rows.sort(key=lambda r: (-r["facts"], r["place_text"]))
        top = rows[:limit]
        samples = {r.id: r for r in conn.execute(
            select(o.id, o.evidence_text, o.article_id, o.role).where(o.id.in_([r["sample"] for r in top])))}
    for r in top:
        s = samples.get(r["sample"])
        r.update(sentence=s.evidence_text if s else "", article=s.article_id if s else None,
                 role=s.role if s else None)
    return len(rows), top


def place_detail(store: Store, view: Filters, lat: float, lon: float, limit: int = 12) -> dict:
    """What the view has at one place: its caravans (most reported first) and the latest
    sentences reported there, each with its article and the stop id it opens as."""
    o = observations.c
    where = and_(o.lat == lat, o.lon == lon, o.resolved == True,  # noqa: E712
                 fact_clause(view))
    src = observations.join(caravans, caravans.c.id == o.caravan_id)
    with store.engine.connect() as conn:
        cars = [dict(r._mapping) for r in conn.execute(
            select(caravans.c.id, caravans.c.label, caravans.c.position, func.count().label("facts"),
                   func.min(o.date).label("first"), func.max(o.date).label("last"))
            .select_from(src).where(where)
            .group_by(caravans.c.id, caravans.c.label, caravans.c.position)
            .order_by(func.count().desc(), caravans.c.position).limit(limit * 4))]
        facts = [dict(r._mapping) for r in conn.execute(
            select(o.id, o.caravan_id, o.role, o.date, o.date_precision, o.size_low, o.size_high, o.size_qualifier,
                   o.size_text, o.place_name, o.place_text, o.evidence_start, o.evidence_end, o.evidence_text,
                   o.article_id, caravans.c.label, caravans.c.position)
            .select_from(src).where(where)
            .order_by(o.date.is_(None), o.date.desc(), o.id).limit(limit))]
        for f in facts:  # the stop id the dashboard opens it as
            f["stop_id"] = f"{f['caravan_id']}:{_index_in_caravan(conn, f['caravan_id'], f['id'])}"
        ids = sorted({f["article_id"] for f in facts})
        arts = {r.id: dict(r._mapping) for r in conn.execute(
            select(articles.c.id, articles.c.title, articles.c.outlet, articles.c.published, articles.c.url)
            .where(articles.c.id.in_(ids)))} if ids else {}
    for f in facts:
        f["article"] = arts.get(f["article_id"]) or {"id": f["article_id"]}
    return {"caravans": cars, "facts": facts}


def observation_index(store: Store, observation_id: int) -> int:
    """Where an observation sits in its caravan's list (as `Store.document` orders it):
    the dashboard names a stop `<caravan id>:<index>`."""
    with store.engine.connect() as conn:
        cid = conn.scalar(select(observations.c.caravan_id).where(observations.c.id == observation_id))
        return _index_in_caravan(conn, cid, observation_id)


def _index_in_caravan(conn, caravan_id: str, observation_id: int) -> int:
    o = observations.c
    return int(conn.scalar(select(func.count()).where(and_(o.caravan_id == caravan_id, o.id < observation_id))) or 0)
