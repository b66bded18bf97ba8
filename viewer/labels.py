"""Words for model values: one place that says how a date, a place, a source or a gap reads.

The conflict explanations, the timeline, the map popups, the event list and the
inspector all describe the same things; they use these functions so a user
reads "10 January 2019", "near Hajin" and "about 4 months" everywhere.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from viewer.model import Article, Place, TimeSpan

_MODIFIER_WORDS = {"START": "early", "MID": "mid", "END": "late"}


def source_label(article: Article | None, fallback: str = "") -> str:
    """The outlet when known, else the title, else the file name."""
    if article is None:
        return fallback
    return article.outlet or article.title or Path(article.path).name or article.id


def time_in_words(span: TimeSpan | None) -> str:
    """A date as a reader says it, at its precision: "10 January 2019", "September 2018", "mid-2014"."""
    if span is None:
        return "no date"
    if not span.is_anchored:
        return span.text
    first, last = span.earliest, span.latest
    assert first is not None and last is not None
    prefix = _MODIFIER_WORDS.get(span.modifier or "", "")
    if span.precision in ("minute", "hour") and isinstance(first, dt.datetime):
        return f"{first.day} {first:%B %Y, %H:%M}"
    if span.precision == "day" or first == last:
        return f"{first.day} {first:%B %Y}"
    if span.precision == "month" or (first.year, first.month) == (last.year, last.month):
        return f"{first:%B %Y}"  # "mid-September" narrows the bar; the words stay the month
    if span.precision == "decade":
        return f"the {first.year // 10 * 10}s"
    if span.precision in ("year", "half", "quarter", "season", "week") and first.year == last.year:
        if span.precision == "year":
            return f"{prefix}-{first.year}" if prefix else f"{first.year}"
        return f"{span.text} ({first.year})" if str(first.year) not in span.text else span.text
    return span.text


def _moment(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def time_detail(span: TimeSpan | None) -> str:
    """The interval a date covers, its precision and the words the article used."""
    if span is None:
        return "unknown"
    said = f"\u201c{span.text}\u201d" if span.text else ""
    if not span.is_anchored:
        return f"{span.value or 'not anchored'} {said}".strip()
    earliest, latest = _moment(span.earliest), _moment(span.latest)  # type: ignore[arg-type]
    interval = earliest if earliest == latest else f"{earliest} \u2013 {latest}"
    details = ", ".join(x for x in (span.precision, said) if x)
    return f"{interval} ({details})" if details else interval


def place_in_words(place: Place | None) -> str:
    """"near Hajin", "eastern Syria", "al-Keshma (not on the map)"."""
    if place is None:
        return "no place"
    name = place.name
    if place.qualifier and place.qualifier.lower() not in name.lower():
        name = f"{place.qualifier} {name}"
    return name if place.is_resolved else f"{name} (not on the map)"


def place_detail(place: Place | None) -> str:
    """The place with its coordinates and uncertainty, or how to pin it when unresolved."""
    if place is None:
        return "no place"
    if not place.is_resolved:
        return f"{place_in_words(place)}: not in the gazetteer; pin it on the map"
    radius = f", \u00b1{place.radius_km:g} km" if place.radius_km else ""
    return f"{place_in_words(place)} ({place.lat:.3f}, {place.lon:.3f}{radius})"


def gap_in_words(days: float) -> str:
    """The size of a time disagreement: "6 hours", "3 days", "about 4 months"."""
    days = abs(days)

    def count(n: int, unit: str) -> str:
        return f"{n} {unit}{'' if n == 1 else 's'}"

    if days < 1:
        return count(max(1, round(days * 24)), "hour")
    if days < 14:
        return count(round(days), "day")
    if days < 60:
        return "about " + count(round(days / 7), "week")
    if days < 730:
        return "about " + count(round(days / 30.44), "month")
    return "about " + count(round(days / 365.25), "year")


def distance_in_words(km: float) -> str:
    """"8.5 km", "240 km"."""
    return f"{km:.1f} km" if km < 10 else f"{km:,.0f} km"
