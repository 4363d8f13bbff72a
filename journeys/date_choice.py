"""Which date (if any) dates a stop: a choice learned on the corpus's train half.

For every stop the extractor keeps, the candidates are: each date mention in the stop's
sentence, in the one or two sentences before it and in the lead (headline, dateline, first
sentence); the article's publication day; the day the hand-written rules gave it when no
mention says it (a day carried from the sentence before, a departure's month); and "no
date". Each candidate is described by features that carry from one article to another
(same clause or not, distance, which side of the place, the kind of date expression, the
tense around it, whether it is the day something was said, whether another place lies
between, the stop's role, ...). A conditional logistic regression scores the candidates
of a stop; the likeliest is kept and its probability is the date's confidence.

Finding and resolving the date expressions stays a rule (journeys.dates: date arithmetic
is the truth). Weights: benchmarks/learn_date_choice.py, on train only, chosen by
article-grouped cross-validation; kept in journeys/data/date_choice.json. Without that
file the rules' dates stand.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field

from .dates import DateMention, clause_tense, find_dates
from .terms import DEPARTURE, DESTINATION, REPORT

_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_DEICTIC_PAST = re.compile(r"\b(?:yesterday|last\s+night|overnight)\b", re.I)
_DEICTIC_NOW = re.compile(r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|currently|at\s+present)\b", re.I)
_DEICTIC_NEXT = re.compile(r"\btomorrow\b", re.I)
_AGO = re.compile(r"\b(?:ago|earlier|later|from\s+now)\b|\b(?:in|within)\s+(?:the\s+next\s+)?\S+\s+(?:days?|weeks?|months?)\b", re.I)
_RELDAY = re.compile(r"\b(?:the\s+(?:day|night)\s+before|previous|next|following|same)\b", re.I)
_WEEK = re.compile(r"\bweek\b", re.I)
_PERIOD = re.compile(r"\b(?:month|year)\b", re.I)
_DIGIT = re.compile(r"\d")
_WHOLE_MONTH = re.compile(r"(?:[A-Z][a-z]+\.?|(?:in|since|during|by|until|from)\s+\S+)")
_EARLY_LATE = re.compile(r"\b(?:early|late|mid|end|beginning|start|middle)\b", re.I)
_REPORT_VERB = re.compile(
    r"\b(?:said|says|told|tells|announced|announces|reported|reports|stated|states|confirmed|confirms|"
    r"explained|added|tweeted|posted|wrote|informed|indicated|declared|noted)\b[^.;]{0,40}$")
_EVENT_NOUN = re.compile(
    r"\s+(?:presidential\s+|general\s+|midterm\s+)?(?:inauguration|elections?|deadline|summit|meetings?|visit|vote|"
    r"ceremony|hearing|anniversary|holidays?|celebrations?|debate|swearing-in|speech|talks|decree|agreement|deal|"
    r"announcement|ruling|court\s+date|appointment|start|kick-?off|launch|match|game|concert)\b", re.I)
_FROM = re.compile(r"\bfrom\s+(?:\w+\s+){0,6}$", re.I)
_PERFECT = re.compile(r"\b(?:has|have|had|'ve|’ve)\s+(?:\w+\s+)?\w+(?:ed|en|ne|un|ft)\b", re.I)
_PROGRESSIVE = re.compile(r"\b(?:is|are|was|were)\s+(?:\w+ly\s+)?\w+ing\b", re.I)
_LATER_ON = re.compile(r"\b(?:later|then|afterwards?|subsequently|eventually|since|next|following|previously|"
                       r"earlier|before|after|until|once|by now|so far|already|recent\w*|ago)\b", re.I)
_DATELINE_TAIL = re.compile(r"\s*(?:\([^)]{1,30}\)\s*)?(?:[–—]|-{1,2}\s|\.-)")


def expression_kind(d: DateMention) -> str:
    """The kind of date expression, read from its words (weekday, absolute day, month, ...)."""
    t = d.text
    if d.date is None:
        return "unresolved"
    if _DEICTIC_PAST.search(t):
        return "yesterday"
    if _DEICTIC_NOW.search(t):
        return "today"
    if _DEICTIC_NEXT.search(t):
        return "tomorrow"
    if _AGO.search(t):
        return "ago"
    if _RELDAY.search(t) and not _WEEK.search(t) and not _PERIOD.search(t):
        return "relday"
    if _WEEK.search(t):
        return "week"
    if d.precision == "year":
        return "year"
    if d.precision == "month":
        if _PERIOD.search(t):
            return "period"
        if _EARLY_LATE.search(t):
            return "month_part"
        return "month_whole" if _WHOLE_MONTH.fullmatch(t) else "month"
    if _WEEKDAY.search(t) and not _DIGIT.search(t):
        return "weekday"
    if _DIGIT.search(t):
        return "absolute_day"
    return "day_other"


@dataclass
class Candidate:
    kind: str  # "none" | "pub" | "mention" | "rule"
    date: object = None
    precision: str | None = None
    text: str | None = None
    features: dict = field(default_factory=dict)


def _bucket(n: int, edges=(10, 25, 50, 100, 200)) -> str:
    for e in edges:
        if n < e:
            return f"<{e}"
    return f">={edges[-1]}"


class ArticleDates:
    """The article's sentences and the date mentions in each (resolved as the extractor does)."""

    def __init__(self, article, sentences):
        self.article = article
        self.sentences = [s for s in sentences if not s.furniture and s.duplicate_of is None]
        self.starts = [s.start for s in self.sentences]
        self.mentions: list[list[DateMention]] = []
        anchor = None
        text = article.text
        for s in self.sentences:
            ds = find_dates(s.text, article.published, offset=s.start, anchor=anchor)
            ds = [d for d in ds if d.date is not None]
            anchor = next((d.date for d in reversed(ds) if d.precision == "day"), anchor)
            self.mentions.append(ds)
        self.text = text

    def index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)


def _tense(text: str, pos: int) -> str:
    t = clause_tense(text, pos)
    return t or "none"


def candidates(ad: ArticleDates, o, places_in_sentence: list[tuple[int, int]]) -> list[Candidate]:
    """The candidate dates of stop `o` (its place at o.place.start), each with features."""
    text, art = ad.text, ad.article
    pos, end = o.place.start, o.place.end
    k = ad.index(pos)
    s = ad.sentences[k]
    role = o.role
    before_place = text[max(s.start, pos - 60):pos]
    from_cue = bool(_FROM.search(text[max(s.start, pos - 40):pos]))
    tense_place = _tense(text, pos)
    here = ad.mentions[k]
    out: list[Candidate] = []

    def common(c: Candidate, extra: dict) -> Candidate:
        f = {f"type={c.kind}": 1.0, f"type={c.kind}&role={role}": 1.0}
        f.update(extra)
        c.features = f
        return c

    pub = art.published
    rule_date = (o.date, o.date_precision) if o.date is not None else None
    has_here = bool(here)
    out.append(common(Candidate("none"), {
        f"none&tense={tense_place}": 1.0,
        **({"none&sentence_dated": 1.0} if has_here else {}),
        **({"none&prev_dated": 1.0} if k > 0 and ad.mentions[k - 1] else {}),
        **({"rule_pick": 1.0} if rule_date is None else {}),
        **({f"none&from&role={role}": 1.0} if from_cue else {}),
    }))
    if pub is not None:
        pick = rule_date is not None and rule_date == (pub, "day")
        out.append(common(Candidate("pub", pub, "day", None), {
            f"pub&tense={tense_place}": 1.0,
            **({"pub&sentence_dated": 1.0} if has_here else {}),
            **({"pub&progressive": 1.0} if _PROGRESSIVE.search(before_place) else {}),
            **({"pub&perfect": 1.0} if _PERFECT.search(before_place) else {}),
            **({"rule_pick": 1.0, "rule_pick&pub": 1.0} if pick else {}),
        }))
    # The mentions: this sentence, the two before, and the lead (first two sentences).
    seen_lead = set()
    scopes = [(k, "same")] + [(j, f"prev{k - j}") for j in (k - 1, k - 2) if j >= 0]
    for j in (0, 1):
        if j < len(ad.sentences) and j < k - 2:
            scopes.append((j, "lead"))
    rule_matched = False
    for j, where in scopes:
        ms = ad.mentions[j]
        sj = ad.sentences[j]
        for d in ms:
            if (j, d.start) in seen_lead:
                continue
            seen_lead.add((j, d.start))
            ek = expression_kind(d)
            f: dict[str, float] = {f"where={where}": 1.0, f"expr={ek}": 1.0, f"expr={ek}&role={role}": 1.0,
                                   f"where={where}&role={role}": 1.0, f"prec={d.precision}&role={role}": 1.0}
            if pub is not None:
                rel = "after" if d.date > pub else "pub" if d.date == pub else "before"
                f[f"rel={rel}"] = 1.0
                f[f"rel={rel}&role={role}"] = 1.0
                if d.precision == "day" and rel == "before":
                    f[f"days_before={_bucket((pub - d.date).days, (2, 4, 8, 31))}"] = 1.0
            if d.future:
                f["future"] = 1.0
                f[f"future&role={role}"] = 1.0
            tense_d = _tense(text, d.start)
            f[f"tense_date={tense_d}&role={role}"] = 1.0
            if _REPORT_VERB.search(text[max(sj.start, d.start - 50):d.start]):
                f["report_verb_before"] = 1.0
            if _EVENT_NOUN.match(text, d.end):
                f["event_noun_after"] = 1.0
            line_start = text.rfind("\n", 0, d.start) + 1
            if d.start - line_start <= 60 and _DATELINE_TAIL.match(text, d.end):
                f["dateline"] = 1.0
            if where == "same":
                gap = pos - d.end if d.end <= pos else d.start - end
                f["side=" + ("before" if d.end <= pos else "after")] = 1.0
                f[f"dist={_bucket(max(gap, 0))}"] = 1.0
                lo, hi = (d.end, pos) if d.end <= pos else (end, d.start)
                between = text[lo:hi]
                if re.search(r"[;:]|\band\s+(?:then\s+)?(?:[a-z]+ed|went|came|left|began)\b", between):
                    f["clause_break_between"] = 1.0
                if re.search(r",\s*(?:which|who|that)\b|\b(?:which|who|that)\s+[a-z]+ed\b", between):
                    f["relative_between"] = 1.0
                nb = sum(1 for a, b in places_in_sentence if lo <= a and b <= hi)
                if nb:
                    f["place_between"] = 1.0
                # Another stop of the sentence is nearer this date than this one is.
                mine = abs((d.start + d.end) / 2 - (pos + end) / 2)
                if any(abs((d.start + d.end) / 2 - (a + b) / 2) < mine for a, b in places_in_sentence if a != pos):
                    f["other_place_nearer"] = 1.0
                nearest = min(here, key=lambda x: abs(x.start - pos))
                if nearest is d:
                    f["nearest_in_sentence"] = 1.0
                if from_cue and role != DEPARTURE:
                    f["from_cue"] = 1.0
                if _LATER_ON.search(between):
                    f["sequence_word_between"] = 1.0
            elif where.startswith("prev"):
                if has_here:
                    f[f"{where}&sentence_dated"] = 1.0
                f[f"{where}&tense_place={tense_place}"] = 1.0
                if _LATER_ON.search(text[s.start:pos]):
                    f[f"{where}&sequence_word"] = 1.0
                if _PERFECT.search(text[s.start:pos]):
                    f[f"{where}&perfect"] = 1.0
            pick = rule_date is not None and rule_date == (d.date, d.precision) and (
                o.date_text is None or o.date_text == d.text)
            if pick:
                f["rule_pick"] = 1.0
                rule_matched = True
            out.append(Candidate("mention", d.date, d.precision, d.text, f))
    if rule_date is not None and not rule_matched and not (pub is not None and rule_date == (pub, "day")):
        # A day the rules derived (carried from the sentence before, a departure's month).
        out.append(common(Candidate("rule", o.date, o.date_precision, o.date_text), {"rule_pick": 1.0}))
    return out


def scores(weights: dict[str, float], cands: list[Candidate]) -> list[float]:
    s = [sum(weights.get(n, 0.0) * v for n, v in c.features.items()) for c in cands]
    top = max(s)
    e = [math.exp(x - top) for x in s]
    z = sum(e)
    return [x / z for x in e]


def stops_to_date(caravans) -> list:
    return [o for c in caravans for o in c.observations if o.place is not None and o.role != REPORT]


def redate(article, sentences, caravans, weights: dict[str, float], filtered: set | None = None) -> None:
    """Give every stop the date its likeliest candidate names (none: no date); the
    candidate's probability is the date's confidence."""
    stops = stops_to_date(caravans)
    if not stops:
        return
    ad = ArticleDates(article, sentences)
    spans: dict[int, list[tuple[int, int]]] = {}
    for o in stops:
        spans.setdefault(ad.index(o.place.start), []).append((o.place.start, o.place.end))
    for o in stops:
        cands = candidates(ad, o, spans.get(ad.index(o.place.start), []))
        p = scores(weights, cands)
        i = max(range(len(cands)), key=lambda j: p[j])
        c = cands[i]
        if c.kind == "none":
            o.date = o.date_precision = o.date_text = None
            o.confidences.pop("date", None)
        else:
            o.date, o.date_precision, o.date_text = c.date, c.precision, c.text
            o.confidences["date"] = round(p[i], 3)


def weights(model) -> dict[str, float]:
    """The candidate scores of a learned LinearModel (classes other/date): the log-odds."""
    k = model.classes.index("date")
    return {n: w[k] - w[1 - k] for n, w in model.weights.items()}
