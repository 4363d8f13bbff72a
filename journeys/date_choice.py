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
from .terms import REPORT

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
    """The article's sentences and the date mentions in each (resolved as the extractor does:
    "the day before" counts from the last day named before it). Mentions are read lazily, up
    to the last sentence a stop asks about: a long article's tail past its last stop costs nothing."""

    def __init__(self, article, sentences):
        self.article = article
        self.text = article.text
        self.sentences = [s for s in sentences if not s.furniture and s.duplicate_of is None]
        self.starts = [s.start for s in self.sentences]
        self.mentions = _Mentions(self)

    def index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)


class _Mentions:
    def __init__(self, ad: ArticleDates):
        self.ad, self.done, self.anchor = ad, [], None

    def __getitem__(self, k: int) -> list[DateMention]:
        while len(self.done) <= k:
            s = self.ad.sentences[len(self.done)]
            ds = [d for d in find_dates(s.text, self.ad.article.published, offset=s.start, anchor=self.anchor)
                  if d.date is not None]
            self.anchor = next((d.date for d in reversed(ds) if d.precision == "day"), self.anchor)
            self.done.append(ds)
        return self.done[k]


def last_day(ad: ArticleDates, k: int):
    """The last day named in sentences 0..k (None: none yet)."""
    for j in range(k, -1, -1):
        days = [d.date for d in ad.mentions[j] if d.precision == "day"]
        if days:
            return days[-1]
    return None


def _tense(text: str, pos: int) -> str:
    t = clause_tense(text, pos)
    return t or "none"


_ROLE_GROUP = {"origin": "origin", "departure": "departure", "waypoint": "passed", "arrival": "passed",
               "current": "current", "destination": "destination"}
_EXPR_GROUP = {"yesterday": "deictic", "today": "deictic", "tomorrow": "deictic", "ago": "counted",
               "relday": "counted", "week": "week", "period": "period", "year": "year", "month_part": "month_part",
               "month_whole": "month_whole", "month": "month_whole", "weekday": "weekday",
               "absolute_day": "absolute_day", "day_other": "weekday"}


class _At:
    def __init__(self, start: int):
        self.start = start


def candidates(ad: ArticleDates, o, places_in_sentence: list[tuple[int, int]]) -> list[Candidate]:
    """The candidate dates of stop `o` (its place at o.place.start), each with features."""
    from .extract import _same_clause  # the clause test the rules use, as a feature

    text, art = ad.text, ad.article
    pos, end = o.place.start, o.place.end
    k = ad.index(pos)
    s = ad.sentences[k]
    rg = _ROLE_GROUP.get(o.role, "passed")
    head = text[s.start:pos]
    from_cue = bool(_FROM.search(text[max(s.start, pos - 40):pos]))
    tense_place = _tense(text, pos)
    here = ad.mentions[k]
    out: list[Candidate] = []
    pub = art.published
    rule_date = (o.date, o.date_precision) if o.date is not None else None

    def cand(kind, date, precision, dtext, f):
        f = {f"type={kind}": 1.0, f"type={kind}&rg={rg}": 1.0, **f}
        out.append(Candidate(kind, date, precision, dtext, f))

    cand("none", None, None, None, {
        **({"none&sentence_dated": 1.0} if here else {}),
        **({"none&from": 1.0} if from_cue and rg != "departure" else {}),
        **({"rule_pick": 1.0} if rule_date is None else {}),
    })
    if pub is not None:
        cand("pub", pub, "day", None, {
            f"pub&tense={tense_place}": 1.0,
            **({"pub&sentence_dated": 1.0} if here else {}),
            **({"pub&progressive": 1.0} if _PROGRESSIVE.search(head[-80:]) else {}),
            **({"pub&perfect": 1.0} if _PERFECT.search(head[-80:]) else {}),
            **({"rule_pick": 1.0} if rule_date == (pub, "day") else {}),
            **({"pub&lead": 1.0} if k <= 1 else {}),
            **({f"pub&undated_so_far&rg={rg}": 1.0} if not any(ad.mentions[j] for j in range(k + 1)) else {}),
            **({"pub&last_day_named_is_pub": 1.0} if last_day(ad, k) == pub else {}),
        })
    # The nearest date of the stop's own clause that can date it: a plan (after the report,
    # or future tense) for a destination, a day or part-month passed for any other stop.
    def eligible(d: DateMention) -> bool:
        plan = (pub is not None and d.date > pub) or d.future
        return (plan if rg == "destination" else not plan and d.precision != "year"
                and expression_kind(d) not in ("month_whole", "month")) and \
            not _REPORT_VERB.search(text[max(s.start, d.start - 50):d.start]) and not _EVENT_NOUN.match(text, d.end)
    own = [d for d in here if eligible(d) and _same_clause(text, s, d, _At(pos))]
    own_pick = min(own, key=lambda d: abs(d.start - pos) + (0 if d.precision == "day" else 200)) if own else None
    scopes = [(k, "same")] + [(j, f"prev{k - j}") for j in (k - 1, k - 2) if j >= 0]
    scopes += [(j, "lead") for j in (0, 1) if j < k - 2]
    rule_matched = False
    for j, where in scopes:
        sj = ad.sentences[j]
        for d in ad.mentions[j]:
            line_start = text.rfind("\n", 0, d.start) + 1
            if d.start - line_start <= 60 and _DATELINE_TAIL.match(text, d.end):
                continue  # "ROME, JANUARY 16 –": the day the report was filed (the publication candidate)
            eg = _EXPR_GROUP.get(expression_kind(d), "weekday")
            f: dict[str, float] = {f"where={where}": 1.0, f"where={where}&rg={rg}": 1.0, f"expr={eg}": 1.0}
            if pub is not None:
                rel = "after" if d.date > pub else "pub" if d.date == pub else "before"
                f[f"rel={rel}"] = 1.0
                f[f"rel={rel}&{'plan' if rg == 'destination' else 'fact'}"] = 1.0
            if d.future:
                f[f"future&{'plan' if rg == 'destination' else 'fact'}"] = 1.0
            if _REPORT_VERB.search(text[max(sj.start, d.start - 50):d.start]):
                f["report_verb_before"] = 1.0
            if _EVENT_NOUN.match(text, d.end):
                f["event_noun_after"] = 1.0
            if where == "same":
                before = d.end <= pos
                gap = pos - d.end if before else d.start - end
                lo, hi = (d.end, pos) if before else (end, d.start)
                between = text[lo:hi]
                f["side=" + ("before" if before else "after")] = 1.0
                f[f"dist={_bucket(max(gap, 0), (30, 80))}"] = 1.0
                f["same_clause" if _same_clause(text, s, d, _At(pos)) else "other_clause"] = 1.0
                if any(lo <= a and b <= hi for a, b in places_in_sentence):
                    f["place_between"] = 1.0
                mine = abs((d.start + d.end) / 2 - (pos + end) / 2)
                if any(abs((d.start + d.end) / 2 - (a + b) / 2) < mine for a, b in places_in_sentence if a != pos):
                    f["other_place_nearer"] = 1.0
                if min(ad.mentions[j], key=lambda x: abs(x.start - pos)) is d:
                    f["nearest_in_sentence"] = 1.0
                if from_cue and rg != "departure":
                    f["from_cue"] = 1.0
                if d is own_pick:
                    f["own_clause_pick"] = 1.0
                    f[f"own_clause_pick&rg={rg}"] = 1.0
                if re.search(r"[;:]", between):
                    f["clause_break_between"] = 1.0
            else:
                if here:
                    f["earlier_sentence&sentence_dated"] = 1.0
                f[f"earlier_sentence&tense_place={tense_place}"] = 1.0
                if _LATER_ON.search(head):
                    f["earlier_sentence&sequence_word"] = 1.0
            if rule_date is not None and rule_date == (d.date, d.precision) and o.date_text in (None, d.text):
                f["rule_pick"] = 1.0
                rule_matched = True
            out.append(Candidate("mention", d.date, d.precision, d.text, f))
    if rule_date is not None and not rule_matched and rule_date != (pub, "day"):
        # A day the rules derived (carried from the sentence before, a departure's month).
        cand("rule", o.date, o.date_precision, o.date_text, {"rule_pick": 1.0})
    return out


def scores(weights: dict[str, float], cands: list[Candidate]) -> list[float]:
    s = [sum(weights.get(n, 0.0) * v for n, v in c.features.items()) for c in cands]
    top = max(s)
    e = [math.exp(x - top) for x in s]
    z = sum(e)
    return [x / z for x in e]


def stops_to_date(caravans) -> list:
    return [o for c in caravans for o in c.observations if o.place is not None and o.role != REPORT]


def redate(article, sentences, caravans, weights: dict[str, float], none_margin: float = 0.0) -> None:
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
        # "No date" only when surer than of any date by the margin learned with the weights.
        i = max(range(len(cands)), key=lambda j: p[j] * (math.exp(-none_margin) if cands[j].kind == "none" else 1.0))
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
