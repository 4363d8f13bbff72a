"""Grouping article-level caravans into journeys: the replay that adds caravans to an
existing grouping gives exactly what grouping everything afresh gives."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from journeys.join import anchors, regroup

PLACES = [(14.90541, -92.25891), (14.68, -92.15), (15.13878, -92.46595), (19.42847, -99.12766)]  # 2nd: 27 km off


def _keys(rnd: random.Random, n: int, days: int) -> dict:
    start = dt.date(2021, 1, 1)
    return {f"{k:05d}#{rnd.randint(1, 2)}": (start + dt.timedelta(days=rnd.randrange(days)), *rnd.choice(PLACES))
            for k in range(n)}


@pytest.mark.parametrize("seed", range(40))
def test_adding_caravans_regroups_as_grouping_afresh(seed):
    rnd = random.Random(seed)
    keys = _keys(rnd, rnd.randint(5, 300), rnd.choice([3, 10, 60, 400]))
    ids = sorted(keys)
    new = set(rnd.sample(ids, rnd.randint(1, max(1, len(ids) // rnd.choice([1, 3, 10, 50])))))
    old_keys = {i: k for i, k in keys.items() if i not in new}
    old = anchors(old_keys)
    changed = regroup(keys, old, new)
    assert {**old, **changed} == anchors(keys)
    assert new <= set(changed)


def test_a_month_of_daily_departures_is_not_replayed_whole():
    """One more report of a departure in a dense month changes a few days, not the month."""
    keys = {f"{k:05d}#1": (dt.date(2021, 3, 1) + dt.timedelta(days=k // 3), *PLACES[0]) for k in range(90)}
    late = "00045#2"
    old = anchors(keys)
    keys[late] = (dt.date(2021, 3, 16), *PLACES[0])
    changed = regroup(keys, old, {late})
    assert {**old, **changed} == anchors(keys)
    assert len(changed) < 20
