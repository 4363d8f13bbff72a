"""Optional online fallback: geocode names the offline GeoNames index lacks via Nominatim.

Off by default; nothing in the offline pipeline or the tests needs the network. Built from
geopy's `Nominatim` + `RateLimiter` (Nominatim's usage policy asks for at most one request
a second and a real User-Agent) and a small SQLite cache, so a name is asked only once —
misses included — across runs.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import time
import unicodedata
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

from geopy.exc import GeocoderServiceError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from .model import ADMIN1, CITY, COUNTRY, Place

log = logging.getLogger(__name__)

USER_AGENT = "caravan-atlas/0.1 (+https://github.com/caravan-atlas)"
DEFAULT_DOMAIN = "nominatim.openstreetmap.org"
DEFAULT_CACHE_PATH = Path("~/.cache/caravan-atlas/geocode-cache.sqlite")

_COUNTRY_TYPES = {"country"}
_ADMIN1_TYPES = {"state", "province"}


def _normalise(query: str) -> str:
    # "  Tapachula,  CHIAPAS " and "tapachula, chiapas" are the same question.
    return " ".join(unicodedata.normalize("NFKC", query).casefold().split())


def _kind(raw: dict) -> str:
    # Nominatim >= 4 gives `addresstype`; older servers only class/type (e.g. place/country).
    types = {raw.get("addresstype")}
    if raw.get("class") in ("place", "boundary"):
        types.add(raw.get("type"))
    if types & _COUNTRY_TYPES:
        return COUNTRY
    if types & _ADMIN1_TYPES:
        return ADMIN1
    return CITY


def _to_place(location) -> Place:
    raw = location.raw
    address = raw.get("address") or {}
    name = raw.get("name") or raw.get("display_name", "").split(",")[0].strip()
    return Place(
        name=name,
        lat=float(location.latitude),
        lon=float(location.longitude),
        country_code=(address.get("country_code") or "").upper(),
        admin1=address.get("state"),
        kind=_kind(raw),
        source="nominatim",
    )


class OnlineGeocoder:
    """Nominatim lookups, rate limited and cached on disk. Never raises on network errors."""

    def __init__(
        self,
        domain: str = DEFAULT_DOMAIN,
        scheme: str = "https",
        cache_path: str | Path | None = None,
        min_delay_seconds: float = 1.0,
        timeout: float = 10.0,
    ):
        self._nominatim = Nominatim(
            domain=domain, scheme=scheme, user_agent=USER_AGENT, timeout=timeout
        )
        # No retries and no swallowing: an error must reach us so we can tell it apart from
        # a real miss (which we cache) — errors are not cached, so a later run asks again.
        self._geocode = RateLimiter(
            self._nominatim.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )
        self.cache_path = Path(cache_path or DEFAULT_CACHE_PATH).expanduser()
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS geocode ("
                " key TEXT PRIMARY KEY, place TEXT, fetched_at REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        # A short-lived connection per call keeps the object safe to share across threads.
        return sqlite3.connect(self.cache_path, timeout=30)

    def geocode(self, query: str, country: str | None = None) -> Place | None:
        """Best Nominatim match for `query` (optionally limited to ISO country `country`)."""
        country = country.strip().lower() if country else None
        key = f"{_normalise(query)}|{country or ''}"

        with closing(self._connect()) as db:
            row = db.execute("SELECT place FROM geocode WHERE key = ?", (key,)).fetchone()
        if row is not None:
            # A cached NULL is a remembered miss.
            return Place(**json.loads(row[0])) if row[0] else None

        try:
            location = self._geocode(
                query, exactly_one=True, addressdetails=True, country_codes=country
            )
        except GeocoderServiceError as exc:  # timeouts, refused connections, HTTP errors
            log.warning("online geocoding of %r failed: %s", query, exc)
            return None

        place = _to_place(location) if location else None
        stored = json.dumps(asdict(place)) if place else None
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO geocode (key, place, fetched_at) VALUES (?, ?, ?)",
                (key, stored, time.time()),
            )
        return place
