"""Ingest: read -> extract -> store, one article per transaction; then analyse the workspace.

The GUI's worker thread and the CLI both call :func:`ingest` and
:func:`refresh_analysis`; nothing here knows about Qt.  Progress is reported
through a callback and cancellation is polled between articles, so a
cancelled or killed ingest keeps every article that finished.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Container, Iterable

from viewer.cancellation import ShouldStop
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


#: Set (to "1") by the window's settings when the user turns online geocoding on.
ONLINE_GEOCODING_ENV = "CROSSCHECK_ONLINE_GEOCODING"


def online_geocoding_enabled() -> bool:
    """Online geocoding is opt-in: off unless the user turned it on."""
    return os.environ.get(ONLINE_GEOCODING_ENV, "") == "1"


def make_place_finder(user_places: dict[str, tuple[float, float]]):
    """The offline gazetteer, the user's pins and, only if turned on, the online geocoder."""
    from viewer.resolve.gazetteer import Gazetteer
    from viewer.resolve.places import PlaceFinder

    online = None
    if online_geocoding_enabled():
        from viewer.resolve.online import OnlineGeocoder

        online = OnlineGeocoder()
    return PlaceFinder(gazetteer=Gazetteer.open_default(), user_places=user_places, online=online)


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
        return cls(nlp=nlp, place_finder=make_place_finder(workspace.user_places()))

    def extract(self, article: Article, doc=None) -> list[Event]:
        """Events of one article (``doc`` may come from a batched ``nlp.pipe``)."""
        from viewer.extract.events import extract_events
        from viewer.extract.times import tag_times

        doc = doc if doc is not None else self.nlp(article.text)
        times = tag_times(article.text, article.published)
        places = self.place_finder.find(doc)
        return extract_events(article, doc, times, places)


#: Below this many files, worker processes cost more to start than they save.
PARALLEL_THRESHOLD = 6

_worker_extractor: "Extractor | None" = None
_worker_failure: str | None = None
_worker_known: frozenset[str] = frozenset()


def _init_worker(user_places: dict[str, tuple[float, float]], pipeline_name: str | None,
                 known: frozenset[str] = frozenset()) -> None:
    """Load spaCy, the gazetteer and the pins once per worker process.

    A failure is remembered, not raised: multiprocessing.Pool would otherwise
    restart the worker forever; each file then reports the reason instead.
    """
    global _worker_extractor, _worker_failure, _worker_known
    _worker_known = known
    try:
        from viewer.extract.language import load_pipeline

        _worker_extractor = Extractor(nlp=load_pipeline(pipeline_name),
                                      place_finder=make_place_finder(user_places))
    except Exception as exc:  # noqa: BLE001 - reported per file below
        _worker_failure = f"{type(exc).__name__}: {exc}"


def _read_and_extract(path: Path, extractor: "Extractor", known: Container[str] = frozenset(),
                      ) -> tuple[Article | ReadError, list[Event] | None]:
    """Read one file and extract its events; any failure becomes a per-file ReadError.

    An article whose content the workspace already holds (``known`` hashes) is
    not extracted again: its events come back as None.
    """
    from viewer.read import read_file_safely

    result = read_file_safely(path)
    if isinstance(result, ReadError):
        return result, []
    if result.content_hash in known:
        return result, None
    try:
        return result, extractor.extract(result)
    except Exception as exc:  # an extractor bug must cost one file, not the batch
        return ReadError(result.path, f"could not be analysed ({type(exc).__name__}: {exc})"), []


def _worker_task(path: Path) -> tuple[Article | ReadError, list[Event]]:
    if _worker_extractor is None:
        return ReadError(str(path), f"could not be analysed: the language tools failed to load "
                                    f"({_worker_failure})"), []
    return _read_and_extract(path, _worker_extractor, _worker_known)


class _StoredContent:
    """``hash in stored``: asks the workspace, so a copy stored earlier in this batch counts too."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def __contains__(self, content_hash: object) -> bool:
        return isinstance(content_hash, str) and self.workspace.has_content(content_hash)


def _results_in_process(files: list[Path], workspace: Workspace, extractor: "Extractor"):
    stored = _StoredContent(workspace)
    for path in files:
        yield _read_and_extract(path, extractor, stored)


def _results_in_workers(files: list[Path], workspace: Workspace, workers: int, stack):
    """Extract in ``workers`` spawned processes; results stream back in input order."""
    import multiprocessing

    from viewer.extract.language import pipeline_name

    context = multiprocessing.get_context("spawn")  # fork is unsafe in a threaded Qt process
    pool = stack.enter_context(
        context.Pool(workers, initializer=_init_worker,
                     initargs=(workspace.user_places(), pipeline_name(), frozenset(workspace.content_hashes())))
    )
    stack.callback(pool.terminate)
    return pool.imap(_worker_task, files, chunksize=1)


#: With a pipeline already loaded in this process, starting workers pays off later.
PARALLEL_THRESHOLD_LOADED = 24


def default_workers(n_files: int, pipeline_loaded: bool = False) -> int:
    """Both cores for a real batch; none (in-process) for a handful of files.

    Online geocoding keeps to one process: Nominatim allows one request a second
    in all, and each worker would rate-limit only itself.
    """
    threshold = PARALLEL_THRESHOLD_LOADED if pipeline_loaded else PARALLEL_THRESHOLD
    if n_files < threshold or online_geocoding_enabled():
        return 0
    return max(0, min(2, (os.cpu_count() or 1)))


def ingest(
    paths: Iterable[str | Path],
    workspace: Workspace,
    extractor: Extractor | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Read every file under ``paths`` and store each article with its events as it finishes.

    With ``workers`` > 0 (by default for batches of PARALLEL_THRESHOLD files or
    more) reading and extraction run in that many processes (both cores), while
    this thread stores each result in its own transaction; ``extractor`` then
    serves only small batches, in this process.
    """
    from viewer.read import expand_paths

    report = IngestReport()
    inputs = expand_paths(paths)
    files = [item for item in inputs if not isinstance(item, ReadError)]
    for error in (item for item in inputs if isinstance(item, ReadError)):
        _record_failure(report, workspace, error)
    total, done = len(inputs), len(inputs) - len(files)
    if progress is not None and done:
        progress(IngestProgress(done, total, "", None, report.errors[-1]))
    workers = default_workers(len(files), extractor is not None) if workers is None else workers
    with contextlib.ExitStack() as stack:
        if workers > 0:
            results = _results_in_workers(files, workspace, workers, stack)
        else:
            results = _results_in_process(files, workspace, extractor or Extractor.for_workspace(workspace))
        pending = iter(results)
        for path in files:
            if cancel is not None and cancel.is_set():
                report.cancelled = True
                break
            result, events = next(pending)
            added = _store(report, workspace, result, events)
            done += 1
            if progress is not None:
                error = result if isinstance(result, ReadError) else None
                progress(IngestProgress(done, total, str(path), added, error))
    return report


def _record_failure(report: IngestReport, workspace: Workspace, error: ReadError) -> None:
    report.errors.append(error)
    workspace.record_error(error)


def _store(report: IngestReport, workspace: Workspace, result: Article | ReadError,
           events: list[Event] | None) -> str | None:
    """Store one result in its own transaction; returns the new article id, if any."""
    if isinstance(result, ReadError):
        _record_failure(report, workspace, result)
        return None
    if events is not None and workspace.add_article(result, events):
        report.added.append(result.id)
        return result.id
    report.duplicates.append(result.path)
    return None


def refresh_analysis(workspace: Workspace, force: bool = False, should_stop: ShouldStop | None = None) -> Story:
    """Dates -> matching -> conflicts over the workspace, stored; skipped while the stored one is current.

    A correction made (by another connection) while the analysis runs makes the
    result stale; it is then not stored, and the analysis runs again.  When
    ``should_stop()`` turns true, raises ``Cancelled`` and stores nothing.
    """
    from viewer.analyse import analyse

    for _attempt in range(5):
        if workspace.analysis_is_current() and not force:
            break
        generation = workspace.generation()
        analysis = analyse(workspace.articles(analysed=False), workspace.events(analysed=False),
                           workspace.corrections(), should_stop)
        if workspace.save_analysis(analysis.published, analysis.events, analysis.clusters,
                                   analysis.conflicts, inputs_generation=generation):
            break
        force = False
    return workspace.load_story()
