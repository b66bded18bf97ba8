"""One wording for dates, places, sources and gaps across the app."""

from __future__ import annotations

import datetime as dt

from viewer.labels import (gap_in_words, place_detail, place_in_words, source_label, time_detail,
                           time_in_words)
from viewer.model import Article, Place, TimeSpan


def span(value: str, first: dt.date, last: dt.date, precision: str, modifier: str | None = None,
         text: str = "x") -> TimeSpan:
    return TimeSpan(text, 0, len(text), "DATE", value, first, last, precision, modifier=modifier)


def test_dates_read_at_their_precision():
    assert time_in_words(span("2019-01-10", dt.date(2019, 1, 10), dt.date(2019, 1, 10), "day")) == "10 January 2019"
    assert time_in_words(span("2018-09", dt.date(2018, 9, 1), dt.date(2018, 9, 30), "month")) == "September 2018"
    assert time_in_words(span("2014", dt.date(2014, 5, 1), dt.date(2014, 8, 31), "year", "MID")) == "mid-2014"
    assert time_in_words(span("2014", dt.date(2014, 1, 1), dt.date(2014, 12, 31), "year")) == "2014"
    assert time_in_words(span("199", dt.date(1990, 1, 1), dt.date(1999, 12, 31), "decade")) == "the 1990s"
    unanchored = TimeSpan("in September", 0, 12, "DATE", "XXXX-09", needs_reference=True)
    assert time_in_words(unanchored) == "in September"
    assert time_in_words(None) == "no date"


def test_time_detail_gives_the_interval_and_the_words():
    month = span("2018-09", dt.date(2018, 9, 1), dt.date(2018, 9, 30), "month", text="in September")
    assert time_detail(month) == "2018-09-01 \u2013 2018-09-30 (month, \u201cin September\u201d)"


def test_places_say_their_qualifier_and_when_they_are_not_on_the_map():
    near = Place("a village near Hajin", 0, 20, "Hajin", 34.695, 40.831, 10.0, "city", "SY",
                 "geonames:1", "near", qualifier="near")
    assert place_in_words(near) == "near Hajin"
    assert place_detail(near) == "near Hajin (34.695, 40.831, \u00b110 km)"
    keshma = Place("al-Keshma", 0, 9, "al-Keshma")
    assert place_in_words(keshma) == "al-Keshma (not on the map)"
    assert "pin it on the map" in place_detail(keshma)


def test_sources_fall_back_from_outlet_to_title_to_file_name():
    article = Article(id="a", path="/x/003.txt", text="t", title="Daesh leader flees", outlet=None)
    assert source_label(article) == "Daesh leader flees"
    article.outlet = "Middle East Monitor"
    assert source_label(article) == "Middle East Monitor"
    assert source_label(Article(id="a", path="/x/003.txt", text="t")) == "003.txt"
    assert source_label(None, "fallback") == "fallback"


def test_gaps_use_the_units_people_use():
    assert gap_in_words(0.25) == "6 hours"
    assert gap_in_words(1) == "1 day"
    assert gap_in_words(21) == "about 3 weeks"
    assert gap_in_words(117) == "about 4 months"
    assert gap_in_words(800) == "about 2 years"
