"""The archive's tables (SQLAlchemy Core): what the store writes and the views read.

Defined apart from `store.Store` so the views (`archive.views`) read these tables without
importing the store that writes them: the store imports the views, never the reverse.
"""
from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String,
                        Table, Text)

metadata = MetaData()

articles = Table(
    "articles", metadata,
    # Text, not String(n): an id is a file name's stem (up to 255 bytes); PostgreSQL
    # enforces a VARCHAR length where SQLite ignores it.
    Column("id", Text, primary_key=True),
    Column("path", Text),
    Column("title", Text),
    Column("outlet", Text),
    Column("published", Date),
    Column("url", Text),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("meta", JSON),
    Column("ingested_at", DateTime, nullable=False),
)
extractions = Table(
    "extractions", metadata,
    Column("article_id", Text, ForeignKey("articles.id"), primary_key=True),
    Column("extractor_version", String(20), nullable=False),
    Column("caravans", JSON, nullable=False),
)
caravans = Table(
    "caravans", metadata,
    Column("id", String(40), primary_key=True),
    Column("label", Text, nullable=False),
    Column("name", Text),
    Column("size_low", Integer),
    Column("size_high", Integer),
    Column("organizers", JSON),
    Column("origins", JSON),
    Column("articles", JSON),
    Column("renamed", Boolean),
    # Summaries kept at rebuild so a large archive is browsed without reading every
    # observation: journey order (letters, colours), dates, counts.
    Column("position", Integer, index=True),
    Column("first_date", Date, index=True),
    Column("last_date", Date, index=True),
    Column("n_observations", Integer),
    Column("n_articles", Integer),
    Column("order_date", Date),  # the earliest date of any fact: journey order sorts by it, then id
    Column("base_label", Text),  # the label before sizes tell same-named caravans apart (None: renamed)
)
caravan_articles = Table(  # which articles speak of which caravan (filters by outlet in SQL)
    "caravan_articles", metadata,
    Column("caravan_id", String(40), ForeignKey("caravans.id"), primary_key=True),
    Column("article_id", Text, ForeignKey("articles.id"), primary_key=True, index=True),
)
observations = Table(
    "observations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("caravan_id", String(40), ForeignKey("caravans.id"), nullable=False, index=True),
    Column("article_id", Text, ForeignKey("articles.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("date", Date),
    Column("date_precision", String(10)),
    Column("date_text", Text),
    Column("size_low", Integer),
    Column("size_high", Integer),
    Column("size_text", Text),
    Column("size_qualifier", String(20)),
    Column("place_text", Text),
    Column("place_start", Integer),
    Column("place_end", Integer),
    Column("place_name", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("country_code", String(3)),
    Column("admin1", Text),
    Column("kind", String(20)),
    Column("resolved", Boolean),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("evidence_text", Text, nullable=False),
    Column("also", JSON),
    Column("fact_key", Text, index=True),
    Column("rejected", Boolean),
    Column("corrections", JSON),
    Column("outlet", Text),  # the first source's outlet, copied so an archive's views filter without a join
    Column("confidence", Float),  # 0-1: how sure extraction is of the whole fact (1: an editor's)
    Column("confidences", JSON),  # its parts: role, place, size, date
)
# An archive's per-place totals read these columns of every fact: an index holding them
# all is scanned instead of the wide rows (sentences, JSON) — 3x faster on SQLite.
Index("ix_observations_places", observations.c.resolved, observations.c.lat, observations.c.lon,
      observations.c.place_name, observations.c.kind, observations.c.country_code, observations.c.admin1,
      observations.c.role, observations.c.caravan_id, observations.c.date, observations.c.size_low,
      observations.c.size_high, observations.c.rejected, observations.c.outlet)
Index("ix_observations_unresolved", observations.c.resolved, observations.c.place_text)
Index("ix_observations_dates", observations.c.date, observations.c.rejected)
Index("ix_articles_outlet", articles.c.outlet)
local_caravans = Table(  # each article's own caravans and the group the join put them in
    "local_caravans", metadata,
    Column("id", Text, primary_key=True),  # "<article id>#<k>", as in the extraction
    Column("article_id", Text, ForeignKey("articles.id"), nullable=False, index=True),
    Column("root", Text, nullable=False, index=True),  # the group's first member (itself if alone)
    Column("dep_date", Date),  # the departure the join compares (none: never joins)
    Column("dep_lat", Float),
    Column("dep_lon", Float),
)
store_meta = Table(  # small facts about the store itself ("generation": bumped by every rebuild)
    "store_meta", metadata,
    Column("key", String(50), primary_key=True),
    Column("value", Text),
)
corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(20), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("editor", Text, nullable=False),
    Column("note", Text),
    Column("created_at", DateTime, nullable=False),
    Column("matched", Boolean),  # did it find its facts at the last rebuild?
)
toponyms = Table(
    "toponyms", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", Text, ForeignKey("articles.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("name", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("country_code", String(3)),
)
