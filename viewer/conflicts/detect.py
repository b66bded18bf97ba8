"""Where sources disagree: time and place conflicts inside each event cluster.

Per cluster and per article we take what the article claims (its most precise
mutually compatible date; its most specific place), group articles whose
claims are compatible into sides, and report a conflict when two or more
sides remain.  Compatibility follows the precision of what was said: "2014"
does not contradict "July 2014"; "eastern Syria" does not contradict Hajin.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from geopy.distance import geodesic, great_circle

from viewer.cancellation import ShouldStop, check
from viewer.labels import gap_in_words, time_in_words
from viewer.model import Conflict, ConflictSide, Correction, Event, EventCluster, Place, TimeSpan

#: How far apart two resolved places may be and still be "the same place", by precision.
DEFAULT_RADIUS_KM = {"point": 5.0, "near": 20.0, "area": 250.0, "unresolved": 0.0}
AREA_KINDS = frozenset({"country", "region", "area", "state", "province", "continent"})


# ------------------------------------------------------------------- places


@functools.lru_cache(maxsize=1)
def _place_key_function():
    try:
        from viewer.resolve.places import place_key  # the shared normaliser
    except ImportError:  # pragma: no cover - only while the places module is missing
        return _fallback_key
    return place_key


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Normalised place name ("al-Keshma" = "Keshma"): the places module's ``place_key``."""
    return _place_key_function()(name)


def _fallback_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"^(the\s+)?(al|el|ad|as|ar)[\s\-]+", "", text)
    return re.sub(r"[^a-z0-9]+", "", text)


def _is_area(place: Place) -> bool:
    return place.precision == "area" or place.kind in AREA_KINDS


def _radius(place: Place) -> float:
    if place.radius_km is not None:
        return float(place.radius_km)
    return DEFAULT_RADIUS_KM.get(place.precision, 5.0)


def place_distance_km(a: Place, b: Place) -> float | None:
    """Great-circle km between two resolved places (None if either is unresolved)."""
    if not (a.is_resolved and b.is_resolved):
        return None
    return geodesic((a.lat, a.lon), (b.lat, b.lon)).km


def _within_km(a: Place, b: Place, limit: float) -> bool:
    """Distance test, cheap first: a latitude gap alone can rule it out.

    Matching calls this for many pairs; geodesic() costs about a millisecond,
    great_circle() (within 0.5% of it) a few microseconds.
    """
    if abs(a.lat - b.lat) * 111.0 > limit:  # type: ignore[operator]
        return False
    return great_circle((a.lat, a.lon), (b.lat, b.lon)).km <= limit


def places_compatible(a: Place | None, b: Place | None) -> bool | None:
    """Could both mentions be the same place at their precision?  None when one is missing."""
    if a is None or b is None:
        return None
    if name_key(a.name) == name_key(b.name):
        return True
    if a.is_resolved and b.is_resolved:
        if _is_area(a) or _is_area(b):
            if a.country and b.country and a.country == b.country and (
                    a.kind == "country" or b.kind == "country"):
                return True
        return _within_km(a, b, max(_radius(a), _radius(b)))
    resolved = a if a.is_resolved else b if b.is_resolved else None
    if resolved is not None and _is_area(resolved):
        return True  # an unmapped spot may well lie inside a region
    return False  # two different names, at least one a specific spot we cannot place


# -------------------------------------------------------------------- times


def times_compatible(a: TimeSpan | None, b: TimeSpan | None) -> bool | None:
    """Do the two intervals overlap at their precision?  None when one is unanchored."""
    if a is None or b is None:
        return None
    return a.overlaps(b)


def _width(span: TimeSpan) -> float:
    lo, hi = span.bounds_days()  # type: ignore[misc]
    return hi - lo


def _midpoint(span: TimeSpan) -> float:
    lo, hi = span.bounds_days()  # type: ignore[misc]
    return (lo + hi) / 2


# -------------------------------------------------------------------- claims


@dataclass
class _Claim:
    """What one article says about one aspect of the event."""

    article_id: str
    value: object  # TimeSpan or Place
    event_ids: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def _largest_compatible_group(items: list, compatible) -> list:
    """The biggest set of mutually compatible items (greedy; items are few per article)."""
    best: list = []
    for seed in items:
        group = [seed]
        for other in items:
            if other is not seed and all(compatible(other, g) for g in group):
                group.append(other)
        if len(group) > len(best):
            best = group
    return best


def _time_claim(article_id: str, events: list[Event]) -> _Claim | None:
    dated = [e for e in events if e.when is not None and e.when.is_anchored]
    if not dated:
        return None
    group = _largest_compatible_group(dated, lambda x, y: bool(x.when.overlaps(y.when)))
    narrowest = min(group, key=lambda e: _width(e.when))
    return _Claim(article_id, narrowest.when, [e.id for e in group], _unique(e.sentence for e in group))


_SPECIFICITY = {"point": 0, "unresolved": 0, "near": 1, "area": 2}


def _place_claim(article_id: str, events: list[Event]) -> _Claim | None:
    placed = [e for e in events if e.where is not None]
    if not placed:
        return None
    group = _largest_compatible_group(placed, lambda x, y: bool(places_compatible(x.where, y.where)))
    specific = min(group, key=lambda e: (3 if e.where.kind == "country" else _SPECIFICITY.get(e.where.precision, 3),
                                         -int(e.where.is_resolved)))
    return _Claim(article_id, specific.where, [e.id for e in group], _unique(e.sentence for e in group))


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _sides(claims: list[_Claim], compatible, width) -> list[list[_Claim]]:
    """Group claims into sides of mutually compatible claims.

    Precise claims found the sides; a vague claim that fits more than one side
    ("2014" beside "July 2014" and "mid-2014") takes no side at all.
    """
    sides: list[list[_Claim]] = []
    for claim in sorted(claims, key=width):
        fitting = [s for s in sides if all(compatible(claim.value, c.value) for c in s)]
        if not fitting:
            sides.append([claim])
        elif len(fitting) == 1:
            fitting[0].append(claim)
    return _without_ambiguous(sides, compatible)


def _without_ambiguous(sides: list[list[_Claim]], compatible) -> list[list[_Claim]]:
    """Drop claims that fit another side as well ("Friday night" beside "Friday" and
    "Saturday"): they founded a side only because they were the most precise."""
    if len(sides) < 2:
        return sides
    kept = []
    for n, side in enumerate(sides):
        others = [s for m, s in enumerate(sides) if m != n]
        clear = [c for c in side if not any(all(compatible(c.value, o.value) for o in other) for other in others)]
        if clear:
            kept.append(clear)
    return kept if len(kept) >= 2 else sides


# ------------------------------------------------------------------ conflicts


def conflict_id(cluster_id: str, kind: str) -> str:
    return f"{cluster_id}:{kind}"


def detect_conflicts(clusters: list[EventCluster], events: list[Event],
                     corrections: list[Correction] | None = None,
                     should_stop: ShouldStop | None = None) -> list[Conflict]:
    """Time and place conflicts of every cluster told by two or more articles."""
    index = {e.id: e for e in events}
    dismissals = [c for c in corrections or [] if c.kind == "not_conflict"]
    found: list[Conflict] = []
    for cluster in clusters:
        if len(cluster.article_ids) < 2:
            continue
        check(should_stop)
        by_article: dict[str, list[Event]] = defaultdict(list)
        for event_id in cluster.event_ids:
            if event_id in index:
                by_article[index[event_id].article_id].append(index[event_id])
        for conflict in (_time_conflict(cluster, by_article), _place_conflict(cluster, by_article)):
            if conflict is not None:
                conflict.dismissed = _is_dismissed(conflict, dismissals)
                found.append(conflict)
    return found


def _is_dismissed(conflict: Conflict, dismissals: list[Correction]) -> bool:
    """A "not_conflict" correction matches by conflict id, or by kind and its event ids.

    When the correction records the versions the user saw (payload "sides"), a
    version that appeared since (a new source, a new date) brings the conflict back.
    """
    ids = {i for side in conflict.sides for i in side.event_ids}
    for correction in dismissals:
        seen = correction.payload.get("sides")
        if seen is not None and not {side.value for side in conflict.sides} <= set(seen):
            continue
        if correction.target == conflict.id:
            return True
        wanted = set(correction.payload.get("event_ids") or [])
        if wanted and correction.payload.get("kind") == conflict.kind and wanted <= ids:
            return True
    return False


def _to_side(claims: list[_Claim], value: str) -> ConflictSide:
    return ConflictSide(
        value=value,
        event_ids=[i for c in claims for i in c.event_ids],
        article_ids=sorted(c.article_id for c in claims),
        evidence=_unique(s for c in claims for s in c.evidence),
    )


def _sources(n: int) -> str:
    return "1 source" if n == 1 else f"{n} sources"


def _time_conflict(cluster: EventCluster, by_article: dict[str, list[Event]]) -> Conflict | None:
    claims = [c for a, evs in sorted(by_article.items()) if (c := _time_claim(a, evs))]
    sides = _sides(claims, lambda x, y: bool(x.overlaps(y)), lambda c: _width(c.value))
    if len(sides) < 2:
        return None
    sides.sort(key=lambda s: min(c.value.bounds_days()[0] for c in s))
    reps = [min(s, key=lambda c: _width(c.value)).value for s in sides]
    gaps = [reps[i].gap_days(reps[i + 1]) or 0.0 for i in range(len(reps) - 1)]
    gap = max(gaps)
    parts = []
    for n, (side, rep) in enumerate(zip(sides, reps)):
        preposition = "on" if rep.precision == "day" else "in"
        text = f"{_sources(len(side))} {'place it ' if n == 0 else ''}{preposition} {time_in_words(rep)}"
        if n > 0:
            text += f", {gap_in_words(_midpoint(rep) - _midpoint(reps[n - 1]))} later"
        parts.append(text)
    return Conflict(
        id=conflict_id(cluster.id, "time"), cluster_id=cluster.id, kind="time",
        sides=[_to_side(s, time_in_words(r)) for s, r in zip(sides, reps)],
        gap_days=gap, explanation="; ".join(parts) + ".",
    )


def _place_conflict(cluster: EventCluster, by_article: dict[str, list[Event]]) -> Conflict | None:
    claims = [c for a, evs in sorted(by_article.items()) if (c := _place_claim(a, evs))]
    sides = _sides(claims, lambda x, y: bool(places_compatible(x, y)),
                   lambda c: (_SPECIFICITY.get(c.value.precision, 3), c.article_id))
    if len(sides) < 2:
        return None
    sides.sort(key=lambda s: (-len(s), s[0].article_id))
    sides.sort(key=lambda s: min(c.article_id for c in s))
    reps = [s[0].value for s in sides]
    distances = [place_distance_km(reps[0], r) for r in reps[1:]]
    gap = None if any(d is None for d in distances) else max(distances)  # type: ignore[type-var]
    parts = [f"{_sources(len(s))} {'place it ' if n == 0 else ''}in {r.name}" for n, (s, r) in enumerate(zip(sides, reps))]
    tail = f", about {round(gap)} km apart" if gap is not None else " (at least one is not on the map, so the distance is unknown)"
    return Conflict(
        id=conflict_id(cluster.id, "place"), cluster_id=cluster.id, kind="place",
        sides=[_to_side(s, r.name) for s, r in zip(sides, reps)],
        gap_km=gap, explanation="; ".join(parts) + tail + ".",
    )
