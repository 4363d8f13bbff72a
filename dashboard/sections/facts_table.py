"""The reported facts of the view as a table (a row opens its stop), the same as a plain
table for screen readers, the downloads (CSV, CSV for Excel, GeoJSON); the places named but
not located. In a large view: the places as CSV and the unlocated names' totals."""
from __future__ import annotations

import functools

import streamlit as st

from .. import evidence, exports, journey, overview
from ..session import PageState


def show(atlas: journey.Atlas, visible: list) -> None:
    st.subheader("Reported facts")
    rows = journey.table_rows(atlas, visible)
    stop_ids = [r["stop_id"] for r in rows]
    import pandas as pd  # here, not with the page: the map is sent before pandas loads on a first run

    df = pd.DataFrame(rows, columns=journey.TABLE_COLUMNS)
    st.dataframe(df, hide_index=True, key=PageState.facts_table.key,
                 on_select=functools.partial(_select_from_table, stop_ids),
                 selection_mode="single-row", column_order=[c for c in journey.TABLE_COLUMNS if c != "stop_id"],
                 column_config={"Lat": st.column_config.NumberColumn(format="%.4f"),
                                "Lon": st.column_config.NumberColumn(format="%.4f"),
                                "Sentence": st.column_config.TextColumn(width="large")})
    with st.expander("The facts as a plain table (read by screen readers, easy to copy)"):
        st.html(evidence.facts_table_html(rows, [c for c in journey.TABLE_COLUMNS if c != "stop_id"]))
    d1, d2, d3, _ = st.columns([1, 1.3, 1.2, 2])
    # built only when clicked: nothing to serialise on every rerun
    d1.download_button("Download CSV", lambda: exports.to_csv(atlas, visible), file_name="caravan-atlas.csv",
                       mime="text/csv", on_click="ignore")
    d2.download_button("Download CSV for Excel", lambda: exports.to_csv(atlas, visible, excel=True),
                       file_name="caravan-atlas-excel.csv", mime="text/csv", on_click="ignore",
                       help="The same table with a byte order mark, so Excel reads accents correctly.")
    d3.download_button("Download GeoJSON", lambda: exports.geojson_text(atlas, visible),
                       file_name="caravan-atlas.geojson", mime="application/geo+json", on_click="ignore",
                       help="Stops as points (places not located: null geometry), routes and planned legs as lines.")
    st.caption("The map itself: the ⇩ button on the map saves it as a PNG image.")


def _select_from_table(stop_ids: list) -> None:
    page = PageState()
    rows = page.selected_rows(PageState.facts_table)
    if rows and rows[0] < len(stop_ids):
        page.open_stop(stop_ids[rows[0]], focus=True)


def unresolved(atlas: journey.Atlas, visible: list) -> None:
    missing = journey.unresolved(visible)
    st.subheader("Places named but not located")
    if missing:
        st.caption("These place names could not be matched in the gazetteer, so they are not on the map.")
        st.html("<ul class='ca-sources'>" + "".join(
            f"<li><b>{evidence.e(s.place_text)}</b> — {evidence.e(s.ref)}, "
            f"{evidence.e(journey.ROLE_LABEL.get(s.role, s.role))}, {evidence.e(evidence.source_line(atlas, s.evidence))}: "
            f"“{evidence.e(s.evidence.get('text', ''))}”</li>" for s in missing) + "</ul>")
    else:
        st.caption("None: every place named for the facts shown was located.")


def places_download(rows: list[dict]) -> None:
    st.download_button("Download places (CSV)", lambda: overview.places_csv(rows), file_name="caravan-atlas-places.csv",
                       mime="text/csv", on_click="ignore")


def unresolved_totals(n_missing: int, missing: list[dict]) -> None:
    st.subheader("Places named but not located")
    if missing:
        st.caption(f"{n_missing:,} place names could not be matched in the gazetteer, so they are not on the map"
                   + (f" (the {len(missing)} most reported are listed)" if n_missing > len(missing) else "") + ".")
        st.html(overview.unresolved_html(missing))
    else:
        st.caption("None: every place named for the facts shown was located.")
