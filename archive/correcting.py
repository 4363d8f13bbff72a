"""Corrections in the store: recording one, applying it to the caravans it touches, listing them."""
from __future__ import annotations

import datetime as _dt

from sqlalchemy import delete, func, insert, select, update

from journeys.model import caravan_from_dict

from .corrections import Correction, CorrectionError, validate
from .corrections import apply as apply_corrections
from .document import read_document
from .locking import writer
from .regrouping import base_labels, derived_changed, insert_caravans, relabel, reorder, stored_correction
from .schema import caravan_articles, caravans, corrections, observations


def correct(engine, action: str, payload: dict, editor: str, note: str | None = None) -> int:
    """Record one correction and apply it to what it touches, in one transaction (other
    writers wait: `locking.writer`); returns its id. Raises CorrectionError (nothing
    stored) when it is malformed or finds nothing to act on."""
    validate(action, payload, editor, note)
    now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    with writer(engine), engine.begin() as conn:
        keys = Correction(action, payload, editor, now).facts()
        known = set(conn.scalars(select(observations.c.fact_key).where(observations.c.fact_key.in_(keys))))
        missing = [k for k in keys if k not in known]
        if missing:
            raise CorrectionError(f"{action}: no such fact {missing[0]!r}")
        cid = conn.execute(insert(corrections).values(
            action=action, payload=payload, editor=editor.strip(), note=note, created_at=now,
            matched=True)).inserted_primary_key[0]
        apply_correction(conn, Correction(action, payload, editor.strip(), now, id=cid, note=note))
    return cid


def listed(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(corrections).order_by(corrections.c.id))]
    return [dict(stored_correction(r).to_dict(), matched=r["matched"]) for r in rows]


def history(engine, fact: str) -> list[dict]:
    """Every correction that touched this fact, oldest first (who, when, what)."""
    return [c for c in listed(engine) if fact in _correction_facts(c)]


def apply_correction(conn, fix: Correction) -> None:
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
    doc = read_document(conn, with_text=False, caravan_ids=ids)
    cars = [caravan_from_dict(d) for d in doc["caravans"]]
    out, unmatched = apply_corrections(cars, [fix], in_place=True)
    conn.execute(update(corrections).where(corrections.c.id == fix.id).values(matched=not unmatched))
    base = base_labels(out)
    conn.execute(delete(observations).where(observations.c.caravan_id.in_(ids)))
    conn.execute(delete(caravan_articles).where(caravan_articles.c.caravan_id.in_(ids)))
    conn.execute(delete(caravans).where(caravans.c.id.in_(ids)))
    insert_caravans(conn, out, base, first_id=(conn.scalar(select(func.max(observations.c.id))) or 0) + 1,
                    positions=False)
    relabel(conn, (old_bases | set(base.values())) - {None})
    reorder(conn)
    derived_changed(conn)


def _correction_facts(c: dict) -> list[str]:
    return Correction(c["action"], c["payload"], c["editor"], _dt.datetime.min).facts()
