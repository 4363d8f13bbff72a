"""The archive: what extraction produced, kept, corrected and read back a view at a time.

Owns the store and everything that reads or writes it; knows `journeys` (extraction),
which knows nothing of it:

- `store`       `Store`: the connection every write and export goes through; it hands each job on to
  - `schema`      the tables (SQLAlchemy Core; SQLite or PostgreSQL)
  - `migration`   a store made by an older version brought up to the current tables
  - `saving`      new articles and their extractions written (and re-extraction)
  - `regrouping`  the joined tables derived again: all of them, or only what new articles change
  - `correcting`  a correction recorded and applied to the caravans it touches; the list of them
  - `document`    the store read back as the `extract --json` document (whole or some caravans)
  - `locking`     one writer at a time per store (a lock file, or a PostgreSQL advisory lock)
- `corrections` what editors changed, named by facts that survive re-extraction, and re-applied
- `ingest`      files (or uploads) in, store out: read -> extract -> join -> store
- `parallel`    the extraction step of an ingest on Dask (a local cluster or a scheduler)
- `filters`     a view's filters, defined once: each rule in Python beside its SQL
- `views`       what the dashboard asks of a large store, answered in SQL; the catalogue

    ingest.ingest -> (journeys: read, extract, join) -> store.Store -> views
"""
