"""The page's state in a visitor's session, typed: every `st.session_state` key the view
reads or writes is named once here, and sections read and write it through `PageState`.

The filters are widgets, so their values live under the widgets' keys (tests and the page's
CSS, `.st-key-<key>`, find them by those names): `caravans` is the "Caravans" multiselect's
list, `dates` the date slider's (first, last) pair. `view()` turns them into the one
`ViewState` every section and query reads; `seed()` does the reverse for a shared link.
The editing forms keep their own field keys (`sections.for_editors`): they are a form's
draft, not the view.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Generic, MutableMapping, TypeVar

from archive.views import Catalogue

from .state import ViewState

T = TypeVar("T")


class Key(Generic[T]):
    """One session-state key with its default: `state.name` reads it, `state.name = v` writes
    it, `PageState.name.key` is the key a widget is given."""

    def __init__(self, key: str, default: Any = None):
        self.key, self.default = key, default

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.ss.get(self.key, None)
        return self.default() if value is None and callable(self.default) else \
            (self.default if value is None else value)

    def __set__(self, obj, value: T) -> None:
        obj.ss[self.key] = value


class PageState:
    """Everything the page remembers between reruns of one visitor's session."""
    # the filters (widgets)
    caravans: Key[list] = Key("f_caravans", list)
    outlets: Key[list] = Key("f_outlets", list)
    min_size: Key[int] = Key("f_minsize", 0)
    min_confidence: Key[float] = Key("f_minconf", 0.0)
    dates: Key[tuple] = Key("f_range")  # (first, last) of the date slider
    as_of_on: Key[bool] = Key("f_asof_on", False)
    as_of: Key[dt.date] = Key("f_asof")
    # where the reader is
    stop: Key[str] = Key("sel_stop")  # the open stop (the "Stop" selectbox)
    source: Key[int] = Key("sel_src", 0)  # which of its sentences (the "Sentence" selectbox)
    place: Key[str] = Key("sel_place")  # a large archive's open place, "lat,lon"
    focus: Key[str] = Key("_focus")  # a stop chosen off the map: the map pans to it once
    map_zoom: Key[int] = Key("map_zoom")  # the map's view as the browser last reported it
    map_center: Key[str] = Key("map_center")
    # a shared link
    seeded: Key[bool] = Key("_seeded", False)  # the URL was read (first run of the session)
    link_notes: Key[list] = Key("_link_notes", list)  # parts of the link the page ignored
    link_view: Key[tuple] = Key("_link_view", (None, None))  # (zoom, centre) the link asked for
    bounds: Key[tuple] = Key("_bounds")  # the catalogue's dates at the last run
    # playing through the dates
    playing: Key[bool] = Key("playing", False)
    play_at: Key[float] = Key("_play_at", 0.0)
    # widgets' own values, read back
    routes_map: Key[dict] = Key("map")  # st_folium's last value: clicks, zoom, centre
    places_map: Key[dict] = Key("map_places")
    facts_table: Key[Any] = Key("table")  # the facts table's selection
    caravans_table: Key[Any] = Key("caravans_table")
    last_click: Key[tuple] = Key("_last_click")  # the map click already handled
    last_place_click: Key[tuple] = Key("_last_place_click")

    def __init__(self, ss: MutableMapping | None = None):
        if ss is None:
            import streamlit as st
            ss = st.session_state
        self.ss = ss

    # ------------------------------------------------------------------ the view

    def view(self, cat: Catalogue) -> ViewState:
        """The filters as the widgets hold them (read before the widgets are drawn: the large
        archive's caravan list depends on the other filters)."""
        start = end = as_of = None
        rng = self.dates
        spread = bool(cat.date_min and cat.date_max and cat.date_min < cat.date_max)
        if spread and isinstance(rng, (tuple, list)) and len(rng) == 2:
            start = rng[0] if rng[0] != cat.date_min else None
            end = rng[1] if rng[1] != cat.date_max else None
        if spread and self.as_of_on:
            as_of = self.as_of
        return ViewState(caravans=tuple(self.caravans), start=start, end=end, as_of=as_of,
                         min_size=int(self.min_size or 0), outlets=tuple(self.outlets),
                         min_confidence=float(self.min_confidence or 0.0))

    def full_view(self, view: ViewState) -> ViewState:
        """The view with where the reader is: what the URL and the share link hold."""
        return view.with_(stop=self.stop, source=int(self.source or 0) if self.stop else 0,
                          zoom=self.map_zoom, center=self.map_center)

    def seed(self, vs: ViewState, notes: list, cat: Catalogue) -> None:
        """A link's view, put in the widgets (first run of a session)."""
        self.link_notes = notes
        # the link's map view: applied once, on the first drawing of the map
        self.link_view = (vs.zoom, tuple(float(x) for x in vs.center.split(",")) if vs.center else None)
        self.map_zoom, self.map_center = vs.zoom, vs.center
        self.caravans = list(vs.caravans)
        self.outlets = list(vs.outlets)
        self.min_size = int(vs.min_size)
        self.min_confidence = float(vs.min_confidence)
        if cat.date_min:
            self.dates = (vs.start or cat.date_min, vs.end or cat.date_max)
            self.as_of_on = vs.as_of is not None
            self.as_of = vs.as_of or cat.date_max
        self.stop = vs.stop
        self.source = vs.source
        self.place = vs.place
        self.seeded = True

    def keep_valid(self, cat: Catalogue) -> None:
        """The document may change under a running session (new articles): drop what vanished."""
        self.caravans = [c for c in self.caravans if c in cat.caravans_by_id]
        self.outlets = [o for o in self.outlets if o in cat.outlets]
        lo, hi = cat.date_min, cat.date_max
        prev = self.bounds
        if lo and hi and prev and prev != (lo, hi):
            # New articles widened the dates: a range that showed everything still does.
            rng = self.dates
            if isinstance(rng, (tuple, list)) and len(rng) == 2:
                self.dates = (lo if rng[0] == prev[0] else rng[0], hi if rng[1] == prev[1] else rng[1])
            if not self.as_of_on or self.as_of == prev[1]:
                self.as_of = hi
        self.bounds = (lo, hi)
        if lo and hi:
            def clamp(d):
                return min(max(d, lo), hi) if d else hi
            rng = self.dates or (lo, hi)
            self.dates = (clamp(rng[0]) if len(rng) > 0 else lo, clamp(rng[-1]))
            self.as_of = clamp(self.as_of)
            self.ss.setdefault(PageState.as_of_on.key, False)

    def reset(self, cat: Catalogue) -> None:
        """Every filter off, nothing open (the "Reset view" button)."""
        self.caravans, self.outlets = [], []
        self.min_size = 0
        self.min_confidence = 0.0
        if cat.date_min:
            self.dates = (cat.date_min, cat.date_max)
            self.as_of_on = False
            self.as_of = cat.date_max
        self.stop = None
        self.source = 0
        self.place = None
        self.link_notes = []

    # ------------------------------------------------------------------ what is open

    def open_stop(self, stop_id: str | None, focus: bool = False) -> None:
        """Open a stop at its first sentence (`focus`: and pan the map to it)."""
        self.stop, self.source = stop_id, 0
        if focus:
            self.focus = stop_id

    def show_caravans(self, ids: list) -> None:
        self.caravans = list(ids)
        self.place = None

    def take_link_view(self) -> tuple:
        """(zoom, center) a shared link asked for, the first time the map is drawn; then none
        (passing them again would pull the map back whenever they change)."""
        view = self.link_view or (None, None)
        self.link_view = (None, None)
        return view

    def new_click(self, value, seen: Key) -> str | None:
        """The tooltip of a click on a map not handled yet (None if there is none); `seen`
        is the key remembering the last one handled."""
        value = value or {}
        click = (value.get("last_object_clicked_tooltip"), value.get("last_object_clicked_count"))
        if click == self.ss.get(seen.key):
            return None
        self.ss[seen.key] = click
        return click[0]

    def selected_rows(self, table: Key) -> list[int]:
        """The rows selected in a dataframe (a dict, or an object, by Streamlit version)."""
        sel = self.ss.get(table.key)
        return (sel or {}).get("selection", {}).get("rows", []) if isinstance(sel, dict) else \
            getattr(getattr(sel, "selection", None), "rows", [])
