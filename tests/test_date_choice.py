"""The learned choice of a stop's date (journeys.date_choice); its CV folds are
learn_extraction_weights.article_folds' (tests/test_learned_cv.py).

The real pipeline (real gazetteer, geoparser, extractor) on short texts written here (never
copied from a corpus article). Weights are given by the tests, small and readable, so that
each test says which feature decides; the learned weights are benchmarks/learn_date_choice.py's.
"""
from __future__ import annotations

import datetime as dt

from conftest import write_article
from journeys.date_choice import ArticleDates, candidates, expression_kind, redate, stops_to_date
from journeys.dates import find_dates
from journeys.extract import Extractor, extract_article

D = dt.date
WED = D(2024, 3, 13)  # a Wednesday


def _article(tmp_path, body: str, published: dt.date = WED):
    return write_article(tmp_path, body, published)


def _stop_candidates(tmp_path, body: str, place: str):
    x = extract_article(_article(tmp_path, body))
    stops = stops_to_date(x.caravans)
    ad = ArticleDates(x.article, x.sentences)
    o = next(o for o in stops if o.place.text == place)
    spans = [(s.place.start, s.place.end) for s in stops if ad.index(s.place.start) == ad.index(o.place.start)]
    return o, candidates(ad, o, spans)


def test_expression_kinds():
    kinds = {d.text: expression_kind(d) for d in find_dates(
        "They left on Saturday, rested yesterday, set out on March 2, and six days ago; in early March; "
        "in October; last week.", WED)}
    assert kinds["Saturday"] == "weekday"
    assert kinds["yesterday"] == "yesterday"
    assert kinds["March 2"] == "absolute_day"
    assert kinds["six days ago"] == "ago"
    assert kinds["in early March"] == "month_part"
    assert kinds["October"] == "month_whole"
    assert kinds["last week"] == "week"


def test_a_future_arrival_offers_its_own_day_as_the_plan(tmp_path):
    o, cands = _stop_candidates(tmp_path, "The caravan left Tapachula on Monday. "
                                          "The caravan is expected in Huixtla on Thursday.", "Huixtla")
    assert o.role == "destination"
    thursday = next(c for c in cands if c.text == "Thursday")
    assert thursday.date == D(2024, 3, 14)
    assert {"own_clause_pick", "future&plan", "where=same", "rel=after"} <= set(thursday.features)
    monday = next(c for c in cands if c.text == "Monday")  # the sentence before: offered, not own
    assert "where=prev1" in monday.features and "own_clause_pick" not in monday.features
    assert [c.kind for c in cands][:2] == ["none", "pub"]


def test_the_day_something_was_said_is_marked_and_not_the_stops_own(tmp_path):
    o, cands = _stop_candidates(tmp_path, "Officials said on Monday that the caravan had reached Huixtla.", "Huixtla")
    monday = next(c for c in cands if c.date == D(2024, 3, 11))
    assert "report_verb_before" in monday.features
    assert "own_clause_pick" not in monday.features


def test_a_dateline_is_no_candidate(tmp_path):
    _, cands = _stop_candidates(tmp_path, "HUIXTLA, Mexico, March 12 — The caravan rested in Huixtla on Tuesday.",
                                "Huixtla")
    texts = {c.text for c in cands}
    assert "March 12" not in texts and "Tuesday" in texts


def _redated(tmp_path, body: str, weights: dict[str, float], margin: float = 0.0):
    ex = Extractor()
    ex.date_weights, ex.date_none_margin = weights, margin
    x = ex.extract(_article(tmp_path, body))
    return {o.place.text: o for o in stops_to_date(x.caravans)}


WEIGHTS = {"own_clause_pick": 3.0, "type=none": 1.0, "report_verb_before": -2.0}


def test_the_learned_choice_dates_a_plan_and_leaves_a_report_day_out(tmp_path):
    stops = _redated(tmp_path, "The caravan is expected in Huixtla on Thursday. "
                               "The caravan rested in Escuintla, officials said on Monday.", WEIGHTS)
    huixtla, escuintla = stops["Huixtla"], stops["Escuintla"]
    assert huixtla.date == D(2024, 3, 14) and huixtla.date_text == "Thursday"
    assert 0.5 < huixtla.confidences["date"] < 1.0  # the model's probability is the confidence
    assert escuintla.date is None and "date" not in escuintla.confidences


def test_the_none_margin_asks_for_a_date_sooner(tmp_path):
    body = "The caravan rested in Escuintla on Tuesday."
    w = {"type=none": 1.0, "where=same": 0.5}  # "no date" likelier than the Tuesday...
    assert _redated(tmp_path, body, w)["Escuintla"].date is None
    # ... unless "no date" must beat the best date by a margin of 1 (log-odds)
    assert _redated(tmp_path, body, w, margin=1.0)["Escuintla"].date == D(2024, 3, 12)


def test_without_learned_weights_the_rules_date_the_stops(tmp_path):
    # No journeys/data/date_choice.json is shipped (no learned variant kept the test totals):
    # the rules decide, as the examples ask.
    x = extract_article(_article(tmp_path, "The caravan is expected in Huixtla on Thursday. "
                                           "The caravan rested in Escuintla, officials said on Monday."))
    stops = {o.place.text: o for o in stops_to_date(x.caravans)}
    assert stops["Huixtla"].date == D(2024, 3, 14)
    assert stops["Escuintla"].date != D(2024, 3, 11)


def test_redate_leaves_an_article_without_stops_alone(tmp_path):
    art = _article(tmp_path, "Officials met on Monday to talk about the budget.")
    x = extract_article(art)
    redate(art, x.sentences, x.caravans, WEIGHTS)  # no stop: nothing to date, no error
    assert stops_to_date(x.caravans) == []
