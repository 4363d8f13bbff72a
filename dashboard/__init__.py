"""The Streamlit dashboard: `app.py` is the page, a call per section (`sections/`).

Owns the page: reads the archive (`archive.store`, `archive.views`; a view's filter rules are
`archive.filters`'), journeys' types and the gazetteer; the top layer: no other package
imports it (tests/test_layers.py). `session` holds the page's state, `reads` what it reads
(cached), `state` the view and its URL form; the rest compute what the sections show.
"""
