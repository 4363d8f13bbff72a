"""A synthetic corpus of migrant-caravan news, with the truth it was generated from.

    .venv/bin/python benchmarks/generate_corpus.py N OUT_DIR [--seed S] [--caravans K]

Simulates K caravans (default N // 5) walking real northbound routes (Central America ->
Tecún Umán / Ciudad Hidalgo -> Tapachula -> the Chiapas coast -> the Isthmus -> Veracruz or
Oaxaca -> Puebla -> Mexico City -> one of the border cities), departing between 2018 and 2024,
moving day by day and changing size. Then writes N articles about them from ~15 (invented)
outlets, several per caravan on different days, and a few without any caravan:

- `OUT_DIR/000001.md` ... numbered in order of publication, each with front matter
  (title, outlet, published, url) that `journeys.articles.read_article` reads;
- `OUT_DIR/truth.jsonl`: one line per article, in file order:
  `{"file", "published", "outlet", "caravans": [{"id", "background", "departure_place",
  "departure_date", "stops": [{"place", "canonical", "lat", "lon", "kind", "role", "date",
  "date_precision", "tpl", "date_kind"}], "sizes": [{"value_low", "value_high", "text",
  "qualifier", "form", "tpl"}]}], "distractors": {"places": [{"place", "lat", "lon", "kind",
  "tpl"}], "numbers": [{"text", "value", "tpl"}]}}`. `place` is the name as written (it occurs
  in the body); `kind` is city | country | border (the U.S.-Mexico border, no coordinates) |
  person (for distractors: a person's name that is also a place name).

The truth follows the dev set's labelling rules (../shared/devset/README.md): roles
departure / waypoint / current / arrival / destination, relative dates resolved against the
publication date, sizes as ranges ("hundreds" 200-999, "thousands" 2,000-9,999, "between A and
B" A-B, a single figure low = high), datelines, home towns, meeting places and places that
only locate another are not stops; troop counts, border statistics, ages, money and subsets
of the crowd are not sizes. `tpl` names the template that wrote the fact and `date_kind` how
its date was phrased, so a scorer can say which phrasings an extractor misses. Distractors
(places and numbers that are not caravan facts) are listed per article with their template.

Every place name written as a stop or distractor is checked once, at start-up, with the
project's gazetteer: `geocode(form)` must land within 25 km of the intended point (countries:
the right country). Forms that fail are dropped and never written; a route place left with no
form is skipped by the simulation. The sentences are this file's own templates - nothing is
copied from the dev set or seed articles. The place table, the routes and the words that are
not sentences (outlets, names, quotes, colour) are data in `generate_corpus_data/*.json`; the
sentence templates stay here, each in the branch that records the facts it writes.

Deterministic: the same N, seed and K give the same bytes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import re
import sys
import time
import unicodedata
from bisect import bisect_left
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MATCH_KM = 25.0
MIN_CONFIDENCE = 0.5
FIRST_DAY = dt.date(2018, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)

# ---------------------------------------------------------------------- places, routes, words
# Data, not code: the place table, the routes and the vocabulary are JSON files in
# generate_corpus_data/ (each list explained there); here they are only given back the
# shapes the generator uses (tuples, a set).
DATA = Path(__file__).resolve().parent / "generate_corpus_data"


def _data(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


_PLACES, _ROUTES, _WORDS = _data("places"), _data("routes"), _data("vocabulary")
# key: (name, lat, lon, country code, state/country used for "Name, State" forms, extra forms)
ROUTE_PLACES: dict[str, tuple] = {k: (*v[:5], tuple(v[5])) for k, v in _PLACES["route_places"].items()}
# Places that are never stops: home towns, capitals, border sectors, scenes of other events.
OTHER_PLACES: dict[str, tuple] = {k: (*v[:5], tuple(v[5])) for k, v in _PLACES["other_places"].items()}
COUNTRIES: dict[str, str] = _PLACES["countries"]
HOMETOWNS, CAPITALS, SECTORS, EVENT_PLACES = (_PLACES[k] for k in ("hometowns", "capitals", "sectors", "event_places"))
STATE_ABBR: dict[str, str] = _PLACES["state_abbr"]

# "?" marks a stop that only some caravans make.
HN_LEG, SV_LEG, CROSSING, COAST, GULF, INLAND = (_ROUTES[k] for k in ("hn_leg", "sv_leg", "crossing", "coast",
                                                                      "gulf", "inland"))
NORTH: dict[str, list[str]] = _ROUTES["north"]
STARTS = [tuple(x) for x in _ROUTES["starts"]]  # (place key, weight)
BORDER_GOALS = [tuple(x) for x in _ROUTES["border_goals"]]  # (as written, kind)

OUTLETS = [tuple(x) for x in _WORDS["outlets"]]  # (outlet, domain)
AGENCIES = [tuple(x) for x in _WORDS["agencies"]]  # (agency, initials)
FEMALE, MALE, LAST = _WORDS["female"], _WORDS["male"], _WORDS["last"]
PLACE_LIKE_NAMES = set(_WORDS["place_like_names"])  # the geoparser's trap: people named like places
JOBS, CARAVAN_NAMES, QUOTES, HEAD_NOUNS = (_WORDS[k] for k in ("jobs", "caravan_names", "quotes", "head_nouns"))
SUBJECTS = [tuple(x) for x in _WORDS["subjects"]]  # (the caravan as a subject, plural verb?)
MONTHS, AP_MONTHS, WEEKDAYS, NUM_WORDS = (_WORDS[k] for k in ("months", "ap_months", "weekdays", "num_words"))
FURNITURE, COLOUR, RELATED = _WORDS["furniture"], _WORDS["colour"], _WORDS["related"]


# ------------------------------------------------------------------------------- place table
@dataclass
class Place:
    key: str
    name: str
    lat: float
    lon: float
    cc: str
    state: str | None
    kind: str = "city"
    forms: list[str] = field(default_factory=list)
    datelines: list[str] = field(default_factory=list)  # "HUIXTLA, Mexico", "Huixtla, Chis."


def _ascii(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def build_place_table(verbose: bool = False) -> tuple[dict[str, Place], dict[str, Place], list[str]]:
    """(places by key, countries by code, dropped forms). Each form is geocoded once here;
    forms that land more than 25 km away (or on the wrong country) are dropped."""
    from gazetteer import geocode

    dropped: list[str] = []
    places: dict[str, Place] = {}
    for key, (name, lat, lon, cc, state, extra) in {**ROUTE_PLACES, **OTHER_PLACES}.items():
        cands = [name, *extra]
        if state:
            cands += [f"{name}, {state}", *(f"{e}, {state}" for e in extra)]
        cands += [_ascii(c) for c in cands]
        forms: list[str] = []
        for form in dict.fromkeys(cands):
            r = geocode(form)
            p = r.place
            # Right place, and clearly so: a 30 % first choice among namesakes is a guess.
            if p is not None and _km(p.lat, p.lon, lat, lon) <= MATCH_KM and r.confidence >= MIN_CONFIDENCE:
                forms.append(form)
            else:
                where = (f"{p.name}, {p.country_code} ({_km(p.lat, p.lon, lat, lon):.0f} km, "
                         f"confidence {r.confidence:.2f})" if p else "nothing")
                dropped.append(f"{form!r} -> {where}")
        datelines: list[str] = []
        if key in ROUTE_PLACES:
            cands = [name.upper() if cc == "MX" and not state else f"{name.upper()}, {COUNTRIES[cc]}"]
            if state in STATE_ABBR:
                cands.append(f"{name}, {STATE_ABBR[state]}")
            for line in cands:
                r = geocode(line)
                p = r.place
                if p is not None and _km(p.lat, p.lon, lat, lon) <= MATCH_KM and r.confidence >= MIN_CONFIDENCE:
                    datelines.append(line)
                else:
                    dropped.append(f"{line!r} (dateline) -> {p.name if p else 'nothing'}")
        if forms:
            places[key] = Place(key, name, lat, lon, cc, state, "city", forms, datelines)
    countries: dict[str, Place] = {}
    for cc, name in COUNTRIES.items():
        p = geocode(name).place
        if p is not None and p.kind == "country" and p.country_code == cc:
            countries[cc] = Place(cc, name, round(p.lat, 2), round(p.lon, 2), cc, None, "country", [name])
        else:
            dropped.append(f"{name!r} (country) -> {p.name if p else 'nothing'}")
    for must in ("tapachula", "huixtla", "mexico_city", "tijuana"):
        assert must in places, f"core route place {must} has no form that geocodes right"
    if verbose:
        for d in dropped:
            print("  dropped form", d)
    return places, countries, dropped


# ---------------------------------------------------------------------------------- caravans
@dataclass
class Visit:
    key: str
    first: int  # day index it was reached
    last: int  # last night spent there (== first - 1 when only passed through)
    passed: bool  # walked through without a night


@dataclass
class Caravan:
    id: str
    start: str
    dep: dt.date
    path: list[str]
    goal: tuple  # ("place", key) | ("border", text) | ("country", text)
    pos: list[int]  # path index at the end of each day
    sizes: list[int]  # true size each day
    visits: list[Visit]
    name: str | None
    end_day: int

    def date(self, day: int) -> dt.date:
        return self.dep + dt.timedelta(days=day)


def _expand(route: list[str], rng: random.Random, places: dict) -> list[str]:
    out = []
    for k in route:
        if k.startswith("?"):
            if rng.random() < 0.5:
                continue
            k = k[1:]
        if k in places and (not out or out[-1] != k):
            out.append(k)
    return out


def _route_from(start: str, final: str, rng: random.Random, places: dict) -> list[str]:
    south = COAST + (GULF if rng.random() < 0.6 else INLAND)
    if start == "san_pedro_sula":
        route = HN_LEG + CROSSING[1:] + south[1:]
    elif start == "san_salvador":
        route = SV_LEG + CROSSING[1:] + south[1:]
    elif start == "tecun_uman":
        route = CROSSING + south[1:]
    elif start == "ciudad_hidalgo":
        route = CROSSING[1:] + south[1:]
    elif start == "mexico_city":
        route = ["mexico_city"]
    else:
        i = [k.lstrip("?") for k in COAST].index(start)
        route = [start] + south[i + 1:]
    return _expand(route + NORTH[final], rng, places)


_CENTRAL = frozenset(HN_LEG + SV_LEG)


def simulate(k: int, rng: random.Random, places: dict) -> list[Caravan]:
    starts, weights = zip(*[(s, w) for s, w in STARTS if s in places])
    span = (LAST_DAY - FIRST_DAY).days
    taken: dict[str, set[int]] = {}
    caravans: list[Caravan] = []
    for _ in range(k):
        start = rng.choices(starts, weights)[0]
        # Two caravans leaving the same place within two days would be one to the join:
        # avoid that while the calendar has room (with very many caravans it cannot).
        for _attempt in range(12):
            d = rng.randrange(span + 1)
            if not taken.get(start, set()).intersection(range(d - 2, d + 3)):
                break
        taken.setdefault(start, set()).add(d)
        dep = FIRST_DAY + dt.timedelta(days=d)
        final = rng.choice(sorted(NORTH))
        path = _route_from(start, final, rng, places)
        g = rng.random()
        mc = path.index("mexico_city") if "mexico_city" in path else -1
        if g < 0.22 and mc > 0:
            goal = ("place", "mexico_city")
            path = path[:mc + 1]
        elif g < 0.6:
            goal = ("place", path[-1])
        else:
            goal = rng.choice(BORDER_GOALS)
            goal = (goal[1], goal[0])
        # Most caravans break up in the south; some make it to Mexico City or the border.
        r = rng.random()
        south_end = next((i for i, p in enumerate(path) if p in ("matias_romero", "juchitan")), len(path) - 1)
        if r < 0.45:
            end_idx = rng.randint(1, max(1, south_end))
        elif r < 0.7 and mc > 0:
            end_idx = rng.randint(min(south_end + 1, mc), mc)
        else:
            end_idx = len(path) - 1
        end_idx = max(1, min(end_idx, len(path) - 1)) if len(path) > 1 else 0
        size = int(min(12000, max(150, rng.lognormvariate(math.log(1800), 0.8))))
        pos, sizes = [0], [size]
        idx, day = 0, 0
        # Day 0: out of the start town and on to the first stop (or not yet).
        idx = min(end_idx, 1 if rng.random() < 0.85 else 0)
        pos[0] = idx
        rest_left = 0
        while idx < end_idx and day < 90:
            day += 1
            here = path[idx]
            north = mc >= 0 and idx >= mc
            if rest_left > 0:
                step, rest_left = 0, rest_left - 1
            elif here == "mexico_city" and (len(pos) < 2 or pos[-2] != idx):
                step, rest_left = 0, rng.randint(1, 5)
            elif north:
                step = rng.choices((0, 1, 2, 3), (30, 35, 23, 12))[0]
            else:
                step = rng.choices((0, 1, 2), (28, 64, 8))[0]
            idx = min(end_idx, idx + step)
            pos.append(idx)
            growing = day <= 4 or path[idx] in _CENTRAL
            size = int(size * (rng.uniform(1.0, 1.12) if growing else rng.uniform(0.94, 1.0)))
            sizes.append(max(60, size))
        visits: list[Visit] = [Visit(path[0], 0, 0 if pos[0] == 0 else -1, pos[0] != 0)]
        prev = 0
        for dday, i in enumerate(pos):
            for j in range(prev + 1, i + 1):
                visits.append(Visit(path[j], dday, dday - 1 if j < i else dday, j < i))
            if i == prev and dday > 0:
                visits[-1].last = dday
            prev = i
        caravans.append(Caravan(
            id="", start=start, dep=dep, path=path, goal=goal, pos=pos, sizes=sizes, visits=visits,
            name=rng.choice(CARAVAN_NAMES) if rng.random() < 0.25 else None, end_day=len(pos) - 1))
    caravans.sort(key=lambda c: (c.dep, c.start))
    for i, c in enumerate(caravans):
        c.id = f"C{i + 1:05d}"
    return caravans


# ------------------------------------------------------------------------------- phrasing
def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _md(d: dt.date, rng: random.Random) -> str:
    return f"{AP_MONTHS[d.month - 1]} {d.day}" if rng.random() < 0.6 else f"{MONTHS[d.month - 1]} {d.day}"


def date_phrase(e: dt.date, pub: dt.date, rng: random.Random) -> tuple[str, str]:
    """A past date as a reporter writes it relative to publication; (phrase, kind)."""
    g = (pub - e).days
    wd = WEEKDAYS[e.weekday()]
    if g == 0:
        opts = [("today", "today"), (f"on {wd}", "weekday"), (f"early {wd}", "weekday"),
                (f"on {wd} morning", "weekday"), ("this morning", "today")]
    elif g == 1:
        opts = [("yesterday", "yesterday"), (f"on {wd}", "weekday"), (f"late {wd}", "weekday"),
                (f"on {wd} afternoon", "weekday")]
    elif g <= 6:
        opts = [(f"on {wd}", "weekday"), (f"last {wd}", "last_weekday"), (f"{NUM_WORDS[g]} days ago", "days_ago"),
                (f"on {wd}, {_md(e, rng)}", "weekday_date")]
    else:
        opts = [(f"on {_md(e, rng)}", "month_day"), (f"on {e.day} {MONTHS[e.month - 1]}", "day_month")]
        if g <= 10:
            opts.append((f"{NUM_WORDS[g]} days ago", "days_ago"))
        if e.year != pub.year or rng.random() < 0.2:
            opts = [(f"on {_md(e, rng)}, {e.year}", "full_date")]
    return rng.choice(opts)


def future_phrase(e: dt.date, pub: dt.date, rng: random.Random) -> tuple[str, str] | None:
    g = (e - pub).days
    if g == 1 and rng.random() < 0.4:
        return "tomorrow", "tomorrow"
    if 1 <= g <= 6:
        return f"on {WEEKDAYS[e.weekday()]}", "future_weekday"
    return None


def cap_np(np_: str, t: dict) -> str:
    """A size noun phrase opening a sentence: the quote in the truth is capitalised too."""
    z = t["sizes"][-1]
    if np_.startswith(z["text"]):
        z["text"] = cap(z["text"])
    return cap(np_)


def dcap(phrase: str) -> str:
    """A date phrase at the start of a sentence."""
    return cap(phrase)


def nice(n: int) -> int:
    if n < 200:
        return max(20, int(round(n / 10.0)) * 10)
    if n < 1000:
        return int(round(n / 50.0)) * 50
    if n < 5000:
        return int(round(n / 100.0)) * 100
    return int(round(n / 500.0)) * 500


def fmt(n: int) -> str:
    return f"{n:,}"


@dataclass
class Size:
    text: str  # the size expression as quoted in truth
    low: int
    high: int
    qualifier: str
    form: str


def size_expr(n: int, rng: random.Random, bare: bool = False) -> Size:
    """A crowd size; `bare`: usable without a head noun ("put the number at about 3,000")."""
    n = nice(n)
    kinds = ["about"] * 5 + ["at_least"] * 2 + ["up_to"] * 2 + ["range"] * 2 + ["exact"]
    if 200 <= n < 1000 and not bare:
        kinds += ["hundreds"] * 2
    if 2000 <= n < 10000 and not bare:
        kinds += ["thousands"] * 2
    if n in (1000, 2000, 3000) and not bare:
        kinds.append("words")
    k = rng.choice(kinds)
    if k == "about":
        w = rng.choice(["about", "around", "some", "approximately", "roughly", "an estimated"])
        return Size(f"{w} {fmt(n)}", n, n, "about", w)
    if k == "at_least":
        w = rng.choice(["more than", "over", "at least"])
        return Size(f"{w} {fmt(n)}", n, n, "at_least", w)
    if k == "up_to":
        w = rng.choice(["as many as", "up to", "almost", "nearly"])
        return Size(f"{w} {fmt(n)}", n, n, "up_to", w)
    if k == "range":
        hi = nice(int(n * rng.uniform(1.15, 1.5)))
        if hi <= n:
            hi = n + (50 if n < 1000 else 500)
        if rng.random() < 0.6:
            return Size(f"between {fmt(n)} and {fmt(hi)}", n, hi, "range", "between")
        return Size(f"{fmt(n)} to {fmt(hi)}", n, hi, "range", "to")
    if k == "hundreds":
        return Size("hundreds", 200, 999, "vague", "hundreds")
    if k == "thousands":
        return Size("thousands", 2000, 9999, "vague", "thousands")
    if k == "words":
        w = {1000: "a thousand", 2000: "two thousand", 3000: "three thousand"}[n]
        q = rng.choice(["nearly", "some", "about"])
        return Size(f"{q} {w}", n, n, "up_to" if q == "nearly" else "about", "words")
    return Size(fmt(n), n, n, "exact", "bare")


def size_np(n: int, rng: random.Random, noun: str | None = None) -> tuple[str, Size]:
    """'about 3,000 migrants', 'thousands of people'."""
    z = size_expr(n, rng)
    noun = noun or rng.choice(HEAD_NOUNS)
    if z.qualifier == "vague":
        return f"{z.text} of {noun}", z
    return f"{z.text} {noun}", z


# ------------------------------------------------------------------------------- articles
class Writer:
    """One article: sentences are written and their truth recorded at the same time."""

    def __init__(self, rng: random.Random, places: dict, countries: dict, pub: dt.date):
        self.rng, self.places, self.countries, self.pub = rng, places, countries, pub
        self.caravans: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.dplaces: list[dict] = []
        self.dnumbers: list[dict] = []

    # -- truth ---------------------------------------------------------------------------
    def caravan(self, c: Caravan, background: bool) -> dict:
        t = self.by_id.get(c.id)
        if t is None:
            t = {"id": c.id, "background": background, "departure_place": None, "departure_date": None,
                 "stops": [], "sizes": []}
            self.by_id[c.id] = t
            self.caravans.append(t)
        return t

    def form(self, key: str) -> str:
        return self.rng.choice(self.places[key].forms)

    def stop(self, t: dict, key: str, form: str, role: str, date: dt.date | None, tpl: str,
             date_kind: str | None = None, precision: str = "day") -> None:
        p = self.places[key] if key in self.places else self.countries[key]
        t["stops"].append({
            "place": form, "canonical": p.name, "lat": p.lat, "lon": p.lon, "kind": p.kind, "role": role,
            "date": date.isoformat() if date else None, "date_precision": precision if date else None,
            "tpl": tpl, "date_kind": date_kind if date else None})
        if role == "departure":
            t["departure_place"] = form
            t["departure_date"] = date.isoformat() if date else None

    def border_stop(self, t: dict, text: str, kind: str, tpl: str, date=None) -> None:
        if kind == "country":
            p = self.countries["US"]
            t["stops"].append({"place": text.replace("the ", "", 1), "canonical": p.name, "lat": p.lat,
                               "lon": p.lon, "kind": "country", "role": "destination", "date": None,
                               "date_precision": None, "tpl": tpl, "date_kind": None})
        else:
            t["stops"].append({"place": text.replace("the ", "", 1), "canonical": "U.S.-Mexico border",
                               "lat": None, "lon": None, "kind": "border", "role": "destination", "date": None,
                               "date_precision": None, "tpl": tpl, "date_kind": None})

    def size(self, t: dict, z: Size, tpl: str) -> None:
        t["sizes"].append({"value_low": z.low, "value_high": z.high, "text": z.text, "qualifier": z.qualifier,
                           "form": z.form, "tpl": tpl})

    def dplace(self, key: str, form: str, tpl: str) -> None:
        p = self.places[key] if key in self.places else self.countries[key]
        self.dplaces.append({"place": form, "lat": p.lat, "lon": p.lon, "kind": p.kind, "tpl": tpl})

    def dperson(self, name: str, tpl: str) -> None:
        parts = [w for w in name.split() if w in PLACE_LIKE_NAMES]
        if parts:
            self.dplaces.append({"place": name, "lat": None, "lon": None, "kind": "person", "tpl": tpl})

    def dnum(self, text: str, value: int, tpl: str) -> None:
        self.dnumbers.append({"text": text, "value": value, "tpl": tpl})

    # -- small pieces --------------------------------------------------------------------
    def person(self, tpl: str) -> tuple[str, bool]:
        female = self.rng.random() < 0.5
        name = f"{self.rng.choice(FEMALE if female else MALE)} {self.rng.choice(LAST)}"
        self.dperson(name, tpl)
        return name, female

    def subj(self) -> tuple[str, bool]:
        return self.rng.choice(SUBJECTS)


def v(plural: bool, sg: str, pl: str) -> str:
    return pl if plural else sg


@dataclass
class Facts:
    c: Caravan
    cur: Visit | None
    cur_day: int  # the day the current fact is dated
    cur_role: str
    arrived_today: bool
    waypoints: list[Visit]
    nxt: Visit | None  # next stop after the current one, if the caravan gets there
    size_now: int
    size_dep: int


def facts_for(c: Caravan, pub: dt.date, rng: random.Random) -> Facts:
    day = (pub - c.dep).days
    rep = min(day, c.end_day)
    if day <= c.end_day and day > 0 and rng.random() < 0.35:
        rep = day - 1  # "spent Tuesday night in ..." in a Wednesday paper
    idx = c.pos[rep]
    cur = next((vi for vi in reversed(c.visits) if vi.first <= rep and c.path.index(vi.key) == idx), None)
    if cur is not None and cur.key == c.start and cur.first == 0:
        cur = None
    cur_role = "arrival" if (cur is not None and idx == len(c.path) - 1) else "current"
    arrived_today = cur is not None and cur.first == rep
    before = [vi for vi in c.visits if vi.first < (cur.first if cur else rep + 1) and vi.key != c.start]
    nxt = None
    if idx + 1 < len(c.path):
        nk = c.path[idx + 1]
        nxt = next((vi for vi in c.visits if vi.key == nk), Visit(nk, -1, -1, False))
    return Facts(c, cur, cur.first if (cur and cur_role == "arrival") else rep, cur_role, arrived_today,
                 before, nxt, c.sizes[min(rep, len(c.sizes) - 1)], c.sizes[0])


def write_caravan_article(w: Writer, c: Caravan, bg: Caravan | None, outlet: tuple) -> tuple[str, str]:
    rng, pub = w.rng, w.pub
    f = facts_for(c, pub, rng)
    t = w.caravan(c, background=False)
    paras: list[str] = []
    used_keys: set[str] = set()

    def dp(e: dt.date) -> tuple[str, str]:
        return date_phrase(e, pub, rng)

    # ---------------------------------------------------------------- lead + dateline
    dateline = ""
    r = rng.random()
    cur_key = f.cur.key if f.cur else c.start
    if r < 0.55:
        where = rng.choice([cur_key, cur_key, "mexico_city", c.start])
        p = w.places.get(where)
        if p is not None and p.datelines:
            agency = rng.choice(AGENCIES)
            line = rng.choice(p.datelines)
            # "HUIXTLA, Mexico (ANW) — " or the Mexican press's "Huixtla, Chis.- "
            dateline = f"{line} ({agency[1]}) — " if line.isupper() or line.split(",")[0].isupper() else f"{line}- "
            w.dplace(where, line, "dateline")
    lead = _lead(w, t, f, used_keys)
    paras.append(dateline + lead)

    # ---------------------------------------------------------------- body sentences
    body: list[str] = []
    dep_said = any(s["role"] == "departure" for s in t["stops"])
    if not dep_said and rng.random() < 0.85:
        body.append(_departure(w, t, f))
    if f.waypoints:
        cand = [vi for vi in f.waypoints if vi.key not in used_keys and vi.key != cur_key]
        rng.shuffle(cand)
        for vi in sorted(cand[:rng.choice((0, 1, 1, 2, 2, 3))], key=lambda vi: vi.first):
            body.append(_waypoint(w, t, f, vi))
            used_keys.add(vi.key)
    if not any(s["role"] == "destination" for s in t["stops"]) or rng.random() < 0.3:
        s = _destination(w, t, f, used_keys)
        if s:
            body.append(s)
    if not t["sizes"] or rng.random() < 0.35:
        body.append(_size_sentence(w, t, f))
    if c.name and rng.random() < 0.6:
        body.append(f"Organizers call the march the “{c.name}.”" if rng.random() < 0.5 else
                    f"The caravan, which its organizers have named the {c.name}, "
                    f"{rng.choice(['set off with banners and flags', 'is led by a pickup truck with a loudspeaker', 'keeps to the shoulder of the highway'])}.")
    # Distractors.
    pool = [_d_quote, _d_stats, _d_troops, _d_money, _d_meeting, _d_locate, _d_event, _d_returns,
            _d_children, _d_history, _d_home_left, _d_heat]
    dis = [fn(w, c, f) for fn in rng.sample(pool, rng.randint(1, 6))]
    if rng.random() < 0.3:
        dis.append(_d_quote(w, c, f))  # a second voice
    dis += rng.sample(COLOUR, rng.randint(0, 4))
    # Background caravan.
    bg_s = _background(w, bg) if bg is not None and rng.random() < 0.3 else None

    # Paragraphs of one to three sentences; order mostly as news is written.
    units = body + dis
    head, tail = units[:2], units[2:]
    rng.shuffle(tail)
    units = head + tail
    if bg_s:
        units.insert(rng.randint(len(units) // 2, len(units)), bg_s)
    i = 0
    while i < len(units):
        k = rng.choice((1, 1, 2, 2, 3))
        paras.append(" ".join(units[i:i + k]))
        i += k
    while len(paras) < 4:
        paras.append(rng.choice([_d_quote, _d_heat, _d_troops])(w, c, f))
    paras = paras[:15]

    # Page furniture and a caption (printed twice in galleries).
    cap_s = _caption(w, t, f)
    if cap_s:
        at = rng.randint(1, len(paras))
        paras[at:at] = [cap_s, cap_s] if rng.random() < 0.4 else [cap_s]
    if rng.random() < 0.35:
        paras.insert(rng.randint(1, len(paras)), rng.choice(FURNITURE))
    if rng.random() < 0.25:
        paras.insert(rng.randint(2, len(paras)), f"{rng.choice(['Read more', 'Related'])}: {rng.choice(RELATED)}")
    if rng.random() < 0.3:
        paras.append(f"© {pub.year} {outlet[0]}. All rights reserved.")
    if rng.random() < 0.3:
        agency = rng.choice(AGENCIES)
        name, _ = w.person("byline")
        paras.insert(0, f"By {name}\n{agency[0]}" if rng.random() < 0.5 else f"By {name}")
    title = _title(w, t, f)
    return title, "\n\n".join(paras) + "\n"


def _cur_clause(w: Writer, t: dict, f: Facts, plural: bool, tpl_hint: str = "") -> tuple[str, str]:
    """'reached Huixtla on Tuesday' (truth recorded); (clause, tpl)."""
    rng, c = w.rng, f.c
    form = w.form(f.cur.key)
    e = c.date(f.cur_day)
    dph, dk = date_phrase(e, w.pub, rng)
    g = (w.pub - e).days
    if f.cur_role == "arrival" or f.arrived_today:
        opts = [("reached", "cur_reached"), ("arrived in", "cur_arrived"), ("walked into", "cur_walked_into"),
                ("made it to", "cur_made_it")]
        verb, tpl = rng.choice(opts)
        clause = f"{verb} {form} {dph}"
    else:
        opts = ["rested", "camped", "stay", "remained", "night", "slept"]
        k = rng.choice(opts)
        if k == "night" and 1 <= g <= 6:
            clause, tpl, dk = f"spent {WEEKDAYS[e.weekday()]} night in {form}", "cur_spent_night", "weekday"
        elif k == "rested":
            clause, tpl = f"rested in {form} {dph}", "cur_rested"
        elif k == "camped":
            clause, tpl = f"{v(plural, 'was', 'were')} camped in {form} {dph}", "cur_camped"
        elif k == "remained":
            clause, tpl = f"remained in {form} {dph}", "cur_remained"
        elif k == "slept":
            clause, tpl = f"slept in a sports field in {form} {dph}", "cur_slept"
        else:
            clause, tpl = f"stayed in {form} {dph}", "cur_stayed"
    w.stop(t, f.cur.key, form, f.cur_role, e, tpl, dk)
    return clause, tpl


def _lead(w: Writer, t: dict, f: Facts, used: set) -> str:
    rng, c = w.rng, f.c
    r = rng.random()
    if f.cur is None:
        # Departure day, nothing reached yet.
        np_, z = size_np(f.size_dep, rng)
        form = w.form(c.start)
        dph, dk = date_phrase(c.dep, w.pub, rng)
        w.stop(t, c.start, form, "departure", c.dep, "lead_set_out", dk)
        w.size(t, z, "lead_set_out")
        used.add(c.start)
        goal = _goal_phrase(w, t, f, "lead_set_out")
        tail = f", heading for {goal}" if goal else ""
        verb = rng.choice(["set out from", "left", "began walking north from", "departed"])
        if verb == "departed":
            verb = "departed from"
        return f"{cap_np(np_, t)} {verb} {form} {dph} in a new caravan{tail}."
    used.add(f.cur.key)
    if r < 0.4:
        np_, z = size_np(f.size_now, rng)
        clause, tpl = _cur_clause(w, t, f, True)
        w.size(t, z, "lead_" + tpl)
        filler = rng.choice(["", " traveling in a caravan", " in a caravan",
                             "" if "walk" in clause else " walking together"])
        tail = rng.choice(["", ", tired and short of water", ", where local churches handed out food",
                           ", many of them with small children"])
        return f"{cap_np(np_, t)}{filler} {clause}{tail}."
    if r < 0.7:
        form = w.form(c.start)
        dph, dk = date_phrase(c.dep, w.pub, rng)
        w.stop(t, c.start, form, "departure", c.dep, "lead_that_left", dk)
        used.add(c.start)
        clause, tpl = _cur_clause(w, t, f, False)
        if rng.random() < 0.5:
            sz = size_expr(f.size_now, rng, bare=True)
            w.size(t, sz, "lead_numbering")
            return f"The migrant caravan that left {form} {dph} {clause}, numbering {sz.text} people."
        return f"The migrant caravan that left {form} {dph} {clause}."
    if r < 0.85:
        np_, z = size_np(f.size_now, rng)
        w.size(t, z, "lead_caravan_of")
        clause, tpl = _cur_clause(w, t, f, False)
        return f"A caravan of {np_} {clause}."
    clause, tpl = _cur_clause(w, t, f, False)
    what = rng.choice(["The latest migrant caravan", "A caravan of migrants", "The caravan"])
    return f"{what} {clause}, {rng.choice(['pressing on toward the north', 'after another long day on the highway', 'as officials watched from the roadside'])}."


def _goal_phrase(w: Writer, t: dict, f: Facts, tpl: str) -> str | None:
    kind, what = f.c.goal
    if kind == "place":
        if what not in w.places:
            return None
        form = w.form(what)
        w.stop(t, what, form, "destination", None, tpl)
        return form
    w.border_stop(t, what, kind, tpl)
    return what


def _departure(w: Writer, t: dict, f: Facts) -> str:
    rng, c = w.rng, f.c
    form = w.form(c.start)
    dph, dk = date_phrase(c.dep, w.pub, rng)
    s, pl = w.subj()
    k = rng.randrange(8)
    if k == 0:
        tpl, out = "dep_set_out", f"{cap(s)} set out from {form} {dph}."
    elif k == 1:
        tpl, out = "dep_left", f"{cap(s)} left {form} {dph}."
    elif k == 2:
        tpl, out = "dep_departed_on_foot", f"{cap(s)} departed {form} on foot {dph}."
    elif k == 3:
        tpl, out = "dep_began_walking", f"{dcap(dph)}, the migrants began walking north from {form}."
    elif k == 4:
        tpl, out = "dep_march_started", f"The march started in {form} {dph}."
    elif k == 5:
        tpl, out = "dep_gathered", f"The migrants had gathered at a plaza in {form} before dawn {dph} and then headed north."
    elif k == 6:
        here = w.places[f.cur.key] if f.cur else None
        start = w.places[c.start]
        km = int(_km(start.lat, start.lon, here.lat, here.lon) * rng.uniform(1.15, 1.35)) if here else 0
        km = max(km, rng.randint(8, 25))
        tpl, out = "dep_since_leaving", (f"Since leaving {form} {dph}, {s} {v(pl, 'has', 'have')} covered about "
                                         f"{km} kilometers.")
        w.dnum(f"{km} kilometers", km, "km")
    else:
        z = size_expr(f.size_dep, rng, bare=True)
        w.size(w.caravan(c, False), z, "dep_numbered_when_left")
        tpl, out = "dep_numbered_when_left", f"{cap(s)} numbered {z.text} when {v(pl, 'it', 'they')} left {form} {dph}."
    w.stop(t, c.start, form, "departure", c.dep, tpl, dk)
    if rng.random() < 0.3 and c.start in ("tapachula", "ciudad_hidalgo") and k in (0, 1, 2):
        gt = w.countries.get("GT")
        if gt:
            w.dplace("GT", "Guatemala", "locate_near_border")
            out = out[:-1] + f", {rng.choice(['near', 'close to'])} the border with Guatemala."
    return out


def _waypoint(w: Writer, t: dict, f: Facts, vi: Visit) -> str:
    rng, c = w.rng, f.c
    form = w.form(vi.key)
    s, pl = w.subj()
    if vi.passed:
        e = c.date(vi.first)
        k = rng.randrange(3)
        if k == 0:
            w.stop(t, vi.key, form, "waypoint", None, "wp_passed_through")
            return f"Along the way, {s} passed through {form}."
        if k == 1:
            dph, dk = date_phrase(e, w.pub, rng)
            w.stop(t, vi.key, form, "waypoint", e, "wp_walked_through", dk)
            return f"{cap(s)} walked through {form} {dph} without stopping."
        w.stop(t, vi.key, form, "waypoint", None, "wp_via")
        return f"The route took {v(pl, 'it', 'them')} via {form}."
    e_first, e_last = c.date(vi.first), c.date(max(vi.first, vi.last))
    g_last = (w.pub - e_last).days
    k = rng.randrange(6)
    if k == 0 and 1 <= g_last <= 6:
        w.stop(t, vi.key, form, "waypoint", e_last, "wp_spent_night", "weekday")
        return f"{cap(s)} spent {WEEKDAYS[e_last.weekday()]} night in {form} before moving on."
    if k == 1:
        dph, dk = date_phrase(e_last, w.pub, rng)
        w.stop(t, vi.key, form, "waypoint", e_last, "wp_after_stop", dk)
        return f"After a stop in {form} {dph}, {s} continued north."
    if k == 2:
        dph, dk = date_phrase(e_first, w.pub, rng)
        w.stop(t, vi.key, form, "waypoint", e_first, "wp_had_reached", dk)
        return f"{cap(s)} had reached {form} {dph}."
    if k == 3:
        e_left = c.date(max(vi.first, vi.last) + 1)
        dph, dk = date_phrase(e_left, w.pub, rng)
        w.stop(t, vi.key, form, "waypoint", e_left, "wp_left", dk)
        return f"{dcap(dph)}, {s} left {form} at first light."
    if k == 4:
        dph, dk = date_phrase(e_last, w.pub, rng)
        w.stop(t, vi.key, form, "waypoint", e_last, "wp_slept", dk)
        return f"{cap(s)} slept in {form} {dph}, in a sports complex lent by the town hall."
    w.stop(t, vi.key, form, "waypoint", None, "wp_stopped_in")
    return f"Earlier, {s} stopped in {form} to rest and treat blistered feet."


def _destination(w: Writer, t: dict, f: Facts, used: set) -> str | None:
    rng, c = w.rng, f.c
    s, pl = w.subj()
    out = []
    if f.nxt is not None and f.cur is not None and f.cur_role != "arrival" and rng.random() < 0.55 \
            and f.nxt.key not in used and not (c.goal[0] == "place" and c.goal[1] == f.nxt.key):
        form = w.form(f.nxt.key)
        fut = future_phrase(c.date(f.nxt.first), w.pub, rng) if f.nxt.first > f.cur_day else None
        used.add(f.nxt.key)
        if fut and rng.random() < 0.6:
            w.stop(t, f.nxt.key, form, "destination", c.date(f.nxt.first), "dest_expect_reach", fut[1])
            out.append(f"{cap(s)} {v(pl, 'expects', 'expect')} to reach {form} {fut[0]}.")
        else:
            k = rng.randrange(3)
            tpl = ("dest_next_stop", "dest_plan_walk_to", "dest_heading_to")[k]
            w.stop(t, f.nxt.key, form, "destination", None, tpl)
            out.append((f"The next stop is {form}.", f"{cap(s)} {v(pl, 'plans', 'plan')} to walk to {form} next.",
                        f"{cap(s)} {v(pl, 'is', 'are')} now heading to {form}.")[k])
    if rng.random() < 0.85 and not any(x["role"] == "destination" and x["tpl"].startswith("lead") for x in t["stops"]):
        kind, what = c.goal
        if kind == "place" and what in w.places and what not in used and not (f.cur and f.cur.key == what):
            form = w.form(what)
            used.add(what)
            k = rng.randrange(5)
            tpl = ("dest_bound_for", "dest_goal_is_to_reach", "dest_hope_make_it", "dest_aim_of_reaching",
                   "dest_on_way_to")[k]
            w.stop(t, what, form, "destination", None, tpl)
            out.append((f"{cap(s)} {v(pl, 'is', 'are')} bound for {form}.",
                        f"Organizers said the goal is to reach {form}.",
                        f"Many of the migrants say they hope to make it to {form}.",
                        f"{cap(s)} set out with the aim of reaching {form}.",
                        f"{cap(s)} {v(pl, 'is', 'are')} on {v(pl, 'its', 'their')} way to {form}.")[k])
        elif kind != "place":
            k = rng.randrange(3)
            tpl = ("dest_border_hope_reach", "dest_border_heading", "dest_border_want_get_to")[k]
            w.border_stop(t, what, kind, tpl)
            out.append((f"Most of them hope to reach {what}.",
                        f"{cap(s)} {v(pl, 'is', 'are')} heading toward {what}.",
                        f"They want to get to {what} and ask for asylum.")[k])
    return " ".join(out) if out else None


def _size_sentence(w: Writer, t: dict, f: Facts) -> str:
    rng = w.rng
    k = rng.randrange(6)
    if k == 0:
        z = size_expr(f.size_now, rng, bare=True)
        w.size(t, z, "size_organizers_estimated")
        return f"Organizers estimated the size of the caravan at {z.text}."
    if k == 1:
        word = "grown" if f.size_now >= f.size_dep else "shrunk"
        z = size_expr(f.size_now, rng, bare=True)
        while z.qualifier == "up_to" or (word == "shrunk" and z.qualifier == "at_least"):
            z = size_expr(f.size_now, rng, bare=True)  # "has shrunk to more than ..." reads oddly
        w.size(t, z, "size_grown_to")
        return f"The group has {word} to {z.text} people, according to volunteers who walk with it."
    if k == 2:
        np_, z = size_np(f.size_now, rng)
        w.size(t, z, "size_taking_part")
        return f"{cap_np(np_, t)} are taking part, organizers said."
    if k == 3:
        a = size_expr(int(f.size_now * rng.uniform(1.2, 1.6)), rng, bare=True)
        b = size_expr(f.size_now, rng, bare=True)
        if (a.low, a.high) == (b.low, b.high):
            w.size(t, b, "size_officials_put")
            return f"Mexican immigration officials put the number at {b.text}."
        w.size(t, a, "size_two_sources")
        w.size(t, b, "size_two_sources")
        return (f"Organizers said {a.text} people had joined, while Mexico's National Migration Institute "
                f"counted {b.text}.")
    if k == 4:
        z = size_expr(f.size_now, rng, bare=True)
        w.size(t, z, "size_now_numbers")
        return f"The caravan now numbers {z.text}, most of them from {_countries_list(w, 'origin_countries')}."
    np_, z = size_np(f.size_now, rng)
    w.size(t, z, "size_made_up_of")
    return f"It is made up of {np_}, including entire families."


def _countries_list(w: Writer, tpl: str) -> str:
    ccs = w.rng.sample(["HN", "GT", "SV", "VE", "HT", "CU", "NI", "EC", "CO"], w.rng.randint(2, 3))
    names = [COUNTRIES[x] for x in ccs if x in w.countries]
    for x in ccs:
        if x in w.countries:
            w.dplace(x, COUNTRIES[x], tpl)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _caption(w: Writer, t: dict, f: Facts) -> str | None:
    """A picture caption restating where the caravan is (no new fact)."""
    rng = w.rng
    cur = [s for s in t["stops"] if s["role"] in ("current", "arrival")]
    if not cur or rng.random() < 0.5:
        return None
    s = cur[0]
    e = dt.date.fromisoformat(s["date"])
    dph, _ = date_phrase(e, w.pub, rng)
    what = rng.choice(["Migrants walk along the highway in", "A family rests in the shade in",
                       "Migrants line up for water in", "Members of the caravan cool off in a river near"])
    if what.endswith("near"):
        w.dplace(f.cur.key, s["place"], "caption_near")
    name, _ = w.person("photo_credit")
    agency = rng.choice(AGENCIES)
    return f"{what} {s['place']} {dph}. (Photo: {name}/{agency[1]})"


def _title(w: Writer, t: dict, f: Facts) -> str:
    rng = w.rng
    cur = next((s for s in t["stops"] if s["role"] in ("current", "arrival")), None)
    dep = next((s for s in t["stops"] if s["role"] == "departure"), None)
    z = t["sizes"][0] if t["sizes"] else None
    opts = ["Migrant caravan presses north", "Caravan keeps moving despite heat and checkpoints"]
    if cur:
        opts += [f"Migrant caravan reaches {cur['place']}", f"Caravan rests in {cur['place']} before next leg"]
    if dep and dep["date"] and (w.pub - dt.date.fromisoformat(dep["date"])).days <= 1:
        opts.append(f"New caravan leaves {dep['place']}")
    if z and z["qualifier"] != "vague":
        opts.append(f"Caravan of {fmt(z['value_low'])} migrants heads north")
    return rng.choice(opts)


# -- distractors ------------------------------------------------------------------------------
def _d_quote(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    name, female = w.person("quote_name")
    age = rng.randint(19, 58)
    w.dnum(str(age), age, "age")
    hk = rng.choice([h for h in HOMETOWNS if h in w.places])
    home = w.places[hk]
    hform = w.form(hk)
    w.dplace(hk, hform, "hometown")
    country = COUNTRIES[home.cc]
    tail = f", {country}" if "," not in hform else ""
    if tail:
        w.dplace(home.cc, country, "hometown_country")
    q = rng.choice(QUOTES)
    job = rng.choice(JOBS)
    if rng.random() < 0.5:
        return f"“{q},” said {name}, {age}, a {job} from {hform}{tail}."
    return f"{name}, a {age}-year-old {job} from {hform}{tail}, said: “{q}.”"


def _d_home_left(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    name, female = w.person("quote_name")
    hk = rng.choice([h for h in HOMETOWNS if h in w.places])
    hform = w.form(hk)
    w.dplace(hk, hform, "hometown_left")
    weeks = rng.randint(2, 9)
    kids = rng.randint(1, 4)
    w.dnum(f"{NUM_WORDS[kids]} children", kids, "children")
    return (f"{name} said {'she' if female else 'he'} left {'her' if female else 'his'} home in {hform} "
            f"{NUM_WORDS[weeks]} weeks ago with {NUM_WORDS[kids]} children.")


def _d_stats(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    month = MONTHS[(w.pub.month - 2) % 12]
    if rng.random() < 0.5:
        n = rng.randint(90, 250) * 1000 + rng.randint(0, 999)
        w.dnum(fmt(n), n, "cbp_encounters")
        pct = rng.randint(2, 30)
        return (f"U.S. Customs and Border Protection reported {fmt(n)} encounters at the southwest border in "
                f"{month}, {pct} percent {rng.choice(['more', 'fewer'])} than the month before.")
    sk = rng.choice([s for s in SECTORS if s in w.places])
    n = rng.randint(8, 60) * 1000 + rng.randint(0, 999)
    w.dnum(fmt(n), n, "sector_apprehensions")
    form = w.places[sk].name
    w.dplace(sk, form, "border_sector")
    return f"In the {form} sector alone, Border Patrol agents apprehended {fmt(n)} people last month."


def _d_troops(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    n = rng.choice([200, 300, 400, 500, 600, 800, 1000, 1200, 1500])
    w.dnum(fmt(n), n, "troops")
    if f.cur is not None and rng.random() < 0.5:
        form = w.form(f.cur.key)
        w.dplace(f.cur.key, form, "troops_outside")
        return (f"About {fmt(n)} National Guard troops and immigration agents set up a checkpoint outside "
                f"{form}.")
    return f"Mexico has deployed {fmt(n)} members of the National Guard to the southern state of Chiapas."


def _d_money(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    k = rng.randrange(3)
    if k == 0:
        n = rng.choice([250, 500, 750, 950])
        w.dnum(f"${n} million", n, "aid_money")
        return (f"Washington has pledged ${n} million to tackle the causes of migration in "
                f"{_countries_list(w, 'aid_countries')}.")
    if k == 1:
        n = rng.choice([3000, 5000, 7000, 8000, 10000, 12000])
        w.dnum(f"${fmt(n)}", n, "smuggler_fee")
        return f"Several migrants said smugglers had asked them for as much as ${fmt(n)} each to reach the border."
    n = rng.choice([1500, 2200, 2800, 3500])
    w.dnum(f"{fmt(n)} pesos", n, "bus_fare")
    return f"A bus ticket north costs about {fmt(n)} pesos, more than most of them have left."


def _d_meeting(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    ck = rng.choice([x for x in CAPITALS if x in w.places])
    form = w.form(ck)
    w.dplace(ck, form, "meeting_capital")
    name, female = w.person("official_name")
    title = rng.choice(["Mexico's foreign minister", "the U.S. secretary of state", "Guatemala's interior minister",
                        "the Honduran migration chief"])
    ahead = rng.randint(1, 6)
    wd = WEEKDAYS[(w.pub + dt.timedelta(days=ahead)).weekday()]
    return f"Separately, {title}, {name}, is due to meet {'her' if female else 'his'} counterparts in {form} on {wd} to discuss migration."


def _d_locate(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    form = w.form(c.start) if c.start in w.places else None
    if c.start in ("tapachula", "ciudad_hidalgo", "huixtla") and form:
        n = {"tapachula": 350000, "ciudad_hidalgo": 15000, "huixtla": 50000}[c.start]
        w.dnum(fmt(n), n, "population")
        w.dplace("GT", "Guatemala", "locate_near_border")
        return (f"{form}, a city of about {fmt(n)} people near the border with Guatemala, has become a "
                f"bottleneck for migrants waiting for papers.")
    if f.nxt is not None and f.cur is not None:
        nform = w.form(f.nxt.key)
        km = rng.randint(25, 90)
        w.dnum(f"{km} kilometers", km, "km")
        w.dplace(f.nxt.key, nform, "locate_km_from")
        return f"Volunteers said the nearest shelter was about {km} kilometers away, outside {nform}."
    return _d_heat(w, c, f)


def _d_event(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    ek = rng.choice([x for x in EVENT_PLACES if x in w.places])
    form = w.form(ek)
    w.dplace(ek, form, "unrelated_event")
    n = rng.randint(12, 60)
    m = rng.randint(2, 11)
    w.dnum(str(n), n, "accident_count")
    w.dnum(NUM_WORDS[m] if m <= 10 else str(m), m, "accident_count")
    return (f"Last month a truck carrying {n} migrants overturned near {form}, injuring "
            f"{NUM_WORDS[m] if m <= 10 else m} of them.")


def _d_returns(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    n = rng.randint(3, 40) * 100
    w.dnum(fmt(n), n, "returnees")
    cc = rng.choice(["HN", "GT", "SV"])
    w.dplace(cc, COUNTRIES[cc], "sent_back_to")
    return f"Mexican authorities said they had sent {fmt(n)} migrants back to {COUNTRIES[cc]} since the start of the year."


def _d_children(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    n = max(30, nice(int(f.size_now * rng.uniform(0.1, 0.3))))
    w.dnum(fmt(n), n, "children_subset")
    return f"Among them are about {fmt(n)} children, some carried on their parents' shoulders."


def _d_history(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    if w.pub.year < 2020:
        n = rng.choice([12, 15, 20])
        w.dnum(f"{n}", n, "caravans_count")
        return f"Activists say at least {n} groups have been organized on social media in recent months."
    n = rng.choice([50, 80, 100, 120])
    w.dnum(f"{n}", n, "caravans_count")
    return f"More than {n} caravans have crossed Mexico since the first large ones in 2018, according to activists."


def _d_heat(w: Writer, c: Caravan, f: Facts) -> str:
    rng = w.rng
    n = rng.randint(33, 41)
    w.dnum(f"{n} degrees", n, "temperature")
    h = rng.randint(8, 14)
    return (f"Temperatures reached {n} degrees Celsius, and the walk lasted {h} hours, with Red Cross "
            f"volunteers treating dehydration along the shoulder.")


def _background(w: Writer, bg: Caravan) -> str | None:
    rng = w.rng
    if bg.start not in w.places:
        return None
    t = w.caravan(bg, background=True)
    form = w.form(bg.start)
    np_, z = size_np(bg.sizes[0], rng)
    month = f"{MONTHS[bg.dep.month - 1]}" + (f" {bg.dep.year}" if bg.dep.year != w.pub.year or rng.random() < 0.5 else "")
    k = rng.randrange(4)
    if k == 3:
        dph = f"on {_md(bg.dep, rng)}, {bg.dep.year}"
        w.stop(t, bg.start, form, "departure", bg.dep, "bg_earlier_left_day", "full_date")
        w.size(t, z, "bg_earlier_left_day")
        s = f"An earlier caravan of {np_} left {form} {dph}."
    else:
        tpl = ("bg_earlier_caravan", "bg_previous_group", "bg_no_cue")[k]
        first = dt.date(bg.dep.year, bg.dep.month, 1)
        w.stop(t, bg.start, form, "departure", first, tpl, "month", precision="month")
        w.size(t, z, tpl)
        s = (f"An earlier caravan of {np_} left {form} in {month}",
             f"In {month}, a previous group of {np_} set out from {form}",
             f"In {month}, {np_} walked out of {form} together")[k]
        ended = bg.pos[-1] == len(bg.path) - 1 and len(bg.path) > 1
        e = bg.date(bg.visits[-1].first)
        if ended and bg.path[-1] in w.places and e.month != w.pub.month and e < w.pub:
            last = bg.visits[-1]
            eform = w.form(last.key)
            w.stop(t, last.key, eform, "arrival", dt.date(e.year, e.month, 1), tpl, "month", precision="month")
            s += f" and reached {eform} in {MONTHS[e.month - 1]}" + (f" {e.year}" if e.year != w.pub.year else "")
        s += "."
    return s


# ------------------------------------------------------------------------- negative articles
def write_negative_article(w: Writer) -> tuple[str, str]:
    rng = w.rng
    dummy_f = Facts(None, None, 0, "current", False, [], None, 1000, 1000)  # type: ignore[arg-type]
    parts = [_d_stats(w, None, dummy_f), _d_meeting(w, None, dummy_f), _d_returns(w, None, dummy_f),
             _d_money(w, None, dummy_f), _d_history(w, None, dummy_f), _d_event(w, None, dummy_f),
             _d_quote(w, None, dummy_f)]
    rng.shuffle(parts)
    k = rng.randint(4, len(parts))
    paras = parts[:k]
    title = rng.choice(["Border encounters shift as policy changes take hold", "Officials meet to discuss migration",
                        "Migration numbers: what the latest figures show", "Shelters in southern Mexico strain under demand"])
    return title, "\n\n".join(paras) + "\n"


# --------------------------------------------------------------------------------- the corpus
def _slug(title: str) -> str:
    s = _ascii(title).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:70]


def plan_articles(n: int, caravans: list[Caravan], rng: random.Random) -> list[tuple[dt.date, int]]:
    """(publication date, caravan index or -1 for an article without a caravan), in file order."""
    plan: list[tuple[dt.date, int, float]] = []
    n_neg = n // 25
    n_car = n - n_neg
    k = len(caravans)
    if not k:
        picks = []
    elif k >= n_car:
        picks = rng.sample(range(k), n_car)
    else:
        picks = list(range(k)) + [rng.randrange(k) for _ in range(n_car - k)]
    for ci in picks:
        c = caravans[ci]
        off = int((c.end_day + 3) * rng.random() ** 1.4)
        plan.append((c.dep + dt.timedelta(days=off), ci, rng.random()))
    span = (LAST_DAY - FIRST_DAY).days
    for _ in range(n - len(plan)):
        plan.append((FIRST_DAY + dt.timedelta(days=rng.randrange(span)), -1, rng.random()))
    plan.sort(key=lambda x: (x[0], x[1], x[2]))
    return [(d, ci) for d, ci, _ in plan]


def generate(n: int, out_dir, seed: int = 0, caravans: int | None = None, places=None) -> dict:
    """Write the corpus; returns counts and timings."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if places is None:
        places = build_place_table()
    table, countries, dropped = places
    t_table = time.perf_counter() - t0
    t_sim = time.perf_counter()
    rng = random.Random(seed)
    # File creation is most of the cost on a slow disk: a few threads do the writing
    # (the text is made here, in order, so the bytes do not depend on them).
    pool = ThreadPoolExecutor(max_workers=4)
    pending = []
    k = caravans if caravans is not None else max(1, n // 5)
    sims = simulate(k, rng, table)
    deps = [c.dep for c in sims]
    plan = plan_articles(n, sims, rng)
    t1 = time.perf_counter()
    t_make = t1 - t_sim
    nbytes = 0
    truth_file = (out / "truth.jsonl").open("w", encoding="utf-8", newline="\n")
    for i, (pub, ci) in enumerate(plan, start=1):
        ta = time.perf_counter()
        outlet = rng.choice(OUTLETS)
        w = Writer(rng, table, countries, pub)
        if ci < 0:
            title, body = write_negative_article(w)
        else:
            c = sims[ci]
            # A background caravan: one that left 3 weeks to 3 years before.
            hi = bisect_left(deps, pub - dt.timedelta(days=21))
            lo = bisect_left(deps, pub - dt.timedelta(days=3 * 365))
            bg = sims[rng.randrange(max(lo, hi - 40), hi)] if hi > lo else None
            title, body = write_caravan_article(w, c, bg if bg is not c else None, outlet)
        fname = f"{i:06d}.md"
        url = f"https://www.{outlet[1].lower()}/{pub.year}/{pub.month:02d}/{pub.day:02d}/{_slug(title)}-{i}"
        text = f"---\ntitle: {title}\noutlet: {outlet[0]}\npublished: {pub.isoformat()}\nurl: {url}\n---\n{body}"
        data = text.encode("utf-8")
        nbytes += len(data)
        for cv in w.caravans:
            for s in cv["stops"]:
                assert s["place"] in body, (fname, s)
        truth_file.write(json.dumps({
            "file": fname, "published": pub.isoformat(), "outlet": outlet[0],
            "caravans": [cv for cv in w.caravans if cv["stops"] or cv["sizes"]],
            "distractors": {"places": w.dplaces, "numbers": w.dnumbers}}, ensure_ascii=False) + "\n")
        t_make += time.perf_counter() - ta
        pending.append(pool.submit((out / fname).write_bytes, data))
        if len(pending) >= 512:
            for fut in pending:
                fut.result()
            pending.clear()
    for fut in pending:
        fut.result()
    pool.shutdown()
    truth_file.close()
    t2 = time.perf_counter()
    return {"articles": n, "caravans": k, "seconds_table": t_table, "seconds_make": t_make,
            "seconds_wall": t2 - t_sim, "seconds_total": t2 - t0, "bytes": nbytes,
            "rate": n / t_make if t_make else float("inf"),
            "rate_wall": n / (t2 - t_sim) if t2 > t_sim else float("inf"),
            "forms": sum(len(p.forms) for p in table.values()), "places": len(table), "dropped": dropped}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--caravans", type=int, default=None, help="number of simulated caravans (default N // 5)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list place forms dropped by the gazetteer check")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    t0 = time.perf_counter()
    places = build_place_table(verbose=args.verbose)
    r = generate(args.n, args.out_dir, args.seed, args.caravans, places=places)
    r["seconds_table"] = time.perf_counter() - t0 - r["seconds_total"] + r["seconds_table"]
    print(f"place table: {r['places']} places, {r['forms']} name forms geocode within {MATCH_KM:.0f} km "
          f"({len(r['dropped'])} forms dropped; {r['seconds_table']:.2f} s, once)")
    print(f"wrote {r['articles']:,} articles about {r['caravans']:,} simulated caravans to {args.out_dir} "
          f"({r['bytes'] / 1e6:.1f} MB) + truth.jsonl")
    print(f"generation: {r['rate']:,.0f} articles/s (simulation, text and truth: {r['seconds_make']:.2f} s); "
          f"{r['rate_wall']:,.0f} articles/s with the files written ({r['seconds_wall']:.2f} s wall)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
