"""Finding crowd-size figures in a sentence and telling caravan sizes from other counts.

`find_sizes` reports every number expression in a sentence that could be a crowd
size, as a `SizeMention` with a range (low, high), a qualifier and a decision:
`is_caravan_size` plus a short `reason`. The decision is made the way a careful
reader does it, from

1. the head noun after the number ("3,000 migrants" vs "400 officers",
   "213,000 incidents", "24 countries", "25 miles", "more than 100 caravans");
2. the construction around it ("caravan of 2,000", "has grown to 4,000",
   "a group of Haitians - 12,000 according to ...", "55,000 of 77,000",
   "including 32", "Alexis Perez, 27,", "$900 billion", "IE 11", dates);
3. cue words in the sentence that make it a statistic rather than one crowd
   (arrested, apprehended, encounters, fiscal year, deported, sent ... back,
   awaiting processing, "since last year", "this year alone", ...);
4. plausibility: a caravan is between ~20 and ~50,000 people; bigger figures in
   news about migration are border statistics.

Ranges follow the devset labelling rules: a single figure is low = high; "between
3,000 and 4,000" and "more than 800, almost a thousand" are ranges; "hundreds" is
200-999 and "thousands" 2,000-9,999 (qualifier "vague").
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .dates import find_dates

MIN_CROWD = 20  # smaller groups are families or subsets, not caravans
MAX_CROWD = 50_000  # the largest caravans reported were ~15,000; more is a statistic


@dataclass
class SizeMention:
    start: int
    end: int
    text: str
    low: int | None
    high: int | None
    qualifier: str | None  # exact | about | at_least | up_to | range | vague
    is_caravan_size: bool
    reason: str


# ----------------------------------------------------------------------------- numbers

_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD_VALUE = {w: i + 1 for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)} | {"a": 1, "an": 1}
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

_U = "|".join(_UNITS)
_T = "|".join(_TENS)
_DIG = r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3},\d{2}(?![\d,])|\d+(?:\.\d+)?"
_VAGUE_RE = (
    r"tens\s+of\s+thousands|hundreds\s+of\s+thousands|many\s+thousands|some\s+thousands|"
    r"(?:several|a\s+few|a\s+couple\s+(?:of\s+)?|a\s+handful\s+of)\s*(?:hundred|thousand)|"
    r"hundreds|thousands|dozens|millions"
)
_ATOM = re.compile(
    rf"""(?<![\w.,/-])(?:
        (?P<vague>{_VAGUE_RE})
      | (?P<a>{_DIG})(?:\s*(?P<as>million|billion|thousand|hundred)\b)?
        (?:\s*[-–]\s*(?P<b>{_DIG})(?:\s*(?P<bs>million|billion|thousand|hundred)\b)?)?
      | (?P<w>(?:(?:a|an|one|(?:{_T})(?:[-\s](?:{_U}))?|{_U})\s+(?P<ws>hundred|thousand|million)
               (?:\s+(?:and\s+)?(?:(?:{_T})(?:[-\s](?:{_U}))?|{_U}))?)
              |(?:{_T})(?:[-\s](?:{_U}))?)
    )(?![\w])""",
    re.X | re.I,
)
_VAGUE_RANGE = [
    (r"tens\s+of\s+thousands", (20_000, 99_999)),
    (r"hundreds\s+of\s+thousands", (200_000, 999_999)),
    (r".*thousands?", (2_000, 9_999)),
    (r".*hundreds?", (200, 999)),
    (r"dozens", (24, 99)),
    (r"millions", (2_000_000, 9_999_999)),
]


def _digits_value(s: str, scale: str | None) -> float:
    v = float(s.replace(",", ""))
    return v * _SCALE[scale.lower()] if scale else v


def _words_value(s: str) -> int:
    total, current = 0, 0
    for tok in re.split(r"[-\s]+", s.lower()):
        if tok in ("and", ""):
            continue
        if tok in _SCALE:
            current = max(current, 1) * _SCALE[tok]
            if _SCALE[tok] >= 1000:
                total, current = total + current, 0
        else:
            current += _WORD_VALUE.get(tok, 0)
    return total + current


# ----------------------------------------------------------------------------- lexicon

_PEOPLE = set("""
migrants people persons individuals members caravaners caravanners comrades travelers travellers
refugees immigrants foreigners marchers walkers participants protesters protestors nationals
asylum-seekers seekers pilgrims exiles displaced evacuees strong member person
""".split())
_COMPOSITION = set("""
children minors kids women men families adults adolescents teenagers teens babies infants boys
girls elderly mothers fathers youths
""".split())
_SECURITY = set("""
officers officer police policemen policewomen troops soldiers agents guards guardsmen guard
personnel staff officials employees marines military gendarmes inspectors deputies sheriffs
rangers workers volunteers reporters journalists assistants helpers aid-workers doctors nurses
""".split())
_STAT_NOUNS = set("""
incidents encounters apprehensions arrests crossings cases applications requests visas permits
deportations expulsions removals returns times entries attempts detentions complaints votes
""".split())
_DEATH = set("dead deaths bodies victims killed inmates prisoners detainees fatalities".split())
_GROUPS = set("caravans convoys groups marches columns waves buses trucks vehicles cars".split())
_PLACES = set("""
countries nations states cities municipalities towns villages regions provinces departments
shelters stations ports checkpoints borders
""".split())
_UNITS_AFTER = set("""
percent per % miles mile km kms kilometers kilometres kilometer kilometre meters metres feet
hours hour minutes days day weeks week months month years year decades tons tonnes dollars
pesos euros quetzales lempiras degrees points pages
""".split())
# Words that end the noun phrase after a number: the head was not found. Common
# verbs are listed because a bare figure is often followed by one ("900 set off").
_STOP = set("""
set left gathered crossed arrived walked marched reached joined departed began started went came headed
moved remain remained rested slept waited stayed got took made gave sought tried want wanted hope hoped
plan planned say says told asked
and or but to in at on from with by for according who whom which that were was are is have has had
will would said as than into across toward towards through while when where if because after before
since during of the a an this these those their its his her them they it there per about
""".split())
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ans|ians|eans|ese|is)$")

_QUALIFIER = re.compile(
    r"""\b(?P<q>as\s+many\s+as|up\s+to|no\s+more\s+than|fewer\s+than|less\s+than|just\s+under|almost|nearly|close\s+to|
         more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|just\s+over|well\s+over|no\s+fewer\s+than|
         about|around|approximately|approx\.|roughly|some|an\s+estimated|estimated|circa|an\s+approximate|
         al\s+menos|m[aá]s\s+de|cerca\s+de|casi|unos|unas|alrededor\s+de|aproximadamente)\s*$""",
    re.X | re.I,
)
_QUAL_KIND = {
    "as many as": "up_to", "up to": "up_to", "no more than": "up_to", "fewer than": "up_to",
    "less than": "up_to", "just under": "up_to", "almost": "up_to", "nearly": "up_to", "close to": "up_to",
    "more than": "at_least", "over": "at_least", "at least": "at_least", "upwards of": "at_least",
    "in excess of": "at_least", "just over": "at_least", "well over": "at_least", "no fewer than": "at_least",
    # Spanish, as quoted in embedded posts of the region's outlets
    "al menos": "at_least", "más de": "at_least", "mas de": "at_least", "cerca de": "up_to", "casi": "up_to",
}

# Sentence cues that make a figure a statistic, not a crowd on the move.
_STAT_CUES = re.compile(
    r"""\b(?:arrests|arrested|apprehend(?:ed|ing)|apprehensions|encountered|
         (?:border|migrant|monthly|daily|total|record|recorded|number\s+of|those|[\d,]+)\s+encounters|
         surrender(?:ed|ing)|fiscal\s+year|
         (?:number\s+of|total|record|illegal|irregular|border|monthly|daily|annual)\s+crossings|incidents|
         # unlawful entry as a flow over the border (the verb of "illegal crossings")
         (?:illegally|unlawfully)\s+(?:enter|cross)\w*|(?:enter|cross)(?:s|es|ed|ing)?\s+(?:\S+\s+){0,4}?(?:illegally|unlawfully)|
         deport(?:ed|ing|ations)|repatriat(?:ed|ing|ions)|returnees?|opted\s+to\s+return|
         (?:sent|send|sending|flown|flew|bused|bussed|driven|taken)\s+(?:\S+\s+){0,6}?back|(?:returned|went|gone|going|headed|sent|flown)\s+(?:back\s+)?home|expelled|expulsions|
         (?:been|were|was|being)\s+returned|detained|served|
         awaiting\s+processing|backlog|asylum\s+(?:applications|claims|requests)|visas?\s+(?:issued|granted)|
         since\s+last\s+year|this\s+year\s+alone|so\s+far\s+(?:this\s+year|in\s+\d{4})|
         # held or rescued by the authorities
         intercept(?:ed|ing|ions?)|rescued|captured|rounded\s+up|(?:taken\s+into|in)\s+(?:custody|detention)|
         # papers: a count of files, not of a crowd
         (?:received|granted|issued|given|obtained|applied\s+for|requested)\s+(?:\w+\s+){0,2}?
           (?:visas?|permits?|papers|documents|asylum|refugee\s+status|humanitarian)|
         # a legal pathway's quota: places in a programme, not people on a road
         work\s+(?:authori[sz]ations?|permits?)|(?:humanitarian\s+)?parole|sponsorship|
         # sent away or moved elsewhere by others
         turned\s+(?:back|away)|(?:were|been|was|being)\s+(?:removed|transferred|relocated)|
         (?:bused|bussed|flown|driven|transferred|relocated|taken)\s+(?:\S+\s+){0,3}?to\s+(?:shelters?|other|different|immigration|detention)|
         # cared for by others (the family of "served")
         assisted|attended\s+to|treated|fed|vaccinated|cared\s+for|(?:has|have|had)\s+(?:taken\s+in|hosted)|
         # a choice before the authorities (the family of "opted to return")
         (?:chose|choose|decided|agreed|accepted|opted)\s+to\s+(?:return|go\s+back|be\s+\w+|take\s+(?:the\s+)?bus|board)|
         accepted\s+(?:an?\s+|the\s+)?offers?|
         # a period's total
         (?:day|week|month|year|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|
           June|July|August|September|October|November|December|\d{4})\s+alone|(?:year\s+)?to\s+date|
         so\s+far\s+this\s+(?:month|week)|since\s+the\s+(?:start|beginning)\s+of|
         (?:in|over|during)\s+the\s+(?:first|past|last)\s+(?:\w+\s+)?(?:months|years|quarters?|half)|record\s+number|
         (?:per|each|every)\s+(?:day|week|month|year)|annually|
         between\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+and\s+
         (?:January|February|March|April|May|June|July|August|September|October|November|December))\b""",
    re.X | re.I,
)
# Waiting in a place, not on the move: people somewhere, unless the figure is said to be the
# caravan's own ("thousands of migrants from the caravan remain stranded").
_STATE_CUES = re.compile(r"\b(?:stranded|stuck|trapped|waiting\s+(?:in|for|at)|wait\s+(?:in|for|at)|living\s+in)\b", re.I)
_OF_THE_CARAVAN = re.compile(r"^(?:\s+[\w-]+){0,3}?\s+(?:from|of|in)\s+(?:the|a|this|that)\s+(?:[\w-]+\s+)?(?:caravan|march|convoy)\b"
                             r"|^(?:\s+of)?\s+caravan\s+(?:members|participants)\b", re.I)
_CROWD_WORDS = re.compile(
    r"\b(?:caravans?|migrants?|group|crowd|contingent|column|march|exodus|convoy|throng|asylum[- ]seekers|"
    + "|".join(sorted(w for w in _PEOPLE if w.isalpha() and len(w) > 6 or w in ("people", "members")))
    + r"|(?-i:[A-Z][a-z]+(?:ans|ians|ese)))\b", re.I
)
_CROWD_OF = re.compile(
    r"\b(?:caravan|group|contingent|crowd|column|march|exodus|convoy|wave|throng|band|party|procession|"
    r"mass|multitude|total)\s+(?:of|with|numbering|totaling|totalling)\s+$"
    r"|\b(?:caravana|grupo|contingente|marcha)\s+(?:de|con)\s+$", re.I
)
_GROWTH = re.compile(
    r"\b(?:(?:grown|grew|swelled|swollen|risen|rose|increased|reached|dropped|fell|shrunk|shrank|dwindled|declined)"
    r"(?:\s+to|\s+from)?|reaching|numbering(?:\s+in\s+the)?|numbered|totaling|totalling|totaled|totalled|"
    r"estimated\s+(?:\S+\s+){0,3}at|"
    r"(?:number|total|figure|count|tally|estimate|puts?)\b[^.;]{0,80}\b(?:at|to)|(?:now\s+)?(?:has|have|had|numbers))\s+$", re.I
)
_PEAK = re.compile(r"\b(?:high(?:\s+point)?|peak|height|maximum)\s+of\s+$", re.I)
_CROWD_VERB_AFTER = re.compile(
    r"\s+(?:of\s+(?:them|those|these|the\s+[\w-]+(?:\s+[\w-]+)?)\s+)?"
    r"(?:(?:\w+ly|already|now|still|have|had|has|were|are|been)\s+){0,3}(?:managed|crossed|walked|marched|"
    r"left|arrived|returned|remained|stayed|continued|joined|set\s+(?:out|off)|reached|boarded|headed|went|"
    r"pressed|made\s+it|gathered|camped|slept|rested|broke\s+away|split\s+off|advanced|moved\s+on)\b", re.I)
_COMP = "|".join(sorted(_COMPOSITION))
# "150 women and children went ahead": a composition noun phrase, then a verb of the crowd.
_COMPOSITION_VERB = re.compile(
    rf"\s+(?:[\w-]+\s+)?(?:{_COMP})(?:\s*(?:,|and|or)\s*(?:[\w-]+\s+)?(?:{_COMP}))*" + _CROWD_VERB_AFTER.pattern,
    re.I)


# Clause boundaries: a statistic in one clause does not taint a crowd in another
# ("A caravan of 300 left; 40 were deported").
_CLAUSE_END = re.compile(r";|:\s|\s[–—]\s|,\s+(?:while|but|whereas|although|though|and)\s|[.!?]\s")


@dataclass
class _Atom:
    start: int
    end: int
    low: int
    high: int
    vague: bool
    decimal: bool


def _atoms(s: str, limit: int | None = None) -> list[_Atom]:
    out = []
    for m in _ATOM.finditer(s):
        if limit is not None and len(out) >= limit:
            break
        if m["vague"]:
            v = " ".join(m["vague"].lower().split())
            lo, hi = next(r for p, r in _VAGUE_RANGE if re.fullmatch(p, v))
            out.append(_Atom(m.start(), m.end(), lo, hi, True, False))
        elif m["a"]:
            a = _digits_value(m["a"], m["as"])
            dec = "." in m["a"] and not m["as"]  # "2.0", "3.4 months"
            if m["b"]:
                b = _digits_value(m["b"], m["bs"] or m["as"])
                lo, hi = sorted((int(a), int(b)))
                out.append(_Atom(m.start(), m.end(), lo, hi, False, dec or ("." in m["b"] and not m["bs"])))
            else:
                out.append(_Atom(m.start(), m.end(), int(a), int(a), False, dec))
        else:
            v = _words_value(m["w"])
            if v < MIN_CROWD and not m["ws"]:
                continue  # "two groups", "three minors": words for small numbers are not crowds
            out.append(_Atom(m.start(), m.end(), v, v, False, False))
    return out


def _head(s: str, pos: int, vague: bool) -> tuple[str | None, str | None, int]:
    """(category, noun, end) of the noun phrase after a number at s[pos:]."""
    after = s[pos:]
    if re.match(r"\s*(?:%|percent\b|per\s+cent\b)", after, re.I):
        return "unit", "percent", pos + re.match(r"\s*(?:%|percent|per\s+cent)", after, re.I).end()
    m = re.match(r"[\s-]*(?:years?|yrs?)[\s-]*old\b|-year-old\b", after, re.I)
    if m:
        return "age", "years old", pos + m.end()
    m = re.match(r"\s*(?:a\.m\.|p\.m\.|am\b|pm\b|:\d\d|o['’]clock)", after, re.I)
    if m:
        return "time", m.group().strip(), pos + m.end()
    m = re.match(r"-(strong|member|person|people)\b", after, re.I)
    if m:
        return "people", m.group(1).lower(), pos + m.end()
    m = re.match(r"-[A-Za-z]", after)
    if m:
        return "compound", after[: re.match(r"-[\w-]+", after).end()], pos + re.match(r"-[\w-]+", after).end()
    seen_words = 0
    for t in re.finditer(r"[A-Za-zÀ-ÿ][\wÀ-ÿ’'-]*|\S", after):
        tok = t.group()
        low = tok.lower().strip("’'")
        if not tok[0].isalpha():
            if tok in ("%",):
                return "unit", tok, pos + t.end()
            return None, None, pos
        if low.endswith("’s") or low.endswith("'s"):
            low = low[:-2]
        if low in ("who", "whom") and seen_words == 0:
            return "people", tok, pos  # "the roughly 5,000 who left": people by the pronoun
        if low == "of":
            if vague:
                continue  # "thousands of migrants"
            nxt = re.match(r"\s*(?:the|those|them|these|whom|which|us|our|their|\d)", after[t.end():], re.I)
            return ("subset", "of", pos + t.end()) if nxt else (None, None, pos)
        for cat, words in (("people", _PEOPLE), ("composition", _COMPOSITION), ("security", _SECURITY),
                           ("statistic", _STAT_NOUNS), ("death", _DEATH), ("groups", _GROUPS),
                           ("place", _PLACES), ("unit", _UNITS_AFTER)):
            if low in words:
                return cat, tok, pos + t.end()
        if _DEMONYM.match(tok):
            return "people", tok, pos + t.end()
        if low in _STOP or low in _WORD_VALUE or low in _SCALE:
            return None, None, pos  # a verb, a function word or the next number
        seen_words += 1
        if seen_words >= 4:
            break
    return None, None, pos


def _clause(s: str, start: int, end: int) -> str:
    lo = 0
    for m in _CLAUSE_END.finditer(s, 0, start):
        lo = m.end()
    m = _CLAUSE_END.search(s, end)
    return s[lo:m.start() if m else len(s)]


def _decide(s: str, at: _Atom, q_start: int, cat: str | None, noun: str | None) -> tuple[bool, str]:
    """(is_caravan_size, reason)."""
    before = s[:q_start]
    before_num = s[:at.start]
    if at.decimal and at.high < 1000:
        return False, "not a whole number of people"
    if re.search(r"(?:\$|US\$|USD\s?|€|£|MXN\s?)\s*$", before_num) or re.match(r"\s*(?:dollars|pesos|euros)\b", s[at.end:], re.I):
        return False, "money"
    if re.search(r"\b(?:Title|No\.|Number|Article|Section|Route|Highway|Chapter|Version|Flight|Gate|Room|Phase|"
                 r"Level|Category|Grade|Interstate|Km|km|kilometer|IE|COVID|Covid|covid)[\s-]*$|\b[A-Z]{2,5}[\s-]$",
                 before_num):
        return False, "an identifier, not a count"
    if cat == "age" or re.search(r"\b(?:aged?|ages)\s*$", before_num, re.I) or (
        re.search(r"\b[A-Z][a-zà-ÿ]+,\s*$", before_num) and re.match(r"\s*,", s[at.end:]) and at.high < 120
    ):
        return False, "an age"
    if cat == "time":
        return False, "a time of day"
    if cat == "compound":
        return False, f"part of a compound modifier ({noun})"
    if cat == "unit":
        return False, f"a measure ({noun.lower()}), not people"
    if re.match(r"\s?(?:°|º|˚)\s?[CF]?|\s?(?:deg\.?\s)?(?:Celsius|Fahrenheit)\b", s[at.end:]):
        return False, "a measure (a temperature), not people"
    if cat == "security":
        return False, f"counts security forces or staff ({noun})"
    if cat == "statistic":
        return False, f"counts events or records ({noun}), not people in one crowd"
    if cat == "death":
        return False, f"counts deaths or detainees ({noun})"
    if cat == "groups":
        return False, f"counts {noun.lower()}, not people"
    if cat == "place":
        return False, f"counts {noun.lower()}, not people"
    # A part that moves on its own is a size with a scope ("some 300 of them crossed",
    # "of whom several hundred have already arrived", "150 women and children went ahead");
    # a part named by what it is or did before the authorities is a breakdown.
    moving_part = bool(_CROWD_VERB_AFTER.match(s[at.end:]) or (cat == "composition" and _COMPOSITION_VERB.match(s[at.end:])))
    if cat == "composition" and re.match(
            r"\s+(?:[\w-]+\s+)?(?:men|adults),?\s+(?:women,?\s+)?(?:and|&)\s+(?:children|minors|kids)\b"
            r"|\s+(?:[\w-]+\s+)?women,\s+men,?\s+(?:and|&)\s+(?:children|minors|kids)\b", s[at.end:], re.I):
        cat, noun = "people", "people"  # "3,000 men, women and children": every age named, the whole crowd
    if cat == "composition" and not _CROWD_OF.search(before) and not moving_part:
        # "nearly 150 children" inside a crowd is a breakdown; "a contingent of 150
        # women and children" is a group of its own (a part of the caravan).
        return False, f"a part of a group ({noun}), not the whole crowd"
    if (cat == "subset" or re.search(r"\b(?:includ\w*|among\s+them|of\s+whom|of\s+which|out\s+of)\s+(?:\w+\s+){0,2}$",
                                     before, re.I)) and not (moving_part and not re.search(r"\binclud\w*\s+(?:\w+\s+){0,2}$", before, re.I)):
        return False, "a subset or breakdown of a crowd already counted"
    if re.search(r"\b(?:groups|caravans|convoys|waves)\s+(?:of|with)\s+$", before, re.I) and not re.search(
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:\w+\s+){0,2}(?:groups|caravans|convoys|waves)\s+(?:of|with)\s+$",
        before, re.I,
    ):
        return False, "an aggregate over several groups or caravans"
    if re.search(r"\b(?:trucks?|trailers?|buses|bus|vans?|vehicles?|boats?|cars?|tractor-trailers?)\s+"
                 r"(?:carrying|with|transporting|packed\s+with|holding)\s+(?:\w+\s+){0,2}$", before, re.I):
        return False, "people in one vehicle, not the caravan"
    if re.match(r"\s+(?:\w+\s+)?members\s+of\s+(?:the\s+)?(?:Mexican\s+|U\.S\.\s+)?(?:National\s+Guard|police|army|"
                r"military|navy|armed\s+forces|security\s+forces|immigration|INM|Border\s+Patrol)", s[at.end:], re.I):
        return False, "counts security forces (members of ...)"
    if re.search(r"\b(?:city|town|village|municipality|community|population)\s+of\s+(?:\w+\s+){0,2}$", before, re.I) \
            and re.match(r"\s+(?:people|inhabitants|residents)\b", s[at.end:], re.I):
        return False, "a place's population"
    clause = _clause(s, at.start, at.end)
    cue = _STAT_CUES.search(clause) or (_STATE_CUES.search(clause) if not _OF_THE_CARAVAN.match(s[at.end:]) else None)
    if cue:
        return False, f"a statistic ('{' '.join(cue.group().split())}')"
    if at.high > MAX_CROWD:
        return False, f"too large for one caravan (over {MAX_CROWD:,})"
    if at.high < MIN_CROWD:
        return False, f"too small for a caravan (under {MIN_CROWD})"
    if at.vague and at.high < 200:
        # "dozens of migrants": the labels give vague sizes for hundreds and thousands only;
        # dozens are the people of one event (hurt, on a bus, turned back), not a crowd's size.
        return False, "dozens: a handful of people, not a caravan's size"
    if re.search(r"\b(?:died|dead|killed|drowned|deaths)\b", s[at.end:at.end + 40], re.I):
        return False, "counts deaths"
    if cat in ("people", "composition") and q_start == at.start and not at.vague and at.low == at.high \
            and not round_estimate(at.low) and not (_CROWD_OF.search(before) or _GROWTH.search(before)):
        # "312 migrants", "1,087 people": an unqualified, unrounded head count is a tally
        # (of people detained, rescued, registered, housed); a crowd is estimated ("about
        # 300", "more than 1,000") unless its own organisers counted it ("a caravan of 312").
        return False, "an exact tally of people, not an estimate of a crowd"
    if cat in ("people", "composition"):
        return True, f"counts {noun}" if noun.lower() not in ("strong", "member", "person", "who", "whom") else "counts people"
    # A bare figure ("has grown to 4,000", "caravan of 2,000", "Haitians - 12,000 ...",
    # "There are more than 800"): the crowd is named elsewhere in the sentence.
    if _CROWD_OF.search(before):
        return True, "bare figure after a crowd noun ('caravan of N')"
    if re.search(r"\bthere\s+(?:are|were|is|was)\s+$", before, re.I):
        return True, "bare figure in 'there are N' about the crowd"
    if re.search(r"[–—-]\s*$|\(\s*$", before) and _CROWD_WORDS.search(before[-60:]):
        return True, "bare figure in apposition to a crowd noun"
    if _GROWTH.search(before) and _CROWD_WORDS.search(s):
        return True, "bare figure for a crowd named in the sentence"
    if _PEAK.search(before) and _CROWD_WORDS.search(s):
        return True, "bare figure for a crowd's peak ('down from a high of N')"
    if _CROWD_VERB_AFTER.match(s[at.end:]) and _CROWD_WORDS.search(s):
        # "About 300 managed to cross", "some 200 returned": a part of the crowd, as the
        # subject of what the crowd does (a size with a scope, not a statistic).
        return True, "bare figure as the subject of the crowd's verb"
    return False, "no counted noun (bare number)"


def round_estimate(n: int) -> bool:
    """As crowds are estimated: to the ten below 1,000, to the fifty from there (the rule
    above and the size model's feature read the same)."""
    return n % 10 == 0 if n < 1000 else n % 50 == 0


# Each figure is read in the text around it, at most this far either side: every rule looks
# at a few words, and a sentence of 10,000 numbers must not cost 10,000 passes over it
# (that was quadratic: 2,000 numbers took 25 s). Sentences shorter than this read as before.
_WINDOW = 400
# A "sentence" with more figures than this is a table or a list, not prose: only its first
# figures are read (a 10 MB line of numbers would otherwise take an hour).
MAX_FIGURES = 200


def find_sizes(sentence: str, *, offset: int = 0) -> list[SizeMention]:
    """Every number expression in `sentence` that could be a crowd size (see module doc)."""
    whole = sentence or ""
    atoms = _atoms(whole, MAX_FIGURES + 1)  # one more: the last may form a range with the one before
    if not atoms:
        return []
    read_to = atoms[-1].end + _WINDOW  # dates further on touch no figure read
    dates = sorted((d.start, d.end) for d in find_dates(whole[:read_to], None))  # "Oct. 23", "in 2021"
    date_starts = [a for a, _ in dates]
    reach, top = [], -1  # reach[k]: the furthest end among the first k+1 dates
    for _, b in dates:
        top = max(top, b)
        reach.append(top)

    def in_a_date(a: int, b: int) -> bool:
        k = bisect.bisect_left(date_starts, b)  # dates that start before b ...
        return k > 0 and reach[k - 1] > a  # ... one of which ends after a
    out: list[SizeMention] = []
    i = 0
    while i < min(len(atoms), MAX_FIGURES):
        at, nxt = atoms[i], atoms[i + 1] if i + 1 < len(atoms) else None
        w0 = max(0, at.start - _WINDOW)
        s = whole[w0:min(len(whole), (nxt.end if nxt else at.end) + _WINDOW)]
        at = _Atom(at.start - w0, at.end - w0, at.low, at.high, at.vague, at.decimal)
        if nxt:
            nxt = _Atom(nxt.start - w0, nxt.end - w0, nxt.low, nxt.high, nxt.vague, nxt.decimal)
        before = s[:at.start]
        qm = _QUALIFIER.search(before)
        q_start = qm.start() if qm else at.start
        qualifier = _QUAL_KIND.get(" ".join(qm["q"].lower().split()), "about") if qm else "exact"
        low, high, end = at.low, at.high, at.end
        merged = False
        if at.low != at.high:
            qualifier = "range"
        if nxt and not at.vague and not nxt.vague:
            gap = s[at.end:nxt.start]
            between = re.search(r"\bbetween\s+$", before, re.I)
            if between and re.fullmatch(r"\s+and\s+", gap):
                q_start, qualifier, merged = between.start(), "range", True
            elif re.fullmatch(r"\s*(?:to|or|[-–])\s*", gap) and not re.search(r"\bfrom\s+$", s[:q_start], re.I):
                qualifier, merged = "range", True
            elif qualifier == "at_least" and re.fullmatch(
                r",?\s+(?:and\s+|but\s+|or\s+)?(?:almost|nearly|up\s+to|as\s+many\s+as|close\s+to|perhaps|maybe)\s+", gap, re.I
            ):
                qualifier, merged = "range", True  # "more than 800, almost a thousand"
            if merged:
                low, high, end = min(at.low, nxt.low), max(at.high, nxt.high), nxt.end
        cat, noun, head_end = _head(s, end, at.vague)
        if at.vague:
            qualifier = "vague"
        elif qualifier == "exact" and cat == "people" and re.match(
            r"\s+(?:[\w-]+\s+){0,3}?(?:are|were|is|was)\s+(?:estimated|believed|thought)\b", s[end:], re.I
        ):
            qualifier = "about"  # "7,500 people are estimated to be part of"
        if in_a_date(at.start + w0, end + w0):
            ok, reason, cat = False, "part of a date", None
        else:
            probe = _Atom(at.start, end, low, high, at.vague, at.decimal)
            ok, reason = _decide(s, probe, q_start, cat, noun)
        span_end = max(end, head_end) if cat else end
        out.append(SizeMention(q_start + w0 + offset, span_end + w0 + offset, s[q_start:span_end], low, high,
                               qualifier, ok, reason))
        i += 2 if merged else 1
    return out
