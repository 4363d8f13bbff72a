"""The map sent without rebuilding it in folium each run (`dashboard.map_frame`) must send
streamlit-folium's front end exactly what `st_folium` would send for the same map."""
from __future__ import annotations

import json

import pytest

from dashboard import journey, layers, map_frame, overview
from dashboard.state import ViewState


@pytest.fixture
def atlas(dashboard_sample_document):
    return journey.build_atlas(dashboard_sample_document)


def _st_folium_args(monkeypatch, fig, group, **kw) -> dict:
    import streamlit_folium as sf

    seen = {}
    monkeypatch.setattr(sf, "_component_func", lambda **args: seen.update(args) or None)
    sf.st_folium(fig, feature_group_to_add=group, use_container_width=True, **kw)
    return seen


def _st_map_args(monkeypatch, *args, **kw) -> dict:
    seen = {}
    monkeypatch.setattr(map_frame, "_declare", lambda: (lambda **a: seen.update(a) or None))
    map_frame.st_map(*args, **kw)
    return seen


@pytest.mark.parametrize("legend", ["caravans", "places"])
def test_the_same_arguments_as_st_folium(monkeypatch, tmp_path, atlas, legend):
    monkeypatch.setenv("CARAVAN_ATLAS_CACHE", str(tmp_path))
    monkeypatch.setattr(map_frame, "_frames", {})
    html = layers.LEGEND_HTML if legend == "caravans" else overview.PLACES_LEGEND_HTML
    stops = journey.visible_stops(atlas, ViewState())
    spec = layers.map_spec(atlas, stops, stops[0].id)
    bounds = layers.document_bounds(atlas)
    returned = ["last_object_clicked_tooltip", "last_object_clicked_count", "zoom", "center"]
    want = _st_folium_args(monkeypatch, layers.base_map(bounds, legend=html), layers.spec_layer(spec), key="map",
                           height=738, returned_objects=returned, center=(15.0, -92.0), zoom=7)
    for fresh in (True, False):  # rendered now, then read back from the cache folder
        if not fresh:
            monkeypatch.setattr(map_frame, "_frames", {})
            assert list((tmp_path / "map-frames").glob("*.json"))
        got = _st_map_args(monkeypatch, bounds, spec, key="map", height=738, returned_objects=returned,
                           legend=html, center=(15.0, -92.0), zoom=7)
        assert list(got) == list(want)  # the same arguments, in the same order (the widget's id)
        for k in want:  # the same JSON for the front end (lists go as tuples), but the default
            if k not in ("on_change", "default"):
                assert json.dumps(got[k]) == json.dumps(want[k]), k
        # no list or dict: Streamlit asks of those whether they are data frames, importing pandas
        # before the map can be sent (`is_dataframe_like` returns early for these types only)
        for k, v in got.items():
            if k != "on_change":
                assert v is None or isinstance(v, (tuple, str, int, float, bool)), k
    assert got["default"] is None and json.loads(json.dumps(want["default"])) == want["default"]


def test_the_value_before_the_front_end_reports_is_st_folium_default(monkeypatch, tmp_path, atlas):
    """The default goes to the front end as None; st_map still returns st_folium's default
    (the base map's zoom) until the map reports its own view."""
    monkeypatch.setenv("CARAVAN_ATLAS_CACHE", str(tmp_path))
    monkeypatch.setattr(map_frame, "_frames", {})
    bounds = layers.document_bounds(atlas)
    returned = ["last_object_clicked_tooltip", "zoom"]
    monkeypatch.setattr(map_frame, "_declare", lambda: (lambda **a: None))
    got = map_frame.st_map(bounds, {"stops": []}, key="map", height=700, returned_objects=returned)
    frame = map_frame.base_frame(bounds)
    assert got == {"last_object_clicked_tooltip": None, "zoom": frame["zoom"]}
    reported = {"last_object_clicked_tooltip": "Stop A1:", "zoom": 6}
    monkeypatch.setattr(map_frame, "_declare", lambda: (lambda **a: reported))
    assert map_frame.st_map(bounds, {"stops": []}, key="map", height=700, returned_objects=returned) == reported


def test_a_click_value_reaches_the_key_as_with_st_folium(monkeypatch, tmp_path, atlas):
    """st_folium copies the component's value to session_state[key] before the app's callback."""
    import streamlit as st

    monkeypatch.setenv("CARAVAN_ATLAS_CACHE", str(tmp_path))
    calls = []
    seen = _st_map_args(monkeypatch, layers.document_bounds(atlas), {"stops": []}, key="map", height=700,
                        returned_objects=["last_object_clicked_tooltip"], on_change=lambda: calls.append(1))
    state = {seen["key"]: {"last_object_clicked_tooltip": "Stop A1:"}}
    monkeypatch.setattr(st, "session_state", state)
    seen["on_change"]()
    assert state["map"] == {"last_object_clicked_tooltip": "Stop A1:"} and calls == [1]
