"""Caravan Atlas dashboard: `streamlit run dashboard/app.py`.

The page, section by section. Each section is a module of `dashboard.sections` that takes
the view state and the data it shows; the state is `session.PageState` (every session key,
typed), the view it yields a `state.ViewState` (whose filters' rules are
`archive.filters`'); what the page reads is `reads` (cached per store version). A small
store is drawn route by route (`routes_page`); a view of a large archive with more facts
than are drawn one by one, as per-place totals (`places_page`).
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script by `streamlit run dashboard/app.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from archive.filters import EVERYTHING
from archive.views import Catalogue
from dashboard import data, journey, overview, reads
from dashboard.sections import (evidence_panel, facts_table, for_editors, header, places_map, routes_map, sharing,
                                sidebar, source, summaries)
from dashboard.session import PageState
from dashboard.state import ViewState

PLACE_FACTS = 12  # sentences listed for a place of a large archive

# The compass as an SVG file, not the emoji string: a string icon makes Streamlit load its
# table of every emoji (0.2 s of the first run, before anything is drawn) to check it.
st.set_page_config(page_title="Caravan Atlas", page_icon=Path(__file__).resolve().parent / "img" / "favicon.svg",
                   layout="wide")


def main() -> None:
    source.check_map_assets()
    location, fp, cat = source.open_catalogue()
    acc = for_editors.access(source.secrets(), location)
    page = PageState()
    if not page.seeded:
        sharing.read_link(page, cat)
    page.keep_valid(cat)
    view = page.view(cat)

    # A small store is read whole; an archive reads the view's caravans when they are few
    # enough to draw one by one, else per-place totals (see dashboard.data).
    atlas, matched = None, None
    if not cat.large:
        atlas = reads.atlas(location, fp)
    else:
        matched = reads.matching(location, fp, view)
        if sum(n for _, n in matched) <= data.detail_limit():
            atlas = reads.window(location, fp, tuple(cid for cid, _ in matched))
    if atlas is not None:
        for_editors.follow_selection(atlas)
        if page.stop not in atlas.stops_by_id:
            page.stop = None
        page.place = None
    else:
        page.stop = None

    # Earlier / Later / Play step through the dates of the caravans shown, not of all caravans
    step_dates = journey.nearest_dates(atlas, journey.visible_stops(atlas, view.with_(as_of=None))) \
        if atlas is not None else list(cat.dates)
    share = sidebar.filters(page, cat, location, fp, view, step_dates or list(cat.dates))
    header.title(page)
    if atlas is not None:
        routes_page(page, cat, atlas, view, acc, share, lambda: data.fingerprint(location) != fp)
    else:
        full = places_page(page, cat, location, fp, view, matched, acc)
        sharing.share_box(share, full)  # (the routes page writes its own: it follows clicks without a full run)
    header.attribution()
    for_editors.sidebar(acc, reads.clear)
    sidebar.play(page, step_dates or list(cat.dates))


def routes_page(page: PageState, cat: Catalogue, atlas: journey.Atlas, view: ViewState, acc, share, stale) -> None:
    """Routes and stops of the caravans in view, the evidence, summaries and the table."""
    visible = journey.visible_stops(atlas, view)
    groups = journey.by_caravan(visible)
    header.routes_caption(cat, atlas, visible, groups, view.as_of)
    for_editors.add_articles(acc)
    map_and_evidence(atlas, view, visible, acc, share, stale)
    summaries.caravan_cards(atlas, groups)
    for_editors.caravan_tools(acc, atlas, visible)
    facts_table.show(atlas, visible)
    facts_table.unresolved(atlas, visible)
    for_editors.rejected_list(acc, atlas)
    source.unreadable_files(atlas.document.get("problems") or [])


@st.fragment
def map_and_evidence(atlas: journey.Atlas, view: ViewState, visible: list, acc, share, stale) -> None:
    """The map, the evidence panel, the address and the share link: a click on the map, a
    stop chosen in the panel or a pan reruns only this, not the filters, summaries and table.
    `stale()`: whether the store changed since the page's last full run (a correction saved
    in the panel), which needs the whole page drawn again."""
    if stale():
        st.rerun()
    page = PageState()
    selected = page.stop if page.stop in atlas.stops_by_id else None
    col_map, col_ev = st.columns([7, 4], gap="medium")
    with col_map:
        routes_map.show(page, atlas, view, visible, selected)
        sharing.follow_view(page.full_view(view))  # the address follows a click before the panel is drawn
    with col_ev:
        evidence_panel.stop(page, atlas, visible, selected, acc)
    full = page.full_view(view)
    sharing.follow_view(full)
    sharing.share_box(share, full)


def places_page(page: PageState, cat: Catalogue, location: str, fp: str, view: ViewState, matched: list,
                acc) -> ViewState:
    """A view of a large archive with more facts than are drawn one by one: per place, how
    many caravans and facts were reported there; a place's caravans and sentences on a
    click. Returns the full view for the share link."""
    rows = reads.place_totals(location, fp, view)
    keys = [overview.place_key(r) for r in rows]
    if page.place not in keys:
        page.place = None
    selected = page.place
    header.places_caption(cat, matched)
    for_editors.add_articles(acc)
    full = view.with_(place=selected)
    sharing.follow_view(full)  # the address follows a click before the place's sentences are drawn
    col_map, col_ev = st.columns([7, 4], gap="medium")
    with col_map:
        places_map.show(page, rows, reads.place_totals(location, fp, EVERYTHING), selected)
    with col_ev:
        row = rows[keys.index(selected)] if selected is not None else None
        detail = reads.place_detail(location, fp, view, row["lat"], row["lon"], PLACE_FACTS) if row else None
        evidence_panel.place(page, cat, row, detail)
    summaries.caravans_table(cat, matched)
    facts_table.places_download(rows)
    facts_table.unresolved_totals(*reads.unresolved_totals(location, fp, view))
    source.unreadable_files(data.problems(location))
    return full


main()
