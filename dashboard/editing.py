"""Editing the atlas from the dashboard: who may edit, and the corrections the edit forms
build. Pure Python (no Streamlit): the app passes form values in and hands the payloads
to `archive.store.Store.correct`, which validates them again and records them.

Who may edit: a password from the `edit_password` secret or `CARAVAN_ATLAS_EDIT_PASSWORD`
(the environment wins, as for the store URL). None set: editing and uploading are off.
A session that typed the right password keeps a token derived from it (in the session
only, never the URL); when the configured password changes, the token stops matching.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Mapping

from journeys.terms import ROLES

from .journey import ROLE_LABEL, Atlas, CaravanInfo, Stop, fmt_int

PASSWORD_ENV = "CARAVAN_ATLAS_EDIT_PASSWORD"
PASSWORD_SECRET = "edit_password"
PRECISIONS = ("day", "month", "year")
MAX_NAME = 80
MAX_LABEL = 120
MAX_NOTE = 500
MAX_QUERY = 120
MAX_SIZE = 10_000_000
NEW_CARAVAN = "__new__"


class FormError(ValueError):
    """Form input that cannot become a correction; str() is one line for the editor."""


# --------------------------------------------------------------------------- who may edit


def configured_password(secrets: Mapping | None = None, environ: Mapping | None = None) -> str | None:
    """The edit password, or None when editing is off (unset or blank)."""
    environ = os.environ if environ is None else environ
    for value in (environ.get(PASSWORD_ENV), (secrets or {}).get(PASSWORD_SECRET)):
        if isinstance(value, str) and value.strip():
            return value
    return None


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class PasswordThrottle:
    """Wrong edit passwords, counted per client (its address, else its session) and over
    all clients, in one server process. The first `free` failures of a client cost nothing;
    after that it waits `base` seconds (5), doubling with each failure up to `cap` (5 minutes);
    over `overall_free` failures from everyone within `window`, every client waits the same
    way. While a client waits its password is not checked at all. Failures older than
    `window` are forgotten, so the right password is never locked out for ever; each
    failure past the free ones is logged."""

    def __init__(self, *, free: int = 5, base: float = 5.0, cap: float = 300.0, window: float = 900.0,
                 overall_free: int = 50, clock=None):
        import threading
        import time

        self.free, self.base, self.cap, self.window, self.overall_free = free, base, cap, window, overall_free
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}  # client -> times of its recent failures
        self._all: list[float] = []

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._all.clear()

    def _recent(self, times: list[float], now: float) -> list[float]:
        while times and times[0] <= now - self.window:
            times.pop(0)
        return times

    def _delay(self, times: list[float], free: int) -> float:
        over = len(times) - free
        return 0.0 if over < 0 else min(self.cap, self.base * 2 ** over)

    def wait(self, client: str) -> float:
        """Seconds before `client` may try a password again (0: now)."""
        with self._lock:
            now = self._clock()
            mine = self._recent(self._failures.get(client, []), now)
            if not mine:
                self._failures.pop(client, None)
            alls = self._recent(self._all, now)
            w = 0.0
            if mine:
                w = max(w, mine[-1] + self._delay(mine, self.free) - now)
            if alls:
                w = max(w, alls[-1] + self._delay(alls, self.overall_free) - now)
            return max(0.0, w)

    def failed(self, client: str) -> None:
        import logging

        with self._lock:
            now = self._clock()
            mine = self._failures.setdefault(client, [])
            mine.append(now)
            self._all.append(now)
            n, total = len(mine), len(self._all)
        if n > self.free - 1 or total > self.overall_free - 1:
            logging.getLogger(__name__).warning(
                "wrong edit password: %d recent failures from client %s, %d from all clients", n, client, total)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


THROTTLE = PasswordThrottle()  # one per server process: every session shares it


def password_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison (of digests, so the length leaks nothing either)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(_digest(given), _digest(expected))


def unlock_token(expected: str) -> str:
    """What an unlocked session keeps: bound to the password, useless without it."""
    return hashlib.sha256(b"caravan-atlas-edit\0" + expected.encode("utf-8", "surrogatepass")).hexdigest()


def is_unlocked(token: str | None, expected: str | None) -> bool:
    if not expected or not token:
        return False
    return hmac.compare_digest(str(token).encode(), unlock_token(expected).encode())


# --------------------------------------------------------------------------- form values


def clean_text(value, limit: int) -> str:
    """One line: control characters and line breaks become spaces, runs of whitespace one."""
    text = "" if value is None else str(value)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())[:limit]


def _required_line(value, limit: int, missing: str, too_long: str) -> str:
    """One cleaned line that must be given and fit `limit` characters (FormError otherwise)."""
    text = clean_text(value, limit + 1)
    if not text:
        raise FormError(missing)
    if len(text) > limit:
        raise FormError(f"{too_long} is too long (at most {limit} characters).")
    return text


def clean_editor(name) -> str:
    return _required_line(name, MAX_NAME, "Enter your name: it is recorded with every correction.", "Your name")


def clean_label(label) -> str:
    return _required_line(label, MAX_LABEL, "Enter a name for the caravan.", "The caravan name")


def clean_note(note) -> str | None:
    return clean_text(note, MAX_NOTE) or None


def _size(value, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FormError(f"The {what} size must be a whole number of people.")
    if isinstance(value, float):
        if not value.is_integer():
            raise FormError(f"The {what} size must be a whole number of people.")
        value = int(value)
    if isinstance(value, str):
        digits = value.strip().replace(",", "").replace("_", "")
        if not re.fullmatch(r"\d+", digits):
            raise FormError(f"The {what} size {value.strip()!r} is not a whole number of people.")
        value = int(digits)
    if not isinstance(value, int) or value < 0:
        raise FormError(f"The {what} size must be a whole number of people.")
    if value > MAX_SIZE:
        raise FormError(f"The {what} size is over {fmt_int(MAX_SIZE)} people.")
    return value


class BadDate(ValueError):
    """`problem` is "format" (not YYYY-MM-DD) or "exists" (no such day); `text` the input."""

    def __init__(self, text: str, problem: str):
        super().__init__(f"{text!r}: {problem}")
        self.text, self.problem = text, problem


def iso_date(value) -> dt.date | None:
    """A date from a form: blank is None, else YYYY-MM-DD that exists (BadDate otherwise).
    The forms here and the upload form word the error each their own way."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = " ".join(str(value).split())
    if not s:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        raise BadDate(s, "format")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise BadDate(s, "exists") from None


def _date(value) -> dt.date | None:
    try:
        return iso_date(value)
    except BadDate as e:
        raise FormError(f"The date {e.text!r} is not a date (YYYY-MM-DD)." if e.problem == "format"
                        else f"The date {e.text!r} does not exist.") from None


def place_dict(place) -> dict:
    """A gazetteer Place (or a candidate dict) as a correction's place."""
    get = place.get if isinstance(place, Mapping) else (lambda k: getattr(place, k, None))
    try:
        lat, lon = float(get("lat")), float(get("lon"))
    except (TypeError, ValueError):
        raise FormError("The chosen place has no coordinates.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FormError("The chosen place's coordinates are out of range.")
    return {"name": clean_text(get("name"), 200) or "(unnamed place)", "lat": lat, "lon": lon,
            "country_code": clean_text(get("country_code"), 3) or None, "admin1": clean_text(get("admin1"), 200) or None,
            "kind": clean_text(get("kind"), 20) or "city"}


def edit_changes(stop: Stop, *, role=None, date_known: bool = True, date=None, precision=None,
                 size_low=None, size_high=None, place=None) -> dict:
    """The `changes` of an edit correction: only what differs from the stop as shown.
    `place` is a gazetteer candidate (or None to keep the place). Raises FormError."""
    changes: dict = {}
    if role is not None and role != stop.role:
        if role not in ROLES:
            raise FormError(f"Unknown role {role!r}.")
        changes["role"] = role
    if not date_known:
        if stop.date is not None:
            changes["date"] = None
    else:
        d = _date(date)
        if d is None:
            raise FormError("Choose a date, or untick “Date known”.")
        prec = precision or "day"
        if prec not in PRECISIONS:
            raise FormError("The date precision must be day, month or year.")
        if d.year < 1900 or d > dt.date.today() + dt.timedelta(days=366 * 5):
            raise FormError(f"The date {d.isoformat()} is out of range.")
        if d != stop.date or (prec != (stop.date_precision or "day")):
            changes["date"], changes["date_precision"] = d.isoformat(), prec
    low, high = _size(size_low, "lowest"), _size(size_high, "highest")
    if low is None and high is not None:
        raise FormError("Give the lowest size too (the same figure twice for an exact size).")
    if low is not None and high is None:
        high = low
    if low is not None and high is not None and low > high:
        raise FormError(f"The lowest size ({fmt_int(low)}) is above the highest ({fmt_int(high)}).")
    if (low, high) != (stop.size_low, stop.size_high if stop.size_high is not None else stop.size_low):
        changes["size_low"], changes["size_high"] = low, high
    if place is not None:
        changes["place"] = place_dict(place)
    if not changes:
        raise FormError("Nothing to save: the form shows the fact as it is.")
    return changes


def edit_payload(stop: Stop, **form) -> dict:
    return {"fact": require_fact(stop), "changes": edit_changes(stop, **form)}


def require_fact(stop: Stop | None) -> str:
    if stop is None or not stop.fact:
        raise FormError("This fact has no key in the store, so it cannot be corrected.")
    return stop.fact


def anchor(caravan: CaravanInfo) -> str:
    """A fact naming the caravan (corrections name caravans by one of their facts)."""
    facts = [s.fact for s in caravan.stops if s.fact and not s.rejected] or [s.fact for s in caravan.stops if s.fact]
    if not facts:
        raise FormError(f"Caravan {caravan.title} has no facts in the store.")
    return facts[0]


def move_payload(atlas: Atlas, stop: Stop, to: str | None, label: str | None = None) -> dict:
    """Move a fact to another caravan (`to`: its id) or, with NEW_CARAVAN, to a new one."""
    fact = require_fact(stop)
    if to == NEW_CARAVAN:
        return {"fact": fact, "to": None, "label": clean_label(label or "Caravan (split by an editor)")}
    target = atlas.caravans_by_id.get(to) if to else None
    if target is None:
        raise FormError("Choose the caravan to move this fact to.")
    if target.id == stop.caravan_id:
        raise FormError("The fact is already in that caravan.")
    return {"fact": fact, "to": anchor(target)}


def merge_payload(atlas: Atlas, keep: str | None, other: str | None) -> dict:
    a, b = atlas.caravans_by_id.get(keep or ""), atlas.caravans_by_id.get(other or "")
    if a is None or b is None:
        raise FormError("Choose the two caravans to merge.")
    if a.id == b.id:
        raise FormError("Choose two different caravans to merge.")
    return {"anchor": anchor(a), "other": anchor(b)}


def rename_payload(atlas: Atlas, caravan: str | None, label) -> dict:
    c = atlas.caravans_by_id.get(caravan or "")
    if c is None:
        raise FormError("Choose the caravan to rename.")
    new = clean_label(label)
    if new == c.label:
        raise FormError("That is already the caravan's name.")
    return {"anchor": anchor(c), "label": new}


def split_payload(atlas: Atlas, stop_ids, label) -> dict:
    stops = [atlas.stops_by_id[s] for s in stop_ids or () if s in atlas.stops_by_id]
    if not stops:
        raise FormError("Choose the stops to split off.")
    facts = list(dict.fromkeys(require_fact(s) for s in stops))
    return {"facts": facts, "label": clean_label(label)}


# --------------------------------------------------------------------------- gazetteer search


def place_candidates(query, geocoder=None, limit: int = 8) -> list[dict]:
    """Ranked gazetteer candidates for a typed name (best first), as plain dicts."""
    q = clean_text(query, MAX_QUERY + 1)
    if not q:
        raise FormError("Type a place name to search for.")
    if len(q) > MAX_QUERY:
        raise FormError(f"The place name is too long (at most {MAX_QUERY} characters).")
    if geocoder is None:
        from gazetteer import default_gazetteer
        geocoder = default_gazetteer()
    res = geocoder.geocode(q, limit=limit)
    if res.place is None:
        return []
    out = [(res.place, res.confidence)] + [(m.place, m.confidence) for m in res.alternatives]
    seen, hits = set(), []
    for p, conf in out[:limit]:
        key = (p.name, round(p.lat, 4), round(p.lon, 4))
        if key in seen:
            continue
        seen.add(key)
        hits.append({"name": p.name, "lat": p.lat, "lon": p.lon, "country_code": p.country_code,
                     "admin1": p.admin1, "kind": p.kind, "label": p.label, "confidence": float(conf)})
    return hits


def candidate_line(hit: dict) -> str:
    return f"{hit['label']} · {hit['kind']} · {hit['lat']:.3f}, {hit['lon']:.3f} · {round(100 * hit['confidence'])}%"


# --------------------------------------------------------------------------- history


def describe(correction: dict, atlas: Atlas | None = None) -> str:
    """One line saying what a recorded correction did, for people."""
    p, a = correction.get("payload") or {}, correction.get("action")

    def caravan_of(fact):
        if atlas is None or not fact:
            return "another caravan"
        s = next((x for x in atlas.stops() if x.fact == fact), None)
        return atlas.caravans_by_id[s.caravan_id].title if s else "another caravan"

    if a == "edit":
        ch, bits = p.get("changes") or {}, []
        if "role" in ch:
            bits.append(f"role → {ROLE_LABEL.get(ch['role'], ch['role'])}")
        if "date" in ch:
            bits.append(f"date → {ch['date']} ({ch.get('date_precision') or 'day'})" if ch["date"] else "date → none")
        if "size_low" in ch or "size_high" in ch:
            low, high = ch.get("size_low"), ch.get("size_high", ch.get("size_low"))
            bits.append("size → none" if low is None else
                        f"size → {fmt_int(low)}" + (f"–{fmt_int(high)}" if high not in (None, low) else ""))
        if "place" in ch:
            pl = ch["place"] or {}
            bits.append(f"place → {pl.get('name')}" + (f", {pl['admin1']}" if pl.get("admin1") else "")
                        + (f", {pl['country_code']}" if pl.get("country_code") else ""))
        return "edited: " + ("; ".join(bits) or "no change")
    if a == "reject":
        return "marked as wrong"
    if a == "restore":
        return "restored (no longer marked wrong)"
    if a == "move":
        return f"moved to {caravan_of(p.get('to'))}" if p.get("to") else \
            f"moved to a new caravan “{p.get('label') or 'Caravan (split by an editor)'}”"
    if a == "rename":
        return f"caravan renamed “{p.get('label')}”"
    if a == "merge":
        return "caravans merged"
    if a == "split":
        n = len(p.get("facts") or [])
        return f"split off with {n - 1} other fact{'s' if n != 2 else ''} into “{p.get('label')}”" if n > 1 else \
            f"split off into “{p.get('label')}”"
    return str(a)


def history_rows(history: list[dict], atlas: Atlas | None = None) -> list[dict]:
    """(when, who, what, note) for the evidence panel, newest first."""
    rows = [{"when": (str(h.get("created_at") or "").replace("T", " ") + " UTC").strip(), "who": h.get("editor") or "",
             "what": describe(h, atlas), "note": h.get("note") or "", "id": h.get("id")} for h in history]
    return rows[::-1]


# --------------------------------------------------------------------------- showing text


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def md_escape(text) -> str:
    """Text from users or files, safe inside a Streamlit markdown message: every markdown
    character escaped (no links, images, HTML, colour or emoji directives, maths), one line."""
    return _MD_SPECIAL.sub(r"\\\1", clean_text(text, 2000))
