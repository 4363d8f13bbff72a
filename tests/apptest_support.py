"""What the AppTest suites share: the app run with a URL, and the map component's payload
read back (its arguments, and the spec its one dynamic layer hands to the renderer)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import layers

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def run_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def map_args(at: AppTest) -> dict:
    comps = at.get("component_instance")
    assert len(comps) == 1
    assert comps[0].proto.component_name == "streamlit_folium.st_folium"
    return json.loads(comps[0].proto.json_args)


def spec_of(args: dict) -> dict:
    m = re.search(r"window\.caRender\(\w+, (\{.*\})\);", args["feature_group"], re.S)
    assert m, "the dynamic layer hands a spec to the renderer"
    return layers.expand_spec(json.loads(m.group(1)))


def html_bodies(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]
