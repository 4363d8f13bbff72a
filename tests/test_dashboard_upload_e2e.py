"""End to end, editing: the real Streamlit server on a store of its own (a temporary SQLite
file) with an edit password, and Debian's Chromium driven by Playwright (never
`playwright install`). Every non-localhost request is blocked and counted; any fails the test.

In Chromium an editor uploads an article, sees its caravan appear, corrects a size, re-runs
extraction and still sees the correction; a viewer without the password cannot edit. Hostile
uploads (script in the title and body, a 50 MB file) run nothing and change nothing.
Screenshots go to artifacts/ (git-ignored)."""
from __future__ import annotations

from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from browser_support import (ARTIFACTS, CHROMIUM, MAP_FRAME, DashboardServer, GuardedContext, chromium,  # noqa: E402
                             server_env)
from conftest import DASHBOARD_EDIT_PASSWORD, DASHBOARD_UPLOAD_ARTICLE, DASHBOARD_UPLOAD_BODY  # noqa: E402

XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_BODY = "<script>alert(2)</script> and <img src=x onerror=alert(3)> in the text."
XSS_FILE_NAME = "<img src=x onerror=alert(4)>.md"
EDIT_CONTROLS = (".st-key-ed_submit", ".st-key-upload_submit", ".st-key-paste_submit", ".st-key-reextract",
                 ".st-key-rn_submit", ".st-key-mv_submit", ".st-key-rj_submit", "input[type=file]")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def edit_server(tmp_path_factory):
    """A server whose store starts as the seeds, editing on with the test password."""
    tmp = tmp_path_factory.mktemp("edit-e2e")
    url = f"sqlite:///{tmp / 'store.sqlite'}"
    env = server_env(CARAVAN_ATLAS_STORE=url, CARAVAN_ATLAS_EDIT_PASSWORD=DASHBOARD_EDIT_PASSWORD)
    srv = DashboardServer(env, tmp / "streamlit.log")
    srv.store_url = url
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


class Session(GuardedContext):
    """One person at the dashboard (see GuardedContext), the page open on it."""

    def __init__(self, browser, url: str):
        super().__init__(browser)
        self.page = self.new_page()
        self.page.goto(url)
        self.map.locator("path.ca-stop").first.wait_for(timeout=60_000)
        self.page.wait_for_timeout(500)

    @property
    def map(self):
        return self.page.frame_locator(MAP_FRAME)

    @property
    def sidebar(self):
        return self.page.locator("[data-testid='stSidebar']")

    def unlock(self, password: str = DASHBOARD_EDIT_PASSWORD):
        self.sidebar.get_by_label("Edit password").fill(password)
        self.sidebar.get_by_role("button", name="Unlock editing").click()

    def open_add_articles(self, tab: str = "Upload files"):
        # A rerun still in flight (after unlocking, after an upload) can redraw the expander
        # closed under the click: check that it is open on the tab, and try again if not.
        details = self.page.locator("[data-testid='stExpander'] details", has_text="Add articles")
        chosen = self.page.get_by_role("tab", name=tab)
        for _ in range(5):
            details.wait_for(timeout=20_000)
            if details.get_attribute("open") is None:
                details.locator("summary").click()
            chosen.click()
            self.page.wait_for_timeout(400)
            if details.get_attribute("open") is not None and chosen.get_attribute("aria-selected") == "true":
                return
        raise AssertionError(f"the '{tab}' tab of 'Add articles' would not stay open")

    def choose_stop(self, prefix: str):
        self.page.locator(".st-key-sel_stop").click()
        self.page.keyboard.type(prefix)
        self.page.locator("[role='option']", has_text=prefix).first.click()
        self.page.locator(".ca-panel .ca-stop-head", has_text=prefix.strip()).wait_for(timeout=20_000)
        self.page.wait_for_timeout(800)

    def badges(self) -> list[str]:
        return sorted(self.map.locator(".ca-badge").all_inner_texts())

    def shot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))

    def assert_clean(self):
        assert self.external == [], self.external
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors


@pytest.fixture
def session(browser, edit_server):
    made = []

    def open_one():
        s = Session(browser, edit_server.url)
        made.append(s)
        return s
    yield open_one
    for s in made:
        s.close()


def _store(edit_server):
    from archive.store import Store

    return Store(edit_server.store_url)


def test_editor_uploads_corrects_reextracts_and_a_viewer_cannot_edit(edit_server, session, tmp_path):
    ed = session()
    page = ed.page
    assert ed.badges() == ["A", "B", "C", "D"]  # the seeds
    for sel in EDIT_CONTROLS:
        assert page.locator(sel).count() == 0, sel
    ed.unlock()
    page.locator(".st-key-lock").wait_for(timeout=30_000)
    assert "password" not in page.url.lower() and DASHBOARD_EDIT_PASSWORD not in page.url

    # upload an article: its caravan appears without a restart
    ed.open_add_articles()
    article = tmp_path / "june-caravan.md"
    article.write_text(DASHBOARD_UPLOAD_ARTICLE, encoding="utf-8")
    page.locator(".st-key-upload_files input[type='file']").set_input_files(str(article))
    page.get_by_text("june-caravan.md", exact=True).wait_for(timeout=10_000)
    page.locator(".st-key-upload_submit button").click()
    page.get_by_text("june-caravan.md: added").wait_for(timeout=60_000)
    # The map's frame is redrawn by the rerun the upload starts: absent for a moment, not an error.
    page.wait_for_function("() => { const f = document.querySelector(\"iframe[title='streamlit_folium.st_folium']\");"
                           " return !!(f && f.contentDocument)"
                           " && f.contentDocument.querySelectorAll('.ca-badge').length === 5; }", timeout=30_000)
    assert ed.badges() == ["A", "B", "C", "D", "E"]
    assert page.get_by_text("June 2024 caravan from Ciudad Hidalgo").first.is_visible()
    ed.shot("edit-upload-added.png")

    # correct the size of its departure
    ed.choose_stop("E1 ")
    assert "about 1,500 people" in page.locator(".ca-panel .ca-facts").inner_text()
    assert page.locator(".st-key-ed_low input").input_value() == "1500"
    page.locator(".st-key-ed_low input").fill("2000")
    page.locator(".st-key-ed_high input").fill("2500")
    page.locator(".st-key-ed_name input").fill("Ana Ruiz")
    page.locator(".st-key-ed_submit button").click()
    page.get_by_text("Correction saved. Correction #1 by Ana Ruiz.").wait_for(timeout=30_000)
    page.locator(".ca-panel .ca-facts", has_text="2,000–2,500 people").wait_for(timeout=20_000)
    history = page.locator(".ca-history")
    assert "Ana Ruiz" in history.inner_text() and "size → 2,000–2,500" in history.inner_text()
    history.scroll_into_view_if_needed()
    ed.shot("edit-correction-saved.png")

    # re-run extraction: the correction stays
    ed.sidebar.get_by_role("button", name="Re-run extraction").click()
    page.get_by_text("Re-read 4 articles; 1 correction re-applied.").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    assert "2,000–2,500 people" in page.locator(".ca-panel .ca-facts").inner_text()
    assert "Ana Ruiz" in page.locator(".ca-history").inner_text()
    ed.shot("edit-after-reextraction.png")
    assert [c["editor"] for c in _store(edit_server).corrections()] == ["Ana Ruiz"]

    # a viewer (another browser, no password) sees the corrected atlas and cannot edit
    viewer = session()
    vp = viewer.page
    assert viewer.badges() == ["A", "B", "C", "D", "E"]
    viewer.choose_stop("E1 ")
    assert "2,000–2,500 people" in vp.locator(".ca-panel .ca-facts").inner_text()
    assert "Ana Ruiz" in vp.locator(".ca-history").inner_text()  # history is public
    for sel in EDIT_CONTROLS:
        assert vp.locator(sel).count() == 0, sel
    assert vp.locator("[data-testid='stExpander'] summary", has_text="Add articles").count() == 0
    assert vp.get_by_text("Correct this fact").count() == 0
    viewer.unlock("guess")
    vp.get_by_text("Wrong password: editing stays locked.").wait_for(timeout=20_000)
    for sel in EDIT_CONTROLS:
        assert vp.locator(sel).count() == 0, sel
    viewer.shot("edit-viewer-locked.png")
    # the editor's unlocked state lives in the editor's session only: a fresh page of the
    # editor's own link is locked too
    again = viewer.ctx.new_page()
    again.goto(page.url)
    again.frame_locator(MAP_FRAME).locator("path.ca-stop").first.wait_for(timeout=60_000)
    again.wait_for_timeout(500)
    assert again.locator(".st-key-ed_submit").count() == 0 and again.locator("input[type=file]").count() == 0
    ed.assert_clean()
    viewer.assert_clean()


def test_hostile_title_body_and_file_name_run_nothing(edit_server, session, tmp_path):
    ed = session()
    page = ed.page
    ed.unlock()
    page.locator(".st-key-lock").wait_for(timeout=30_000)
    n_articles = len(_store(edit_server).document()["articles"])

    # pasted: script and HTML in the title and the body
    ed.open_add_articles("Paste text")
    page.locator(".st-key-paste_title input").fill(XSS_TITLE)
    page.locator(".st-key-paste_outlet input").fill("<b>Evil</b> Wire")
    page.locator(".st-key-paste_published input").fill("2024-07-01")
    page.locator(".st-key-paste_body textarea").fill(
        DASHBOARD_UPLOAD_BODY.replace("1,500", "1,700").replace("Saturday", "Sunday") + "\n" + XSS_BODY + "\n")
    page.locator(".st-key-paste_submit button").click()
    page.get_by_text(f"pasted text “{XSS_TITLE}”: added").wait_for(timeout=60_000)

    # uploaded: a hostile file name (the report shows it as text)
    ed.open_add_articles("Upload files")
    page.locator(".st-key-upload_files input[type='file']").set_input_files(
        {"name": XSS_FILE_NAME, "mimeType": "text/markdown",
         "buffer": DASHBOARD_UPLOAD_ARTICLE.replace("1,500", "900").encode()})
    page.wait_for_timeout(800)
    page.locator(".st-key-upload_submit button").click()
    page.get_by_text(f"{XSS_FILE_NAME}: added (saved as img_src_x_onerror_alert_4.md)").wait_for(timeout=60_000)
    assert len(_store(edit_server).document()["articles"]) == n_articles + 2

    # open the pasted article's evidence
    page.locator(".st-key-sel_stop").click()
    page.keyboard.type("1 Jul 2024")
    page.locator("[role='option']").first.click()
    title = page.locator(".ca-panel .ca-art-title")
    title.wait_for(timeout=20_000)
    assert title.inner_text().strip() == XSS_TITLE
    assert "<script>alert(2)</script>" in page.locator(".ca-article").inner_text()
    assert "<b>Evil</b> Wire" in page.locator(".ca-panel .ca-art-meta").inner_text()
    ed.map.locator("path.ca-ring").wait_for(timeout=10_000)
    page.wait_for_timeout(1500)
    for where in (page, ed.map):
        assert where.locator("img[src='x']").count() == 0
        assert where.locator("b", has_text="Evil").count() == 0
    injected = page.evaluate("""() => [...document.querySelectorAll('script')].some(s => /alert\\(/.test(s.textContent))""")
    assert not injected
    page.locator(".ca-panel").scroll_into_view_if_needed()
    ed.shot("edit-hostile-upload.png")
    ed.assert_clean()  # no dialog fired, nothing remote, no page errors


def test_a_50_mb_file_is_refused_and_the_store_is_unchanged(edit_server, session, tmp_path):
    ed = session()
    page = ed.page
    ed.unlock()
    page.locator(".st-key-lock").wait_for(timeout=30_000)
    before = _store(edit_server).document()
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:
        f.write(b"Migrants walked north. " * (50 * 1024 * 1024 // 23 + 1))
    ed.open_add_articles()
    page.locator(".st-key-upload_files input[type='file']").set_input_files(str(big))
    page.get_by_text("File must be 10.0MB or smaller.").wait_for(timeout=20_000)  # the browser refuses it
    ed.shot("edit-50mb-refused.png")
    page.locator(".st-key-upload_submit button").click()
    page.get_by_text("No file to add: choose .txt, .md or .html files of up to 10 MB each.").wait_for(timeout=20_000)
    assert _store(edit_server).document() == before
    ed.assert_clean()
