"""What people corrected, kept apart from what extraction produced, and re-applied.

Corrections name the facts they touch by a `fact_key` that survives re-extraction:
the article, where the evidence sentence starts and where the place mention starts
(or the size, for a placeless report) — not the role, date or caravan, which are the
very things an editor may change and a newer extractor may read differently. A
caravan is named by any one of its facts (its "anchor"), since caravan ids are
derived from the join and may change when articles are added.

Actions (payload keys):
- `edit`   {fact, changes: {role, date, date_precision, size_low, size_high, place}}
- `move`   {fact, to: anchor fact or null for a new caravan}
- `reject` {fact}                      the fact is wrong: kept, flagged, not drawn
- `restore` {fact}                     undo a reject
- `rename` {anchor, label}
- `merge`  {anchor, other}             the other anchor's caravan joins the first
- `split`  {facts: [...], label}       these facts become a caravan of their own

`apply(caravans, corrections)` returns new caravans and the corrections that found
nothing to act on (an article removed, a fact no longer extracted): those are
reported, never silently dropped.
"""
from __future__ import annotations

import copy
import datetime as _dt
import hashlib
from dataclasses import dataclass

from gazetteer import Place

from journeys.model import ROLES, Caravan, Observation, PlaceRef

ACTIONS = ("edit", "move", "reject", "restore", "rename", "merge", "split")


class CorrectionError(ValueError):
    """A correction that cannot be recorded (bad action, role, date, size)."""


def fact_key(o: Observation) -> str:
    where = f"p{o.place.start}" if o.place is not None else f"s{o.size_low}"
    return f"{o.article}:{o.evidence.start}:{where}"


@dataclass
class Correction:
    action: str
    payload: dict
    editor: str
    created_at: _dt.datetime
    id: int | None = None
    note: str | None = None

    def facts(self) -> list[str]:
        p = self.payload
        keys = [p.get("fact"), p.get("anchor"), p.get("other"), p.get("to"), *p.get("facts", [])]
        return [k for k in keys if k]

    def to_dict(self) -> dict:
        return {"id": self.id, "action": self.action, "payload": self.payload, "editor": self.editor,
                "created_at": self.created_at.isoformat(timespec="seconds"), "note": self.note}


# Limits of what a correction may hold (the dashboard's forms ask for less).
MAX_TEXT = 200  # a label, a name, an editor, a place name
MAX_NOTE = 2000
MAX_FACTS = 10_000  # facts in one split
MAX_PEOPLE = 10_000_000
_CHANGES = ("role", "date", "date_precision", "size_low", "size_high", "place")
_PLACE_KEYS = {"name": MAX_TEXT, "country_code": 3, "admin1": MAX_TEXT, "kind": 20}


def _text(where: str, v, limit: int = MAX_TEXT, *, required: bool = True) -> None:
    """A one-line text field: a string, not blank when required, within its limit, no NUL
    (PostgreSQL cannot store one)."""
    if v is None and not required:
        return
    if not isinstance(v, str):
        raise CorrectionError(f"{where} must be text, not {type(v).__name__}")
    if required and not v.strip():
        raise CorrectionError(f"{where} is empty")
    if len(v) > limit:
        raise CorrectionError(f"{where} is {len(v):,} characters, over the limit of {limit:,}")
    if "\x00" in v:
        raise CorrectionError(f"{where} contains a NUL character")


def _fact(where: str, v) -> None:
    if not isinstance(v, str) or not v.strip():
        raise CorrectionError(f"{where} must be a fact key (text), not {type(v).__name__ if not isinstance(v, str) else 'empty'}")
    _text(where, v)


def validate(action: str, payload: dict, editor: str, note: str | None = None) -> None:
    """Refuse a correction that could not be applied meaningfully, with one clear line:
    wrong types (a string for changes, a list for a fact), values out of range, text over
    its limit, a place without a name or coordinates."""
    if not isinstance(action, str) or action not in ACTIONS:
        raise CorrectionError(f"unknown correction {str(action)[:40]!r} (one of {', '.join(ACTIONS)})")
    if not isinstance(editor, str) or not editor.strip():
        raise CorrectionError("a correction needs the editor's name")
    _text("the editor's name", editor)
    _text("the note", note, MAX_NOTE, required=False)
    if not isinstance(payload, dict):
        raise CorrectionError(f"{action}: the payload must be a mapping, not {type(payload).__name__}")
    need = {"edit": ("fact", "changes"), "move": ("fact",), "reject": ("fact",), "restore": ("fact",),
            "rename": ("anchor", "label"), "merge": ("anchor", "other"), "split": ("facts",)}[action]
    missing = [k for k in need if k not in payload]
    if missing:
        raise CorrectionError(f"{action}: missing {', '.join(missing)}")
    for k in ("fact", "anchor", "other"):
        if k in need:
            _fact(f"{action}: {k}", payload[k])
    if action == "move" and payload.get("to") is not None:
        _fact("move: to", payload["to"])
    if action in ("rename", "move", "split"):
        _text(f"{action}: the name", payload.get("label"), required=action == "rename")
    if action == "rename" and not str(payload["label"]).strip():
        raise CorrectionError("rename: the new name is empty")
    if action == "split":
        facts = payload["facts"]
        if not isinstance(facts, list):
            raise CorrectionError(f"split: facts must be a list of fact keys, not {type(facts).__name__}")
        if not facts:
            raise CorrectionError("split: no facts chosen")
        if len(facts) > MAX_FACTS:
            raise CorrectionError(f"split: {len(facts):,} facts, over the limit of {MAX_FACTS:,}")
        for f in facts:
            _fact("split: each fact", f)
    if action == "edit":
        ch = payload["changes"]
        if not isinstance(ch, dict):
            raise CorrectionError(f"edit: changes must be a mapping, not {type(ch).__name__}")
        if not ch:
            raise CorrectionError("edit: nothing to change")
        unknown = [str(k)[:40] for k in ch if k not in _CHANGES]
        if unknown:
            raise CorrectionError(f"edit: unknown change {unknown[0]!r} (one of {', '.join(_CHANGES)})")
        if "role" in ch and (not isinstance(ch["role"], str) or ch["role"] not in ROLES):
            raise CorrectionError(f"edit: role {str(ch['role'])[:40]!r} is not one of {', '.join(ROLES)}")
        if ch.get("date") is not None:
            try:
                _dt.date.fromisoformat(ch["date"])
            except (TypeError, ValueError):
                raise CorrectionError(f"edit: date {str(ch['date'])[:40]!r} is not a date (YYYY-MM-DD)") from None
        if not isinstance(ch.get("date_precision"), (str, type(None))) or \
                ch.get("date_precision") not in (None, "day", "month", "year"):
            raise CorrectionError("edit: date precision must be day, month or year")
        for k in ("size_low", "size_high"):
            v = ch.get(k)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0 or v > MAX_PEOPLE):
                raise CorrectionError(f"edit: {k} must be a whole number of people (0 to {MAX_PEOPLE:,})")
        if ch.get("size_low") is not None and ch.get("size_high") is not None and ch["size_low"] > ch["size_high"]:
            raise CorrectionError("edit: size_low is above size_high")
        place = ch.get("place")
        if place is not None:
            if not isinstance(place, dict):
                raise CorrectionError(f"edit: a place must be a mapping with name, lat and lon, not {type(place).__name__}")
            try:
                if isinstance(place["lat"], bool) or isinstance(place["lon"], bool):
                    raise TypeError
                lat, lon = float(place["lat"]), float(place["lon"])
            except (KeyError, TypeError, ValueError):
                raise CorrectionError("edit: a place needs lat and lon") from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails too
                raise CorrectionError("edit: lat/lon out of range")
            if "name" not in place:
                raise CorrectionError("edit: a place needs a name")
            for k, limit in _PLACE_KEYS.items():
                _text(f"edit: the place's {k}", place.get(k), limit, required=k == "name")


def apply(caravans: list[Caravan], corrections: list[Correction], *,
          in_place: bool = False) -> tuple[list[Caravan], list[Correction]]:
    """Corrections applied in the order they were made. The input is left untouched
    unless `in_place` (the store's rebuild owns fresh caravans: no need to copy them)."""
    out = caravans if in_place else copy.deepcopy(caravans)
    for c in out:  # name every fact as extracted, before an edit changes its size or place
        for o in c.observations:
            o.fact = o.fact or fact_key(o)
    unmatched: list[Correction] = []
    facts = _Facts(out)
    for c in sorted(corrections, key=lambda c: (c.created_at, c.id or 0)):
        if not _apply_one(out, c, facts):
            unmatched.append(c)
    out = [c for c in out if c.observations]
    return out, unmatched


class _Facts:
    """Fact key → (its caravan, the observation), kept current as corrections move facts:
    thousands of corrections over 461,000 facts must not each scan them all."""

    def __init__(self, caravans: list[Caravan]):
        self._where: dict[str, tuple[Caravan, Observation]] = {}
        for car in caravans:
            for o in car.observations:
                self._where.setdefault(o.fact or fact_key(o), (car, o))

    def find(self, key: str) -> tuple[Caravan, Observation] | None:
        return self._where.get(key)

    def now_in(self, car: Caravan, observations) -> None:
        for o in observations:
            if self._where.get(o.fact, (None, None))[1] is o:
                self._where[o.fact] = (car, o)


def _mark(o: Observation, c: Correction) -> None:
    o.corrections.append(c.id)


def _apply_one(caravans: list[Caravan], c: Correction, facts: _Facts) -> bool:
    p, a = c.payload, c.action
    _find = facts.find
    if a in ("edit", "move", "reject", "restore"):
        hit = _find(p["fact"])
        if hit is None:
            return False
        car, o = hit
        if a == "edit":
            ch = p["changes"]
            # What an editor set is certain: that part's confidence becomes 1.
            for part, keys in (("role", ("role",)), ("date", ("date",)), ("size", ("size_low", "size_high")),
                               ("place", ("place",))):
                if any(k in ch for k in keys):
                    o.confidences[part] = 1.0
            if "role" in ch:
                o.role = ch["role"]
            if "date" in ch:
                o.date = _dt.date.fromisoformat(ch["date"]) if ch["date"] else None
                o.date_precision = ch.get("date_precision", "day" if ch["date"] else None)
                o.date_text = None
            for k in ("size_low", "size_high"):
                if k in ch:
                    setattr(o, k, ch[k])
            if "size_low" in ch and "size_high" not in ch:
                o.size_high = ch["size_low"]
            if "size_low" in ch or "size_high" in ch:
                o.size_text, o.size_qualifier = None, "corrected"
            if "place" in ch:
                pl = ch["place"]
                text = o.place.text if o.place else pl.get("name", "")
                start = o.place.start if o.place else o.evidence.start
                end = o.place.end if o.place else o.evidence.start
                o.place = PlaceRef(text, start, end, Place(
                    name=pl.get("name") or text, lat=float(pl["lat"]), lon=float(pl["lon"]),
                    country_code=pl.get("country_code") or "", admin1=pl.get("admin1"),
                    kind=pl.get("kind") or "city", source="corrected"))
        elif a == "reject":
            o.rejected = True
        elif a == "restore":
            o.rejected = False
        elif a == "move":
            target = _find(p["to"]) if p.get("to") else None
            if p.get("to") and target is None:
                return False
            car.observations.remove(o)
            if target is None:
                new = Caravan(id=_new_id([p["fact"]]), label=p.get("label") or "Caravan (split by an editor)",
                              articles=[o.article], renamed=bool(p.get("label")))
                caravans.append(new)
                dest = new
            else:
                dest = target[0]
            dest.observations.append(o)
            facts.now_in(dest, [o])
            if o.article not in dest.articles:
                dest.articles.append(o.article)
        _mark(o, c)
        return True
    if a == "rename":
        hit = _find(p["anchor"])
        if hit is None:
            return False
        hit[0].label = str(p["label"]).strip()
        hit[0].renamed = True
        return True
    if a == "merge":
        first, other = _find(p["anchor"]), _find(p["other"])
        if first is None or other is None:
            return False
        keep, gone = first[0], other[0]
        if keep is gone:
            return True
        keep.absorb(gone)
        facts.now_in(keep, keep.observations)
        gone.observations = []
        for o in keep.observations:
            _mark(o, c)
        return True
    if a == "split":
        hits = [_find(k) for k in p["facts"]]
        if any(h is None for h in hits):
            return False
        new = Caravan(id=_new_id(p["facts"]), label=str(p.get("label") or "Caravan (split by an editor)"),
                      renamed=bool(p.get("label")))  # an editor's name for it is kept through rebuilds
        for car, o in hits:
            car.observations.remove(o)
            new.observations.append(o)
            facts.now_in(new, [o])
            if o.article not in new.articles:
                new.articles.append(o.article)
            _mark(o, c)
        caravans.append(new)
        return True
    return False


def _new_id(keys: list[str]) -> str:
    return "c-" + hashlib.sha1(("split|" + "|".join(sorted(keys))).encode()).hexdigest()[:10]
