"""The archive: what extraction produced, kept, corrected and read back a view at a time.

Owns the store and everything that reads or writes it; knows `journeys` (extraction),
which knows nothing of it:

- `schema`      the tables (SQLAlchemy Core; SQLite or PostgreSQL)
- `store`       `Store`: saving articles and extractions, regrouping, corrections applied, export
- `corrections` what editors changed, named by facts that survive re-extraction, and re-applied
- `ingest`      files (or uploads) in, store out: read -> extract -> join -> store
- `parallel`    the extraction step of an ingest on Dask (a local cluster or a scheduler)
- `filters`     a view's filters, defined once: each rule in Python beside its SQL
- `views`       what the dashboard asks of a large store, answered in SQL; the catalogue

    ingest.ingest -> (journeys: read, extract, join) -> store.Store -> views
"""
