"""Publication dates: estimated from the story, bounded by the article's own dates, user wins."""

from __future__ import annotations

import datetime as dt

from viewer.model import Article, Correction, Event, Place
from viewer.resolve.pubdates import estimate_published


def article(aid: str, text: str = "No dates here.", published=None, source=None) -> Article:
    return Article(id=aid, path=f"{aid}.txt", text=text, published=published, published_from=source)


def event(aid: str, who: list[str], trigger: str = "coup", where: str | None = "Hajin") -> Event:
    place = Place(where, 0, 1, where) if where else None
    return Event(id=f"{aid}:0:0", article_id=aid, sentence="s", start=0, end=1, what=trigger, trigger=trigger,
                 who=who, where=place)


def test_undated_article_of_the_same_story_gets_an_estimated_date():
    articles = [article("dated", published=dt.date(2019, 2, 8), source="text"), article("undated"),
                article("other")]
    events = [event("dated", ["Abu Bakr al-Baghdadi"]), event("undated", ["Al-Baghdadi"]),
              event("other", ["Lindsay Lohan"], "rehab", "Malibu")]
    result = estimate_published(articles, events)
    assert result["dated"] == (dt.date(2019, 2, 8), "text")
    assert result["undated"] == (dt.date(2019, 2, 8), "estimated")
    assert result["other"] == (None, None)  # unrelated: never guessed


def test_estimate_is_never_before_a_full_date_the_article_mentions():
    articles = [article("dated", published=dt.date(2019, 2, 8), source="text"),
                article("undated", "The fighting resumed on March 3, 2019 near Hajin.")]
    events = [event("dated", ["Baghdadi"]), event("undated", ["Baghdadi"])]
    assert estimate_published(articles, events)["undated"] == (dt.date(2019, 3, 3), "estimated")


def test_user_set_date_wins_over_text_and_estimate():
    articles = [article("dated", published=dt.date(2019, 2, 8), source="text"), article("undated")]
    events = [event("dated", ["Baghdadi"]), event("undated", ["Baghdadi"])]
    fixes = [Correction("set_published", "undated", {"date": "2019-02-10"}),
             Correction("set_published", "dated", {"date": "2019-02-07"})]
    result = estimate_published(articles, events, fixes)
    assert result == {"dated": (dt.date(2019, 2, 7), "user"), "undated": (dt.date(2019, 2, 10), "user")}
