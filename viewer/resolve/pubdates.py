"""Publication dates: stated, set by the user, or estimated from the story.

Relative dates ("in September", "on Sunday") mean nothing without the date an
article was written.  When an article states none we estimate it from the
dated articles of the same story (those sharing actors, places or kinds of
happening), never earlier than the latest full date the article itself
mentions, and mark it "estimated" so the user can see and correct it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from viewer.cancellation import ShouldStop, check
from viewer.conflicts.detect import name_key
from viewer.extract._event_lexicon import trigger_class
from viewer.extract.events import actor_key
from viewer.match.clusters import is_generic_actor
from viewer.model import Article, Correction, Event

#: Minimum overlap score for a dated article to count as "the same story".
MIN_RELATEDNESS = 0.15
#: Only dated articles at least this share as related as the closest one are used.
CLOSEST_SHARE = 0.75

Published = tuple[dt.date | None, str | None]


def _profile(events: list[Event]) -> set[str]:
    """What an article is about: its actors, places and kinds of happening."""
    features: set[str] = set()
    for event in events:
        # Organisations and states ("ISIL", "the SDF") take part in many stories: only
        # specific actors (people, named storms) say two articles tell the same one.
        features.update("a:" + actor_key(a) for a in event.who if not is_generic_actor(a))
        if event.where is not None:
            features.add("p:" + name_key(event.where.name))
        features.add("k:" + trigger_class(event.trigger))
    return features


def relatedness(a: set[str], b: set[str]) -> float:
    """Weighted Jaccard overlap; shared actors and places count double."""
    if not a or not b:
        return 0.0

    def weight(features: set[str]) -> float:
        return sum(1.0 if f.startswith("k:") else 2.0 for f in features)

    return weight(a & b) / weight(a | b)


def latest_full_date(article: Article) -> dt.date | None:
    """The latest absolute day-precision date the article itself mentions (a lower bound)."""
    try:
        from viewer.extract.times import tag_times
    except ImportError:  # pragma: no cover - only while the times module is missing
        return None
    days = [s.latest for s in tag_times(article.text)
            if s.is_anchored and not s.needs_reference and s.precision in ("day", "hour", "minute")]
    dates = [d.date() if isinstance(d, dt.datetime) else d for d in days]
    return max(dates) if dates else None


def user_dates(corrections: list[Correction]) -> dict[str, dt.date]:
    """Publication dates the user set ("set_published"), the last one winning."""
    found: dict[str, dt.date] = {}
    for correction in corrections:
        if correction.kind == "set_published" and correction.payload.get("date"):
            found[correction.target] = dt.date.fromisoformat(str(correction.payload["date"])[:10])
    return found


def estimate_published(articles: list[Article], events: list[Event],
                       corrections: list[Correction] | None = None,
                       should_stop: ShouldStop | None = None) -> dict[str, Published]:
    """Each article's publication date and where it comes from.

    Provenance: "user" (a correction), the article's own ("text"/"metadata"),
    "estimated" (from related dated articles), or (None, None) when unknown.
    """
    by_article: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_article[event.article_id].append(event)
    profiles = {a.id: _profile(by_article[a.id]) for a in articles}
    chosen = user_dates(corrections or [])
    result: dict[str, Published] = {}
    for article in articles:
        if article.id in chosen:
            result[article.id] = (chosen[article.id], "user")
        elif article.published is not None and article.published_from != "estimated":
            result[article.id] = (article.published, article.published_from or "metadata")
    for article in articles:
        if article.id in result:
            continue
        check(should_stop)
        dated = [(relatedness(profiles[article.id], profiles[other]), when)
                 for other, (when, source) in result.items() if when is not None and source != "estimated"]
        best = max((score for score, _ in dated), default=0.0)
        # The closest articles tell the story; weaker overlaps may be another story of the same kind.
        related = [when for score, when in dated if score >= MIN_RELATEDNESS and score >= CLOSEST_SHARE * best]
        if not related:
            result[article.id] = (None, None)
            continue
        estimate = _median_date(related)
        floor = latest_full_date(article)
        if floor is not None and floor > estimate:
            estimate = floor
        result[article.id] = (estimate, "estimated")
    return result


def _median_date(dates: list[dt.date]) -> dt.date:
    return dt.date.fromordinal(int(statistics.median_low(d.toordinal() for d in dates)))
