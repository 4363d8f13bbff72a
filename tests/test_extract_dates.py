"""Which date each extracted stop gets (journeys.extract), on short articles written here.

The real pipeline: the real gazetteer, the geoparser and the extractor; only the texts are
invented (never copied from a corpus article).
"""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import write_article
from journeys.extract import extract_article

D = dt.date
WED = D(2024, 3, 13)  # a Wednesday


def _extract(tmp_path, body: str, published: dt.date = WED):
    return extract_article(write_article(tmp_path, body, published))


def _stop(x, place: str, role: str | None = None):
    hits = [o for c in x.caravans for o in c.observations
            if o.place is not None and o.place.text == place and (role is None or o.role == role)]
    assert len(hits) == 1, [(o.role, o.place and o.place.text, o.date) for c in x.caravans for o in c.observations]
    return hits[0]


def test_the_next_sentence_goes_on_telling_the_same_day(tmp_path):
    x = _extract(tmp_path, "A caravan of about 900 migrants entered Guatemala early on Monday.\n\n"
                           "The caravan crossed the river at Agua Caliente.\n\n"
                           "The group later rested in Chiquimula.")
    assert _stop(x, "Guatemala").date == D(2024, 3, 11)
    carried = _stop(x, "Agua Caliente")
    assert (carried.date, carried.date_precision) == (D(2024, 3, 11), "day")
    assert carried.confidences["date"] < _stop(x, "Guatemala").confidences["date"]  # derived: less sure
    assert _stop(x, "Chiquimula").date is None  # "later": another day


@pytest.mark.parametrize("second", [
    "The caravan had crossed the river at Agua Caliente.",  # earlier than that day
    "Two weeks ago the caravan crossed the river at Agua Caliente.",  # a date of its own
])
def test_no_day_is_carried_into_another_time(tmp_path, second):
    x = _extract(tmp_path, "A caravan of about 900 migrants entered Guatemala early on Monday.\n\n" + second)
    o = _stop(x, "Agua Caliente")
    assert o.date != D(2024, 3, 11)


def test_a_day_is_carried_only_to_the_next_sentence(tmp_path):
    x = _extract(tmp_path, "A caravan of about 900 migrants entered Guatemala on Monday. Officials counted them. "
                           "The caravan crossed the river at Agua Caliente.")
    assert _stop(x, "Agua Caliente").date is None


def test_the_place_it_came_from_is_not_dated_by_the_entry(tmp_path):
    x = _extract(tmp_path, "About 900 migrants in a caravan crossed into Mexico from Tecun Uman on Monday.")
    assert _stop(x, "Mexico").date == D(2024, 3, 11)
    assert _stop(x, "Tecun Uman").date is None
    x = _extract(tmp_path, "The caravan left from Tecun Uman on Monday.")
    assert _stop(x, "Tecun Uman", "departure").date == D(2024, 3, 11)  # where it left: that day


def test_a_plan_for_the_day_of_the_report_dates_the_destination(tmp_path):
    x = _extract(tmp_path, "The caravan left Tapachula on Monday. The caravan will rest in Huixtla on Wednesday.")
    assert _stop(x, "Tapachula", "departure").date == D(2024, 3, 11)
    assert _stop(x, "Huixtla", "destination").date == WED


def test_a_date_inside_a_relative_clause_dates_that_clause_only(tmp_path):
    x = _extract(tmp_path, "A caravan that set out from Tapachula on Monday broke apart after reaching Huixtla.")
    assert _stop(x, "Tapachula", "departure").date == D(2024, 3, 11)
    assert _stop(x, "Huixtla").date != D(2024, 3, 11)
    x = _extract(tmp_path, "The caravan, which left Tapachula on Monday, reached Huixtla.")
    assert _stop(x, "Huixtla").date != D(2024, 3, 11)
    # Coordinated verbs of one clause share its day.
    x = _extract(tmp_path, "The caravan left Tapachula on Monday and reached Huixtla.")
    assert _stop(x, "Huixtla").date == D(2024, 3, 11)


def test_the_day_of_the_report_or_of_another_event_dates_no_stop(tmp_path):
    x = _extract(tmp_path, "The caravan left Tapachula and reached Huixtla, a local official announced this Tuesday.")
    assert _stop(x, "Tapachula", "departure").date is None
    x = _extract(tmp_path, "About 1,000 migrants in a new caravan left Tapachula hoping to reach the United States "
                           "before the January 20 inauguration.", D(2024, 11, 20))
    assert _stop(x, "United States", "destination").date is None
    # The same day said of the journey itself still dates it.
    x = _extract(tmp_path, "The caravan hopes to reach the United States on January 20.", D(2024, 11, 20))
    assert _stop(x, "United States", "destination").date == D(2025, 1, 20)


def test_the_day_before_counts_from_the_day_said_in_an_earlier_sentence(tmp_path):
    x = _extract(tmp_path, "The caravan left Tapachula on Monday, organisers said on Tuesday.\n\n"
                           "The day before, police had stopped about 200 of its members in Huixtla.")
    assert _stop(x, "Huixtla").date == D(2024, 3, 11)


def test_a_near_goal_of_the_day_is_dated_with_it_a_far_one_is_not(tmp_path):
    x = _extract(tmp_path, "On Monday the caravan left Tapachula to go to Huixtla.")
    assert _stop(x, "Tapachula", "departure").date == D(2024, 3, 11)
    assert _stop(x, "Huixtla", "destination").date == D(2024, 3, 11)  # about 35 km: that day's walk
    x = _extract(tmp_path, "On Monday the caravan left Tapachula to go to Mexico City.")
    assert _stop(x, "Mexico City", "destination").date is None  # the journey's goal, not the day's


def test_have_reached_is_where_it_is_as_of_the_report(tmp_path):
    x = _extract(tmp_path, "About 2,000 migrants in a caravan have reached the border between Guatemala and Mexico.")
    o = _stop(x, "border between Guatemala and Mexico")
    assert (o.date, o.date_precision) == (WED, "day")


def test_a_month_named_whole_dates_no_stop_a_narrowed_one_does(tmp_path):
    x = _extract(tmp_path, "The caravan, which left Tapachula in February, is resting in Huixtla. "
                           "An earlier group left Tecun Uman in early January.")
    assert _stop(x, "Tapachula", "departure").date is None
    o = _stop(x, "Tecun Uman", "departure")
    assert (o.date, o.date_precision) == (D(2024, 1, 1), "month")
