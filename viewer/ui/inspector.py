"""The inspector: what each source says about the selected event, and where they disagree.

The HTML is built by small pure functions (easy to test, no widget needed):
sentences are HTML-escaped piece by piece and the date and place words are
wrapped in highlight spans by their offsets, so markup in an article can never
leak into the view.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from viewer.labels import place_detail, time_detail
from viewer.model import Conflict, ConflictSide, Event, Place, Story, TimeSpan
from viewer.show.palette import CONFLICT_COLOUR
from viewer.show.selection import SelectionModel
from viewer.ui.event_list import source_name

MAX_EVENTS_SHOWN = 60
DATE_STYLE = "background-color:#FFE8A3;"
PLACE_STYLE = "background-color:#C9E7F5;"
FINE_PRECISIONS = ("day", "hour", "minute")


# ------------------------------------------------------------ highlighting


def _relative_span(sentence: str, sentence_start: int, start: int, end: int, text: str
                   ) -> tuple[int, int] | None:
    """Where a mention sits inside the sentence: by offsets if they agree, else by its words."""
    lo, hi = start - sentence_start, end - sentence_start
    if 0 <= lo < hi <= len(sentence) and (not text or sentence[lo:hi] == text):
        return lo, hi
    if text:
        found = sentence.lower().find(text.lower())
        if found >= 0:
            return found, found + len(text)
    return None


def highlight_spans(event: Event) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, style) of the date and place words in the sentence."""
    spans: list[tuple[int, int, str]] = []
    mentions: list[tuple[TimeSpan | Place | None, str]] = [(event.when, DATE_STYLE), (event.where, PLACE_STYLE)]
    for mention, style in mentions:
        if mention is None:
            continue
        found = _relative_span(event.sentence, event.start, mention.start, mention.end, mention.text)
        if found is not None:
            spans.append((found[0], found[1], style))
    spans.sort()
    result: list[tuple[int, int, str]] = []
    for span in spans:
        if not result or span[0] >= result[-1][1]:
            result.append(span)
    return result


def highlighted_sentence_html(event: Event) -> str:
    """The evidence sentence, escaped, with date and place words highlighted."""
    parts, cursor = [], 0
    for start, end, style in highlight_spans(event):
        parts.append(html.escape(event.sentence[cursor:start]))
        parts.append(f'<span style="{style}">{html.escape(event.sentence[start:end])}</span>')
        cursor = end
    parts.append(html.escape(event.sentence[cursor:]))
    return "".join(parts)


# ------------------------------------------------------------ explanation


def _count(n: int) -> str:
    return f"{n} source" if n == 1 else f"{n} sources"


def _time_phrase(side: ConflictSide, events: dict[str, Event]) -> str:
    precisions = {events[e].when.precision for e in side.event_ids if e in events and events[e].when}
    preposition = "on" if precisions and precisions <= set(FINE_PRECISIONS) else "in"
    return f"{preposition} {side.value}"


_PLACE_PREFIXES = ("near ", "in ", "at ", "outside ", "around ", "north ", "south ", "east ", "west ",
                   "northern ", "southern ", "eastern ", "western ", "central ")


def _place_phrase(side: ConflictSide) -> str:
    value = side.value.strip()
    return value if value.lower().startswith(_PLACE_PREFIXES) else f"in {value}"


def _same_sources(time_conflict: Conflict, place_conflict: Conflict) -> dict[int, ConflictSide] | None:
    """Pair each time side with the place side told by exactly the same sources, if all pair up."""
    pairs: dict[int, ConflictSide] = {}
    for n, side in enumerate(time_conflict.sides):
        match = next((p for p in place_conflict.sides if set(p.article_ids) == set(side.article_ids)), None)
        if match is None:
            return None
        pairs[n] = match
    return pairs


def _clauses(sides: list[ConflictSide], phrase, verb: str = "place it") -> str:
    """"2 sources place it <phrase>; 3 sources <phrase>"."""
    clauses = []
    for n, side in enumerate(sides):
        count = len(set(side.article_ids)) or len(side.event_ids)
        lead = (f" {verb} " if count != 1 else f" {verb.replace('place ', 'places ')} ") if n == 0 else " "
        clauses.append(_count(count) + lead + phrase(side))
    return "; ".join(clauses) + "."


def _summarised(conflicts: list[Conflict]) -> tuple[Conflict | None, Conflict | None]:
    """The live time and place conflicts the summary composes from their sides (two sides or more)."""
    live = [c for c in conflicts if not c.dismissed and len(c.sides) >= 2]
    return (next((c for c in live if c.kind == "time"), None),
            next((c for c in live if c.kind == "place"), None))


def unsummarised_conflicts(conflicts: list[Conflict]) -> list[Conflict]:
    """Live conflicts the summary cannot describe from sides: for these the core's explanation is shown."""
    covered = {id(c) for c in _summarised(conflicts) if c is not None}
    return [c for c in conflicts if not c.dismissed and id(c) not in covered]


def conflict_summary(conflicts: list[Conflict], story: Story) -> str:
    """Plain sentences for a cluster's live conflicts, composed from the conflict sides.

    "2 sources place it in September 2018 in al-Keshma; 3 sources on
    10 January 2019 near Hajin": time and place versions told by exactly the
    same sources are joined into one clause per version; otherwise each kind
    gets its own sentence (never attributing a place to sources that did not name it).
    """
    time_conflict, place_conflict = _summarised(conflicts)
    if time_conflict is None and place_conflict is None:
        return ""
    events = story.event_index()
    if time_conflict and place_conflict:
        pairs = _same_sources(time_conflict, place_conflict)
        if pairs is not None:
            order = {id(side): n for n, side in enumerate(time_conflict.sides)}
            return _clauses(time_conflict.sides, lambda side: _time_phrase(side, events) + " "
                            + _place_phrase(pairs[order[id(side)]]))
    sentences = []
    if time_conflict:
        sentences.append(_clauses(time_conflict.sides, lambda side: _time_phrase(side, events)))
    if place_conflict:
        sentences.append(_clauses(place_conflict.sides, _place_phrase))
    return " ".join(sentences)


# ------------------------------------------------------------------ pages


def _date_text(event: Event) -> str:
    return time_detail(event.when) if event.when is not None else "no date"


def _place_text(event: Event) -> str:
    return place_detail(event.where)


def event_html(event: Event, story: Story) -> str:
    source = html.escape(source_name(story, event.article_id))
    corrected = " <i>(corrected by you)</i>" if event.corrected else ""
    return (
        f'<p style="margin-top:8px"><a href="source:{html.escape(event.id)}"><b>{source}</b></a>'
        f" — {html.escape(event.what)}{corrected}<br/>"
        f"“{highlighted_sentence_html(event)}”<br/>"
        f'<span style="color:#555">When: {html.escape(_date_text(event))} · '
        f"Where: {html.escape(_place_text(event))}</span></p>"
    )


def cluster_html(cluster_id: str, story: Story) -> str:
    cluster = next((c for c in story.clusters if c.id == cluster_id), None)
    if cluster is None:
        return ""
    conflicts = story.conflicts_of_cluster(cluster_id)
    parts = [f"<h3>{html.escape(cluster.label)}</h3>",
             f"<p>{_count(len(set(cluster.article_ids)))} report this event.</p>"]
    summary = conflict_summary(conflicts, story)
    if summary:
        parts.append(f'<p style="color:{CONFLICT_COLOUR}"><b>Sources disagree:</b> {html.escape(summary)}</p>')
    details = [f"<li>{html.escape(c.explanation)}</li>" for c in unsummarised_conflicts(conflicts) if c.explanation]
    if details:
        lead = "" if summary else f'<p style="color:{CONFLICT_COLOUR}"><b>Sources disagree:</b></p>'
        parts.append(f'{lead}<ul style="color:#555; margin-top:0">{"".join(details)}</ul>')
    for conflict in conflicts:
        if conflict.dismissed:
            parts.append(f"<p><i>The {conflict.kind} difference was marked “not a conflict”.</i></p>")
    events = story.event_index()
    ordered = evidence_first(cluster.event_ids, conflicts)
    parts.extend(event_html(events[e], story) for e in ordered[:MAX_EVENTS_SHOWN] if e in events)
    return "".join(parts)


def evidence_first(event_ids: list[str], conflicts: list[Conflict]) -> list[str]:
    """The events the sources disagree on come first (side by side), then the cluster's other events."""
    live = sorted((c for c in conflicts if not c.dismissed), key=lambda c: c.kind != "time")  # dates first
    sides = [e for c in live for side in c.sides for e in side.event_ids]
    members = set(event_ids)
    return list(dict.fromkeys([e for e in sides if e in members] + list(event_ids)))


def selection_html(selected: frozenset[str], story: Story) -> str:
    """The inspector page for a selection: whole clusters, then loose events."""
    if not selected:
        return ("<p style='color:#666'>Select an event in the list, on the timeline or on the map "
                "to see what each source says.</p>")
    events = story.event_index()
    chosen = [events[e] for e in sorted(selected) if e in events]
    cluster_ids = list(dict.fromkeys(e.cluster_id for e in chosen if e.cluster_id))
    parts = [cluster_html(c, story) for c in cluster_ids[:5]]
    loose = [e for e in chosen if not e.cluster_id][:MAX_EVENTS_SHOWN]
    if loose:
        if parts:
            parts.append("<hr/>")
        parts.extend(event_html(e, story) for e in loose)
    return "".join(parts) or "<p>The selected events are not in the current story.</p>"


class Inspector(QWidget):
    """Shows the selection; clicking a source asks to open its article at the sentence."""

    sourceRequested = Signal(str, int, int)  # article id, sentence start, end

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._selection = selection
        self._story = Story()
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.browser)
        self._unsubscribe = selection.subscribe(lambda *_: self.refresh())
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh()

    def set_story(self, story: Story) -> None:
        self._story = story
        self.refresh()

    def refresh(self) -> None:
        self.browser.setHtml(selection_html(self._selection.selected, self._story))

    def text(self) -> str:
        return self.browser.toPlainText()

    def _on_link(self, url: QUrl) -> None:
        self.open_source(url.toString().removeprefix("source:"))

    def open_source(self, event_id: str) -> None:
        event: Any = self._story.event(event_id)
        if event is not None:
            self.sourceRequested.emit(event.article_id, event.start, event.end)
