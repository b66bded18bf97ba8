"""Ingest: read -> extract -> store, one article per transaction; then analyse the workspace.

The GUI's worker thread and the CLI both call :func:`ingest` and
:func:`refresh_analysis`; nothing here knows about Qt.  Progress is reported
through a callback and cancellation is polled between articles, so a
cancelled or killed ingest keeps every article that finished.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from viewer.model import Article, Event, ReadError, Story
from viewer.store.workspace import Workspace

ProgressCallback = Callable[["IngestProgress"], None]


@dataclass(frozen=True)
class IngestProgress:
    """How far an ingest has got: shown as 'done / total, current file'."""

    done: int
    total: int | None
    current: str
    added: str | None = None  # article id just stored
    error: ReadError | None = None


@dataclass
class IngestReport:
    """What one ingest did, for the status bar and the CLI's exit code."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    cancelled: bool = False

    @property
    def read_any(self) -> bool:
        return bool(self.added or self.duplicates)


class Extractor:
    """Everything needed to turn an article into events, loaded once and reused."""

    def __init__(self, nlp=None, place_finder=None) -> None:
        from viewer.extract.language import load_pipeline
        from viewer.resolve.places import PlaceFinder

        self.nlp = nlp if nlp is not None else load_pipeline()
        self.place_finder = place_finder if place_finder is not None else PlaceFinder()

    @classmethod
    def for_workspace(cls, workspace: Workspace, nlp=None) -> "Extractor":
        """An extractor that honours the places the user pinned in ``workspace``."""
        from viewer.resolve.gazetteer import Gazetteer
        from viewer.resolve.places import PlaceFinder

        finder = PlaceFinder(gazetteer=Gazetteer.open_default(), user_places=workspace.user_places())
        return cls(nlp=nlp, place_finder=finder)

    def extract(self, article: Article, doc=None) -> list[Event]:
        """Events of one article (``doc`` may come from a batched ``nlp.pipe``)."""
        from viewer.extract.events import extract_events
        from viewer.extract.times import tag_times

        doc = doc if doc is not None else self.nlp(article.text)
        times = tag_times(article.text, article.published)
        places = self.place_finder.find(doc)
        return extract_events(article, doc, times, places)


def ingest(
    paths: Iterable[str | Path],
    workspace: Workspace,
    extractor: Extractor | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> IngestReport:
    """Read every file under ``paths`` and store each article with its events."""
    from viewer.read import expand_paths, read_file_safely

    report = IngestReport()
    extractor = extractor or Extractor.for_workspace(workspace)
    inputs = expand_paths(paths)
    total = len(inputs)
    for done, item in enumerate(inputs):
        if cancel is not None and cancel.is_set():
            report.cancelled = True
            break
        current = item.path if isinstance(item, ReadError) else str(item)
        result = item if isinstance(item, ReadError) else read_file_safely(item)
        added = None
        if isinstance(result, ReadError):
            report.errors.append(result)
            workspace.record_error(result)
        elif workspace.has_content(result.content_hash):
            report.duplicates.append(result.path)
        else:
            if workspace.add_article(result, extractor.extract(result)):
                report.added.append(result.id)
                added = result.id
            else:
                report.duplicates.append(result.path)
        if progress is not None:
            error = result if isinstance(result, ReadError) else None
            progress(IngestProgress(done + 1, total, current, added, error))
    return report


def refresh_analysis(workspace: Workspace) -> Story:
    """Re-run dates -> matching -> conflicts over the workspace, store and return the story."""
    from viewer.analyse import analyse

    analysis = analyse(workspace.articles(analysed=False), workspace.events(analysed=False),
                       workspace.corrections())
    workspace.save_analysis(analysis.published, analysis.events, analysis.clusters, analysis.conflicts)
    return workspace.load_story()
