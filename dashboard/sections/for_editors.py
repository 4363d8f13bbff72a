"""The sections for editors (Streamlit): unlocking, correcting a fact or a caravan, the list
of facts marked wrong, adding articles. What they compute lives in `dashboard.editing`
(who may edit, correction payloads) and `dashboard.upload` (files and pasted text into the
store); this module only lays out widgets and hands form values over. The forms' fields
keep their own session keys (a draft, not the view); the open stop is the view's
(`session.PageState`).

Corrections are saved from form callbacks, which run before the script: the run that
follows already reads the corrected store (its version changed), so nothing is drawn
twice. Every text that comes from users or files is shown escaped.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

import streamlit as st

from .. import editing, evidence, journey, upload
from ..editing import FormError, md_escape
from ..session import PageState

PASTE_KEYS = ("paste_title", "paste_outlet", "paste_published", "paste_url", "paste_body")
NAME_KEYS = ("ed_name", "mv_name", "rj_name", "rn_name", "mg_name", "sp_name")
ss = st.session_state


@dataclass
class Access:
    store: object | None  # archive.store.Store, or None when the dashboard reads a JSON document
    password: str | None
    reason: str | None  # why editing is off, when it is
    secrets: dict

    @property
    def enabled(self) -> bool:
        return self.store is not None and self.password is not None

    @property
    def unlocked(self) -> bool:
        return self.enabled and editing.is_unlocked(ss.get("_edit_token"), self.password)


def access(secrets: dict, location: str) -> Access:
    from .. import data

    password = editing.configured_password(secrets)
    if "://" not in str(location):
        return Access(None, password, "Editing is off: this dashboard shows a fixed set of facts.", secrets)
    store = data.open_store(str(location))
    if password is None:
        # The setting's name is for whoever runs the site (README), not for its visitors.
        return Access(store, None, "Editing and uploading are off on this site.", secrets)
    return Access(store, password, None, secrets)


# --------------------------------------------------------------------------- messages


FLASH_SECONDS = 30


def _flash(where: str, kind: str, text: str, key: str | None = None, replace: bool = True) -> None:
    """A message for one area of the page. It replaces that area's earlier messages and stays
    (for FLASH_SECONDS, or until the next action there): a rerun the person did not ask for,
    such as the map reporting its first state, must not wipe it before it is read."""
    items = [m for m in ss.get("_flash") or [] if not (replace and m[0] == where)]
    items.append((where, kind, text, key, time.monotonic()))
    ss["_flash"] = items


def _clear_flash(where: str) -> None:
    ss["_flash"] = [m for m in ss.get("_flash") or [] if m[0] != where]


def show_flash(where: str, key: str | None = None) -> None:
    """This area's recent messages (those about another `key`, e.g. another fact, are not shown)."""
    now = time.monotonic()
    live = [m for m in ss.get("_flash") or [] if now - m[4] < FLASH_SECONDS]
    ss["_flash"] = live
    for w, kind, text, k, _ in live:
        if w == where and (key is None or k in (None, key)):
            getattr(st, kind)(md_escape(text))


def follow_selection(atlas: journey.Atlas) -> None:
    """After a correction, keep the corrected fact selected (its stop id may have changed)."""
    fact = ss.pop("_follow_fact", None)
    stop = journey.stop_by_fact(atlas, fact)
    if stop is not None:
        PageState().open_stop(stop.id, focus=True)


def _remember_name(name: str) -> None:
    ss["editor_name"] = name
    for k in NAME_KEYS:
        ss[k] = name


def _prime_name(key: str) -> None:
    if not ss.get(key):
        ss[key] = ss.get("editor_name", "")


def _correct(acc: Access, where: str, action: str, build, name_key: str, note_key: str | None = None,
             follow: str | None = None, done: str = "Saved.") -> None:
    """A form callback: build the payload from the form, record the correction, say so."""
    if not acc.unlocked:
        _flash(where, "error", "Editing is locked: unlock it in the sidebar first.", follow)
        return
    from archive.corrections import CorrectionError

    try:
        name = editing.clean_editor(ss.get(name_key))
        payload = build()
        note = editing.clean_note(ss.get(note_key)) if note_key else None
        cid = acc.store.correct(action, payload, editor=name, note=note)  # a split's label is kept by the store
    except (FormError, CorrectionError) as exc:
        _flash(where, "error", " ".join(str(exc).split()), follow)
        return
    _remember_name(name)
    if follow:
        ss["_follow_fact"] = follow
    _flash(where, "success", f"{done} Correction #{cid} by {name}.", follow)


# --------------------------------------------------------------------------- sidebar


def _client() -> str:
    """Who is guessing: the browser's address, else this session (AppTest has no address)."""
    try:
        ip = st.context.ip_address
    except Exception:  # no request context
        ip = None
    if isinstance(ip, str) and ip:
        return f"ip:{ip}"
    return "session:" + ss.setdefault("_client_id", __import__("secrets").token_hex(8))


def _unlock(acc: Access) -> None:
    given = ss.get("unlock_pw") or ""
    ss["unlock_pw"] = ""
    client = _client()
    wait = editing.THROTTLE.wait(client)
    if wait > 0:  # not even checked: a guess made now tells nothing
        _flash("sidebar", "error", f"Too many wrong passwords: try again in {max(1, round(wait))} s.")
        return
    if acc.enabled and editing.password_matches(given, acc.password):
        editing.THROTTLE.succeeded(client)
        ss["_edit_token"] = editing.unlock_token(acc.password)
        _clear_flash("sidebar")  # the unlocked panel says so
    else:
        editing.THROTTLE.failed(client)
        time.sleep(0.3)  # a little friction for guessing
        wait = editing.THROTTLE.wait(client)
        _flash("sidebar", "error", "Wrong password: editing stays locked." + (
            f" Too many wrong passwords: try again in {max(1, round(wait))} s." if wait > 0 else ""))


def _lock() -> None:
    ss.pop("_edit_token", None)
    _flash("sidebar", "info", "Editing locked.")


def sidebar(acc: Access, clear_cache) -> None:
    sb = st.sidebar
    sb.subheader("Editing")
    with sb:
        show_flash("sidebar")
    if not acc.enabled:
        sb.caption(acc.reason or "Editing is off.")
        return
    if not acc.unlocked:
        sb.caption("Anyone can view. Correcting facts and adding articles need the edit password.")
        with sb.form("unlock_form", border=False):
            st.text_input("Edit password", type="password", key="unlock_pw", autocomplete="current-password")
            st.form_submit_button("Unlock editing", key="unlock_submit", on_click=_unlock, args=(acc,))
        return
    sb.caption("Editing unlocked in this browser session: correct facts in the evidence panel, add articles "
               "above the map, edit caravans below the summaries.")
    if sb.button("Re-run extraction", key="reextract", help="Read every stored article again with the current "
                 "extractor; corrections are re-applied."):
        with sb:
            with st.spinner("Reading every article again…"):
                n = acc.store.reextract()
        clear_cache()
        n_cor = len(acc.store.corrections())
        _flash("sidebar", "success", f"Re-read {n} article{'s' if n != 1 else ''}; "
                                     f"{n_cor} correction{'s' if n_cor != 1 else ''} re-applied.")
        st.rerun()
    sb.button("Lock editing", key="lock", on_click=_lock)


# --------------------------------------------------------------------------- adding articles


def _report_lines(report: upload.UploadReport) -> list[tuple[str, str]]:
    kinds = {"added": "success", "unchanged": "info", "failed": "error"}
    return [(kinds[o.status], f"{o.name}: {o.message}") for o in report.outcomes]


def add_articles(acc: Access) -> None:
    if not acc.unlocked:
        return
    if ss.pop("_clear_paste", False):
        for k in PASTE_KEYS:
            ss[k] = ""
    with st.expander("Add articles"):
        up, paste = st.tabs(["Upload files", "Paste text"])
        with up:
            with st.form("upload_form", clear_on_submit=True):
                files = st.file_uploader(
                    f"Articles (.txt, .md with front matter, saved .html pages; up to {upload.MAX_UPLOAD_MB} MB each)",
                    type=list(upload.UPLOAD_TYPES), accept_multiple_files=True, key="upload_files",
                    max_upload_size=upload.MAX_UPLOAD_MB)
                go_files = st.form_submit_button("Add to the atlas", key="upload_submit")
        with paste:
            with st.form("paste_form", clear_on_submit=False):
                st.text_input("Title", key="paste_title", max_chars=upload.MAX_TITLE)
                c1, c2 = st.columns(2)
                c1.text_input("Outlet", key="paste_outlet", max_chars=upload.MAX_OUTLET)
                c2.text_input("Published (YYYY-MM-DD)", key="paste_published", placeholder="2024-06-10")
                st.text_input("Link to the original (optional)", key="paste_url", placeholder="https://…")
                st.text_area("Article text", key="paste_body", height=200)
                go_paste = st.form_submit_button("Add to the atlas", key="paste_submit")
    files_in, pasted = [], []
    if go_files:
        if not files:
            _flash("upload", "warning", f"No file to add: choose .txt, .md or .html files of up to "
                                        f"{upload.MAX_UPLOAD_MB} MB each.")
        # (name, read, size): the size is checked before the bytes are read (the uploader's
        # own limit is enforced by the browser only)
        files_in = [(f.name, f.getvalue, f.size) for f in files or []]
    if go_paste:
        pasted = [{"body": ss.get("paste_body"), "title": ss.get("paste_title"), "outlet": ss.get("paste_outlet"),
                   "published": ss.get("paste_published"), "url": ss.get("paste_url")}]
    if files_in or pasted:
        ingest_with_progress(acc, files_in, pasted)
    show_flash("upload")
    report = ss.get("_upload_report")
    if report is not None:  # kept until dismissed or replaced: later reruns do not hide it
        with st.container(border=True, key="upload_report"):
            st.markdown("**Last upload:** " + md_escape(report["summary"]))
            for kind, text in report["lines"]:
                getattr(st, kind)(md_escape(text))
            st.button("Dismiss", key="upload_dismiss", on_click=lambda: ss.pop("_upload_report", None))


def ingest_with_progress(acc: Access, files, pasted) -> None:
    _clear_flash("upload")
    with st.status("Adding articles…", expanded=True) as status:
        bar = st.progress(0.0)

        def on_progress(frac: float, text: str) -> None:
            bar.progress(min(max(frac, 0.0), 1.0), text=md_escape(text))

        report = upload.ingest_uploads(acc.store, files, pasted, on_progress=on_progress)
        status.update(label=report.summary(), state="error" if report.failed and not report.added else "complete")
    if pasted and not any(o.status == "failed" for o in report.outcomes if o.name.startswith("pasted text")):
        ss["_clear_paste"] = True  # emptied before the form is drawn again
    ss["_upload_report"] = {"summary": report.summary(), "lines": _report_lines(report)}
    st.rerun()


# --------------------------------------------------------------------------- one fact


def _token(stop: journey.Stop) -> str:
    return hashlib.sha1(f"{stop.fact}|{stop.id}|{stop.corrections}".encode()).hexdigest()[:12]


def _prime(tok: str, defaults: dict) -> None:
    if ss.get("_ed_for") != tok or any(k not in ss for k in defaults):
        for k, v in defaults.items():
            ss[k] = v
        ss["_ed_for"] = tok


def _search(acc: Access, fact: str) -> None:
    q = ss.get("ps_query")
    try:
        hits = editing.place_candidates(q)
    except FormError as exc:
        _flash("fact", "error", str(exc), fact)
        return
    _clear_flash("fact")
    ss["_place_hits"] = {"fact": fact, "query": editing.clean_text(q, 200), "hits": hits}
    ss["ed_place"] = 0 if hits else "keep"
    if not hits:
        _flash("fact", "warning", f"No place called “{editing.clean_text(q, 120)}” in the gazetteer.", fact)


def _edit_build(stop: journey.Stop, hits: list):
    def build():
        choice = ss.get("ed_place", "keep")
        place = hits[choice] if isinstance(choice, int) and 0 <= choice < len(hits) else None
        return editing.edit_payload(stop, role=ss.get("ed_role"), date_known=bool(ss.get("ed_date_known")),
                                    date=ss.get("ed_date"), precision=ss.get("ed_prec"), size_low=ss.get("ed_low"),
                                    size_high=ss.get("ed_high"), place=place)
    return build


def fact_panel(acc: Access, atlas: journey.Atlas, stop: journey.Stop) -> None:
    """Under the evidence: the fact's corrections (public) and, for editors, the forms."""
    show_flash("fact", stop.fact)
    if acc.store is not None and stop.fact:
        st.html(evidence.history_html(editing.history_rows(acc.store.history(stop.fact), atlas)))
    if not acc.unlocked or not stop.fact:
        return
    with st.expander("Correct this fact", expanded=True):
        _edit_forms(acc, atlas, stop)


def _edit_forms(acc: Access, atlas: journey.Atlas, stop: journey.Stop) -> None:
    tok = _token(stop)
    hits_state = ss.get("_place_hits") or {}
    hits = hits_state.get("hits", []) if hits_state.get("fact") == stop.fact else []
    default_date = stop.date or stop.effective_date or atlas.date_max or dt.date.today()
    _prime(tok, {"ed_role": stop.role, "ed_date_known": stop.date is not None, "ed_date": default_date,
                 "ed_prec": stop.date_precision or "day", "ed_low": stop.size_low, "ed_high": stop.size_high,
                 "ed_note": "", "ps_query": stop.place_text or "", "ed_place": "keep",
                 "mv_to": None, "mv_label": "", "rj_note": ""})
    for k in NAME_KEYS[:3]:
        _prime_name(k)
    if ss.get("ed_place") not in ["keep", *range(len(hits))]:
        ss["ed_place"] = "keep"

    with st.form("place_search_form", border=False):
        st.text_input("Find the right place", key="ps_query", max_chars=editing.MAX_QUERY,
                      help="Type a name (“Escuintla, Chiapas”); the gazetteer's candidates are listed, best first.")
        st.form_submit_button("Search places", key="ps_submit", on_click=_search, args=(acc, stop.fact))
    if hits:
        st.caption(f"{len(hits)} candidate{'s' if len(hits) != 1 else ''} for “{md_escape(hits_state.get('query'))}”: "
                   "choose one under Place below.")

    current = f"Keep: {stop.place_display}" if stop.has_place else "Keep: no place"
    with st.form("edit_form"):
        st.selectbox("Place", ["keep", *range(len(hits))], key="ed_place",
                     format_func=lambda k: current if k == "keep" else editing.candidate_line(hits[k]))
        st.selectbox("Role", editing.ROLES, key="ed_role", format_func=lambda r: journey.ROLE_LABEL.get(r, r))
        st.checkbox("Date known", key="ed_date_known", help="Untick when the source gives no date.")
        c1, c2 = st.columns([3, 2])
        c1.date_input("Date", key="ed_date", min_value=dt.date(1990, 1, 1),
                      max_value=dt.date.today() + dt.timedelta(days=366), format="YYYY-MM-DD")
        c2.selectbox("Precision", editing.PRECISIONS, key="ed_prec")
        c1, c2 = st.columns(2)
        c1.number_input("Size: lowest", min_value=0, max_value=editing.MAX_SIZE, step=100, key="ed_low",
                        help="Empty: no size. An exact figure: the same number in both.")
        c2.number_input("Size: highest", min_value=0, max_value=editing.MAX_SIZE, step=100, key="ed_high")
        c1, c2 = st.columns(2)
        c1.text_input("Your name", key="ed_name", max_chars=editing.MAX_NAME)
        c2.text_input("Note (optional)", key="ed_note", max_chars=editing.MAX_NOTE)
        st.form_submit_button("Save correction", key="ed_submit", type="primary", on_click=_correct,
                              args=(acc, "fact", "edit", _edit_build(stop, hits), "ed_name", "ed_note", stop.fact,
                                    "Correction saved."))

    others = [c.id for c in atlas.caravans if c.id != stop.caravan_id]
    with st.form("move_form"):
        st.selectbox("Move to caravan", [*others, editing.NEW_CARAVAN], key="mv_to", placeholder="Choose a caravan",
                     format_func=lambda cid: "A new caravan" if cid == editing.NEW_CARAVAN
                     else atlas.caravans_by_id[cid].title)
        st.text_input("Name of the new caravan (when moving to a new one)", key="mv_label",
                      max_chars=editing.MAX_LABEL)
        st.text_input("Your name", key="mv_name", max_chars=editing.MAX_NAME)
        st.form_submit_button("Move", key="mv_submit", on_click=_correct, args=(
            acc, "fact", "move", lambda: editing.move_payload(atlas, stop, ss.get("mv_to"), ss.get("mv_label")),
            "mv_name", None, stop.fact, "Moved."))

    with st.form("reject_form"):
        c1, c2 = st.columns(2)
        c1.text_input("Your name", key="rj_name", max_chars=editing.MAX_NAME)
        c2.text_input("Why (optional)", key="rj_note", max_chars=editing.MAX_NOTE)
        action = "restore" if stop.rejected else "reject"
        st.form_submit_button("Restore this fact" if stop.rejected else "Mark this fact as wrong", key="rj_submit",
                              on_click=_correct, args=(
                                  acc, "fact", action, lambda: {"fact": editing.require_fact(stop)}, "rj_name",
                                  "rj_note", stop.fact, "Restored." if stop.rejected else "Marked as wrong."))


# --------------------------------------------------------------------------- caravans


def caravan_tools(acc: Access, atlas: journey.Atlas, stops: list[journey.Stop]) -> None:
    if not acc.unlocked or not atlas.caravans:
        return
    show_flash("caravans")
    ids = [c.id for c in atlas.caravans]

    def title(cid):
        return atlas.caravans_by_id[cid].title if cid in atlas.caravans_by_id else str(cid)

    for k in NAME_KEYS[3:]:
        _prime_name(k)
    sel = atlas.stops_by_id.get(PageState().stop or "")
    keep = sel.fact if sel is not None else None  # the open fact stays open, wherever it moves
    with st.expander("Edit caravans: rename, merge, split"):
        t1, t2, t3 = st.tabs(["Rename", "Merge", "Split off stops"])
        with t1, st.form("rename_form"):
            st.selectbox("Caravan", ids, key="rn_caravan", format_func=title, index=None, placeholder="Choose a caravan")
            st.text_input("New name", key="rn_label", max_chars=editing.MAX_LABEL)
            st.text_input("Your name", key="rn_name", max_chars=editing.MAX_NAME)
            st.form_submit_button("Rename", key="rn_submit", on_click=_correct, args=(
                acc, "caravans", "rename",
                lambda: editing.rename_payload(atlas, ss.get("rn_caravan"), ss.get("rn_label")), "rn_name", None,
                keep, "Renamed."))
        with t2, st.form("merge_form"):
            c1, c2 = st.columns(2)
            c1.selectbox("Keep this caravan", ids, key="mg_keep", format_func=title, index=None,
                         placeholder="Choose a caravan")
            c2.selectbox("…and merge this one into it", ids, key="mg_other", format_func=title, index=None,
                         placeholder="Choose a caravan")
            st.text_input("Your name", key="mg_name", max_chars=editing.MAX_NAME)
            st.form_submit_button("Merge", key="mg_submit", on_click=_correct, args=(
                acc, "caravans", "merge",
                lambda: editing.merge_payload(atlas, ss.get("mg_keep"), ss.get("mg_other")), "mg_name", None,
                keep, "Merged."))
        with t3, st.form("split_form"):
            pool = [s.id for s in stops if s.fact]
            st.multiselect("Stops that belong to another caravan", pool, key="sp_stops",
                           format_func=lambda sid: f"{atlas.stops_by_id[sid].ref} · "
                           f"{journey.ROLE_LABEL.get(atlas.stops_by_id[sid].role)} · {atlas.stops_by_id[sid].place_display}",
                           placeholder="Choose stops (those shown on the map)")
            st.text_input("Name of the new caravan", key="sp_label", max_chars=editing.MAX_LABEL)
            st.text_input("Your name", key="sp_name", max_chars=editing.MAX_NAME)
            st.form_submit_button("Split off", key="sp_submit", on_click=_correct, args=(
                acc, "caravans", "split",
                lambda: editing.split_payload(atlas, ss.get("sp_stops"), ss.get("sp_label")), "sp_name", None,
                keep, "Split off."))


def rejected_list(acc: Access, atlas: journey.Atlas) -> None:
    """Facts marked wrong: listed (with their sentence), never drawn."""
    gone = journey.rejected(atlas)
    if not gone:
        return
    st.subheader("Facts marked as wrong")
    st.caption("Editors marked these as wrong: they are kept with their evidence but not drawn or counted. "
               "Choose one in the evidence panel's list to see who did it" + (" or to restore it." if acc.unlocked else "."))
    st.html("<ul class='ca-sources'>" + "".join(
        f"<li><b>{evidence.e(s.ref)}</b> — {evidence.e(journey.ROLE_LABEL.get(s.role, s.role))} · "
        f"{evidence.e(s.place_display)}: “{evidence.e(s.evidence.get('text', ''))}”</li>" for s in gone) + "</ul>")
