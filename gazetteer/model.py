"""The gazetteer's small public contract: a `Place`, a ranked `Match`, a `GeocodeResult`.

Modelled on geopy's `Location`: plain values that every caller (geoparser, journeys,
dashboard, the online fallback) can pass around and serialise without knowing where
the place came from.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Kinds of place, from most to least precise on a map.
CITY = "city"
BORDER = "border point"
ADMIN2 = "admin2"  # county, parish, municipio: its point is approximate
ADMIN1 = "admin1"
COUNTRY = "country"
REGION = "region"  # continents and regions: a marker point only, never a precise place
FEATURE = "feature"  # a river crossing, a migrant station: a point, not a populated place
KINDS = (CITY, BORDER, FEATURE, ADMIN2, ADMIN1, COUNTRY, REGION)


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    lat: float
    lon: float
    country_code: str
    admin1: str | None
    kind: str
    population: int = 0
    geonameid: int | None = None
    source: str = "geonames"

    @property
    def label(self) -> str:
        """'Del Rio, Texas, US' — enough to tell namesakes apart."""
        parts = [self.name]
        if self.admin1 and self.kind not in (ADMIN1, COUNTRY) and self.admin1 != self.name:
            parts.append(self.admin1)
        if self.kind not in (COUNTRY, REGION) and self.country_code:
            parts.append(self.country_code)
        return ", ".join(parts)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["label"] = self.label
        return d


@dataclass(frozen=True, slots=True)
class Match:
    place: Place
    confidence: float  # 0..1, share of the evidence this candidate holds among the candidates

    def to_dict(self) -> dict:
        return {**self.place.to_dict(), "confidence": round(self.confidence, 3)}


@dataclass(slots=True)
class GeocodeResult:
    query: str
    place: Place | None
    confidence: float
    alternatives: list[Match] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "place": self.place.to_dict() if self.place else None,
            "confidence": round(self.confidence, 3),
            "alternatives": [m.to_dict() for m in self.alternatives],
        }
