"""The Streamlit dashboard (see dashboard/app.py).

Owns the page: reads the archive (`archive.store`, `archive.views`), journeys' types and the
gazetteer; the top layer: no other package imports it (tests/test_layers.py).
"""
