"""The JSON report printed by ``viewer extract``: the whole story in one documented schema."""

from __future__ import annotations

from typing import Any

from viewer.model import Article, Conflict, Event, EventCluster, Place, ReadError, Story, TimeSpan


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def article_json(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "outlet": article.outlet,
        "published": _iso(article.published),
        "published_from": article.published_from,
        "words": article.words,
    }


def time_json(span: TimeSpan | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "text": span.text,
        "value": span.value,
        "type": span.type,
        "earliest": _iso(span.earliest),
        "latest": _iso(span.latest),
        "precision": span.precision,
        "modifier": span.modifier,
        "needs_reference": span.needs_reference,
    }


def place_json(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "text": place.text,
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "radius_km": place.radius_km,
        "country": place.country,
        "kind": place.kind,
        "precision": place.precision,
        "source": place.source,
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "article": event.article_id,
        "text": event.sentence,
        "start": event.start,
        "end": event.end,
        "what": event.what,
        "who": list(event.who),
        "when": time_json(event.when),
        "where": place_json(event.where),
        "cluster": event.cluster_id,
        "corrected": event.corrected,
    }


def cluster_json(cluster: EventCluster) -> dict[str, Any]:
    return {"id": cluster.id, "label": cluster.label, "events": cluster.event_ids,
            "articles": cluster.article_ids}


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": conflict.id,
        "cluster": conflict.cluster_id,
        "kind": conflict.kind,
        "sides": [
            {"value": s.value, "events": s.event_ids, "articles": s.article_ids, "evidence": s.evidence}
            for s in conflict.sides
        ],
        "explanation": conflict.explanation,
        "dismissed": conflict.dismissed,
    }
    if conflict.kind == "time":
        data["gap_days"] = conflict.gap_days
    else:
        data["gap_km"] = conflict.gap_km
    return data


def error_json(error: ReadError) -> dict[str, Any]:
    return {"path": error.path, "message": error.message}


def story_json(story: Story, errors: list[ReadError] | None = None) -> dict[str, Any]:
    """The report for ``story``; ``errors`` (this run's) replace the stored ones when given."""
    return {
        "articles": [article_json(a) for a in story.articles],
        "events": [event_json(e) for e in story.events],
        "clusters": [cluster_json(c) for c in story.clusters],
        "conflicts": [conflict_json(c) for c in story.conflicts],
        "errors": [error_json(e) for e in (story.errors if errors is None else errors)],
    }
