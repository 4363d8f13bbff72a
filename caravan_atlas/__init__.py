"""Caravan Atlas: news articles about migrant caravans → an evidence-backed map.

The work is split into sibling packages (see README "Layout"): `gazetteer` (offline
place index and geocoding), `geoparser` (place names in text), `journeys` (articles →
caravans and observations), `archive` (the store, ingest and views) and `dashboard` (the
Streamlit app). This package holds the command line, `caravan-atlas` (`caravan_atlas.cli`),
and may import every package but `dashboard` (tests/test_layers.py).
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("caravan-atlas")
except PackageNotFoundError:  # running from a source tree that was never pip-installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
