"""The ingest worker: real pipeline in its thread, progress, per-file errors, cancel, responsiveness."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer

from viewer.store import Workspace
from viewer.ui.ingest_worker import IngestController

pytestmark = pytest.mark.slow
TIMEOUT_MS = 180_000


def unique_copies(sample_dir: Path, target: Path, n: int) -> list[Path]:
    """``n`` distinct articles (a numbered line makes each content hash unique)."""
    target.mkdir()
    sources = sorted(sample_dir.glob("*.txt"))
    paths = []
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        path = target / f"copy_{i:03d}.txt"
        path.write_text(f"{text}\n\nCopy number {i}.\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def controller(tmp_path):
    made = IngestController(str(tmp_path / "worker.crosscheck"))
    yield made
    made.shutdown()


def test_ingest_reports_progress_errors_and_the_story(qtbot, controller, sample_dir, tmp_path):
    progress, failures, stories, reports = [], [], [], []
    controller.progress.connect(lambda d, t, c: progress.append((d, t, c)))
    controller.fileFailed.connect(lambda p, m: failures.append((p, m)))
    controller.storyReady.connect(stories.append)
    controller.ingestFinished.connect(reports.append)
    missing = tmp_path / "gone.txt"
    controller.load_pipeline()
    controller.ingest([str(sample_dir), str(missing)])
    qtbot.waitUntil(lambda: not controller.is_busy() and bool(stories), timeout=TIMEOUT_MS)
    assert reports and reports[-1] is not None and len(reports[-1].added) == 5
    assert progress[-1][0] == progress[-1][1] == 6
    assert [p for p, _ in failures] == [str(missing)]
    assert failures[0][1]
    story = stories[-1]
    assert len(story.articles) == 5 and story.events
    assert any(c.kind == "time" for c in story.conflicts)


def test_cancel_keeps_finished_articles(qtbot, controller, sample_dir, tmp_path):
    paths = unique_copies(sample_dir, tmp_path / "many", 30)
    reports = []
    controller.ingestFinished.connect(reports.append)

    def cancel_after_three(done: int, _total: int, _current: str) -> None:
        if done >= 3:
            controller.cancel()

    controller.progress.connect(cancel_after_three)
    controller.ingest([str(p) for p in paths])
    qtbot.waitUntil(lambda: not controller.is_busy() and bool(reports), timeout=TIMEOUT_MS)
    report = reports[-1]
    assert report.cancelled
    assert 3 <= len(report.added) < 30
    controller.shutdown()
    with Workspace(tmp_path / "worker.crosscheck") as workspace:
        assert workspace.article_count() == len(report.added)


def test_gui_thread_stays_responsive_while_ingesting(qtbot, controller, sample_dir, tmp_path, record_property):
    """A 10 ms timer on the GUI thread keeps ticking while articles are read.

    The bound here is generous (machines are shared); the strict 100 ms figure
    is measured and reported by the benchmark.
    """
    paths = unique_copies(sample_dir, tmp_path / "many", 20)
    controller.load_pipeline()
    qtbot.waitUntil(lambda: controller.pipeline_loaded or not controller.is_busy(), timeout=TIMEOUT_MS)
    assert controller.pipeline_loaded
    clock, gaps = QElapsedTimer(), []
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    started = time.monotonic()
    controller.ingest([str(p) for p in paths])
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=TIMEOUT_MS)
    timer.stop()
    record_property("ingest_seconds", round(time.monotonic() - started, 2))
    record_property("max_gui_gap_ms", max(gaps))
    assert len(gaps) > 10
    assert max(gaps) < 1000


def test_reextraction_stops_when_cancelled(qtbot, controller, sample_dir, tmp_path):
    """Re-reading every article (after a pin) checks the cancel flag between articles, as closing needs."""
    paths = unique_copies(sample_dir, tmp_path / "many", 12)
    reports = []
    controller.ingestFinished.connect(reports.append)
    controller.ingest([str(p) for p in paths])
    qtbot.waitUntil(lambda: not controller.is_busy() and bool(reports), timeout=TIMEOUT_MS)
    assert len(reports[-1].added) == 12
    done = []

    def cancel_after_two(count: int, _total: int, _current: str) -> None:
        done.append(count)
        if count >= 2:
            controller.cancel()

    controller.progress.connect(cancel_after_two)
    controller.reextract()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=TIMEOUT_MS)
    assert done and 2 <= max(done) < 12


def test_cancel_stops_an_analysis_and_the_next_one_finishes(qtbot, controller, sample_dir, tmp_path):
    """With nothing being read, Cancel stops the analysis: nothing is stored, the last story is shown."""
    from viewer.model import Correction

    stories, stopped, analysing = [], [], []
    controller.storyReady.connect(stories.append)
    controller.analysisStopped.connect(lambda: stopped.append(True))
    controller.analysingChanged.connect(analysing.append)
    controller.ingest([str(p) for p in unique_copies(sample_dir, tmp_path / "many", 10)])
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=TIMEOUT_MS)
    assert analysing == [True, False] and not stopped
    path = tmp_path / "worker.crosscheck"
    with Workspace(path) as other:  # a change from another connection: the stored analysis is stale
        other.add_correction(Correction("set_published", stories[-1].articles[0].id, {"date": "2019-02-08"}))
    shown = len(stories)
    controller.analyse()
    controller.cancel()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=TIMEOUT_MS)
    assert stopped == [True] and not controller.is_analysing()
    assert len(stories) == shown + 1  # the stored story, for the views to keep showing
    with Workspace(path) as other:
        assert not other.analysis_is_current()
    controller.analyse()  # "Analyse again": the stop request is not left over
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=TIMEOUT_MS)
    assert stopped == [True]
    with Workspace(path) as other:
        assert other.analysis_is_current()


def test_cancel_while_reading_still_analyses_what_was_read(qtbot, controller, sample_dir, tmp_path):
    reports, stopped = [], []
    controller.ingestFinished.connect(reports.append)
    controller.analysisStopped.connect(lambda: stopped.append(True))
    controller.ingest([str(p) for p in unique_copies(sample_dir, tmp_path / "many", 30)])
    assert controller.is_reading()
    controller.cancel()
    qtbot.waitUntil(lambda: not controller.is_busy() and bool(reports), timeout=TIMEOUT_MS)
    assert reports[-1].cancelled and not stopped
    with Workspace(tmp_path / "worker.crosscheck") as workspace:
        assert workspace.analysis_is_current()
