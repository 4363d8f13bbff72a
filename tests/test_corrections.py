"""Corrections on the seeds' real extraction: applied, re-applied after re-extraction."""
import datetime as dt
from pathlib import Path

import pytest

from journeys.articles import read_article
from archive.corrections import Correction, CorrectionError, apply, fact_key, validate
from journeys.extract import extract_article
from journeys.join import join

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NOW = dt.datetime(2026, 11, 25, 12, 0)


def extracted():
    return join([c for p in sorted(SEEDS.glob("*.txt")) for c in extract_article(read_article(p)).caravans])


def corr(i, action, editor="ana", **payload):
    validate(action, payload, editor)
    return Correction(action, payload, editor, NOW + dt.timedelta(minutes=i), id=i)


def by_size(caravans, low):
    return next(c for c in caravans if c.size_low == low)


def test_edit_size_survives_reextraction():
    base = extracted()
    d = by_size(base, 7500)
    report = next(o for o in d.observations if o.size_low == 7500)
    fixes = [corr(1, "edit", fact=fact_key(report), changes={"size_low": 8000, "size_high": 8000})]
    out, unmatched = apply(base, fixes)
    assert not unmatched
    d2 = next(c for c in out if c.id == d.id)
    assert (d2.size_low, d2.size_high) == (8000, 8000)
    assert base[base.index(d)].size_low == 7500, "apply() leaves what extraction produced untouched"
    # A newer extraction run reads the articles again: the correction still lands.
    again, unmatched = apply(extracted(), fixes)
    assert not unmatched and by_size(again, 8000).id == d.id
    assert [o for o in by_size(again, 8000).observations if o.corrections == [1]]


def test_reject_rename_merge_split():
    base = extracted()
    b, c = by_size(base, 12000), by_size(base, 800)
    b_dep = next(o for o in b.observations if o.role == "departure")
    c_dep = next(o for o in c.observations if o.role == "departure")
    arrival = next(o for o in b.observations if o.role == "arrival")
    fixes = [
        corr(1, "rename", anchor=fact_key(b_dep), label="Haitian exodus to Del Rio"),
        corr(2, "reject", fact=fact_key(arrival)),
        corr(3, "merge", anchor=fact_key(b_dep), other=fact_key(c_dep)),
    ]
    out, unmatched = apply(base, fixes)
    assert not unmatched
    merged = next(x for x in out if x.label == "Haitian exodus to Del Rio")
    assert len(out) == 3 and merged.renamed
    assert {o.article for o in merged.observations} == {"000_8cc5013a2fc87902", "001_f7ec95aa1ad80702"}
    rej = next(o for o in merged.observations if fact_key(o) == fact_key(arrival))
    assert rej.rejected and rej.corrections == [2, 3]
    split = apply(out, [corr(4, "split", facts=[fact_key(c_dep)], label="About 800, broken up")])[0]
    assert len(split) == 4 and any(x.label == "About 800, broken up" for x in split)


def test_edit_place_role_date_and_move():
    base = extracted()
    a = next(c for c in base if len(c.articles) == 2)
    rest = next(o for o in a.observations if o.place and o.place.text == "Alvaro Obregon")
    fixes = [corr(1, "edit", fact=fact_key(rest), changes={
        "role": "current", "date": "2021-10-24", "date_precision": "day",
        "place": {"name": "Álvaro Obregón", "lat": 14.922, "lon": -92.378, "country_code": "MX",
                  "admin1": "Chiapas", "kind": "city"}})]
    out, _ = apply(base, fixes)
    o = next(o for c in out for o in c.observations if fact_key(o) == fact_key(rest))
    assert (o.role, o.date, o.place.place.source) == ("current", dt.date(2021, 10, 24), "corrected")
    moved, unmatched = apply(base, [corr(2, "move", fact=fact_key(rest), to=None, label="Rest stop group")])
    assert not unmatched and any(c.label == "Rest stop group" and len(c.observations) == 1 for c in moved)


def test_unmatched_corrections_are_reported_not_lost():
    fixes = [corr(1, "reject", fact="no-such-article:0:p0")]
    out, unmatched = apply(extracted(), fixes)
    assert unmatched == fixes and len(out) == 4


@pytest.mark.parametrize("action, payload, editor, message", [
    ("paint", {}, "ana", "unknown correction"),
    ("reject", {"fact": "x"}, " ", "editor"),
    ("edit", {"fact": "x", "changes": {"date": "2021-13-45"}}, "ana", "2021-13-45"),
    ("edit", {"fact": "x", "changes": {"role": "teleported"}}, "ana", "teleported"),
    ("edit", {"fact": "x", "changes": {"size_low": -5}}, "ana", "whole number"),
    ("edit", {"fact": "x", "changes": {"size_low": 9, "size_high": 3}}, "ana", "above"),
    ("edit", {"fact": "x", "changes": {"place": {"lat": 123, "lon": 0}}}, "ana", "out of range"),
    ("rename", {"anchor": "x", "label": "  "}, "ana", "empty"),
])
def test_bad_corrections_are_refused_with_a_reason(action, payload, editor, message):
    with pytest.raises(CorrectionError, match=message):
        validate(action, payload, editor)
