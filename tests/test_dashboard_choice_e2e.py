"""Choosing caravans hides the others on the map at once, in the browser (dashboard/js/choice.js),
without waiting for the page's rerun; the rerun then draws the same choice. Real server, Debian's
Chromium; the server's messages are held back to show which side did what."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")

from browser_support import CHROMIUM, MAP_FRAME, GuardedContext, chromium  # noqa: E402

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


def test_choosing_a_caravan_hides_the_others_before_the_rerun(dashboard_server):
    held, hold = [], {"on": False, "ws": None}

    def relay(ws):  # the page's websocket to Streamlit, with the server's side held on demand
        hold["ws"] = ws
        server = ws.connect_to_server()
        server.on_message(lambda m: held.append(m) if hold["on"] else ws.send(m))
        ws.on_message(server.send)

    with chromium() as browser:
        ctx = GuardedContext(browser)
        try:
            page = ctx.new_page()
            page.route_web_socket("**/_stcore/stream", relay)
            page.goto(dashboard_server.url)
            fl = page.frame_locator(MAP_FRAME)
            fl.locator(".ca-badge").first.wait_for(timeout=60_000)
            page.wait_for_timeout(2000)  # settled: the map has reported its view
            assert sorted(fl.locator(".ca-badge").all_inner_texts()) == ["A", "B", "C", "D"]
            d_stops = fl.locator("path.ca-stop.ca-caravan-d").count()
            assert d_stops >= 2 and fl.locator("path.ca-stop").count() > d_stops

            hold["on"] = True  # from now on the server's answer does not reach the page
            page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
            page.get_by_role("option", name="D · December 2023").click()
            page.keyboard.press("Escape")
            frame = next(f for f in page.frames if "streamlit_folium" in f.url)
            frame.wait_for_function("() => document.querySelectorAll('.ca-badge').length === 1", timeout=10_000)
            assert fl.locator(".ca-badge").all_inner_texts() == ["D"]
            assert fl.locator("path.ca-stop").count() == d_stops  # only D's stops left, none added
            assert fl.locator("path.ca-route:not(.ca-caravan-d)").count() == 0

            assert held  # the server did answer: its rerun is waiting
            while held:  # the rerun arrives, in order: it draws the same choice (and fits the map to it)
                hold["ws"].send(held.pop(0))
            hold["on"] = False
            page.wait_for_function("() => location.search.includes('caravan=')", timeout=20_000)
            page.wait_for_timeout(1500)
            assert fl.locator(".ca-badge").all_inner_texts() == ["D"]
            assert fl.locator("path.ca-stop").count() == d_stops
            assert ctx.external == [] and ctx.errors == []
        finally:
            ctx.close()
