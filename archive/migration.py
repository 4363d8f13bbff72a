"""Bringing any store up to the current tables: what is missing is made, stale derived tables rebuilt."""
from __future__ import annotations

from sqlalchemy import inspect

from .regrouping import rebuild
from .schema import articles, caravan_articles, caravans, local_caravans, metadata, observations


def migrate(engine) -> None:
    """Create what is missing. The joined tables are derived data: when their layout
    changed (an older version made them), drop and rebuild them from the extractions;
    articles, extractions and corrections are never dropped."""
    insp = inspect(engine)
    derived = (caravan_articles, observations, caravans, local_caravans)  # dropped in this order (foreign keys)
    stale = [t for t in derived if insp.has_table(t.name)
             and {c["name"] for c in insp.get_columns(t.name)} != {c.name for c in t.columns}]
    missing = insp.has_table(articles.name) and not all(insp.has_table(t.name) for t in derived)
    if stale:  # drop every derived table: they are rebuilt together
        stale = [t for t in derived if insp.has_table(t.name)]
    with engine.begin() as conn:
        for t in stale:
            t.drop(conn)
    metadata.create_all(engine)
    with engine.begin() as conn:  # indexes added since the tables were made
        for t in metadata.sorted_tables:
            for ix in t.indexes:
                ix.create(conn, checkfirst=True)
    if stale or missing:
        with engine.begin() as conn:
            rebuild(conn)
