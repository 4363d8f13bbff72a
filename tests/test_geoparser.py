"""Toponyms in the seed articles, against the real index: found, resolved, no person as place."""
from pathlib import Path

import pytest

from gazetteer import haversine_km
from geoparser import geoparse

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def parsed(name):
    text = next(SEEDS.glob(name + "*.txt")).read_text(encoding="utf-8")
    return text, geoparse(text)


def resolved(toponyms, surface):
    hits = [t for t in toponyms if t.text == surface and t.kind == "place"]
    assert hits, f"{surface!r} not found"
    return hits


@pytest.mark.parametrize("seed, surface, lat, lon", [
    ("000", "Tapachula", 14.91, -92.26),
    ("000", "Mexico City", 19.43, -99.13),
    ("000", "Del Rio", 29.36, -100.90),
    ("000", "Texas", 31.26, -98.55),
    ("000", "Guatemala", 15.5, -90.25),
    ("000", "EL PASO", 31.76, -106.49),
    ("001", "Tapachula", 14.91, -92.26),
    ("001", "Chiapas", 16.5, -92.5),
    ("001", "El Paso", 31.76, -106.49),
    ("001", "Alvaro Obregon", 14.92, -92.38),  # the community in Tapachula municipality
    ("002", "Mapastepec", 15.43, -92.90),
    ("002", "Chiapas", 16.5, -92.5),
    ("002", "Tapachula", 14.91, -92.26),
    ("002", "Mexico City", 19.43, -99.13),
    ("002", "Guatemala", 15.5, -90.25),
])
def test_seed_places_found_and_resolved(seed, surface, lat, lon):
    text, tops = parsed(seed)
    for t in resolved(tops, surface):
        assert t.place is not None
        assert haversine_km(t.place.lat, t.place.lon, lat, lon) < 200, (surface, t.place)
        assert text[t.start:t.end] == t.text


@pytest.mark.parametrize("seed, person", [
    ("000", "Irineo"), ("000", "Mujica"), ("001", "Mujica"), ("002", "García"), ("002", "Villagrán"),
    ("002", "Jonás"), ("002", "Sosa"), ("002", "Sherwood"), ("002", "Randall"), ("001", "Anderson"),
    ("001", "March"),
])
def test_no_person_name_or_common_word_is_a_place(seed, person):
    _, tops = parsed(seed)
    assert not [t for t in tops if person in t.text.split() and t.kind == "place"]


def test_elliptical_central_is_not_a_place():
    # "from Central and South America": "Central" alone is a word, "South America" a place.
    tops = geoparse("Migrants from Central and South America walked north.")
    assert [t.text for t in tops if t.kind == "place"] == ["South America"]


def test_demonyms_are_origin_countries():
    _, tops = parsed("001")
    dem = {t.text: t.place.country_code for t in tops if t.kind == "demonym"}
    assert dem["Haitians"] == "HT" and dem["Venezuelans"] == "VE" and dem["Cubans"] == "CU"


def test_country_lists_are_not_town_country_pairs():
    # "Venezuela, Cuba and other countries" must not become the Cuban town Venezuela.
    _, tops = parsed("002")
    assert all(t.place.kind == "country" for t in tops if t.text == "Venezuela")


def test_unresolved_mentions_are_kept_with_no_place():
    tops = geoparse("The caravan walked along Wichita Drive toward the plaza.")
    street = [t for t in tops if t.text == "Wichita Drive"]
    assert street and street[0].place is None and street[0].to_dict()["place"] is None


def test_spans_are_exact_and_sorted():
    text, tops = parsed("001")
    assert [t.start for t in tops] == sorted(t.start for t in tops)
    assert all(text[t.start:t.end] == t.text for t in tops)
    assert geoparse("") == [] and geoparse("no places here at all") == []


def test_a_state_is_not_read_as_a_village_because_a_town_has_its_name_as_an_alias():
    """"Sinaloa" is also an alternate name of Sinaloa de Leyva (a small town): that must not
    shadow the state, or a caravan article full of Chiapas reads it as a Chiapas village."""
    from journeys.extract import route_prior

    text = ("The caravan that left Ciudad Hidalgo, Chiapas made it to Los Mochis, Sinaloa on Saturday. "
            "Earlier it had passed Huixtla and Tapachula, Chiapas.")
    got = {t.text: t.place for t in geoparse(text, prior=route_prior()) if t.place}
    assert (got["Sinaloa"].kind, got["Sinaloa"].admin1) == ("admin1", "Sinaloa")
    # a state's own main city still shadows it
    assert geoparse("The caravan reached Oaxaca on Monday.", prior=route_prior())[0].place.kind == "city"
