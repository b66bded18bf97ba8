"""Event extraction over the real spaCy parse, with hand-made date and place mentions."""

from __future__ import annotations

import datetime as dt

import pytest

from viewer.extract.events import actor_key, extract_events
from viewer.model import Article, Place, TimeSpan


def mention_time(text: str, phrase: str, value: str, lo: dt.date, hi: dt.date, precision: str) -> TimeSpan:
    start = text.index(phrase)
    return TimeSpan(phrase, start, start + len(phrase), value=value, earliest=lo, latest=hi, precision=precision)


def mention_place(text: str, phrase: str, precision: str = "point") -> Place:
    start = text.index(phrase)
    return Place(phrase, start, start + len(phrase), phrase, precision=precision)


def run(nlp, text: str, times=(), places=()):
    article = Article(id="art", path="x.txt", text=text)
    return extract_events(article, nlp(text), list(times), list(places))


def test_date_and_place_attach_through_the_parse_not_by_proximity(nlp):
    text = ("Al-Baghdadi fled an attempted coup last month. The incident, believed to have taken place on "
            "10 January, took place in Hajin in the eastern province of Deir Ez-Zor.")
    jan = mention_time(text, "10 January", "2019-01-10", dt.date(2019, 1, 10), dt.date(2019, 1, 10), "day")
    hajin = mention_place(text, "Hajin")
    events = run(nlp, text, [jan], [hajin, mention_place(text, "Deir Ez-Zor", "area")])
    incident = next(e for e in events if e.sentence.startswith("The incident"))
    assert incident.when == jan
    assert incident.where == hajin
    assert incident.who == ["Al-Baghdadi"]  # "the incident" refers back to the coup attempt
    assert incident.trigger == "coup"


def test_reporting_verbs_are_not_events_and_do_not_date_what_they_report(nlp):
    text = "The commander said on Sunday that militants attacked the base in Hajin."
    sunday = mention_time(text, "Sunday", "2019-02-03", dt.date(2019, 2, 3), dt.date(2019, 2, 3), "day")
    events = run(nlp, text, [sunday], [mention_place(text, "Hajin")])
    assert [e.trigger for e in events] == ["attack"]
    assert events[0].when is None
    assert events[0].where is not None and events[0].where.name == "Hajin"


def test_events_without_a_date_stay_undated(nlp):
    events = run(nlp, "Abu Bakr al-Baghdadi survived a coup attempt by his own men.")
    assert len(events) == 1
    assert events[0].when is None
    assert events[0].what == "coup attempt against Abu Bakr al-Baghdadi"
    assert events[0].who == ["Abu Bakr al-Baghdadi"]


def test_when_clause_shares_the_date_it_follows(nlp):
    text = "Baghdadi has not been seen publicly since mid-2014, when he declared the caliphate in Mosul."
    mid = mention_time(text, "mid-2014", "2014", dt.date(2014, 5, 1), dt.date(2014, 8, 31), "year")
    events = run(nlp, text, [mid], [mention_place(text, "Mosul")])
    declared = next(e for e in events if e.trigger == "declare")
    assert declared.when == mid
    assert declared.where.name == "Mosul"
    assert all(e.trigger != "see" for e in events)  # negated: not a happening


def test_before_clause_does_not_inherit_the_date(nlp):
    text = "Abu Bakr al-Baghdadi was attacked near Hajin on January 10 before fleeing with his bodyguards."
    jan = mention_time(text, "January 10", "2019-01-10", dt.date(2019, 1, 10), dt.date(2019, 1, 10), "day")
    events = run(nlp, text, [jan], [mention_place(text, "Hajin", "near")])
    by_trigger = {e.trigger: e for e in events}
    assert by_trigger["attack"].when == jan
    assert by_trigger["flee"].when is None
    assert by_trigger["flee"].who == ["Abu Bakr al-Baghdadi"]


def test_event_ids_are_keyed_by_sentence_offset_and_stable(nlp):
    text = "Nothing happened here. Militants attacked the town of Hajin and fled to the desert."
    first = run(nlp, text, [], [mention_place(text, "Hajin")])
    again = run(nlp, text, [], [mention_place(text, "Hajin")])
    start = text.index("Militants")
    assert [e.id for e in first] == [f"art:{start}:0", f"art:{start}:1"]
    assert [e.id for e in first] == [e.id for e in again]
    assert first[0].sentence == text[first[0].start:first[0].end]


def test_headline_and_dateline_are_not_glued_to_the_next_sentence(nlp):
    text = "Creating new perspectives since 2009\n\nDaesh leader flees coup attempt\n\nFebruary 8, 2019 at 1:06 pm\n\n"
    feb = mention_time(text, "February 8, 2019", "2019-02-08", dt.date(2019, 2, 8), dt.date(2019, 2, 8), "day")
    events = run(nlp, text, [feb], [])
    assert events and all(e.when is None for e in events)
    assert all("\n" not in e.sentence for e in events)


@pytest.mark.parametrize("name", ["Abu Bakr al-Baghdadi", "Al-Baghdadi", "Baghdadi", "al-Baghdadi’s"])
def test_actor_spellings_share_a_key(name):
    assert actor_key(name) == "baghdadi"


def test_organisation_aliases_share_a_key():
    assert actor_key("ISIL") == actor_key("Daesh") == actor_key("Islamic State")
    assert actor_key("Syrian Democratic Forces") != actor_key("Democratic Party")
