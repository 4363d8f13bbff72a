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


def departure_keys(caravans: list[Caravan]) -> dict[str, tuple]:
    """Article-level caravan id → (departure date, lat, lon), for those that can join."""
    return {c.id: (k[2], k[0], k[1]) for c in caravans if (k := _departure_key(c)) is not None}


def anchors(keys: dict[str, tuple]) -> dict[str, str]:
    """Each keyed caravan's group, named by the id of its first member (its anchor).

    Each caravan joins the first group whose *first* departure is within JOIN_DAYS and
    JOIN_KM of its own, else starts a group. Measured against the group's first member,
    not any member: a chain of daily departures from Tapachula (one a day for years in a
    large archive) must not become one caravan. Processed in (date, id) order, so the
    grouping depends only on the set of caravans; near-linear (only open groups compared)."""
    root: dict[str, str] = {}
    _replay(sorted(keys, key=lambda i: (keys[i][0], i)), 0, [], keys, root)
    return root


def _replay(order: list[str], start: int, open_groups: list, keys: dict, root: dict,
            converged=None) -> None:
    """The greedy grouping from order[start] on, given the groups still open there
    (oldest first: (first date, lat, lon, anchor id)). `converged(k, open_groups)` may stop
    it early: from order[k] on, nothing would change."""
    for k in range(start, len(order)):
        i = order[k]
        di, lat, lon = keys[i]
        open_groups[:] = [g for g in open_groups if (di - g[0]).days <= JOIN_DAYS]
        if converged is not None and converged(k, open_groups):
            return
        for g in open_groups:
            if haversine_km(lat, lon, g[1], g[2]) <= JOIN_KM:
                root[i] = g[3]
                break
        else:
            root[i] = i
            open_groups.append((di, lat, lon, i))


def regroup(keys: dict[str, tuple], old_root: dict[str, str], new: set[str]) -> dict[str, str]:
    """The groups after the caravans `new` are added to those `old_root` grouped: replayed
    from the first new departure only until the open groups are again what they were
    (from there on every caravan joins as before). Returns the caravans whose group is new
    or changed, with their anchors; equal to `anchors(keys)` on them (tested)."""
    fresh = [i for i in new if i in keys]
    if not fresh:
        return {}
    order = sorted(keys, key=lambda i: (keys[i][0], i))
    pos = {i: k for k, i in enumerate(order)}
    first = min(pos[i] for i in fresh)
    last = max(pos[i] for i in fresh)

    def old_open(k: int) -> list:
        """The groups open when order[k] is reached, as the old grouping made them."""
        d = keys[order[k]][0]
        lo = k
        while lo > 0 and (d - keys[order[lo - 1]][0]).days <= JOIN_DAYS:
            lo -= 1
        return [(keys[a][0], keys[a][1], keys[a][2], a) for a in order[lo:k]
                if a not in new and old_root.get(a) == a]

    open_groups = old_open(first)
    root: dict[str, str] = {}
    _replay(order, first, open_groups, keys, root,
            converged=lambda k, groups: k > last and [g[3] for g in groups] == [g[3] for g in old_open(k)])
    return {i: r for i, r in root.items() if old_root.get(i) != r}


def join(caravans: list[Caravan]) -> list[Caravan]:
    """Merge article-level caravans into journey-level ones (new objects; inputs untouched)."""
    return merge_groups(caravans, anchors(departure_keys(caravans)))


def merge_groups(caravans: list[Caravan], root: dict[str, str]) -> list[Caravan]:
    """One caravan per group (`root`: caravan id → its anchor's; absent: a group of its own)."""
    groups: dict[str, list[Caravan]] = {}
    for c in sorted(caravans, key=lambda c: c.id):
        groups.setdefault(root.get(c.id, c.id), []).append(c)
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
