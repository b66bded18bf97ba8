"""Matching: paraphrases and disagreeing sources join, same-kind different happenings stay apart."""

from __future__ import annotations

import datetime as dt

from viewer.match.clusters import cluster_events
from viewer.model import Correction, Event, Place, TimeSpan


def day(y: int, m: int, d: int) -> TimeSpan:
    return TimeSpan(f"{y}-{m}-{d}", 0, 1, value=f"{y:04d}-{m:02d}-{d:02d}", earliest=dt.date(y, m, d),
                    latest=dt.date(y, m, d), precision="day")


def month(y: int, m: int) -> TimeSpan:
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
    return TimeSpan(f"{y}-{m}", 0, 1, value=f"{y:04d}-{m:02d}", earliest=dt.date(y, m, 1), latest=last,
                    precision="month")


def town(name: str, lat: float | None = None, lon: float | None = None) -> Place:
    return Place(name, 0, 1, name, lat, lon, precision="point" if lat is not None else "unresolved")


def ev(eid: str, trigger: str, what: str, who=(), when=None, where=None) -> Event:
    article = eid.split(":")[0]
    return Event(id=eid, article_id=article, sentence=what + ".", start=0, end=len(what), what=what,
                 trigger=trigger, who=list(who), when=when, where=where)


def cluster_of(clusters, event_id):
    return next(c for c in clusters if event_id in c.event_ids)


def coup_mentions() -> list[Event]:
    return [
        ev("a0:10:0", "coup", "coup attempt against Abu Bakr al-Baghdadi", ["Abu Bakr al-Baghdadi"], month(2018, 9),
           town("al-Keshma")),
        ev("a1:20:0", "clash", "clash", ["Baghdadi"], month(2018, 9), town("Keshma")),
        ev("a2:30:0", "attack", "Abu Bakr al-Baghdadi was attacked", ["Al-Baghdadi"], day(2019, 1, 10),
           town("Hajin", 34.695, 40.831)),
        ev("a3:40:0", "firefight", "firefight", ["al-Baghdadi"], day(2019, 1, 10), town("Hajin", 34.695, 40.831)),
        ev("a4:50:0", "plot", "failed plot", ["Baghdadi"], None, None),
    ]


def test_paraphrases_with_disagreeing_time_and_place_form_one_cluster():
    clusters = cluster_events(coup_mentions())
    coup = cluster_of(clusters, "a0:10:0")
    assert sorted(coup.article_ids) == ["a0", "a1", "a2", "a3", "a4"]
    assert len(clusters) == 1


def test_different_kinds_of_happening_with_the_same_actor_stay_apart():
    events = coup_mentions() + [ev("a1:99:0", "flee", "al-Baghdadi fled to the desert", ["Baghdadi"], month(2019, 1))]
    clusters = cluster_events(events)
    assert cluster_of(clusters, "a1:99:0").event_ids == ["a1:99:0"]


def test_two_earthquakes_in_different_years_and_cities_stay_apart():
    events = [
        ev("x0:0:0", "earthquake", "a magnitude 7.8 earthquake", [], day(2015, 4, 25), town("Kathmandu", 27.7, 85.3)),
        ev("x1:0:0", "quake", "powerful quake", [], day(2015, 4, 25), town("Kathmandu", 27.7, 85.32)),
        ev("y0:0:0", "earthquake", "a magnitude 7.8 earthquake", [], day(2016, 4, 16), town("Muisne", 0.6, -80.0)),
        ev("y1:0:0", "earthquake", "deadly earthquake", [], day(2016, 4, 16), town("Muisne", 0.61, -80.02)),
    ]
    clusters = cluster_events(events)
    assert cluster_of(clusters, "x0:0:0").article_ids == ["x0", "x1"]
    assert "y0:0:0" not in cluster_of(clusters, "x0:0:0").event_ids
    assert "y0:0:0" in cluster_of(clusters, "y1:0:0").event_ids


def test_two_people_entering_rehab_stay_apart():
    events = [
        ev("r0:0:0", "rehab", "Lindsay Lohan entered rehab", ["Lindsay Lohan"], month(2013, 5)),
        ev("r1:0:0", "rehab", "Demi Lovato entered rehab", ["Demi Lovato"], month(2013, 5)),
        ev("r2:0:0", "rehab", "Lohan checked into rehab", ["Lohan"], month(2013, 5)),
    ]
    clusters = cluster_events(events)
    assert cluster_of(clusters, "r0:0:0").event_ids == ["r0:0:0", "r2:0:0"]
    assert cluster_of(clusters, "r1:0:0").event_ids == ["r1:0:0"]


def test_same_actor_years_apart_is_two_happenings():
    events = [
        ev("s0:0:0", "stabbing", "stabbing of John Smith", ["John Smith"], day(2012, 3, 1), town("Leeds", 53.8, -1.55)),
        ev("s1:0:0", "stab", "John Smith was stabbed", ["Smith"], day(2017, 6, 1), town("Leeds", 53.8, -1.55)),
    ]
    assert len(cluster_events(events)) == 2


def test_cluster_ids_and_labels_are_stable_and_readable():
    first = cluster_events(coup_mentions())
    again = cluster_events(list(reversed(coup_mentions())))
    assert [c.id for c in first] == [c.id for c in again]
    assert first[0].label == "coup attempt against Abu Bakr al-Baghdadi"


def test_split_and_merge_corrections_are_applied():
    split = Correction("split", "", {"event_ids": ["a2:30:0", "a3:40:0"]})
    clusters = cluster_events(coup_mentions(), [split])
    assert cluster_of(clusters, "a2:30:0").event_ids == ["a2:30:0", "a3:40:0"]
    assert "a2:30:0" not in cluster_of(clusters, "a0:10:0").event_ids
    merge = Correction("merge", "", {"event_ids": ["a2:30:0", "a0:10:0"]})
    clusters = cluster_events(coup_mentions(), [split, merge])
    assert cluster_of(clusters, "a2:30:0") is cluster_of(clusters, "a0:10:0")


def test_a_shared_organisation_alone_does_not_bridge_two_happenings():
    events = [
        ev("p0:0:0", "attack", "ISIL gunmen attacked a concert hall", ["ISIL"], day(2015, 11, 13),
           town("Paris", 48.857, 2.352)),
        ev("m0:0:0", "bombing", "Islamic State bombing at a concert", ["Islamic State"], day(2017, 5, 22),
           town("Manchester", 53.48, -2.24)),
        ev("k0:0:0", "attack", "the SDF attacked ISIS positions", ["SDF", "ISIS"], None, None),
        ev("k1:0:0", "attack", "fierce attack by the SDF", ["Syrian Democratic Forces"], None, None),
    ]
    clusters = cluster_events(events)
    assert len(clusters) == 4


def test_a_shared_organisation_joins_when_time_and_place_agree():
    events = [
        ev("p0:0:0", "attack", "ISIL gunmen attacked a concert hall", ["ISIL"], day(2015, 11, 13),
           town("Paris", 48.857, 2.352)),
        ev("p1:0:0", "shooting", "Daesh shooting at the Bataclan", ["Daesh"], day(2015, 11, 13),
           town("Paris", 48.86, 2.37)),
    ]
    assert len(cluster_events(events)) == 1


def test_generic_and_specific_actors():
    from viewer.match.clusters import is_generic_actor

    assert all(is_generic_actor(a) for a in ("ISIL", "Daesh", "the SDF", "Syrian Democratic Forces", "America",
                                             "Tunisians", "Islamic State"))
    assert not any(is_generic_actor(a) for a in ("Abu Bakr al-Baghdadi", "Baghdadi", "Lindsay Lohan"))


def test_same_kind_happenings_in_one_week_in_different_cities_stay_apart():
    events = [
        ev("x0:0:0", "stabbing", "a man was stabbed outside a nightclub", [], day(2017, 6, 1),
           town("Leeds", 53.8, -1.55)),
        ev("y0:0:0", "stabbing", "a woman was stabbed in a shopping centre", [], day(2017, 6, 2),
           town("Manchester", 53.48, -2.24)),
        ev("z0:0:0", "stabbing", "stabbing", [], day(2017, 6, 1), None),
    ]
    clusters = cluster_events(events)
    assert cluster_of(clusters, "x0:0:0").event_ids == ["x0:0:0"]
    assert cluster_of(clusters, "y0:0:0").event_ids == ["y0:0:0"]


def test_split_of_events_from_two_clusters_never_joins_them():
    """Regression: "split" of one event from each of two clusters must not merge the two."""
    from viewer.match.clusters import _apply_corrections
    from viewer.model import Correction

    sets = [{"a1", "a2"}, {"b1", "b2"}]
    result = _apply_corrections(sets, [Correction("split", "", {"event_ids": ["a1", "b1"]})])
    assert sorted(sorted(s) for s in result) == [["a1"], ["a2"], ["b1"], ["b2"]]


def test_group_check_by_signatures_agrees_with_every_pair():
    """_Groups.can_join compares distinct signatures; it must answer as checking all pairs would."""
    import datetime as dt
    import random

    from viewer.match.clusters import _cannot_link, _Groups, _mentions, _PlaceCache
    from viewer.model import Event, Place, TimeSpan

    rng = random.Random(7)
    places = [None, Place("Hajin", 0, 5, "Hajin", 34.7, 40.8, precision="point"),
              Place("Mosul", 0, 5, "Mosul", 36.3, 43.1, precision="point"), Place("al-Keshma", 0, 9, "al-Keshma")]
    days = [None, dt.date(2019, 1, 10), dt.date(2018, 9, 15), dt.date(2014, 7, 4)]
    people = [[], ["Abu Bakr al-Baghdadi"], ["Abu Muath al-Jazairi"], ["ISIL"]]
    events = []
    for n in range(60):
        day = rng.choice(days)
        when = TimeSpan("x", 0, 1, "DATE", "v", day, day, "day") if day else None
        events.append(Event(id=f"a{n % 6}:0:{n}", article_id=f"a{n % 6}", sentence="s", start=0, end=1,
                            what="coup attempt", trigger="coup", who=rng.choice(people), when=when,
                            where=rng.choice(places)))
    mentions = _mentions(events)
    cache = _PlaceCache()
    outcomes = set()
    for _ in range(300):
        groups = _Groups(mentions)
        members = list(range(len(mentions)))
        rng.shuffle(members)
        left, right = members[:rng.randint(1, 6)], members[6:6 + rng.randint(1, 6)]
        for group in (left, right):
            for other in group[1:]:
                root_a, root_b = groups.find(group[0]), groups.find(other)
                if root_a != root_b:
                    groups.union(root_a, root_b)
        brute = not any(_cannot_link(mentions[x], mentions[y], cache) for x in left for y in right)
        assert groups.can_join(groups.find(left[0]), groups.find(right[0]), cache) == brute
        outcomes.add(brute)
    assert outcomes == {True, False}  # both answers were exercised
