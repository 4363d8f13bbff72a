"""Which store the page shows, opened: its catalogue, or one line saying why it cannot be
(a wrong path, a store that will not open — its password masked). Also what the page
needs before it can draw a map, and the files the store could not read."""
from __future__ import annotations

import streamlit as st

from archive.views import Catalogue

from .. import data, offline, reads


def check_map_assets() -> None:
    """The map's scripts and basemap are served by this app: without them, say so and stop."""
    try:
        reads.assets()
    except offline.MissingAssets as exc:
        st.error(f"The map cannot be shown: {exc}.")
        st.stop()
    if not st.get_option("server.enableStaticServing"):
        st.warning("Static file serving is off, so the map has no Leaflet to load. Run from the repository root "
                   "(where `.streamlit/config.toml` turns it on) or pass `--server.enableStaticServing true`.")


def secrets() -> dict:
    """Streamlit secrets (a hosted instance's store URL, edit password), or none."""
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml anywhere: the environment decides
        return {}


def open_catalogue() -> tuple[str, str, Catalogue]:
    """(location, fingerprint, catalogue) of the store shown; on failure one error line, and stop."""
    location = str(data.source_location(secrets()))
    try:
        fp = data.fingerprint(location)
        cat = reads.catalogue(location, fp)
    except FileNotFoundError as exc:
        st.error(str(exc))
        st.stop()
    except Exception as exc:  # a store that cannot be opened: one line, its password masked
        if "://" not in location:
            raise
        from archive.store import mask_secrets, mask_url
        st.error(f"The store {mask_url(location)} cannot be opened: "
                 f"{mask_secrets(' '.join(str(exc).split()), location)[:300]}")
        st.stop()
    return location, fp, cat


def unreadable_files(problems: list) -> None:
    if problems:
        with st.expander(f"{len(problems)} file(s) could not be read"):
            for p in problems:
                st.text(p)
