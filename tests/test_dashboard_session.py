"""The page's typed session state (dashboard.session.PageState) on a plain mapping: a shared
link's view goes into the widgets' keys and comes back out the same; reset and a store that
changed under a session keep the widgets' values valid."""
from __future__ import annotations

import datetime as dt

from archive.views import CaravanRow, Catalogue
from dashboard.session import PageState
from dashboard.state import ViewState, parse_query, to_query

D = dt.date


def catalogue(dates=(D(2021, 9, 1), D(2021, 10, 23), D(2023, 12, 27))) -> Catalogue:
    rows = {cid: CaravanRow(cid, cid.upper(), None, k, 1000, None, dates[0], dates[-1], 3, 1)
            for k, cid in enumerate(("a", "b", "c"))}
    return Catalogue(rows, ["Border Report", "Wire One"], list(dates), 3, 9)


def test_a_links_view_goes_into_the_widgets_and_back():
    cat = catalogue()
    vs = ViewState(caravans=("b",), start=D(2021, 10, 23), as_of=D(2021, 10, 23), min_size=1000,
                   outlets=("Wire One",), min_confidence=0.5, stop="b:2", source=1, zoom=6, center="19.0000,-99.0000")
    ss: dict = {}
    page = PageState(ss)
    page.seed(vs, ["a note"], cat)
    # the widgets' own keys (tests and the page's CSS find them by these names)
    assert ss["f_caravans"] == ["b"] and ss["f_range"] == (D(2021, 10, 23), D(2023, 12, 27))
    assert ss["f_asof_on"] is True and ss["sel_stop"] == "b:2" and ss["_seeded"] is True
    assert page.view(cat) == vs.with_(stop=None, source=0, zoom=None, center=None)
    assert page.full_view(page.view(cat)) == vs
    assert page.take_link_view() == (6, (19.0, -99.0)) and page.take_link_view() == (None, None)
    # and the URL it writes opens the same view
    params = to_query(page.full_view(page.view(cat)))
    assert parse_query(params, caravan_ids=cat.caravans_by_id, outlets=cat.outlets, stop_ids=["b:2"],
                       date_min=cat.date_min, date_max=cat.date_max) == vs


def test_reset_and_a_store_that_grew():
    cat = catalogue()
    page = PageState({})
    page.seed(parse_query({"caravan": ["a", "gone"], "from": "2021-10-23"}, caravan_ids=["a", "gone"],
                          date_min=cat.date_min, date_max=cat.date_max), [], cat)
    page.keep_valid(cat)
    assert page.caravans == ["a"]  # a caravan no longer in the store is dropped
    # new articles widen the dates: a range ending at the last date still ends at the last one
    wider = catalogue((D(2021, 9, 1), D(2021, 10, 23), D(2024, 2, 1)))
    page.keep_valid(wider)
    assert page.dates == (D(2021, 10, 23), D(2024, 2, 1)) and page.as_of == D(2024, 2, 1)
    page.reset(wider)
    assert page.view(wider) == ViewState() and page.stop is None and page.link_notes == []


def test_a_click_is_handled_once():
    page = PageState({})
    click = {"last_object_clicked_tooltip": "Stop A1: left from", "last_object_clicked_count": 1}
    assert page.new_click(click, PageState.last_click) == "Stop A1: left from"
    assert page.new_click(click, PageState.last_click) is None
    assert page.new_click(dict(click, last_object_clicked_count=2), PageState.last_click) == "Stop A1: left from"
