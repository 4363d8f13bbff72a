"""End to end: the real Streamlit server and Debian's Chromium (driven by Playwright, never
`playwright install`), with every non-localhost request blocked and counted.

Screenshots go to artifacts/ (git-ignored)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from browser_support import (ARTIFACTS, CHROMIUM, MAP_FRAME, DashboardServer, GuardedContext, chromium,  # noqa: E402
                             server_env)
from conftest import XSS_OUTLET, XSS_TITLE, write_dashboard_xss_articles  # noqa: E402


pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def dashboard_xss_server(tmp_path_factory):
    folder = write_dashboard_xss_articles(tmp_path_factory.mktemp("xss") / "articles")
    srv = DashboardServer(server_env(CARAVAN_ATLAS_ARTICLES_DIR=str(folder)), tmp_path_factory.mktemp("e2e") / "xss.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def dashboard_browser():
    with chromium() as browser:
        yield browser


class Page(GuardedContext):
    """A guarded context and its page, opened on the dashboard when asked."""

    def __init__(self, browser):
        super().__init__(browser)
        self.page = self.new_page()

    def map(self, page=None):
        return (page or self.page).frame_locator(MAP_FRAME)

    def open(self, url, page=None):
        page = page or self.page
        page.goto(url)
        self.map(page).locator("path.ca-stop").first.wait_for(timeout=60_000)
        self.map(page).locator(".leaflet-container[data-basemap='loaded']").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        return page


@pytest.fixture
def dashboard_page(dashboard_browser):
    p = Page(dashboard_browser)
    yield p
    p.close()


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def test_map_renders_offline_with_the_seed_caravans(dashboard_server, dashboard_page):
    t0 = time.monotonic()
    page = dashboard_page.open(dashboard_server.url)
    fl = dashboard_page.map()
    assert fl.locator("path.ca-stop").count() >= 14
    assert fl.locator("path.ca-travelled").count() >= 3
    assert fl.locator("path.ca-planned").count() >= 3
    assert fl.locator(".ca-arrow").count() >= 5
    assert sorted(fl.locator(".ca-badge").all_inner_texts()) == ["A", "B", "C", "D"]  # the four seed caravans
    assert fl.locator("path.ca-place-tapachula").count() >= 4
    assert fl.locator(".ca-legend").is_visible()
    assert "GeoNames" in fl.locator(".leaflet-control-attribution").inner_text()
    assert fl.locator(".leaflet-tile").count() == 0  # no tiles requested: outlines instead
    # the country outlines are drawn (well over a hundred polygons under the routes)
    assert fl.locator(".leaflet-ca-basemap-pane path").count() > 100
    assert page.get_by_text("Reported facts").first.is_visible()
    _shot(page, "dashboard-map.png")
    # assets really come from the app, as JavaScript
    r = page.request.get(dashboard_server.url + "app/static/vendor/leaflet/leaflet.js")
    assert r.ok and "javascript" in r.headers["content-type"]
    assert dashboard_page.external == [], dashboard_page.external
    assert dashboard_page.failed == [] and dashboard_page.errors == []
    print(f"map visible {time.monotonic() - t0:.1f} s after navigation")


def test_click_on_tapachula_opens_its_evidence(dashboard_server, dashboard_page):
    page = dashboard_page.open(dashboard_server.url)
    dashboard_page.map().locator("path.ca-place-tapachula").last.click()
    mark = page.locator("mark.ca-evidence")
    mark.wait_for(timeout=20_000)
    assert "Tapachula" in mark.inner_text()
    panel = page.locator(".ca-panel")
    assert "Tapachula" in panel.locator(".ca-stop-head").inner_text()
    assert panel.locator(".ca-art-title").inner_text()
    assert "stop=" in page.url
    # the highlighted sentence is scrolled into view inside the article box
    page.wait_for_timeout(1500)
    visible = page.evaluate("""() => { const m = document.querySelector('mark.ca-evidence');
        const box = m.closest('.ca-article'); const a = box.getBoundingClientRect(), b = m.getBoundingClientRect();
        return b.top >= a.top - 1 && b.bottom <= a.bottom + 1; }""")
    assert visible
    # the selected stop is ringed on the map
    dashboard_page.map().locator("path.ca-ring").wait_for(timeout=10_000)
    _shot(page, "dashboard-evidence.png")
    assert dashboard_page.external == [] and dashboard_page.errors == []


def _view(p: Page, page) -> dict:
    fl = p.map(page)
    return {
        "stops": fl.locator("path.ca-stop").count(),
        # caravans under way (a hollow badge marks one not yet set out)
        "badges": sorted(fl.locator(".ca-badge span:not(.ca-hollow)").all_inner_texts()),
        "head": page.locator(".ca-panel .ca-stop-head").inner_text(),
        "mark": page.locator("mark.ca-evidence").inner_text(),
        "caption": page.locator("[data-testid='stCaptionContainer']").first.inner_text(),
    }


def test_copied_link_reproduces_the_view(dashboard_server, dashboard_page):
    p = dashboard_page
    p.ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page = p.open(dashboard_server.url)
    p.map().locator("path.ca-place-tapachula").last.click()
    page.locator("mark.ca-evidence").wait_for(timeout=20_000)
    # step the "as of" date forward twice: positions on the second reported date
    later = page.get_by_role("button", name="Later ▶")
    later.click()
    page.wait_for_timeout(1200)
    later.click()
    page.wait_for_function("() => location.search.includes('asof=')", timeout=20_000)
    page.wait_for_timeout(1500)
    before = _view(p, page)
    assert before["badges"] and len(before["badges"]) < 4  # as of an early date, not every caravan yet
    url = page.url
    assert "asof=" in url and "stop=" in url
    # the visible copy-link affordance copies exactly this URL
    page.get_by_role("button", name="Copy link to this view").click()
    page.wait_for_timeout(300)
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    assert url.split("/", 3)[3] in page.locator("[data-testid='stSidebar'] code").first.inner_text().replace("\n", "")
    # a fresh page from the copied link shows the same view
    other = p.open(url, p.new_page())
    other.locator("mark.ca-evidence").wait_for(timeout=20_000)
    other.wait_for_timeout(800)
    assert _view(p, other) == before
    _shot(other, "dashboard-shared-link.png")
    assert p.external == [] and p.errors == []


def test_hostile_title_shows_as_text_and_runs_nothing(dashboard_xss_server, dashboard_page):
    p = dashboard_page
    page = p.open(dashboard_xss_server.url)
    stop = p.map().locator("path.ca-place-tapachula").first
    stop.hover()
    tip = p.map().locator(".leaflet-tooltip")
    tip.wait_for(timeout=10_000)
    assert XSS_OUTLET in tip.inner_text()  # "<b>" shown as characters, not bold
    stop.click()
    page.locator(".ca-panel .ca-art-title").wait_for(timeout=20_000)
    assert page.locator(".ca-panel .ca-art-title").inner_text().strip() == XSS_TITLE
    assert "<img src=x onerror=alert(5)>" in page.locator(".ca-article").inner_text()
    page.wait_for_timeout(1500)
    for where in (page, p.map()):
        assert where.locator("img[src='x']").count() == 0
    assert page.locator(".ca-panel a[href^='javascript']").count() == 0
    _shot(page, "dashboard-hostile-title.png")
    assert p.dialogs == [], p.dialogs
    assert p.external == [] and p.errors == []


# --------------------------------------------------------------------------- a large archive

@pytest.fixture(scope="module")
def dashboard_archive_server(tmp_path_factory, dashboard_archive_db):
    from conftest import ARCHIVE_DETAIL, ARCHIVE_LARGE_ABOVE

    env = server_env(CARAVAN_ATLAS_STORE=str(dashboard_archive_db), CARAVAN_ATLAS_LARGE_ABOVE=str(ARCHIVE_LARGE_ABOVE),
                     CARAVAN_ATLAS_DETAIL_LIMIT=str(ARCHIVE_DETAIL))
    srv = DashboardServer(env, tmp_path_factory.mktemp("e2e") / "archive.log")
    yield srv
    srv.stop()


def test_an_archive_opens_as_places_and_a_sentence_opens_in_its_caravan(dashboard_archive_server, dashboard_page,
                                                                          dashboard_archive_db):
    """A view too large for routes: circles per place; a click on Tapachula lists its latest
    sentences (the hostile one as text); one of them opens in its caravan, route and all."""
    from dashboard.state import ViewState
    from archive import views
    from archive.store import Store

    store = Store(f"sqlite:///{dashboard_archive_db}")
    totals = views.place_totals(store, ViewState())
    n = 1 + next(i for i, r in enumerate(totals) if r["place_name"] == "Tapachula")
    page = dashboard_page.page
    page.goto(dashboard_archive_server.url)
    fl = dashboard_page.map()
    fl.locator("path.ca-place").first.wait_for(timeout=60_000)
    assert fl.locator("path.ca-place").count() == len(totals)
    assert fl.locator("path.ca-stop").count() == 0
    assert "Too many caravans for routes" in fl.locator(".ca-legend").inner_text()
    # by keyboard: smaller neighbours' circles lie over Tapachula's centre
    fl.locator(f"path.ca-place[data-place='{n}']").press("Enter")
    page.get_by_text("Latest sentences reported here").wait_for(timeout=20_000)
    assert "place=" in page.url
    text = page.locator(".ca-fact").first.inner_text()
    assert "<img src=x onerror=alert(1)>" in text and "left Tapachula on Monday" in text  # shown as text
    _shot(page, "dashboard-archive-place.png")
    page.get_by_role("button", name="Read it in its caravan").first.click()
    mark = page.locator("mark.ca-evidence")
    mark.wait_for(timeout=30_000)
    assert "left Tapachula on Monday" in mark.inner_text()
    fl.locator(".ca-badge").first.wait_for(timeout=30_000)  # the caravan drawn route by route
    assert fl.locator("path.ca-stop").count() >= 1
    assert "caravan=" in page.url and "stop=" in page.url
    _shot(page, "dashboard-archive-caravan.png")
    assert dashboard_page.external == [] and dashboard_page.dialogs == [] and dashboard_page.errors == []


# --------------------------------------------------------------------------- issue 11

def _stop_refs(fl, css):
    return sorted(fl.locator(css).evaluate_all("els => els.map(e => e.getAttribute('data-stop'))"))


def _panel_ref(page) -> str:
    return page.locator(".ca-panel .ca-stop-head b").inner_text().replace("Stop", "").strip()


def test_stacked_stops_are_all_reachable_by_pointer_and_keyboard(dashboard_server, dashboard_page):
    """Several stops at Tapachula coincide: a click on the top circle lists every one of them,
    and each listed stop opens by pointer and by keyboard."""
    p = dashboard_page
    page = p.open(dashboard_server.url)
    fl = p.map()
    here = _stop_refs(fl, "path.ca-place-tapachula")
    assert len(here) >= 2
    assert fl.locator("path.ca-place-tapachula.ca-stacked").count() == len(here)
    fl.locator("path.ca-place-tapachula").last.click()  # the circle on top
    box = page.locator(".st-key-ca-stack")
    box.wait_for(timeout=20_000)
    buttons = box.locator("button")
    # the list streams in with the rerun: wait for it to settle, fail if it never holds them all
    expect(buttons).to_have_count(len(here), timeout=20_000)
    listed = sorted(t.split("·")[0].strip() for t in buttons.all_inner_texts())
    assert listed == here
    top = _panel_ref(page)
    hidden = [r for r in here if r != top]
    # pointer: open a stop whose circle lies under another
    box.locator("button", has_text=f"{hidden[0]} ·").click()
    page.wait_for_function(f"() => location.search.includes('{hidden[0]}') || "
                           f"(document.querySelector('.ca-panel .ca-stop-head b')?.innerText ?? '').includes('{hidden[0]}')",
                           timeout=20_000)
    page.wait_for_timeout(800)
    assert _panel_ref(page) == hidden[0]
    # keyboard: focus the next one and press Enter
    other = hidden[-1] if len(hidden) > 1 else top
    btn = page.locator(".st-key-ca-stack button", has_text=f"{other} ·")
    btn.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => (document.querySelector('.ca-panel .ca-stop-head b')?.innerText ?? '').includes('{other}')",
                           timeout=20_000)
    assert _panel_ref(page) == other
    _shot(page, "dashboard-stacked-stops.png")
    assert p.external == [] and p.errors == []


def _download(page, click) -> bytes:
    with page.expect_download(timeout=30_000) as dl:
        click()
    return Path(dl.value.path()).read_bytes()


def test_downloads_are_data(dashboard_server, dashboard_page):
    """CSV (and its Excel twin) with machine-readable columns, GeoJSON with routes and planned
    legs and null geometry for places not located, the map as a PNG, and an embed snippet."""
    import csv
    import io
    import json
    import re
    import struct

    p = dashboard_page
    page = p.open(dashboard_server.url)
    # CSV
    raw = _download(page, lambda: page.get_by_role("button", name="Download CSV", exact=True).click())
    text = raw.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and set(["date", "date_precision", "size_low", "size_high", "lat", "lon", "place_kind", "role",
                         "caravan", "article_title", "outlet", "url", "evidence"]) <= set(rows[0])
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]) for r in rows if r["date"])
    assert any(r["date_precision"] == "day" for r in rows)
    sized = [r for r in rows if r["size_low"]]
    assert sized and all(int(r["size_low"]) <= int(r["size_high"]) for r in sized)
    located = [r for r in rows if r["lat"]]
    assert located and all(-90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180 for r in located)
    assert all(r["evidence"] for r in rows) and all(r["article_title"] and r["outlet"] for r in rows)
    # the Excel variant: the same with a UTF-8 byte order mark
    xl = _download(page, lambda: page.get_by_role("button", name="Download CSV for Excel").click())
    assert xl.startswith(b"\xef\xbb\xbf") and xl[3:].decode("utf-8") == text
    # GeoJSON
    gj = json.loads(_download(page, lambda: page.get_by_role("button", name="Download GeoJSON").click()))
    kinds = {f["properties"]["feature"] for f in gj["features"]}
    assert {"stop", "route", "planned leg"} <= kinds
    route = next(f for f in gj["features"] if f["properties"]["feature"] == "route")
    assert len(route["properties"]["dates"]) == len(route["geometry"]["coordinates"])
    assert route["properties"]["start_date"] <= route["properties"]["end_date"]
    for f in gj["features"]:
        if f["properties"]["feature"] == "stop" and not f["properties"]["located"]:
            assert f["geometry"] is None
    # the map as a PNG, drawn in the browser
    png = _download(page, lambda: p.map().locator(".ca-png a").click())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", png[16:24])
    assert w >= 800 and h >= 1000 and len(png) > 50_000
    # an embed snippet of the current view
    snippet = page.locator("[data-testid='stSidebar'] code").nth(1).inner_text().replace("\n", "")
    assert snippet.startswith("<iframe") and "embed=true" in snippet
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "dashboard-download.png").write_bytes(png)
    assert p.external == [] and p.errors == []


BANNED = ("admin1", "admin2", "size/date report", "placed by role", "CARAVAN_ATLAS", "edit_password", "JSON document",
          "source sentence")


def _plain_words_problems(text: str) -> list[str]:
    import re
    found = [w for w in BANNED if w.lower() in text.lower()]
    found += re.findall(r"\b1 (?:facts|stops|articles|sentences|caravans|sources)\b", text)
    return found


def test_plain_words_for_visitors(dashboard_server, dashboard_page):
    """No internal terms on the page, in the map's stop names or in the CSV; the date filter
    says it filters event dates; articles and sentences are counted as such."""
    p = dashboard_page
    page = p.open(dashboard_server.url)
    texts = [page.locator("body").inner_text()]
    texts += p.map().locator("path.ca-stop").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    # every choice of the stop list
    page.locator("[data-testid='stSelectbox']", has_text="Stop").first.click()
    page.get_by_role("option").first.wait_for(timeout=10_000)
    texts += page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    raw = _download(page, lambda: page.get_by_role("button", name="Download CSV", exact=True).click())
    texts.append(raw.decode("utf-8"))
    problems = [w for t in texts for w in _plain_words_problems(t)]
    assert problems == [], problems
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    assert "Dates of events" in sidebar and "not when the articles were published" in sidebar
    # a stop read from several sentences counts sentences, and the summaries count articles
    p.map().locator("path.ca-place-tapachula").last.click()
    page.locator(".ca-panel").wait_for(timeout=20_000)
    assert "saying this, in" in page.locator(".ca-panel .ca-sources summary").inner_text()
    assert page.locator("table.ca-summary", has_text="article").count() >= 1
    assert p.external == [] and p.errors == []


def _map_view(p, page=None) -> dict:
    return p.map(page).locator(".leaflet-container").evaluate(
        "el => { const m = window.map; const c = m.getCenter(); return {zoom: m.getZoom(), lat: c.lat, lon: c.lng}; }")


def _all_stops_in_view(p) -> bool:
    return p.map().locator(".leaflet-container").evaluate("""el => {
        const box = el.getBoundingClientRect();
        return Array.from(el.querySelectorAll('path.ca-stop')).every(s => {
          const r = s.getBoundingClientRect(), x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
          return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom; }); }""")


def test_the_view_follows_the_question(dashboard_server, dashboard_page):
    """The first view shows every stop; choosing a caravan fits the map to it (planned legs
    included); zoom and centre go in the share link, which reopens that view; a link with parts
    the app does not understand opens with a note naming them."""
    from urllib.parse import parse_qs, urlparse

    p = dashboard_page
    page = p.open(dashboard_server.url)
    assert _all_stops_in_view(p)
    before = _map_view(p)
    # choose one caravan: the map fits it
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="D · December 2023").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('caravan=')", timeout=20_000)
    page.wait_for_timeout(2500)
    assert p.map().locator("path.ca-stop").count() >= 2
    assert _all_stops_in_view(p)
    after = _map_view(p)
    assert after["zoom"] > before["zoom"], (before, after)
    # zoom and centre are in the link
    page.wait_for_function("() => location.search.includes('zoom=') && location.search.includes('center=')",
                           timeout=20_000)
    q = parse_qs(urlparse(page.url).query)
    assert int(q["zoom"][0]) == after["zoom"]
    lat, lon = (float(x) for x in q["center"][0].split(","))
    assert abs(lat - after["lat"]) < 0.01 and abs(lon - after["lon"]) < 0.01
    # a link with its own view and parts the app does not know
    other = p.new_page()
    bad = dashboard_server.url + "?caravan=no-such-caravan&from=2021-13-45&zoom=7&center=15.5000,-93.0000&colour=red"
    p.open(bad, other)
    note = other.locator("[data-testid='stAlert']", has_text="does not understand")
    note.wait_for(timeout=20_000)
    text = note.inner_text()
    assert "no-such-caravan" in text and "2021-13-45" in text and "colour" in text
    other.wait_for_timeout(1500)
    view = _map_view(p, other)
    assert view["zoom"] == 7 and abs(view["lat"] - 15.5) < 0.05 and abs(view["lon"] + 93.0) < 0.05
    _shot(other, "dashboard-bad-link.png")
    assert p.external == [] and p.errors == []


def test_plus_and_minus_zoom_about_the_maps_centre(dashboard_server, dashboard_page):
    """The map's + and − buttons zoom one step about the centre (the centre stays where it
    was), and the new zoom reaches the share link."""
    from urllib.parse import parse_qs, urlparse

    p = dashboard_page
    page = p.open(dashboard_server.url + "?zoom=6&center=16.5000,-94.0000")
    page.wait_for_timeout(1500)
    start = _map_view(p)
    assert start["zoom"] == 6, start
    for button, step in (("a.leaflet-control-zoom-in", 1), ("a.leaflet-control-zoom-out", -1)):
        before = _map_view(p)
        p.map().locator(button).click()
        p.map().locator(".leaflet-container").evaluate(
            "(el, z) => new Promise(r => { const t = Date.now(); (function w() {"
            " if (window.map.getZoom() === z || Date.now() - t > 5000) r(); else setTimeout(w, 50); })(); })",
            before["zoom"] + step)
        after = _map_view(p)
        assert after["zoom"] == before["zoom"] + step, (button, before, after)
        # about the centre: the centre moves by far less than a screen pixel's worth of degrees
        assert abs(after["lat"] - before["lat"]) < 0.02 and abs(after["lon"] - before["lon"]) < 0.02, (before, after)
        page.wait_for_function("z => new URLSearchParams(location.search).get('zoom') === String(z)",
                               arg=after["zoom"], timeout=20_000)
    q = parse_qs(urlparse(page.url).query)
    lat, lon = (float(x) for x in q["center"][0].split(","))
    assert abs(lat - 16.5) < 0.02 and abs(lon + 94.0) < 0.02, q
    assert p.external == [] and p.errors == []


def _labels(p, page) -> list[str]:
    return p.map(page).locator(".ca-label").all_inner_texts()


def test_offline_basemap_tells_where_you_are(dashboard_server, dashboard_page):
    """Capitals and large cities named at zoom 5, towns like Huixtla, Mapastepec and Arriaga
    at zoom 8; state lines; Natural Earth 10m coasts fetched from the app at close zoom; the
    data credited on the map; no tile or CDN request."""
    p = dashboard_page
    page = p.open(dashboard_server.url + "?zoom=5&center=18.0,-95.0")
    fl = p.map()
    fl.locator(".ca-label.ca-capital", has_text="Mexico City").wait_for(timeout=20_000)
    names = _labels(p, page)
    assert {"Mexico City", "Guatemala City", "Monterrey"} <= set(names), names
    assert "Huixtla" not in names  # towns wait for a closer zoom
    fl.locator(".leaflet-ca-states-pane path").first.wait_for(timeout=20_000)  # state lines
    credit = fl.locator(".leaflet-control-attribution").inner_text()
    assert "Natural Earth" in credit and "GeoNames" in credit
    # zoom 8 on the Chiapas coast
    page.goto(dashboard_server.url + "?zoom=8&center=15.6,-93.1")
    fl.locator(".ca-label", has_text="Mapastepec").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    names = _labels(p, page)
    assert {"Huixtla", "Mapastepec", "Arriaga"} <= set(names), names
    # the 10m coasts of the countries in view replace the low-resolution outlines
    page.wait_for_timeout(1000)
    assert int(fl.locator(".leaflet-container").get_attribute("data-basemap-detail") or 0) >= 1
    assert fl.locator(".leaflet-ca-basemap-pane path").count() < 20
    mx = page.request.get(dashboard_server.url + "app/static/geo/detail/MX.json").json()
    assert str(mx["geometry"]["coordinates"]).count("[") > 3000  # vertices: Natural Earth 1:10m
    assert fl.locator(".leaflet-tile").count() == 0
    _shot(page, "dashboard-basemap-z8.png")
    assert p.external == [] and p.failed == [] and p.errors == []


def _asof(page) -> str:
    from urllib.parse import parse_qs, urlparse
    return (parse_qs(urlparse(page.url).query).get("asof") or [""])[0]


def test_time_you_can_play(dashboard_server, dashboard_page):
    """As of a date a caravan keeps its size; Earlier steps through the shown caravan's own
    dates; a caravan not yet set out is drawn as such; the timeline has a row per caravan and a
    tick per dated fact, a tick opens its fact; Play moves the date and the as-of line."""
    p = dashboard_page
    page = p.open(dashboard_server.url)
    fl = p.map()
    tl = fl.locator("#ca-timeline")
    tl.locator("rect.ca-tick").first.wait_for(timeout=20_000)
    assert tl.locator("text").filter(has_text="A").count() >= 1
    assert sorted(set(tl.locator("rect.ca-tick").evaluate_all(
        "els => els.map(e => e.getAttribute('data-stop').replace(/[0-9]+/, ''))"))) == ["A", "B", "C", "D"]
    # caravan A ("800 people") switched on as of a date keeps its size and facts
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="A · September 2021").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('caravan=')", timeout=20_000)
    card = page.locator("table.ca-summary").first
    card.wait_for(timeout=20_000)
    assert "800" in card.inner_text()
    n_facts = page.get_by_text("reported fact").first.inner_text()
    page.locator("h1").first.click()  # out of the caravan list (its focus swallows the next click)
    page.locator("[data-testid='stSidebar'] [data-testid='stCheckbox'] label",
                 has_text="Show where each caravan was on a date").click()
    page.wait_for_function("() => location.search.includes('asof=')", timeout=20_000)
    page.wait_for_timeout(1500)
    assert "800" in page.locator("table.ca-summary").first.inner_text()
    assert "not reported" not in page.locator("table.ca-summary").first.inner_text()
    assert page.get_by_text("reported fact").first.inner_text().split("Showing")[1].split(",")[0] == \
        n_facts.split("Showing")[1].split(".")[0]
    # Earlier steps through A's own dates (it has one: 1 Sep 2021), not every caravan's
    page.get_by_role("button", name="◀ Earlier").click()
    page.wait_for_function("() => !location.search.includes('asof=2023')", timeout=20_000)
    assert _asof(page) == "2021-09-01"
    # all caravans as of a date before C and D set out: drawn as not yet on their way
    page.goto(dashboard_server.url + "?asof=2021-10-01")
    fl.locator("path.ca-pending").first.wait_for(timeout=30_000)
    assert sorted(fl.locator("path.ca-pending").evaluate_all("els => els.map(e => e.getAttribute('data-stop'))")) \
        == ["C1", "D1"]
    assert fl.locator(".ca-badge .ca-hollow").count() >= 2
    # a tick opens its fact (D's, which is not on the map as of this date)
    tick = tl.locator("rect.ca-tick[data-stop='D3']")
    tick.click()
    page.wait_for_function("() => location.search.includes('stop=')", timeout=20_000)
    page.locator(".ca-panel .ca-stop-head").wait_for(timeout=20_000)
    assert "Stop D3" in page.locator(".ca-panel .ca-stop-head").inner_text()
    _shot(page, "dashboard-timeline.png")
    # Play moves the date, and the as-of line with it
    page.goto(dashboard_server.url + "?asof=2021-09-01")
    line = tl.locator("line.ca-asof-line")
    line.wait_for(state="attached", timeout=30_000)
    x0 = float(line.get_attribute("x1"))
    seen = {_asof(page)}
    page.get_by_role("button", name="▶ Play").click()
    for _ in range(40):
        page.wait_for_timeout(500)
        seen.add(_asof(page))
        if len(seen) >= 3:
            break
    assert len(seen) >= 3, seen
    assert sorted(seen) == sorted(seen, key=lambda d: d)  # ISO dates, moving forward
    page.wait_for_timeout(800)
    assert float(tl.locator("line.ca-asof-line").get_attribute("x1")) > x0
    assert p.external == [] and p.errors == []


def test_phone_tap_shows_the_evidence(dashboard_server, dashboard_browser):
    """At 390 px wide the legend starts folded, and tapping a stop brings its evidence into view."""
    p = GuardedContext(dashboard_browser, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                       device_scale_factor=2)
    try:
        page = p.new_page()
        page.goto(dashboard_server.url)
        fl = page.frame_locator(MAP_FRAME)
        fl.locator("path.ca-stop").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        legend = fl.locator(".ca-legend details")
        assert legend.count() == 1 and legend.get_attribute("open") is None
        assert fl.locator(".ca-legend").bounding_box()["height"] < 40
        # the map and its stops are on screen, then a tap on Tapachula
        page.locator(MAP_FRAME).scroll_into_view_if_needed()
        fl.locator("path.ca-place-tapachula").last.tap()
        page.locator(".ca-panel .ca-stop-head").wait_for(timeout=20_000)
        page.wait_for_timeout(1500)
        box = page.locator(".ca-panel .ca-stop-head").bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 844, box
        # and nothing covers it (the page's own header bar included)
        assert page.evaluate("""() => { const h = document.querySelector('.ca-panel .ca-stop-head');
            const r = h.getBoundingClientRect(); const e = document.elementFromPoint(r.left + 10, r.top + r.height / 2);
            return !!e && h.contains(e); }""")
        page.screenshot(path=str(ARTIFACTS / "dashboard-phone-evidence.png"))
        assert p.external == [] and p.errors == []
    finally:
        p.close()


def test_keyboard_order_and_focus(dashboard_server, dashboard_page):
    """Tab reaches the stops in journey order and never a route line; Enter opens a stop and
    focus stays on it; the layers button has a name; the facts are in a real table."""
    p = dashboard_page
    page = p.open(dashboard_server.url)
    fl = p.map()
    refs = fl.locator("path.ca-stop").evaluate_all("els => els.map(e => e.getAttribute('data-stop'))")
    assert fl.locator("path.ca-route[tabindex]").count() == 0
    fl.locator("path.ca-stop[tabindex='1']").focus()
    seen = []
    for _ in range(len(refs)):
        seen.append(fl.locator(":focus").get_attribute("data-stop"))
        page.keyboard.press("Tab")
    journey_order = sorted(refs, key=lambda r: (r.rstrip("0123456789"), int(r.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))))
    assert seen == journey_order, seen
    # Enter on a stop opens it, and focus is still on that stop afterwards
    fl.locator("path.ca-stop[data-stop='C1']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('stop=')", timeout=20_000)
    page.locator(".ca-panel .ca-stop-head", has_text="Stop C1").wait_for(timeout=20_000)
    page.wait_for_timeout(1500)
    assert fl.locator(":focus").get_attribute("data-stop") == "C1"
    assert fl.locator(".leaflet-control-layers-toggle").get_attribute("aria-label")
    # the facts as a table with column headers
    page.get_by_text("The facts as a plain table").click()
    table = page.locator("table.ca-facts-table")
    table.wait_for(timeout=10_000)
    assert table.locator("th[scope='col']").count() >= 10
    n = int(page.get_by_text("reported fact").first.inner_text().split(" and ")[1].split(" reported")[0])
    assert table.locator("tbody tr").count() == n
    assert p.external == [] and p.errors == []
