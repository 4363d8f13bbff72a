"""What the page reads, cached per store version: the catalogue, the document (a small
store's whole, or a large one's window of caravans), and a large view's queries
(`archive.views`). Every cache is keyed by the store's location and its fingerprint, which
changes with every update, so a new version is read once and old ones age out.
"""
from __future__ import annotations

import streamlit as st

from archive import views
from archive.filters import Filters

from . import data, journey, offline, overview


@st.cache_resource(show_spinner=False)
def assets() -> str:
    offline.ensure_static()
    return str(offline.STATIC_DIR)


@st.cache_resource(show_spinner="Reading the articles…", max_entries=4)
def atlas(location: str, fingerprint: str) -> journey.Atlas:
    return journey.build_atlas(data.load_document(location))


@st.cache_resource(show_spinner="Reading the archive's catalogue…", max_entries=4)
def catalogue(location: str, fingerprint: str) -> views.Catalogue:
    if data.is_archive(location):
        return data.catalogue(location)
    return overview.from_atlas(atlas(location, fingerprint))


@st.cache_resource(show_spinner="Reading these caravans…", max_entries=16)
def window(location: str, fingerprint: str, caravan_ids: tuple) -> journey.Atlas:
    return journey.build_atlas(data.window_document(location, caravan_ids))


# A large view's queries are cached on the view's filters only (`Filters.filters()`):
# opening a stop or moving the map reads nothing again.

def matching(location: str, fingerprint: str, view: Filters) -> list[tuple[str, int]]:
    """The caravans the view may show, each with its number of facts (`views.matching`)."""
    return _matching(location, fingerprint, view.filters())


def place_totals(location: str, fingerprint: str, view: Filters) -> list[dict]:
    return _place_totals(location, fingerprint, view.filters())


def place_detail(location: str, fingerprint: str, view: Filters, lat: float, lon: float, limit: int) -> dict:
    return _place_detail(location, fingerprint, view.filters(), lat, lon, limit)


def unresolved_totals(location: str, fingerprint: str, view: Filters) -> tuple[int, list[dict]]:
    return _unresolved_totals(location, fingerprint, view.filters())


@st.cache_data(show_spinner=False, max_entries=256)
def _matching(location: str, fingerprint: str, filters: Filters) -> list[tuple[str, int]]:
    return views.matching(data.archive_store(location), filters)


@st.cache_data(show_spinner=False, max_entries=256)
def _place_totals(location: str, fingerprint: str, filters: Filters) -> list[dict]:
    return views.place_totals(data.archive_store(location), filters)


@st.cache_data(show_spinner=False, max_entries=256)
def _place_detail(location: str, fingerprint: str, filters: Filters, lat: float, lon: float, limit: int) -> dict:
    return views.place_detail(data.archive_store(location), filters, lat, lon, limit)


@st.cache_data(show_spinner=False, max_entries=256)
def _unresolved_totals(location: str, fingerprint: str, filters: Filters) -> tuple[int, list[dict]]:
    return views.unresolved_totals(data.archive_store(location), filters)


def clear() -> None:
    """After an edit or an upload: every cache read again."""
    for f in (atlas, catalogue, window, _matching, _place_totals, _place_detail, _unresolved_totals):
        f.clear()
