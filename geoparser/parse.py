"""Toponyms in running text: recognise place-name spans, then resolve them in context.

Recognition is gazetteer matching over runs of capitalised words (longest name first),
scored by a logistic model over cues a reader uses: is the word capitalised only
because it starts a sentence, is it a common word, does a title ("Mr.", "organizer")
or a speech verb ("said") make it a person, is it glued to other capitalised words
that are not places ("Irineo Mujica", "Washington Post"), is it followed by ", Texas".

Resolution ranks the gazetteer's candidates with the document as context: countries
and states named anywhere, "City, State" pairs, places nearby. Unresolved mentions
are returned with `place=None` and their candidates, never dropped.
"""
from __future__ import annotations

import json
import math
import re
import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from gazetteer import ADMIN1, ADMIN2, COUNTRY, FEATURE, REGION, Context, Gazetteer, Match, Place, default_gazetteer
from gazetteer.geocoder import LOCAL_KINDS, NO_QUALIFIER, Qualifier
from gazetteer.normalize import norm
from gazetteer.us_states import AP

from .context import DocumentMass, MentionContexts

MAX_TOKENS = 6
# Place-name candidates weighed in one text: a news article has a few hundred, 10 MB of
# prose under 200,000, a 10 MB list of places a million (each ~15 µs and a toponym held).
# Past this the text is not read; `Toponyms.read_to` says where that part begins.
MAX_CANDIDATES = 100_000
_PIECE = 100_000  # characters tokenized at a time
# The last pass reads again only the names whose best reading holds less than this share of
# the evidence (chosen with the pass's two weights on LGL's training half:
# `learn_geoparse_weights.py --document-pass`).
DOUBT = 0.7

# Letters (any script), inner apostrophes/hyphens; dotted abbreviations (U.S., D.F.).
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:['’][^\W\d_]+)*")
# Lower-case words that may sit inside a place name ("Ciudad de México", "Isle of Man").
CONNECTORS = frozenset("de del la las los el y of the on upon da do dos das di du des le sur am an der".split())
# "and" may join the parts of one name ("Trinidad and Tobago", "Bosnia and Herzegovina"); the
# longest gazetteer name wins, so "Texas and Mexico" still reads as two places.
NAME_CONNECTORS = CONNECTORS | {"and"}
# Separators allowed between two words of one name.
_JOIN = re.compile(r"^(?:[ \t]|-|\.\s?)$|^[ \t]$")
_ABBREV = frozenset("st ste ft mt pt".split())
# Words of a unit's title before its name: "City of Norfolk", "Town of Cary".
_UNIT_PREFIX = frozenset("city town village township borough".split())

TITLES = frozenset("""mr mrs ms miss dr prof president gov governor sen senator rep representative
secretary judge justice officer sheriff chief sgt sergeant lt lieutenant capt captain col colonel gen
general mayor councilman councilwoman commissioner deputy det detective trooper pastor rev reverend
father sister brother saint coach organizer organiser activist director spokesman spokeswoman
spokesperson minister ambassador attorney lawyer chairman chairwoman superintendent principal dean agent
investigator manager""".split())
# Words before a name that make it a person's: "caravan organizer Irineo Mujica".
ROLES = frozenset("""organizer organiser activist host migrant resident anchor reporter correspondent
leader founder member official officials advocate priest photographer by""".split())
SPEECH = frozenset("said says told added explained noted stated wrote asked argued claimed according".split())
# Capitalised words after a place that make it part of an organisation or a street.
ORG_AFTER = frozenset("""post times news report herald tribune journal gazette daily press magazine
university college school academy hospital church cathedral company corp inc llc bank police department
dept office council board commission committee club team street st road rd avenue ave boulevard blvd
drive dr lane highway hwy center centre mall airport station stadium park hotel restaurant high middle
elementary fire library museum institute foundation association party group times-picayune
""".split())
# Organisation and title words of public bodies and offices, which are named for the place
# they serve: "the Henderson Police", "the Warren Fire Department", "a Millbrook Board of
# Finance", "the Texas Gov.", "a County Sheriff", "District Attorney".
PUBLIC_BODY = frozenset("""police fire sheriff board commission council committee office attorney gov governor
sen senator rep representative""".split())
PLACE_PREP = frozenset("in from to at near toward towards through across into outside inside via reached reach leaving left of".split())
STOP = frozenset("""a an the this that these those he she it we they i you his her its our their my your
will may can could would should must might shall do does did is are was were be been being have has had
and or but if then than so as at by for with about against between into through during before after above
below to from up down in out on off over under again further once here there when where why how all any
both each few more most other some such no nor not only own same too very just also new now""".split())

CALENDAR = frozenset("""january february march april may june july august september october november
december monday tuesday wednesday thursday friday saturday sunday""".split())
DIRECTIONS = frozenset("""north south east west northern southern eastern western central northeast
northwest southeast southwest northeastern northwestern southeastern southwestern midwest upper lower
greater downtown uptown new old""".split())

# Named streets, roads and natural features: toponyms the city gazetteer cannot place.
# They are reported (unresolved) rather than dropped, and they stop "Street" or "River"
# alone from matching a namesake village.
# A capitalised word of a street or feature name; "Georgia." (sentence end) and
# "Augusta's" (possessive) end the name rather than join the next sentence.
_CAP = r"(?:[A-Z][\w\-]*(?:['’](?!s\b)\w+)?|\d+(?:st|nd|rd|th))"
STREET_RE = re.compile(
    rf"\b{_CAP}(?: {_CAP}){{0,3}} (?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Drive|Boulevard|Blvd\.|Lane|Ln\.|"
    rf"Parkway|Pkwy\.|Highway|Hwy\.|Way|Circle|Trail|Pike|Square|Plaza|Bridge)(?![\w])"
    rf"|\b(?:Highway|Interstate|Route|State Route|U\.S\. Highway) \d+\b|\bI-\d+\b")
FEATURE_RE = re.compile(
    rf"\b{_CAP}(?: {_CAP}){{0,2}} (?:River|Creek|Lake|Bay|Island|Islands|Mountain|Mountains|Valley|Canyon|"
    rf"Gulf|Sea|Ocean|Strait|Desert|Peninsula|Gap|Park|National Park|Forest|Township|Reservoir|Dam)\b|\b(?:Lake|Mount|Mt\.|Gulf of|Isle of) {_CAP}(?: {_CAP})?\b")
_AP_RE = re.compile(r"(?:(?<=, )|(?<= in )|(?<= of )|(?<=[DRI]-))(?:W\. ?Va\.|[NRSD]\.[A-Z]\.|[A-Z][a-z]{1,4}\.)")

# Generic geographic nouns: alone and capitalised ("the Gulf", "Region 1", "Metro 911",
# "Loop 286") they are rarely a place's own name, though some town bears each.
GENERIC = frozenset("""river creek lake bay island islands mountain mountains valley canyon gulf sea ocean strait
desert peninsula gap park forest township reservoir dam street road avenue drive boulevard lane parkway
highway way circle trail pike square plaza bridge region metro city county district area loop mill hill side
delta summit harbor harbour port beach falls springs heights station center centre village town""".split())
_STATE_WORD_AFTER = re.compile(r"\s+(?:[Ss]tate|[Pp]rovince|[Dd]epartment)\b")
# "Anderson and Cherokee counties", "Douglas, Sarpy and Lancaster counties": each name is a county.
_NAME = r"[A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*)?"
_COUNTIES_AFTER = re.compile(rf"(?:,\s*{_NAME})*,?\s+(?:and|or|&)\s+{_NAME}\s+(?:[Cc]ounties|[Pp]arishes)\b"
                             r"|\s+(?:[Cc]ounties|[Pp]arishes)\b")
# How far after a name that list is looked for: a list of a few dozen counties. (Unbounded,
# each name of a 10 MB comma-separated list of places matched the rest of it: quadratic.)
_COUNTIES_REACH = 600
_STATE_WORD_BEFORE = re.compile(r"\b(?:[Ss]tate|[Pp]rovince|[Dd]epartment) of\s+$")
_COMMA_CAPITAL = re.compile(r",\s*[A-Z]")
_UNIT_AFTER = re.compile(r"(?:\s+(?:community|town|village|city|neighbou?rhood|colonia))?,\s*"
                         r"((?:[A-Z][\w.’'\-]*)(?:\s+[A-Z][\w.’'\-]*){0,2}"
                         r"(?:\s+(?:municipality|state|county|parish|province|department))?)")

_WEIGHTS_FILE = "data/recognition_weights.json"
DEFAULT_RECOGNITION = {
    "bias": -1.0, "n_tokens": 0.3, "sent_initial": -1.0, "all_caps": 0.2, "cap_before": -2.0,
    "cap_after": -2.0, "log_pop": 0.35, "kind_country": 2.5, "kind_admin1": 1.5, "has_primary": 1.0,
    "lower_in_doc": -2.5, "stopword": -6.0, "title_before": -4.0, "speech_after": -3.0,
    "surname_elsewhere": -3.0, "comma_admin_after": 2.5, "place_prep_before": 1.2, "org_after": -2.0,
    "short": -1.5, "n_candidates": 0.0, "calendar": -5.0, "direction": -3.0, "street": 1.0,
    "natural": 1.0, "us_state_abbrev": 4.0, "after_comma_place": 1.0, "in_name_run": -2.0,
    "repeated": 0.0, "initial_but_seen_mid": 0.0, "kind_region": 1.5,
    "person_name": -1.0, "org_run_after": 1.0, "public_body_after": 1.0, "party_before": 3.0, "dateline": 2.0, "counties_after": 2.0, "org_word": -2.0, "generic_word": -1.0,
}
# "Rep. Nick Rahall, D-W. Va.", "Sen. Ray Miller, D-Columbus": a legislator's party and home.
_PARTY_BEFORE = re.compile(r"(?:^|[\s(])(?:D|R|I|DFL)\s?-\s?$")
# The same party glued to the front of a street or feature match ("R-Elbow Lake").
_PARTY_PREFIX = re.compile(r"(?:D|R|I)-(?=[A-Z])")
# A dateline: "BANTAM — A Danbury mason...", "CHARLESTON, W.Va. -- All lanes..."
_DATELINE_AFTER = re.compile(r"(?:,\s*[A-Z][\w.]*(?:\s?[A-Z][\w.]*)?)?\s*(?:—|–|--|-)\s")


class Toponyms(list):
    """parse()'s toponyms in text order. Past MAX_CANDIDATES place-name candidates the text
    is not geoparsed: `read_to` is where that part begins (None: all read), `unread` its
    length in characters."""
    unread = 0
    read_to: int | None = None


@dataclass(slots=True)  # a 10 MB list of places holds a million
class Toponym:
    start: int
    end: int
    text: str
    kind: str  # "place" or "demonym"
    place: Place | None
    confidence: float
    candidates: list[Match] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "start": self.start, "end": self.end, "text": self.text, "kind": self.kind,
            "place": self.place.to_dict() if self.place else None,
            "confidence": round(self.confidence, 3),
            "candidates": [m.to_dict() for m in self.candidates[:5]],
        }


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    capitalised: bool = False


@dataclass(slots=True)  # a 10 MB list of places holds a million
class _Span:
    first: int  # token indexes, inclusive
    last: int
    start: int
    end: int
    text: str
    refs: tuple[int, ...]
    features: dict[str, float] | None = None  # the pattern's tag, then the recognition cues
    qualifier: Qualifier = NO_QUALIFIER
    prob: float = 0.0


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Given names at least 1 in 100,000 Americans bear (the Census lists of `names`)."""
    out = set()
    try:
        for fn in ("dist.female.first", "dist.male.first"):
            for line in resources.files("names").joinpath(fn).read_text("ascii").splitlines():
                parts = line.split()
                word = parts[0].lower() if parts else ""
                # the lists hold a few ordinary words ("In", "May", "Will"): not a name's cue
                if len(parts) >= 2 and float(parts[1]) >= 0.001 and len(word) > 2 \
                        and word not in STOP and word not in CALENDAR:
                    out.add(word)
    except (ModuleNotFoundError, FileNotFoundError, ValueError):
        pass
    return frozenset(out)


@lru_cache(maxsize=1)
def person_name_share() -> dict[str, float]:
    """How common each word is as a US given name or surname (percent of people, the larger
    of the two; US Census 1990 lists shipped by the `names` package): "Jones" 0.62, "Paris"
    0.005. A cue for a bare "Jones" or "Mary" being a person; the model weighs it against
    the place's size. Empty if the package is missing (the cue is then silent)."""
    out: dict[str, float] = {}
    try:
        folder = resources.files("names")
        for fn in ("dist.all.last", "dist.female.first", "dist.male.first"):
            for line in folder.joinpath(fn).read_text("ascii").splitlines():
                parts = line.split()
                if len(parts) >= 2:
                    key = parts[0].lower()
                    out[key] = max(out.get(key, 0.0), float(parts[1]))
    except (ModuleNotFoundError, FileNotFoundError, ValueError):
        return {}
    return out


@lru_cache(maxsize=1)
def load_recognition_weights() -> dict[str, float]:
    try:
        learned = json.loads(resources.files("geoparser").joinpath(_WEIGHTS_FILE).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        learned = {}
    return {**DEFAULT_RECOGNITION, **learned.get("weights", {})}, learned.get("threshold", 0.5)


def tokenize(text: str, start: int = 0, end: int | None = None, words: dict[str, str] | None = None) -> list[_Token]:
    """The words of text[start:end] (offsets into `text`)."""
    toks: list[_Token] = []
    append = toks.append
    words = {} if words is None else words  # one string per distinct word: a long text repeats its words
    setdefault = words.setdefault
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        word = m.group()
        if word[-1] in "sS" and len(word) > 2 and word[-2] in "'’":  # possessive "Mexico’s"
            word = word[:-2]
            word = setdefault(word, word)
            s = m.start()
            append(_Token(s, s + len(word), word, word[0].isupper()))
        else:
            word = setdefault(word, word)
            append(_Token(m.start(), m.end(), word, word[0].isupper()))
    return toks


def _joinable(text: str, a: _Token, b: _Token) -> bool:
    gap = text[a.end:b.start]
    if gap in (" ", "-", "\t"):
        return True
    # "St. Louis", "U.S. Virgin Islands": a dot only after an abbreviation
    return gap in (". ", ".") and (a.text.lower() in _ABBREV or "." in a.text or len(a.text) == 1)


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘(«•*-–—":
        i -= 1
    return i < 0 or text[i] in ".!?\n:;" or (text[i] in "”’\"" and i > 0 and text[i - 1] in ".!?")


class Geoparser:
    def __init__(self, gazetteer: Gazetteer | None = None, weights=None, threshold: float | None = None):
        self.gaz = gazetteer or default_gazetteer()
        w, t = load_recognition_weights()
        self.weights = weights or w
        self.threshold = t if threshold is None else threshold
        self._demonym_last: frozenset[str] | None = None
        self._and_prefix: frozenset[str] | None = None
        # The unit a ", Texas" names depends on the words alone: asked once per wording.
        self._unit = lru_cache(maxsize=4096)(self._unit_named)

    def _and_prefixes(self) -> frozenset[str]:
        """Normalised beginnings, up to and including "and", of the names that hold one."""
        if self._and_prefix is None:
            out = set()
            for k in self.gaz.index.names:
                if " and " in k:
                    words = k.split(" ")
                    out.update(" ".join(words[:i + 1]) for i, w in enumerate(words) if w == "and")
            self._and_prefix = frozenset(out)
        return self._and_prefix

    # -- recognition -----------------------------------------------------------------------
    def candidates(self, text: str) -> tuple[list[_Span], list[_Token]]:
        spans, toks, _ = self._candidates(text)
        return spans, toks

    def _candidates(self, text: str, limit: int | None = None) -> tuple[list[_Span], list[_Token], int | None]:
        """Spans, tokens, and where the text stopped being read when it held over `limit`
        candidates (None: read to the end). The text is tokenized piece by piece as the
        scan goes, so that a text cut short is not tokenized to its end."""
        names = self.gaz.index.names
        spans: list[_Span] = []
        surfaces: dict[str, str] = {}  # one string per distinct surface, as for words
        toks: list[_Token] = []
        words: dict[str, str] = {}
        read = 0  # text[:read] is tokenized; pieces end at a space, which no word holds

        def more() -> bool:
            nonlocal read
            if read >= len(text):
                return False
            end = text.find(" ", read + _PIECE)
            end = len(text) if end < 0 else end
            toks.extend(tokenize(text, read, end, words))
            read = end
            return True

        i = 0
        while True:
            while len(toks) <= i + MAX_TOKENS and more():
                pass
            n = len(toks)
            if i >= n or (limit is not None and len(spans) > limit):
                break
            t = toks[i]
            if not t.capitalised:
                i += 1
                continue
            if t.text.lower() in ORG_AFTER and i + 1 < n and toks[i + 1].text == "of":
                i += 1  # "University of Texas", "Bank of America": the place is what follows "of"
                continue
            best = None
            j = i
            while j < n and j - i < MAX_TOKENS:
                if j > i:
                    if not _joinable(text, toks[j - 1], toks[j]):
                        break
                    if not toks[j].capitalised:
                        low = toks[j].text.lower()
                        if low not in NAME_CONNECTORS:
                            break
                        if low == "and" and norm(text[t.start:toks[j].end]) not in self._and_prefixes():
                            break  # only where some name goes on ("Trinidad and ..."): keeps "and" cheap
                if toks[j].capitalised:
                    key = norm(text[t.start:toks[j].end])
                    refs = names.get(key)
                    if refs:
                        best = (j, refs)
                j += 1
            if best:
                j, refs = best
                first = i
                if j >= i + 2 and toks[i].text.lower() in _UNIT_PREFIX and toks[i + 1].text == "of" \
                        and toks[i + 2].capitalised:
                    # "City of Norfolk", "Town of Cary": the name is what follows "of"; the
                    # whole phrase still says which unit ("City of London" is the City). Not "State of":
                    # "State of Mexico" read as "Mexico" would stand for the country in a reader's eyes
                    first, t = i + 2, toks[i + 2]
                surface = text[t.start:toks[j].end]
                spans.append(_Span(first, j, t.start, toks[j].end, surfaces.setdefault(surface, surface), refs))
                i = j + 1
            else:
                i += 1
        read_to = None
        if limit is not None and len(spans) > limit:  # the rest of the text is not read
            read_to = spans[limit].start
            spans = spans[:limit]
            toks = toks[:bisect.bisect_left([t.start for t in toks], read_to)]
        spans = self._pattern_spans(text, toks, spans, len(text) if read_to is None else read_to)
        return spans, toks, read_to

    def _pattern_spans(self, text: str, toks: list[_Token], spans: list[_Span], end: int | None = None) -> list[_Span]:
        """Add AP state abbreviations, streets and natural features; they win over the
        shorter gazetteer matches they contain ("Neches River" over "Neches"), in text[:end]."""
        d = self.gaz.index
        end = len(text) if end is None else end
        extra: list[tuple[int, int, tuple[int, ...], str]] = []
        for m in _AP_RE.finditer(text, 0, end):
            state = AP.get(m.group())
            row = d.admin1_row.get(("US", norm(state))) if state else None
            if row is not None:
                extra.append((m.start(), m.end(), (row << 1 | 1,), "us_state_abbrev"))
        for rx, tag in ((STREET_RE, "street"), (FEATURE_RE, "natural")):
            for m in rx.finditer(text, 0, end):
                s0 = m.start()
                if _PARTY_PREFIX.match(text, s0):  # "Rep. Jane Roe, R-Elbow Lake": the party is not the name
                    s0 += 2
                refs = d.names.get(norm(text[s0:m.end()]), ())
                extra.append((s0, m.end(), refs, tag))
        if not extra:
            return spans
        extra.sort()
        kept_extra = []
        for e in extra:  # no overlaps among the pattern spans themselves: first, longest wins
            if kept_extra and e[0] < kept_extra[-1][1]:
                if e[1] - e[0] > kept_extra[-1][1] - kept_extra[-1][0] and e[0] == kept_extra[-1][0]:
                    kept_extra[-1] = e
                continue
            kept_extra.append(e)
        # Both lists are in text order without overlaps: the few that can overlap a span are
        # found by bisection (comparing every pair was quadratic in a long list of places).
        e_starts, e_ends = [e[0] for e in kept_extra], [e[1] for e in kept_extra]
        out = [s for s in spans if not any(e1 - e0 >= s.end - s.start for e0, e1, _, _ in
                                           kept_extra[bisect.bisect_right(e_ends, s.start):
                                                      bisect.bisect_left(e_starts, s.end)])]
        o_starts, o_ends = [s.start for s in out], [s.end for s in out]
        starts = [t.start for t in toks]
        for e0, e1, refs, tag in kept_extra:
            if bisect.bisect_right(o_ends, e0) < bisect.bisect_left(o_starts, e1):
                continue  # a gazetteer span overlaps it
            first = bisect.bisect_left(starts, e0)
            last = max(first, bisect.bisect_left(starts, e1) - 1)
            sp = _Span(first, last, e0, e1, text[e0:e1], refs)
            sp.features = {tag: 1.0}
            out.append(sp)
        out.sort(key=lambda s: s.start)
        return out

    def _people(self, text: str, toks: list[_Token]) -> tuple[set[int], set[str]]:
        """Token indexes of person names, and their surnames for later bare mentions.

        A run of two or more capitalised words that is not itself a place name is a
        person when a reader would say so: a role before it ("organizer Irineo Mujica",
        "host Anderson Cooper"), a speech verb after it ("García Villagrán said"), or an
        apposition ("Jonás Sosa, a Venezuelan migrant").
        """
        names = self.gaz.index.names
        given = given_names()
        idx, surnames = set(), set()
        i, n = 0, len(toks)
        while i < n:
            if not toks[i].capitalised:  # a run starts at a capital ("for Elizabeth Fairfield")
                i += 1
                continue
            j = i
            while j + 1 < n and toks[j + 1].capitalised and text[toks[j].end:toks[j + 1].start] in (" ", "-"):
                j += 1
            if j > i and toks[i].capitalised:
                first = i + 1 if toks[i].text.lower() in TITLES else i
                # "Dublin Mayor Marilee Chinnici-Zuercher", "Carthage Police Chief Chris McKenzie":
                # the person begins after the last title; what stands before it is theirs
                for k in range(j - 1, first, -1):
                    if toks[k].text.lower() in TITLES:
                        first = k + 1
                        break
                before = toks[i - 1].text.lower() if i > 0 else ""
                after = text[toks[j].end:toks[j].end + 30]
                role = toks[i].text.lower() in TITLES or before in TITLES or before in ROLES
                speech = re.match(r",?\s+(\w+)", after)
                # an apposition only after a given name: "Elizabeth Fairfield, a Lebanon woman",
                # not "Downtown Columbus, the ..."
                cue = role or (speech and speech.group(1).lower() in SPEECH) or (
                    toks[first].text.lower() in given and re.match(r",\s+(?:a|an|the|who)\s", after))
                # an organisation ("the Del Rio Police Department said", "by Paris Police
                # Department Sgt. Ricky ...") is not a person, nor a run that ends in a title
                if cue and first < j and not (text[toks[first].end:toks[first].end + 1] == "-"
                                              and toks[first].text in ("D", "R", "I", "DFL")) \
                        and toks[j].text.lower() not in TITLES \
                        and not any(t.text.lower() in ORG_AFTER for t in toks[first:j + 1]) \
                        and norm(text[toks[first].start:toks[j].end]) not in names:
                    idx.update(range(first, j + 1))
                    surnames.add(toks[j].text)
                    surnames.add(text[toks[first + 1].start:toks[j].end] if j > first + 1 else toks[j].text)
            i = j + 1
        return idx, surnames

    def _name_run_words(self, text: str, toks: list[_Token]) -> set[str]:
        """Words seen inside a run of capitalised words that is no place name and no
        organisation ("Mary Johnson", "Bob Jones"): a bare "Mary" or "Jones" elsewhere
        is then probably that person."""
        names, kind = self.gaz.index.names, self.gaz.index.kind
        words: set[str] = set()
        i, n = 0, len(toks)
        while i < n:
            if not toks[i].capitalised:
                i += 1
                continue
            j = i
            while j + 1 < n and toks[j + 1].capitalised and text[toks[j].end:toks[j + 1].start] == " ":
                j += 1
            if toks[i].capitalised and 0 < j - i < 3:
                run = text[toks[i].start:toks[j].end]
                last = toks[j].text.lower()
                if last not in ORG_AFTER and norm(run) not in names and not any(
                        kind[refs[0] >> 1] in (COUNTRY, ADMIN1) for refs in (names.get(norm(t.text)) for t in toks[i:j + 1])
                        if refs):
                    words.update(t.text for t in toks[i:j + 1] if t.text.lower() not in TITLES)
            i = j + 1
        return words

    def _recognition_features(self, text: str, toks: list[_Token], spans: list[_Span], lower_words: set[str]) -> None:
        """Every span's recognition cues, kept on the span (the weight learner reads them)."""
        for s, f in zip(spans, self._span_features(text, toks, spans, lower_words)):
            s.features = f

    def _span_features(self, text: str, toks: list[_Token], spans: list[_Span], lower_words: set[str],
                       qualifiers: dict | None = None):
        """Each span's recognition cues in turn. A generator: parse() weighs each and lets it
        go (a million dicts held at once were 2 GB for 10 MB of place names)."""
        d = self.gaz.index
        person_idx, person_names = self._people(text, toks)
        run_words = self._name_run_words(text, toks)
        name_share = person_name_share()
        has_counties = "counties" in text or "Counties" in text or "arishes" in text
        covered = {k for s in spans for k in range(s.first, s.last + 1)}
        # Surnames: capitalised words that follow a non-place capitalised word somewhere
        # ("Irineo Mujica" makes a later bare "Mujica" a person).
        surnames = set()
        for a, b in zip(toks, toks[1:]):
            if a.capitalised and b.capitalised and text[a.end:b.start] == " " and not _sentence_initial(text, a.start) \
                    and norm(a.text) not in d.names and a.text.lower() not in STOP:
                surnames.add(b.text)
        # How often each surface occurs, and whether it ever stands mid-sentence (then its
        # capital is its own, not the sentence's).
        counts: dict[str, int] = {}
        mid: set[str] = set()
        initial = [_sentence_initial(text, s.start) for s in spans]
        for s, ini in zip(spans, initial):
            counts[s.text] = counts.get(s.text, 0) + 1
            if not ini:
                mid.add(s.text)
        # The cues of a name by itself are the same wherever it stands: worked out once per
        # name (a list of places repeats a few names a million times). Cues that read the
        # words around a span (glued runs, "counties" after, a party before, a dateline) are
        # worked out per span below.
        alone: dict[tuple, tuple] = {}
        for s, ini in zip(spans, initial):
            tags = s.features or {}  # set by _pattern_spans
            key = (s.text, id(s.refs))  # the spans hold their refs: no id is reused meanwhile
            cues = alone.get(key)
            if cues is None:
                rows = [r >> 1 for r in s.refs]
                kinds = {d.kind[r] for r in rows}
                pop_rows = [r for r in rows if d.kind[r] != FEATURE] if FEATURE in kinds else rows
                kinds_region = REGION in kinds
                words = s.text.split()
                single = len(words) == 1
                low = s.text.lower()
                share = name_share.get(low, 0.0) if single else 0.0
                cues = alone[key] = (
                    1.0 if s.text.isupper() and len(s.text) > 3 else 0.0,
                    # prominence: people, or for an area without people (an ocean) its km²
                    # (a river crossing or a station has neither: no evidence either way)
                    (math.log10(max(max(d.population[r], d.extent[r][4] if kinds_region and r in d.extent
                                        else 0) for r in pop_rows) + 10) - 4.0) if pop_rows else 0.0,
                    1.0 if COUNTRY in kinds else 0.0,
                    1.0 if ADMIN1 in kinds else 0.0,
                    # a continent, region, ocean or sea: no population, but an area
                    1.0 if REGION in kinds and any(r in d.extent for r in rows) else 0.0,
                    1.0 if any(r & 1 for r in s.refs) else 0.0,
                    1.0 if single and low in lower_words else 0.0,
                    1.0 if low in STOP else 0.0,
                    1.0 if single and s.text in surnames else 0.0,
                    1.0 if len(s.text) <= 3 and "." not in s.text else 0.0,
                    math.log(len(s.refs)) if s.refs else 0.0,
                    math.log(counts[s.text]),
                    1.0 if low in CALENDAR else 0.0,
                    1.0 if all(w.lower() in DIRECTIONS for w in words) else 0.0,
                    single and s.text in run_words,
                    s.text in person_names,
                    s.text in mid,
                    math.log10(1.0 + 100.0 * share) if share else 0.0,
                    # a generic geographic noun alone ("Gulf", "Region", "Metro")
                    1.0 if single and low in GENERIC else 0.0,
                    # the word is itself an organisation's or a title's ("Police", "Council", "Mayor")
                    1.0 if single and (low in ORG_AFTER or low in TITLES) else 0.0,
                    single or s.text.isupper(),  # (a dateline's name: one word, or in capitals)
                )
            (all_caps, log_pop, kind_country, kind_admin1, kind_region, has_primary, lower_in_doc, stopword,
             surname_elsewhere, short, n_candidates, repeated, calendar, direction, run_word, person_name,
             seen_mid, person_share, generic_word, org_word, dateline_like) = cues
            prev_tok = toks[s.first - 1] if s.first > 0 else None
            next_tok = toks[s.last + 1] if s.last + 1 < len(toks) else None
            # Two capitalised words side by side without a comma read as one name
            # ("Anderson Cooper", "Luis García"), even when each alone is a place.
            # ("The Athens Police Department": a capitalised "The" glues nothing)
            glued_before = prev_tok is not None and prev_tok.text.lower() not in STOP and (
                prev_tok.capitalised and _joinable(text, prev_tok, toks[s.first])
                and prev_tok.text.lower() not in TITLES and not _sentence_initial(text, prev_tok.start)
                or (prev_tok.capitalised and _joinable(text, prev_tok, toks[s.first])
                    and (s.first - 1) not in covered and prev_tok.text.lower() not in TITLES))
            glued_after = next_tok is not None and next_tok.capitalised and _joinable(text, toks[s.last], next_tok)
            after = text[s.end:s.end + 40]
            # The capitalised words glued after it end in an organisation or a title:
            # "Springfield Science Museum", "Dublin City Council", "Carthage Police Chief".
            org_run = public_body = False
            if glued_after:
                k = s.last + 1
                while k < len(toks) and k <= s.last + 4 and toks[k].capitalised and _joinable(text, toks[k - 1], toks[k]):
                    word = toks[k].text.lower()
                    if word in ORG_AFTER or word in TITLES:
                        # a public body or office is named for the place it serves ("Carthage
                        # Police", "Ohio Gov."); a school, hospital or firm need not be
                        public_body = word in PUBLIC_BODY
                        org_run = not public_body
                        break
                    k += 1
            yield {
                "bias": 1.0,
                "n_tokens": min(s.last - s.first + 1, 4) - 1,
                "sent_initial": 1.0 if ini else 0.0,
                "all_caps": all_caps,
                "cap_before": 1.0 if glued_before else 0.0,
                "cap_after": 1.0 if glued_after else 0.0,
                "log_pop": log_pop,
                "kind_country": kind_country,
                "kind_admin1": kind_admin1,
                "kind_region": kind_region,
                "has_primary": has_primary,
                "lower_in_doc": lower_in_doc,
                "stopword": stopword,
                "title_before": 1.0 if prev_tok is not None and prev_tok.text.lower() in TITLES
                and text[prev_tok.end:s.start].strip(". ") == "" else 0.0,
                "speech_after": 1.0 if next_tok is not None and next_tok.text.lower() in SPEECH
                and text[s.end:next_tok.start].strip(", ") == "" else 0.0,
                "surname_elsewhere": surname_elsewhere,
                "comma_admin_after": 1.0 if _COMMA_CAPITAL.match(after)
                and self._qualifier_after(text, s, qualifiers) else 0.0,
                "place_prep_before": 1.0 if prev_tok is not None and prev_tok.text.lower() in PLACE_PREP
                and text[prev_tok.end:s.start] == " " else 0.0,
                "org_after": 1.0 if next_tok is not None and next_tok.text.lower() in ORG_AFTER
                and text[s.end:next_tok.start] == " " else 0.0,
                "short": short,
                "n_candidates": n_candidates,
                "repeated": repeated,
                "initial_but_seen_mid": 1.0 if seen_mid and ini else 0.0,
                "calendar": calendar,
                "direction": direction,
                "in_name_run": 1.0 if run_word and not (glued_before or glued_after) else 0.0,
                "person": 1.0 if any(k in person_idx for k in range(s.first, s.last + 1)) or person_name else 0.0,
                "person_name": person_share,
                "org_run_after": 1.0 if org_run else 0.0,
                "public_body_after": 1.0 if public_body else 0.0,
                "counties_after": 1.0 if has_counties and _COUNTIES_AFTER.match(
                    text, s.end, s.end + _COUNTIES_REACH) else 0.0,
                "generic_word": generic_word,
                "org_word": org_word,
                "party_before": 1.0 if text[s.start - 1:s.start] == "-" and _PARTY_BEFORE.search(
                    text, max(0, s.start - 6), s.start) else 0.0,
                "dateline": 1.0 if ini and dateline_like and _DATELINE_AFTER.match(text, s.end) else 0.0,
                "after_comma_place": 1.0 if prev_tok is not None and text[prev_tok.end:s.start] == ", "
                and (s.first - 1) in covered else 0.0,
                **tags,
            }

    def _qualifier_after(self, text: str, s: _Span, memo: dict | None = None) -> Qualifier:
        """The unit named after a comma: "Del Rio, Texas", "Alvaro Obregon community,
        Tapachula municipality, Chiapas state". `memo`: the answer is left there by span
        start, for parse() to take when it resolves the span."""
        if memo is not None:
            q = memo.get(s.start)
            if q is None:
                q = memo[s.start] = self._qualifier_after(text, s)
            return q
        d = self.gaz.index
        if any(r & 1 and d.kind[r >> 1] == COUNTRY for r in s.refs):
            return NO_QUALIFIER  # "Venezuela, Cuba and ...": a list of countries, not "Town, Country"
        after = text[s.end:s.end + 60]
        m = _UNIT_AFTER.match(after)
        return self._unit(m.group(1)) if m else NO_QUALIFIER

    def _unit_named(self, words: str) -> Qualifier:
        """The unit the capitalised words after a comma name, if any."""
        words = words.split()
        for k in range(len(words), 0, -1):  # "Del Rio, Texas a few days" -> "Texas"
            q = self.gaz.qualifier(" ".join(words[:k]).rstrip(".,"))
            if q:
                return q
        return NO_QUALIFIER

    def _units_only(self, refs: tuple[int, ...], kind: str = ADMIN1) -> tuple[int, ...]:
        d = self.gaz.index
        units = tuple(r for r in refs if d.kind[r >> 1] == kind)
        return units or refs

    def probability(self, f: dict[str, float]) -> float:
        w, z = self.weights, 0.0
        for k, v in f.items():
            if v:  # most cues are 0: skip them
                z += w.get(k, 0.0) * v
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    # -- the whole pass ----------------------------------------------------------------------
    def parse(self, text: str, min_probability: float | None = None, prior: Context | None = None) -> Toponyms:
        """`prior`: what the caller knows before reading (a domain's countries and states),
        weighed like places the document itself names."""
        threshold = self.threshold if min_probability is None else min_probability
        spans, toks, read_to = self._candidates(text, MAX_CANDIDATES)  # what is not read is said
        lower_words = {t.text for t in toks if t.text.islower()}
        qualifiers: dict[int, Qualifier] = {}  # the unit after this span, if its cues asked
        kept = []
        for s, f in zip(spans, self._span_features(text, toks, spans, lower_words, qualifiers)):
            asked = qualifiers.pop(s.start, None)  # (one span's answer at a time is kept)
            if (f.get("calendar") or f.get("direction")) and not f.get("comma_admin_after"):
                continue  # "March", "Central" (and South America): words, not places
            if f.get("person"):
                continue  # "Luis García Villagrán", "Irineo Mujica": people, never places
            s.prob = self.probability(f)
            if s.prob >= threshold:
                s.qualifier = asked if asked is not None else self._qualifier_after(text, s)
                if _STATE_WORD_AFTER.match(text, s.end) or (  # (a cheap look for "of" first)
                        text[max(0, s.start - 20):s.start].rstrip().endswith("of")
                        and _STATE_WORD_BEFORE.search(text, max(0, s.start - 20), s.start)):
                    s.refs = self._units_only(s.refs)  # "Oaxaca State", "the state of Chiapas"
                elif f.get("counties_after"):
                    s.refs = self._units_only(s.refs, ADMIN2)  # "Anderson and Cherokee counties"
                kept.append(s)
        toponyms = self._resolve(kept, prior)
        # "European" of "European Union" is part of a place name, not a demonym. (The places
        # are in text order without overlaps: the one that could hold it is found by bisection.)
        t_starts, t_ends = [t.start for t in toponyms], [t.end for t in toponyms]
        toponyms += [m for m in self._demonyms(toks, text)
                     if not bisect.bisect_right(t_ends, m.start) < bisect.bisect_left(t_starts, m.end)]
        toponyms.sort(key=lambda t: t.start)
        out = Toponyms(toponyms)
        if read_to is not None:
            out.unread, out.read_to = len(text) - read_to, read_to
        return out

    def _resolve(self, spans: list[_Span], prior: Context | None = None) -> list[Toponym]:
        gaz = self.gaz
        # Pass 1: each distinct mention read alone (countries, states, "City, State").
        first: dict[tuple, list[Match]] = {}
        for s in spans:
            key = (s.text, s.qualifier)
            if key not in first:
                # only the best reading of pass 1 is used
                first[key] = gaz.rank(_dedupe(s.refs), None, s.qualifier, norm(s.text), limit=1) if s.refs else []
        # Pass 2: each distinct mention again, in the context of what the *other* mentions
        # confidently are. A mention never counts as its own context, so every
        # repetition of one text shares one context: rank once per (text, qualifier).
        confident = [(text, ranked[0].place) for (text, _), ranked in first.items()
                     if ranked and ranked[0].confidence >= 0.5]
        # Every local candidate of every name, for the nearby-namesakes cue: the same in both
        # passes, as are its answers (by candidate row and name).
        candidates = self.candidate_points(spans)
        near_cache: dict = {}

        def in_context(confident, todo: set | None = None, doc_mass=None) -> dict[tuple, list[Match]]:
            """Each distinct mention ranked beside the prior and the *other* confident ones.
            The context is built once per pass ("CIUDAD HIDALGO" in the dateline is the same
            mention as "Ciudad Hidalgo": by norm). `todo`: only these (text, qualifier)s."""
            contexts = MentionContexts(prior, confident, norm, candidates, near_cache, doc_mass)
            out: dict[tuple, list[Match]] = {}
            for s in spans:
                key = (s.text, s.qualifier)
                if key not in out and (todo is None or key in todo):
                    own = norm(s.text)
                    # (a Toponym keeps 5: one list for every mention of the name, read-only;
                    # a list each was a million lists for a 10 MB list of places)
                    out[key] = gaz.rank(_dedupe(s.refs), contexts.for_mention(own), s.qualifier, own,
                                        limit=5) if s.refs else []
            return out

        second = in_context(confident)
        # Pass 3: what is still in doubt, read once more beside what pass 2 settled ("London"
        # settled by "Twickenham" settles "Richmond").
        settled = [(text, ranked[0].place) for (text, _), ranked in second.items()
                   if ranked and ranked[0].confidence >= 0.5]
        w = gaz.weights
        whole = bool(w.get("admin1_share") or w.get("country_share"))  # pass 4 below
        # (pass 4 reads every name in doubt again beside all that pass 2 settled: pass 3 is part of it)
        if len(settled) > len(confident) and not whole:
            doubt = {key for key, ranked in second.items() if ranked and ranked[0].confidence < 0.5}
            second.update(in_context(settled, doubt))
        # Pass 4: the article as a whole. Each name is read again beside where all the other
        # names lean (the share of their mentions in each country and state, by the
        # confidence of their readings so far): the local namesake in a small-town story.
        if whole:
            mentions: dict[tuple, int] = {}
            for s in spans:
                key = (s.text, s.qualifier)
                mentions[key] = mentions.get(key, 0) + 1
            mass = DocumentMass((norm(text), mentions[(text, q)], ranked)
                                for (text, q), ranked in second.items())
            again = {key for key, ranked in second.items()
                     if len(ranked) > 1 and ranked[0].confidence < DOUBT}
            if again:
                final = [(text, ranked[0].place) for (text, _), ranked in second.items()
                         if ranked and ranked[0].confidence >= 0.5]
                second.update(in_context(final, again, mass))
        out = []
        for s in spans:
            ranked = second[(s.text, s.qualifier)]
            top = ranked[0] if ranked else None
            out.append(Toponym(s.start, s.end, s.text, "place", top.place if top else None,
                               (top.confidence if top else 0.0) * s.prob, ranked))
        return out

    def candidate_points(self, spans: list[_Span], confident: set[str] = frozenset()) -> dict:
        """Every local candidate (town, crossing) of every distinct name, by cell."""
        d = self.gaz.index
        ctx = Context()
        done = set(confident)
        texts: set[str] = set()  # (a list of places repeats a few names a million times: norm each once)
        for s in spans:
            if s.text in texts:
                continue
            texts.add(s.text)
            key = norm(s.text)
            if key in done:
                continue
            done.add(key)
            ctx.add_candidates([(d.lat[r >> 1], d.lon[r >> 1]) for r in _dedupe(s.refs)
                                if d.kind[r >> 1] in LOCAL_KINDS], key)
        return ctx.candidates

    def _demonyms(self, toks: list[_Token], text: str) -> list[Toponym]:
        out = []
        demonyms = self.gaz.index.demonyms
        if self._demonym_last is None:  # last words of two-word demonyms ("american" of "latin american")
            self._demonym_last = frozenset(k.split()[-1] for k in demonyms if " " in k)
        last = self._demonym_last
        skip = -1
        for i, t in enumerate(toks):
            if i <= skip or not t.capitalised:
                continue
            # Two-word demonyms first: "Latin American", "Central Americans".
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.capitalised and nxt.text.lower() in last and text[t.end:nxt.start] == " ":
                two = text[t.start:nxt.end]
                if norm(two) in demonyms:
                    p = self.gaz.demonym(two)
                    out.append(Toponym(t.start, nxt.end, two, "demonym", p, 1.0, [Match(p, 1.0)]))
                    skip = i + 1
                    continue
            if t.text.lower() in demonyms:
                p = self.gaz.demonym(t.text)
                if p is not None:
                    out.append(Toponym(t.start, t.end, t.text, "demonym", p, 1.0, [Match(p, 1.0)]))
        return out


def _dedupe(refs: tuple[int, ...]) -> list[int]:
    seen: dict[int, int] = {}
    for r in refs:
        if r >> 1 not in seen or r & 1:
            seen[r >> 1] = r
    return list(seen.values())


@lru_cache(maxsize=1)
def default_geoparser() -> Geoparser:
    return Geoparser()


def geoparse(text: str, gazetteer: Gazetteer | None = None, prior: Context | None = None) -> Toponyms:
    """Every place mention in `text`: span, surface text, resolution (or None + candidates);
    past MAX_CANDIDATES candidates the rest of the text is not read (`.read_to`, `.unread`)."""
    parser = default_geoparser() if gazetteer is None else Geoparser(gazetteer)
    return parser.parse(text, prior=prior)
