"""Across articles: the caravans that several reports describe become one.

Two article-level caravans are the same caravan when they left the same place
(within 25 km) on the same day, give or take two days — both dates known to the day.
A date known only to the month ("in early September") never joins on its own: two
groups left Tapachula in early September 2021 (12,000 Haitians; about 800 broken up).

The result depends only on the set of articles, not on the order or batches they
arrived in: caravans are processed in a canonical order into groups anchored on their
earliest departure, and a joined caravan's id is derived from its members.
"""
from __future__ import annotations

import hashlib

from gazetteer import haversine_km

from .extract import caravan_label
from .model import DEPARTURE, Caravan

JOIN_KM = 25.0
JOIN_DAYS = 2


def _departure_key(c: Caravan):
    dep = c.departure()
    if dep is None or dep.place is None or dep.place.place is None or dep.date is None or dep.date_precision != "day":
        return None
    return dep.place.place.lat, dep.place.place.lon, dep.date


def same_caravan(a: Caravan, b: Caravan) -> bool:
    ka, kb = _departure_key(a), _departure_key(b)
    if ka is None or kb is None:
        return False
    return abs((ka[2] - kb[2]).days) <= JOIN_DAYS and haversine_km(ka[0], ka[1], kb[0], kb[1]) <= JOIN_KM


def join(caravans: list[Caravan]) -> list[Caravan]:
    """Merge article-level caravans into journey-level ones (new objects; inputs untouched)."""
    items = sorted(caravans, key=lambda c: c.id)
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Each caravan joins the first group whose *first* departure is within JOIN_DAYS and
    # JOIN_KM of its own, else starts a group. Measured against the group's first member,
    # not any member: a chain of daily departures from Tapachula (one a day for years in a
    # large archive) must not become one caravan. Processed in (date, id) order, so the
    # grouping depends only on the set of caravans; near-linear (only open groups compared).
    keyed = sorted(((k[2], i, k) for i, c in enumerate(items) if (k := _departure_key(c)) is not None),
                   key=lambda t: (t[0], t[1]))
    open_groups: list[tuple] = []  # (first date, lat, lon, root index), oldest first
    for di, i, ki in keyed:
        open_groups = [g for g in open_groups if (di - g[0]).days <= JOIN_DAYS]
        for g in open_groups:
            if haversine_km(ki[0], ki[1], g[1], g[2]) <= JOIN_KM:
                parent[i] = g[3]
                break
        else:
            open_groups.append((di, ki[0], ki[1], i))
    groups: dict[int, list[Caravan]] = {}
    for i, c in enumerate(items):
        groups.setdefault(find(i), []).append(c)
    out = [_merge(members) for members in groups.values()]
    out.sort(key=lambda c: (_first_date(c), c.id))
    _distinct_labels(out)
    return out


def _distinct_labels(caravans: list[Caravan]) -> None:
    """Two groups left Tapachula in September 2021: say which is which by size."""
    by_label: dict[str, list[Caravan]] = {}
    for c in caravans:
        by_label.setdefault(c.label, []).append(c)
    for same in by_label.values():
        if len(same) < 2:
            continue
        for c in same:
            c.label = label_with_size(c.label, c.size_low, c.size_high)


def label_with_size(label: str, size_low: int | None, size_high: int | None) -> str:
    """A label shared by several caravans, told apart by size (unchanged without one)."""
    if size_low is None:
        return label
    size = f"{size_low:,}" if size_high in (None, size_low) else f"{size_low:,}–{size_high:,}"
    return f"{label}, {size} people"


def _first_date(c: Caravan) -> str:
    dates = [o.date.isoformat() for o in c.observations if o.date]
    return min(dates) if dates else "9999"


def _merge(members: list[Caravan]) -> Caravan:
    ids = sorted(m.id for m in members)
    cid = "c-" + hashlib.sha1("|".join(ids).encode()).hexdigest()[:10]
    merged = Caravan(id=cid, label="")
    for m in sorted(members, key=lambda m: m.id):
        # Each source's observations are kept: sizes differ by source and both count.
        merged.absorb(m)
    merged.observations.sort(key=lambda o: (o.date.isoformat() if o.date else "9999", o.role != DEPARTURE,
                                            o.article, o.evidence.start))
    merged.label = caravan_label(merged)
    return merged
