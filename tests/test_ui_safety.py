"""The window under stress: switching workspace mid-analysis, failed and blocked writes,
closing during a job, hostile article text, emoji offsets, the reused untitled workspace.

Fast: no language model; workspaces are filled from the hand-built sample story
and analysed by the real core.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel

from story_factory import sample_story
from viewer.model import Article, Correction
from viewer.show.selection import SelectionModel
from viewer.store import Workspace
from viewer.ui import commands
from viewer.ui.article_view import ArticleDialog
from viewer.ui.errors import ErrorReporter
from viewer.ui.event_list import EventListWidget
from viewer.ui.ingest_worker import IngestController
from viewer.ui.inspector import cluster_html
from viewer.ui.main_window import MainWindow, _DateDialog, _PlaceDialog, default_workspace_path, new_workspace_path
from viewer.ui.sources_panel import SourcesPanel

pytestmark = pytest.mark.qt_log_ignore(
    "propagateSizeHints", "does not support raise", "QRhiGles2", "RHI", "Vulkan", "GBM is not supported",
    "GPUInfo", "Release of profile requested",
)

HOSTILE = 'attacked <img src="file:///etc/passwd"> Hajin <b>loud</b> a < b > c'


@pytest.fixture(autouse=True)
def isolated(tmp_path, isolated_qt_settings, monkeypatch):
    """Settings and the data folder (untitled workspaces) in tmp."""
    monkeypatch.setenv("CROSSCHECK_DATA_DIR", str(tmp_path / "data"))


def sample_workspace(path: Path) -> Path:
    """The five sample articles with their events, not analysed yet."""
    story = sample_story()
    with Workspace(path) as workspace:
        for article in story.articles:
            workspace.add_article(article, [e for e in story.events if e.article_id == article.id])
    return path


def open_window(qtbot, path: Path | None, **kwargs) -> MainWindow:
    window = MainWindow(str(path) if path else None, load_pipeline=False, **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


def wait_idle(qtbot, window: MainWindow, condition=lambda: True, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not window.is_busy() and bool(condition()), timeout=timeout)


class WriteLock:
    """Another connection holding the workspace's write lock, as the worker does while storing."""

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self._conn.rollback()
        self._conn.close()


# ------------------------------------------------- finding 2 and 18: opening, switching


def test_opening_reads_the_story_in_the_worker_and_new_drops_the_old_answer(qtbot, tmp_path):
    path = sample_workspace(tmp_path / "a.crosscheck")
    window = MainWindow(str(path), load_pipeline=False)
    qtbot.addWidget(window)
    # nothing was read on the GUI thread: the window says it is opening
    assert window.story.articles == [] and window.summary_label.text() == "Opening…"
    window.new_workspace()  # before the worker has answered for a.crosscheck
    assert window.workspace_path == str(default_workspace_path())
    wait_idle(qtbot, window)
    qtbot.wait(200)  # any late answer for the old file would arrive now
    assert window.workspace.article_count() == 0
    assert window.story.articles == [] and window.story.events == []
    assert window.windowTitle().startswith("Untitled")
    window.close()
    again = open_window(qtbot, path)
    wait_idle(qtbot, again, lambda: len(again.story.articles) == 5)
    assert again.story.conflicts
    again.close()


def test_the_controller_drops_answers_for_the_previous_workspace(qtbot, tmp_path):
    path = sample_workspace(tmp_path / "a.crosscheck")
    controller = IngestController(str(path))
    stories = []
    controller.storyReady.connect(stories.append)
    controller.analyse()
    controller.set_workspace(str(tmp_path / "b.crosscheck"))
    controller.analyse()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=20_000)
    controller.shutdown()
    assert stories and all(not story.articles for story in stories)


# ------------------------------------------------------------ finding 5: emoji offsets


def test_the_article_view_selects_the_sentence_after_emoji(qtbot):
    sentence = "The coup attempt 🇸🇾 happened near Hajin in January."
    text = "Breaking 😀🎉 news.\n" + sentence + "\nMore 🙂 text."
    start = text.index(sentence)
    dialog = ArticleDialog(Article("a", "a.txt", text, content_hash="h"), start, start + len(sentence))
    qtbot.addWidget(dialog)
    assert dialog.selected_text() == sentence


# --------------------------------------------------- finding 6: failed and blocked writes


def test_a_correction_that_fails_halfway_stores_nothing_and_leaves_no_undo_step(qtbot, tmp_path):
    workspace = Workspace(tmp_path / "c.crosscheck")
    time_conflict, place_conflict = sample_story().conflicts_of_cluster("c-coup")[:2]
    place_conflict.id = None  # the second insert breaks the NOT NULL target constraint
    reanalysed = []
    command = commands.NotAConflictCommand([time_conflict, place_conflict], lambda: workspace,
                                           lambda: reanalysed.append(1))
    stack = QUndoStack()
    stack.push(command)  # must not raise: a failure is reported, never thrown out of a menu action
    assert workspace.corrections() == []  # the first one was rolled back with the second
    assert stack.count() == 0 and not stack.canUndo()
    assert reanalysed == []
    failures = []
    retry = commands.SetPublishedCommand("000", dt.date(2019, 2, 11), "Windsor Star", lambda: workspace,
                                         lambda: None, lambda *args: failures.append(args))
    workspace.close()  # the next write fails: the handler hears of it
    stack.push(retry)
    assert len(failures) == 1 and failures[0][0] == retry_text("Windsor Star") and failures[0][2] is False
    assert stack.count() == 0


def retry_text(label: str) -> str:
    return f"Set publication date of {label} to 2019-02-11"


def test_a_correction_while_the_file_is_locked_says_busy_at_once(qtbot, tmp_path):
    path = tmp_path / "w.crosscheck"
    window = open_window(qtbot, path)
    story = sample_story()
    window._on_story_ready(story)
    lock = WriteLock(path)
    started = time.monotonic()
    try:
        window.set_publication_date("000", dt.date(2019, 2, 11))
    finally:
        elapsed = time.monotonic() - started
        lock.release()
    assert elapsed < 2.0  # not sqlite's 5 s default: the window must not freeze
    assert "busy" in window.reporter.last_message and "try again" in window.reporter.last_message
    assert window.undo_stack.count() == 0
    assert window.workspace.corrections() == []
    window.close()


def test_a_failed_undo_keeps_the_correction_and_the_undo_step(qtbot, tmp_path):
    path = tmp_path / "w.crosscheck"
    window = open_window(qtbot, path)
    window._on_story_ready(sample_story())
    window.set_publication_date("000", dt.date(2019, 2, 11))
    wait_idle(qtbot, window)
    assert len(window.workspace.corrections()) == 1
    lock = WriteLock(path)
    try:
        window.act_undo.trigger()
    finally:
        lock.release()
    assert "Could not undo" in window.reporter.last_message
    qtbot.waitUntil(lambda: window.undo_stack.index() == 1, timeout=5000)  # stepped forward again
    assert len(window.workspace.corrections()) == 1
    window.act_undo.trigger()  # the lock is gone: now it works
    wait_idle(qtbot, window)
    assert window.workspace.corrections() == [] and window.undo_stack.index() == 0
    window.close()


# ------------------------------------------------------ finding 7: stopping the worker


def test_shutdown_waits_for_the_running_job_however_long(qtbot, tmp_path):
    path = sample_workspace(tmp_path / "a.crosscheck")
    controller = IngestController(str(path))
    lock = WriteLock(path)  # the analysis blocks when it stores its result
    controller.analyse()
    time.sleep(0.3)
    releaser = threading.Timer(1.0, lock.release)
    releaser.start()
    controller.shutdown(timeout_ms=50)
    releaser.join()
    assert not controller.is_running()


def worker_is_waiting_to_store(worker) -> bool:
    """True while ``worker``'s thread is inside a workspace write transaction (read off its stack)."""
    for frame in sys._current_frames().values():
        names, owners = set(), set()
        while frame is not None:
            names.add((frame.f_code.co_name, frame.f_code.co_filename.endswith("workspace.py")))
            owners.add(id(frame.f_locals.get("self")))
            frame = frame.f_back
        if ("_transaction", True) in names and id(worker) in owners:
            return True
    return False


def test_closing_during_a_job_shows_finishing_and_closes_when_done(qtbot, tmp_path):
    path = sample_workspace(tmp_path / "a.crosscheck")
    lock = WriteLock(path)  # taken first: the analysis cannot have stored its result already
    window = open_window(qtbot, path)  # opening queues load + analysis
    # The analysis computes, then waits for the lock to store its result: a wait nothing can
    # interrupt.  (While still computing, closing would stop it at once instead.)  Close only
    # once this window's worker is in that wait; it gives up on the lock after 5 s.
    qtbot.waitUntil(lambda: worker_is_waiting_to_store(window.controller._worker), timeout=4000)
    started = time.monotonic()
    window.close()
    try:
        assert time.monotonic() - started < 2.0
        assert window.isVisible() and window.controller.is_running()
        assert "Finishing" in window.statusBar().currentMessage()
    finally:
        lock.release()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20_000)
    assert not window.controller.is_running()


# ------------------------------------------------------ finding 9: hostile article text


def hostile_story():
    story = sample_story()
    article = story.articles[0]
    article.title, article.outlet, article.path = HOSTILE, "<i>Outlet</i> & co", "/tmp/<b>x</b>.txt"
    event = next(e for e in story.events if e.article_id == article.id)
    event.what = event.sentence = HOSTILE
    return story, article, event


def assert_escaped(tip: str) -> None:
    assert "<img" not in tip and "<b>" not in tip and "<i>" not in tip, tip


def test_hostile_text_in_tooltips_is_shown_as_text(qtbot):
    story, _article, _event = hostile_story()
    widget = EventListWidget(SelectionModel())
    qtbot.addWidget(widget)
    widget.set_story(story)
    model = widget.proxy
    tips = [model.index(r, c).data(Qt.ToolTipRole) for r in range(model.rowCount()) for c in range(6)]
    hostile = [t for t in tips if t and ("img" in t or "Outlet" in t)]
    assert hostile
    for tip in hostile:
        assert_escaped(tip)
    assert any("&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in t for t in hostile)
    panel = SourcesPanel()
    qtbot.addWidget(panel)
    panel.set_story(story)
    panel.add_error('/tmp/<img src="x">.txt', "not text: <b>binary</b>")
    tips = [panel.tree.topLevelItem(r).toolTip(c) for r in range(panel.tree.topLevelItemCount())
            for c in range(panel.tree.columnCount())]
    assert any("&lt;img" in t for t in tips) and any("&lt;b&gt;x" in t for t in tips)
    for tip in tips:
        assert_escaped(tip)


def test_hostile_text_in_dialogs_and_messages_is_plain(qtbot, tmp_path):
    story, article, event = hostile_story()
    window = open_window(qtbot, tmp_path / "w.crosscheck")
    window._on_story_ready(story)
    place = _PlaceDialog(event, window)
    date = _DateDialog("Set publication date", f"When was {article.outlet} published?", dt.date(2019, 1, 1), window)
    for dialog, needle in ((place, "img src"), (date, "<i>Outlet</i>")):
        labels = [label for label in dialog.findChildren(QLabel) if needle in label.text()]
        assert labels and all(label.textFormat() == Qt.PlainText for label in labels)
        dialog.deleteLater()
    reporter = ErrorReporter(lambda: None)
    reporter.report(f"File not found: {article.path}")
    qtbot.waitUntil(lambda: reporter._box is not None and reporter._box.isVisible(), timeout=2000)
    assert reporter._box.textFormat() == Qt.PlainText and "<b>x</b>" in reporter._box.text()
    reporter.close_box()
    window.close()


# ------------------------------------------------ finding 13: one explanation per conflict


def test_the_inspector_explains_a_conflict_once(qtbot):
    story = sample_story()
    page = cluster_html("c-coup", story)
    assert page.count("Sources disagree") == 1
    assert "2 sources place it in September 2018 in al-Keshma" in page
    for conflict in story.conflicts_of_cluster("c-coup"):
        assert conflict.explanation and conflict.explanation not in page  # said once, by the summary
    time_conflict = next(c for c in story.conflicts_of_cluster("c-coup") if c.kind == "time")
    time_conflict.sides = time_conflict.sides[:1]  # the summary cannot pair one side: the core's words show
    assert time_conflict.explanation in cluster_html("c-coup", story)


# ------------------------------------------------- finding 16: one untitled workspace


def test_launches_without_a_named_workspace_reuse_one_untitled_file(qtbot, tmp_path):
    window = open_window(qtbot, None)
    default = default_workspace_path()
    assert window.workspace_path == str(default)
    assert window.windowTitle().startswith("Untitled")
    workspace = window._open_initial_workspace(None, fresh=True)  # as `viewer PATH` starts
    assert workspace.path == str(default)
    workspace.close()
    window.close()
    assert new_workspace_path() == default  # still empty: New reuses it
    sample_workspace(default)
    second = new_workspace_path()
    assert second != default and second.name.startswith("untitled")
    assert new_workspace_path() == second  # not a new file on every New while it stays empty
    assert sorted(p.name for p in default.parent.glob("untitled*.crosscheck")) == [default.name]


def test_the_inspector_shows_the_disagreeing_sentences_first(qtbot):
    story = sample_story()
    cluster = next(c for c in story.clusters if c.id == "c-coup")
    time_conflict = next(c for c in story.conflicts_of_cluster("c-coup") if c.kind == "time")
    cluster.event_ids = list(reversed(cluster.event_ids))
    evidence = [e for side in time_conflict.sides for e in side.event_ids]
    page = cluster_html("c-coup", story)
    positions = [page.index(f'href="source:{e}"') for e in evidence]
    assert positions == sorted(positions)  # in side order: September sources, then January ones
