"""Editing and uploading in the dashboard: who may edit, corrections through the real forms
(AppTest on a real store), hostile uploads through the real upload path, and the pure
functions behind them (dashboard.editing, dashboard.upload)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from conftest import DASHBOARD_EDIT_PASSWORD, DASHBOARD_UPLOAD_ARTICLE, DASHBOARD_UPLOAD_BODY  # noqa: E402
from dashboard import data, editing, journey, layers, upload  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
# Widgets only an unlocked editor may see.
EDIT_KEYS = {"upload_files", "upload_submit", "paste_submit", "paste_body", "ed_submit", "ps_submit", "mv_submit",
             "rj_submit", "rn_submit", "mg_submit", "sp_submit", "reextract", "lock", "ed_low", "ed_name"}
XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_BODY = "<script>alert(2)</script>"
SQL = "'); DROP TABLE articles; --"


# --------------------------------------------------------------------------- helpers


def plain(text: str) -> str:
    """A message as people read it (the app escapes markdown in user-supplied text)."""
    return re.sub(r"\\(.)", r"\1", text)


def run_app(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return rerun(at)


def messages(at: AppTest) -> dict[str, list[str]]:
    return {k: [plain(x.value) for x in getattr(at, k)] for k in ("success", "info", "warning", "error")}


def widget_keys(at: AppTest) -> set[str]:
    keys = set()
    for kind in ("button", "text_input", "text_area", "number_input", "selectbox", "multiselect", "file_uploader",
                 "date_input", "checkbox"):
        keys |= {w.key for w in getattr(at, kind) if getattr(w, "key", None)}
    return keys


def unlock(at: AppTest, password: str = DASHBOARD_EDIT_PASSWORD) -> AppTest:
    at.text_input(key="unlock_pw").input(password)
    return click(at, "unlock_submit")


def store():
    return data.open_store(data.source_location({}))


def atlas() -> journey.Atlas:
    return journey.build_atlas(data.load_document(data.source_location({})))


def map_spec(at: AppTest) -> dict:
    comp = at.get("component_instance")[0]
    m = re.search(r"window\.caRender\(\w+, (\{.*\})\);", json.loads(comp.proto.json_args)["feature_group"], re.S)
    return layers.expand_spec(json.loads(m.group(1)))


def circle(at: AppTest, stop_id: str) -> dict | None:
    """The map's circle for a stop (circles carry the stop's ref), or None when not drawn."""
    ref = atlas().stops_by_id[stop_id].ref
    return next((c for c in map_spec(at)["stops"] if c["ref"] == ref), None)


def table(at: AppTest):
    return at.dataframe[0].value


def upload_files(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="upload_files").set_value([(n, b, "text/plain") for n, b in files])
    return click(at, "upload_submit")


def paste(at: AppTest, body: str, title: str = "", outlet: str = "", published: str = "", url: str = "") -> AppTest:
    at.text_input(key="paste_title").input(title) if title else None
    at.text_input(key="paste_outlet").input(outlet) if outlet else None
    at.text_input(key="paste_published").input(published) if published else None
    at.text_input(key="paste_url").input(url) if url else None
    at.text_area(key="paste_body").input(body)
    return click(at, "paste_submit")


@pytest.fixture
def editor(dashboard_edit_env) -> AppTest:
    """An unlocked session on a fresh store (the seeds)."""
    return unlock(run_app())


# --------------------------------------------------------------------------- who may edit


def test_no_password_means_no_edit_or_upload_widgets(dashboard_edit_env, monkeypatch):
    monkeypatch.delenv(editing.PASSWORD_ENV)
    at = run_app()
    stop = next(s for s in atlas().stops() if s.located)
    at.selectbox(key="sel_stop").set_value(stop.id)
    rerun(at)
    assert not widget_keys(at) & EDIT_KEYS
    assert "unlock_pw" not in widget_keys(at) and len(at.file_uploader) == 0
    assert any("Editing and uploading are off" in c.value for c in at.sidebar.caption)
    # the public view still shows the fact's history (none yet)
    assert any("No corrections" in h.proto.body for h in at.get("html"))


def test_wrong_password_stays_locked(dashboard_edit_env):
    at = unlock(run_app(), "not the password")
    assert messages(at)["error"] == ["Wrong password: editing stays locked."]
    assert not widget_keys(at) & EDIT_KEYS
    assert "_edit_token" not in at.session_state
    assert at.text_input(key="unlock_pw").value == ""  # the typed password is not kept


@pytest.mark.parametrize("where", ["env", "secrets"])
def test_right_password_unlocks_for_this_session_only(dashboard_edit_env, monkeypatch, where):
    if where == "secrets":
        monkeypatch.delenv(editing.PASSWORD_ENV)
        at = run_app({"edit_password": "from secrets"})
        at = unlock(at, "from secrets")
    else:
        at = unlock(run_app())
    assert any("Editing unlocked in this browser session" in c.value for c in at.sidebar.caption)
    assert {"upload_files", "paste_submit", "reextract", "rn_submit"} <= widget_keys(at)
    # the session keeps a token, never the password, and the URL carries neither
    assert "unlock_pw" not in widget_keys(at)
    assert "unlock_pw" not in at.session_state or at.session_state["unlock_pw"] == ""
    assert DASHBOARD_EDIT_PASSWORD not in str(at.session_state["_edit_token"])
    assert all(k in ("caravan", "from", "to", "asof", "minsize", "outlet", "stop", "src", "zoom", "center")
               for k in at.query_params)
    assert DASHBOARD_EDIT_PASSWORD not in str(dict(at.query_params))
    # another session (a viewer) is still locked
    other = run_app({"edit_password": "from secrets"} if where == "secrets" else None)
    assert not widget_keys(other) & EDIT_KEYS
    # and locking again removes the controls
    at = click(at, "lock")
    assert not widget_keys(at) & EDIT_KEYS


def test_a_json_document_cannot_be_edited(monkeypatch, dashboard_sample_document_file):
    monkeypatch.setenv(data.DOCUMENT_ENV, str(dashboard_sample_document_file))
    monkeypatch.setenv(editing.PASSWORD_ENV, "pw")
    at = run_app()
    assert not widget_keys(at) & (EDIT_KEYS | {"unlock_pw"})
    assert any("fixed set of facts" in c.value for c in at.sidebar.caption)


# --------------------------------------------------------------------------- corrections


def test_size_correction_shows_on_map_table_and_history_and_survives_reextraction(editor):
    at = editor
    stop = next(s for s in atlas().stops() if s.located and s.size_low and s.role == "departure")
    at.selectbox(key="sel_stop").set_value(stop.id)
    rerun(at)
    before = circle(at, stop.id)
    assert at.number_input(key="ed_low").value == stop.size_low
    at.number_input(key="ed_low").set_value(25000)
    at.number_input(key="ed_high").set_value(26000)
    at.text_input(key="ed_name").input("Ana Ruiz")
    at.text_input(key="ed_note").input("AP's figure")
    click(at, "ed_submit")
    assert any(m.startswith("Correction saved. Correction #1 by Ana Ruiz") for m in messages(at)["success"])

    def shown():
        sid = at.selectbox(key="sel_stop").value
        assert journey.stop_by_fact(atlas(), stop.fact).id == sid  # the corrected fact stays open
        row = table(at)[table(at)["stop_id"] == sid].iloc[0]
        drawn = circle(at, sid)
        history = next(h.proto.body for h in at.get("html") if "ca-history" in h.proto.body)
        return row["Size"], drawn, history

    size, drawn, history = shown()
    assert size == "25,000–26,000"
    assert drawn["radius"] > before["radius"] and "25,000" in drawn["tip"]
    assert "Ana Ruiz" in history and "size → 25,000–26,000" in history and "AP&#x27;s figure" in history
    assert at.text_input(key="ed_name").value == "Ana Ruiz"  # remembered for the next correction
    assert [h["editor"] for h in store().history(stop.fact)] == ["Ana Ruiz"]

    click(at, "reextract")
    assert any(m.startswith("Re-read 3 articles; 1 correction re-applied") for m in messages(at)["success"])
    size, drawn2, history = shown()
    assert size == "25,000–26,000" and drawn2["radius"] == drawn["radius"] and "Ana Ruiz" in history


def test_bad_form_input_and_store_refusals_are_one_line_and_change_nothing(editor):
    at = editor
    stop = next(s for s in atlas().stops() if s.located and s.size_low)
    at.selectbox(key="sel_stop").set_value(stop.id)
    rerun(at)
    doc = store().document()
    # the lowest figure above the highest
    at.number_input(key="ed_low").set_value(9000)
    at.number_input(key="ed_high").set_value(100)
    at.text_input(key="ed_name").input("Ana")
    click(at, "ed_submit")
    assert messages(at)["error"] == ["The lowest size (9,000) is above the highest (100)."]
    # no name
    at.number_input(key="ed_low").set_value(9000)
    at.number_input(key="ed_high").set_value(9000)
    at.text_input(key="ed_name").input("   ")
    click(at, "ed_submit")
    assert messages(at)["error"] == ["Enter your name: it is recorded with every correction."]
    # nothing changed in the form
    at.number_input(key="ed_low").set_value(stop.size_low)
    at.number_input(key="ed_high").set_value(stop.size_high)
    at.text_input(key="ed_name").input("Ana")
    click(at, "ed_submit")
    assert messages(at)["error"] == ["Nothing to save: the form shows the fact as it is."]
    assert store().document() == doc and store().corrections() == []

    # The store itself refuses (archive.corrections.CorrectionError): another editor re-ran a
    # newer extractor that no longer reads this fact while this form was open.
    from journeys.extract import extract_article

    gone = stop.article_id
    store().reextract(extract=lambda a: dataclasses.replace(extract_article(a), caravans=[])
                      if a.id == gone else extract_article(a))
    doc = store().document()
    at.number_input(key="ed_low").set_value(9000)
    at.number_input(key="ed_high").set_value(9000)
    click(at, "ed_submit")
    errors = messages(at)["error"]
    assert errors == [f"edit: no such fact {stop.fact!r}"]
    assert store().document() == doc and store().corrections() == []


def test_reject_restore_move_rename_merge_split(editor):
    at = editor
    a = atlas()
    biggest = max(a.caravans, key=lambda c: len(c.stops))
    stop = next(s for s in biggest.stops if s.located and s.role == "departure")
    at.selectbox(key="sel_stop").set_value(stop.id)
    rerun(at)
    at.text_input(key="rj_name").input("Ben")
    click(at, "rj_submit")
    assert any(m.startswith("Marked as wrong.") for m in messages(at)["success"])
    assert circle(at, stop.id) is None  # not drawn
    assert stop.id not in set(table(at)["stop_id"])
    assert any(s.value == "Facts marked as wrong" for s in at.subheader)
    assert at.button(key="rj_submit").label == "Restore this fact"
    click(at, "rj_submit")
    assert circle(at, stop.id) is not None
    assert [h["action"] for h in store().history(stop.fact)] == ["reject", "restore"]

    # move the fact to a new caravan, named by the editor
    n = len(atlas().caravans)
    at.selectbox(key="mv_to").set_value(editing.NEW_CARAVAN)
    at.text_input(key="mv_label").input("Splinter group")
    click(at, "mv_submit")
    a = atlas()
    assert len(a.caravans) == n + 1
    moved = journey.stop_by_fact(a, stop.fact)
    assert a.caravans_by_id[moved.caravan_id].label == "Splinter group"
    assert at.selectbox(key="sel_stop").value == moved.id

    # rename, then merge it back, then split two stops off
    at.selectbox(key="rn_caravan").set_value(moved.caravan_id)
    at.text_input(key="rn_label").input("Renamed <b>group</b>")
    click(at, "rn_submit")
    assert atlas().caravans_by_id[moved.caravan_id].label == "Renamed <b>group</b>"
    assert not any("<b>group" in h.proto.body for h in at.get("html"))  # shown as text
    a = atlas()
    home = stop.caravan_id
    at.selectbox(key="mg_keep").set_value(home)
    at.selectbox(key="mg_other").set_value(home)
    click(at, "mg_submit")
    assert messages(at)["error"] == ["Choose two different caravans to merge."]
    at.selectbox(key="mg_keep").set_value(home)
    at.selectbox(key="mg_other").set_value(moved.caravan_id)
    click(at, "mg_submit")
    assert len(atlas().caravans) == n
    a = atlas()
    two = [s.id for s in a.caravans_by_id[home].stops[:2]]
    at.multiselect(key="sp_stops").set_value(two)
    at.text_input(key="sp_label").input("Split group")
    click(at, "sp_submit")
    a = atlas()
    assert len(a.caravans) == n + 1 and any(c.label == "Split group" for c in a.caravans)
    assert {c["editor"] for c in store().corrections()} == {"Ben"}


def test_place_search_offers_ranked_candidates(editor):
    at = editor
    at.text_area(key="paste_body").input(DASHBOARD_UPLOAD_BODY)
    at.text_input(key="paste_published").input("2024-06-10")
    click(at, "paste_submit")
    stop = next(s for s in atlas().stops() if s.place_name == "Ciudad Hidalgo")
    at.selectbox(key="sel_stop").set_value(stop.id)
    rerun(at)
    at.text_input(key="ps_query").input("Ciudad Hidalgo, Chiapas")
    click(at, "ps_submit")
    options = at.selectbox(key="ed_place").options
    assert options[0].startswith("Keep: Ciudad Hidalgo")
    assert options[1].startswith("Ciudad Hidalgo, Chiapas, MX")
    at.text_input(key="ed_name").input("Ana")
    click(at, "ed_submit")
    fixed = journey.stop_by_fact(atlas(), stop.fact)
    assert fixed.place_label == "Ciudad Hidalgo, Chiapas, MX" and abs(fixed.lat - 14.68) < 0.05
    at.text_input(key="ps_query").input("Qwxzzy Nowhere")
    click(at, "ps_submit")
    assert messages(at)["warning"] == ["No place called “Qwxzzy Nowhere” in the gazetteer."]


# --------------------------------------------------------------------------- uploads


def test_upload_adds_a_caravan_without_restart_and_a_duplicate_is_unchanged(editor):
    at = editor
    n = len(atlas().caravans)
    upload_files(at, ("june.md", DASHBOARD_UPLOAD_ARTICLE.encode()))
    assert "june.md: added" in messages(at)["success"]
    assert any("Last upload: 1 added, 0 unchanged" in plain(m.value).replace("*", "") for m in at.markdown)
    assert len(atlas().caravans) == n + 1
    assert "Ciudad Hidalgo" in " ".join(table(at)["Place"])  # shown in this very session
    assert len(map_spec(at)["badges"]) == n + 1
    doc = store().document()
    upload_files(at, ("again.md", DASHBOARD_UPLOAD_ARTICLE.encode()))
    assert messages(at)["info"][:1] == ["again.md: unchanged: the same text is already in the atlas"]
    assert store().document() == doc


def _big():
    return b"a" * (50 * 1024 * 1024)


HOSTILE = [
    ("empty.txt", lambda: b"", "empty.txt: file is empty (0 bytes)"),
    ("photo.txt", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
     "photo.txt: binary content (NUL bytes); expected UTF-8 text"),
    ("huge.txt", _big, "huge.txt: file is 50.0 MB, over the 10 MB upload limit"),
    ("big.txt", lambda: b"a " * 5_050_000, "big.txt: file is 10100000 bytes, over the 10000000-byte limit"),
    ("utf16.txt", lambda: DASHBOARD_UPLOAD_ARTICLE.encode("utf-16"),
     "utf16.txt: file is UTF-16 text; save it as UTF-8 and upload it again"),
    ("latin1.txt", lambda: "Se\xf1ora L\xf3pez walked\x81 north with 500 migrants.".encode("latin-1"),
     "latin1.txt: not valid UTF-8 (byte 0xf1 at offset 2)"),
    ("broken.md", lambda: b"---\ntitle: no end\n\nAbout 1,500 migrants left Tapachula.\n",
     "broken.md: broken front matter: opening '---' on line 1 is never closed"),
    ("date.md", lambda: DASHBOARD_UPLOAD_ARTICLE.replace("2024-06-10", "2021-13-45").encode(),
     "date.md: invalid published date '2021-13-45' in front matter (no such day)"),
    ("notes.html", lambda: b"<html><body><nav>Home</nav></body></html>", "notes.html: no article text found in the HTML page"),
]


@pytest.mark.parametrize("name,content,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_upload_is_refused_with_a_message_and_the_store_unchanged(editor, name, content, message):
    at = editor
    doc, version = store().document(), store().version()
    upload_files(at, (name, content()))
    assert messages(at)["error"] == [message]
    assert any("0 added, 0 unchanged (already in the atlas), 1 failed." in plain(m.value) for m in at.markdown)
    assert store().document() == doc and store().version() == version


def test_other_file_types_are_refused(editor):
    at = editor
    assert sorted(at.file_uploader(key="upload_files").allowed_type) == [".htm", ".html", ".md", ".txt"]
    # the browser offers only those; a crafted request is refused by Streamlit before our code
    doc = store().document()
    at.file_uploader(key="upload_files").set_value([("evil.exe", b"MZ\x90\x00", "application/octet-stream")])
    at.button(key="upload_submit").click().run()
    assert "Invalid file extension: `.exe`" in at.exception[0].value
    assert store().document() == doc
    # and by ours, whatever calls it
    report = upload.ingest_uploads(store(), [("evil.exe", b"MZ\x90\x00"), ("../x.php", b"<?php ?>")])
    assert [o.message for o in report.outcomes] == [
        "unsupported file type '.exe': upload .txt, .md or .html files",
        "unsupported file type '.php': upload .txt, .md or .html files"]
    assert store().document() == doc


def test_latin1_text_is_read_with_a_warning(editor):
    at = editor
    body = DASHBOARD_UPLOAD_BODY.replace("organizers said", "se\xf1al\xf3 la organizaci\xf3n")
    upload_files(at, ("latin.txt", body.encode("cp1252")))
    assert messages(at)["success"] == [
        "latin.txt: added (not UTF-8: read as Windows-1252, check accented letters in its quotes)"]
    assert any("señaló la organización" in a["text"] for a in store().document()["articles"])


def test_file_name_with_a_path_stays_in_the_upload_folder(editor, tmp_path, monkeypatch):
    at = editor
    temp = tmp_path / "temp"  # where any temporary file of this upload would go
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    upload_files(at, ("../../etc/passwd.txt", DASHBOARD_UPLOAD_ARTICLE.encode()))
    assert messages(at)["success"] == ["../../etc/passwd.txt: added (saved as passwd.txt)"]
    art = next(a for a in store().document()["articles"] if a["id"] == "passwd")
    assert art["path"] == f"{upload.UPLOAD_FOLDER}/passwd.txt"  # its base name only, in the upload
    assert not any(temp.iterdir())  # nothing written to disk for it
    assert not Path("/etc/passwd.txt").exists()


def test_script_and_html_in_title_and_body_are_text_everywhere(editor):
    at = editor
    paste(at, DASHBOARD_UPLOAD_BODY + f"\n{XSS_BODY} <img src=x onerror=alert(3)>\n", title=XSS_TITLE,
          outlet="<b>Evil</b> outlet", published="2024-06-10")
    assert messages(at)["success"] == [f"pasted text “{XSS_TITLE}”: added"]
    art = next(a for a in store().document()["articles"] if a["title"] == XSS_TITLE)
    assert XSS_BODY in art["text"]  # stored verbatim
    stop = next(s for s in atlas().stops() if s.article_id == art["id"] and s.located)
    at.selectbox(key="sel_stop").set_value(stop.id)
    rerun(at)
    bodies = [h.proto.body for h in at.get("html")]
    panel = "".join(bodies)
    assert "&lt;img src=x onerror=alert(1)&gt;" in panel and "&lt;script&gt;alert(2)&lt;/script&gt;" in panel
    assert "<img" not in panel and "<script>alert" not in panel and "<b>Evil" not in panel
    for h in at.get("html"):
        if h.proto.unsafe_allow_javascript:
            assert "alert" not in h.proto.body
    spec = json.dumps(map_spec(at))
    assert "<img" not in spec and "<b>Evil" not in spec
    for kind in ("success", "info", "error", "warning", "markdown", "caption"):
        for el in getattr(at, kind):
            assert "<img" not in el.value.replace("\\<", "&lt;")  # markdown-escaped, never raw


def test_sql_looking_text_is_stored_verbatim_and_harmless(editor, dashboard_edit_env):
    at = editor
    n = len(store().document()["articles"])
    paste(at, DASHBOARD_UPLOAD_BODY + f"\nA sign read {SQL}\n", title=SQL, outlet=SQL, published="2024-06-10")
    assert messages(at)["success"] == [f"pasted text “{SQL}”: added"]
    arts = store().document()["articles"]
    assert len(arts) == n + 1
    art = next(a for a in arts if a["title"] == SQL)
    assert art["outlet"] == SQL and f"A sign read {SQL}" in art["text"]
    path = dashboard_edit_env["url"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert {r[0] for r in conn.execute("select name from sqlite_master where type='table'")} >= {
            "articles", "extractions", "corrections", "caravans", "observations"}
        assert conn.execute("select count(*) from articles").fetchone()[0] == n + 1
    assert SQL in set(table(at)["Outlet"]) or SQL in at.sidebar.multiselect(key="f_outlets").options


@pytest.mark.parametrize("form,message", [
    (dict(published="2021-13-45"), "published date '2021-13-45' does not exist (expected YYYY-MM-DD)"),
    (dict(published="13/01/2021"), "published date '13/01/2021' is not a date (expected YYYY-MM-DD)"),
    (dict(url="javascript:alert(1)"), "the link must start with http:// or https://"),
    (dict(body="   \n  "), "the pasted article text is empty"),
])
def test_bad_pasted_metadata_is_refused_and_the_store_unchanged(editor, form, message):
    at = editor
    doc = store().document()
    paste(at, form.pop("body", DASHBOARD_UPLOAD_BODY), title="A title", **form)
    assert [m.split(": ", 1)[1] for m in messages(at)["error"]] == [message]
    assert store().document() == doc
    assert at.text_area(key="paste_body").value  # the text is kept for another try (unless empty)


def test_a_title_cannot_break_the_front_matter(editor):
    at = editor
    title = "Line one\n---\nurl: https://evil.example/\npublished: 1999-01-01\n---"
    paste(at, DASHBOARD_UPLOAD_BODY, title=title, published="2024-06-10")
    art = next(a for a in store().document()["articles"] if a["title"] and a["title"].startswith("Line one"))
    assert art["title"] == "Line one --- url: https://evil.example/ published: 1999-01-01 ---"
    assert art["url"] is None and art["published"] == "2024-06-10" and art["text"] == DASHBOARD_UPLOAD_BODY
    assert at.text_area(key="paste_body").value == ""  # emptied after a successful paste


# --------------------------------------------------------------------------- pure functions


def test_password_helpers():
    assert editing.configured_password({}, {}) is None
    assert editing.configured_password({"edit_password": "  "}, {}) is None
    assert editing.configured_password({"edit_password": "s"}, {}) == "s"
    assert editing.configured_password({"edit_password": "s"}, {editing.PASSWORD_ENV: "e"}) == "e"
    assert editing.password_matches("pw", "pw") and not editing.password_matches("pw ", "pw")
    assert not editing.password_matches("", "") and not editing.password_matches("x", None)
    tok = editing.unlock_token("pw")
    assert editing.is_unlocked(tok, "pw") and not editing.is_unlocked(tok, "other") and not editing.is_unlocked(tok, None)
    assert "pw" not in tok


@pytest.mark.parametrize("name,saved", [
    ("../../etc/passwd.txt", "passwd.txt"), ("..\\..\\win.ini.md", "win.ini.md"), ("/abs/x.HTML", "x.html"),
    (".hidden.txt", "hidden.txt"), ("...txt", "upload.txt"), ("a b<c>;rm -rf.md", "a_b_c_rm_-rf.md"),
    ("señal.txt", "senal.txt"), ("x" * 300 + ".txt", "x" * 80 + ".txt"),
])
def test_safe_filename(name, saved):
    assert upload.safe_filename(name) == saved


@pytest.mark.parametrize("name", ["metadata.json", "x.exe", "noext", "dir/", "x.txt.", "x.php"])
def test_safe_filename_refuses_other_types(name):
    with pytest.raises(upload.UploadError, match="unsupported file type"):
        upload.safe_filename(name)


def test_pasted_article_round_trips_through_the_reader(tmp_path):
    from journeys.articles import read_article

    for title in ['"quoted"', "'single'", "null", "true", "a: b", "# not a comment", "x\r\ny\u2028z", "---"]:
        p = tmp_path / "a.md"
        p.write_text(upload.pasted_article("Body.\n---\nnot: front matter\n", title=title, outlet="O", url="https://e.org/?a=b"))
        a = read_article(p)
        assert a.title == " ".join(title.replace("\u2028", " ").split()), title
        assert a.outlet == "O" and a.url == "https://e.org/?a=b" and a.text == "Body.\n---\nnot: front matter\n"
    with pytest.raises(upload.UploadError, match="does not exist"):
        upload.pasted_article("Body", published="2021-13-45")
    assert upload.published_date(dt.date(2024, 1, 2)) == dt.date(2024, 1, 2)


def test_ingest_uploads_reads_only_small_files(dashboard_edit_env):
    s = store()
    read = []
    report = upload.ingest_uploads(s, [("big.txt", lambda: read.append(1) or b"x", 11 * 1024 * 1024),
                                       ("ok.md", DASHBOARD_UPLOAD_ARTICLE.encode()),
                                       ("ok-copy.md", DASHBOARD_UPLOAD_ARTICLE.encode())])
    assert read == []
    assert [(o.name, o.status) for o in report.outcomes] == [("big.txt", "failed"), ("ok.md", "added"),
                                                            ("ok-copy.md", "unchanged")]
    assert report.outcomes[1].article == "ok"
    assert report.summary() == "1 added, 1 unchanged (already in the atlas), 1 failed."


def test_a_paste_over_the_readers_limit_is_refused(dashboard_edit_env):
    s = store()
    doc = s.document()
    body = "a " * 5_000_000  # 10 MB: under the upload's 10 MiB, over the reader's 10,000,000 bytes with its front matter
    report = upload.ingest_uploads(s, pasted=[{"body": body, "title": "Long"}])
    size = len(upload.pasted_article(body, title="Long").encode())
    assert [(o.status, o.message) for o in report.outcomes] == [
        ("failed", f"file is {size} bytes, over the 10000000-byte limit")]
    assert s.document() == doc


def test_edit_changes():
    a = journey.build_atlas(json.loads(json.dumps({"articles": [], "caravans": [{
        "id": "c", "label": "C", "observations": [{
            "article": "x", "role": "departure", "date": "2024-10-01", "date_precision": "day", "size_low": 3000,
            "size_high": 4000, "place": None, "fact": "x:0:s3000",
            "evidence": {"article": "x", "start": 0, "end": 1, "text": "t"}}]}]})))
    s = a.stops()[0]
    same = dict(role="departure", date_known=True, date=dt.date(2024, 10, 1), precision="day", size_low=3000,
                size_high=4000)
    with pytest.raises(editing.FormError, match="Nothing to save"):
        editing.edit_changes(s, **same)
    assert editing.edit_changes(s, **{**same, "size_low": 5000, "size_high": None}) == {"size_low": 5000, "size_high": 5000}
    assert editing.edit_changes(s, **{**same, "date_known": False}) == {"date": None}
    assert editing.edit_changes(s, **{**same, "precision": "month"}) == {"date": "2024-10-01", "date_precision": "month"}
    assert editing.edit_changes(s, **{**same, "role": "arrival"}) == {"role": "arrival"}
    assert editing.edit_changes(s, **{**same, "size_low": None, "size_high": None}) == {"size_low": None, "size_high": None}
    for bad, msg in [({"size_low": None, "size_high": 5}, "lowest size too"), ({"size_low": -1}, "whole number"),
                     ({"size_low": 2.5}, "whole number"), ({"date": "2021-13-45"}, "does not exist"),
                     ({"role": "flying"}, "Unknown role"), ({"precision": "week"}, "precision")]:
        with pytest.raises(editing.FormError, match=msg):
            editing.edit_changes(s, **{**same, **bad})
    place = {"name": "Tapachula", "lat": 14.9, "lon": -92.26, "country_code": "MX", "admin1": "Chiapas", "kind": "city"}
    assert editing.edit_payload(s, **same, place=place) == {"fact": "x:0:s3000", "changes": {"place": place}}
    assert editing.split_payload(a, [s.id], " New\n name ") == {"facts": ["x:0:s3000"], "label": "New name"}
    with pytest.raises(editing.FormError):
        editing.rename_payload(a, "c", "\n\t ")


def test_md_escape_neutralises_markdown():
    for text in ["![x](http://evil.example/a.png)", "[link](javascript:alert(1))", "<img src=x>", ":red[alert]",
                 "$x^2$", "**bold**", "`code`"]:
        escaped = editing.md_escape(text)
        assert plain(escaped) == text
        assert not re.search(r"(?<!\\)[\[\]()<>*`$:!]", escaped), escaped
