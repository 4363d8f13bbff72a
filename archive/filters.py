"""A view's filters, defined once: each rule in Python (facts in memory) beside the same rule in SQL.

The dashboard shows a small store from its whole document, filtered in Python
(`dashboard.journey.visible_stops`), and a large archive from SQL (`archive.views`). Both
read their rules here — the Python rules, then their SQL twins, each naming the other —
and tests/test_filters_agree.py runs the two against each other on random views.

The rules (what the dashboard showed the seeds before they were written down once):

- *caravans*: only these (none: all). *min_size*: caravans whose largest reported size
  reaches it; a caravan with no size never does. Both judge whole caravans.
- *min_confidence*: facts the extractor is less sure of are hidden (unknown: sure).
- *outlets*: facts of articles from these outlets (an article with no outlet is
  `UNKNOWN_OUTLET`). Every sentence stating a fact is of its article: extraction merges a
  fact stated twice only within one article.
- *dates* (`start`, `end`, `as_of`) judge a fact by its *effective date*: its own, or for
  an undated stop on the journey the date its role implies (`effective_dates`). A fact with
  no effective date is hidden by a date range; "as of" a date it stays when its caravan is
  already on the map (a size reported with no date is still the caravan's size).
- "as of" a date before a caravan set out (its first travelled stop is later), the caravan
  is not shown: the page draws where it will set out from instead.
- *destinations* are not dated by the journey: under a date filter they are shown with a
  caravan that has other facts in view, never alone.
- facts an editor marked wrong are never shown, and date nothing: an undated stop is not
  placed by a date an editor said is wrong. (Before the rules were written once, they did.)
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, fields

from sqlalchemy import and_, case, exists, false, func, literal, or_, select

from journeys.terms import (ARRIVAL, CURRENT, DEPARTURE, DESTINATION, ORIGIN, REPORT, ROLES,  # noqa: F401
                            TRAVELLED, UNKNOWN_OUTLET, WAYPOINT)

from .schema import articles, caravan_articles, caravans, observations

SETTING_OUT = (ORIGIN, DEPARTURE)  # the stops an undated early stop is dated from
EARLY = (ORIGIN, DEPARTURE, WAYPOINT)  # undated: after the latest departure
LATE = (CURRENT, ARRIVAL)  # undated: at the end of the journey


@dataclass(frozen=True)
class Filters:
    """What a view shows (the dashboard's `ViewState` adds where the reader is: the open
    stop, place, map zoom). Frozen and plain: a cache key as it is."""
    caravans: tuple = ()
    start: _dt.date | None = None
    end: _dt.date | None = None
    as_of: _dt.date | None = None
    min_size: int = 0
    outlets: tuple = ()
    min_confidence: float = 0.0  # facts less sure than this are hidden (0: all shown, low ones faded)

    def filters(self) -> "Filters":
        """Only the filters (a subclass's other fields dropped): what a query of the view depends on."""
        return Filters(**{f.name: getattr(self, f.name) for f in fields(Filters)})

    @property
    def dated(self) -> bool:
        """Does the view filter by date at all?"""
        return self.start is not None or self.end is not None or self.as_of is not None

    @property
    def ranged(self) -> bool:
        """Does it ask for a date range (which hides undated facts)?"""
        return self.start is not None or self.end is not None

    @property
    def last_day(self) -> _dt.date | None:
        """The last date a fact may have: the range's end or the "as of" date, the earlier."""
        return min((d for d in (self.end, self.as_of) if d is not None), default=None)


EVERYTHING = Filters()


# --------------------------------------------------------------------------- effective dates


def effective_dates(obs: list[dict]) -> list[_dt.date | None]:
    """Each observation's date, or for an undated stop on the journey the date implied by
    its role: a waypoint comes after the (latest) departure, a current/arrival at the end.
    `obs` are a caravan's observations (role, date parsed, rejected)."""
    dates = [o.get("date") for o in obs]
    # a fact marked wrong dates nothing: so every effective date of a caravan lies between
    # its first and last reported dates (which SQL reads off `caravans`)
    pool = [(o.get("role"), d) for o, d in zip(obs, dates) if d and not o.get("rejected")]
    travelled_dated = [d for role, d in pool if role in TRAVELLED]
    all_dated = [d for _, d in pool]
    start_dated = [d for role, d in pool if role in SETTING_OUT]
    out = []
    for o, d in zip(obs, dates):
        role = o.get("role")
        if d is not None or role not in TRAVELLED:
            out.append(d)
            continue
        pool = travelled_dated or all_dated
        if not pool:
            out.append(None)
        elif role in EARLY:
            out.append(max(start_dated) if start_dated else min(pool))
        else:
            out.append(max(pool))
    return out


# --------------------------------------------------------------------------- in memory


def caravan_shown(f: Filters, caravan_id: str, max_size: int | None) -> bool:
    """The caravan-level filters: chosen caravans, largest size (in SQL: `caravan_clause`)."""
    if f.caravans and caravan_id not in f.caravans:
        return False
    return not (f.min_size and (max_size is None or max_size < f.min_size))


def not_set_out(stops, as_of: _dt.date) -> bool:
    """"As of" this date the caravan had not set out: its first travelled stop is later."""
    dated = [s.effective_date for s in stops if s.effective_date and not s.rejected and s.travelled]
    return bool(dated) and min(dated) > as_of


def _fact_shown(f: Filters, s, outlets: set | None) -> bool:
    """The filters of one fact that need nothing else of its caravan."""
    if s.rejected:  # marked wrong by an editor: listed apart, never drawn
        return False
    if s.confidence < f.min_confidence:
        return False  # the reader asked to see only facts the extractor is surer of
    return outlets is None or s.outlet in outlets


def _in_dates(f: Filters, d: _dt.date | None, on_map: bool) -> bool:
    if d is None:
        # A fact with no date cannot be placed in a date range; "as of" a date it stays
        # (a size reported with no date is still the caravan's size).
        return not f.ranged and (not f.dated or on_map)
    return ((f.start is None or d >= f.start) and (f.end is None or d <= f.end)
            and (f.as_of is None or d <= f.as_of))


def stops_shown(f: Filters, stops: list) -> list:
    """One caravan's stops (journey order, each with `role`, `effective_date`, `rejected`,
    `confidence`, `outlet`, `travelled`, `planned`, `order`) that the view shows, in order.
    The caravan-level filters are `caravan_shown`'s. In SQL: `fact_clause`."""
    if f.as_of is not None and not_set_out(stops, f.as_of):
        return []  # drawn apart, as not yet on its way
    outlets = set(f.outlets) if f.outlets else None
    # "as of" a date, a caravan already on the map keeps its undated facts (its sizes)
    on_map = f.as_of is not None and any(s.effective_date and s.effective_date <= f.as_of
                                         for s in stops if not s.rejected)
    kept, planned = [], []
    for s in stops:
        if not _fact_shown(f, s, outlets):
            continue
        if s.planned:
            planned.append(s)
        elif _in_dates(f, s.effective_date, on_map):
            kept.append(s)
    # Destinations belong to a journey the view shows; alone, only in a view with no dates.
    if kept or not f.dated:
        kept.extend(planned)
    kept.sort(key=lambda s: s.order)
    return kept


# --------------------------------------------------------------------------- in SQL


def caravan_clause(f: Filters, use_selection: bool = True, by_outlet: bool = True):
    """A necessary condition on `caravans` for a caravan to have facts in view: the
    caravan-level filters exactly, and its reported dates (`first_date`, `last_date`, of
    facts not marked wrong, which bound every effective date) meeting the view's.
    `fact_clause` decides the facts; `by_outlet=False` spares a subquery per fact where
    facts are filtered by outlet anyway."""
    cond = [literal(True)]
    if use_selection and f.caravans:
        cond.append(caravans.c.id.in_(list(f.caravans)))
    if f.min_size:
        cond.append(func.coalesce(caravans.c.size_high, caravans.c.size_low) >= int(f.min_size))
    if f.start is not None:
        cond.append(caravans.c.last_date >= f.start)
    if f.last_day is not None:
        cond.append(caravans.c.first_date <= f.last_day)
    if f.outlets and by_outlet:
        of_outlets = select(articles.c.id).where(_outlet_of(f, articles.c.outlet))
        cond.append(caravans.c.id.in_(select(caravan_articles.c.caravan_id)
                                      .where(caravan_articles.c.article_id.in_(of_outlets))))
    return and_(*cond)


def not_rejected(o=observations.c):
    return or_(o.rejected.is_(None), o.rejected == false())


def _outlet_of(f: Filters, column):
    """`column` (an article's outlet) is one of the view's outlets."""
    named = [x for x in f.outlets if x != UNKNOWN_OUTLET]
    cond = column.in_(named) if named else literal(False)
    if UNKNOWN_OUTLET in f.outlets:
        cond = or_(cond, column.is_(None))
    return cond


def _outlet_clause(f: Filters, o):
    """Facts of articles from the view's outlets (the article's outlet is copied on the fact)."""
    return _outlet_of(f, o.outlet) if f.outlets else literal(True)


def fact_clause(f: Filters, o=observations):
    """The facts of `o` (the observations table) the view shows: every rule of
    `caravan_shown` and `stops_shown`, in SQL."""
    c = o.c
    cond = _fact_alone(f, c)
    if not f.dated:
        return and_(*cond)
    # by effective date; a destination with its caravan's journey; "as of" a date, only
    # caravans that had set out
    return and_(*cond, *_set_out(f, c), or_(and_(c.role != DESTINATION, _dates_clause(f, c)),
                                           and_(c.role == DESTINATION, _with_journey(f, c))))


def _fact_alone(f: Filters, c, by_caravan: bool = True) -> list:
    """The rules a fact meets by itself (and the caravan-level ones, as an IN list of
    caravans, which SQLite answers twice as fast as a join on 461,000 facts)."""
    cond = [not_rejected(c), _outlet_clause(f, c)]
    if f.min_confidence:
        cond.append(or_(c.confidence.is_(None), c.confidence >= f.min_confidence))
    if by_caravan and (f.caravans or f.min_size or f.dated):
        cond.append(c.caravan_id.in_(select(caravans.c.id).where(caravan_clause(f, by_outlet=False))))
    return cond


def _within(f: Filters, d):
    """Date `d` within the view's dates (NULL never is)."""
    return and_(*([d >= f.start] if f.start is not None else []),
                *([d <= f.last_day] if f.last_day is not None else []))


def _dates_clause(f: Filters, c):
    """Within the view's dates by effective date: a dated fact by its date (an index reads
    it), an undated travelled one by the date its role implies — read from its caravan only
    when the caravan's reported dates straddle the view's (inside them, every effective date
    is). "As of" a date alone, a fact with no date stays when its caravan is on the map,
    which every caravan `caravan_clause` lets through is (its first date is by then)."""
    inside = [caravans.c.first_date >= f.start] if f.start is not None else []
    inside += [caravans.c.last_date <= f.last_day] if f.last_day is not None else []
    cond = [and_(c.date.is_not(None), _within(f, c.date)),
            and_(c.date.is_(None), c.role.in_(TRAVELLED),
                 or_(c.caravan_id.in_(select(caravans.c.id).where(and_(*inside))), _within(f, _implied_date(c))))]
    if not f.ranged:
        cond.append(and_(c.date.is_(None), c.role.not_in(TRAVELLED)))
    return or_(*cond)


def _implied_date(c):
    """`effective_dates` of an undated travelled fact `c`, from its caravan's other facts."""
    pool = observations.alias("pool")

    def date(agg, roles=None):
        cond = [pool.c.caravan_id == c.caravan_id, pool.c.date.is_not(None), not_rejected(pool.c)]
        if roles is not None:
            cond.append(pool.c.role.in_(roles))
        return select(agg(pool.c.date)).where(and_(*cond)).scalar_subquery()
    return case((c.role.in_(EARLY), func.coalesce(date(func.max, SETTING_OUT), date(func.min, TRAVELLED),
                                                  date(func.min))),
                (c.role.in_(LATE), func.coalesce(date(func.max, TRAVELLED), date(func.max))), else_=None)


def _effective_date(c):
    return func.coalesce(c.date, case((c.role.in_(TRAVELLED), _implied_date(c)), else_=None))


def _set_out(f: Filters, c) -> list:
    """"As of" a date, the caravan of `c` had set out (`not_set_out` in memory): not one
    whose every travelled stop (not marked wrong) is dated later."""
    if f.as_of is None:
        return []
    t = observations.alias("travelled")

    def travelled(*cond):
        return exists(select(t.c.id).where(and_(t.c.caravan_id == caravans.c.id, not_rejected(t.c),
                                                t.c.role.in_(TRAVELLED), *cond)))
    eff = _effective_date(t.c)
    # only a caravan reported after the date can have set out after it
    later = select(caravans.c.id).where(and_(caravan_clause(f, by_outlet=False), caravans.c.last_date > f.as_of,
                                             travelled(eff.is_not(None)), ~travelled(eff <= f.as_of)))
    return [c.caravan_id.not_in(later)]


def _with_journey(f: Filters, c):
    """The caravan of `c` has facts other than destinations in view (a destination is shown
    with them): probed per destination, stopping at the first."""
    j = observations.alias("journey")
    return exists(select(j.c.id).where(and_(j.c.caravan_id == c.caravan_id, j.c.role != DESTINATION,
                                            *_fact_alone(f, j.c, by_caravan=False), _dates_clause(f, j.c))))
