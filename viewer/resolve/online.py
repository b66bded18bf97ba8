"""Opt-in online geocoding (geopy + Nominatim) for names the gazetteer lacks.

Never constructed by default: the app is offline first, and sending the
names in a journalist's documents to a third-party service is a choice the
user makes.  Nominatim's usage policy asks for a descriptive User-Agent, at
most one request per second and caching of results, hence geopy's
``RateLimiter`` and an on-disk SQLite cache (answers, including "not found",
are kept so a re-run sends nothing).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

USER_AGENT = "Crosscheck/0.1 (news place verification desktop app; geopy)"
CACHE_FILE = "geocode-v1.sqlite"


@dataclass(frozen=True)
class OnlineHit:
    """One answer of the online service."""

    name: str
    lat: float
    lon: float
    country: str | None  # ISO alpha-2, upper case


class OnlineGeocoder:
    """Nominatim (or a compatible server) behind a rate limiter and a persistent cache."""

    def __init__(
        self,
        domain: str = "nominatim.openstreetmap.org",
        scheme: str = "https",
        user_agent: str = USER_AGENT,
        cache_path: str | Path | None = None,
        min_delay_seconds: float = 1.0,
        timeout: float = 10.0,
    ):
        self.domain = domain
        self._geocoder = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout)
        self._geocode = RateLimiter(self._geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                    max_retries=1, swallow_exceptions=False)
        if cache_path is None:
            from viewer.paths import cache_dir

            cache_path = cache_dir() / CACHE_FILE
        self._cache = _Cache(Path(cache_path))

    def geocode(self, name: str, country_codes: list[str] | None = None) -> OnlineHit | None:
        """The best answer for ``name`` (restricted to ``country_codes`` when given), or None.

        Network errors give None and are not cached, so a later try can succeed.
        """
        codes = sorted(c.lower() for c in country_codes or [])
        key = json.dumps([self.domain, name.strip().casefold(), codes])
        cached = self._cache.get(key)
        if cached is not None:
            return OnlineHit(**cached["hit"]) if cached["hit"] else None
        try:
            location = self._geocode(name, exactly_one=True, country_codes=codes or None,
                                     language="en", addressdetails=True)
        except GeopyError:
            return None
        hit = _hit(name, location)
        self._cache.put(key, {"hit": hit.__dict__ if hit else None})
        return hit


def _hit(name: str, location) -> OnlineHit | None:
    if location is None:
        return None
    raw = location.raw or {}
    address = raw.get("address") or {}
    country = (address.get("country_code") or "").upper() or None
    label = raw.get("name") or (location.address or name).split(",")[0]
    return OnlineHit(name=label, lat=float(location.latitude), lon=float(location.longitude), country=country)


class _Cache:
    """A tiny persistent key -> JSON map (SQLite: safe across threads and processes)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS answer(key TEXT PRIMARY KEY, value TEXT)")
            self._db.commit()

    def get(self, key: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM answer WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: dict) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO answer VALUES (?, ?)", (key, json.dumps(value)))
            self._db.commit()
