"""Finding and resolving date expressions in news text.

News reports date events relative to their publication ("on Saturday", "last
night", "six days ago", "in early September"). `find_dates` finds such
expressions and resolves them against the publication date, with the precision
the text supports. Rules (the devset README's labelling rules, made explicit):

- Explicit dates are used as printed: "Oct. 23, 2021", "23 October 2021",
  "2021-10-23" -> day; "December 2018" -> month; "in 2021", "since 1986" -> year.
- A day or month printed without a year takes the publication year, or the year
  before when that would put it after publication ("on December 23" in an article
  of 11 Jan 2024 is 23 Dec 2023) - unless the clause is in the future tense
  ("will ... in January", "hoping to ... before the January 20 start"). A weekday
  printed next to the date ("Friday, June 7") picks the year where it fits.
- A weekday is the most recent such day on or before publication (the same day
  counts); "last Thursday" is strictly before; "next Monday" strictly after; in a
  future-tense clause ("will ... on Tuesday") the next such day on or after.
- today/tonight/this morning/currently = publication day; yesterday/last night =
  the day before; tomorrow = the day after.
- "N days/weeks ago" -> publication minus N days/weeks, day precision (plain
  arithmetic, as the labels count "six days ago"); "N months ago" -> month
  precision; "N years ago" -> year precision; "in N days" -> the future.
- "N days later", "the day before", "the next day", "that same day" count from the nearest
  explicit day before it in the same text, or the caller's `anchor` (the last day named in
  the sentences before): "left on October 13 and entered Mexico six days later" -> 19 Oct;
  without such an anchor it is reported with date=None.
- Calendar weeks ("last week", "this week", "earlier in the week") cannot be
  named as one day, so they are coarsened to the month that contains most of that
  week (precision "month") rather than pretending to know the day.
- "last/this/next month|year" -> month/year precision.
- Without a publication date nothing relative is guessed: such mentions come back
  with date=None, precision=None, relative=True.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

@dataclass
class DateMention:
    start: int
    end: int
    text: str
    date: _dt.date | None
    precision: str | None  # "day" | "month" | "year"; None when unresolved
    relative: bool  # resolution depends on the publication date (or another date)
    future: bool = False  # said of something to come ("will leave on Tuesday", "is expected Monday")


MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30,
}

# Month names are matched capitalised only: "may" the verb and "march" the noun
# are far more common than the months in lower case. "May" additionally needs a
# day, a year or a preposition ("in May") because of names like Theresa May.
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\."
_MONTH_UP = r"(?:JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|(?:JAN|FEB|MAR|APR|JUN|JUL|AUG|SEPT|SEP|OCT|NOV|DEC)\.)"
_MONTH = rf"(?P<month>{_MONTH_FULL}|{_MONTH_ABBR}|{_MONTH_UP}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?=\s+\d))"
_WEEKDAY = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|MONDAY|TUESDAY|WEDNESDAY|THURSDAY|FRIDAY|SATURDAY|SUNDAY)"
_DAYNUM = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|at\s+(?:dawn|dusk|noon|midday|midnight)|at\s+\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm)))?"
_NUM = r"(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|a few|a couple of|several)"

_PATTERNS: list[tuple[str, re.Pattern]] = [
    # 2021-10-23
    ("iso", re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<m>\d{2})-(?P<day>\d{2})(?![\d-])")),
    # 11/21/2018 (US order; day-first when the first number cannot be a month)
    ("slash", re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})(?![\d/])")),
    # [Wednesday,] Nov. 21[,] [2018]
    ("mdy", re.compile(rf"(?:(?:on\s+)?{_WEEKDAY},?\s+)?\b{_MONTH}\s+{_DAYNUM}\b(?!,\d{{3}}|\s*(?:%|percent|people|migrants))(?:,?\s+{_YEAR}\b)?")),
    # [Wednesday,] 23 October [2021]
    ("dmy", re.compile(rf"(?:(?:on\s+)?{_WEEKDAY},?\s+)?\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_FULL}|{_MONTH_ABBR})(?:,?\s+{_YEAR}\b)?")),
    # December 2018, in Oct. 2020
    ("my", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    # in early September, since February, the end of May, mid-July
    ("month", re.compile(
        rf"\b(?P<mod>(?:in|since|during|by|until|till|from|through|to|and|of|between|before|after|last|this|next|"
        rf"early|mid|late|in\s+early|in\s+mid|in\s+late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|"
        rf"the\s+middle\s+of|earlier\s+in|later\s+in)(?:-|\s+))(?P<month>{_MONTH_FULL}|{_MONTH_ABBR})(?![\w-]|\s*\d)"
    )),
    # mid-July (a bare capitalised "March" is too often a verb or a name)
    ("month_bare", re.compile(r"(?<![\w-])(?P<mod>early-|mid-|late-)(?P<month>January|February|March|April|June|July|August|September|October|November|December)(?![\w-])")),
    # Christmas Eve, on Christmas, New Year's Day: fixed-date holidays shared by the
    # countries these caravans cross (moveable feasts are left out).
    ("holiday", re.compile(
        r"(?<![\w-])(?P<h>Christmas\s+Eve|Christmas\s+Day|Christmas\s+(?:night|morning)|(?<=on\s)Christmas|"
        r"New\s+Year['’]s\s+Eve|New\s+Year['’]s\s+Day|(?<=on\s)New\s+Year['’]s)(?![\w-])")),
    # today, yesterday, last night, tonight, this morning, currently
    ("deictic", re.compile(
        r"(?<![\w-])(?P<w>the\s+day\s+before\s+yesterday|yesterday(?:\s+(?:morning|afternoon|evening))?|"
        r"today|tonight|tomorrow(?:\s+(?:morning|afternoon|evening|night))?|last\s+night|this\s+(?:morning|afternoon|evening)|"
        r"currently|overnight|at\s+present)(?![\w-])", re.I)),
    # six days ago / two months ago / in 10 days / six days later
    ("ago", re.compile(rf"(?<![\w-]){_NUM}\s+(?P<unit>days?|weeks?|months?|years?)\s+(?P<dir>ago|earlier|later|from\s+now)\b", re.I)),
    # the day before, the next day, that same day: counted from the day named before it
    ("relday", re.compile(
        r"(?<![\w-])(?P<w>the\s+(?:day|night)\s+before|the\s+(?:previous|next|following)\s+(?:day|night|morning)|"
        r"(?:that|the)\s+same\s+(?:day|night|morning|afternoon|evening))(?![\w-])", re.I)),
    ("in_n", re.compile(rf"\b(?:in|within)\s+(?:the\s+next\s+)?{_NUM}\s+(?P<unit>days?|weeks?|months?)\b", re.I)),
    # last week / this week / earlier this week / next month / this year
    ("period", re.compile(
        r"(?<![\w-])(?P<mod>last|this|next|earlier\s+this|later\s+this|earlier\s+in\s+the|later\s+in\s+the|so\s+far\s+this|"
        r"past|the\s+past|the\s+previous|the\s+coming)\s+(?P<unit>week|month|year)(?![\w-])", re.I)),
    # [on|last|next|this] Saturday [morning | at midnight]
    ("weekday", re.compile(rf"(?<![\w-])(?:(?P<mod>last|next|this|this\s+past|this\s+coming|on|early|late|by|since|until)\s+)?{_WEEKDAY}(?!s\b){_PART_OF_DAY}", re.I)),
    # in 2021, since 1986, the 2017 fiscal year, fiscal year 2021
    ("year", re.compile(
        rf"(?:\b(?P<mod>in|since|during|by|until|till|from|through|of|for|before|after|between|and|early|late|mid|fiscal\s+year|year|so\s+far\s+in)(?:\s+|-)|(?<=\bthe\s)|(?=\d{{4}}\s+fiscal\s+year)){_YEAR}(?![\d,.-]\d|[\w-]|\s+(?:people|migrants|individuals|persons))", re.I)),
]
_FUTURE = re.compile(
    r"\b(?:will|'ll|shall|would|going\s+to|plans?\s+to|planned\s+to|planning\s+to|expects?\s+to|expected\s+to|"
    r"scheduled|set\s+to|due\s+to(?!\s+(?:the|a|an|its|their|this|that|there|it|lack|heavy|high|low)\b)|aims?\s+to|aiming\s+to|hopes?\s+to|hoping\s+to|wants?\s+to|intends?\s+to|"
    r"intending\s+to|upcoming|next|will\s+be|"
    # "is expected in Huixtla on Thursday", "are due at the border on Monday": an arrival to come
    r"(?:is|are|'s|’s)\s+(?:\w+ly\s+)?(?:expected|due)(?!\s+to\s+(?:the|a|an|its|their|this|that|there|it|lack|heavy|high|low)\b))\b", re.I)
_PAST = re.compile(
    r"\b(?:was|were|had|did|left|departed|arrived|reached|crossed|entered|began|started|set\s+out|set\s+off|said|"
    r"told|came|went|got|marched|walked|gathered|rested|slept|stayed|broke|formed|blocked|stopped|pushed|"
    r"detained|returned|marked|signed|met|spent|took|made|announced|reported|ago|last|"
    r"[a-z]{3,}ed)\b")
_NOT_PAST_ED = {"need", "speed", "feed", "seed", "exceed", "proceed", "succeed", "indeed", "hundred", "red", "bed", "embed", "united", "scheduled", "expected", "planned"}


@dataclass
class _Raw:
    start: int
    end: int
    kind: str
    m: re.Match


def clause_tense(text: str, pos: int) -> str | None:
    """'future' or 'past' from the nearest tense marker before `pos` in its clause."""
    lo = max(0, pos - 120)
    window = text[lo:pos]
    cut = max(window.rfind(". "), window.rfind("; "), window.rfind("? "), window.rfind("! "))
    if cut >= 0:
        window = window[cut + 2:]
    best: tuple[int, str] | None = None
    for m in _FUTURE.finditer(window):
        best = max(best or (-1, ""), (m.end(), "future"))
    for m in _PAST.finditer(window):
        if m.group().lower() in _NOT_PAST_ED:
            continue
        if m.group().endswith("ed") and re.search(r"\b(?:be|been|being)\s+(?:\w+-)?$", window[:m.start()]):
            continue  # passive participle: "would be re-evaluated" takes the auxiliary's tense
        if best is None or m.end() > best[0]:
            best = (m.end(), "past")
    return best[1] if best else None


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + delta
    return k // 12, k % 12 + 1


def _weekday_date(pub: _dt.date, wd: int, mode: str) -> _dt.date:
    back = (pub.weekday() - wd) % 7
    if mode == "past":  # on or before publication
        return pub - _dt.timedelta(days=back)
    if mode == "strict_past":
        return pub - _dt.timedelta(days=back or 7)
    fwd = (wd - pub.weekday()) % 7
    if mode == "future":  # on or after
        return pub + _dt.timedelta(days=fwd)
    return pub + _dt.timedelta(days=fwd or 7)  # strict_future


def _month_of_week(day: _dt.date, clip: _dt.date | None = None) -> _dt.date:
    """First of the month holding most of `day`'s Monday-Sunday week (its Thursday)."""
    thursday = day - _dt.timedelta(days=day.weekday()) + _dt.timedelta(days=3)
    if clip is not None and thursday > clip:
        thursday = clip
    return thursday.replace(day=1)


def _num(word: str) -> int | None:
    w = word.lower()
    if w.isdigit():
        return int(w)
    return NUMBER_WORDS.get(w)  # vague amounts ("a few", "several") give None


def _month_num(s: str) -> int:
    return MONTHS[s.rstrip(".").lower()]


def _pick_year(pub: _dt.date, month: int, day: int, tense: str | None, weekday: int | None) -> _dt.date | None:
    """Year for a day printed without one (see module docstring)."""
    cands = []
    for y in (pub.year - 1, pub.year, pub.year + 1):
        try:
            cands.append(_dt.date(y, month, day))
        except ValueError:
            pass
    if not cands:
        return None
    if weekday is not None:
        fits = [c for c in cands if c.weekday() == weekday]
        if len(fits) == 1:
            return fits[0]
    if tense == "future":
        later = [c for c in cands if c >= pub]
        return min(later) if later else None
    earlier = [c for c in cands if c <= pub]
    return max(earlier) if earlier else None


def _pick_month(pub: _dt.date, month: int, tense: str | None, mod: str | None) -> _dt.date:
    """First of the month: past occurrence by default (this year if not after the
    publication month, else last year); next occurrence in a future-tense clause."""
    mod = (mod or "").strip().lower()
    if mod == "next" or (tense == "future" and mod != "last"):
        year = pub.year if month > pub.month or (month == pub.month and mod != "next") else pub.year + 1
    elif mod == "last":
        year = pub.year if month < pub.month else pub.year - 1
    elif mod == "this":
        year = pub.year
    else:
        year = pub.year if month <= pub.month else pub.year - 1
    return _dt.date(year, month, 1)


# Every pattern above needs a digit or one of these words: most sentences have none,
# and one search is cheaper than fourteen.
_HINT = re.compile(r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
                   r"day|today|tonight|tomorrow|yesterday|night|week|month|year|christmas|currently|present|ago|later|earlier|"
                   r"morning|afternoon|evening", re.I)


@lru_cache(maxsize=8)  # a sentence is read for sizes, then for dates: the same candidates
def _candidates(text: str) -> list[_Raw]:
    if not _HINT.search(text):
        return []
    raws: list[_Raw] = []
    for kind, pat in _PATTERNS:
        for m in pat.finditer(text):
            raws.append(_Raw(m.start(), m.end(), kind, m))
    # Longest span first, then pattern order; drop anything overlapping a kept span.
    order = {k: i for i, (k, _) in enumerate(_PATTERNS)}
    raws.sort(key=lambda r: (-(r.end - r.start), order[r.kind], r.start))
    kept: list[_Raw] = []  # by start, never overlapping: a new span is checked against its two neighbours
    starts: list[int] = []
    for r in raws:
        i = bisect.bisect_left(starts, r.start)
        if (i == 0 or kept[i - 1].end <= r.start) and (i == len(kept) or r.end <= kept[i].start):
            kept.insert(i, r)
            starts.insert(i, r.start)
    return kept


def _trim_leading_preposition(text: str, start: int, end: int) -> int:
    """Spans start at the date words ("on Wednesday, Nov. 21" -> "Wednesday, Nov. 21");
    modifiers that change the meaning (last/next/this) stay in the span."""
    m = re.match(r"(?:on|in|since|during|by|until|till|from|through|to|and|of|between|before|after|for|so\s+far\s+in)\s+", text[start:end], re.I)
    return start + m.end() if m else start


def find_dates(text: str, published: _dt.date | None, *, offset: int = 0,
               anchor: _dt.date | None = None) -> list[DateMention]:
    """Date expressions in `text`, resolved against `published`.

    Spans are offsets into `text` plus `offset`, so a caller can pass one sentence
    and its start in the article. `anchor` is the last day named before `text` (in the
    sentences before it): "the day before", "six days later" count from it until the text
    names a day of its own. Never raises on odd input; impossible dates ("Feb. 30") are skipped.
    """
    if not text:
        return []
    pub = published
    out: list[DateMention] = []
    last_explicit: _dt.date | None = anchor  # anchor for "N days later", "the day before"

    for r in _candidates(text):
        m, kind = r.m, r.kind
        start, end = r.start, r.end
        date: _dt.date | None = None
        precision: str | None = None
        relative = False
        future = False
        try:
            if kind == "iso":
                date, precision = _dt.date(int(m["year"]), int(m["m"]), int(m["day"])), "day"
            elif kind == "slash":
                a, b = int(m["a"]), int(m["b"])
                month, day = (a, b) if a <= 12 else (b, a)
                date, precision = _dt.date(int(m["year"]), month, day), "day"
            elif kind in ("mdy", "dmy"):
                if m["wd"] and not _cased(m["wd"]):
                    continue
                month, day = _month_num(m["month"]), int(m["day"])
                if m["year"]:
                    date, precision = _dt.date(int(m["year"]), month, day), "day"
                else:
                    _dt.date(2000, month, day)  # validates day-of-month (leap year)
                    relative = True
                    if pub:
                        wd = WEEKDAYS[m["wd"].lower()] if m["wd"] else None
                        future = clause_tense(text, start) == "future"
                        date = _pick_year(pub, month, day, "future" if future else None, wd)
                        precision = "day" if date else None
                start = _trim_leading_preposition(text, start, end)
            elif kind == "my":
                date, precision = _dt.date(int(m["year"]), _month_num(m["month"]), 1), "month"
            elif kind in ("month", "month_bare"):
                mod = m["mod"] or ""
                modl = mod.strip(" -").lower()
                if m["month"] == "May" and modl in ("and", "to", "of", "before", "after", "this", ""):
                    continue  # "Theresa May", "... and May": too ambiguous without a preposition
                if kind == "month" and modl in ("in", "since", "during", "by", "until", "till", "from", "through", "to", "and", "of", "between", "before", "after"):
                    start = start + len(mod)
                relative = True
                if pub:
                    date = _pick_month(pub, _month_num(m["month"]), clause_tense(text, r.start), modl.split()[-1] if modl else None)
                    precision = "month"
            elif kind == "holiday":
                h = " ".join(m["h"].lower().replace("’", "'").split())
                month, day = {"christmas eve": (12, 24), "new year's eve": (12, 31)}.get(
                    h, (1, 1) if h.startswith("new year") else (12, 25))
                relative = True
                if pub:
                    date = _pick_year(pub, month, day, clause_tense(text, start), None)
                    precision = "day" if date else None
            elif kind == "deictic":
                w = " ".join(m["w"].lower().split())
                if w == "today" and re.search(r"\b(?:USA|Good Morning America)\s*$|\bthe\s*$", text[max(0, start - 20):start]):
                    continue  # "USA Today", "the Today show"
                relative = True
                if pub:
                    delta = 0
                    if w.startswith("yesterday") or w == "last night":
                        delta = -1
                    elif w.startswith("the day before yesterday"):
                        delta = -2
                    elif w.startswith("tomorrow"):
                        delta = 1
                    date, precision = pub + _dt.timedelta(days=delta), "day"
            elif kind == "relday":
                w = " ".join(m["w"].lower().split())
                relative = True
                if last_explicit is not None:
                    delta = -1 if ("before" in w or "previous" in w) else 1 if ("next" in w or "following" in w) else 0
                    date, precision = last_explicit + _dt.timedelta(days=delta), "day"
            elif kind in ("ago", "in_n"):
                n = _num(m["n"])
                unit = m["unit"].lower().rstrip("s")
                direction = (m["dir"].lower() if kind == "ago" else "from now")
                relative = True
                if n is None:
                    pass  # "a few days ago": not a number of days we can count
                elif direction in ("later", "earlier"):
                    # Counted from the last day named before it in this text, not from
                    # publication; no anchor -> unresolved.
                    base = last_explicit
                    if base is not None and unit in ("day", "week"):
                        sign = 1 if direction == "later" else -1
                        date, precision = base + _dt.timedelta(days=sign * n * (7 if unit == "week" else 1)), "day"
                elif pub:
                    sign = -1 if direction == "ago" else 1
                    if unit in ("day", "week"):
                        date, precision = pub + _dt.timedelta(days=sign * n * (7 if unit == "week" else 1)), "day"
                    elif unit == "month":
                        y, mo = _shift_month(pub.year, pub.month, sign * n)
                        date, precision = _dt.date(y, mo, 1), "month"
                    else:
                        date, precision = _dt.date(pub.year + sign * n, 1, 1), "year"
            elif kind == "period":
                mod = " ".join(m["mod"].lower().split())
                unit = m["unit"].lower()
                if mod in ("past", "the past", "the previous", "the coming"):
                    continue  # "the past week": a duration, not a date
                relative = True
                if pub:
                    shift = {"last": -1, "next": 1}.get(mod, 0)
                    if unit == "week":
                        anchor = pub + _dt.timedelta(days=7 * shift)
                        date, precision = _month_of_week(anchor, pub if shift == 0 else None), "month"
                    elif unit == "month":
                        y, mo = _shift_month(pub.year, pub.month, shift)
                        date, precision = _dt.date(y, mo, 1), "month"
                    else:
                        date, precision = _dt.date(pub.year + shift, 1, 1), "year"
            elif kind == "weekday":
                if not _cased(m["wd"]):
                    continue
                mod = " ".join((m["mod"] or "").lower().split())
                if mod in ("on", "early", "late", "by", "since", "until"):
                    start = start + len(m["mod"]) + 1 if mod == "on" else start
                relative = True
                if pub:
                    wd = WEEKDAYS[m["wd"].lower()]
                    if mod in ("last", "this past"):
                        mode = "strict_past"
                    elif mod in ("next", "this coming"):
                        mode = "strict_future"
                    else:
                        mode = "future" if clause_tense(text, r.start) == "future" else "past"
                    future = mode in ("future", "strict_future")
                    date, precision = _weekday_date(pub, wd, mode), "day"
            elif kind == "year":
                mod = (m["mod"] or "").strip().lower()
                year = int(m["year"])
                if not 1900 <= year <= 2100:
                    continue
                if mod and mod not in ("fiscal year", "year", "early", "late", "mid"):
                    start = start + len(m.group()) - len(m["year"])
                date, precision = _dt.date(year, 1, 1), "year"
        except (ValueError, KeyError, OverflowError):
            continue  # "Feb. 30", out-of-range arithmetic: not a date
        if date is not None and precision == "day" and kind not in ("ago", "in_n", "relday"):
            last_explicit = date
        out.append(DateMention(start + offset, end + offset, text[start:end], date, precision if date else None, relative,
                               future or bool(date and pub and date > pub)))
    return out


def _cased(word: str | None) -> bool:
    """Capitalised or all caps: 'saturday' in lower case is not trusted as a day name
    (the weekday patterns are case-insensitive only for their modifiers)."""
    return bool(word) and (word[0].isupper())
