"""How fast the dashboard is.

    .venv/bin/python benchmarks/dashboard_speed.py            # seeds + a 10,000-observation document
    .venv/bin/python benchmarks/dashboard_speed.py --no-browser --observations 20000

Prints the issue's three speed figures first (Chromium, one run, ratios where it can):
  A. `streamlit run` → map drawn (badges and basemap), divided by the same for a bare
     one-line Streamlit page started the same way in the same run (target ≤ 1.3);
  B. choosing a caravan → the map redrawn in the browser (target ≤ 0.25 s on the seeds,
     ≤ 0.5 s on a 10,000-observation document);
  C. a click on a stop → its evidence shown (target ≤ 0.3 s).
Then
  1. seconds from `streamlit run` to the map visible in Debian's Chromium (the browser is
     launched first and not counted), on the seed articles;
  2. server time of a script run (AppTest): first run, rerun after a filter change, rerun
     after a map click, on the seeds and on a synthetic document of N observations;
  3. the map payload sent to the browser per run (the st_folium component's arguments:
     the constant base map, and the layer that changes with the filters).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
APP = str(ROOT / "dashboard" / "app.py")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLACES = [("Tapachula", 14.90541, -92.25891), ("Huixtla", 15.13878, -92.46595), ("Mapastepec", 15.43358, -92.90039),
          ("Pijijiapan", 15.68650, -93.21230), ("Tonalá", 16.08906, -93.75276), ("Juchitán", 16.43591, -95.01930),
          ("Oaxaca", 17.06542, -96.72365), ("Puebla", 19.03793, -98.20346), ("Mexico City", 19.42847, -99.12766),
          ("Querétaro", 20.58806, -100.38806), ("San Luis Potosí", 22.14982, -100.97916),
          ("Monterrey", 25.67507, -100.31847), ("Saltillo", 25.42321, -101.0053), ("Piedras Negras", 28.70007, -100.52353),
          ("Ciudad Juárez", 31.72024, -106.46084), ("Tijuana", 32.5027, -117.00371), ("Del Rio", 29.36273, -100.89676)]


def synthetic_document(n_obs: int = 10_000, per_caravan: int = 50, seed: int = 7) -> dict:
    """n_obs observations in caravans of `per_caravan`, each backed by a sentence of its article."""
    import datetime as dt
    rnd = random.Random(seed)
    articles, caravans = [], []
    n_car = max(1, n_obs // per_caravan)
    outlets = [f"Outlet {k}" for k in range(12)]
    for c in range(n_car):
        aid = f"syn{c:05d}"
        start = dt.date(2018, 1, 1) + dt.timedelta(days=rnd.randrange(0, 2500))
        sentences, obs = [], []
        pos = 0
        for k in range(per_caravan):
            name, lat, lon = PLACES[min(k * len(PLACES) // per_caravan, len(PLACES) - 1)]
            lat += rnd.uniform(-0.4, 0.4)
            lon += rnd.uniform(-0.4, 0.4)
            day = start + dt.timedelta(days=k)
            role = "departure" if k == 0 else ("destination" if k == per_caravan - 1 else "waypoint")
            size = rnd.choice([None, None, 500, 1200, 3000, 7000])
            sent = f"On {day:%d %B %Y} about {size or 'many'} migrants were seen near {name}, reporters said."
            sentences.append(sent)
            obs.append({
                "article": aid, "role": role, "date": None if role == "destination" else day.isoformat(),
                "date_precision": None if role == "destination" else rnd.choice(["day", "day", "day", "month"]),
                "date_text": None, "size_low": size, "size_high": size, "size_text": str(size) if size else None,
                "size_qualifier": "about" if size else None,
                "place": {"text": name, "start": pos, "end": pos + len(name), "name": name, "lat": round(lat, 5),
                          "lon": round(lon, 5), "country_code": "MX", "admin1": None,
                          "kind": rnd.choice(["city"] * 9 + ["admin1"]), "label": f"{name}, MX", "resolved": True},
                "evidence": {"article": aid, "start": pos, "end": pos + len(sent), "text": sent}, "also": []})
            pos += len(sent) + 1
        articles.append({"id": aid, "path": f"{aid}.txt", "title": f"Synthetic caravan report {c}",
                         "outlet": outlets[c % len(outlets)], "published": start.isoformat(), "url": None,
                         "text": " ".join(sentences)})
        caravans.append({"id": f"{aid}#1", "label": f"Synthetic caravan {c}", "name": None, "size_low": 500,
                         "size_high": 7000, "organizers": [], "origins": [], "articles": [aid], "observations": obs})
    return {"articles": articles, "caravans": caravans, "toponyms": []}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_cold_start(env: dict, runs: int = 3) -> list[tuple[float, float]]:
    """(health ok, map visible) seconds after `streamlit run`, per run."""
    from playwright.sync_api import sync_playwright
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            port = _free_port()
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port",
                                     str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                _wait_healthy(port)
                t_health = time.perf_counter() - t0
                ctx, page = _local_page(browser, port)
                # badges are DOM markers in both renderings (SVG paths, or one canvas for thousands)
                page.frame_locator("iframe[title='streamlit_folium.st_folium']").locator(
                    ".ca-badge, .ca-place").first.wait_for(timeout=180_000)
                out.append((t_health, time.perf_counter() - t0))
                ctx.close()
            finally:
                proc.terminate()
                proc.wait()
    return out


BARE_PAGE = 'import streamlit as st\nst.write("bare page ready")\n'


def _serve(script: str, env: dict, cwd: Path) -> tuple[subprocess.Popen, int, float]:
    port = _free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, port, t0


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _local_only(ctx) -> None:
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")) else r.abort())


def _wait_healthy(port: int) -> None:
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return
        except OSError:
            time.sleep(0.05)


def _local_page(browser, port: int):
    """A fresh page on the server, allowed to reach this machine only."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
    _local_only(ctx)
    page = ctx.new_page()
    page.goto(f"http://127.0.0.1:{port}/")
    return ctx, page


def _open_when_healthy(browser, port: int):
    """Once the server answers its health check: a fresh local-only page on it."""
    _wait_healthy(port)
    return _local_page(browser, port)


def issue_figures(env: dict, caravan_title: str | None = None) -> dict:
    """The three figures of the speed section, in one run of Chromium (launched first, not counted)."""
    from playwright.sync_api import sync_playwright
    out = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A. a bare one-line page, then the dashboard, each from `streamlit run` to drawn
        (Path(tmp) / "bare.py").write_text(BARE_PAGE)
        proc, port, t0 = _serve("bare.py", env, Path(tmp))
        try:
            ctx, page = _open_when_healthy(browser, port)
            page.get_by_text("bare page ready").wait_for(timeout=120_000)
            out["bare_s"] = time.perf_counter() - t0
            ctx.close()
        finally:
            _stop(proc)
        proc, port, t0 = _serve("dashboard/app.py", env, ROOT)
        try:
            ctx, page = _open_when_healthy(browser, port)
            fl = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
            fl.locator(".leaflet-container[data-basemap='loaded']").wait_for(timeout=180_000)
            fl.locator(".ca-badge").first.wait_for(timeout=180_000)
            out["map_s"] = time.perf_counter() - t0
            page.wait_for_timeout(2500)  # settled: the map has reported its view
            frame = next(f for f in page.frames if "streamlit_folium" in f.url)
            # B. choose a caravan: from the click on its name to the map showing only it
            page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first.click()
            if caravan_title:
                page.keyboard.type(caravan_title)
            option = page.get_by_role("option", name=caravan_title, exact=True) if caravan_title else \
                page.get_by_role("option").last
            option.wait_for(timeout=30_000)
            letter = option.inner_text().split("·")[0].strip()
            t = time.perf_counter()
            option.click()
            frame.wait_for_function(
                "l => { const b = document.querySelectorAll('.ca-badge'); return b.length === 1 && b[0].innerText.trim() === l; }",
                arg=letter, polling="raf", timeout=60_000)
            out["choose_s"] = time.perf_counter() - t
            page.keyboard.press("Escape")
            page.locator("h1").first.click()
            page.wait_for_timeout(2500)
            # C. click a stop: until its evidence is shown beside the map
            frame = next(f for f in page.frames if "streamlit_folium" in f.url)
            stop = frame.locator("path.ca-stop[data-stop]").last
            ref = stop.get_attribute("data-stop")
            t = time.perf_counter()
            stop.click()
            page.wait_for_function(
                "r => { const h = document.querySelector('.ca-panel .ca-stop-head'); return !!h && h.innerText.includes('Stop ' + r); }",
                arg=ref, polling="raf", timeout=60_000)
            out["evidence_s"] = time.perf_counter() - t
            ctx.close()
        finally:
            _stop(proc)
        browser.close()
    return out


def print_issue_figures(name: str, r: dict, choose_target: float) -> None:
    ratio = r["map_s"] / r["bare_s"]
    print(f"{name}: A. streamlit run → map drawn {r['map_s']:.2f} s / bare page {r['bare_s']:.2f} s = {ratio:.2f}"
          f" (target ≤ 1.3{'' if ratio <= 1.3 else ' — missed'})")
    print(f"{name}: B. choosing a caravan → map redrawn in the browser {r['choose_s']:.2f} s"
          f" (target ≤ {choose_target:g} s{'' if r['choose_s'] <= choose_target else ' — missed'})")
    print(f"{name}: C. a stop click → evidence shown {r['evidence_s']:.2f} s"
          f" (target ≤ 0.3 s{'' if r['evidence_s'] <= 0.3 else ' — missed'})")


def apptest_timings(env_updates: dict, repeats: int = 3) -> dict:
    """Server-side script time (AppTest) of first run and reruns, and the map payload."""
    from streamlit.testing.v1 import AppTest
    old = {k: os.environ.get(k) for k in env_updates}
    os.environ.update({k: v for k, v in env_updates.items() if v is not None})
    for k, v in env_updates.items():
        if v is None:
            os.environ.pop(k, None)
    try:
        at = AppTest.from_file(APP, default_timeout=600)
        t = time.perf_counter()
        at.run()
        first = time.perf_counter() - t
        assert not at.exception, at.exception
        comp = at.get("component_instance")[0]
        args = json.loads(comp.proto.json_args)
        caravans = [o for o in at.sidebar.multiselect(key="f_caravans").options]
        filt, click, warm = [], [], []
        for i in range(repeats):
            t = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t)
            ms = at.sidebar.multiselect(key="f_caravans")
            t = time.perf_counter()
            ms.set_value([] if ms.value else [caravans[i % len(caravans)]]).run()
            filt.append(time.perf_counter() - t)
        at.sidebar.multiselect(key="f_caravans").set_value([]).run()
        for i in range(repeats):
            key = json.loads(at.get("component_instance")[0].proto.json_args)["key"]
            at.session_state[key] = {"last_object_clicked_tooltip": f"Stop A{i + 1}:", "last_object_clicked_count": i + 1}
            t = time.perf_counter()
            at.run()
            click.append(time.perf_counter() - t)
        args = json.loads(at.get("component_instance")[0].proto.json_args)
        m = re.search(r"window\.caRender\(\w+, (\{.*\})\);", args["feature_group"], re.S)
        n_stops = len(json.loads(m.group(1))["stops"])
        return {"first_run_s": first, "rerun_s": statistics.median(warm), "filter_rerun_s": statistics.median(filt),
                "click_rerun_s": statistics.median(click),
                "payload_total_kb": len(comp.proto.json_args) / 1024,
                "payload_base_kb": (len(args["script"]) + len(args["header"]) + len(args["html"])) / 1024,
                "payload_layer_kb": len(args["feature_group"]) / 1024, "stops_drawn": n_stops}
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _print_timings(name: str, r: dict) -> None:
    print(f"{name}: first run {r['first_run_s']:.2f} s (includes reading the document), rerun {r['rerun_s'] * 1000:.0f} ms,"
          f" rerun after a filter change {r['filter_rerun_s'] * 1000:.0f} ms, after a map click "
          f"{r['click_rerun_s'] * 1000:.0f} ms")
    print(f"{name}: map payload {r['payload_total_kb']:.0f} KB per run (base map {r['payload_base_kb']:.0f} KB, "
          f"filtered layer {r['payload_layer_kb']:.0f} KB, {r['stops_drawn']} stops drawn)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--observations", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--issue-only", action="store_true", help="only the three figures of the speed section")
    args = ap.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("CARAVAN_ATLAS_ARTICLES_DIR", "CARAVAN_ATLAS_DOCUMENT")}

    if not args.no_browser and Path(CHROMIUM).exists():
        print_issue_figures("seeds", issue_figures(env), 0.25)
        with tempfile.TemporaryDirectory() as tmp:
            doc = synthetic_document(args.observations)
            path = Path(tmp) / "synthetic.json"
            path.write_text(json.dumps(doc))
            n = sum(len(c["observations"]) for c in doc["caravans"])
            print_issue_figures(f"synthetic {n:,} observations",
                                issue_figures(dict(env, CARAVAN_ATLAS_DOCUMENT=str(path)), "D · Synthetic caravan 3"), 0.5)
        if args.issue_only:
            return 0
        runs = browser_cold_start(env, args.runs)
        print("seeds: streamlit run → health ok: " + ", ".join(f"{h:.2f}" for h, _ in runs) + " s")
        print("seeds: streamlit run → map visible in Chromium: " + ", ".join(f"{m:.2f}" for _, m in runs)
              + f" s (median {statistics.median(m for _, m in runs):.2f} s)")
    _print_timings("seeds", apptest_timings({"CARAVAN_ATLAS_DOCUMENT": None, "CARAVAN_ATLAS_ARTICLES_DIR": None},
                                            args.runs))
    with tempfile.TemporaryDirectory() as tmp:
        doc = synthetic_document(args.observations)
        path = Path(tmp) / "synthetic.json"
        path.write_text(json.dumps(doc))
        n = sum(len(c["observations"]) for c in doc["caravans"])
        print(f"synthetic: {n} observations in {len(doc['caravans'])} caravans ({path.stat().st_size / 1e6:.1f} MB JSON)")
        _print_timings(f"synthetic {n}", apptest_timings({"CARAVAN_ATLAS_DOCUMENT": str(path)}, args.runs))
        if not args.no_browser and Path(CHROMIUM).exists():
            env2 = dict(env, CARAVAN_ATLAS_DOCUMENT=str(path))
            runs = browser_cold_start(env2, 1)
            print(f"synthetic {n}: streamlit run → map visible in Chromium: {runs[0][1]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
