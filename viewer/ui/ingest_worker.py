"""Everything slow runs here, off the GUI thread: loading spaCy, reading articles, analysing.

One worker QObject lives in one QThread and owns its own ``Workspace`` on the
window's file (SQLite connections are per thread).  Jobs are queued signals,
so they run one after another in the order asked: load the pipeline, ingest,
analyse.  Progress is throttled to a few updates a second so the GUI thread
never drowns in signals; cancellation is a ``threading.Event`` that
``pipeline.ingest`` and re-extraction poll between articles, so finished
articles are kept.  An analysis has its own stop event, polled inside the
core's loops: cancelling it stores nothing and the views keep the last
complete analysis.

Every result carries the *generation* of the workspace it was computed on:
switching workspace bumps the generation, and the controller drops answers
from an older one (an analysis of the previous file may still be running).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import traceback
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from viewer.model import Story
from viewer.store import Workspace

log = logging.getLogger("crosscheck")

PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second


def build_gazetteer_out_of_process() -> bool:
    """Build the place-name index in a separate process if it is missing; True if it was built.

    The first build parses a large JSON file in single long C calls that hold
    the GIL for seconds, which would freeze the window if done in a thread.
    """
    from viewer.paths import data_dir
    from viewer.resolve.gazetteer import GAZETTEER_FILE, INDEX_VERSION, build_gazetteer, index_version

    path = data_dir() / GAZETTEER_FILE
    if index_version(path) == INDEX_VERSION:
        return False
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(build_gazetteer, path).result()
    return True


def describe_failure(exc: BaseException, doing: str) -> str:
    """A message that says what failed and what to do about it."""
    if isinstance(exc, ImportError):
        return (f"{doing} is not possible yet: the extraction engine is not installed or incomplete "
                f"({exc}). Reinstall Crosscheck (pip install .); articles already stored stay safe.")
    return f"{doing} failed: {type(exc).__name__}: {exc}"


def _index_missing() -> bool:
    from viewer.paths import data_dir
    from viewer.resolve.gazetteer import GAZETTEER_FILE, INDEX_VERSION, index_version

    return index_version(data_dir() / GAZETTEER_FILE) != INDEX_VERSION


class IngestWorker(QObject):
    """Runs in the worker thread; talk to it only through :class:`IngestController`."""

    pipelineReady = Signal()
    pipelineFailed = Signal(str)
    status = Signal(str)
    progress = Signal(int, int, str)  # done, total, current file
    fileFailed = Signal(int, str, str)  # generation, path, message
    ingestFinished = Signal(int, object)  # generation, IngestReport | None
    storyReady = Signal(int, object)  # generation, Story
    analysisStopped = Signal(int)  # generation: an analysis was cancelled, the stored story follows
    analysisDone = Signal()  # an analysis job ended, whatever its outcome
    reextractDone = Signal()
    failed = Signal(str)
    jobDone = Signal()

    def __init__(self, workspace_path: str, cancel: threading.Event,
                 stop_analysis: threading.Event | None = None) -> None:
        super().__init__()
        self._workspace_path = workspace_path
        self._generation = 0
        self._workspace: Workspace | None = None
        self._cancel = cancel
        self._stop_analysis = stop_analysis or threading.Event()
        self._extractor: Any = None
        self._nlp: Any = None
        self._last_progress = 0.0

    # --------------------------------------------------------------- helpers

    def _open_workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace(self._workspace_path)
        return self._workspace

    def _ensure_extractor(self) -> Any:
        if self._extractor is None:
            from viewer.extract.language import load_pipeline
            from viewer.pipeline import Extractor

            try:
                if _index_missing():
                    self.status.emit("Building the place-name index (first start only, about a minute)…")
                    build_gazetteer_out_of_process()
            except Exception:  # noqa: BLE001 - the in-thread build below is the fallback
                log.error("building the gazetteer in a process failed:\n%s", traceback.format_exc())
            self.status.emit("Loading the language model…")
            self._nlp = self._nlp or load_pipeline()
            self._extractor = Extractor.for_workspace(self._open_workspace(), nlp=self._nlp)
        return self._extractor

    def _on_progress(self, item: Any) -> None:
        """Called by ``ingest`` after every file: errors always, counts throttled."""
        if item.error is not None:
            self.fileFailed.emit(self._generation, item.error.path, item.error.message)
        now = time.monotonic()
        if item.done == item.total or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self.progress.emit(item.done, item.total or 0, item.current)

    # ------------------------------------------------------------------ jobs

    @Slot()
    def load_pipeline(self) -> None:
        try:
            self._ensure_extractor()
            self.pipelineReady.emit()
        except BaseException as exc:  # noqa: BLE001 - reported to the user, never raised in a thread
            log.error("loading the pipeline failed:\n%s", traceback.format_exc())
            self.pipelineFailed.emit(describe_failure(exc, "Reading articles"))
        finally:
            self.jobDone.emit()

    @Slot(str, int)
    def set_workspace(self, path: str, generation: int) -> None:
        """Switch files (Open, New, Save As); pins of the new workspace need a fresh extractor."""
        try:
            if self._workspace is not None:
                self._workspace.close()
            self._workspace = None
            self._workspace_path = path
            self._generation = generation
            self._extractor = None
        finally:
            self.jobDone.emit()

    @Slot(list)
    def ingest(self, paths: list) -> None:
        report = None
        try:
            from viewer.pipeline import ingest

            workspace = self._open_workspace()
            extractor = self._ensure_extractor()
            self._last_progress = 0.0
            report = ingest(paths, workspace, extractor, self._on_progress, self._cancel)
        except BaseException as exc:  # noqa: BLE001
            log.error("ingest failed:\n%s", traceback.format_exc())
            self.failed.emit(describe_failure(exc, "Reading articles"))
        finally:
            self.ingestFinished.emit(self._generation, report)
            self.jobDone.emit()

    @Slot()
    def reextract(self) -> None:
        """Extract every article again (after a pin): the new user place resolves everywhere."""
        try:
            self._extractor = None
            workspace = self._open_workspace()
            extractor = self._ensure_extractor()
            articles = workspace.articles(analysed=False)
            for done, article in enumerate(articles, 1):
                if self._cancel.is_set():  # closing: the articles not yet re-read keep their events
                    self.status.emit(f"Re-reading stopped after {done - 1} of {len(articles)} articles.")
                    break
                workspace.replace_extraction(article.id, extractor.extract(article))
                self._on_progress(_Progress(done, len(articles), article.path))
        except BaseException as exc:  # noqa: BLE001
            log.error("re-extraction failed:\n%s", traceback.format_exc())
            self.failed.emit(describe_failure(exc, "Re-reading the articles"))
        finally:
            self.reextractDone.emit()
            self.jobDone.emit()

    @Slot()
    def analyse(self) -> None:
        """Dates -> matching -> conflicts; if that fails or is cancelled, still show what was read."""
        from viewer.cancellation import Cancelled

        try:
            from viewer.pipeline import refresh_analysis

            story = refresh_analysis(self._open_workspace(), should_stop=self._stop_analysis.is_set)
            self.storyReady.emit(self._generation, story)
        except Cancelled:
            self.analysisStopped.emit(self._generation)
            self._emit_stored_story("Opening the workspace")
        except BaseException as exc:  # noqa: BLE001
            log.error("analysis failed:\n%s", traceback.format_exc())
            self.failed.emit(describe_failure(exc, "Analysing the articles"))
            self._emit_stored_story("Opening the workspace")
        finally:
            self.analysisDone.emit()
            self.jobDone.emit()

    def _emit_stored_story(self, doing: str) -> None:
        """Hand the stored story to the window; a failure becomes a message."""
        try:
            self.storyReady.emit(self._generation, self._open_workspace().load_story())
        except BaseException as exc:  # noqa: BLE001
            log.error("loading the stored story failed:\n%s", traceback.format_exc())
            self.failed.emit(describe_failure(exc, doing))

    @Slot()
    def open_story(self) -> None:
        """Show what the workspace holds (reading every article's text is slow: here, not in the GUI)."""
        try:
            self._emit_stored_story("Opening the workspace")
        finally:
            self.jobDone.emit()

    @Slot()
    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()
            self._workspace = None
        self.jobDone.emit()


#: Threads still running, with their workers: a QThread destroyed while running aborts the process,
#: so each stays referenced here until it has finished, even if its controller is deleted first.
_LIVE: dict[int, tuple[QThread, QObject]] = {}


class _Reaper(QObject):
    """Lives in the GUI thread; forgets a thread once it has really ended (queued from ``finished``)."""

    @Slot()
    def reap(self) -> None:
        thread = self.sender()
        if isinstance(thread, QThread):
            thread.wait()  # ``finished`` comes just before the thread ends: wait for the end itself
            _LIVE.pop(id(thread), None)


_reaper: _Reaper | None = None


def _keep_until_finished(thread: QThread, worker: QObject) -> None:
    global _reaper
    if _reaper is None:
        _reaper = _Reaper()  # created by the first controller, in the GUI thread
    _LIVE[id(thread)] = (thread, worker)
    thread.finished.connect(_reaper.reap)


def stop_all_workers() -> None:
    """At application exit: cancel every worker and wait for its thread to stop."""
    for thread, worker in list(_LIVE.values()):
        for name in ("_cancel", "_stop_analysis"):
            event = getattr(worker, name, None)
            if event is not None:
                event.set()
        thread.quit()
        thread.wait()
    _LIVE.clear()


class _Progress:
    """The shape of ``pipeline.IngestProgress`` for re-extraction (no error, no id)."""

    def __init__(self, done: int, total: int, current: str) -> None:
        self.done, self.total, self.current, self.error = done, total, current, None


class IngestController(QObject):
    """The GUI thread's handle on the worker: ask for jobs, hear results as signals."""

    pipelineReady = Signal()
    pipelineFailed = Signal(str)
    status = Signal(str)
    progress = Signal(int, int, str)
    fileFailed = Signal(str, str)
    ingestFinished = Signal(object)
    storyReady = Signal(object)
    failed = Signal(str)
    busyChanged = Signal(bool)
    analysingChanged = Signal(bool)  # an analysis is queued or running / none is
    analysisStopped = Signal()  # the user's Cancel stopped an analysis; the views keep the last one

    _requestLoad = Signal()
    _requestWorkspace = Signal(str, int)
    _requestIngest = Signal(list)
    _requestReextract = Signal()
    _requestAnalyse = Signal()
    _requestOpen = Signal()

    def __init__(self, workspace_path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._stop_analysis = threading.Event()
        self._pending = 0
        self._ingests = 0
        self._reextracts = 0
        self._analyses = 0
        self._generation = 0  # bumped by set_workspace; older answers are dropped
        self.pipeline_loaded = False
        self.last_story: Story | None = None
        self._thread = QThread()
        self._thread.setObjectName("crosscheck-ingest")
        self._worker = IngestWorker(workspace_path, self._cancel, self._stop_analysis)
        self._worker.moveToThread(self._thread)
        self._connect()
        _keep_until_finished(self._thread, self._worker)
        self._thread.start()

    def _connect(self) -> None:
        w = self._worker
        self._requestLoad.connect(w.load_pipeline)
        self._requestWorkspace.connect(w.set_workspace)
        self._requestIngest.connect(w.ingest)
        self._requestReextract.connect(w.reextract)
        self._requestAnalyse.connect(w.analyse)
        self._requestOpen.connect(w.open_story)
        w.pipelineReady.connect(self._on_pipeline_ready)
        w.pipelineFailed.connect(self.pipelineFailed)
        w.status.connect(self.status)
        w.progress.connect(self.progress)
        w.fileFailed.connect(self._on_file_failed)
        w.ingestFinished.connect(self._on_ingest_finished)
        w.storyReady.connect(self._on_story)
        w.analysisStopped.connect(self._on_analysis_stopped)
        w.analysisDone.connect(self._on_analysis_done)
        w.reextractDone.connect(self._on_reextract_done)
        w.failed.connect(self.failed)
        w.jobDone.connect(self._on_job_done)

    # --------------------------------------------------------------- requests

    def _queue(self, signal: Any, *args: Any) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busyChanged.emit(True)
        signal.emit(*args)

    def load_pipeline(self) -> None:
        self._queue(self._requestLoad)

    def set_workspace(self, path: str) -> None:
        """Work on ``path`` from now on; results still coming for the previous file are dropped."""
        self._generation += 1
        self._queue(self._requestWorkspace, path, self._generation)

    def _queue_analysis(self) -> None:
        if self._analyses == 0:
            self._stop_analysis.clear()  # a cancelled analysis must not stop the next one asked for
        self._analyses += 1
        if self._analyses == 1:
            self.analysingChanged.emit(True)
        self._queue(self._requestAnalyse)

    def open_story(self) -> None:
        """Load the stored story (storyReady), then re-analyse it (storyReady again)."""
        self._queue(self._requestOpen)
        self._queue_analysis()

    def ingest(self, paths: list[str]) -> None:
        """Read ``paths`` into the workspace, then analyse."""
        if self._ingests == 0:
            self._cancel.clear()
        self._ingests += 1
        self._queue(self._requestIngest, [str(p) for p in paths])
        self._queue_analysis()

    def reextract(self) -> None:
        if self._ingests == 0:
            self._cancel.clear()  # a cancelled ingest must not stop the next re-reading
        self._reextracts += 1
        self._queue(self._requestReextract)
        self._queue_analysis()

    def analyse(self) -> None:
        self._queue_analysis()

    def cancel(self) -> None:
        """Stop reading after the current article (finished ones are kept); with nothing being
        read, stop the analyses queued or running (the views keep the last complete one)."""
        self._cancel.set()
        if not self.is_reading():
            self._stop_analysis.set()

    # -------------------------------------------------------------- state

    def is_busy(self) -> bool:
        return self._pending > 0

    def is_ingesting(self) -> bool:
        return self._ingests > 0

    def is_reading(self) -> bool:
        """Articles are being read or re-read (Cancel stops that first, then the analysis)."""
        return self._ingests > 0 or self._reextracts > 0

    def is_analysing(self) -> bool:
        return self._analyses > 0

    def _on_reextract_done(self) -> None:
        self._reextracts = max(0, self._reextracts - 1)

    def _on_analysis_done(self) -> None:
        self._analyses = max(0, self._analyses - 1)
        if self._analyses == 0:
            self.analysingChanged.emit(False)

    def _on_analysis_stopped(self, generation: int) -> None:
        if self._is_current(generation):
            self.analysisStopped.emit()

    def _on_job_done(self) -> None:
        self._pending = max(0, self._pending - 1)
        if self._pending == 0:
            self.busyChanged.emit(False)

    def _on_pipeline_ready(self) -> None:
        self.pipeline_loaded = True
        self.pipelineReady.emit()

    def _is_current(self, generation: int) -> bool:
        return generation == self._generation

    def _on_file_failed(self, generation: int, path: str, message: str) -> None:
        if self._is_current(generation):
            self.fileFailed.emit(path, message)

    def _on_ingest_finished(self, generation: int, report: Any) -> None:
        self._ingests = max(0, self._ingests - 1)
        if self._is_current(generation):
            self.ingestFinished.emit(report)
        else:
            log.info("dropped the ingest report of a workspace no longer open")

    def _on_story(self, generation: int, story: Story) -> None:
        if not self._is_current(generation):
            log.info("dropped the story of a workspace no longer open")
            return
        self.last_story = story
        self.storyReady.emit(story)

    # ------------------------------------------------------------- stopping

    @property
    def finished(self) -> Any:
        """The thread's ``finished`` signal: the worker has stopped for good."""
        return self._thread.finished

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait_stopped(self, timeout_ms: int) -> bool:
        """Block up to ``timeout_ms`` for the thread to stop (after request_stop); True if it has."""
        return self._thread.wait(timeout_ms)

    def request_stop(self) -> None:
        """Cancel reading and analysing, stop after the current job; queued jobs are dropped.  Does not block."""
        self._cancel.set()
        self._stop_analysis.set()
        self._thread.quit()

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel, stop the thread and close the worker's workspace; blocks until the thread has stopped.

        A running QThread must never be destroyed (Qt aborts the process), so
        after ``timeout_ms`` this only logs and keeps waiting for the current
        job to finish (reading finishes its current article, an analysis stops
        within a fraction of a second).
        """
        if self._thread.isRunning():
            self.request_stop()
            if not self._thread.wait(timeout_ms):
                log.warning("the ingest thread is still finishing after %d ms; waiting for it", timeout_ms)
                self._thread.wait()
        self._worker.close()  # the thread has stopped: safe to close its connection from here
        self._ingests = self._reextracts = 0
        if self._analyses:
            self._analyses = 0
            self.analysingChanged.emit(False)
        if self._pending:
            self._pending = 0
            self.busyChanged.emit(False)


__all__ = ["IngestController", "IngestWorker", "build_gazetteer_out_of_process", "describe_failure",
           "stop_all_workers"]
