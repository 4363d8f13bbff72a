"""A large view's map: one circle per place (how many caravans were reported there); a
click on a place opens it in the evidence panel."""
from __future__ import annotations

import functools

import streamlit as st

from .. import layers, map_frame, overview
from ..session import PageState
from .routes_map import CLICKS, MAP_HEIGHT


def show(page: PageState, rows: list[dict], everywhere: list[dict], selected: str | None) -> None:
    """`rows`: the view's per-place totals; `everywhere`: the unfiltered ones, whose bounds
    the map keeps (constant bounds: no remount when the filters change)."""
    keys = [overview.place_key(r) for r in rows]
    spec = overview.places_spec(rows, selected)
    out = map_frame.st_map(overview.bounds(everywhere), spec, legend=overview.PLACES_LEGEND_HTML,
                           key=PageState.places_map.key, height=MAP_HEIGHT, returned_objects=CLICKS,
                           on_change=functools.partial(_on_place_click, keys)) or {}
    if _apply_place_click(page, keys, out):  # a value that came without the callback (AppTest)
        st.rerun()
    st.caption("Circle area: caravans reported at the place; blue where caravans were, orange where they were "
               "only said to be heading. Hover a place for its totals; click it for its caravans and sentences.")


def _apply_place_click(page: PageState, keys: list, value) -> bool:
    """A new click on a place opens it. Returns whether the open place changed."""
    tooltip = page.new_click(value, PageState.last_place_click)
    if tooltip is None:
        return False
    n = overview.parse_place_ref(tooltip)
    if n and 0 < n <= len(keys) and keys[n - 1] != page.place:
        page.place = keys[n - 1]
        return True
    return False


def _on_place_click(keys: list) -> None:
    page = PageState()
    _apply_place_click(page, keys, page.places_map)
