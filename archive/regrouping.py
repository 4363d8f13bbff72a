"""Regrouping: the joined tables (caravans, observations, links) derived again from extractions and corrections.

Everything here runs inside the caller's transaction. `rebuild` derives them all; `add`
joins new articles touching only the caravans they can change; the helpers below write
caravans' rows and keep labels and journey order right after a partial change.
"""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, func, insert, select, update

from journeys.model import Caravan, caravan_from_dict

from .corrections import Correction, fact_key
from .corrections import apply as apply_corrections
from .schema import articles, caravan_articles, caravans, corrections, extractions, local_caravans, observations, store_meta
from .views import keep_everything

# journeys.join and journeys.extract (the extractor, ~0.3 s to import) are imported by the
# functions that join, so a reader of the store (the dashboard) never loads them.


def rebuild(conn) -> None:
    """Every joined table derived again from all extractions, corrections applied on top."""
    from journeys.join import _distinct_labels, anchors, departure_keys, merge_groups
    local, of_article = [], {}
    for aid, docs in conn.execute(select(extractions.c.article_id, extractions.c.caravans)):
        for d in docs:
            local.append(caravan_from_dict(d))
            of_article[local[-1].id] = aid
    keys = departure_keys(local)
    root = anchors(keys)
    conn.execute(delete(local_caravans))
    _insert_locals(conn, [(c.id, of_article[c.id]) for c in local], keys, root)
    # What people corrected is applied on top of every fresh join, so it survives new
    # articles and re-extraction alike.
    fixes = [stored_correction(dict(r._mapping)) for r in conn.execute(select(corrections))]
    joined, unmatched = apply_corrections(merge_groups(local, root), fixes, in_place=True)
    base = base_labels(joined)
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
    insert_caravans(conn, joined, base, first_id=1)
    derived_changed(conn)


def _insert_locals(conn, ids: list[tuple[str, str]], keys: dict, root: dict) -> None:
    rows = [dict(id=i, article_id=a, root=root.get(i, i), dep_date=keys[i][0] if i in keys else None,
                 dep_lat=keys[i][1] if i in keys else None, dep_lon=keys[i][2] if i in keys else None)
            for i, a in ids]
    for k in range(0, len(rows), 5000):
        conn.execute(insert(local_caravans), rows[k:k + 5000])


def add(conn, added: list[str]) -> None:
    """New articles joined into what is stored, touching only the caravans they can
    change: the groups the join regroups (`join.regroup`), every caravan sharing an
    article with them, and whatever the corrections on those touch — re-merged from
    their articles' extractions, those corrections re-applied in order. What it gives
    is what a full rebuild gives (tested); a store from before local caravans were kept
    is rebuilt once instead."""
    from journeys.join import JOIN_DAYS, departure_keys, merge_groups, regroup
    has_locals = conn.scalar(select(func.count()).select_from(local_caravans))
    n_articles = conn.scalar(select(func.count()).select_from(articles))
    if not has_locals or (len(added) > 1000 and len(added) * 5 > n_articles):
        return rebuild(conn)  # a first or a very large batch: joining all at once is cheaper
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

    fixes = [stored_correction(dict(r._mapping)) for r in conn.execute(select(corrections).order_by(corrections.c.id))]
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
    _insert_locals(conn, [(c.id, of_article[c.id]) for c in new_local], new_keys, changed)
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
    base = base_labels(out)
    insert_caravans(conn, out, base, first_id=(conn.scalar(select(func.max(observations.c.id))) or 0) + 1,
                    positions=False)
    relabel(conn, (old_bases | set(base.values())) - {None})
    reorder(conn)
    derived_changed(conn)


def insert_caravans(conn, cars: list[Caravan], base: dict, first_id: int, positions: bool = True) -> None:
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


def derived_changed(conn) -> None:
    # Readers cache by version(): every change of the joined tables must change it.
    gen = conn.scalar(select(store_meta.c.value).where(store_meta.c.key == "generation"))
    if gen is None:
        conn.execute(insert(store_meta).values(key="generation", value="1"))
    else:
        conn.execute(update(store_meta).where(store_meta.c.key == "generation").values(value=str(int(gen) + 1)))
    keep_everything(conn)


def relabel(conn, bases: set) -> None:
    """Labels shared by several caravans carry their sizes (as the join's `_distinct_labels`)."""
    from journeys.join import label_with_size
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


def reorder(conn) -> None:
    """Positions in journey order again (a corrected date can move a caravan)."""
    rows = conn.execute(select(caravans.c.id, caravans.c.order_date, caravans.c.position)).all()
    rows.sort(key=lambda r: (r.order_date or _dt.date.max, r.id))  # in Python: code-point order everywhere
    changed = [dict(k=r.id, p=k) for k, r in enumerate(rows) if r.position != k]
    if changed:
        from sqlalchemy import bindparam
        conn.execute(update(caravans).where(caravans.c.id == bindparam("k")).values(position=bindparam("p")),
                     changed)


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


def base_labels(cars: list[Caravan]) -> dict:
    """Each caravan's label as derived from its facts (an editor's name is kept as it is and
    has no base); sets it on the caravan too."""
    from journeys.extract import caravan_label
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



def stored_correction(r: dict) -> Correction:
    return Correction(r["action"], r["payload"], r["editor"], r["created_at"], id=r["id"], note=r.get("note"))

