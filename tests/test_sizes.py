"""Crowd sizes vs. other counts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeys.articles import read_article, segment
from journeys.sizes import SizeMention, find_sizes

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


def _seed(prefix):
    return read_article(next(SEEDS.glob(f"{prefix}_*.txt")))


def _article_sizes(article):
    """All size mentions of an article, sentence by sentence, furniture skipped."""
    out = []
    for s in segment(article.text):
        if s.furniture:
            continue
        for z in find_sizes(s.text, offset=s.start):
            assert article.text[z.start:z.end] == z.text
            out.append(z)
    return out


def _at(mentions, article, needle):
    """The mention whose span covers the first occurrence of `needle` in the article."""
    pos = article.text.find(needle)
    assert pos >= 0, needle
    hits = [z for z in mentions if z.start < pos + len(needle) and pos < z.end]
    assert hits, f"no size mention at {needle!r}"
    return hits[0]


# ----------------------------------------------------------------------------- seeds


@pytest.mark.parametrize(
    "prefix, needle, low, high, qualifier",
    [
        ("000", "Between 3,000 and 4,000 migrants", 3000, 4000, "range"),
        ("000", "12,000 according to Tapachula activists", 12000, 12000, "exact"),
        ("001", "Caravan of 3,000 migrants", 3000, 3000, "exact"),
        ("001", "A group of 3,000 migrants", 3000, 3000, "exact"),
        ("001", "Around 3,000 migrants", 3000, 3000, "about"),
        ("001", "A caravan with 3,000 migrants", 3000, 3000, "exact"),
        ("001", "approximately 3,000 people", 3000, 3000, "about"),
        ("001", "The group of about 800", 800, 800, "about"),
        ("001", "A caravan with thousands of migrants", 2000, 9999, "vague"),
        ("002", "7,500 people are estimated", 7500, 7500, "about"),
        ("002", "About 7,500 people", 7500, 7500, "about"),
    ],
)
def test_seed_sizes_are_found(prefix, needle, low, high, qualifier):
    a = _seed(prefix)
    z = _at(_article_sizes(a), a, needle)
    assert (z.low, z.high, z.qualifier, z.is_caravan_size) == (low, high, qualifier, True), z


@pytest.mark.parametrize(
    "prefix, needle, reason_word",
    [
        ("001", "more than 1.7 million migrants have been arrested", "arrested"),
        ("001", "detained more than 1.7 million migrants", ""),
        ("001", "213,000 incidents in July", "incidents"),
        ("001", "192,000 incidents", "incidents"),
        ("001", "55,000 of 77,000", "subset"),
        ("001", "77,000 asylum-seekers", "processing"),
        ("001", "400 law enforcement officers", "security"),
        ("001", "an additional 1,000 asylum officers", "officers"),
        ("001", "another 1,000 support staff", "staff"),
        ("001", "about 800 asylum officers", "officers"),
        ("001", "$900 billion", "money"),
        ("001", "20-year highs", "compound"),
        ("001", "since 1986", "date"),
        ("002", "24 different countries", "countries"),
        ("002", "Title 8", "identifier"),
        ("000", "dozens of soldiers", "security"),
        ("000", "Donald Trump 2.0", "whole"),
    ],
)
def test_seed_traps_are_rejected(prefix, needle, reason_word):
    a = _seed(prefix)
    z = _at(_article_sizes(a), a, needle)
    assert not z.is_caravan_size, z
    assert reason_word in z.reason


def test_no_trap_figure_is_ever_accepted_in_the_seeds():
    traps = {1_700_000, 213_000, 192_000, 19_200, 55_000, 77_000, 400, 900_000_000_000}
    for prefix in ("000", "001", "002"):
        accepted = [z for z in _article_sizes(_seed(prefix)) if z.is_caravan_size]
        assert accepted
        assert not [z for z in accepted if z.low in traps or z.high in traps]
    # 800 is both a crowd ("the group of about 800") and a trap ("800 asylum officers").
    officers = [z for z in _article_sizes(_seed("001")) if z.low == 800 and "officers" in z.text]
    assert officers and not any(z.is_caravan_size for z in officers)


def test_seed_002_ie11_is_not_a_size():
    (z,) = find_sizes("IE 11 is not supported.")
    assert z.text == "11" and not z.is_caravan_size


# ----------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    "sentence, low, high, qualifier",
    [
        ("There were more than 600, nearly seven hundred, according to a church volunteer.", 600, 700, "range"),
        ("Almost 900 people met in the plaza before sunrise.", 900, 900, "up_to"),
        ("As many as 1,900 people waded across the river.", 1900, 1900, "up_to"),
        ("A caravan of more than 2,600 migrants reached Arriaga.", 2600, 2600, "at_least"),
        ("Up to 600 migrants joined.", 600, 600, "up_to"),
        ("Hundreds of migrants set out.", 200, 999, "vague"),
        ("A column of at least hundreds of marchers moved north.", 200, 999, "vague"),
        ("Thousands of caravan participants slept by the road.", 2000, 9999, "vague"),
        ("About four thousand migrants walked toward Oaxaca.", 4000, 4000, "about"),
        ("A caravan of two thousand people left.", 2000, 2000, "exact"),
        ("A 1,200-strong caravan left the city.", 1200, 1200, "exact"),
        ("The caravan, which numbered 3,000 to 4,000 people, rested.", 3000, 4000, "range"),
        ("The march has grown to 6,500 since Monday.", 6500, 6500, "exact"),
        ("A smaller caravan of 900 set off two days earlier.", 900, 900, "exact"),
        ("Officials put the number of marchers at 1,842.", 1842, 1842, "exact"),
        ("Volunteers said the column had swelled to some 5,200 people.", 5200, 5200, "about"),
        ("State officials estimated the crowd at 2,700 people.", 2700, 2700, "exact"),
        ("Over 1500 individuals registered with the organizers.", 1500, 1500, "at_least"),
        ("A contingent of 150 women and children went ahead.", 150, 150, "exact"),
        ("The group, which left Tapachula last month, now has about 400.", 400, 400, "about"),
        ("Some 2,000 people who fear deportation will reach the capital in a week.", 2000, 2000, "about"),
        ("Roughly 1,500 Cubans, Venezuelans and Haitians set off at dawn.", 1500, 1500, "about"),
        ("Of the roughly 5,000 who left the city, most walked.", 5000, 5000, "about"),
        ("A migrant caravan numbering in the thousands set off.", 2000, 9999, "vague"),
        ("The 600-member group rested in a stadium.", 600, 600, "exact"),
        # an unrounded count is a size when the crowd's own construction gives it
        ("A caravan of 312 migrants left the plaza at dawn.", 312, 312, "exact"),
        ("About 1,087 people walked out of the city.", 1087, 1087, "about"),
        # Spanish, as embedded posts of the region's outlets quote it
        ("Una caravana de al menos 700 personas salió al amanecer.", 700, 700, "at_least"),
        ("Un grupo de unos 1,500 migrantes avanzó por la carretera.", 1500, 1500, "about"),
        # waiting somewhere, but said to be the caravan's own people
        ("Thousands of migrants from the caravan that left in spring remain stuck at the river.",
         2000, 9999, "vague"),
        ("Hundreds of caravan members are waiting at the checkpoint.", 200, 999, "vague"),
        # every age named is the whole crowd, not a part of it
        ("About 3,000 men, women and children crossed the bridge.", 3000, 3000, "about"),
        ("Some 400 adults and children slept in the square.", 400, 400, "about"),
        # a part of the crowd that moves on its own: a size with a scope
        ("Some 150 women and children went ahead to the next town.", 150, 150, "about"),
        ("The caravan is still in the south, of whom several hundred have already reached the capital.",
         200, 999, "vague"),
        ("About 300 of the marchers crossed the river at dawn while the rest of the group waited.",
         300, 300, "about"),
        # "encounters" as clashes, not border records
        ("Police and marchers clashed in two encounters as officers tried to hold a group of about 700 at the river.",
         700, 700, "about"),
    ],
)
def test_crowd_sizes(sentence, low, high, qualifier):
    accepted = [z for z in find_sizes(sentence) if z.is_caravan_size]
    assert len(accepted) == 1, find_sizes(sentence)
    z = accepted[0]
    assert (z.low, z.high, z.qualifier) == (low, high, qualifier), z
    assert sentence[z.start:z.end] == z.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Agents apprehended more than 28,300 people in May, up from 26,120 in April.",
        "The state deployed 700 municipal police along the highway.",
        "Eight thousand National Guard troops patrol the southern states.",
        "Around 300-350 agents guard each checkpoint.",
        "More than 400 of the marchers accepted the offer of buses.",
        "They included 120 people from Nicaragua, 45 from Cuba and 12 from Ecuador.",
        "The group had nearly 90 children, including 21 without parents.",
        "Authorities flew more than 1,100 Guatemalans back to their country.",
        "By Monday, 1,204 migrants had opted to return home.",
        "Several thousand Venezuelans have walked through the region since last year.",
        "Several caravans with thousands of people passed through the town in the spring.",
        "More than 40 caravans have formed in the south so far.",
        "Officials confirmed 25 dead migrants after the fire.",
        "The camp lies about 30 miles (48 km) from the border.",
        "Maria Lopez, 34, said the group would leave.",
        "Most marchers are between 20 and 35 years old.",
        "Prices rose by up to 30 percent.",
        "Arrests in fiscal year 2019 topped 850,000.",
        "The caravan left on Oct. 23 and arrived on November 5, 2023.",
        "A group of 240 Ecuadorians surrendered to agents near Sasabe.",
        "Agents have encountered groups of at least 150 people 45 times since March.",
        "She waited 2.5 months for a permit.",
        "The expulsion falls under Title 42.",
        "Monthly border encounters of families reached 61,000 people in May.",
        "Dozens of migrants rested by the road before the others caught up.",
        # waiting somewhere, cared for by others, a choice before the authorities
        "About 2,000 migrants are stuck in the border city without papers.",
        "Doctors treated some 300 people for blisters and dehydration.",
        "More than 600 migrants agreed to be taken to shelters in the north.",
        # an exact, unrounded head count is a tally, not an estimate of a crowd
        "Officials said 312 migrants slept in the gymnasium on Tuesday.",
        "In the city, 1,087 Venezuelans now wait for an appointment.",
        # held, given papers, moved away by others, a period's total
        "The navy intercepted about 260 migrants on two boats off the coast.",
        "Some 1,400 people have received humanitarian visas in the border city.",
        "About 700 migrants were transferred to shelters in three states.",
        "More than 350 people reached the border post on Friday alone.",
        "Around 9,000 migrants have crossed the jungle in the first three months of the year.",
        "Agents encountered about 900 migrants near the river in a single week.",
    ],
)
def test_other_counts_are_not_caravan_sizes(sentence):
    found = find_sizes(sentence)
    assert found, sentence
    assert not [z for z in found if z.is_caravan_size], found
    assert all(z.reason for z in found)


def test_statistics_only_taint_their_own_clause():
    found = find_sizes("A caravan of 300 people left; 40 were deported.")
    assert [(z.low, z.is_caravan_size) for z in found] == [(300, True), (40, False)]


def test_offsets_and_odd_input():
    z = find_sizes("About 3,000 migrants left.", offset=50)[0]
    assert (z.start, z.end, z.text) == (50, 70, "About 3,000 migrants")
    for odd in ("", "no numbers here", "…", "3,000,000,000,000 migrants", "0 people", "$", "12,34,5"):
        for z in find_sizes(odd):
            assert isinstance(z, SizeMention) and isinstance(z.reason, str)


# ----------------------------------------------------------------------------- devset


@pytest.mark.skipif(not (DEVSET / "labels.json").is_file(), reason="devset not available")
def test_train_size_recall_and_precision():
    """Recall: labelled size quotes covered by an accepted mention with the same range.
    Precision: distinct accepted ranges per article that are labelled sizes of it
    (a figure repeated in headline, standfirst or caption counts once)."""
    labelled = found = 0
    accepted_values = correct_values = 0
    misses, false = [], []
    for path, d in _train_labels():
        a = read_article(path)
        mentions = [z for z in _article_sizes(a) if z.is_caravan_size]
        gold = set()
        for c in d["caravans"]:
            for size in c["sizes"]:
                labelled += 1
                gold.add((size["value_low"], size["value_high"]))
                pos = a.text.find(size["text"])
                hit = any(
                    (z.low, z.high) == (size["value_low"], size["value_high"])
                    and z.start < pos + len(size["text"]) and pos < z.end
                    for z in mentions
                )
                found += hit
                if not hit:
                    misses.append(f"{d['file'][:3]} {size['text']!r}")
        values = {(z.low, z.high) for z in mentions}
        accepted_values += len(values)
        correct_values += len(values & gold)
        false += [f"{d['file'][:3]} {v}" for v in sorted(values - gold)]
    recall, precision = found / labelled, correct_values / accepted_values
    print(f"\ndevset sizes: recall {found}/{labelled} ({recall:.1%}), "
          f"precision {correct_values}/{accepted_values} ({precision:.1%})")
    for line in misses:
        print("  missed:", line)
    for line in false:
        print("  false positive:", line)
    assert labelled >= 40
    # measured on train: 43/48 and 44/45 on the first 47 articles; 85/91 and 85/91 once the
    # train half grew to 83 articles (2026-12-02) with articles no rule was written on
    assert recall >= 0.90 and precision >= 0.90


# ----------------------------------------------------------------------------- in an article


def _extracted_sizes(text: str) -> set[tuple[int, int]]:
    import datetime as dt

    from journeys.articles import Article
    from journeys.extract import extract_article

    art = Article("t", "t.txt", None, None, dt.date(2024, 3, 9), None, text=text)
    return {(o.size_low, o.size_high) for c in extract_article(art).caravans for o in c.observations
            if o.size_low is not None}


def test_a_stop_said_twice_with_two_figures_keeps_both_figures():
    # Both sentences name the same departure: one stop, but the second figure is a size
    # of its own (merging the stop used to drop it).
    text = ("A caravan of about 1,800 migrants left Tapachula on Monday, walking north.\n\n"
            "Organizers said the caravan had some 3,200 people when it left Tapachula on Monday.")
    assert {(1800, 1800), (3200, 3200)} <= _extracted_sizes(text)
