"""The stop/role model's cross-validation inside train, its fitting, and the extractor's use
of a model that decides stops (issue 10: an estimate of unseen articles that never reads test)."""
from __future__ import annotations

import datetime
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import learn_extraction_weights as lw  # noqa: E402
import real_corpus  # noqa: E402

from journeys.articles import Article  # noqa: E402
from journeys.extract import Extractor  # noqa: E402
from journeys.learned import LinearModel  # noqa: E402


def _train():
    train = real_corpus.load("train")
    if not train:
        pytest.skip("no labelled corpus")
    return train


def test_folds_are_whole_train_articles_disjoint_and_covering_train():
    train = _train()
    folds = lw.article_folds(train)
    names = [it.name for fold in folds for it in fold]
    assert len(folds) == lw.FOLDS and all(folds)
    assert len(names) == len(set(names))  # disjoint
    assert set(names) == {it.name for it in train}  # covering
    assert not set(names) & {it.name for it in real_corpus.load("test")}
    # an article keeps its fold when others are added (or left out)
    fewer = lw.article_folds(train[::2])
    for small, full in zip(fewer, folds):
        assert {it.name for it in small} <= {it.name for it in full}


def test_a_test_article_is_refused():
    test = real_corpus.load("test")
    if not test:
        pytest.skip("no labelled corpus")
    with pytest.raises(ValueError, match="train only"):
        lw.article_folds(_train() + test[:1])


def test_a_fold_model_is_fitted_without_the_articles_it_is_scored_on():
    train = _train()
    folds = lw.article_folds(train)
    candidates = {it.name: [({"x": 1.0}, "none", it.name)] for it in train}
    for i, held in enumerate(folds):
        rows = lw.fitting_rows(candidates, folds, i)
        fitted_on = {a for _, _, a in rows}
        assert not fitted_on & {it.name for it in held}
        assert fitted_on | {it.name for it in held} == {it.name for it in train}


def test_sparse_fit_is_the_dense_fit():
    rng = np.random.default_rng(3)
    rows = [{f"f{j}": 1.0 for j in rng.choice(12, size=3, replace=False)} for _ in range(60)]
    vocab = {f"f{j}": j + 1 for j in range(12)}
    y = rng.integers(0, 3, size=60)
    prior = np.zeros((13, 3))
    dense = lw.fit_softmax(lw._matrix(rows, vocab), y, 3, 0.01, prior, steps=50)
    sparse = lw.fit_softmax_sparse(lw._sparse(rows, vocab), y, 3, 0.01, prior, steps=50)
    assert np.allclose(dense, sparse)


def test_repeated_mentions_are_left_out_of_fitting_when_asked():
    # "left X" is a departure; the same cue on a repeated mention of a stop's place is no
    # evidence either way: fitted as "none" it drags the departure down, left out it does not.
    stops = [({"cue=departure": 1.0}, "departure", "a")] * 6 + [({"cue=departure": 1.0}, lw.REPEAT, "b")] * 12 \
        + [({"cue=none": 1.0}, "none", "c")] * 6
    def p_departure(repeats: bool) -> float:
        m = LinearModel.from_dict(lw.fit_stop_roles(stops, lw.StopSetting(l2=0.01, rule_prior=0.0, repeats=repeats)))
        return m.proba({"cue=departure": 1.0})["departure"]
    assert p_departure(False) > 0.5 > p_departure(True)


def _stops(model: LinearModel, text: str) -> list[tuple[str, str]]:
    ex = Extractor()
    ex.roles = model
    x = ex.extract(Article(id="own", path="own.txt", title=None, outlet=None, published=None, url=None, text=text))
    return [(o.role, o.place.text) for c in x.caravans for o in c.observations
            if o.place is not None and o.role != "report"]


def _flat(favoured: str, threshold: float) -> LinearModel:
    """A model whose only weight is its bias: every place gets the same probabilities."""
    bias = tuple(4.0 if c == favoured else 0.0 for c in lw.ROLES)
    return LinearModel(lw.ROLES, bias, {}, (("override_margin", 0.0), ("stop_threshold", threshold)))


def test_a_model_with_a_stop_threshold_decides_whether_a_place_is_a_stop():
    text = "The migrant caravan left Tapachula on Monday and rested in Huixtla, the mayor of Escuintla said."
    # sure that no place is a stop: none, even where the rules read one
    assert _stops(_flat("none", 0.5), text) == []
    # sure that every place is a waypoint: every place the caravan sentence names, cue or not
    places = {p for _, p in _stops(_flat("waypoint", 0.5), text)}
    assert {"Huixtla", "Escuintla"} <= places
    # without a threshold the rules decide whether a place is a stop (no cue, no stop)
    rules_decide = LinearModel(lw.ROLES, tuple(4.0 if c == "waypoint" else 0.0 for c in lw.ROLES), {},
                               (("override_margin", 0.0),))
    assert "Escuintla" not in {p for _, p in _stops(rules_decide, text)}


def test_a_model_with_an_add_threshold_adds_stops_but_keeps_the_rules_ones():
    text = "The migrant caravan left Tapachula on Monday and rested in Huixtla, the mayor of Escuintla said."
    def flat(favoured: str) -> LinearModel:
        bias = tuple(4.0 if c == favoured else 0.0 for c in lw.ROLES)
        return LinearModel(lw.ROLES, bias, {}, (("add_threshold", 0.5), ("override_margin", 0.0)))
    # sure that no place is a stop: the rules' stops stay (the model only adds)
    assert {p for _, p in _stops(flat("none"), text)} >= {"Tapachula", "Huixtla"}
    # sure that every place is a waypoint: the place no cue gives a role is added
    assert "Escuintla" in {p for _, p in _stops(flat("waypoint"), text)}


def test_general_features_are_read_only_when_a_model_weighs_them_or_a_learner_traces():
    text = "The migrant caravan left Tapachula on Monday and rested in Huixtla."
    article = Article(id="g", path="g.txt", title=None, outlet=None, published=datetime.date(2021, 6, 7), url=None, text=text)
    shipped = Extractor()
    assert shipped.general == any(k.startswith("g:") for k in (shipped.roles.weights if shipped.roles else {}))
    # a learner tracing candidates sees them
    trace: list = []
    Extractor(trace=trace).extract(article)
    assert trace and all(any(k.startswith("g:") for k in c.features) for c in trace)
    # an extractor whose model does not weigh them does not compute them (watched here through a trace)
    shipped.general, shipped.trace = False, []
    shipped.extract(article)
    assert shipped.trace and not any(k.startswith("g:") for c in shipped.trace for k in c.features)
