"""Date expressions resolved against the publication date."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from journeys.articles import read_article, segment
from journeys.dates import DateMention, find_dates

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEVSET = ROOT.parent / "shared" / "devset"


def _train_labels():
    """The real corpus's train half (dev set and benchmarks/corpus): the test half is read
    as totals by benchmarks/journeys_corpus.py, never sentence by sentence."""
    import sys
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import real_corpus
    return [(a.path, a.labels) for a in real_corpus.load("train")]

SAT_2021 = D(2021, 10, 23)  # seeds 000/001, a Saturday
WED_2023 = D(2023, 12, 27)  # seed 002, a Wednesday


def _seed(prefix):
    return read_article(next(SEEDS.glob(f"{prefix}_*.txt")))


def _in_sentence(article, needle):
    """Dates found in the first sentence containing `needle`, with article offsets."""
    s = next(s for s in segment(article.text) if needle in s.text)
    found = find_dates(s.text, article.published, offset=s.start)
    for m in found:
        assert article.text[m.start:m.end] == m.text
    return found


def _only(found, needle):
    hits = [m for m in found if needle in m.text]
    assert len(hits) == 1, found
    return hits[0]


def _one(text, published, needle=None):
    found = find_dates(text, published)
    return _only(found, needle) if needle else (found[0] if len(found) == 1 else pytest.fail(repr(found)))


# ----------------------------------------------------------------------------- seeds


def test_seed_000_saturday_morning_and_early_september():
    a = _seed("000")
    m = _only(_in_sentence(a, "Between 3,000 and 4,000"), "Saturday")
    assert (m.text, m.date, m.precision, m.relative) == ("Saturday morning", D(2021, 10, 23), "day", True)
    m = _only(_in_sentence(a, "12,000 according to"), "September")
    assert (m.date, m.precision) == (D(2021, 9, 1), "month")
    m = _only(_in_sentence(a, "Mujica, however, on Friday"), "Friday")
    assert m.date == D(2021, 10, 22)


def test_seed_001_early_september_and_saturday():
    a = _seed("001")
    m = _only(_in_sentence(a, "was broken up by Mexican border patrol agents"), "September")
    assert (m.text, m.date, m.precision) == ("in early September", D(2021, 9, 1), "month")
    m = _only(_in_sentence(a, "ultimately failed to stop them"), "Saturday")
    assert (m.date, m.precision) == (D(2021, 10, 23), "day")
    m = _only(_in_sentence(a, "between October 2020 and September 2021"), "October 2020")
    assert (m.date, m.precision, m.relative) == (D(2020, 10, 1), "month", False)


def test_seed_002_sunday_wednesday_dec20_and_last_thursday():
    a = _seed("002")
    m = _only(_in_sentence(a, "Migrants depart from Tapachula, Mexico, on Sunday"), "Sunday")
    assert (m.date, m.precision) == (D(2023, 12, 24), "day")
    m = _only(_in_sentence(a, "making its way north Wednesday"), "Wednesday")
    assert m.date == D(2023, 12, 27)  # publication day counts
    m = _only(_in_sentence(a, "State Department on Dec. 20"), "Dec. 20")
    assert (m.text, m.date, m.precision) == ("Dec. 20", D(2023, 12, 20), "day")
    m = _only(_in_sentence(a, "House Speaker Mike Johnson"), "Thursday")
    assert (m.text, m.date) == ("Last Thursday", D(2023, 12, 21))
    m = _only(_in_sentence(a, "left Venezuela two months ago"), "months")
    assert (m.date, m.precision) == (D(2023, 10, 1), "month")
    m = _only(_in_sentence(a, "Christmas night"), "Christmas")
    assert m.date == D(2023, 12, 25)


def test_without_publication_date_nothing_relative_is_guessed():
    for text in ("They left on Saturday morning.", "They left in early September.", "It happened yesterday.",
                 "The group left six days ago.", "On Dec. 20 they met.", "Last week the numbers rose."):
        found = find_dates(text, None)
        assert found, text
        assert all(m.date is None and m.precision is None and m.relative for m in found), found
    # Explicit dates do not need a publication date.
    m = _one("They left on Oct. 23, 2021.", None)
    assert (m.date, m.precision, m.relative) == (D(2021, 10, 23), "day", False)


# ----------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    "text, needle, expected, precision",
    [
        ("They left on October 23.", "October 23", D(2021, 10, 23), "day"),
        ("They left on Oct. 23, 2021.", "Oct. 23, 2021", D(2021, 10, 23), "day"),
        ("They left on 23 October 2021.", "23 October 2021", D(2021, 10, 23), "day"),
        ("Filed 2021-10-23 in Tapachula.", "2021-10-23", D(2021, 10, 23), "day"),
        ("They left on December 23.", "December 23", D(2020, 12, 23), "day"),  # after publication -> year before
        ("Arrests soared in 2021.", "2021", D(2021, 1, 1), "year"),
        ("The highest number since 1986.", "1986", D(1986, 1, 1), "year"),
        ("They left in September.", "September", D(2021, 9, 1), "month"),
        ("They left in late October.", "October", D(2021, 10, 1), "month"),
        ("They left in November.", "November", D(2020, 11, 1), "month"),  # month after publication
        ("It was decided in mid-July.", "July", D(2021, 7, 1), "month"),
        ("They left today.", "today", D(2021, 10, 23), "day"),
        ("They left yesterday.", "yesterday", D(2021, 10, 22), "day"),
        ("Last night they rested.", "night", D(2021, 10, 22), "day"),
        ("They march tonight.", "tonight", D(2021, 10, 23), "day"),
        ("The group left six days ago.", "six days ago", D(2021, 10, 17), "day"),
        ("The group left 2 weeks ago.", "2 weeks ago", D(2021, 10, 9), "day"),
        ("He left two months ago.", "two months ago", D(2021, 8, 1), "month"),
        ("Last week, arrests rose.", "week", D(2021, 10, 1), "month"),
        ("Arrests rose last month.", "month", D(2021, 9, 1), "month"),
        ("Arrests rose last year.", "year", D(2020, 1, 1), "year"),
        ("They set off on Friday at midnight.", "Friday", D(2021, 10, 22), "day"),
        ("They met last Saturday.", "Saturday", D(2021, 10, 16), "day"),  # strictly before
        ("They left on Wednesday, Oct. 20.", "Oct. 20", D(2021, 10, 20), "day"),
    ],
)
def test_rules_against_a_saturday_publication(text, needle, expected, precision):
    m = _one(text, SAT_2021, needle)
    assert (m.date, m.precision) == (expected, precision)
    assert text[m.start:m.end] == m.text


def test_future_tense_moves_weekdays_and_dates_forward():
    assert _one("The caravan will leave on Tuesday.", WED_2023, "Tuesday").date == D(2024, 1, 2)
    assert _one("They plan to march next Monday.", WED_2023, "Monday").date == D(2024, 1, 1)
    assert _one("They rest today and will walk on Wednesday.", WED_2023, "Wednesday").date == WED_2023
    assert _one("The caravan left on Tuesday and will rest.", WED_2023, "Tuesday").date == D(2023, 12, 26)
    # "hope to ... before the February 1 deadline": a future date, next year.
    m = _one("They hope to cross before the February 1 deadline.", D(2024, 12, 15), "February")
    assert m.date == D(2025, 2, 1)
    m = _one("Organizers plan to be at the border in February.", D(2024, 11, 20), "February")
    assert (m.date, m.precision) == (D(2025, 2, 1), "month")
    # Without a future cue the same month is the past one.
    assert _one("They arrived in February.", D(2024, 11, 20), "February").date == D(2024, 2, 1)


def test_weekday_next_to_a_date_picks_the_matching_year():
    # 17 Jan was a Wednesday in 2024 (a Tuesday in 2023): the weekday overrides the
    # past-year default for a date printed a week after publication.
    assert _one("The hearing is on Wednesday, Jan. 17.", D(2024, 1, 10), "Jan").date == D(2024, 1, 17)
    assert _one("The hearing was on Jan. 17.", D(2024, 1, 10), "Jan").date == D(2023, 1, 17)


def test_days_later_counts_from_the_date_before_it():
    found = find_dates("They left on March 3 and crossed into Guatemala four days later.", D(2019, 4, 1))
    assert [(m.text, m.date) for m in found] == [("March 3", D(2019, 3, 3)), ("four days later", D(2019, 3, 7))]
    m = _one("They reached Del Rio a few days later.", D(2021, 10, 23))
    assert m.date is None and m.relative


def test_offsets_and_odd_text():
    text = "On Saturday they left."
    m = _one(text, SAT_2021)
    assert (m.start, m.end) == (3, 11)
    m = find_dates(text, SAT_2021, offset=100)[0]
    assert (m.start, m.end) == (103, 111)
    for odd in ("", "Feb. 30, 2021", "31 September 2021", "2021-13-45", "saturday", "Theresa May said", "March for Freedom",
                "A 20-year high", "over 2000 individuals", "192,000 incidents", "…" * 50, "\x00\n\t"):
        assert find_dates(odd, SAT_2021) == [], odd
    found = find_dates("Tuesday, Oct. 19; Wednesday; in 2021; last week; 3 days ago", SAT_2021)
    assert len(found) == 5 and all(isinstance(m, DateMention) for m in found)
    assert all(m.precision in ("day", "month", "year") for m in found)


# ----------------------------------------------------------------------------- devset


def _nearest(mentions, quote, place):
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(place), quote)] or [(0, 0)]
    return min(mentions, key=lambda m: min(max(0, m.start - e, s - m.end) for s, e in spans))


@pytest.mark.skipif(not (DEVSET / "labels.json").is_file(), reason="devset not available")
def test_train_stop_dates_agree_with_labels():
    """For each dated stop whose quote has a date expression, the one nearest the place
    should resolve to the labelled date (weekday rules, "last night", "six days later")."""
    agree = compared = no_expression = 0
    misses = []
    for path, d in _train_labels():
        a = read_article(path)
        for c in d["caravans"]:
            for st in c["stops"]:
                if not st["date"]:
                    continue
                found = [m for m in find_dates(st["text"], a.published) if m.date]
                if not found:
                    no_expression += 1
                    continue
                m = _nearest(found, st["text"], st["place"])
                compared += 1
                if m.date.isoformat() == st["date"]:
                    agree += 1
                else:
                    misses.append(f"{d['file'][:3]} {st['place']!r}: {m.text!r} -> {m.date} (label {st['date']})")
    rate = agree / compared
    print(f"\ndevset stop dates: {agree}/{compared} agree ({rate:.1%}); {no_expression} quotes without a date expression")
    for line in misses:
        print("  miss:", line)
    assert compared >= 30
    assert rate >= 0.92  # measured on train: 35/36 (97.2%)


def test_expected_and_due_are_said_of_what_is_to_come():
    wed = D(2024, 3, 13)
    found = find_dates("The group is expected in the port on Thursday and in the capital on Friday.", wed)
    assert [(m.date, m.future) for m in found] == [(D(2024, 3, 14), True), (D(2024, 3, 15), True)]
    # The same weekday said in the past of the same sentence stays in the past.
    found = find_dates("The walkers, who left on Monday, are expected at the river on Saturday.", wed)
    assert [m.date for m in found] == [D(2024, 3, 11), D(2024, 3, 16)]
    assert _one("They are due at the border on Sunday.", wed).date == D(2024, 3, 17)
    # "due to" the rain is a cause, not a plan; "were expected" is not said of the future.
    assert _one("The delay was due to the rain on Sunday.", wed).date == D(2024, 3, 10)
    assert _one("They were expected on Sunday.", wed).date == D(2024, 3, 10)
    # The publication day itself, said in the future tense, is a plan.
    m = _one("They will rest in the town on Wednesday.", wed)
    assert (m.date, m.future) == (wed, True)
    assert _one("They rested in the town on Wednesday.", wed).future is False


def test_the_day_before_and_the_next_day_count_from_the_day_named_before():
    sat = D(2024, 3, 16)
    found = find_dates("They left on Tuesday and reached the river the next day.", sat)
    assert [(m.text, m.date) for m in found] == [("Tuesday", D(2024, 3, 12)), ("the next day", D(2024, 3, 13))]
    # Across sentences, the caller's anchor (the last day named before this text).
    m = _one("The day before, officials had counted them at the bridge.", sat)
    assert m.date is None and m.relative
    m = find_dates("The day before, officials had counted them at the bridge.", sat, anchor=D(2024, 3, 14))[0]
    assert (m.date, m.precision) == (D(2024, 3, 13), "day")
    m = find_dates("Four days later they crossed.", sat, anchor=D(2024, 3, 10))[0]
    assert m.date == D(2024, 3, 14)
    # A day named in the text itself comes before the anchor.
    found = find_dates("On Friday they rested; that same day the rain stopped.", sat, anchor=D(2024, 3, 1))
    assert [m.date for m in found] == [D(2024, 3, 15), D(2024, 3, 15)]
