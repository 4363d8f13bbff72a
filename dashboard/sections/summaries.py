"""Per-caravan summaries: how big and who said so, when and where it left, where it was
last, how far and how fast — one card per caravan shown (a table beyond a few); in a large
view, the table of the most reported caravans the filters match."""
from __future__ import annotations

import functools

import streamlit as st

from archive import views
from archive.views import Catalogue

from .. import evidence, journey, overview
from ..session import PageState

MAX_SUMMARY_CARDS = 9
CARAVANS_TABLE = 500


def caravan_cards(atlas: journey.Atlas, groups: dict) -> None:
    if not groups:
        return
    st.subheader("Caravans")
    items = list(groups.items())
    if len(items) <= MAX_SUMMARY_CARDS:
        cols = st.columns(min(3, len(items)))
        for i, (cid, stops) in enumerate(items):
            c = atlas.caravans_by_id[cid]
            summ = journey.caravan_summary(atlas, c, stops)
            with cols[i % len(cols)].container(border=True):
                st.html(f"<div class='ca-stop-head'><span class='ca-chip' style='background:{evidence.e(c.color)}'>"
                        f"{evidence.e(c.letter)}</span> {evidence.e(c.label)}</div>" + evidence.summary_html(summ))
    else:
        st.caption(f"{len(items)} caravans: choose up to {MAX_SUMMARY_CARDS} in the sidebar to see who reported "
                   "what about each.")
        import pandas as pd  # here, not with the page: the map is sent before pandas loads on a first run

        st.dataframe(pd.DataFrame([evidence.summary_row(journey.caravan_summary(atlas, atlas.caravans_by_id[cid], stops))
                                   for cid, stops in items]), hide_index=True)


def caravans_table(cat: Catalogue, matched: list) -> None:
    """A large view's caravans, most reported first: selecting rows shows them on the map."""
    st.subheader("Caravans")
    ids = views.most_reported(matched, CARAVANS_TABLE)
    st.caption(f"The {len(ids):,} most reported of the {len(matched):,} caravans these filters match. Select rows to show "
               "those caravans on the map.")
    table = overview.caravan_rows([cat.caravans_by_id[c] for c in ids if c in cat.caravans_by_id])
    import pandas as pd  # here, not with the page (see caravan_cards)

    st.dataframe(pd.DataFrame(table, columns=overview.CARAVAN_COLUMNS), hide_index=True,
                 key=PageState.caravans_table.key, on_select=functools.partial(_select_caravans, ids),
                 selection_mode="multi-row")


def _select_caravans(ids: list) -> None:
    page = PageState()
    picked = [ids[r] for r in page.selected_rows(PageState.caravans_table) if r < len(ids)]
    if picked:
        page.show_caravans(picked)
