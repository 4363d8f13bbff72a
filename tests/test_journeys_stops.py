"""Which places a caravan article makes stops of, and in which role (issue 10's kinds).

Every sentence here is written for the test (none is taken from a corpus article); each
test names the kind of statement it stands for. Real gazetteer, real geoparser, real
extractor: nothing is mocked.
"""
from __future__ import annotations

import datetime as dt

import pytest

from journeys.articles import article_from_text
from journeys.extract import extract_article

PUBLISHED = dt.date(2024, 1, 10)  # a Wednesday


def _stops(body: str, title: str | None = "Migrant caravan on the move") -> list[tuple[str, str]]:
    """(role, place as written) of every stop the extractor draws, in any caravan."""
    art = article_from_text(body, "/tmp/test_journeys_stops.txt", title=title, published=PUBLISHED,
                            content_hash=str(abs(hash((body, title)))))
    x = extract_article(art)
    return [(o.role, o.place.text) for c in x.caravans for o in c.observations
            if o.place is not None and o.role != "report"]


def _places(stops) -> set[str]:
    return {p for _, p in stops}


def _role_of(stops, place: str) -> set[str]:
    return {r for r, p in stops if p == place}


# -- which crowd the lead is about -------------------------------------------------------

def test_a_headline_naming_a_caravan_makes_the_leads_migrants_that_crowd():
    body = ("Early Monday, Honduran migrants who had entered Guatemala without papers "
            "were stopped by police. The caravan had set out from San Pedro Sula.")
    assert "Guatemala" in _places(_stops(body, title="Caravan stopped at a roadblock"))
    # Without a headline naming a caravan, "migrants" before any crowd noun is background.
    assert "Guatemala" not in _places(_stops(body, title="Police stop travellers"))


# -- statements that are no stops --------------------------------------------------------

def test_statements_about_migrants_in_general_are_no_stops():
    body = ("The caravan left Tapachula on Monday. "
            "A record number of migrants have crossed the Darien Gap on their way north. "
            "Huixtla is a popular way station for migrants heading to the United States.")
    stops = _stops(body)
    assert "Tapachula" in _places(stops)
    assert not _places(stops) & {"Darien Gap", "Darien", "United States"}


def test_a_place_in_a_question_is_no_stop():
    stops = _stops("The caravan walked out of Tapachula on Monday. "
                   "“Why would we travel to the United States now?” one man in the group asked.")
    assert "United States" not in _places(stops)


def test_located_in_only_locates():
    stops = _stops("On Monday the caravan arrived in Huixtla, located in the southern part of the Chiapas state.")
    assert "Huixtla" in _places(stops)
    assert "Chiapas" not in _places(stops)


def test_a_demonym_before_town_of_is_no_place_and_travel_documents_are_no_movement():
    stops = _stops("The caravan left on foot heading to the Mexican town of Ciudad Hidalgo. "
                   "The group asked for travel documents to cross Guatemala.")
    assert "Ciudad Hidalgo" in _places(stops)
    assert "Mexican" not in _places(stops)
    assert "Guatemala" not in _places(stops)


# -- crossings, entries and stalls -------------------------------------------------------

def test_pushing_into_a_country_is_a_crossing_passed():
    stops = _stops("The caravan pushed its way into Guatemala last week.")
    assert _role_of(stops, "Guatemala") == {"waypoint"}


def test_stalled_or_stranded_somewhere_is_a_stop():
    stops = _stops("The caravan members were stalled at a roadblock in Chiquimula for two days.")
    assert "Chiquimula" in _places(stops)


def test_a_cue_reaches_through_a_facility_to_its_town():
    stops = _stops("The caravan walked for hours until it reached the first checkpoint, located in Huehuetan.")
    assert "Huehuetan" in _places(stops)


# -- routes through places ---------------------------------------------------------------

def test_a_planned_route_through_a_place_is_a_destination():
    stops = _stops("Rain threatened the caravan on its planned route through Veracruz.")
    assert _role_of(stops, "Veracruz") == {"destination"}


def test_heading_through_a_country_now_is_where_the_caravan_is():
    stops = _stops("A new caravan is now heading north through Mexico.")
    assert _role_of(stops, "Mexico") == {"current"}
    # Passed at country scale in the past: no stop.
    assert "Mexico" not in _places(_stops("The caravan passed north through Mexico last year."))


# -- announced arrivals ------------------------------------------------------------------

def test_announced_arrivals_on_two_days_are_both_destinations():
    stops = _stops("The caravan left Tapachula on Sunday. "
                   "The caravan is expected in Juchitan on Friday and in Matias Romero on Saturday.")
    assert _role_of(stops, "Juchitan") == {"destination"}
    assert _role_of(stops, "Matias Romero") == {"destination"}


def test_goals_said_as_asylum_or_a_vehicles_end_are_destinations():
    stops = _stops("The caravan members want to seek asylum in the United States. "
                   "On Monday the group boarded buses bound for Guatemala.")
    assert _role_of(stops, "United States") == {"destination"}
    assert _role_of(stops, "Guatemala") == {"destination"}


# -- where it set out from, what it passed -----------------------------------------------

@pytest.mark.parametrize("body, place", [
    ("The caravan, which started on Saturday, is making its way from near the Guatemala border to Puebla.",
     "Guatemala border"),
    ("The migrants set out early on Sunday from the neighborhood of Azteca and walked to Arriaga.", "Azteca"),
])
def test_from_near_or_from_a_neighbourhood_is_the_start(body, place):
    assert "departure" in _role_of(_stops(body), place)


def test_coming_from_a_state_on_the_route_is_a_place_passed():
    stops = _stops("Police officers met the caravan of migrants coming from Oaxaca at the state line.")
    assert _role_of(stops, "Oaxaca") == {"waypoint"}
    # Migrants "from" a country are its nationals: no stop.
    assert "Honduras" not in _places(_stops("The caravan, mostly migrants from Honduras, rested on Monday."))


def test_an_unknown_name_after_a_stay_cue_is_kept_unresolved():
    art = article_from_text("The caravan members had been stalled at a roadblock in Xocotlanix for two days.",
                            "/tmp/test_journeys_stops.txt", title="Caravan stalled", published=PUBLISHED,
                            content_hash="unknown-name")
    obs = [o for c in extract_article(art).caravans for o in c.observations if o.place is not None]
    assert [(o.place.text, o.place.place) for o in obs] == [("Xocotlanix", None)]
    # A person or month after "to"/"in" is never taken for a place.
    assert _stops("The caravan spoke to Reuters in January.") == []


def test_stranded_at_the_us_mexico_border_is_a_stop_not_the_country():
    stops = _stops("Thousands of caravan members remain stranded at the U.S.-Mexico border.")
    assert [p for _, p in stops] == ["U.S.-Mexico border"]


def test_their_speaks_of_the_named_crowd():
    stops = _stops("The caravan left Tapachula on Monday. Heavy rain fell on their planned route through Oaxaca.")
    assert _role_of(stops, "Oaxaca") == {"destination"}
