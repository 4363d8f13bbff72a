"""The caravans' map: routes and stops of the view, the timeline under it; a click on a stop
opens it, and the map's zoom and centre are kept for the share link."""
from __future__ import annotations

import functools

import streamlit as st

from .. import journey, layers, map_frame
from ..session import PageState
from ..state import ViewState

MAP_HEIGHT = 620
CLICKS = ["last_object_clicked_tooltip", "last_object_clicked_count"]
RETURNED = CLICKS + ["zoom", "center"]  # the caravans' map: its view goes in the share link


def show(page: PageState, atlas: journey.Atlas, view: ViewState, visible: list, selected: str | None) -> None:
    shown = journey.visible_stops(atlas, view.with_(as_of=None))  # the period the timeline spans
    spec = layers.map_spec(atlas, visible, selected, journey.not_set_out(atlas, view))
    spec["timeline"] = layers.timeline_spec(atlas, shown, view.as_of, {c["ref"] for c in spec["stops"]})
    link_zoom, link_center = page.take_link_view()
    # the map fits what the filters show when they change (not on a click, nor when the
    # "as of" date moves), unless a shared link gave its own view
    spec["fit"] = None if link_zoom or link_center else layers.fit_bounds(shown)
    spec["fitKey"] = layers.fit_key(view)
    # pan to a stop chosen in the table or the list (a stop clicked on the map is in view already)
    focus = atlas.stops_by_id.get(selected) if selected and page.focus == selected else None
    center = (focus.lat, focus.lon) if focus is not None and focus.located else link_center
    out = map_frame.st_map(
        layers.document_bounds(atlas), spec, key=PageState.routes_map.key,
        height=MAP_HEIGHT + layers.TIMELINE_HEIGHT, returned_objects=RETURNED,
        center=center, zoom=link_zoom, on_change=functools.partial(_on_map_change, atlas),
    ) or {}
    _keep_map_view(page, out)
    # Fallback for a value that arrived without the callback (e.g. AppTest): rerun once
    # so the map ring and the panel agree.
    if _apply_map_click(page, atlas, out):
        st.rerun()
    st.caption("Solid lines: the route as reported, with ► for direction; dashed: where a caravan was "
               "heading. Circle area is the reported size. Hover a stop for details; click it to read the "
               "source. Keyboard: Tab to a stop, Enter to open it.")


def _apply_map_click(page: PageState, atlas: journey.Atlas, value) -> bool:
    """A new click on a stop selects it. Returns whether the selection changed."""
    tooltip = page.new_click(value, PageState.last_click)
    if tooltip is None:
        return False
    ref = layers.parse_stop_ref(tooltip)
    sid = atlas.ref_index().get(ref) if ref else None
    if sid and sid != page.stop:
        page.open_stop(sid)
        return True
    return False


def _keep_map_view(page: PageState, value) -> None:
    """The map's zoom and centre as last reported by the browser (they go in the link)."""
    value = value or {}
    z, c = value.get("zoom"), value.get("center")
    if isinstance(z, (int, float)):
        page.map_zoom = int(round(z))
    if isinstance(c, dict) and c.get("lat") is not None and c.get("lng") is not None:
        page.map_center = f"{float(c['lat']):.4f},{float(c['lng']):.4f}"


def _on_map_change(atlas: journey.Atlas) -> None:
    # runs before the script, so the click is applied in the same run (no second rerun)
    page = PageState()
    _apply_map_click(page, atlas, page.routes_map)
    _keep_map_view(page, page.routes_map)
