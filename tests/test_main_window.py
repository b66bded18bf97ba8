"""The main window driven headless: drop articles, inspect, correct, undo, save, reopen.

The first tests exercise the widgets on the hand-built sample story (fast, no
language model); the scenario tests at the end run the real pipeline in the
real window, exactly as a user would.
"""

from __future__ import annotations

import datetime as dt
import shutil
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from story_factory import sample_story
from viewer.model import Story
from viewer.show.selection import SelectionModel
from viewer.store import Workspace
from viewer.ui.event_list import EVENT_ID_ROLE, EventListWidget
from viewer.ui.inspector import DATE_STYLE, PLACE_STYLE, Inspector, conflict_summary, highlighted_sentence_html
from viewer.ui.main_window import MainWindow, paths_from_text

INGEST_TIMEOUT_MS = 180_000

#: Headless Qt WebEngine (the map) reports its software-rendering fallback as warnings.
pytestmark = pytest.mark.qt_log_ignore(
    "propagateSizeHints", "does not support raise", "QRhiGles2", "RHI", "Vulkan", "GBM is not supported",
    "GPUInfo", "Release of profile requested",
)


# ------------------------------------------------------------------ fixtures


@pytest.fixture(autouse=True)
def isolated_settings(isolated_qt_settings):
    """QSettings in tmp (workspaces are always given in tmp)."""


def open_window(qtbot, path: Path, **kwargs) -> MainWindow:
    window = MainWindow(str(path), **kwargs)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def drop_paths(window: MainWindow, paths: list[Path]) -> bool:
    """A real drag-enter + drop with file URLs, delivered like the platform would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(window.width() / 2, window.height() / 2)
    with warnings.catch_warnings():  # PySide6 binds only the (deprecated) QPoint constructor
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(point.toPoint(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)
    drop = QDropEvent(point, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, drop)
    return enter.isAccepted() and drop.isAccepted()


def wait_idle(qtbot, window: MainWindow, condition=lambda: True, timeout: int = INGEST_TIMEOUT_MS) -> None:
    qtbot.waitUntil(lambda: not window.is_busy() and bool(condition()), timeout=timeout)


# --------------------------------------------------- widgets on a built story


def test_event_list_filters_sorts_and_shares_selection(qtbot):
    story, selection = sample_story(), SelectionModel()
    widget = EventListWidget(selection)
    qtbot.addWidget(widget)
    widget.set_story(story)
    assert widget.proxy.rowCount() == len(story.events)
    widget.conflicts_only.setChecked(True)
    coup = {e.id for e in story.events if e.cluster_id == "c-coup"}
    assert set(widget.visible_event_ids()) == coup
    widget.conflicts_only.setChecked(False)
    widget.filter_edit.setText("mosul")
    assert {story.event(e).cluster_id for e in widget.visible_event_ids()} >= {"c-caliphate"}
    assert all("mosul" in (story.event(e).sentence + story.event(e).what + str(story.event(e).where)).lower()
               for e in widget.visible_event_ids())
    widget.filter_edit.clear()
    widget.set_date_range(dt.date(2019, 1, 1), dt.date(2019, 1, 31))
    shown = [story.event(e) for e in widget.visible_event_ids()]
    assert shown and all(e.when.earliest <= dt.date(2019, 1, 31) and e.when.latest >= dt.date(2019, 1, 1)
                         for e in shown)
    widget.set_date_range(None, None)
    # table -> shared selection
    widget.table.selectRow(0)
    first = widget.proxy.index(0, 0).data(EVENT_ID_ROLE)
    assert selection.selected == {first}
    # shared selection -> table
    selection.select(coup, origin="map")
    selected_rows = {i.data(EVENT_ID_ROLE) for i in widget.table.selectionModel().selectedRows()}
    assert selected_rows == coup


def test_event_list_sorts_by_date(qtbot):
    story = sample_story()
    widget = EventListWidget(SelectionModel())
    qtbot.addWidget(widget)
    widget.set_story(story)
    widget.table.sortByColumn(2, Qt.AscendingOrder)
    starts = [story.event(e).when.bounds_days()[0] for e in widget.visible_event_ids()
              if story.event(e).when is not None and story.event(e).when.is_anchored]
    assert starts == sorted(starts) and len(starts) > 5
    widget.table.selectRow(0)
    chosen = widget.proxy.index(0, 0).data(EVENT_ID_ROLE)
    widget.table.sortByColumn(2, Qt.DescendingOrder)
    starts = [story.event(e).when.bounds_days()[0] for e in widget.visible_event_ids()
              if story.event(e).when is not None and story.event(e).when.is_anchored]
    assert starts == sorted(starts, reverse=True)
    kept = {i.data(EVENT_ID_ROLE) for i in widget.table.selectionModel().selectedRows()}
    assert kept == {chosen}  # the selection follows the event, not the row number
    widget.table.sortByColumn(0, Qt.AscendingOrder)
    sources = [widget.proxy.index(r, 0).data() for r in range(widget.proxy.rowCount())]
    assert sources == sorted(sources, key=str.lower)


def test_conflict_summary_names_both_sides():
    story = sample_story()
    summary = conflict_summary(story.conflicts_of_cluster("c-coup"), story)
    assert summary == ("2 sources place it in September 2018 in al-Keshma; "
                       "3 sources on 10 January 2019 near Hajin.")


def test_conflict_summary_never_attributes_a_place_to_the_wrong_sources():
    story = sample_story()
    conflicts = story.conflicts_of_cluster("c-coup")
    place = next(c for c in conflicts if c.kind == "place")
    place.sides[0].article_ids = ["001"]  # only one of the two September sources names al-Keshma
    summary = conflict_summary(conflicts, story)
    assert summary == ("2 sources place it in September 2018; 3 sources on 10 January 2019. "
                       "1 source places it in al-Keshma; 3 sources near Hajin.")
    place.dismissed = True
    assert conflict_summary(conflicts, story) == (
        "2 sources place it in September 2018; 3 sources on 10 January 2019.")


def test_inspector_escapes_and_highlights(qtbot):
    story = sample_story()
    event = next(e for e in story.events if e.article_id == "003" and e.cluster_id == "c-coup")
    html = highlighted_sentence_html(event)
    assert f'<span style="{DATE_STYLE}">{event.when.text}</span>' in html  # the date words, date colour
    assert f'<span style="{PLACE_STYLE}">Hajin</span>' in html  # the place words, place colour
    assert DATE_STYLE != PLACE_STYLE
    event.sentence = "<script>alert(1)</script> " + event.sentence
    assert "<script>" not in highlighted_sentence_html(event)
    selection = SelectionModel()
    inspector = Inspector(selection)
    qtbot.addWidget(inspector)
    inspector.set_story(story)
    selection.select([event.id])
    assert "<script>alert(1)</script>" in inspector.text()  # shown as text, not run
    assert "3 sources on 10 January 2019 near Hajin" in inspector.text()
    with qtbot.waitSignal(inspector.sourceRequested) as blocker:
        inspector.open_source(event.id)
    assert blocker.args == [event.article_id, event.start, event.end]


def test_correction_commands_store_undo_and_validate(tmp_path):
    from viewer.model import Article
    from viewer.ui import commands

    workspace = Workspace(tmp_path / "c.crosscheck")
    workspace.add_article(Article("a1", "a.txt", "Some text.", content_hash="h1"), [])
    reanalysed = []
    command = commands.EditWhenCommand("a1:0:0", "2018-09", lambda: workspace, lambda: reanalysed.append(1))
    command.redo()
    stored = workspace.corrections()
    assert [(c.kind, c.target, c.payload["earliest"], c.payload["latest"], c.payload["precision"])
            for c in stored] == [("set_when", "a1:0:0", "2018-09-01", "2018-09-30", "month")]
    command.undo()
    assert workspace.corrections() == [] and len(reanalysed) == 2
    assert commands.when_payload("2019-01-10")["precision"] == "day"
    assert commands.when_payload("2014")["latest"] == "2014-12-31"
    for bad in ("September", "2018-13", "2019-02-30"):
        with pytest.raises(ValueError):
            commands.when_payload(bad)
    with pytest.raises(ValueError):
        commands.where_payload("Hajin", 34.7, None)
    with pytest.raises(ValueError):
        commands.NotAConflictCommand([], lambda: workspace, lambda: None)
    workspace.close()


def test_unexpected_errors_become_a_message_not_a_crash(qtbot, tmp_path):
    from viewer.ui.errors import ErrorReporter

    reporter = ErrorReporter(lambda: None)
    try:
        raise FileNotFoundError(2, "No such file", "/gone/article.txt")
    except FileNotFoundError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    assert reporter.last_message.startswith("File not found: /gone/article.txt")
    qtbot.waitUntil(lambda: reporter._box is not None and reporter._box.isVisible(), timeout=2000)
    assert not reporter._box.isModal()
    reporter.close_box()


def test_correction_actions_follow_the_selection(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path / "w.crosscheck", load_pipeline=False)
    story = sample_story()
    window._on_story_ready(story)
    assert not window.act_not_conflict.isEnabled() and not window.act_edit_when.isEnabled()
    coup = next(e for e in story.events if e.cluster_id == "c-coup")
    window.select_events([coup.id])
    assert window.act_not_conflict.isEnabled() and window.act_edit_when.isEnabled()
    assert window.act_pin.isEnabled() == (coup.where is not None and not coup.where.is_resolved)
    lone = next(e for e in story.events if e.cluster_id is None)
    window.select_events([lone.id])
    assert not window.act_not_conflict.isEnabled() and not window.act_split.isEnabled()
    window.close()


def test_export_menu_writes_data_timeline_and_map(qtbot, tmp_path):
    import json

    window = open_window(qtbot, tmp_path / "w.crosscheck", load_pipeline=False)
    window._on_story_ready(sample_story())
    data = json.loads(window.export_data(tmp_path / "events.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and data["features"]
    timeline = window.export_timeline(tmp_path / "timeline.png")
    assert timeline.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    picture = window.export_map(tmp_path / "map.png")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    window.close()


def test_paths_from_text(tmp_path):
    article = tmp_path / "a b.txt"
    article.write_text("x", encoding="utf-8")
    text = f"'{article}'\nnot a path\n{QUrl.fromLocalFile(str(tmp_path)).toString()}\n"
    assert paths_from_text(text) == [str(article), str(tmp_path)]


def test_window_shows_a_built_story_and_opens_the_article(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path / "w.crosscheck", load_pipeline=False)
    story = sample_story()
    window._on_story_ready(story)
    coup = [e for e in story.events if e.cluster_id == "c-coup"]
    window.select_events([coup[0].id])
    assert "2 sources place it in September 2018 in al-Keshma" in window.inspector.text()
    dialog = window.open_article(coup[0].article_id, coup[0].start, coup[0].end)
    assert dialog is not None and dialog.isVisible()
    assert dialog.selected_text().split() == coup[0].sentence.split()
    window.close()


def test_the_map_follows_the_timeline_window_until_told_not_to(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path / "w.crosscheck", load_pipeline=False)
    story = sample_story()
    window._on_story_ready(story)
    qtbot.waitUntil(lambda: window.map is not None and window.timeline is not None, timeout=20_000)
    assert window.map.wait_until_ready(30_000)
    on_map = {e.id for e in story.events if e.where is not None and e.where.is_resolved}
    in_2014 = {e.id for e in story.events if e.id in on_map and e.when is not None and e.when.is_anchored
               and e.when.earliest.year == 2014 and e.when.latest.year == 2014}
    assert in_2014 and in_2014 != on_map
    start, end = dt.date(2014, 1, 1).toordinal(), dt.date(2015, 1, 1).toordinal()
    window.timeline.set_visible_range(start, end)
    qtbot.waitUntil(lambda: set(window.map.call("crosscheck.shownIds()")) == in_2014, timeout=10_000)
    window.act_map_follows.setChecked(False)
    qtbot.waitUntil(lambda: set(window.map.call("crosscheck.shownIds()")) == on_map, timeout=10_000)
    window.act_map_follows.setChecked(True)
    qtbot.waitUntil(lambda: set(window.map.call("crosscheck.shownIds()")) == in_2014, timeout=10_000)
    window.close()


def test_find_shortcut_focuses_the_filter_and_paste_reads_a_path(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path / "w.crosscheck", load_pipeline=False)
    window.activateWindow()
    window.act_find.trigger()
    qtbot.waitUntil(lambda: window.event_list.filter_edit.hasFocus() or
                    QApplication.focusWidget() is window.event_list.filter_edit, timeout=2000)
    assert window.act_find.shortcut().toString() == "Ctrl+F"
    QGuiApplication.clipboard().setText("no such path at all")
    window.act_paste.trigger()
    assert "no path" in window.statusBar().currentMessage()
    window.close()


def test_newer_workspace_shows_the_workspace_error(qtbot, tmp_path, future_workspace):
    newer = future_workspace
    window = open_window(qtbot, tmp_path / "w.crosscheck", load_pipeline=False)
    assert not window.switch_workspace(newer)
    assert "newer version" in window.reporter.last_message
    assert window.workspace_path == str(tmp_path / "w.crosscheck")
    window.close()


def test_dock_layout_is_restored(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path / "w.crosscheck", load_pipeline=False)
    window.map_dock.setFloating(True)
    window.sources_dock.hide()
    window.close()
    again = open_window(qtbot, tmp_path / "w.crosscheck", load_pipeline=False)
    assert again.map_dock.isFloating()
    assert not again.sources_dock.isVisible()
    again.close()


# ------------------------------------------------ the real pipeline, end to end


def coup_time_conflict(story: Story):
    """The coup-attempt time conflict: September 2018 (000, 001) against 10 January 2019 (002-004)."""
    ids = {a.id: Path(a.path).name[:3] for a in story.articles}
    for conflict in story.conflicts:
        if conflict.kind != "time":
            continue
        sides = [{ids.get(a) for a in side.article_ids} for side in conflict.sides]
        # both September sources on one side, at least two of the January sources on another
        # (another cluster may hold a smaller time conflict between one of each)
        if any(s >= {"000", "001"} for s in sides) and any(len(s & {"002", "003", "004"}) >= 2 for s in sides):
            return conflict
    return None


@pytest.mark.slow
def test_drop_inspect_correct_undo_save_reopen(qtbot, tmp_path, sample_dir):
    window = open_window(qtbot, tmp_path / "first.crosscheck")
    assert drop_paths(window, [sample_dir])
    wait_idle(qtbot, window, lambda: len(window.story.articles) == 5)
    story = window.story
    assert story.events, window.reporter.last_message
    # the list, the timeline and the map hold the events
    assert window.event_list.proxy.rowCount() == len(story.events)
    qtbot.waitUntil(lambda: window.timeline is not None and window.map is not None, timeout=20_000)
    assert {e.id for e in window.timeline.story.events} == {e.id for e in story.events}
    assert window.map.wait_until_ready(30_000)
    lo, hi = window.timeline.visible_range()
    expected = {e.id for e in story.events if e.where is not None and e.where.is_resolved
                and e.when is not None and e.when.is_anchored
                and e.when.bounds_days()[0] < hi and lo < e.when.bounds_days()[1]}
    assert expected  # the map shows the resolved events inside the timeline's window
    qtbot.waitUntil(lambda: set(window.map.call("crosscheck.shownIds()")) == expected, timeout=10_000)
    # select the coup attempt: the inspector explains both sides
    conflict = coup_time_conflict(story)
    assert conflict is not None, [(c.kind, c.explanation) for c in story.conflicts]
    first = conflict.sides[0].event_ids[0]
    window.event_list.filter_edit.clear()
    row = next(r for r in range(window.event_list.proxy.rowCount())
               if window.event_list.proxy.index(r, 0).data(EVENT_ID_ROLE) == first)
    window.event_list.table.selectRow(row)
    assert window.selection.selected == {first}
    text = window.inspector.text()
    assert "Sources disagree" in text
    assert "September 2018" in text and "January 2019" in text
    window.grab().save(str(tmp_path / "window.png"))
    # a correction: not a conflict; undo; redo
    window.act_not_conflict.trigger()
    wait_idle(qtbot, window, lambda: all(c.dismissed for c in window.story.conflicts
                                         if c.cluster_id == conflict.cluster_id))
    assert "Sources disagree" not in window.inspector.text()
    window.act_undo.trigger()
    wait_idle(qtbot, window, lambda: coup_time_conflict(window.story) is not None
              and not coup_time_conflict(window.story).dismissed)
    assert "Sources disagree" in window.inspector.text()
    window.act_redo.trigger()
    wait_idle(qtbot, window, lambda: all(c.dismissed for c in window.story.conflicts
                                         if c.cluster_id == conflict.cluster_id))
    # a second correction: a publication date set by the user
    target = next(a for a in window.story.articles if a.path.endswith("000_eacc128b9b235077.txt"))
    window.set_publication_date(target.id, dt.date(2019, 2, 11))
    wait_idle(qtbot, window, lambda: window.story.article(target.id).published_from == "user")
    assert any(row[2] == "set by you" for row in window.sources.row_texts())
    # a place the gazetteer does not know, placed by the user: it resolves after re-reading
    lost = next((e for e in window.story.events if e.where is not None and not e.where.is_resolved), None)
    if lost is not None:
        window.pin_place(lost.where.name, 34.48, 40.95)
        wait_idle(qtbot, window, lambda: window.story.event(lost.id) is not None
                  and window.story.event(lost.id).where is not None
                  and window.story.event(lost.id).where.is_resolved)
        assert round(window.story.event(lost.id).where.lat, 2) == 34.48
    # save as, close, reopen: everything is found again
    saved = tmp_path / "saved.crosscheck"
    assert window.save_as(saved)
    wait_idle(qtbot, window)
    assert window.workspace_path == str(saved)
    n_events = len(window.story.events)
    window.close()
    again = open_window(qtbot, saved, load_pipeline=False)
    wait_idle(qtbot, again, lambda: len(again.story.articles) == 5)
    assert len(again.story.events) == n_events
    assert again.story.article(target.id).published == dt.date(2019, 2, 11)
    assert again.story.article(target.id).published_from == "user"
    assert all(c.dismissed for c in again.story.conflicts if c.cluster_id == conflict.cluster_id)
    assert again.selection.selected == {first}  # the view comes back too
    assert again.event_list.proxy.rowCount() == n_events
    again.close()


@pytest.mark.slow
def test_bad_files_get_one_message_each(qtbot, tmp_path, sample_dir):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    shutil.copy(sample_dir / "003_29de31a5087264fe.txt", folder / "good.txt")
    missing = tmp_path / "does-not-exist.txt"
    window = open_window(qtbot, tmp_path / "bad.crosscheck")
    assert drop_paths(window, [folder, missing])
    wait_idle(qtbot, window, lambda: window._last_ingest_report is not None)
    messages = window.sources.error_messages()
    names = {Path(p).name for p in messages}
    assert {"empty.txt", "binary.txt", "does-not-exist.txt"} <= names
    assert all(m.strip() for m in messages.values())
    assert len(window.story.articles) == 1
    rows = window.sources.row_texts()
    assert sum(1 for r in rows if r[2] == "not read") >= 3
    window.close()


def test_escape_stops_the_analysis_and_analyse_again_finishes_it(qtbot, tmp_path, sample_dir):
    """Opening a workspace whose analysis is out of date re-analyses it; Esc stops that, F5 runs it again."""
    from viewer.model import Correction
    from viewer.pipeline import Extractor, ingest, refresh_analysis

    path = tmp_path / "w.crosscheck"
    with Workspace(path) as ws:
        ingest([sample_dir], ws, Extractor.for_workspace(ws), workers=0)
        refresh_analysis(ws)
        ws.add_correction(Correction("set_published", ws.articles()[0].id, {"date": "2019-02-08"}))
    window = open_window(qtbot, path, load_pipeline=False)
    assert window.controller.is_analysing() and window.cancel_button.isVisible()
    window.act_cancel.trigger()
    wait_idle(qtbot, window, lambda: window.story.articles)
    assert "Analysis stopped" in window.statusBar().currentMessage()
    assert not window.cancel_button.isVisible() and not window.progress_bar.isVisible()
    with Workspace(path) as ws:
        assert not ws.analysis_is_current()
    window.act_analyse.trigger()
    wait_idle(qtbot, window, lambda: not window.controller.is_analysing())
    assert window.statusBar().currentMessage().startswith("Up to date")
    with Workspace(path) as ws:
        assert ws.analysis_is_current()
    window.close()
