"""Place resolution: each mention -> one place (or an honest "unresolved").

Toponym resolution here is a small scoring model over gazetteer candidates,
in the spirit of CLAVIN / the Edinburgh Geoparser: a prior (population,
feature kind, how well the name matched) plus document context (the
countries and regions the article talks about, places in the same sentence,
explicit containment "Hajin in Deir ez-Zor province").  Context is what keeps
"Alexandria" in Louisiana in a Louisiana paper and "Hajin" in Syria.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable

from viewer.extract.language import sentence_start_char
from viewer.extract.places import PLACE_LABELS, Mention, is_facility_name, recognise
from viewer.model import Place
from viewer.resolve._geo_text import ascii_name, place_key
from viewer.resolve.gazetteer import Candidate, Gazetteer, haversine_km

if TYPE_CHECKING:  # pragma: no cover
    from viewer.resolve.online import OnlineGeocoder

__all__ = ["PlaceFinder", "place_key"]

# Priors, in "log10 population" units so that towns and areas compare.
CONTINENT_PRIOR = 9.0
CURATED_REGION_PRIOR = 7.0  # "Middle East", "Darfur": above the towns that share such names
COUNTRY_PRIOR = 9.0
ADM1_PRIOR = 6.3
ADM2_PRIOR = 4.6
CAPITAL_BONUS = 0.7
#: A town this size is well enough known that a mislabelled mention of its exact name is it.
PROMINENT_POPULATION = 30000
MATCH_PENALTY = {"exact": 0.0, "key": -0.3, "phonetic": -2.0, "fuzzy": -2.5}
REGION_CUE_BONUS = 2.5
COUNTRY_CONTEXT = 3.0
ADMIN1_CONTEXT = 2.2
ADMIN2_CONTEXT = 2.0
CONTAINER_FIT = 6.0
NEARBY_BONUS = 1.2
COUNTY_PAIR_BONUS = 1.5  # "Paris" + "Henry County": the one Paris that lies in a Henry County
OTHER_CONTINENT = -3.0
MIN_CONTEXT_FOR_VARIANT = 0.3  # a spelling variant is accepted only in a country the article is about

# Uncertainty radii (km) by how the text qualifies the place.
NEAR_RADIUS = 15.0
FACILITY_RADIUS = 5.0  # a named site inside a town: the town's point, give or take its extent
OUTSIDE_RADIUS = 10.0
DIRECTION_OFFSET = 15.0
_BEARINGS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180, "southwest": 225,
             "west": 270, "northwest": 315}


@dataclass
class _Slot:
    """One mention while it is being resolved."""

    mention: Mention
    candidates: list[Candidate]
    fixed: Place | None = None  # user pin or nationality: no choice to make
    best: Candidate | None = None
    scores: dict[int, float] = field(default_factory=dict)


class PlaceFinder:
    """Recognise and resolve every place mention of a document."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        user_places: dict[str, tuple[float, float]] | None = None,
        online: "OnlineGeocoder | None" = None,
        nationalities: bool = True,
    ):
        self.gazetteer = gazetteer or Gazetteer.open_default()
        self.user_places = {place_key(k): v for k, v in (user_places or {}).items()}
        self.online = online
        self.nationalities = nationalities
        self._lookups: dict[str, list[Candidate]] = {}

    # -- public

    def find(self, doc) -> list[Place]:
        """Every place mention of ``doc`` (offsets in ``doc.text``), resolved or not."""
        mentions = recognise(doc, is_known=self._is_known, is_prominent=self._is_prominent)
        if self.user_places:
            mentions = _with_pinned_names(doc, mentions, self.user_places)
        slots = [s for m in mentions if (s := self._slot(m)) is not None]
        self._choose(slots)
        return [self._place(s, slots) for s in slots]

    def find_text(self, text: str, nlp) -> list[Place]:
        return self.find(nlp(text))

    # -- candidates

    def _candidates(self, name: str) -> list[Candidate]:
        found = self._lookups.get(name)
        if found is None:
            if len(self._lookups) > 50000:
                self._lookups.clear()
            found = self._lookups[name] = self.gazetteer.lookup(name)
        return found

    def _is_known(self, name: str) -> bool:
        return any(c.match in ("exact", "key") for c in self._candidates(name))

    def _is_prominent(self, name: str) -> bool:
        """A country, capital or sizeable town by exactly this name: 'Mariupol' yes, 'Smith' (County) no."""
        return any(c.match == "exact" and (c.feature_code in ("PCLI", "PPLC")
                                           or c.feature_class == "P" and c.population >= PROMINENT_POPULATION)
                   for c in self._candidates(name))

    def _slot(self, m: Mention) -> _Slot | None:
        key = place_key(m.text)
        if key in self.user_places:
            lat, lon = self.user_places[key]
            return _Slot(m, [], fixed=self._pinned(m, lat, lon))
        if m.label == "NORP":
            country = self.gazetteer.country_by_demonym(m.text) if self.nationalities else None
            if country is None:
                return None  # "Kurdish", "Islamic", "Shia": peoples and creeds, not places
            return _Slot(m, [country.place])
        if is_facility_name(m.text):
            return _Slot(m, [])  # "Great Mosque": placed by its town (see _facility_place), not by namesakes
        return _Slot(m, self._candidates(m.text))

    # -- choosing

    def _choose(self, slots: list[_Slot]) -> None:
        """Prior first, then twice with the document's context (each pass sharpens the next)."""
        for slot in slots:
            slot.best = max(slot.candidates, key=_prior, default=None) if slot.candidates else None
        self._pairs = _CountyPairs.of(slots)
        for _ in range(2):
            context = _Context.of(slots, self.gazetteer)
            for i, slot in enumerate(slots):
                if slot.fixed is None and slot.candidates:
                    slot.scores = {c.geonameid: self._score(c, i, slot, slots, context) for c in slot.candidates}
                    best = max(slot.candidates, key=lambda c: slot.scores[c.geonameid])
                    ok = self._acceptable(best, slot, context)
                    slot.best = _prefer_town_over_its_region(best, slot) if ok else None

    def _score(self, c: Candidate, i: int, slot: _Slot, slots: list[_Slot], ctx: "_Context") -> float:
        m = slot.mention
        score = _prior(c)
        if m.region_cue and c.feature_code in ("ADM1", "ADM2"):
            score += REGION_CUE_BONUS
        if c.country:
            score += COUNTRY_CONTEXT * ctx.country_share(c.country, exclude=slot)
            continent = ctx.continent_of(c.country)
            if ctx.main_continent and continent and continent != ctx.main_continent and c.feature_code != "PCLI":
                score += OTHER_CONTINENT
        if c.admin1 and c.feature_code != "ADM1":
            score += ADMIN1_CONTEXT * ctx.admin1_share(c.admin1, exclude=slot)
        if c.admin2 and c.feature_code != "ADM2":
            score += ADMIN2_CONTEXT * ctx.admin2_share(c.admin2, exclude=slot)
        if m.container is not None:
            outer = next((s for s in slots if s.mention.start == m.container), None)
            score += CONTAINER_FIT * _fits_in(c, outer.best if outer else None)
        score += NEARBY_BONUS * _nearby(c, i, slots)
        score += COUNTY_PAIR_BONUS * self._pairs.supports(c, place_key(m.text))
        return score

    def _acceptable(self, c: Candidate, slot: _Slot, ctx: "_Context") -> bool:
        """Spelling variants and typos only count inside the countries the article is about
        (as the *other* mentions tell: a lone variant must not vouch for itself)."""
        if c.match in ("exact", "key"):
            return True
        return bool(c.country) and ctx.country_share(c.country, exclude=slot) >= MIN_CONTEXT_FOR_VARIANT

    # -- building Places

    def _place(self, slot: _Slot, slots: list[_Slot]) -> Place:
        m = slot.mention
        if slot.fixed is not None:
            return slot.fixed
        c = slot.best
        if c is None:
            return self._facility_place(m, slots) or self._unresolved_or_online(m, slots)
        lat, lon, radius, precision = _geometry(c, m)
        return Place(
            text=m.text, start=m.start, end=m.end, name=display_name(c, m.text), lat=lat, lon=lon, radius_km=radius,
            kind=c.kind, country=c.country, source=_source(c), precision=precision,
            qualifier=m.qualifier,
        )

    def _facility_place(self, m: Mention, slots: list[_Slot]) -> Place | None:
        """'the Great Mosque in Mosul, Iraq': a site the gazetteer lacks sits in the town named with it."""
        if m.label != "FAC" or m.container is None:
            return None
        outer = next((s for s in slots if s.mention.start == m.container), None)
        if outer is None:
            return None
        town = self._place(outer, slots)
        if not town.is_resolved:
            return None
        name = f"{m.text}, {town.name}"
        if town.precision == "area":
            return replace(town, text=m.text, start=m.start, end=m.end, name=name, kind="facility",
                           qualifier=m.qualifier)
        radius = max(FACILITY_RADIUS, town.radius_km or 0.0)
        return replace(town, text=m.text, start=m.start, end=m.end, name=name, kind="facility",
                       precision="near", radius_km=radius, qualifier=m.qualifier)

    def _pinned(self, m: Mention, lat: float, lon: float) -> Place:
        radius, precision = _point_radius(m)
        return Place(text=m.text, start=m.start, end=m.end, name=m.text, lat=lat, lon=lon, radius_km=radius,
                     kind="unknown", source="user", precision=precision, qualifier=m.qualifier)

    def _unresolved_or_online(self, m: Mention, slots: list[_Slot]) -> Place:
        kind = "facility" if m.label == "FAC" else "unknown"
        if self.online is not None and m.label in PLACE_LABELS:
            countries = _Context.of(slots, self.gazetteer).top_countries()
            hit = self.online.geocode(m.text, country_codes=countries)
            if hit is not None:
                radius, precision = _point_radius(m)
                return Place(text=m.text, start=m.start, end=m.end, name=hit.name, lat=hit.lat, lon=hit.lon,
                             radius_km=radius, kind=kind, country=hit.country, source="nominatim",
                             precision=precision, qualifier=m.qualifier)
        return Place(text=m.text, start=m.start, end=m.end, name=m.text, kind=kind, qualifier=m.qualifier)


def _source(c: Candidate) -> str:
    """'geonames:<id>', or 'curated:<key>' for the few regions the index adds itself (negative ids)."""
    return f"geonames:{c.geonameid}" if c.geonameid > 0 else f"curated:{place_key(c.name)}"


def _with_pinned_names(doc, mentions: list[Mention], pins: dict[str, tuple[float, float]]) -> list[Mention]:
    """Names the user pinned count wherever they are written, even where the NER missed them."""
    taken = [(m.start, m.end) for m in mentions]
    extra: list[Mention] = []
    for i, tok in enumerate(doc):
        if not (tok.text[:1].isupper() or tok.text[:3].lower() in ("al-", "el-")):
            continue
        for n in (4, 3, 2, 1):
            span = doc[i:i + n]
            if len(span) != n or place_key(span.text) not in pins:
                continue
            start, end = span.start_char, span.end_char
            if not any(s < end and start < e for s, e in taken):
                extra.append(Mention(span.text, start, end, "GPE", sentence_start_char(span.doc, span.start_char)))
                taken.append((start, end))
            break
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


# ------------------------------------------------------------------ context


@dataclass
class _Context:
    """What the document is about: weighted votes for countries and regions."""

    countries: Counter
    admin1: Counter
    admin2: Counter
    votes_by_slot: dict[int, tuple[str | None, str | None, str | None, float]]
    continents: dict[str, str | None]
    main_continent: str | None

    @classmethod
    def of(cls, slots: list[_Slot], gazetteer: Gazetteer) -> "_Context":
        countries, admin1, admin2 = Counter(), Counter(), Counter()
        votes = {}
        by_name: dict[str, list[tuple]] = {}
        names: dict[int, str] = {}
        for slot in slots:
            names[id(slot)] = place_key(slot.mention.text)
            c = _chosen(slot)
            if c is None:
                continue
            weight = _vote_weight(c)
            cc = c.country
            a1 = c.admin1
            a2 = c.admin2
            votes[id(slot)] = (cc, a1, a2, weight)
            by_name.setdefault(names[id(slot)], []).append(votes[id(slot)])
            if cc:
                countries[cc] += weight
            if a1:
                admin1[a1] += weight
            if a2:
                admin2[a2] += weight
        all_countries = gazetteer.countries()
        continents = {cc: (all_countries[cc].continent if cc in all_countries else None) for cc in countries}
        by_continent = Counter()
        for cc, w in countries.items():
            by_continent[continents[cc]] += w
        total = sum(by_continent.values())
        main = None
        if by_continent and total:
            name, weight = by_continent.most_common(1)[0]
            main = name if weight / total >= 0.6 else None
        ctx = cls(countries, admin1, admin2, votes, continents, main)
        ctx._all_countries = all_countries
        ctx._names, ctx._by_name, ctx._without = names, by_name, {}
        return ctx

    def _share(self, counter: Counter, key: str, exclude: _Slot | None, index: int) -> float:
        """Share of the document's votes for ``key``, not counting the name being scored.

        Every mention of the same name is left out, not only this one: a town named
        ten times ("Dublin" in a Dublin, Ohio paper) must not vouch for its own
        first reading ten times over (one sense per discourse).
        """
        counts = self._votes_without(counter, index, self._names.get(id(exclude)) if exclude is not None else None)
        value = counts.get(key, 0.0)
        total = sum(counts.values())
        if value <= 1e-9 or total <= 1e-9:
            return 0.0
        top = max(counts.values())
        return min(1.0, value / max(top, 1e-9)) * min(1.0, value / total * 2)

    def _votes_without(self, counter: Counter, index: int, name: str | None) -> Counter:
        """``counter`` less the votes of the mentions called ``name`` (cached per name)."""
        if name is None or name not in self._by_name:
            return counter
        cache_key = (index, name)
        if cache_key not in self._without:
            counts = Counter(counter)
            for vote in self._by_name[name]:
                if vote[index]:
                    counts[vote[index]] -= vote[3]
            self._without[cache_key] = Counter({k: v for k, v in counts.items() if v > 1e-9})
        return self._without[cache_key]

    def country_share(self, cc: str, exclude: _Slot | None = None) -> float:
        return self._share(self.countries, cc, exclude, 0)

    def admin1_share(self, code: str, exclude: _Slot | None = None) -> float:
        return self._share(self.admin1, code, exclude, 1)

    def admin2_share(self, code: str, exclude: _Slot | None = None) -> float:
        return self._share(self.admin2, code, exclude, 2)

    def continent_of(self, cc: str) -> str | None:
        if cc in self.continents:
            return self.continents[cc]
        info = self._all_countries.get(cc)
        return info.continent if info else None

    def top_countries(self, n: int = 3) -> list[str]:
        return [cc for cc, _ in self.countries.most_common(n)]


_COUNTY_WORDS = frozenset({"county", "parish", "borough"})


@dataclass
class _CountyPairs:
    """Which second-level regions (counties) the text's names could jointly mean.

    Town and county names repeat across the US ("Paris" x 20, "Henry County"
    x 10); a town candidate that lies inside a candidate of ANOTHER name in the
    text (Paris, Tennessee in Henry County, Tennessee) is the coincidence a
    reader relies on, whichever readings the other mentions currently have.
    """

    towns: dict[str, set[str]]  # admin2 code -> names with a town candidate there
    counties: dict[str, set[str]]  # admin2 code -> names with that county as a candidate

    @classmethod
    def of(cls, slots: list[_Slot]) -> "_CountyPairs":
        towns: dict[str, set[str]] = {}
        counties: dict[str, set[str]] = {}
        for slot in slots:
            if slot.fixed is not None:
                continue
            key = place_key(slot.mention.text)
            says_county = key.rsplit(" ", 1)[-1] in _COUNTY_WORDS
            for c in slot.candidates:
                if not c.admin2 or c.match not in ("exact", "key"):
                    continue
                if c.feature_code == "ADM2" and says_county:  # "Washington" alone is not a county reading
                    counties.setdefault(c.admin2, set()).add(key)
                elif c.feature_class == "P":
                    towns.setdefault(c.admin2, set()).add(key)
        return cls(towns, counties)

    def supports(self, c: Candidate, key: str) -> float:
        """1.0 when another name of the text pairs with ``c`` as town-in-county, else 0."""
        if not c.admin2:
            return 0.0
        other = self.counties if c.feature_class == "P" else self.towns if c.feature_code == "ADM2" else None
        if other is None:
            return 0.0
        return 1.0 if other.get(c.admin2, set()) - {key} else 0.0


def _chosen(slot: _Slot) -> Candidate | None:
    if slot.fixed is not None:
        return None
    return slot.best


def _vote_weight(c: Candidate) -> float:
    """Countries and regions named outright say most about what a text is about."""
    if c.feature_code == "PCLI":
        return 1.0
    if c.feature_code in ("ADM1", "ADM2"):
        return 1.0
    if c.feature_code == "CONT":
        return 0.0
    return 0.7 if c.population >= 100000 else 0.5


# ------------------------------------------------------------------ scoring pieces


def _prior(c: Candidate) -> float:
    """What a reader assumes with no context: the biggest, best-matching place of that name."""
    code = c.feature_code
    if code == "CONT":
        base = CONTINENT_PRIOR
    elif code == "RGN":
        base = CURATED_REGION_PRIOR
    elif code == "PCLI":
        base = COUNTRY_PRIOR
    elif code == "ADM1":
        base = ADM1_PRIOR + 0.25 * math.log10(max(c.population, 1)) - 1.5
    elif code == "ADM2":
        base = ADM2_PRIOR
    else:
        base = math.log10(c.population + 1) + (CAPITAL_BONUS if code == "PPLC" else 0.0)
    return base + MATCH_PENALTY[c.match] + (c.similarity - 100.0) / 20.0


def _fits_in(c: Candidate, container: Candidate | None) -> float:
    """+1 when ``c`` lies inside the container the text names, -1 when it does not."""
    if container is None:
        return 0.0
    if container.feature_code == "PCLI":
        return 1.0 if c.country == container.country else -1.0
    if container.feature_code == "ADM1":
        return 1.0 if c.admin1 == container.admin1 else -1.0
    if container.feature_code == "ADM2":
        return 1.0 if c.admin2 == container.admin2 else -1.0
    if container.feature_code == "CONT":
        return 0.0
    if container.feature_code == "RGN":  # a curated region: a centre and a radius, no member list
        return 1.0 if haversine_km(c.lat, c.lon, container.lat, container.lon) <= container.radius_km else -1.0
    # "X, Y" with a town Y: X should be close to Y
    return 1.0 if haversine_km(c.lat, c.lon, container.lat, container.lon) < 50 else -0.5


def _nearby(c: Candidate, i: int, slots: list[_Slot]) -> float:
    """Closeness to the other towns of the same sentence (0..1)."""
    sentence = slots[i].mention.sentence_start
    best = 0.0
    for j, other in enumerate(slots):
        o = other.best
        if j == i or o is None or other.mention.sentence_start != sentence or o.is_area or o.geonameid == c.geonameid:
            continue
        d = haversine_km(c.lat, c.lon, o.lat, o.lon)
        best = max(best, 1.0 if d < 100 else 0.5 if d < 300 else 0.0)
    return best


def _prefer_town_over_its_region(best: Candidate, slot: _Slot) -> Candidate:
    """'Raqqa' names both a governorate and its capital; news means the town unless it says 'province'."""
    if best.feature_code not in ("ADM1", "ADM2") or slot.mention.region_cue:
        return best
    code_field = "admin1" if best.feature_code == "ADM1" else "admin2"
    region_code = getattr(best, code_field)
    rank = {"exact": 0, "key": 1, "phonetic": 2, "fuzzy": 3}
    towns = [c for c in slot.candidates if c.feature_class == "P" and getattr(c, code_field) == region_code
             and rank[c.match] <= max(rank[best.match], 1) and c.population >= 1000]
    return max(towns, key=lambda c: c.population) if towns else best


# ------------------------------------------------------------------ names


def display_name(c: Candidate, surface: str) -> str:
    """The name users read: the text's own spelling when it is a name of that town ("Raqqa", not
    "Ar Raqqah"), else the gazetteer name in ASCII ("Hajin", not "Hajīn")."""
    surface = surface.removeprefix("the ").removeprefix("The ")
    if c.feature_class == "P" and c.match in ("exact", "key") and _reads_as_a_name(surface):
        return surface
    return ascii_name(c.name)


def _reads_as_a_name(surface: str) -> bool:
    """'Raqqa' yes; 'U.K.', 'MOSUL', 'NYC' no (abbreviations and headline capitals)."""
    return "." not in surface and not surface.isupper() and surface[:1].isupper()


# ------------------------------------------------------------------ geometry


def _geometry(c: Candidate, m: Mention) -> tuple[float, float, float | None, str]:
    """Coordinates, radius and precision of a chosen candidate as the text qualifies it."""
    if c.is_area:
        radius = max(c.radius_km, 5.0)
        lat, lon = c.lat, c.lon
        direction = _direction(m.qualifier)
        if direction is not None:  # "eastern Syria": the eastern half
            lat, lon = _offset(lat, lon, direction, radius / 2)
            radius = radius / 2
        return lat, lon, round(radius, 1), "area"
    radius, precision = _point_radius(m)
    lat, lon = c.lat, c.lon
    if m.qualifier and m.qualifier.endswith(" of"):
        direction = _direction(m.qualifier)
        if direction is not None:
            lat, lon = _offset(lat, lon, direction, m.distance_km or DIRECTION_OFFSET)
    return lat, lon, radius, precision


def _point_radius(m: Mention) -> tuple[float | None, str]:
    q = m.qualifier
    if q is None or _direction(q) is not None and not q.endswith(" of"):
        return None, "point"
    if q == "outside":
        return OUTSIDE_RADIUS, "near"
    if q.endswith(" of"):
        return max(10.0, (m.distance_km or DIRECTION_OFFSET) / 2), "near"
    return NEAR_RADIUS, "near"


def _direction(qualifier: str | None) -> float | None:
    if not qualifier:
        return None
    word = qualifier.split()[0].removesuffix("ern")
    return _BEARINGS.get(word)


def _offset(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """A point ``km`` away on a bearing (flat-earth step: fine for tens of km)."""
    b = math.radians(bearing_deg)
    dlat = km * math.cos(b) / 111.32
    dlon = km * math.sin(b) / (111.32 * max(0.01, math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def places_in(texts: Iterable[str], nlp, finder: PlaceFinder | None = None) -> Iterable[list[Place]]:
    """Places of many texts with one pipeline pass (nlp.pipe)."""
    finder = finder or PlaceFinder()
    for doc in nlp.pipe(texts):
        yield finder.find(doc)
