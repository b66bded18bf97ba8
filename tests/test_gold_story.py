"""End to end on the five sample articles: real spaCy, tag_times, PlaceFinder, extract_events, analyse."""

from __future__ import annotations

import datetime as dt

import pytest

from viewer.analyse import analyse
from viewer.extract.events import extract_events
from viewer.extract.times import tag_times
from viewer.model import Article, Correction

places_module = pytest.importorskip("viewer.resolve.places")

pytestmark = pytest.mark.slow

QUAKE_TEXTS = {
    "q15": ("A magnitude 7.8 earthquake struck near Kathmandu, Nepal on April 25, 2015, "
            "destroying temples and killing thousands of people."),
    "q16": ("A powerful earthquake hit Ecuador's coast near Muisne on April 16, 2016, "
            "flattening buildings in the port city."),
}


def build(nlp, finder, texts: dict[str, tuple[str, dt.date | None]]):
    articles, events = [], []
    for aid, (text, published) in texts.items():
        article = Article(id=aid, path=f"{aid}.txt", text=text, published=published,
                          published_from="text" if published else None)
        doc = nlp(text)
        articles.append(article)
        events.extend(extract_events(article, doc, tag_times(text, published), finder.find(doc)))
    return articles, events


@pytest.fixture(scope="module")
def finder():
    return places_module.PlaceFinder()


@pytest.fixture(scope="module")
def story(nlp, finder, sample_dir):
    texts = {}
    for path in sorted(sample_dir.glob("*.txt")):
        aid = path.name[:3]
        texts[aid] = (path.read_text(encoding="utf-8"), dt.date(2019, 2, 8) if aid == "003" else None)
    return build(nlp, finder, texts)


@pytest.fixture(scope="module")
def result(story):
    return analyse(*story, [])


def events_of(result, cluster):
    index = {e.id: e for e in result.events}
    return [index[i] for i in cluster.event_ids]


def coup_cluster(result):
    return next(c for c in result.clusters if any(e.trigger == "coup" for e in events_of(result, c))
                and len(c.article_ids) == 5)


def test_undated_articles_get_an_estimated_date(result):
    assert result.published["003"] == (dt.date(2019, 2, 8), "text")
    for aid in ("000", "001", "002", "004"):
        when, source = result.published[aid]
        assert source == "estimated" and dt.date(2019, 2, 1) <= when <= dt.date(2019, 2, 28)


def test_coup_attempt_is_one_cluster_with_all_five_articles(result):
    cluster = coup_cluster(result)
    assert cluster.article_ids == ["000", "001", "002", "003", "004"]
    assert "coup" in cluster.label and "Baghdadi" in cluster.label


def test_coup_attempt_has_a_time_conflict_september_vs_10_january(result, gold):
    cluster = coup_cluster(result)
    time = next(c for c in result.conflicts if c.cluster_id == cluster.id and c.kind == "time")
    gold_sides = gold["same_event_groups"][0]["sides"]
    assert [s.article_ids for s in time.sides] == [[a[:3] for a in s["articles"]] for s in gold_sides]
    assert [s.value for s in time.sides] == ["September 2018", "10 January 2019"]
    assert all(side.evidence for side in time.sides)
    assert 90 <= time.gap_days <= 135


def test_coup_attempt_has_a_place_conflict_keshma_vs_hajin(result):
    cluster = coup_cluster(result)
    place = next(c for c in result.conflicts if c.cluster_id == cluster.id and c.kind == "place")
    assert [s.article_ids for s in place.sides] == [["000", "001"], ["002", "003", "004"]]
    assert [s.value for s in place.sides][0] == "al-Keshma"  # the hamlet, not "near Baghouz" nor "eastern Syria"
    assert "Haj" in place.sides[1].value
    assert any("neighbouring al-Keshma" in s for s in place.sides[0].evidence)
    assert any("al-Keshma, near Baghouz" in s for s in place.sides[0].evidence)
    assert all(side.evidence for side in place.sides)


def test_caliphate_declaration_and_flight_have_no_conflict(result):
    for trigger in ("declare", "flee"):
        clusters = [c for c in result.clusters if len(c.article_ids) >= 3
                    and any(e.trigger == trigger for e in events_of(result, c))]
        assert clusters, trigger
        for cluster in clusters:
            assert not [c for c in result.conflicts if c.cluster_id == cluster.id], trigger


def test_the_only_disagreements_in_the_story_are_the_coup_attempts(result):
    """The gold lists one disputed event; any other conflict is a false merge (a report
    released "this week" once joined a push launched "on Saturday")."""
    cluster = coup_cluster(result)
    assert sorted(c.kind for c in result.conflicts) == ["place", "time"]
    assert {c.cluster_id for c in result.conflicts} == {cluster.id}


def test_declaration_cluster_joins_its_three_sources(result):
    cluster = next(c for c in result.clusters if any(e.trigger == "declare" for e in events_of(result, c))
                   and len(c.article_ids) >= 3)
    assert {"000", "002", "003"} <= set(cluster.article_ids)


def test_two_earthquakes_in_different_years_and_cities_stay_apart(nlp, finder):
    articles, events = build(nlp, finder, {k: (v, None) for k, v in QUAKE_TEXTS.items()})
    outcome = analyse(articles, events, [])
    quakes = [c for c in outcome.clusters if any(e.trigger == "earthquake" for e in events_of(outcome, c))]
    assert len(quakes) == 2 and all(len(c.article_ids) == 1 for c in quakes)
    assert outcome.conflicts == []


#: Pairs of short articles about two different happenings of one kind: (kind, text a, text b).
SAME_KIND_PAIRS = {
    "stabbings": ("stab", (
        "A 34-year-old man was stabbed to death outside a nightclub in Leeds on March 3, 2012. "
        "Police arrested a teenager at the scene."), (
        "A woman was stabbed in a shopping centre in Manchester on June 1, 2017. "
        "Detectives said the attacker fled on foot.")),
    "rehab": ("rehab", (
        "Lindsay Lohan entered rehab in Malibu on May 2, 2013, her lawyer said. "
        "The actress checked into the clinic to avoid a jail term."), (
        "Demi Lovato entered rehab in Chicago on May 9, 2013, a spokesperson confirmed. "
        "The singer said she needed help.")),
    "isis attacks": ("attack", (
        "Islamic State gunmen attacked a concert hall in Paris on November 13, 2015, killing 90 people. "
        "ISIS later claimed the attack."), (
        "An Islamic State suicide bomber attacked a concert in Manchester on May 22, 2017, killing 22 people. "
        "ISIS claimed the bombing the next day.")),
    "coups": ("coup", (
        "Army officers staged a coup in Ankara on July 15, 2016, but loyal troops crushed the putsch overnight."), (
        "Soldiers staged a coup in Harare on November 15, 2017, and placed President Robert Mugabe "
        "under house arrest.")),
}


@pytest.mark.parametrize("pair", sorted(SAME_KIND_PAIRS))
def test_two_happenings_of_one_kind_stay_apart_without_conflict(nlp, finder, pair):
    from viewer.extract._event_lexicon import class_family, trigger_class

    kind, text_a, text_b = SAME_KIND_PAIRS[pair]
    articles, events = build(nlp, finder, {"a": (text_a, dt.date(2019, 1, 1)), "b": (text_b, dt.date(2019, 1, 1))})
    family = class_family(trigger_class(kind))
    for aid in ("a", "b"):  # each article does tell its happening
        assert any(e.article_id == aid and class_family(trigger_class(e.trigger)) == family for e in events), aid
    outcome = analyse(articles, events, [])
    assert [c.label for c in outcome.clusters if len(c.article_ids) > 1] == []
    assert outcome.conflicts == []


def test_corrections_survive_a_rerun(story, result):
    articles, events = story
    cluster = coup_cluster(result)
    time = next(c for c in result.conflicts if c.cluster_id == cluster.id and c.kind == "time")
    moved = time.sides[0].event_ids[0]
    fixes = [
        Correction("not_conflict", time.id, {"kind": "time"}),
        Correction("set_when", moved, {"text": "10 January 2019", "value": "2019-01-10",
                                       "earliest": "2019-01-10", "latest": "2019-01-10", "precision": "day"}),
        Correction("split", "", {"event_ids": [moved]}),
    ]
    first = analyse(articles, events, fixes)
    second = analyse(articles, events, fixes)
    for run in (first, second):
        index = {e.id: e for e in run.events}
        assert index[moved].corrected and index[moved].when.value == "2019-01-10"
        own = next(c for c in run.clusters if moved in c.event_ids)
        assert own.event_ids == [moved]
    assert [c.id for c in first.clusters] == [c.id for c in second.clusters]


def test_a_dismissed_conflict_stays_dismissed_on_every_rerun(story, result):
    articles, events = story
    cluster = coup_cluster(result)
    time = next(c for c in result.conflicts if c.cluster_id == cluster.id and c.kind == "time")
    assert not time.dismissed
    dismissal = [Correction("not_conflict", time.id, {"kind": "time", "sides": [s.value for s in time.sides]})]
    for _ in range(2):
        rerun = analyse(articles, events, dismissal)
        (again,) = [c for c in rerun.conflicts if c.id == time.id]
        assert again.dismissed
        assert [s.article_ids for s in again.sides] == [s.article_ids for s in time.sides]
