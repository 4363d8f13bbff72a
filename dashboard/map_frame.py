"""The map on the page, without rebuilding it with folium on every run.

`st_folium` renders the whole folium map (a dozen templates) on every script run, and
importing it loads folium, branca and pandas (about a second on a busy machine) before the
first map can be sent. Our map is two parts (see `layers`): a base that changes only with
the document's bounds and the legend, and one feature group holding the spec as JSON. So:

- the base is rendered once by folium and streamlit-folium's own helpers and kept, in memory
  and on disk (the cache folder, keyed by the bounds, the legend and a hash of the code and
  assets and package versions that make it), so a restarted server draws its first map
  without importing folium at all;
- the feature group's JavaScript is the spec's JSON between a prefix and a suffix taken from
  streamlit-folium's rendering of the same group (tests check it is byte for byte the same);
- the arguments go to streamlit-folium's own front end, registered under its own name, so
  the browser side is the same component as before.
"""
from __future__ import annotations

import hashlib
import functools
import importlib.util
import json
import re
import threading
from pathlib import Path

from . import layers, offline

COMPONENT_NAME = "streamlit_folium.st_folium"  # the iframe's title: the same component as st_folium
_SPEC_MARK = '{"caMapSpec":0}'  # stands for the spec while the group's code is rendered once
_lock = threading.Lock()
_frames: dict = {}
_component = None


def _cache_dir() -> Path:
    from gazetteer.index import cache_dir
    return cache_dir() / "map-frames"


@functools.cache  # (files and versions do not change while the server runs)
def _code_hash() -> str:
    """Everything the rendered base depends on besides its arguments."""
    from importlib.metadata import version
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for f in sorted([here / "layers.py", here / "offline.py", here / "basemap.py", Path(__file__).resolve()]
                    + list((here / "js").glob("*.js")) + list((here / "css").glob("*.css"))
                    + list((here / "html").glob("*.html"))):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    for pkg in ("folium", "branca", "streamlit-folium", "streamlit"):
        h.update(f"{pkg}={version(pkg)}".encode())
    return h.hexdigest()[:16]


def _render(bounds, legend: str, map_height: int) -> dict:
    """The base map and the feature group's wrapper as streamlit-folium would send them."""
    import streamlit_folium as sf

    m = layers.base_map(bounds, height=map_height, legend=legend)
    m.get_root().render()  # as st_folium does: the whole figure, then the map
    m.render()
    html, header = sf._get_html(m), sf._get_header(m)
    script = sf._get_map_string(m)
    m_id = sf.get_full_id(m)
    try:
        fit = m.get_bounds()
    except AttributeError:  # pragma: no cover - as st_folium
        fit = [[None, None], [None, None]]
    group = sf._get_feature_group_string(layers.spec_layer_raw(_SPEC_MARK), map=m, idx=0)
    prefix, suffix = group.split(_SPEC_MARK)
    css, js = [], []
    for el in _walk(m):  # as st_folium collects them, after the group joined the map
        css.extend(href for _, href in getattr(el, "default_css", []))
        js.extend(src for _, src in getattr(el, "default_js", []))
    return {"script": script, "header": header, "html": html, "id": m_id,
            "css_links": list(dict.fromkeys(css)), "js_links": list(dict.fromkeys(js)),
            "bounds": {"_southWest": {"lat": fit[0][0], "lng": fit[0][1]},
                       "_northEast": {"lat": fit[1][0], "lng": fit[1][1]}},
            "zoom": m.options.get("zoom"), "group": [prefix, suffix]}


def _walk(el):
    import folium.elements
    if isinstance(el, folium.elements.JSCSSMixin):
        yield el
    for child in getattr(el, "_children", {}).values():
        yield from _walk(child)


def base_frame(bounds, legend: str = layers.LEGEND_HTML, map_height: int = layers.MAP_HEIGHT) -> dict:
    """The rendered base (memory, else disk, else folium), for these bounds and legend."""
    key = hashlib.sha256(json.dumps([bounds, legend, map_height, _code_hash()]).encode()).hexdigest()[:24]
    frame = _frames.get(key)
    if frame is not None:
        return frame
    with _lock:
        frame = _frames.get(key)
        if frame is None:
            path = _cache_dir() / f"{key}.json"
            try:
                frame = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                frame = _render(bounds, legend, map_height)
                try:
                    offline._write(path, json.dumps(frame).encode("utf-8"))
                except OSError:  # a read-only cache: render again next start
                    pass
            _frames[key] = frame
    return frame




def _declare():
    """streamlit-folium's front end, registered under its own name (without importing it)."""
    global _component
    from streamlit.runtime import exists, get_instance
    if _component is None:
        from streamlit.components.v1.custom_component import CustomComponent
        build = Path(importlib.util.find_spec("streamlit_folium").origin).parent / "frontend" / "build"
        _component = CustomComponent(name=COMPONENT_NAME, path=str(build), url=None, module_name="streamlit_folium")
    if exists():
        registry = get_instance().component_registry
        if registry.get_component_path(COMPONENT_NAME) is None:
            registry.register_component(_component)
    return _component


@functools.lru_cache(maxsize=32)
def js_hash(script: str, key: str | None, return_on_hover: bool = False) -> str:
    """streamlit-folium's component key (`generate_js_hash`): the same map, the same key."""
    standardized = re.sub(r"(_[a-z0-9]+)", "", script) + str(key)
    standardized = re.sub(r"(maps\/[-a-z0-9]+\/)", "", standardized) + str(key) + str(return_on_hover)
    return hashlib.sha256(standardized.encode()).hexdigest()


def st_map(bounds, spec: dict, *, key: str, height: int, returned_objects: list, legend: str = layers.LEGEND_HTML,
           center=None, zoom=None, on_change=None) -> dict:
    """`st_folium(layers.base_map(bounds, legend=legend), feature_group_to_add=layers.spec_layer(spec),
    use_container_width=True, ...)`, sending the same arguments."""
    import streamlit as st

    frame = base_frame(bounds, legend)
    hash_key = js_hash(frame["script"], key)
    defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
                "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
                "last_active_drawing": None, "bounds": frame["bounds"], "zoom": frame["zoom"],
                "last_circle_radius": None, "last_circle_polygon": None, "selected_layers": None,
                "selected_tags": None, "last_geocoder_result": None}
    defaults = {k: v for k, v in defaults.items() if k in returned_objects}
    prefix, suffix = frame["group"]

    def _on_change():
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    # Lists go as tuples and the default as None (the same JSON for the front end): Streamlit
    # asks of every list or dict argument whether it is a data frame, which imports pandas
    # (0.4-0.8 s of the first run, before the map could be sent). The front end reports its
    # view as soon as it is drawn whatever the default (its count starts at 0, not None), so
    # the default only stands for the value until then, here as with st_folium.
    value = _declare()(
        script=frame["script"], header=frame["header"], html=frame["html"], id=frame["id"], key=hash_key,
        height=height, width=None, returned_objects=tuple(returned_objects), default=None, zoom=zoom,
        center=tuple(center) if isinstance(center, list) else center,
        feature_group=prefix + layers.spec_data(spec) + suffix, return_on_hover=False, layer_control=None,
        pixelated=False, css_links=tuple(frame["css_links"]), js_links=tuple(frame["js_links"]),
        on_change=_on_change, wrap_longitude=False)
    return defaults if value is None else value

