"""The evidence panel: the open stop (chosen on the map, in the list or the table), the
sentence it was read from shown in its article, the other stops drawn at the same place;
in a large view, the open place's caravans and latest sentences."""
from __future__ import annotations

import streamlit as st

from archive.views import Catalogue

from .. import evidence, journey, overview
from ..session import PageState
from . import for_editors


def md_text(text: str) -> str:
    """Article text shown as a widget label (which reads Markdown): every mark escaped."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$:" else ch for ch in text)


def stop(page: PageState, atlas: journey.Atlas, visible: list, selected: str | None, acc) -> None:
    st.subheader("Evidence")
    options = [None] + [s.id for s in visible if s.located or s.has_place or s.role == journey.REPORT]
    options += [s.id for s in journey.rejected(atlas)]  # marked wrong: not drawn, still readable
    if selected and selected not in options:
        options.append(selected)
    if page.stop not in options:
        page.stop = None
    stop_id = st.selectbox("Stop", options, key=PageState.stop.key, format_func=lambda s: _stop_option(atlas, s),
                           on_change=_focus_selected, placeholder="Choose a stop")
    open_stop = atlas.stops_by_id.get(stop_id) if stop_id else None
    if open_stop is None:
        st.info("Click a stop on the map, or choose one above or in the table below, to read the sentence "
                "it comes from in its article.")
        page.source = 0
        for_editors.show_flash("fact")  # a correction to a fact that is gone says why
        return
    sources = open_stop.sources
    if page.ss.get(PageState.source.key) not in range(len(sources)):
        page.source = 0
    if len(sources) > 1:
        st.selectbox("Sentence", list(range(len(sources))), key=PageState.source.key,
                     format_func=lambda k: f"{k + 1}. {evidence.source_line(atlas, sources[k])} — "
                                           f"“{(sources[k].get('text') or '')[:70]}…”")
    k = page.source or 0
    ev = sources[k]
    if open_stop.id not in {s.id for s in visible}:
        st.caption("This stop is hidden by the current filters.")
    _stack_list(atlas, journey.stack_of(visible, open_stop), open_stop)
    st.html(evidence.panel_header_html(atlas, open_stop, k))
    st.html(evidence.article_html(atlas.articles_by_id.get(ev.get("article")), ev.get("start", 0),
                                  ev.get("end", 0), ev.get("text")))
    st.html(evidence.SCROLL_JS, unsafe_allow_javascript=True)
    for_editors.fact_panel(acc, atlas, open_stop)


def _focus_selected() -> None:
    page = PageState()
    page.focus = page.stop


def _pick_stop(sid: str) -> None:
    PageState().open_stop(sid)


def _stack_list(atlas: journey.Atlas, here: list, stop) -> None:
    """Every stop drawn at the open stop's place: circles there cover one another, so each
    is a button (reachable by pointer and keyboard) that opens it."""
    if len(here) < 2:
        return
    with st.container(key="ca-stack", border=True):
        st.markdown(f"**{len(here)} stops at this place** — the circles lie on top of one another; choose one:")
        for s in here:
            st.button(md_text(_stop_option(atlas, s.id)), key=f"stack_{s.id}", on_click=_pick_stop, args=(s.id,),
                      disabled=s.id == stop.id, width="stretch",
                      type="primary" if s.id == stop.id else "secondary")


def _stop_option(atlas: journey.Atlas, sid) -> str:
    if sid is None:
        return "— choose a stop —"
    s = atlas.stops_by_id[sid]
    when = "" if s.planned else f" · {journey.fmt_date(s.date, s.date_precision)}"
    wrong = " · marked wrong" if s.rejected else ""
    return f"{s.ref} · {journey.ROLE_LABEL.get(s.role, s.role)} · {s.place_display}{when}{wrong}"


def place(page: PageState, cat: Catalogue, row: dict | None, detail: dict | None) -> None:
    """A large view's open place: its totals, its most reported caravans, its latest sentences."""
    st.subheader("Evidence")
    if row is None:
        st.info("Click a place on the map to see the caravans reported there and the latest sentences that "
                "say so, each with its article.")
        return
    st.html(overview.place_panel_html(row, cat))
    top = [c["id"] for c in detail["caravans"] if c["id"] in cat.caravans_by_id]
    if top:
        st.button(f"Show the {min(10, len(top))} most reported caravans here", on_click=_show_caravans,
                  args=(top[:10],), key="place_top")
    for k, f in enumerate(detail["facts"]):
        st.html(overview.fact_html(f, cat))
        st.button("Read it in its caravan", key=f"place_fact_{k}", on_click=_open_fact,
                  args=(f["caravan_id"], f["stop_id"]))


def _show_caravans(ids: list) -> None:
    PageState().show_caravans(ids)


def _open_fact(caravan_id: str, stop_id: str) -> None:
    """From a large archive's list of sentences to that fact, read in its caravan."""
    page = PageState()
    page.show_caravans([caravan_id])
    page.open_stop(stop_id, focus=True)
