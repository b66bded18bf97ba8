"""The single entry point run after ingest and after every correction.

resolve publication dates -> re-anchor relative dates -> apply the user's
date/place fixes -> match events into clusters -> detect conflicts.  Pure and
deterministic: the same articles, events and corrections give the same ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from viewer.cancellation import ShouldStop, check
from viewer.conflicts.detect import detect_conflicts
from viewer.match.clusters import cluster_events
from viewer.model import (
    Article,
    Conflict,
    Correction,
    Event,
    EventCluster,
    Place,
    TimeSpan,
    timespan_from_dict,
)
from viewer.resolve.pubdates import estimate_published


@dataclass
class Analysis:
    """Everything the views show, derived from the workspace content."""

    published: dict[str, tuple[dt.date | None, str | None]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    clusters: list[EventCluster] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def analyse(articles: list[Article], events: list[Event], corrections: list[Correction],
            should_stop: ShouldStop | None = None) -> Analysis:
    """Dates, clusters and conflicts for a workspace; the inputs are not modified.

    Raises ``viewer.cancellation.Cancelled`` soon after ``should_stop()`` turns true.
    """
    published = estimate_published(articles, events, corrections, should_stop)
    events = reanchor_events(articles, events, published, should_stop)
    events = apply_event_corrections(events, corrections)
    check(should_stop)
    clusters = cluster_events(events, corrections, should_stop)
    cluster_of = {event_id: c.id for c in clusters for event_id in c.event_ids}
    events = [replace(e, cluster_id=cluster_of.get(e.id)) for e in events]
    conflicts = detect_conflicts(clusters, events, corrections, should_stop)
    return Analysis(published=published, events=events, clusters=clusters, conflicts=conflicts)


# ---------------------------------------------------------------- re-anchoring


def reanchor_events(articles: list[Article], events: list[Event],
                    published: dict[str, tuple[dt.date | None, str | None]],
                    should_stop: ShouldStop | None = None) -> list[Event]:
    """Resolve each event's date against its article's (possibly new) reference date."""
    changed = {a.id: a for a in articles
               if published.get(a.id, (None, None))[0] is not None
               and published[a.id][0] != a.published}
    spans_cache: dict[str, list[TimeSpan]] = {}
    result = []
    for event in events:
        article = changed.get(event.article_id)
        if article is None or event.when is None or event.corrected:
            result.append(event)
            continue
        if article.id not in spans_cache:
            check(should_stop)  # tagging an article is the slow step: poll before each
            spans_cache[article.id] = _tag(article.text, published[article.id][0])
        result.append(replace(event, when=_same_offsets(event.when, spans_cache[article.id])))
    return result


def _tag(text: str, reference: dt.date | None) -> list[TimeSpan]:
    from viewer.extract.times import tag_times  # the time engineer's tagger

    return tag_times(text, reference)


def _same_offsets(old: TimeSpan, spans: list[TimeSpan]) -> TimeSpan:
    """The span at the same place in the text (the widest overlap if offsets moved)."""
    best, best_overlap = old, 0
    for span in spans:
        if span.start == old.start and span.end == old.end:
            return span
        overlap = min(span.end, old.end) - max(span.start, old.start)
        if overlap > best_overlap:
            best, best_overlap = span, overlap
    return best


# ------------------------------------------------------------------ corrections


def apply_event_corrections(events: list[Event], corrections: list[Correction]) -> list[Event]:
    """Apply "set_when" and "set_where" (the last correction per event wins)."""
    whens = {c.target: c.payload for c in corrections if c.kind == "set_when"}
    wheres = {c.target: c.payload for c in corrections if c.kind == "set_where"}
    result = []
    for event in events:
        if event.id in whens:
            event = replace(event, when=_when_from(event, whens[event.id]), corrected=True)
        if event.id in wheres:
            event = replace(event, where=_where_from(event, wheres[event.id]), corrected=True)
        result.append(event)
    return result


def _when_from(event: Event, payload: dict) -> TimeSpan | None:
    anchor = event.when
    data = {
        "text": payload.get("text") or payload.get("value") or "",
        "start": anchor.start if anchor else event.start,
        "end": anchor.end if anchor else event.start,
        "type": "DATE",
        "value": payload.get("value", ""),
        "earliest": payload.get("earliest"),
        "latest": payload.get("latest"),
        "precision": payload.get("precision"),
    }
    return timespan_from_dict(data)


def _where_from(event: Event, payload: dict) -> Place:
    anchor = event.where
    lat, lon = payload.get("lat"), payload.get("lon")
    resolved = lat is not None and lon is not None
    radius = payload.get("radius_km")
    return Place(
        text=payload.get("name", ""),
        start=anchor.start if anchor else event.start,
        end=anchor.end if anchor else event.start,
        name=payload.get("name", ""),
        lat=lat, lon=lon, radius_km=radius,
        country=payload.get("country"),
        source="user" if resolved else None,
        precision=("near" if radius else "point") if resolved else "unresolved",
    )
