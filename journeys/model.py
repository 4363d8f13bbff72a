"""The article-to-journey model: caravans and their observations, each with evidence.

An `Observation` is one fact a sentence states about one caravan: it was at (or left,
or is heading for) a place, on a date, with a size. Its `Evidence` is the article id,
the character span and the sentence itself, so every point on the map can be traced.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from gazetteer import Place

# Roles of a place in a caravan's journey (REPORT: a size or date with no place named).
from .terms import ARRIVAL, CURRENT, DEPARTURE, DESTINATION, ORIGIN, REPORT, ROLES, TRAVELLED, WAYPOINT  # noqa: F401


@dataclass(frozen=True)
class Evidence:
    article: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"article": self.article, "start": self.start, "end": self.end, "text": self.text}


@dataclass
class PlaceRef:
    """A place as the text names it, and what the gazetteer made of it (None: unresolved)."""

    text: str
    start: int
    end: int
    place: Place | None

    def to_dict(self) -> dict:
        p = self.place
        return {
            "text": self.text, "start": self.start, "end": self.end,
            "name": p.name if p else None, "lat": p.lat if p else None, "lon": p.lon if p else None,
            "country_code": p.country_code if p else None, "admin1": p.admin1 if p else None,
            "kind": p.kind if p else None, "label": p.label if p else None, "resolved": p is not None,
        }


@dataclass
class Observation:
    article: str
    role: str
    evidence: Evidence
    place: PlaceRef | None = None
    date: _dt.date | None = None
    date_precision: str | None = None  # "day" | "month" | "year"
    date_text: str | None = None
    size_low: int | None = None
    size_high: int | None = None
    size_text: str | None = None
    size_qualifier: str | None = None
    also: list[Evidence] = field(default_factory=list)  # the same fact stated again
    rejected: bool = False  # an editor marked it wrong: kept, listed, not drawn
    corrections: list[int] = field(default_factory=list)  # ids of corrections applied to it
    fact: str | None = None  # stable name for corrections, fixed before any is applied
    # How sure extraction is of each part of the fact, 0-1: "role" and "place" for a stop,
    # "size" and "date" where the fact has them (learned probabilities, or the measured
    # accuracy of that kind of expression on the corpus's train half).
    confidences: dict[str, float] = field(default_factory=dict)

    @property
    def confidence(self) -> float:
        """The whole fact's confidence: every part must hold (the product of its parts)."""
        c = 1.0
        for v in self.confidences.values():
            c *= v
        return round(c, 3)

    def to_dict(self) -> dict:
        return {
            "article": self.article, "role": self.role,
            "date": self.date.isoformat() if self.date else None, "date_precision": self.date_precision,
            "date_text": self.date_text,
            "size_low": self.size_low, "size_high": self.size_high, "size_text": self.size_text,
            "size_qualifier": self.size_qualifier,
            "place": self.place.to_dict() if self.place else None,
            "evidence": self.evidence.to_dict(),
            "also": [e.to_dict() for e in self.also],
            "rejected": self.rejected,
            "corrections": list(self.corrections),
            "confidence": self.confidence,
            "confidences": dict(self.confidences),
        }


@dataclass
class Caravan:
    id: str
    label: str
    name: str | None = None  # what the text calls it ("March for Freedom, Dignity and Peace")
    organizers: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # country names
    observations: list[Observation] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    renamed: bool = False  # the label is an editor's, not derived

    # -- derived -----------------------------------------------------------------------
    def sizes(self) -> list[Observation]:
        return [o for o in self.observations if o.size_low is not None and not o.rejected]

    @property
    def size_low(self) -> int | None:
        lows = [o.size_low for o in self._best_sizes()]
        return min(lows) if lows else None

    @property
    def size_high(self) -> int | None:
        highs = [o.size_high or o.size_low for o in self._best_sizes()]
        return max(highs) if highs else None

    def _best_sizes(self) -> list[Observation]:
        """Figures beat number words: "thousands" counts only when nobody gave a figure."""
        sized = self.sizes()
        precise = [o for o in sized if o.size_qualifier != "vague"]
        return precise or sized

    def absorb(self, other: "Caravan") -> None:
        """Take in another caravan's facts and sources (the join and an editor's merge)."""
        self.name = self.name or other.name
        for o in other.organizers:  # "Mujica" and "Irineo Mujica" are one organizer
            if not any(o in x or x in o for x in self.organizers):
                self.organizers.append(o)
        for o in other.origins:
            if o not in self.origins:
                self.origins.append(o)
        for a in other.articles:
            if a not in self.articles:
                self.articles.append(a)
        self.observations.extend(other.observations)

    def departure(self) -> Observation | None:
        deps = [o for o in self.observations if o.role == DEPARTURE and o.place and not o.rejected]
        deps.sort(key=lambda o: (o.date is None, o.date_precision != "day"))
        return deps[0] if deps else None

    def to_dict(self) -> dict:
        return {
            "id": self.id, "label": self.label, "name": self.name,
            "size_low": self.size_low, "size_high": self.size_high,
            "organizers": self.organizers, "origins": self.origins, "articles": self.articles,
            "renamed": self.renamed,
            "observations": [o.to_dict() for o in self.observations],
        }


# -- back from JSON (the store keeps each article's extraction as a document) -------------
def evidence_from_dict(d: dict) -> Evidence:
    return Evidence(d["article"], d["start"], d["end"], d["text"])


def place_ref_from_dict(d: dict | None) -> PlaceRef | None:
    if d is None:
        return None
    place = None
    if d.get("resolved") and d.get("lat") is not None:
        place = Place(name=d["name"], lat=d["lat"], lon=d["lon"], country_code=d.get("country_code") or "",
                      admin1=d.get("admin1"), kind=d.get("kind") or "city")
    return PlaceRef(d["text"], d["start"], d["end"], place)


def observation_from_dict(d: dict) -> Observation:
    return Observation(
        article=d["article"], role=d["role"], evidence=evidence_from_dict(d["evidence"]),
        place=place_ref_from_dict(d.get("place")),
        date=_dt.date.fromisoformat(d["date"]) if d.get("date") else None,
        date_precision=d.get("date_precision"), date_text=d.get("date_text"),
        size_low=d.get("size_low"), size_high=d.get("size_high"), size_text=d.get("size_text"),
        size_qualifier=d.get("size_qualifier"), also=[evidence_from_dict(e) for e in d.get("also", [])],
        rejected=bool(d.get("rejected", False)), corrections=list(d.get("corrections") or []),
        fact=d.get("fact"), confidences=dict(d.get("confidences") or {}),
    )


def caravan_from_dict(d: dict) -> Caravan:
    return Caravan(id=d["id"], label=d.get("label", ""), name=d.get("name"), organizers=list(d.get("organizers", [])),
                   origins=list(d.get("origins", [])), articles=list(d.get("articles", [])),
                   renamed=bool(d.get("renamed", False)),
                   observations=[observation_from_dict(o) for o in d.get("observations", [])])
