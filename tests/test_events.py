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


def area(text: str, phrase: str, name: str, qualifier: str | None = None) -> Place:
    start = text.index(phrase)
    return Place(phrase, start, start + len(phrase), name, 35.0, 38.5, radius_km=300, kind="country",
                 country="SY", precision="area", qualifier=qualifier)


def test_the_hamlet_itself_beats_near_and_area(nlp):
    text = ("Baghdadi overcame an attempted coup by his bodyguards. The clash reportedly took place in September "
            "in a hamlet IS held in eastern Syria, al-Keshma, near Baghouz.")
    sept = mention_time(text, "September", "2018-09", dt.date(2018, 9, 1), dt.date(2018, 9, 30), "month")
    near = mention_place(text, "Baghouz", "unresolved")
    near = Place(near.text, near.start, near.end, near.name, qualifier="near")
    events = run(nlp, text, [sept], [area(text, "eastern Syria", "Syria", "eastern"), mention_place(
        text, "al-Keshma", "unresolved"), near])
    clash = next(e for e in events if e.trigger == "clash")
    assert clash.where.name == "al-Keshma" and clash.when == sept


def test_the_coup_attempt_refers_back_and_a_village_is_no_actor(nlp):
    text = ("Abu Bakr al-Baghdadi survived a recent coup attempt by his own men. The fighting was very intense. "
            "The witness had given his report after escaping from ISIL’s final eastern Syrian hideout, Baghouz. "
            "He said the coup attempt went down in neighbouring al-Keshma.")
    places = [area(text, "Syrian", "Syria"), mention_place(text, "Baghouz", "unresolved"),
              mention_place(text, "al-Keshma", "unresolved")]
    events = run(nlp, text, [], places)
    last = next(e for e in events if e.sentence.startswith("He said"))
    assert last.trigger == "coup" and last.where.name == "al-Keshma"
    assert last.who == ["Abu Bakr al-Baghdadi"]
    assert not [e for e in events if "Baghouz" in e.who or "al-Keshma" in e.who]


def test_a_nationality_word_is_a_place_only_when_nothing_better_exists(nlp):
    text = "U.S.-backed Syrian forces captured Raqqa in October 2017."
    raqqa = Place("Raqqa", text.index("Raqqa"), text.index("Raqqa") + 5, "Ar Raqqah", 35.95, 39.01,
                  kind="city", country="SY", precision="point")
    events = run(nlp, text, [], [area(text, "Syrian", "Syria"), raqqa])
    assert [e.where.name for e in events] == ["Ar Raqqah"]
    text = "A British doctor was captured by militants in Baghouz."
    british = Place("British", 2, 9, "United Kingdom", 54.0, -2.0, kind="country", country="GB", precision="area")
    events = run(nlp, text, [], [british])
    assert events and all(e.where is None for e in events)  # the doctor's nationality, not a place
    text = "Gunmen attacked a checkpoint on the Syrian border on Sunday."
    events = run(nlp, text, [], [area(text, "Syrian", "Syria")])
    assert [e.where.name for e in events] == ["Syria"]  # nothing better: the border is Syria's


@pytest.mark.parametrize("text", [
    "There was a clash and two people were killed.",
    "The jihadist group offered a reward for anyone who kills Abu Muath al-Jazairi.",
    "ISIS is so keen to have the alleged coup leader, Abu Muath al-Jazairi, killed, that the group has put a "
    "bounty on his head.",
    "Al-Baghdadi, who has been reported killed or wounded on a number of occasions, is believed to be alive.",
    "Fierce fighting continues to rid Syria of the country's final ISIL stronghold.",
    "Al-Baghdadi is hiding in the desert.",
    "Daesh fighters have been battling with the international coalition.",
])
def test_generic_hypothetical_and_state_sentences_are_not_events(nlp, text):
    assert run(nlp, text, [], [area(text, "Syria", "Syria")] if "Syria" in text else []) == []


def test_relative_pronouns_and_roles_point_to_the_right_people(nlp):
    text = ("Islamic State leader Abu Bakr al-Baghdadi overcame an attempted coup by his foreign bodyguards, "
            "who were then rounded up and executed. The coup leader is reported to have been killed.")
    events = run(nlp, text)
    coup = next(e for e in events if e.trigger == "coup")
    assert "Abu Bakr al-Baghdadi" in coup.who and "Islamic State" in coup.who
    executed = [e for e in events if e.trigger in ("execute", "kill")]
    assert executed and all("Abu Bakr al-Baghdadi" not in e.who for e in executed)


def test_a_participle_clause_shares_the_date_and_place_of_its_happening(nlp):
    text = "Gunmen attacked a concert hall in Paris on November 13, 2015, killing 90 people."
    nov = mention_time(text, "November 13, 2015", "2015-11-13", dt.date(2015, 11, 13), dt.date(2015, 11, 13), "day")
    events = run(nlp, text, [nov], [mention_place(text, "Paris")])
    by_trigger = {e.trigger: e for e in events}
    assert by_trigger["kill"].when == nov and by_trigger["kill"].where.name == "Paris"
    assert by_trigger["attack"].when == nov


@pytest.mark.parametrize("text, place", [
    ("Mosul fell to Islamic State militants in June 2014.", "Mosul"),
    ("The town of Hajin fell on 14 December.", "Hajin"),
    ("Mosul was captured by Islamic State in June 2014.", "Mosul"),
])
def test_a_place_that_falls_or_is_taken_is_where_it_happened(nlp, text, place):
    """The place is the subject here, yet it says where, not who."""
    events = run(nlp, text, places=[mention_place(text, place)])
    assert [e.trigger for e in events] in (["fall"], ["capture"])
    assert events[0].where is not None and events[0].where.name == place


@pytest.mark.parametrize("text", ["Oil prices fell sharply on Monday.", "He fell ill in March.",
                                  "Turnout fell to 40 percent in May."])
def test_other_things_falling_are_not_events(nlp, text):
    assert [e.trigger for e in run(nlp, text)] == []


def test_shelling_and_entering_a_town_are_events(nlp):
    text = "Ukrainian troops shelled Mariupol overnight. Russian forces entered Bakhmut on Saturday."
    events = run(nlp, text, places=[mention_place(text, "Mariupol"), mention_place(text, "Bakhmut")])
    assert [(e.trigger, e.where.name if e.where else None) for e in events] == [
        ("shell", "Mariupol"), ("enter", "Bakhmut")]


def test_who_reports_a_shelling_did_not_shell(nlp):
    text = "The Observatory for Human Rights reported shelling from the Iraqi side in Hajin."
    events = run(nlp, text, places=[mention_place(text, "Hajin")])
    assert [(e.trigger, e.who) for e in events] == [("shell", [])]


def test_a_storm_stays_a_disaster():
    from viewer.extract._event_lexicon import trigger_class

    assert trigger_class("storm") == "disaster" and trigger_class("shelling") == "attack"
    assert trigger_class("enter") == trigger_class("capture")


def test_a_dateline_number_is_not_glued_to_the_next_subject(nlp):
    text = "By Staff, 21 May 2023\n\nRussian forces entered Bakhmut on Saturday."
    events = run(nlp, text, places=[mention_place(text, "Bakhmut")])
    assert [e.what for e in events] == ["Russian forces entered"]


def test_a_bomb_that_explodes_is_an_attack(nlp):
    text = "A car bomb exploded near a checkpoint in Mogadishu on Saturday, killing five soldiers."
    events = run(nlp, text, places=[mention_place(text, "Mogadishu")])
    assert [e.trigger for e in events] == ["explode", "kill"]
    assert all(e.where is not None and e.where.name == "Mogadishu" for e in events)
