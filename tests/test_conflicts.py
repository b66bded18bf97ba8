"""Conflicts: incompatible at their precision, or not."""

from __future__ import annotations

import datetime as dt

from viewer.conflicts.detect import detect_conflicts, places_compatible
from viewer.model import Correction, Event, EventCluster, Place, TimeSpan


def span(text: str, lo: dt.date, hi: dt.date, precision: str) -> TimeSpan:
    return TimeSpan(text, 0, len(text), value=text, earliest=lo, latest=hi, precision=precision)


SEPT_2018 = span("in September", dt.date(2018, 9, 1), dt.date(2018, 9, 30), "month")
JAN_10 = span("on January 10", dt.date(2019, 1, 10), dt.date(2019, 1, 10), "day")
JULY_2014 = span("July 2014", dt.date(2014, 7, 1), dt.date(2014, 7, 31), "month")
MID_2014 = span("mid-2014", dt.date(2014, 5, 1), dt.date(2014, 8, 31), "year")
YEAR_2014 = span("2014", dt.date(2014, 1, 1), dt.date(2014, 12, 31), "year")

HAJIN = Place("Hajin", 0, 5, "Hajin", 34.695, 40.831, radius_km=10, kind="city", country="SY", precision="near")
KESHMA = Place("al-Keshma", 0, 9, "al-Keshma")
KESHMA_SHORT = Place("Keshma", 0, 6, "Keshma")
EAST_SYRIA = Place("eastern Syria", 0, 13, "Syria", 35.0, 40.0, radius_km=250, kind="region", country="SY",
                   precision="area")
MOSUL = Place("Mosul", 0, 5, "Mosul", 36.335, 43.119, kind="city", country="IQ", precision="point")
GREAT_MOSQUE = Place("the Great Mosque", 0, 5, "Great Mosque of al-Nuri", 36.341, 43.1, kind="facility",
                     country="IQ", precision="point")


def event(eid: str, when=None, where=None) -> Event:
    return Event(id=eid, article_id=eid.split(":")[0], sentence=f"Sentence of {eid}.", start=0, end=10,
                 what="coup attempt", trigger="coup", who=["Baghdadi"], when=when, where=where)


def cluster(events: list[Event]) -> EventCluster:
    return EventCluster("c-1", "coup attempt", [e.id for e in events], sorted({e.article_id for e in events}))


def coup_events() -> list[Event]:
    return [event("000:1:0", SEPT_2018, KESHMA), event("001:1:0", SEPT_2018, KESHMA_SHORT),
            event("002:1:0", JAN_10, HAJIN), event("003:1:0", JAN_10, HAJIN), event("004:1:0", JAN_10, HAJIN)]


def test_september_vs_january_is_a_time_conflict_with_sides_and_gap():
    events = coup_events()
    conflicts = detect_conflicts([cluster(events)], events)
    time = next(c for c in conflicts if c.kind == "time")
    assert [s.article_ids for s in time.sides] == [["000", "001"], ["002", "003", "004"]]
    assert [s.value for s in time.sides] == ["September 2018", "10 January 2019"]
    assert time.gap_days == 101.0
    assert time.explanation.startswith("2 sources place it in September 2018; 3 sources on 10 January 2019")
    assert "about 4 months later" in time.explanation
    assert time.sides[0].evidence == ["Sentence of 000:1:0.", "Sentence of 001:1:0."]
    assert time.id == "c-1:time" and not time.dismissed


def test_keshma_vs_hajin_is_a_place_conflict_of_unknown_distance():
    events = coup_events()
    place = next(c for c in detect_conflicts([cluster(events)], events) if c.kind == "place")
    assert [s.article_ids for s in place.sides] == [["000", "001"], ["002", "003", "004"]]
    assert place.sides[0].value in ("al-Keshma", "Keshma")
    assert place.gap_km is None


def test_compatible_precisions_do_not_conflict():
    events = [event("000:1:0", JULY_2014, GREAT_MOSQUE), event("002:1:0", MID_2014, MOSUL),
              event("003:1:0", YEAR_2014, MOSUL)]
    assert detect_conflicts([cluster(events)], events) == []


def test_place_compatibility_rules():
    assert places_compatible(EAST_SYRIA, HAJIN) is True  # area contains point
    assert places_compatible(KESHMA, KESHMA_SHORT) is True  # one name, two spellings
    assert places_compatible(KESHMA, EAST_SYRIA) is True  # an unmapped village may lie in a region
    assert places_compatible(KESHMA, HAJIN) is False
    assert places_compatible(KESHMA, Place("Baghouz", 0, 1, "Baghouz")) is False  # two unresolved names
    assert places_compatible(MOSUL, GREAT_MOSQUE) is True  # within the city's radius
    assert places_compatible(MOSUL, HAJIN) is False
    assert places_compatible(MOSUL, None) is None


def test_resolved_places_far_apart_give_a_distance():
    events = [event("a:1:0", None, MOSUL), event("b:1:0", None, HAJIN)]
    place = detect_conflicts([cluster(events)], events)[0]
    assert place.kind == "place" and 250 < place.gap_km < 300
    assert "km apart" in place.explanation


def test_not_conflict_correction_dismisses_by_id_or_event_ids():
    events = coup_events()
    by_id = Correction("not_conflict", "c-1:time", {"kind": "time"})
    conflicts = detect_conflicts([cluster(events)], events, [by_id])
    assert [c.dismissed for c in conflicts] == [True, False]
    by_ids = Correction("not_conflict", "old-key", {"kind": "place", "event_ids": ["000:1:0", "002:1:0"]})
    conflicts = detect_conflicts([cluster(events)], events, [by_ids])
    assert [c.dismissed for c in conflicts] == [False, True]


def test_single_article_clusters_have_no_conflicts():
    events = [event("000:1:0", SEPT_2018, KESHMA), event("000:2:0", JAN_10, HAJIN)]
    assert detect_conflicts([cluster(events)], events) == []


def test_a_dismissed_conflict_comes_back_when_a_new_version_appears():
    """The user dismissed "September 2018 vs 10 January 2019"; a third date reopens it."""
    events = coup_events()
    seen = Correction("not_conflict", "c-1:time",
                      {"kind": "time", "sides": ["September 2018", "10 January 2019"]})
    assert next(c for c in detect_conflicts([cluster(events)], events, [seen]) if c.kind == "time").dismissed
    late = span("in July 2019", dt.date(2019, 7, 1), dt.date(2019, 7, 31), "month")
    events.append(event("005:1:0", late, HAJIN))
    reopened = next(c for c in detect_conflicts([cluster(events)], events, [seen]) if c.kind == "time")
    assert len(reopened.sides) == 3 and not reopened.dismissed
