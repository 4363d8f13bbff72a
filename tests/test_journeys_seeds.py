"""The careful reader's account of the seeds (../shared/seeds/README.md), as assertions.

Runs the real pipeline: articles from seeds/, the real gazetteer, the extractor and
the cross-article join.
"""
import datetime as dt
from pathlib import Path

import pytest

from gazetteer import haversine_km
from journeys.articles import read_article
from journeys.extract import extract_article
from journeys.join import join

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
TAPACHULA = (14.905, -92.259)
A000, A001, A002 = "000_8cc5013a2fc87902", "001_f7ec95aa1ad80702", "002_561cb370fa230d72"


@pytest.fixture(scope="module")
def extracted():
    return {p.stem: extract_article(read_article(p)) for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="module")
def caravans(extracted):
    return join([c for x in extracted.values() for c in x.caravans])


def at(obs, lat, lon, km=30):
    p = obs.place.place if obs.place else None
    return p is not None and haversine_km(p.lat, p.lon, lat, lon) <= km


def stops(c, role):
    return [o for o in c.observations if o.role == role]


def sizes(c):
    return sorted({(o.article, o.size_low, o.size_high) for o in c.observations if o.size_low is not None
                   and o.size_qualifier != "vague"})


def find(caravans, pred):
    hits = [c for c in caravans if pred(c)]
    assert len(hits) == 1, [c.label for c in caravans]
    return hits[0]


def test_four_caravans(caravans):
    assert len(caravans) == 4, [c.label for c in caravans]


def test_caravan_a_october_2021_joined_across_both_articles(caravans):
    a = find(caravans, lambda c: set(c.articles) == {A000, A001})
    deps = stops(a, "departure")
    assert deps and all(at(o, *TAPACHULA) for o in deps)
    assert {o.date for o in deps if o.date} == {dt.date(2021, 10, 23)}
    assert {o.article for o in deps} == {A000, A001}, "each source's departure is kept"
    # Both sources' sizes, each with its source.
    assert (A000, 3000, 4000) in sizes(a)
    assert (A001, 3000, 3000) in sizes(a)
    assert (a.size_low, a.size_high) == (3000, 4000)
    # Destination Mexico City; the Alvaro Obregon rest stop near Tapachula.
    assert any(at(o, 19.43, -99.13) for o in stops(a, "destination"))
    rest = [o for o in a.observations if o.place and o.place.text == "Alvaro Obregon"]
    assert rest and rest[0].role == "waypoint" and at(rest[0], *TAPACHULA, km=30)
    assert "Irineo Mujica" in a.organizers
    assert {"Haiti", "Central America", "South America"} <= set(a.origins)
    assert a.name and a.name.startswith("March for Freedom, Dignity")


def test_caravan_b_september_haitians_to_del_rio(caravans):
    b = find(caravans, lambda c: c.size_low == 12000)
    assert b.articles == [A000]
    dep = stops(b, "departure")
    assert len(dep) == 1 and at(dep[0], *TAPACHULA)
    assert (dep[0].date, dep[0].date_precision) == (dt.date(2021, 9, 1), "month")
    arr = stops(b, "arrival")
    assert arr and at(arr[0], 29.36, -100.90) and arr[0].place.place.admin1 == "Texas"
    assert "Haiti" in b.origins


def test_caravan_c_september_broken_up_about_800(caravans):
    c = find(caravans, lambda c: c.size_low == 800)
    assert c.articles == [A001]
    dep = stops(c, "departure")
    assert dep and at(dep[0], *TAPACHULA) and dep[0].date_precision == "month"
    assert dep[0].date == dt.date(2021, 9, 1)
    assert {"Haiti", "Venezuela", "Cuba"} <= set(c.origins)


def test_caravan_d_christmas_2023(caravans):
    d = find(caravans, lambda c: c.articles == [A002])
    assert (d.size_low, d.size_high) == (7500, 7500)
    dep = stops(d, "departure")
    assert dep and at(dep[0], *TAPACHULA) and dep[0].date == dt.date(2023, 12, 24)
    current = {o.place.text: o for o in stops(d, "current")}
    assert current["Chiapas"].date == dt.date(2023, 12, 27)
    assert current["Mapastepec"].date == dt.date(2023, 12, 27) and at(current["Mapastepec"], 15.43, -92.90)
    assert any(o.place.place and o.place.place.name == "U.S.-Mexico border" for o in stops(d, "destination"))
    assert "Luis García Villagrán" in d.organizers
    assert {"Cuba", "Venezuela", "Haiti", "Turkey", "Iran", "Syria", "Cameroon"} <= set(d.origins)


def test_traps_figures_that_are_not_caravan_sizes(caravans):
    reported = {o.size_low for c in caravans for o in c.observations if o.size_low is not None}
    reported |= {o.size_high for c in caravans for o in c.observations if o.size_high is not None}
    for trap in (1_700_000, 213_000, 192_000, 55_000, 77_000, 400, 1_000, 900_000_000_000, 24):
        assert trap not in reported, trap


def test_traps_places_that_are_not_stops(caravans, extracted):
    all_obs = [o for c in caravans for o in c.observations if o.place]
    texts = {(o.article, o.place.text) for o in all_obs}
    # El Paso is the dateline; Guatemala only locates Tapachula; Venezuela is where a
    # migrant comes from; Washington is a newspaper; Mexico City in 002 hosts a meeting.
    for art, name in [(A000, "EL PASO"), (A001, "El Paso"), (A000, "Guatemala"), (A001, "Guatemala"),
                      (A002, "Guatemala"), (A002, "Venezuela"), (A001, "Washington"), (A002, "Mexico City"),
                      (A001, "Mexico"), (A002, "Mexico")]:
        assert (art, name) not in texts, (art, name)


def test_repeated_captions_are_one_fact(caravans):
    a = find(caravans, lambda c: set(c.articles) == {A000, A001})
    from001 = [o for o in a.observations if o.article == A001 and o.size_low == 3000 and o.size_high == 3000]
    assert len(from001) == 1, "'Around 3,000' is printed many times in 001's captions"
    assert len(from001[0].also) >= 2
    rest = [o for o in a.observations if o.place and o.place.text == "Alvaro Obregon"]
    assert len(rest) == 1


def test_every_observation_quotes_its_source_exactly(extracted, caravans):
    texts = {k: x.article.text for k, x in extracted.items()}
    for c in caravans:
        for o in c.observations:
            ev = o.evidence
            assert texts[ev.article][ev.start:ev.end] == ev.text
            if o.place is not None:
                assert texts[o.article][o.place.start:o.place.end] == o.place.text
                assert ev.start <= o.place.start and o.place.end <= ev.end


def test_join_does_not_depend_on_order(extracted):
    local = [c for x in extracted.values() for c in x.caravans]
    forward = [(c.id, c.label, len(c.observations)) for c in join(local)]
    backward = [(c.id, c.label, len(c.observations)) for c in join(list(reversed(local)))]
    assert forward == backward


def test_without_publication_date_relative_dates_stay_unresolved(tmp_path):
    f = tmp_path / "undated.txt"
    f.write_text((SEEDS / f"{A000}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    x = extract_article(read_article(f))
    assert x.article.published is None
    deps = [o for c in x.caravans for o in c.observations if o.role == "departure"]
    assert deps and all(o.date is None for o in deps)
    x2 = extract_article(read_article(f, published=dt.date(2021, 10, 23)))
    assert dt.date(2021, 10, 23) in {o.date for c in x2.caravans for o in c.observations}
