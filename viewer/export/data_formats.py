"""The story as data other tools read: CSV, GeoJSON, KML and TimelineJS 3 JSON.

Qt-free, standard library only (csv, json, xml.etree): these formats are simple
enough that a dependency would add more risk than it removes, and the stdlib
writers do the escaping for us.

Dates keep their precision: a month is exported as its first and last day
(KML ``TimeSpan``, TimelineJS ``start_date``/``end_date``), never a fake day.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable

from viewer.labels import source_label
from viewer.model import Article, Conflict, Event, Story, TimeSpan

KML_NS = "http://www.opengis.net/kml/2.2"

CSV_COLUMNS = (
    "event_id", "article_id", "outlet", "title", "published", "what", "when_text", "when_value",
    "earliest", "latest", "precision", "place", "place_text", "lat", "lon", "radius_km",
    "place_precision", "country", "cluster_id", "cluster_label", "conflict", "sentence",
)


# ------------------------------------------------------------------ helpers


def _iso(value: dt.date | dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _outlet(article: Article | None) -> str:
    return source_label(article)


def _conflict_events(story: Story) -> dict[str, list[Conflict]]:
    """Event id -> the live (not dismissed) conflicts it takes part in."""
    result: dict[str, list[Conflict]] = {}
    for conflict in story.conflicts:
        if conflict.dismissed:
            continue
        for side in conflict.sides:
            for event_id in side.event_ids:
                result.setdefault(event_id, []).append(conflict)
    return result


def _cluster_labels(story: Story) -> dict[str, str]:
    return {c.id: c.label for c in story.clusters}


def _is_resolved(event: Event) -> bool:
    return event.where is not None and event.where.is_resolved


def _is_dated(event: Event) -> bool:
    return event.when is not None and event.when.is_anchored


# ---------------------------------------------------------------------- CSV


def event_row(event: Event, story: Story, labels: dict[str, str],
              conflicts: dict[str, list[Conflict]]) -> dict[str, Any]:
    """One CSV row: every field a spreadsheet user filters on."""
    article = story.article(event.article_id)
    when, where = event.when, event.where
    return {
        "event_id": event.id,
        "article_id": event.article_id,
        "outlet": _outlet(article),
        "title": article.title if article else "",
        "published": _iso(article.published) if article else "",
        "what": event.what,
        "when_text": when.text if when else "",
        "when_value": when.value if when else "",
        "earliest": _iso(when.earliest) if when else "",
        "latest": _iso(when.latest) if when else "",
        "precision": (when.precision or "") if when else "",
        "place": where.name if where else "",
        "place_text": where.text if where else "",
        "lat": where.lat if where and where.lat is not None else "",
        "lon": where.lon if where and where.lon is not None else "",
        "radius_km": where.radius_km if where and where.radius_km is not None else "",
        "place_precision": where.precision if where else "",
        "country": (where.country or "") if where else "",
        "cluster_id": event.cluster_id or "",
        "cluster_label": labels.get(event.cluster_id or "", ""),
        "conflict": "; ".join(sorted({c.kind for c in conflicts.get(event.id, [])})),
        "sentence": event.sentence,
    }


#: A text cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: Any) -> Any:
    """Article text in a cell stays text: a leading formula character gets a quote in front.

    Only strings are touched: numbers (a negative longitude) stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv(story: Story, out_path: Path) -> Path:
    """One row per event (UTF-8 with BOM so spreadsheet programs detect the encoding)."""
    labels, conflicts = _cluster_labels(story), _conflict_events(story)
    with open(out_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for event in story.events:
            row = event_row(event, story, labels, conflicts)
            writer.writerow({key: defuse_formula(value) for key, value in row.items()})
    return out_path


# ------------------------------------------------------------------ GeoJSON


def event_properties(event: Event, story: Story, labels: dict[str, str],
                     conflicts: dict[str, list[Conflict]]) -> dict[str, Any]:
    row = event_row(event, story, labels, conflicts)
    for key in ("lat", "lon", "radius_km"):
        row[key] = row[key] if row[key] != "" else None
    row["conflict"] = row["conflict"] or None
    return row


def export_geojson(story: Story, out_path: Path) -> Path:
    """A FeatureCollection of the events that have coordinates (RFC 7946: lon, lat)."""
    labels, conflicts = _cluster_labels(story), _conflict_events(story)
    features = [
        {
            "type": "Feature",
            "id": event.id,
            "geometry": {"type": "Point", "coordinates": [event.where.lon, event.where.lat]},  # type: ignore[union-attr]
            "properties": event_properties(event, story, labels, conflicts),
        }
        for event in story.events
        if _is_resolved(event)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    out_path.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")
    return out_path


# ---------------------------------------------------------------------- KML


def _kml_time(parent: ET.Element, span: TimeSpan) -> None:
    """TimeStamp for an instant (day or finer: one value), TimeSpan for anything longer."""
    if span.earliest == span.latest:
        stamp = ET.SubElement(parent, "TimeStamp")
        ET.SubElement(stamp, "when").text = _iso(span.earliest)
        return
    time_span = ET.SubElement(parent, "TimeSpan")
    ET.SubElement(time_span, "begin").text = _iso(span.earliest)
    ET.SubElement(time_span, "end").text = _iso(span.latest)


def _kml_description(event: Event, story: Story, conflicts: dict[str, list[Conflict]]) -> str:
    """HTML (Google Earth renders descriptions as HTML): article text is escaped, lines become <br/>.

    ElementTree then XML-escapes the whole, so a reader decoding the XML gets
    escaped HTML, never markup taken from an article.
    """
    article = story.article(event.article_id)
    lines = [f"{_outlet(article)}: “{event.sentence}”"]
    if event.when is not None:
        lines.append(f"When: {event.when.text} ({event.when.value})")
    for conflict in conflicts.get(event.id, []):
        lines.append(f"Conflict ({conflict.kind}): {conflict.explanation}")
    return "<br/>".join(html.escape(line) for line in lines)


def _kml_placemark(document: ET.Element, event: Event, story: Story,
                   conflicts: dict[str, list[Conflict]]) -> None:
    mark = ET.SubElement(document, "Placemark", id=event.id.replace(":", "_"))
    ET.SubElement(mark, "name").text = event.what
    ET.SubElement(mark, "description").text = _kml_description(event, story, conflicts)
    if _is_dated(event):
        _kml_time(mark, event.when)  # type: ignore[arg-type]
    point = ET.SubElement(mark, "Point")
    ET.SubElement(point, "coordinates").text = f"{event.where.lon},{event.where.lat}"  # type: ignore[union-attr]


def export_kml(story: Story, out_path: Path) -> Path:
    """KML 2.2 placemarks with TimeSpan/TimeStamp, readable by Google Earth and QGIS."""
    root = ET.Element("kml", xmlns=KML_NS)
    document = ET.SubElement(root, "Document")
    ET.SubElement(document, "name").text = "Crosscheck events"
    conflicts = _conflict_events(story)
    for event in story.events:
        if _is_resolved(event):
            _kml_placemark(document, event, story, conflicts)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(out_path, encoding="utf-8", xml_declaration=True)
    return out_path


# --------------------------------------------------------------- TimelineJS


def _timelinejs_date(value: dt.date | dt.datetime, precision: str | None) -> dict[str, Any]:
    """A TimelineJS date object that shows only as much as is known (month -> no day)."""
    result: dict[str, Any] = {"year": value.year}
    if precision in ("year", "decade", "century"):
        return result
    result["month"] = value.month
    if precision in ("month", "season", "quarter", "half"):
        return result
    result["day"] = value.day
    if isinstance(value, dt.datetime) and precision in ("hour", "minute"):
        result["hour"] = value.hour
        result["minute"] = value.minute
    return result


def _timelinejs_event(event: Event, story: Story, conflicts: dict[str, list[Conflict]]) -> dict[str, Any]:
    """One slide; TimelineJS renders headline and text as HTML, so both are escaped."""
    span = event.when
    assert span is not None and span.earliest is not None and span.latest is not None
    article = story.article(event.article_id)
    text = event.sentence
    notes = [c.explanation for c in conflicts.get(event.id, []) if c.explanation]
    if notes:
        text += " — Conflict: " + " ".join(notes)
    if event.where is not None:
        text += f" ({event.where.name})"
    item: dict[str, Any] = {
        "unique_id": event.id.replace(":", "-"),
        "start_date": _timelinejs_date(span.earliest, span.precision),
        "text": {"headline": html.escape(event.what), "text": html.escape(text)},
        "group": html.escape(_outlet(article)),  # group labels are HTML in TimelineJS too
    }
    if span.earliest != span.latest:
        item["end_date"] = _timelinejs_date(span.latest, span.precision)
    return item


def export_timelinejs(story: Story, out_path: Path) -> Path:
    """TimelineJS 3 JSON: one slide per dated event, grouped by outlet."""
    conflicts = _conflict_events(story)
    data = {
        "title": {"text": {"headline": "Crosscheck", "text": f"{len(story.articles)} sources"}},
        "events": [_timelinejs_event(e, story, conflicts) for e in story.events if _is_dated(e)],
    }
    out_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return out_path


# ----------------------------------------------------------------- dispatch

EXPORTERS: dict[str, Callable[[Story, Path], Path]] = {
    ".csv": export_csv,
    ".geojson": export_geojson,
    ".kml": export_kml,
    ".json": export_timelinejs,
}

#: For file dialogs: suffix -> human name.
FORMAT_NAMES: dict[str, str] = {
    ".csv": "CSV table",
    ".geojson": "GeoJSON",
    ".kml": "KML (Google Earth)",
    ".json": "TimelineJS JSON",
}


def export_data(story: Story, out_path: str | Path) -> Path:
    """Write ``story`` in the format named by ``out_path``'s suffix; returns the path written."""
    out = Path(out_path)
    exporter = EXPORTERS.get(out.suffix.lower())
    if exporter is None:
        raise ValueError(
            f"cannot write {out.name!r}: unknown extension {out.suffix or '(none)'!r}; use one of "
            + ", ".join(EXPORTERS)
        )
    return exporter(story, out)
