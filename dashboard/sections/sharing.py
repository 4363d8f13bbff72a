"""The URL is the whole view: read once when a session opens (a copied link reopens its
view), written back whenever the view changes; the sidebar's share link and embed code."""
from __future__ import annotations

import html

import streamlit as st

from archive.views import Catalogue

from .. import assets
from ..session import PageState
from ..state import KEYS, ViewState, parse_query, query_string, to_query

# The copy button copies the page's own address (the app keeps it equal to the view).
COPY_BUTTON = "\n" + assets.text("html/copy_button.html")


def _url_params() -> dict:
    return {k: st.query_params.get_all(k) for k in KEYS if k in st.query_params}


def read_link(page: PageState, cat: Catalogue) -> None:
    """First run of a session: the URL decides the view (a copied link reopens it)."""
    params = _url_params()
    raw_stop = (params.get("stop") or [None])[-1]
    # A stop is checked against the caravans here; whether it still exists, once its
    # caravan is read (a large archive is not read whole to check a link).
    stops = [raw_stop] if raw_stop and raw_stop.rsplit(":", 1)[0] in cat.caravans_by_id else []
    notes: list = []
    everything = {k: st.query_params.get_all(k) for k in st.query_params}  # unknown keys are named too
    vs = parse_query(everything, caravan_ids=cat.caravans_by_id, outlets=cat.outlets,
                     stop_ids=stops, date_min=cat.date_min, date_max=cat.date_max, notes=notes)
    page.seed(vs, notes, cat)


def follow_view(full: ViewState) -> None:
    """The address follows the view. Called as soon as the view is settled (before the
    summaries and the table), so it follows a click without waiting for the rest."""
    want = to_query(full)
    if want != _url_params():
        st.query_params.from_dict(want)


def share_box(box, full: ViewState) -> None:
    """The link to this view, a button copying it, and the code embedding it (in `box`)."""
    base = (st.context.url or "http://localhost:8501/").split("?")[0]
    want = to_query(full)
    link = base + ("?" + query_string(full) if want else "")
    with box:
        st.subheader("Share this view")
        st.html(COPY_BUTTON, unsafe_allow_javascript=True)
        st.html(code_box(link, "The link to this view"))
        st.caption("Embed this view in a web page:")
        st.html(code_box(embed_snippet(link), "Code embedding this view"))


def code_box(text: str, label: str) -> str:
    """`text` in a code box with a copy button, as `st.code` draws it (wrapped lines) but
    without `st.code`'s syntax highlighter: its 1.5 MB of JavaScript is evaluated before the
    page draws anything else, the map included (seconds of a first load on a busy machine)."""
    return (f'<div class="ca-code" role="group" aria-label="{html.escape(label, quote=True)}">'
            f'<pre><code>{html.escape(text, quote=False)}</code></pre>'
            f'<button type="button" class="ca-code-copy" title="Copy to clipboard" '
            f'aria-label="Copy to clipboard">⧉</button></div>')


def embed_snippet(link: str) -> str:
    """An iframe of this view (Streamlit's embed mode hides the app's menus)."""
    src = link + ("&" if "?" in link else "?") + "embed=true"
    return (f'<iframe src="{html.escape(src, quote=True)}" width="100%" height="900" style="border:0" '
            'title="Caravan Atlas: migrant caravans on a map" loading="lazy"></iframe>')
