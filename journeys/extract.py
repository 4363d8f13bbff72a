"""One article -> the caravans it reports, as observations with evidence.

Reading order, as a careful reader does it:
1. cut the body into sentences, skipping page furniture and repeated captions;
2. find the places (geoparser), dates (resolved against the publication date) and
   crowd sizes in each sentence;
3. give a place a role only when the words right before it say one ("left", "bound
   for", "reached", "rest in"...): a place that only locates another ("near the border
   with Guatemala") or hosts an unrelated event ("meet in Mexico City") is no stop;
4. keep track of which caravan a sentence is about: "an earlier group", "a previous
   caravan" open a background caravan, and an anaphor ("The group of about 800")
   continues it for one more sentence;
5. merge what is said twice within the article into one observation with extra evidence.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import re
from functools import lru_cache
from dataclasses import dataclass, field

from gazetteer import ADMIN1, ADMIN2, BORDER, CITY, COUNTRY, FEATURE, REGION, Context, Place, haversine_km
from gazetteer.geocoder import default_gazetteer
from geoparser import Toponym, geoparse

from .articles import Article, Sentence, segment
from .date_choice import redate, weights as date_choice_weights
from .dates import DateMention, clause_tense, find_dates
from .learned import load_model
from .model import (ARRIVAL, CURRENT, DEPARTURE, DESTINATION, ORIGIN, REPORT, WAYPOINT, Caravan, Evidence,
                    Observation, PlaceRef)
from .sizes import SizeMention, find_sizes, round_estimate

# -- role cues: the words just before a place -------------------------------------------
# Words allowed between a cue and its place ("left the Mexican southern border city of").
# Never another preposition of movement: "crossed into Guatemala from Honduras" is no
# crossing into Honduras.
_FILLER = (r"(?:(?!(?:and|or|but|where|which|who|while|with|near|by|after|before|when|from|into|for|to|toward|towards)\b)"
           r"[\w.’'\-]+\s+){0,6}?")
_ROLE_CUES: list[tuple[str, re.Pattern]] = [
    (ORIGIN, re.compile(r"\b(?:fleeing|fled|escaping|escaped)\s+" + _FILLER + r"$", re.I)),
    (DESTINATION, re.compile(
        r"\b(?:(?:left|leave|leaving|departed|depart|set out|set off|headed|heading|bound) for|toward|towards|approach\w*|"
        # "left Honduras for the United States", "moving from Southern Mexico to Mexico City"
        r"(?:left|leaving|departed|set out|set off)(?: [\w.’'\-]+){1,4}? for|"
        r"(?:mov|walk|march|trek|travel|head|advanc|work)\w*(?: (?:its|their) way)? from(?: [\w.’'\-,]+){1,6}? to|heading(?: \w+)? (?:to|for|toward|towards)|headed(?: \w+)?(?: to| for| toward| towards)?|"
        r"heads?(?: \w+)? (?:to|for|toward|towards)|en route to|on (?:its|their|the) way to|journey to|march(?:ing)? to|"
        r"to (?:\w+ )?(?:reach|get to|arrive (?:in|at)|go to|make (?:it|their way) to)|as far as|destined for|"
        r"make (?:its|their) way to|way to|aim(?:ing)? (?:of|to) reach(?:ing)?|goal (?:is|was) to reach|"
        r"(?:leading|lead|led|shepherd(?:ing)?)(?: \w+){0,5}? to|"
        # not "travel documents to cross Mexico", "transit permits to reach the border"
        r"(?:walk|travel|trek|go|advance|continue|move)\w* (?!(?:documents?|permits?|visas?|papers|permission|cards?) )(?:\w+ )?to|"
        r"heading north to|(?:catch|take|took|get|got|board\w*) (?:\w+ )?(?:rides?|buses|bus|trains?|trucks?) to|"
        r"press(?:ed|ing)? on (?:toward|towards|to)|next (?:stop|destination) (?:is|was|will be)|"
        r"(?:goal|aim|plan|intention) (?:is|was) to (?:\w+ )?(?:reach|get to|go to)|"
        # "the idea of reaching Mexico City", "when they reach the border": a goal, not yet reached
        r"(?:goal|aim|idea|intention|hope|dream|objective|purpose|plan|intent)s? of (?:reaching|getting to|going to|arriving (?:in|at))|"
        r"(?:when|once|until|before) (?:they|it|the \w+|\w+ members) (?:reach|arrive (?:in|at)|get to|make it to)|"
        r"expect(?:s|ed|ing)? to (?:\w+ )?(?:reach|arrive (?:in|at)|get to)|"
        # announced arrivals: "is expected in X on Monday", "due to arrive in", "will reach"
        r"(?:expected|due|scheduled|slated) (?:to (?:arrive|be|reach|get)(?: (?:in|at|to))?|in|at)|"
        r"will (?:\w+ )?(?:arrive|reach|get to|enter|be)(?: (?:in|at))?|"
        r"(?:planned?|plans?|planning|hop(?:e[sd]?|ing)|want(?:s|ed|ing)?|intend(?:s|ed|ing)?|seek(?:s|ing)?) to (?:\w+ )?(?:reach|get to|go to)|"
        # "want to seek asylum in the U.S.", "buses set for Guatemala"
        r"(?:seek|request|claim|apply for|ask for)\w* (?:political )?asylum in|(?:buses|bus|trucks?|trains?|vehicles?) (?:set|bound|headed) for)\s+"
        + _FILLER + r"$", re.I)),
    (DEPARTURE, re.compile(
        r"\b(?:left(?: from)?|leaving|leave|leaves|departed(?: from)?|depart(?:s|ing)?(?: from)?|set (?:out|off)(?: \w+)?(?: from)?|"
        r"started(?: out)?(?: \w+)? (?:from|in)|began(?: \w+){0,4}? (?:from|in)|formed in|gathered(?: \w+){0,3}? in|"
        r"form(?:ed)? (?:a|the) \w+ in|out of|"
        r"(?:walking|trekking|marching|(?:making|working) (?:its|their) way|moving|advancing|travell?ing) (?:\w+ )?from|"
        r"originat\w* (?:in|from))\s+"
        + _FILLER + r"$", re.I)),
    (ARRIVAL, re.compile(
        r"\b(?:reached|reaching|arrived(?: [\w,]+){0,3}? (?:in|at)|arrives (?:in|at)|arriving (?:in|at)|wound up in|ended up in|got to|"
        r"made it to|entered|crossed into|reach(?:ed)? the (?:\w+ )?(?:city|town) of|"
        # "pushed its way into Guatemala", "forced their way into Mexico": an entry
        r"(?:push|pushed|pushing|made|make|making|forced?|forcing|shoved?|shoving|elbowed)(?: \w+)? (?:its|their) way into|"
        r"(?:managed|able|succeeded) (?:\w+ )?(?:to cross|in crossing)(?: into)?)\s+" + _FILLER + r"$", re.I)),
    (WAYPOINT, re.compile(
        r"\b(?:rest(?:ed|ing)? in|stop(?:ped|s)?(?: [\w()]+){0,7}? (?:in|at)|stay(?:ed|ing)? in|spent the night in|"
        r"(?:at|in) (?:a|the) (?:shelter|camp|church|park|stadium|sports complex|plaza)s? in|on the road in|"
        r"(?:will )?(?:spend|spent|wait|waited|sleep|slept)(?: \w+)? (?:night |nights |day )?in|remain(?:ed|s)?(?: \w+)? (?:in|at)|"
        # "stalled at a roadblock in Vado Hondo", "stranded in Tapachula", "held up at the border"
        r"(?:stall|strand|stuck|halt|held up|trap|bottled up|camp)\w*(?: [\w()]+){0,4}? (?:in|at|under|near)|"
        r"after a (?:stop|rest|night|stay) in|(?:walked|marched|streamed|poured) into|"
        r"(?:resumed|continued|resume|continue)s? (?:its|their) (?:journey|march|trek|walk)(?:\s+[\w,.]+){0,6}?\s+in|"
        r"sp(?:end|ent) the night in|slept in|camp(?:ed)? in|via|"
        r"(?:pass|march|walk|travel|trek|mov|advanc|head|go|transit|cross)\w*(?: \w+){0,2}? through|(?:way|route)(?: \w+){0,2}? through|"
        r"crossed|across|"
        # "have traveled the municipalities of Tapachula, Huehuetán, Huixtla": the list shares it
        r"(?:travell?ed|toured|crossed|passed|walked|covered|went through)(?: \w+){0,2}? (?:the )?"
        r"(?:municipalities|towns|cities|communities|villages|states) of)\s+" + _FILLER + r"$", re.I)),
]
# "are in Viva Mexico", "is now in southern Veracruz": where the crowd is — when the crowd is
# the one said to be there (a caravan word just before), not a reporter "currently in Tapachula".
_BEING_IN = re.compile(r"\b(?:is|are|was|were)(?: (?:now|still|currently|already|again))? (?:in|at)\s+" + _FILLER + r"$",
                       re.I)
_PRESENT = re.compile(r"\b(?:is|are|continues|continued its|now|currently|making its way|making their way|"
                      r"marching|walking|remain|remains)\b", re.I)
# Where a place merely locates another ("near the border with Guatemala").
_LOCATOR = re.compile(r"\b(?:near|border (?:with|of)|borders|bordering|close to|miles from|km from|from as far as|"
                      r"(?:a|an|another) (?:\w+ )?(?:town|city|village|municipality|community) (?:in|of)|"
                      r"kilometers from|east of|west of|north of|south of|outside|"
                      # "Escuintla, located in the middle part of the Chiapas Coast"
                      r"located (?:in|on|at|near)|(?:middle|heart|center|centre|part) of)\s+" + _FILLER + r"$", re.I)

# "an earlier group", "a previous caravan", "a larger one that left six days ago".
_NEW_CARAVAN = re.compile(
    r"\b(?:an? )?(?:earlier|previous|prior|another|separate)\s+(?:\w+\s+)?(?:group|caravan|convoy|wave)s?\b|"
    # An ordinal opens another caravan only as "a second caravan": "the fourth caravan (of
    # the year) left Tapachula", "this is the first caravan to leave" name this one.
    r"\b(?:an|a|another) (?:second|third|fourth|fifth|new second)\s+(?:\w+\s+)?(?:group|caravan|convoy|wave)s?\b|\b(?:a|the) (?:larger|smaller|bigger) (?:one|group|caravan)\b"
    r"|\blast year'?s (?:caravan|group)\b", re.I)
_ANAPHOR = re.compile(r"^\W*(?:the (?:group|caravan|migrants|convoy)|this group|that group|they|it|its members)\b", re.I)
_CARAVAN_WORDS = re.compile(r"\b(?:caravan|migrants?|group|march|crowd|convoy|exodus|people|families|they|"
                            r"members|travell?ers|marchers|walkers|some|others|many|most|contingent|procession|"
                            r"organi[sz]ers|them)\b", re.I)
# Words that name a crowd on the move (not "migrants" in general): until one has been named,
# a sentence about "migrants" is background ("a record number of migrants crossed the Darien").
_THIS_CROWD = re.compile(r"\b(?:caravans?|group|march|convoy|exodus|contingent|procession|marchers|walkers|"
                         r"caravan members)\b", re.I)
# Once the crowd is named, "their planned route" still speaks of it (we/our/us: tried, not kept).
_THEIR = re.compile(r"\btheir\b", re.I)
_NEXT_STOP = re.compile(r"\s+(?:as|is|was|will be) (?:the|their|its) (?:next|last|final) (?:stop|destination)\b", re.I)
_LATER = re.compile(r"\b(?:a few|several|two|three|four|some) days later\b", re.I)
_DATELINE = re.compile(r"^\s*\(?[A-Z][A-Za-z.’' ]{1,40}(?:,\s*[A-Za-z.’' ]{2,30})?\s*(?:\([^)]{1,40}\)\s*)?"
                       r"(?:[–—-]+|\.-|,\s+[A-Z][a-z]+\.? \d{1,2},? \d{4})")
_OTHER_BORDER = re.compile(
    r"\b(?:[A-Z][a-z]+(?:[-–][A-Z][a-z]+)?\s+(?:southern\s+|northern\s+)?border\b"
    # not "border city of Tapachula", "border patrol": there "border" describes something else
    r"(?!\s+(?:with|between|cit(?:y|ies)|towns?|states?|regions?|areas?|crossings?|checkpoints?|patrol|agents?|"
    r"police|wall|officials|guards?|of)\b)|"
    r"border\s+(?:with|between)\s+[A-Z][a-z]+(?:\s+and\s+[A-Z][a-z]+)?)")
_BORDER_AFTER = re.compile(r"^(?:[-–](?:Mexico|Mexican))?(?:’s|'s)?\s+(?:southern\s+|southwest\s+)?border\b", re.I)
_BORDER_PHRASE = re.compile(r"\b(?:northern border|border with the (?:United States|U\.S\.|US)|"
                            r"(?:U\.S\.|US|United States)[-–]Mexico border|Mexico[-–](?:U\.S\.|US|United States) border)\b")
_ORGANIZER = [
    re.compile(r"\b(?:organi[sz]ers?|leaders?|coordinators?)(?: of the (?:migrant )?caravan)?,?\s+"
               r"((?:[A-ZÀ-Þ][\w’'\-]+\s+){1,3}[A-ZÀ-Þ][\w’'\-]+)"),
    re.compile(r"((?:[A-ZÀ-Þ][\w’'\-]+\s+){1,3}[A-ZÀ-Þ][\w’'\-]+),\s+(?:an?|the|one of the)\s+(?:\w+\s+)?"
               r"(?:organi[sz]ers?|leaders?|coordinators?)\b"),
]
_NAMED = re.compile(r"\b(?:called|named|dubbed|known as)\s+(?:the\s+)?[“\"']?([A-Z][\w’']*(?:[ ,]+(?:[A-Z][\w’']*|and|for|of|de|la|el|y))+)")
_ORIGIN_FROM = re.compile(r"\b(?:migrants?|families|people|most|mostly|largely|many|some|members|nationals)"
                          r"(?: \w+)? from\s+$", re.I)
_UNIT_WORD_AFTER = re.compile(r"^\s+(?:municipality|state|province|department|county|parish)\b", re.I)

_PRECISION_RANK = {"day": 0, "month": 1, "year": 2, None: 3}


@dataclass
class ArticleExtraction:
    article: Article
    caravans: list[Caravan]
    toponyms: list[Toponym]
    sentences: list[Sentence] = field(default_factory=list)
    # What the caps below left unread, by kind ("place mentions": 12345); empty for news.
    unread: dict[str, int] = field(default_factory=dict)

    def unread_note(self) -> str | None:
        """One line saying what the caps left unread (callers log it: never silently dropped)."""
        if not self.unread:
            return None
        return f"{self.article.id}: past the caps (README, Limits), left unread: " + \
            ", ".join(f"{n:,} {kind}" for kind, n in self.unread.items())


# Figures read for sizes in one article: news gives a few dozen; a document of 100,000
# is a table, and reading each costs a fraction of a millisecond.
MAX_ARTICLE_FIGURES = 2_000
# Place mentions read as possible stops in one article (in sentences about a caravan):
# news gives a few dozen; 100,000 lines alike each naming a place say nothing more, and
# each costs a date search and a role decision.
MAX_ARTICLE_PLACES = 2_000
_DIGIT = re.compile(r"\d")


class _State:
    """Which caravan the text is talking about, sentence by sentence."""

    def __init__(self, article: Article):
        self.article = article
        self.caravans: list[Caravan] = []
        self.main: Caravan | None = None
        self.background: Caravan | None = None  # open for the next sentence only
        self.seen: set[str] = set()  # places already read as stops (the route so far)
        self.figures_left = MAX_ARTICLE_FIGURES
        self.places_left = MAX_ARTICLE_PLACES
        self.unread: dict[str, int] = {}
        # The day the last caravan sentence gave a place passed, per caravan: the next sentence
        # may go on telling the same event without repeating it (_carried_date).
        self.last_day: dict[str, DateMention] = {}
        self.anchor: _dt.date | None = None  # the last day named: "the day before" counts from it
        # A headline about a caravan names the crowd before the body does: the lead's
        # "hundreds of migrants who had entered Guatemala" is then that crowd, not background.
        self.crowd_named = bool(article.title and _THIS_CROWD.search(article.title))

    def left_unread(self, kind: str, n: int) -> None:
        if n:
            self.unread[kind] = self.unread.get(kind, 0) + n

    def new(self) -> Caravan:
        c = Caravan(id=f"{self.article.id}#{len(self.caravans) + 1}", label="", articles=[self.article.id])
        self.caravans.append(c)
        return c

    def main_caravan(self) -> Caravan:
        if self.main is None:
            self.main = self.new()
        return self.main


def _dateline_date(text: str, d: DateMention) -> bool:
    """'ROME, JANUARY 16 –', 'Tapachula, Mexico, Dec 16 (EFE).-': the day the report was
    filed, at the head of a line before the dash — not when anything happened."""
    line_start = text.rfind("\n", 0, d.start) + 1
    return d.start - line_start <= 60 and bool(re.match(r"\s*(?:\([^)]{1,30}\)\s*)?(?:[–—]|-{1,2}\s|\.-)", text[d.end:d.end + 40]))


def _is_dateline(text: str, t: Toponym) -> bool:
    """'EL PASO, Texas (Border Report) –', 'TAPACHULA, Mexico (AP) —': where the
    reporter filed from, not where the caravan was."""
    line_start = text.rfind("\n", 0, t.start) + 1
    if t.start - line_start > 45:
        return False
    m = _DATELINE.match(text, line_start)
    return bool(m) and t.end <= m.end() + 1


_FROM = re.compile(r"\bfrom\s+(?:near\s+(?:the\s+)?)?(?:the\s+(?:\w+\s+){0,2}(?:city|town|municipality|state|community|village|"
                   r"neighbou?rhood|colonia|district|port|region|department|province)\s+of\s+)?$", re.I)
_DEPARTURE_VERB = re.compile(r"\b(?:left|leav\w*|depart\w*|set (?:out|off)|start\w*|began|begin\w*|form(?:ed|ing)?|"
                             r"walk\w*|trek\w*|march\w*|head\w*|mov\w*|advanc\w*|way)\b", re.I)
_ENTRY_VERB = re.compile(r"\b(?:crossed|cross\w*|entered|enter\w*)\b", re.I)


# "declined to travel to Chiapas' capital", "deciding to forgo Mexico City": places the
# caravan refuses or abandons are no stops.
_REFUSED = re.compile(r"\b(?:declin\w*|refus\w*|forgo\w*|avoid\w*|abandon\w*|instead of|rather than|"
                      r"not|never|no longer|won['’]t|didn['’]t|did not)\b(?:\s+[\w’']+){0,4}\s*$", re.I)


@lru_cache(maxsize=8192)
def _window_cues(window: str) -> frozenset[str]:
    """Every cue that fires in the words before a place (searched once per window: the
    rules and the role model's features both read them)."""
    # "reached the first checkpoint, located in", "camped under a bridge in": the verb's cue
    # reaches through the facility to the place it stands in.
    facility = _FACILITY.search(window)
    bare = window[:facility.start()] + " " if facility else window
    fired = {role for role, rx in _ROLE_CUES if rx.search(window) or (facility and rx.search(bare))}
    being = _BEING_IN.search(window)
    if being and _CARAVAN_WORDS.search(window, max(0, being.start() - 60), being.start()):
        fired.add("being_in")
    cue_free = re.sub(r"\s+\S+\s*$", " ", window)  # the window less the cue's last word
    locator = _LOCATOR.search(bare)
    if locator and re.search(r"\bfrom\s+$", bare[:locator.start()] + " "):
        locator = None  # "working its way from near the Guatemala border": where it set out
    for name, hit in (("locator", locator), ("from", _FROM.search(window)),
                      ("refused", _REFUSED.search(cue_free) or _REFUSED.search(window)),
                      ("origin_from", _ORIGIN_FROM.search(window)), ("entry_verb", _ENTRY_VERB.search(window)),
                      ("departure_verb", _DEPARTURE_VERB.search(window))):
        if hit:
            fired.add(name)
    return frozenset(fired)


_LIST_ON = re.compile(r",?\s*(?:(?:on|by|this|next|early|late) [\w.]+(?: \d{1,2})?(?: (?:morning|afternoon|evening|night))?,?\s+)?"
                      r"(?:and|or|&)\s+(?:then\s+|later\s+|on\s+)?(?:in|at|to|toward|towards|through|via)\s+(?:the\s+)?", re.I)
_FACILITY = re.compile(r"\s(?:a|an|the|its|their) (?:[\w’'\-]+ ){0,3}?(?:checkpoints?|shelters?|stadium|camps?|church|park|plaza|"
                       r"bridges?|roadblocks?|gym|(?:immigration |migration |bus |train )?station|border crossing|port of entry|"
                       r"sports complex|square|offices?)"
                       r"(?:,? (?:located|situated))? (?:in|at|of|on)(?: the)?\s+$", re.I)


def _role_for(window: str, place: Place | None = None) -> str | None:
    cues = _window_cues(window)
    if "locator" in cues or "refused" in cues:
        return None
    for role, _ in _ROLE_CUES:
        if role in cues:
            return role
    if "being_in" in cues:
        return WAYPOINT  # current when said in the present (_rule_role)
    if "from" in cues and "origin_from" not in cues:
        # "migrants, most from Central America": nationality, kept as origins elsewhere;
        # "crossed into Guatemala from Honduras": where they came from;
        # "set out walking early Sunday from Tapachula": where they left.
        if "entry_verb" in cues:
            return ORIGIN if place is not None and place.kind == COUNTRY else WAYPOINT
        if "departure_verb" in cues:
            return DEPARTURE
    if "from" in cues and _COMING_FROM.search(window) and place is not None and place.kind not in (COUNTRY, REGION):
        # "the migrants coming from Oaxaca": a town or state on the route, passed (a country
        # after "migrants from" is their origin, read elsewhere)
        return WAYPOINT
    return None


_COMING_FROM = re.compile(r"\b(?:coming|arriving|arrived|came|advancing|walking|travell?ing) from\s+(?:[\w.’'\-]+\s+){0,4}?$",
                          re.I)


@lru_cache(maxsize=4096)
def _sentence_cues(sentence: str) -> tuple[frozenset[str], tuple[int, ...]]:
    """Tense and origin words of a sentence, and where its crowd nouns stand (once per sentence)."""
    flags = frozenset(name for name, rx in (("future", _FUTURE), ("perfect", _PERFECT), ("progressive", _PROGRESSIVE),
                                            ("origin_word", _ORIGIN_WORDS)) if rx.search(sentence))
    return flags, tuple(m.start() for m in _CARAVAN_WORDS.finditer(sentence))


def _rule_role(text: str, s: Sentence, t: Toponym, base: str | None) -> str | None:
    """The hand-written rules' reading of a place's role (a feature of the learned model,
    and the decision itself when no model was learned)."""
    role = base
    if role is None:
        return None
    if _generic_sentence(s.text):
        return None  # "a record flow of migrants trying to reach the US": migrants in general
    if _QUESTION.match(text, t.end, min(s.end, t.end + 300)):
        return None  # "Why would I go to the United States?": asked, not reported
    near = text[max(s.start, t.start - 80):t.start]
    if role in (WAYPOINT, CURRENT) and (_PLANNED_STAY.search(near) or _PLANNED_ROUTE.search(near)):
        # "will likely stay in southern Mexico", "their planned route through southern Mexico":
        # a stay or a passage to come is a next stop
        return DESTINATION
    if t.place is not None and t.place.kind == COUNTRY and role in (WAYPOINT, CURRENT) and not (
            t.place.country_code == "US" and _BORDER_AFTER.match(text[t.end:t.end + 40])):  # "the U.S.-Mexico border" is a line, not the country
        if _MOVING_THROUGH.search(near):
            return CURRENT  # "is now heading north through Mexico": where it is, at country scale
        return None  # "passed north through Mexico": a country is no stop on the way
    if role == WAYPOINT and _PRESENT.search(near) and not re.search(r"\b(?:had|was|were|has been)\b", near):
        role = CURRENT
    return role


# Statements about migrants in general, not about this crowd: records, habits, routes many
# take ("a popular way station for migrants", "more than half a million migrants traveled").
_GENERIC = re.compile(r"\b(?:record (?:numbers?|flows?|levels?) of|popular (?:\w+ )?(?:station|route|stop|destination|crossing)|"
                      r"(?:hundreds of thousands|half a million|a million|millions) (?:of )?(?:migrants|people)|"
                      r"(?:several|many) years ago)\b", re.I)
_DEFINITE_CROWD = re.compile(r"\b(?:caravan|group|march|contingent|convoy|procession)\b", re.I)


@lru_cache(maxsize=4096)
def _generic_sentence(sentence: str) -> bool:
    """Is the sentence about migrants in general (searched once per sentence, not per place)?"""
    return bool(_GENERIC.search(sentence)) and not _DEFINITE_CROWD.search(sentence)


_QUESTION = re.compile(r"[^.!?\n]*\?")
_PLANNED_ROUTE = re.compile(r"\b(?:(?:will|’ll|'ll|would|plann?\w*|going to|expect\w* to|intend\w* to|hop\w* to|want\w* to)"
                            r"(?:\s+[\w’']+){0,5}?|to (?:follow|continue|take|resume)(?:\s+[\w’']+){0,3}?)"
                            r"\s+(?:through|via)\s+(?:[\w.’'\-]+\s+){0,4}?$", re.I)
_MOVING_THROUGH = re.compile(r"\b(?:is|are)(?: now| still| currently)? \w+ing(?: \w+)? (?:through|across)\s+"
                             r"(?:[\w.’'\-]+\s+){0,3}?$", re.I)
_PLANNED_STAY = re.compile(r"\b(?:will|’ll|'ll|plan(?:s|ning)? to|going to|expect(?:s|ed)? to|intend(?:s|ed)? to)"
                           r"(?:\s+[\w’']+){0,3}?\s+(?:stay|rest|spend|sleep|remain|wait|camp|be sheltered|be housed)\b"
                           r"(?:\s+[\w’']+){0,3}?\s+(?:in|at)\s+(?:[\w.’'\-]+\s+){0,4}?$", re.I)
_WORD = re.compile(r"[\w’'.\-]+")
_FUTURE = re.compile(r"\b(?:will|would|expect\w*|plan\w*|hop\w+|intend\w*|aim\w*|going to|scheduled|"
                     r"want\w*|seek\w*|next)\b", re.I)
_PERFECT = re.compile(r"\b(?:had|has|have)\b", re.I)
_PROGRESSIVE = re.compile(r"\b(?:is|are)\s+\w+ing\b|\b(?:now|currently|still)\b", re.I)
_ORIGIN_WORDS = re.compile(r"\b(?:fled|flee\w*|escap\w*|native|home countr\w*|nationals?|citizens?)\b", re.I)


def _kind(t: Toponym) -> str:
    return t.place.kind.replace(" ", "_") if t.place is not None else "unresolved"


def stop_features(text: str, s: Sentence, t: Toponym, rule: str | None, listed: bool, prev_role: str | None,
                  seen: set[str], general: bool = True) -> dict[str, float]:
    """What a reader looks at to tell a place's role: the cue words and preposition before
    it, the words after, tense, how far the caravan noun is, what kind of place it is, the
    rules' own reading and the route so far."""
    kind = _kind(t)
    f = {f"rule={rule or 'none'}": 1.0, f"kind={kind}": 1.0, f"rule={rule or 'none'}&kind={kind}": 1.0}
    before = [w.lower().strip(".") for w in _WORD.findall(text[s.start:t.start])]
    after = [w.lower().strip(".") for w in _WORD.findall(text[t.end:s.end])[:2]]
    if before:
        f[f"w-1={before[-1]}"] = 1.0
        if len(before) > 1:
            f[f"w-2={before[-2]}"] = 1.0
            f[f"bi={before[-2]}_{before[-1]}"] = 1.0
    else:
        f["sentence_start"] = 1.0
    for w in set(before[-7:-1]):
        f[f"win={w}"] = 0.5
    if after:
        f[f"w+1={after[0]}"] = 1.0
    else:
        f["sentence_end"] = 1.0
    if listed:
        f[f"listed={prev_role or 'none'}"] = 1.0
    flags, nouns = _sentence_cues(s.text)
    for name in flags:
        f[name] = 1.0
    cues = _window_cues(text[max(s.start, t.start - 90):t.start])
    for role, _ in _ROLE_CUES:  # every cue family that fires, not only the rules' first
        if role in cues:
            f[f"cue={role}"] = 1.0
    for name, feature in (("from", "cue=from"), ("locator", "locator"), ("refused", "refused"), ("being_in", "cue=being_in")):
        if name in cues:
            f[feature] = 1.0
    if _NEXT_STOP.match(text, t.end):
        f["cue=next_stop"] = 1.0
    if nouns:
        gap = min(abs(s.start + n - t.start) for n in nouns)
        f["caravan_near" if gap < 40 else "caravan_mid" if gap < 120 else "caravan_far"] = 1.0
    else:
        f["caravan_none"] = 1.0
    if t.start < 300:  # in the lead: the headline, dateline and first sentence
        f["lead"] = 1.0
    if t.text.isupper() and len(t.text) > 3:
        f["upper"] = 1.0
    if s.caption:  # a photo caption tells of the moment the picture was taken, in the present
        f["caption"] = 1.0
    cc = t.place.country_code if t.place is not None else ""
    f[f"cc={cc if cc in ('MX', 'US', 'GT', 'HN') else 'other' if cc else 'none'}"] = 1.0
    key = _place_key(PlaceRef(t.text, t.start, t.end, t.place))
    if key in seen:
        f["seen_place"] = 1.0
    if general:
        f.update(_general_features(text, s, t, kind, cues, before, seen))
    return f


# Features meant to carry across articles, named "g:..." (the words right at a place are often
# one-offs): the preposition governing the place, the clause's tense and aspect, where in the article it
# stands, how long the route is so far, whether the sentence speaks of another group or of
# the authorities, and the cue families crossed with the kind of place ("bound for" a country
# is not "bound for" a town).
_PREPOSITIONS = frozenset("in at to into from through toward towards for via across near of on outside inside "
                          "onto within along past reach reached reaching entered left".split())
_AUTHORITIES = re.compile(r"\b(?:authorities|police|officials?|agents?|guards?|soldiers|troops|government|president|"
                          r"governor|mayor|ministry|minister|institute|officers?|patrol)\b", re.I)
_CLAUSE_PERFECT = re.compile(r"\b(?:had|has|have|’ve|'ve)\b(?:\s+\w+){0,3}\s*$", re.I)
_CLAUSE_PROGRESSIVE = re.compile(r"\b(?:is|are|was|were)\s+\w+ing\b(?:\s+\w+){0,4}\s*$", re.I)


def _general_features(text: str, s: Sentence, t: Toponym, kind: str, cues: frozenset[str], before: list[str],
                      seen: set[str]) -> dict[str, float]:
    f: dict[str, float] = {}
    prep = next((w for w in reversed(before[-4:]) if w in _PREPOSITIONS), None)
    f[f"g:prep={prep or 'none'}"] = 1.0
    f[f"g:prep={prep or 'none'}&kind={kind}"] = 1.0
    head = text[s.start:t.start]
    tense = clause_tense(head + " ", len(head)) or "none"
    f[f"g:tense={tense}"] = 1.0
    clause = head[-60:]
    if _CLAUSE_PERFECT.search(clause):
        f["g:aspect=perfect"] = 1.0
    if _CLAUSE_PROGRESSIVE.search(clause):
        f["g:aspect=progressive"] = 1.0
    n = len(text) or 1
    f[f"g:pos={min(3, int(4 * t.start / n))}"] = 1.0
    f[f"g:route={'0' if not seen else '1-2' if len(seen) <= 2 else '3+'}"] = 1.0
    if _OTHER_GROUP.search(s.text):
        f["g:other_group"] = 1.0
    if _AUTHORITIES.search(s.text):
        f["g:authorities"] = 1.0
    fired = [role for role, _ in _ROLE_CUES if role in cues] + [c for c in ("being_in", "from") if c in cues]
    for c in fired:
        f[f"g:cue={c}&kind={kind}"] = 1.0
        f[f"g:cue={c}&tense={tense}"] = 1.0
    if not fired:
        f[f"g:nocue&kind={kind}"] = 1.0
    return f


def _set_date(o: Observation, d: DateMention) -> None:
    o.date, o.date_precision, o.date_text = d.date, d.precision, d.text
    c = date_confidence(date_kind(d))
    if c is not None:
        o.confidences["date"] = c


def date_kind(d: DateMention) -> str:
    """A date expression's kind, the unit in which date accuracy is measured."""
    return f"{d.precision}/{'relative' if d.relative else 'explicit'}"


def date_confidence(kind: str) -> float | None:
    """The share of dates of this kind that were right on the corpus's train half."""
    table = _date_accuracy()
    return table.get(kind, table.get("default"))


@lru_cache(maxsize=1)
def _date_accuracy() -> dict[str, float]:
    import json
    from .learned import DATA
    path = DATA / "date_accuracy.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _place_confidence(t: Toponym) -> float:
    """How sure the geoparser is of the place (an unresolved name: not at all)."""
    return float(t.confidence) if t.place is not None else 0.0


def _place_key(p: PlaceRef | None) -> str:
    if p is None:
        return "-"
    if p.place is None:
        return "?" + p.text.lower()
    return f"{p.place.name}|{p.place.country_code}|{p.place.admin1}|{p.place.kind}"


@lru_cache(maxsize=1)
def _border_place() -> Place | None:
    """The US–Mexico border's curated point: looked up once, not in every sentence."""
    r = default_gazetteer().geocode("U.S.-Mexico border")
    return r.place


# The caravans this project follows cross Central America, Mexico and the US border
# states: between namesakes, a reader of caravan news leans there ("Ciudad Hidalgo" is
# the Chiapas border town, not the Michoacán city). The document's own places still count.
ROUTE_COUNTRIES = ("MX", "GT", "HN", "SV", "NI", "CR", "PA", "US")
ROUTE_STATES = ("Chiapas", "Oaxaca", "Tabasco", "Veracruz", "Puebla", "Ciudad de México", "Querétaro",
                "San Luis Potosí", "Nuevo León", "Tamaulipas", "Coahuila", "Chihuahua", "Sonora",
                "Baja California", "Texas", "Arizona", "New Mexico", "California")


def route_prior() -> Context:
    gaz = default_gazetteer()
    ctx = Context(countries=set(ROUTE_COUNTRIES))
    for name in ROUTE_STATES:  # the states themselves, not their namesake capitals
        for ref in gaz.refs(name):
            p = gaz.place(ref >> 1)
            if p.kind == ADMIN1 and p.country_code in ROUTE_COUNTRIES:
                ctx.admin1s.add((p.country_code, p.name))
    return ctx


@dataclass
class StopCandidate:
    """A place a caravan sentence names, with what the role model saw (kept for learning)."""
    article: str
    toponym: Toponym
    sentence: Sentence
    features: dict[str, float]
    role: str | None


@dataclass
class SizeCandidate:
    """A figure in a sentence, with what the size model saw (kept for learning)."""
    article: str
    mention: SizeMention
    sentence: Sentence
    features: dict[str, float]
    kept: bool


_SUBSET = re.compile(r"\b(?:managed to|some of|part of|of them|of whom|returned|went back|stayed|remain\w*|"
                     r"split|broke away|splinter|advance|rest of|remnant|while|others?)\b", re.I)
_GROWTH_VERB = re.compile(r"\b(?:swell\w*|swollen|grew|grown|grow\w*|estimat\w*|put|number\w*|tally|count\w*|"
                          r"totall?\w*|reach\w*|according to|said|says|about|nearly|some|around)\b", re.I)


_CROWD_NOUN_AT = re.compile(r"\b(?:caravans?|group|crowd|contingent|column|march|exodus|convoy|procession)\b", re.I)
_OTHER_GROUP = re.compile(r"\b(?:another|other|separate|second|earlier|previous|last\s+year|meanwhile|elsewhere)\b", re.I)


@lru_cache(maxsize=1024)
def _crowd_cues(text: str) -> tuple[tuple[int, ...], bool]:
    """Where a sentence names a crowd, and whether it speaks of another group: once per
    sentence, not once per figure in it."""
    return tuple(m.start() for m in _CROWD_NOUN_AT.finditer(text)), bool(_OTHER_GROUP.search(text))


def size_features(s: Sentence, z: SizeMention) -> dict[str, float]:
    """What a reader looks at to tell whether a figure is this caravan's size: the rules'
    reading and reason, the counted noun, the verb that reports it, subset cues, magnitude."""
    reason = re.sub(r"\s*[('(].*$", "", z.reason).strip()
    f = {f"rule={'size' if z.is_caravan_size else 'other'}": 1.0, f"reason={reason}": 1.0,
         f"qualifier={z.qualifier}": 1.0}
    high = z.high if z.high is not None else z.low
    if high is not None:
        mag = "lt20" if high < 20 else "lt200" if high < 200 else "lt2000" if high < 2000 else \
            "lt20000" if high < 20000 else "big"
        f[f"mag={mag}"] = 1.0
    rel_start, rel_end = z.start - s.start, z.end - s.start
    before = [w.lower() for w in _WORD.findall(s.text[:rel_start])]
    after = [w.lower() for w in _WORD.findall(s.text[rel_end:])[:2]]
    if before:
        f[f"w-1={before[-1]}"] = 1.0
    for w in set(before[-5:]):
        f[f"win={w}"] = 0.5
    if after:
        f[f"w+1={after[0]}"] = 1.0
    if _CARAVAN_WORDS.search(s.text):
        f["caravan_word"] = 1.0
    if re.search(r"\bcaravan|\bgroup|\bcontingent|\bexodus|\bmarch\b", s.text, re.I):
        f["crowd_noun"] = 1.0
    if _SUBSET.search(s.text[max(0, rel_start - 60):rel_end + 40]):
        f["subset_cue"] = 1.0
    if _GROWTH_VERB.search(s.text[max(0, rel_start - 40):rel_start]):
        f["report_verb"] = 1.0
    if z.low is not None and z.low == high and z.qualifier == "exact":
        f["exact_round" if round_estimate(high) else "exact_unround"] = 1.0
    # How far (in words) the nearest crowd noun is from the figure, and cues of another group.
    crowd, other_group = _crowd_cues(s.text)
    if crowd:
        near = min(crowd, key=lambda c: abs(c - rel_start))
        words = len(_WORD.findall(s.text[min(near, rel_start):max(near, rel_start)]))
        f["crowd_dist=" + ("le3" if words <= 3 else "le10" if words <= 10 else "far")] = 1.0
    else:
        f["crowd_dist=none"] = 1.0
    if other_group:
        f["other_group_cue"] = 1.0
    return f


class _Spans(list):
    """Toponyms in text order, with those inside a sentence found by bisection: looking
    through all of them for every sentence was quadratic in a long article."""

    def __init__(self, items):
        super().__init__(sorted(items, key=lambda t: t.start))
        self._starts = [t.start for t in self]

    def within(self, start: int, end: int) -> list:
        lo, hi = bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)
        return [t for t in self[lo:hi] if t.end <= end]


class Extractor:
    def __init__(self, trace: list | None = None):
        self.gaz = default_gazetteer()
        self.prior = route_prior()
        self.trace = trace  # a list: every stop candidate is appended (learning reads them)
        self.roles = load_model("stop_roles")
        # The "g:" features cost a tense parse per place; read them only when the shipped
        # model weighs them or a learner is tracing candidates (it may).
        self.general = trace is not None or (self.roles is not None and any(k.startswith("g:") for k in self.roles.weights))
        self.size_model = load_model("caravan_sizes")
        # Which date dates a stop: learned (journeys.date_choice); None keeps the rules' dates.
        dates = load_model("date_choice")
        self.date_weights = date_choice_weights(dates) if dates is not None else None
        self.date_none_margin = dates.param("none_margin", 0.0) if dates is not None else 0.0

    def _decide(self, state: "_State", s: Sentence, t: Toponym, rule: str | None, listed: bool,
                prev_role: str | None) -> tuple[str | None, float]:
        """The role of a place in this sentence (None: no stop) and how sure that is."""
        feats = stop_features(state.article.text, s, t, rule, listed, prev_role, state.seen, self.general)
        # The rules decide whether the place is a stop; the learned model decides which role
        # it plays, and its probability is the confidence. (On train, by cross-validation, the
        # model chose roles better than the rules but did not find stops better: README,
        # Extraction quality.)
        role, p = rule, 1.0
        threshold = self.roles.param("stop_threshold", 0.0) if self.roles is not None else 0.0
        if threshold > 0.0:
            # The model decides whether a place is a stop too, over every place the caravan's
            # sentences name: a stop when it is at least this sure that the place is one (the
            # threshold chosen by cross-validation over train articles), in its likeliest role
            # unless the rules' own is within the override margin.
            probs = self.roles.proba(feats)
            if 1.0 - probs.get("none", 0.0) < threshold:
                role, p = None, probs.get("none", 0.0)
            else:
                best = max((c for c in probs if c != "none"), key=probs.get)
                keep_rule = rule is not None and probs.get(rule, 0.0) + self.roles.param("override_margin", 0.0) > probs[best]
                role = rule if keep_rule else best
                p = probs[role]
        elif self.roles is not None:
            probs = self.roles.proba(feats)
            if rule is not None:
                best = max((c for c in probs if c != "none"), key=probs.get)
                # The model overrides the rules' role only when clearly surer (margin learned).
                if probs[best] >= probs.get(rule, 0.0) + self.roles.param("override_margin", 0.0):
                    role = best
                p = probs[role]
            else:
                p = probs.get("none", 0.0)
                add = self.roles.param("add_threshold", 0.0)
                if add > 0.0 and 1.0 - p >= add:
                    # a place no cue gives a role, that the model is this sure is a stop
                    role = max((c for c in probs if c != "none"), key=probs.get)
                    p = probs[role]
        if self.trace is not None:
            self.trace.append(StopCandidate(state.article.id, t, s, feats, role))
        if role is not None:
            state.seen.add(_place_key(PlaceRef(t.text, t.start, t.end, t.place)))
        return role, p

    def extract(self, article: Article) -> ArticleExtraction:
        text = article.text
        sentences = segment(text)
        toponyms = geoparse(text, prior=self.prior)
        places = _Spans(t for t in toponyms if t.kind == "place")
        spans = _Spans(toponyms)
        state = _State(article)
        state.left_unread("characters not geoparsed (past 100,000 place-name candidates)", toponyms.unread)
        for k, s in enumerate(sentences):
            if s.furniture or s.duplicate_of is not None:
                continue
            self._sentence(state, s, places, spans)
        caravans = [c for c in state.caravans if c.observations]
        for c in caravans:
            _finish(c, article)
        if self.date_weights is not None:
            redate(article, sentences, caravans, self.date_weights, self.date_none_margin)
        return ArticleExtraction(article, caravans, toponyms, sentences, unread=state.unread)

    # -- one sentence ------------------------------------------------------------------------
    def _sentence(self, state: _State, s: Sentence, places: list[Toponym], toponyms: list[Toponym]) -> None:
        art, text = state.article, state.article.text
        sizes = self._sizes(state, s)
        named = state.main is not None or state.crowd_named
        if not ((_CARAVAN_WORDS.search(s.text) or _THEIR.search(s.text)) if named else _THIS_CROWD.search(s.text)) \
                and not sizes:
            state.background = None
            state.last_day = {}
            return
        if state.places_left > 0:
            in_s = [t for t in places.within(s.start, s.end) if not _is_dateline(text, t)]
            in_s = self._border_mentions(s, in_s)
            in_s = _unknown_places(s, in_s)
            state.places_left -= len(in_s)
        else:
            in_s = []
            state.left_unread("place mentions", len(places.within(s.start, s.end)))
        # Dates only date places and sizes: a sentence with neither needs none.
        dates = [d for d in find_dates(s.text, art.published, offset=s.start, anchor=state.anchor)
                 if not _dateline_date(text, d)] if in_s or sizes else []
        state.anchor = next((d.date for d in reversed(dates) if d.precision == "day"), state.anchor)
        # A day after the report is a plan ("to rest this Sunday"): it dates destinations only,
        # never when a place was passed; a year alone ("in 2024") is too coarse to date a stop.
        # "an official announced this Sunday": the day of the report, not of a stop; "before
        # the January 20 inauguration": the day of another event, named by its noun.
        stop_dates = [x for x in dates if not _report_date(text, x) and not _EVENT_NOUN.match(text, x.end)]
        planned = [x for x in stop_dates if _after_report(x, art) or (x.future and x.date == art.published)]
        passed = [x for x in stop_dates if x.precision != "year" and x not in planned and not _whole_month(x)]

        # Which caravan: a background cue switches for the rest of the sentence.
        cue = _NEW_CARAVAN.search(s.text)
        cue_at = s.start + cue.start() if cue else None
        if state.background is not None and _ANAPHOR.match(s.text):
            current = state.background
        else:
            current = state.main_caravan() if cue_at is None or cue_at > s.start + 3 else None
        background = None
        if cue_at is not None:
            background = state.new()
        evidence = Evidence(art.id, s.start, s.end, s.text)

        def caravan_at(pos: int) -> Caravan:
            if background is not None and pos >= cue_at:
                return background
            return current if current is not None else state.main_caravan()

        observations: list[Observation] = []
        days_said: dict[str, DateMention] = {}  # per caravan, the day this sentence gave a place passed
        prev: Toponym | None = None
        prev_role: str | None = None
        for t in in_s:
            ref = self._place_ref(text, t)
            window_start = prev.end if prev is not None else s.start
            window = text[window_start:t.start]
            if prev is not None and _QUALIFIER_GAP.fullmatch(window) and _is_qualifier(prev, t):
                continue  # "Tapachula, Mexico", "Los Corazones municipality in the Oaxaca State"
            if t.place is not None and t.place.kind in (COUNTRY, ADMIN1) and _AFTER_NAME.search(
                    text[max(s.start, t.start - 60):t.start]):
                continue  # the same, after a name the gazetteer does not know
            if prev is not None and _UNIT_WORD_AFTER.match(text[t.end:t.end + 20]) and re.fullmatch(r"[\s\w]*,\s*", window):
                continue  # "Alvaro Obregon community, Tapachula municipality"
            # "Tapachula and Huixtla", "the Rodolfo Robles Bridge in Ciudad Hidalgo": the
            # second place shares the first one's role.
            listed = bool(prev is not None and (re.fullmatch(r",?\s*(?:and|or|&|in|at)?\s*(?:the\s+)?", window) or (
                # "expected in X on Monday and in Y on Tuesday", "to X and then to Y": a
                # repeated preposition keeps the list going
                prev_role is not None and _LIST_ON.fullmatch(window))))
            if _NEXT_STOP.match(text, t.end):
                rule = DESTINATION  # "with Querétaro as the next stop": the cue comes after the place
            elif listed:
                rule = prev_role
            else:
                rule = _role_for(text[max(s.start, t.start - 90):t.start], t.place)
            rule = _rule_role(text, s, t, rule)
            role, confidence = self._decide(state, s, t, rule, listed, prev_role)
            prev, prev_role = t, role
            if role is None:
                continue
            obs = Observation(art.id, role, evidence, place=ref)
            obs.confidences = {"role": round(confidence, 3), "place": round(_place_confidence(t), 3)}
            d = _nearest_date([x for x in (planned if role == DESTINATION else passed) if _same_clause(text, s, x, t)],
                              t.start)
            if d is not None and role != DEPARTURE and _FROM.search(window):
                d = None  # "entered Mexico from Guatemala on Friday": the day it entered, not left
            leg = _days_goal(observations, t) if d is None and role == DESTINATION else None
            carried = _carried_date(state, caravan_at(t.start), s, t) if (
                d is None and not dates and role in (WAYPOINT, CURRENT, ARRIVAL, DEPARTURE)
                and not _FROM.search(window)) else None
            if d is not None:
                _set_date(obs, d)
                if d.precision == "day" and role != DESTINATION:
                    days_said[caravan_at(t.start).id] = d
            elif carried is not None:
                _set_date(obs, carried)
                obs.confidences["date"] = date_confidence("derived") or obs.confidences.get("date")
            elif leg is not None:
                obs.date, obs.date_precision, obs.date_text = leg.date, leg.date_precision, leg.date_text
                _take_confidence(obs, leg, "date")
            elif role in (ARRIVAL, WAYPOINT, CURRENT) and not passed and art.published is not None and \
                    _JUST_REACHED.search(text[max(s.start, t.start - 90):t.start]):
                # "have reached the border": reached by now, where it is as of the report.
                obs.date, obs.date_precision, obs.date_text = art.published, "day", None
                c = date_confidence("publication")
                if c is not None:
                    obs.confidences["date"] = c
            elif role == CURRENT and s.caption:
                # An undated photo caption tells where the caravan was when the picture was
                # taken, in the present tense: a place passed, not its latest position.
                obs.role = WAYPOINT
            caravan_at(t.start).observations.append(obs)
            observations.append(obs)

        for z, size_confidence in sizes:
            target = caravan_at(z.start)
            # A size belongs to where the caravan was, never to where it is going.
            host = next((o for o in observations if o in target.observations and o.size_low is None
                         and o.role != DESTINATION), None)
            if host is None:
                host = Observation(art.id, REPORT, evidence)
                d = _nearest_date(dates, z.start)
                if d is not None:
                    _set_date(host, d)
                target.observations.append(host)
            host.size_low, host.size_high = z.low, z.high if z.high is not None else z.low
            host.size_text, host.size_qualifier = z.text, z.qualifier
            host.confidences["size"] = round(size_confidence, 3)

        # "wound up in Del Rio a few days later": as dated as the departure it follows.
        if _LATER.search(s.text):
            for c in {id(caravan_at(o.place.start if o.place else s.start)): caravan_at(s.start) for o in observations}.values():
                dep = next((o for o in c.observations if o.role == DEPARTURE and o.date), None)
                for o in observations:
                    if o.role in (ARRIVAL, WAYPOINT, CURRENT) and o.date is None and dep is not None:
                        o.date, o.date_precision, o.date_text = dep.date, "month", _LATER.search(s.text).group()
                        o.confidences["date"] = date_confidence("derived")

        for c in {id(x): x for x in (current, background) if x is not None}.values():
            self._caravan_facts(c, s, toponyms)
        state.last_day = days_said
        state.background = background if background is not None else (
            state.background if current is state.background and current is not None else None)

    def _sizes(self, state: "_State", s: Sentence) -> list[tuple[SizeMention, float]]:
        """The figures in a sentence that count this caravan's people, each with a confidence."""
        out = []
        found = find_sizes(s.text, offset=s.start) if state.figures_left > 0 else []
        if state.figures_left <= 0 and _DIGIT.search(s.text):
            state.left_unread("sentences with figures", 1)
        state.figures_left -= len(found)  # a bound on the work an article of figures can ask for
        for z in found:
            feats = size_features(s, z)
            keep = z.is_caravan_size  # the rules decide, the model gives the confidence (as for roles)
            p = 1.0 if self.size_model is None else self.size_model.proba(feats)["size"]
            if self.trace is not None:
                self.trace.append(SizeCandidate(state.article.id, z, s, feats, keep))
            if keep:
                out.append((z, p))
        return out

    def _border_mentions(self, s: Sentence, in_s: list[Toponym]) -> list[Toponym]:
        """'the northern border', 'the border with the United States': the US–Mexico
        border as a place, replacing the country mention inside the phrase."""
        border = _border_place()
        if border is None:
            return in_s
        extra = []
        for m in _BORDER_PHRASE.finditer(s.text):
            a, b = s.start + m.start(), s.start + m.end()
            if any(t.start < b and a < t.end and not (t.place and t.place.country_code == "US") for t in in_s):
                continue
            extra.append(Toponym(a, b, m.group(), "place", border, 1.0, []))
        for m in _OTHER_BORDER.finditer(s.text):
            # "the Guatemalan border", "the border between Guatemala and Mexico": a border
            # the gazetteer has no point for — a line, kept as a named, unresolved place.
            a, b = s.start + m.start(), s.start + m.end()
            if any(e.start < b and a < e.end for e in extra) or re.search(r"U\.S\.|\bUS\b|United States|northern",
                                                                             m.group()):
                continue
            extra.append(Toponym(a, b, m.group(), "place", None, 0.0, []))
        if not extra:
            return in_s
        kept = [t for t in in_s if not any(t.start < e.end and e.start < t.end for e in extra)]
        return sorted(kept + extra, key=lambda t: t.start)

    def _place_ref(self, text: str, t: Toponym) -> PlaceRef:
        # "the U.S. border", "U.S.-Mexico border", "US southern border": the border, not the country.
        if t.place is not None and t.place.country_code == "US" and t.place.kind == COUNTRY:
            m = _BORDER_AFTER.match(text[t.end:t.end + 40])
            if m:
                border = _border_place()
                if border is not None:
                    return PlaceRef(text[t.start:t.end + m.end()], t.start, t.end + m.end(), border)
        return PlaceRef(t.text, t.start, t.end, t.place)

    def _caravan_facts(self, c: Caravan, s: Sentence, toponyms: list[Toponym]) -> None:
        for rx in _ORGANIZER:
            for m in rx.finditer(s.text):
                name = m.group(1).strip()
                if not any(name in o or o in name for o in c.organizers) and not self.gaz.has_name(name.lower()):
                    c.organizers.append(name)
        m = _NAMED.search(s.text)
        if m and c.name is None and re.search(r"\b(?:caravan|march|group)\b", s.text[:m.start()][-80:], re.I):
            c.name = m.group(1).strip(" ,")
        for t in toponyms.within(s.start, s.end):
            if t.place is None:
                continue
            if t.kind == "demonym":
                after = s.text[t.end - s.start:t.end - s.start + 12]
                plural = t.text.endswith("s") and t.text[:-1].lower() != t.place.name.lower()
                if plural or re.match(r"\s+(?:migrants?|nationals|asylum)", after):
                    _add_origin(c, t.place.name)
            elif t.place.kind in (COUNTRY, REGION) and _ORIGIN_FROM.search(s.text[:t.start - s.start][-40:] + " "[:0]):
                _add_origin(c, t.place.name)
            elif t.place.kind in (COUNTRY, REGION) and re.search(
                    r"\bfrom\s+(?:(?:[A-Z][\w.’'\-]*|and|the|as far as)\s*,?\s*){0,12}$",
                    s.text[:t.start - s.start][-120:]) and re.search(r"\bfrom\b", s.text[:t.start - s.start]) \
                    and re.search(r"\b(?:migrants?|families|people|most|mostly|largely)\b", s.text):
                if t.place.country_code != "US" and not re.search(r"\b(?:left|departed|set out|way)\s+from\b",
                                                                   s.text[:t.start - s.start]):
                    _add_origin(c, t.place.name)


_AFTER_NAME = re.compile(r"\b[A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+)*(?: (?:municipality|community|town|city|village))?"
                         r"(?:,| in(?: the)?) $")
_QUALIFIER_GAP = re.compile(r"(?:\s+(?:municipality|community|town|city|village|area))?\s*(?:,|\bin(?: the)?|\bof)\s*", re.I)


# "the Los Corazones municipality", "the town of Viva Mexico": a place by its head noun,
# even when the gazetteer does not know the name. Kept unresolved, never dropped.
_NAMED_UNIT = re.compile(
    r"\b(?:town|city|community|municipality|village|hamlet|port|settlement) of ((?:[A-Z][\w’'\-]+ ?){1,4})"
    r"|\bthe ((?:[A-Z][\w’'\-]+ ){1,3})(?:municipality|community|town|village|shelter|camp|border crossing)\b(?! of\b)")


def _unknown_places(s: Sentence, in_s: list[Toponym]) -> list[Toponym]:
    extra = []
    for m in _NAMED_UNIT.finditer(s.text):
        g = 1 if m.group(1) else 2
        name = m.group(g).strip()
        a = s.start + m.start(g)
        b = a + len(name)
        if any(t.start < b and a < t.end for t in in_s):
            continue  # the geoparser found (part of) it: its reading stands
        extra.append(Toponym(a, b, name, "place", None, 0.0, []))
    for m in _CUED_NAME.finditer(s.text):
        # "stalled at a roadblock in Vado Hondo", "their walk to Mapstepec": a name the
        # gazetteer does not know, right after a cue of movement or stay, is a place —
        # kept unresolved (named, not mapped), never dropped
        name = m.group(1)
        a = s.start + m.start(1)
        b = a + len(name)
        if name.split()[0] in _NOT_PLACE_WORDS or _ORG_AFTER.match(s.text, m.end(1)) or any(
                t.start < b and a < t.end for t in in_s + extra):
            continue
        cues = _window_cues(s.text[max(0, m.start(1) - 90):m.start(1)])
        if not any(role in cues for role, _ in _ROLE_CUES) or "locator" in cues or "refused" in cues:
            continue
        extra.append(Toponym(a, b, name, "place", None, 0.0, []))
    return sorted(in_s + extra, key=lambda t: t.start) if extra else in_s


_CUED_NAME = re.compile(r"(?<=[a-z,] )(?:in|at|to|into|toward|towards|through|via|reach|reached|reaching) "
                        r"((?:[A-ZÁÉÍÓÚÑ][a-záéíóúñü’'\-]+)(?: (?:de |del |la |el )?[A-ZÁÉÍÓÚÑ][a-záéíóúñü’'\-]+){0,2})\b")
_NOT_PLACE_WORDS = frozenset(
    "The A An This That These Those Their Its His Her Our My January February March April May June July August "
    "September October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday President "
    "Governor Mayor Reuters AP AFP EFE National Federal Mexican American Central South North Latin Spanish English "
    "Christmas Easter Holy God Migration Immigration Border Customs Homeland Title I We They He She It".split())
_ORG_AFTER = re.compile(r"\s+(?:Institute|Guard|Party|Commission|Office|Ministry|Department|Agency|News|Times|Post|Patrol|"
                        r"Police|Army|Church|University|Foundation|Network)\b")


def _is_qualifier(prev: Toponym, t: Toponym) -> bool:
    if t.place is None:
        return False
    if prev.place is not None and prev.place.admin1 and (t.place.name == prev.place.admin1 or any(
            m.place.kind == ADMIN1 and m.place.name == prev.place.admin1 for m in t.candidates)):
        return True  # "Tapanatepec, Oaxaca", "Cordoba, Veracruz": the state, read as its capital city
    if prev.place is None:  # "Tapanatepec, Oaxaca" with the town unknown: still a qualifier
        return t.place.kind in (COUNTRY, ADMIN1, ADMIN2)
    if t.place.kind in (COUNTRY, ADMIN1, ADMIN2, REGION):
        return t.place.country_code == prev.place.country_code or t.place.kind == REGION
    return False


_COARSER = {"day": 0, "month": 80, "year": 200}


_JUST_REACHED = re.compile(r"\b(?:has|have|’ve|'ve)\s+(?:now\s+|already\s+|finally\s+|just\s+)?"
                           r"(?:reached|arrived(?:\s+\w+)?\s+(?:in|at)|got\s+to|made\s+it\s+to)\s+" + _FILLER + r"$", re.I)


# A day's walk or two: "left X on Thursday to go to Y" names that day's goal when Y is this near.
DAY_GOAL_KM = 150.0


def _days_goal(observations: list[Observation], t: Toponym) -> Observation | None:
    """'left Santo Domingo on Thursday to go to Matías Romero', 'began the trek from A on
    Tuesday and tried to reach B': a town near the place left that day is that day's goal,
    dated with it (a far goal, "bound for Mexico City", is the journey's, undated)."""
    p = t.place
    if p is None or p.kind not in (CITY, ADMIN2, FEATURE, BORDER):
        return None
    for o in reversed(observations):
        q = o.place.place if o.place else None
        if (o.role in (DEPARTURE, WAYPOINT, CURRENT) and o.date is not None and o.date_precision == "day"
                and q is not None and q.kind in (CITY, ADMIN2, FEATURE, BORDER)
                and haversine_km(p.lat, p.lon, q.lat, q.lon) <= DAY_GOAL_KM):
            return o
    return None


def _carried_date(state: _State, c: Caravan, s: Sentence, t: Toponym) -> DateMention | None:
    """'The caravan crossed into Mexico through the bridge': a sentence without a date of
    its own, told in the simple past right after one that gave a place its day, goes on
    telling that day's event ("entered Mexico ... on Friday")."""
    d = state.last_day.get(c.id)
    if d is None:
        return None
    before = s.text[:t.start - s.start]
    if clause_tense(before + " ", len(before)) != "past" or re.search(r"\b(?:had|has|have|'ve|’ve)\b", before):
        return None  # "had crossed": earlier than that day; "have crossed": up to now
    if _LATER_ON.search(s.text):
        return None  # "later stopped at Huixtla": another day
    return d


_LATER_ON = re.compile(r"\b(?:later|then|afterwards?|subsequently|eventually|since|next|following|previously|"
                       r"earlier|before|after|until|once|by now|so far|already|recent\w*|ago)\b", re.I)


_REPORT_VERB = re.compile(
    r"\b(?:said|says|told|tells|announced|announces|reported|reports|stated|states|confirmed|confirms|detailed|"
    r"explained|added|tweeted|posted|wrote|informed|indicated|declared|noted)"
    r"(?:\s+(?:reporters|journalists|the\s+press|(?:the\s+)?[A-Z][\w.]*|in\s+a\s+statement|on\s+(?:Twitter|X|social\s+media)))?"
    r"\s*,?\s+(?:on\s+|late\s+|early\s+)?$")


_EVENT_NOUN = re.compile(
    r"\s+(?:presidential\s+|general\s+|midterm\s+)?(?:inauguration|elections?|deadline|summit|meetings?|visit|vote|"
    r"ceremony|hearing|anniversary|holidays?|celebrations?|debate|swearing-in|speech|talks|decree|agreement|deal|"
    r"announcement|ruling|court\s+date|appointment|start|kick-?off|launch|match|game|concert)\b", re.I)


def _whole_month(d: DateMention) -> bool:
    """'left Honduras in October': a month named whole is too coarse to date a stop (the
    labels leave such departures undated); 'in early September', 'last week' narrow it."""
    return d.precision == "month" and bool(re.fullmatch(r"(?:[A-Z][a-z]+\.?|(?:in|since|during|by|until|from)\s+\S+)", d.text))


def _report_date(text: str, d: DateMention) -> bool:
    """'officials said Tuesday', 'an official source announced this Sunday': when it was said."""
    return bool(_REPORT_VERB.search(text[max(0, d.start - 60):d.start]))


# A finite verb: its subject is another clause's when it follows a relative clause.
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|remains?|[a-z]{3,}ed|broke|went|came|began|became|grew|fell|"
                     r"split|ran|took|made|got|met|kept|found|fled|sought|spent|slept|led|rode|drove|stood|held)\b")
_NOT_FINITE_AFTER = {"and", "or", "but", "then", "had", "has", "have", "having", "was", "were", "is", "are", "be",
                     "been", "being", "to", "who", "that", "which", "not", "also", "later"}
# "that left", "which set out": a relative clause ("said that the caravan ...": not one).
_RELATIVE = re.compile(r"(,\s*)?\b(?:that|which|who)\s+(?!(?:the|a|an|its|their|this|these|those|on|in|at|by|"
                       r"some|many|most|about|more|they|it|he|she|we|migrants|people|caravan|group|members)\b)[a-z]")
_ED_NOUNS = {"need", "speed", "feed", "seed", "hundred", "red", "bed", "united", "armed", "undocumented", "detained",
             "accompanied", "based", "related", "so-called", "called", "named", "expected", "scheduled", "planned"}


def _same_clause(text: str, s: Sentence, d: DateMention, t: Toponym) -> bool:
    """'A caravan that left Honduras on Saturday heading north disintegrated upon arriving in
    Guatemala': a date said inside a relative clause (that/which/who ...) dates that clause,
    not the main verb's places after it."""
    if d.end > t.start:
        return True
    head = text[s.start:d.start]
    rel = None
    for m in _RELATIVE.finditer(head):
        rel = m
    if rel is None:
        return True
    for m in _FINITE.finditer(text, d.end, t.start):
        w = m.group()
        if w.lower() in _ED_NOUNS:
            continue
        before = text[max(s.start, m.start() - 30):m.start()].rstrip()
        prev = re.findall(r"[\w’'-]+|,", before)[-1:] or [""]
        if prev[0] == ",":
            if rel.group(1):  # ", which left on Saturday, reached ...": the clause closed
                return False
            continue
        if prev[0].lower() not in _NOT_FINITE_AFTER:
            return False
    return True


def _after_report(d: DateMention, article) -> bool:
    """A date later than the article's publication: something planned or expected."""
    return bool(d.date and article.published and d.date > article.published)


def _nearest_date(dates: list[DateMention], pos: int) -> DateMention | None:
    """The date closest to the place, a day beating a month or year said nearby."""
    usable = [d for d in dates if d.date is not None]
    if not usable:
        return None
    return min(usable, key=lambda d: abs(d.start - pos) + _COARSER.get(d.precision, 200))


def _add_origin(c: Caravan, name: str) -> None:
    if name not in c.origins and name not in ("United States", "Mexico"):
        c.origins.append(name)


def _finish(c: Caravan, article: Article) -> None:
    """Merge repeats, settle current vs waypoint, and label the caravan."""
    # A journey begins once: "after leaving Arriaga" a week later is a place passed.
    deps = [o for o in c.observations if o.role == DEPARTURE and o.place is not None]
    if len({_place_key(o.place) for o in deps}) > 1:
        first = min(deps, key=lambda o: (  # a town known to the day beats "Southern Mexico this week"
            o.place.place is None or o.place.place.kind in (COUNTRY, REGION), o.date is None,
            _PRECISION_RANK[o.date_precision], o.date or _dt.date.max, o.evidence.start))
        fp = first.place.place
        for o in deps:
            if _place_key(o.place) == _place_key(first.place):
                continue
            p = o.place.place
            if fp is not None and p is not None and p.kind in (COUNTRY, ADMIN1, REGION) and fp.kind not in (
                    COUNTRY, REGION) and p.country_code == fp.country_code:
                # "left Honduras on Saturday" and "left from San Pedro Sula": one departure,
                # told coarsely then finely — both stay departures and share the day.
                if first.date is None and o.date is not None:
                    first.date, first.date_precision, first.date_text = o.date, o.date_precision, o.date_text
                    _take_confidence(first, o, "date")
                elif o.date is None and first.date is not None:
                    o.date, o.date_precision, o.date_text = first.date, first.date_precision, first.date_text
                    _take_confidence(o, first, "date")
            else:
                o.role = WAYPOINT
    merged: dict[tuple, Observation] = {}
    order: list[Observation] = []
    for o in c.observations:
        key = (o.role, _place_key(o.place)) if o.role != REPORT else (REPORT, o.size_low, o.size_high, o.date)
        old = merged.get(key)
        if old is None:
            merged[key] = o
            order.append(o)
            continue
        if o.role == REPORT and old.size_low is not None and o.size_low is not None:
            old.also.append(o.evidence)
            continue
        # Same stop stated again: keep the more precise date and any size, one fact.
        if _PRECISION_RANK[o.date_precision] < _PRECISION_RANK[old.date_precision]:
            old.date, old.date_precision, old.date_text = o.date, o.date_precision, o.date_text
            _take_confidence(old, o, "date")
        if old.size_low is None and o.size_low is not None:
            old.size_low, old.size_high, old.size_text, old.size_qualifier = (
                o.size_low, o.size_high, o.size_text, o.size_qualifier)
            _take_confidence(old, o, "size")
        elif o.size_low is not None and (o.size_low, o.size_high) != (old.size_low, old.size_high):
            # The stop said again with another figure ("left X with 2,000" ... "left X, now
            # 4,000 strong"): the stop is one fact, the second figure stays a size of its own.
            extra = Observation(o.article, REPORT, o.evidence, date=o.date, date_precision=o.date_precision,
                                date_text=o.date_text, size_low=o.size_low, size_high=o.size_high,
                                size_text=o.size_text, size_qualifier=o.size_qualifier)
            extra.confidences = {k: v for k, v in o.confidences.items() if k in ("size", "date")}
            merged[(REPORT, o.size_low, o.size_high, o.date)] = extra
            order.append(extra)
        old.also.append(o.evidence)
    # A size repeated in another sentence is one fact too.
    seen_sizes: dict[tuple, Observation] = {}
    for o in order:
        if o.size_low is None:
            continue
        k = (o.size_low, o.size_high)
        if k in seen_sizes and o is not seen_sizes[k]:
            if o.role == REPORT:
                seen_sizes[k].also.append(o.evidence)
                o.size_low = None  # mark for removal
            else:
                o.size_low = o.size_high = o.size_text = o.size_qualifier = None
                o.confidences.pop("size", None)
        else:
            seen_sizes[k] = o
    c.observations = [o for o in order if o.role != REPORT or o.size_low is not None]
    # Walking "through the streets of Tapachula" on the day it left is the departure.
    deps = {(_place_key(o.place), o.date) for o in c.observations if o.role == DEPARTURE}
    dep_places = {k for k, _ in deps}
    c.observations = [o for o in c.observations if not (
        o.role in (WAYPOINT, CURRENT) and _place_key(o.place) in dep_places
        and (o.date is None or (_place_key(o.place), o.date) in deps))]
    for o in c.observations:  # "entered Mexico": a country is passed, not arrived at
        if o.role == ARRIVAL and o.place and o.place.place and o.place.place.kind == COUNTRY:
            o.role = WAYPOINT
    # "left Mexico's southern border" beside "left Tapachula": the country adds nothing
    # once a town in it is named in the same role (a size it carried stays, placeless).
    finer = {(o.role, o.place.place.country_code) for o in c.observations
             if o.place and o.place.place and o.place.place.kind not in (COUNTRY, REGION)
             and o.role not in (WAYPOINT, DEPARTURE)}  # "entered Mexico" on the way stays: it dates the
    # crossing; "left Honduras" beside "left San Pedro Sula" stays: one departure told coarsely and finely
    for o in c.observations:
        if o.place and o.place.place and o.place.place.kind == COUNTRY and (o.role, o.place.place.country_code) in finer:
            o.role, o.place = (REPORT, None) if o.size_low is not None else ("drop", o.place)
            if o.place is None:  # a placeless report: no role or place to be sure of
                o.confidences.pop("role", None)
                o.confidences.pop("place", None)
    c.observations = [o for o in c.observations if o.role != "drop"]
    # "had reached Mapastepec" on the day of the report: where it is now.
    pub = article.published
    if pub is not None:
        for o in c.observations:
            if o.role == ARRIVAL and o.date is not None and (pub - o.date).days <= 1 and o.date_precision == "day":
                o.role = CURRENT
    # Dateless arrivals in the same sentence as a dated current fact share its day.
    for o in c.observations:
        if o.role in (ARRIVAL, CURRENT) and o.date is None:
            sib = next((x for x in c.observations if x.evidence.start <= o.evidence.start <= x.evidence.end + 400
                        and x is not o and x.role == CURRENT and x.date), None)
            if sib is not None:
                o.date, o.date_precision, o.date_text, o.role = sib.date, sib.date_precision, sib.date_text, CURRENT
                _take_confidence(o, sib, "date")
    # Only the latest position is "current"; earlier ones were passed on the way.
    seen = [o for o in c.observations if o.role in (CURRENT, WAYPOINT, ARRIVAL) and o.date and o.place]
    if seen:
        latest = max(o.date for o in seen)
        for o in seen:
            if o.role == CURRENT and o.date < latest:
                o.role = WAYPOINT
    for o in c.observations:
        if o.role == ORIGIN and o.date is not None:
            # Where the migrants came from has no date of its own: a date in that sentence
            # is the departure's or the report's.
            o.date = o.date_precision = o.date_text = None
            o.confidences.pop("date", None)
        elif o.role == CURRENT and o.date is None and pub is not None:
            # "is in Huixtla", said with no date: where it was as of the report.
            o.date, o.date_precision, o.date_text = pub, "day", None
            conf = date_confidence("publication")
            if conf is not None:
                o.confidences["date"] = conf
    c.label = caravan_label(c)


def _take_confidence(to: Observation, source: Observation, part: str) -> None:
    """A part taken from another statement of the same fact brings its confidence along."""
    if part in source.confidences:
        to.confidences[part] = source.confidences[part]
    else:
        to.confidences.pop(part, None)


def caravan_label(c: Caravan) -> str:
    dep = c.departure()
    when_obs = dep if dep and dep.date else next((o for o in c.observations if o.date), None)
    when = when_obs.date.strftime("%B %Y") if when_obs and when_obs.date else "Undated"
    where = f" from {dep.place.place.name if dep.place.place else dep.place.text}" if dep else ""
    base = f"{when} caravan{where}"
    return f"{base} ({c.name})" if c.name else base


_default: Extractor | None = None


def extract_article(article: Article) -> ArticleExtraction:
    global _default
    if _default is None:
        _default = Extractor()
    return _default.extract(article)
