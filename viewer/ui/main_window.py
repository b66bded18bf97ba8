"""The main window: docks (timeline, map, events, inspector, sources), menus, drag and drop,
background ingest with progress and cancel, undoable corrections, workspaces.

The window only arranges and connects: reading and analysis run in the
ingest worker's thread, every view shows the same Story and the same
SelectionModel, and every correction is a QUndoCommand over the workspace.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QByteArray, QDate, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QToolBar,
    QWidget,
)

from viewer import APP_NAME, __version__
from viewer.model import Conflict, Event, Story
from viewer.paths import data_dir, resources_dir
from viewer.show.selection import SelectionModel
from viewer.store import WORKSPACE_SUFFIX, Workspace, WorkspaceError, is_workspace_file
from viewer.ui import commands
from viewer.ui.article_view import ArticleDialog
from viewer.ui.errors import ErrorReporter, user_message
from viewer.ui.event_list import EventListWidget, plain_tooltip, source_name
from viewer.ui.ingest_worker import IngestController
from viewer.ui.inspector import Inspector
from viewer.ui.settings import AppSettings, SettingsDialog, export_to_environment, load_settings, save_settings
from viewer.ui.sources_panel import SourcesPanel

log = logging.getLogger("crosscheck")

MAX_RECENT = 8
STATE_VERSION = 1
MAP_DELAY_MS = 100  # let the first frame paint before WebEngine starts
#: How long a write on the GUI thread waits for the worker's write lock before saying "busy, try again".
GUI_BUSY_TIMEOUT_MS = 300
#: How long closing waits for the worker before showing "Finishing…" and closing when it is done.
CLOSE_WAIT_MS = 200
ANALYSIS_STOPPED_MESSAGE = ("Analysis stopped: the views show the articles as last analysed. "
                            "Edit > Analyse again (F5) finishes it.")
DEFAULT_WORKSPACE_NAME = f"untitled{WORKSPACE_SUFFIX}"


def icon_path() -> Path:
    return resources_dir() / "icons" / "crosscheck.svg"


def default_workspace_path() -> Path:
    """The one autosaved workspace used whenever the user has not named one (reused across launches).

    Articles dropped into it again are recognised by their content hash, so a
    second ``viewer PATH`` neither re-reads them nor leaves another file behind.
    """
    return data_dir() / DEFAULT_WORKSPACE_NAME


def _holds_articles(path: Path) -> bool:
    """True unless ``path`` is missing or an empty workspace (an unreadable file counts as taken)."""
    if not path.exists():
        return False
    try:
        with Workspace(path) as workspace:
            return workspace.article_count() > 0
    except Exception:  # noqa: BLE001 - never reuse a file we cannot read
        return True


def new_workspace_path() -> Path:
    """An empty untitled workspace for File > New: the default one if empty, else the first empty numbered one."""
    for n in itertools.count(1):
        path = default_workspace_path() if n == 1 else data_dir() / f"untitled-{n}{WORKSPACE_SUFFIX}"
        if not _holds_articles(path):
            return path
    raise AssertionError("unreachable")


def is_untitled(path: str | Path) -> bool:
    target = Path(path)
    return target.parent == data_dir() and target.name.startswith("untitled")


def paths_from_text(text: str) -> list[str]:
    """Existing file paths in pasted text: one per line, quotes and file:// URLs allowed."""
    paths = []
    for line in text.splitlines():
        candidate = line.strip().strip("'\"")
        if candidate.startswith("file://"):
            candidate = QUrl(candidate).toLocalFile()
        if candidate and len(candidate) < 4096 and Path(candidate).expanduser().exists():
            paths.append(str(Path(candidate).expanduser()))
    return paths


def _plain_label(text: str) -> QLabel:
    """A label that shows ``text`` literally: article text and outlets may look like HTML to Qt."""
    label = QLabel(text)
    label.setTextFormat(Qt.PlainText)
    label.setWordWrap(True)
    return label


class _Placeholder(QLabel):
    """Stands in for a view whose module is missing, saying why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.setTextFormat(Qt.PlainText)  # the message quotes an exception
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color:#666; padding:12px")


class _DateDialog(QDialog):
    """Pick a day (publication date)."""

    def __init__(self, title: str, label: str, day: dt.date, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.edit = QDateEdit(QDate(day.year, day.month, day.day))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_plain_label(label))
        form.addRow("Date:", self.edit)
        form.addRow(buttons)

    def day(self) -> dt.date:
        value = self.edit.date()
        return dt.date(value.year(), value.month(), value.day())


class _PlaceDialog(QDialog):
    """Name a place and, optionally, give its coordinates."""

    def __init__(self, event: Event, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit event place")
        place = event.where
        self.name = QLineEdit(place.name if place else "")
        self.has_coordinates = place is not None and place.is_resolved
        self.lat = QDoubleSpinBox()
        self.lat.setRange(-90, 90)
        self.lat.setDecimals(4)
        self.lon = QDoubleSpinBox()
        self.lon.setRange(-180, 180)
        self.lon.setDecimals(4)
        self.radius = QDoubleSpinBox()
        self.radius.setRange(0, 5000)
        self.radius.setSuffix(" km")
        if place is not None and place.is_resolved:
            self.lat.setValue(place.lat)  # type: ignore[arg-type]
            self.lon.setValue(place.lon)  # type: ignore[arg-type]
            self.radius.setValue(place.radius_km or 0)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_plain_label(f"“{event.sentence[:160]}”"))
        form.addRow("Place name:", self.name)
        form.addRow("Latitude:", self.lat)
        form.addRow("Longitude:", self.lon)
        form.addRow("Uncertainty:", self.radius)
        form.addRow(QLabel("Leave latitude and longitude at 0 to keep the place off the map."))
        form.addRow(buttons)

    def payload(self) -> dict[str, Any]:
        lat, lon = self.lat.value(), self.lon.value()
        located = not (lat == 0 and lon == 0)
        return commands.where_payload(self.name.text(), lat if located else None, lon if located else None,
                                      self.radius.value() or None)


class MainWindow(QMainWindow):
    """The application window; ``workspace_path`` None opens the last workspace or a new one."""

    def __init__(self, workspace_path: str | None = None, *, load_pipeline: bool = True,
                 paths: list[str] | None = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowIcon(QIcon(str(icon_path())))
        self.app_settings: AppSettings = load_settings()
        export_to_environment(self.app_settings)
        self.selection = SelectionModel()
        self.story = Story()
        self.undo_stack = QUndoStack(self)
        self.reporter = ErrorReporter(lambda: self)
        self.lanes = self.app_settings.default_lanes
        self.timeline: Any = None
        self.map: Any = None
        self._article_dialogs: list[ArticleDialog] = []
        self._last_ingest_report: Any = None
        self._restoring_view = True
        self._closed = False
        self._closing = False
        self._analysis_stopped = False  # the last analysis was cancelled: the views are not up to date
        self._correction_failed = False
        self._view_updates: list[Callable[[], None]] = []
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.timeout.connect(self._next_view_update)
        self.workspace = self._open_initial_workspace(workspace_path, fresh=bool(paths))
        self.controller = IngestController(self.workspace.path, self)
        self._build_views()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect_controller()
        self._unsubscribe = self.selection.subscribe(lambda *_: self._update_actions())
        self.setAcceptDrops(True)
        self._fit_to_screen(1400, 900)
        self._restore_window_state()
        self._create_timeline()
        self._after_workspace_opened()
        QTimer.singleShot(MAP_DELAY_MS, self._create_heavy_views)
        if load_pipeline:
            QTimer.singleShot(0, self.controller.load_pipeline)
        if paths:
            QTimer.singleShot(0, lambda: self.add_paths(paths))

    # ================================================================ workspace

    @staticmethod
    def _open(path: str | Path) -> Workspace:
        """The GUI's connection: a short busy timeout, so a write while the worker holds the lock
        fails fast with "busy, try again" instead of freezing the window for seconds."""
        return Workspace(str(path), busy_timeout_ms=GUI_BUSY_TIMEOUT_MS)

    def _open_initial_workspace(self, path: str | None, fresh: bool) -> Workspace:
        """The named file; else (no articles given) the last one used; else the default untitled one."""
        if path is None and not fresh:
            last = QSettings().value("lastWorkspace")
            if last and Path(str(last)).is_file():
                path = str(last)
        target = path or str(default_workspace_path())
        try:
            return self._open(target)
        except (WorkspaceError, OSError) as exc:
            QTimer.singleShot(0, lambda message=user_message(exc): self.report(message))
            return self._open(new_workspace_path())

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Start at ``width`` x ``height``, or 90% of a smaller screen's free area."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            free = screen.availableGeometry()
            width, height = min(width, int(free.width() * 0.9)), min(height, int(free.height() * 0.9))
        self.resize(width, height)

    @property
    def workspace_path(self) -> str:
        return self.workspace.path

    def _after_workspace_opened(self, same_story: bool = False) -> None:
        """Empty the views (kept for Save As: ``same_story``), then load and re-analyse in the worker.

        Loading reads every article's full text: on the GUI thread that froze
        the window for large workspaces, so only a count is asked here.
        """
        self._restoring_view = True
        self._remember_recent(self.workspace.path)
        self._update_title()
        try:
            self.lanes = self.workspace.get_meta("view.lanes", self.lanes) or self.lanes
            has_articles = self.workspace.article_count() > 0
        except Exception as exc:  # noqa: BLE001 - a damaged file must not stop the window
            self.report(user_message(exc))
            has_articles = False
        if not same_story:
            self._show_story(Story())
        if has_articles:
            if not same_story:
                self.summary_label.setText("Opening…")
                self.show_status(f"Opening {Path(self.workspace.path).name}…")
            self.controller.open_story()
        else:
            self._restoring_view = False

    def switch_workspace(self, path: str | Path, keep_undo: bool = False) -> bool:
        """Open ``path`` (creating it if new) in place of the current workspace."""
        if self.controller.is_ingesting():
            self.show_status("Wait until reading finishes (or cancel it) before changing workspace.")
            return False
        try:
            new = self._open(path)
        except (WorkspaceError, OSError) as exc:
            self.report(user_message(exc))
            return False
        self._save_view_state()
        old = self.workspace
        self.workspace = new
        old.close()
        if not keep_undo:
            self.undo_stack.clear()
        self.controller.set_workspace(new.path)
        if not keep_undo:
            self.selection.clear()
        self._after_workspace_opened(same_story=keep_undo)
        return True

    def new_workspace(self) -> None:
        target = new_workspace_path()
        if Path(target).resolve() == Path(self.workspace.path).resolve():
            self.show_status("This workspace is already empty: drop articles here to start.")
            return
        if self.switch_workspace(target):
            self.show_status("New workspace: drop articles here to start.")

    def open_workspace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open workspace", str(Path.home()),
                                              f"Crosscheck workspaces (*{WORKSPACE_SUFFIX});;All files (*)")
        if path:
            self.switch_workspace(path)

    def save(self) -> None:
        """The workspace is always current on disk; an untitled one asks where to keep it."""
        if is_untitled(self.workspace.path):
            self.save_as_dialog()
            return
        self._save_view_state()
        self.show_status(f"Saved {Path(self.workspace.path).name}.")

    def save_as_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save workspace as", str(Path.home() / f"story{WORKSPACE_SUFFIX}"),
                                              f"Crosscheck workspaces (*{WORKSPACE_SUFFIX})")
        if path:
            self.save_as(path)

    def save_as(self, path: str | Path) -> bool:
        """Copy the workspace to ``path`` and continue working on the copy."""
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(WORKSPACE_SUFFIX)
        if self.controller.is_ingesting():
            self.show_status("Wait until reading finishes (or cancel it) before saving a copy.")
            return False
        if target.resolve() == Path(self.workspace.path).resolve():
            self.save()
            return True
        try:
            self._save_view_state()
            if target.exists():
                target.unlink()
            self.workspace.save_copy(target)
        except (OSError, WorkspaceError) as exc:
            self.report(user_message(exc))
            return False
        ok = self.switch_workspace(target, keep_undo=True)
        if ok:
            self.show_status(f"Saved as {target.name}.")
        return ok

    def _remember_recent(self, path: str) -> None:
        store = QSettings()
        store.setValue("lastWorkspace", path)
        if is_untitled(path):
            return
        recent = [p for p in self.recent_workspaces() if p != path]
        store.setValue("recentWorkspaces", [path, *recent][:MAX_RECENT])

    @staticmethod
    def recent_workspaces() -> list[str]:
        value = QSettings().value("recentWorkspaces", [])
        if isinstance(value, str):
            value = [value]
        return [str(p) for p in (value or []) if Path(str(p)).is_file()]

    def _update_title(self) -> None:
        name = "Untitled" if is_untitled(self.workspace.path) else Path(self.workspace.path).name
        self.setWindowTitle(f"{name} — {APP_NAME}")

    # ================================================================ views

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable
                         | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _build_views(self) -> None:
        # All views are docks (rearrangeable, restored next start); the central widget stays hidden.
        central = QWidget(self)
        central.hide()
        self.setCentralWidget(central)
        self.setDockNestingEnabled(True)
        self.event_list = EventListWidget(self.selection)
        self.inspector = Inspector(self.selection)
        self.sources = SourcesPanel()
        # One dock area, nested splits: the timeline on top, events | map | inspector below.
        area = Qt.LeftDockWidgetArea
        self.timeline_dock = self._dock("timelineDock", "Timeline", _Placeholder("Loading the timeline…"), area)
        self.events_dock = self._dock("eventsDock", "Events", self.event_list, area)
        self.map_dock = self._dock("mapDock", "Map", _Placeholder("Loading the map…"), area)
        self.inspector_dock = self._dock("inspectorDock", "Inspector", self.inspector, area)
        self.sources_dock = self._dock("sourcesDock", "Sources", self.sources, area)
        self.splitDockWidget(self.timeline_dock, self.events_dock, Qt.Vertical)
        self.splitDockWidget(self.events_dock, self.map_dock, Qt.Horizontal)
        self.splitDockWidget(self.map_dock, self.inspector_dock, Qt.Horizontal)
        self.tabifyDockWidget(self.events_dock, self.sources_dock)
        self.events_dock.raise_()
        self.inspector.sourceRequested.connect(self.open_article)
        self.sources.articleActivated.connect(lambda article_id: self.open_article(article_id, 0, 0))
        self.event_list.eventActivated.connect(self._open_event_source)

    def apply_default_layout(self) -> None:
        """Dock sizes for a first start (later starts restore the user's own layout)."""
        height, width = max(self.height(), 600), max(self.width(), 900)
        self.resizeDocks([self.timeline_dock, self.map_dock], [int(height * 0.45), int(height * 0.55)],
                         Qt.Vertical)
        self.resizeDocks([self.events_dock, self.map_dock, self.inspector_dock],
                         [int(width * 0.34), int(width * 0.38), int(width * 0.28)], Qt.Horizontal)

    def _create_heavy_views(self) -> None:
        """The map after the window is on screen: starting WebEngine blocks the GUI thread ~1 s."""
        self._create_map()
        if not self._state_restored:
            self.apply_default_layout()
        if self.story.articles and not self._view_updates:
            self._call_view(self.map, "set_story", self.story)

    def _create_timeline(self) -> None:
        try:
            from viewer.ui.timeline import QtTimeline

            self.timeline = QtTimeline(self.selection, self)
        except Exception as exc:  # noqa: BLE001 - the rest of the window still works
            log.error("timeline unavailable: %s", exc)
            self.timeline_dock.setWidget(_Placeholder(f"The timeline is not available: {exc}"))
            return
        self.timeline_dock.setWidget(self.timeline)
        self._call_view(self.timeline, "set_lanes", self.lanes)
        self.timeline.visibleRangeChanged.connect(self._on_visible_range)
        self.timeline.eventActivated.connect(self._open_event_source)

    def _create_map(self) -> None:
        try:
            from viewer.ui.map_view import QtMap

            self.map = QtMap(self.selection, self, online_tiles=self.app_settings.online_tiles)
        except Exception as exc:  # noqa: BLE001
            log.error("map unavailable: %s", exc)
            self.map_dock.setWidget(_Placeholder(f"The map is not available: {exc}"))
            return
        self.map_dock.setWidget(self.map)
        self.map.placePinned.connect(
            lambda name, lat, lon: self._guarded(lambda: self.pin_place(name, lat, lon)))

    def _call_view(self, view: Any, method: str, *args: Any) -> None:
        """Call a view's method, turning its failures into a message instead of a crash."""
        if view is None:  # the map is created just after the window shows
            return
        try:
            getattr(view, method)(*args)
        except Exception as exc:  # noqa: BLE001
            log.exception("%s.%s failed", type(view).__name__, method)
            self.show_status(f"The {type(view).__name__} could not update: {exc}")

    def _on_visible_range(self, lo: float, hi: float) -> None:
        if self.act_map_follows.isChecked():
            self._call_view(self.map, "set_time_window", lo, hi)

    def _on_map_follows_toggled(self, follow: bool) -> None:
        """Following: the map shows the timeline's window; not following: every event."""
        if follow and self.timeline is not None:
            self._call_view(self.map, "set_time_window", *self.timeline.visible_range())
        else:
            self._call_view(self.map, "set_time_window", None, None)

    def _show_story(self, story: Story) -> None:
        """Hand one story to every view; drop selected ids that no longer exist."""
        self.story = story
        self.event_list.set_story(story)
        self.inspector.set_story(story)
        self.sources.set_story(story)
        # The timeline and the map each take tens of ms for a big story: one per event-loop
        # turn keeps every GUI stall short (the list, inspector and sources are cheap).
        self._view_updates = [lambda: self._call_view(self.timeline, "set_story", story),
                              lambda: self._call_view(self.map, "set_story", story)]
        self._view_timer.start(0)
        known = story.event_index()
        if self.selection.selected and not self.selection.selected <= known.keys():
            self.selection.select(self.selection.selected & known.keys())
        self._update_summary()
        self._update_actions()

    def _next_view_update(self) -> None:
        if self._view_updates:
            self._view_updates.pop(0)()
        if self._view_updates:
            self._view_timer.start(0)

    def _on_story_ready(self, story: Story) -> None:
        self._show_story(story)
        if self._restoring_view:
            self._restoring_view = False
            self._restore_view_state()
            self._on_story_ready_while_analysing()

    def _update_actions(self) -> None:
        """Corrections are offered only when the selection allows them."""
        events = self.selected_events()
        clusters = {e.cluster_id for e in events if e.cluster_id}
        for action in (self.act_edit_when, self.act_edit_where, self.act_pin):
            action.setEnabled(bool(events))
        self.act_pin.setEnabled(any(e.where is not None and not e.where.is_resolved for e in events))
        self.act_split.setEnabled(bool(clusters))
        self.act_merge.setEnabled(len(clusters) + sum(1 for e in events if not e.cluster_id) >= 2)
        self.act_not_conflict.setEnabled(bool(self.selected_conflicts()))

    def _update_summary(self) -> None:
        story = self.story
        live = sum(1 for c in story.conflicts if not c.dismissed)
        self.summary_label.setText(f"{len(story.articles)} sources · {len(story.events)} events · "
                                   f"{len(story.clusters)} shared · {live} conflicts")

    # ================================================================ actions

    def _action(self, text: str, slot: Callable[..., Any], shortcut: Any = None, tip: str = "",
                icon: str | None = None) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda *_: self._guarded(slot))
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                action.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if icon:
            action.setIcon(QIcon.fromTheme(icon))
        return action

    def _guarded(self, slot: Callable[[], Any]) -> None:
        """Run a menu command; a failure becomes a message, never a crash."""
        try:
            slot()
        except ValueError as exc:
            self.show_status(str(exc))
            self.report(str(exc))
        except Exception as exc:  # noqa: BLE001
            log.exception("command failed")
            self.report(user_message(exc))

    def _build_actions(self) -> None:
        K = QKeySequence
        self.act_new = self._action("&New", self.new_workspace, K.New, "Start an empty workspace", "document-new")
        self.act_open = self._action("&Open…", self.open_workspace_dialog, K.Open, "Open a workspace",
                                     "document-open")
        self.act_save = self._action("&Save", self.save, K.Save, "Save the workspace", "document-save")
        self.act_save_as = self._action("Save &As…", self.save_as_dialog, "Ctrl+Shift+S",
                                        "Save a copy of the workspace and continue in it", "document-save-as")
        self.act_add = self._action("&Add Articles…", self.add_articles_dialog, "Ctrl+Shift+O",
                                    "Read article files or folders", "list-add")
        self.act_add_folder = self._action("Add &Folder…", self.add_folder_dialog, None,
                                           "Read every article in a folder")
        self.act_export_timeline = self._action("Export &timeline…", self.export_timeline_dialog, "Ctrl+Shift+E",
                                                "Save the timeline as PNG, SVG or PDF")
        self.act_export_map = self._action("Export &map…", self.export_map_dialog, None, "Save the map as PNG")
        self.act_export_data = self._action("Export &data (CSV/GeoJSON/KML/TimelineJS)…", self.export_data_dialog,
                                            "Ctrl+E", "Save the events as data")
        self.act_export_data.setIconText("Export data")
        self.act_quit = self._action("&Quit", self.close, K.Quit, "Quit Crosscheck", "application-exit")
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(K.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.act_find = self._action("&Find", self.focus_find, K.Find, "Filter the event list")
        self.act_paste = self._action("&Paste Path", self.paste_paths, K.Paste,
                                      "Read the files whose paths are on the clipboard")
        self.act_set_published = self._action("Set &publication date…", self.set_publication_date_dialog, None,
                                              "Set the publication date of the selected event's article")
        self.act_edit_when = self._action("Edit event &date…", self.edit_event_date_dialog, None,
                                          "Correct the date of the selected event")
        self.act_edit_where = self._action("Edit event p&lace…", self.edit_event_place_dialog, None,
                                           "Correct the place of the selected event")
        self.act_pin = self._action("Place on &map…", self.pin_on_map, None,
                                    "Click the map to place the selected event's unknown place")
        self.act_merge = self._action("&Merge clusters", self.merge_selected, None,
                                      "The selected events are the same event")
        self.act_split = self._action("&Split from cluster", self.split_selected, None,
                                      "The selected events are not the same event as the rest")
        self.act_not_conflict = self._action("&Not a conflict", self.mark_selected_not_conflict, None,
                                             "The sources of the selected conflict do not really disagree")
        self.act_settings = self._action("Se&ttings…", self.settings_dialog, K.Preferences,
                                         "Language model, online features, lanes")
        self.act_about = self._action("&About Crosscheck", self.about, None)
        self.act_fit_all = self._action("Fit &all", self.fit_all, "Ctrl+0", "Show every event")
        self.act_fit_selection = self._action("Fit &selection", self.fit_selection, "Ctrl+.",
                                              "Zoom to the selected events")
        self.act_map_follows = QAction("&Map follows the timeline", self)
        self.act_map_follows.setCheckable(True)
        self.act_map_follows.setChecked(True)
        self.act_map_follows.setStatusTip("Show on the map only the events in the timeline's visible time window")
        self.act_map_follows.toggled.connect(self._on_map_follows_toggled)
        self.lane_group = QActionGroup(self)
        self.act_lanes_source = self._lane_action("Lanes by &source", "source")
        self.act_lanes_cluster = self._lane_action("Lanes by &cluster", "cluster")
        self.act_cancel = self._action("Cancel", self.cancel_work, "Esc",
                                       "Stop reading articles, or stop matching them", "process-stop")
        self.act_analyse = self._action("&Analyse again", self.analyse_again, "F5",
                                        "Match the events and find the conflicts again")
        self.act_cancel.setEnabled(False)
        for action in (self.act_paste, self.act_cancel):
            action.setShortcutContext(Qt.WindowShortcut)
        self.addAction(self.act_paste)
        self.addAction(self.act_cancel)

    def _lane_action(self, text: str, mode: str) -> QAction:
        action = QAction(text, self, checkable=True)
        action.setChecked(self.lanes == mode)
        action.triggered.connect(lambda *_: self.set_lanes(mode))
        self.lane_group.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addActions([self.act_save, self.act_save_as])
        file_menu.addSeparator()
        file_menu.addActions([self.act_add, self.act_add_folder])
        file_menu.addSeparator()
        file_menu.addActions([self.act_export_timeline, self.act_export_map, self.act_export_data])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_find, self.act_paste])
        edit.addSeparator()
        edit.addActions([self.act_set_published, self.act_edit_when, self.act_edit_where, self.act_pin])
        edit.addSeparator()
        edit.addActions([self.act_merge, self.act_split, self.act_not_conflict])
        edit.addSeparator()
        edit.addAction(self.act_analyse)
        view = bar.addMenu("&View")
        view.addActions([self.act_lanes_source, self.act_lanes_cluster])
        view.addSeparator()
        view.addActions([self.act_fit_all, self.act_fit_selection, self.act_map_follows])
        view.addSeparator()
        for dock in (self.timeline_dock, self.map_dock, self.events_dock, self.inspector_dock, self.sources_dock):
            view.addAction(dock.toggleViewAction())
        settings = bar.addMenu("&Settings")
        settings.addAction(self.act_settings)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main toolbar", self)
        bar.setObjectName("mainToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        bar.setMovable(True)
        bar.addActions([self.act_add, self.act_open, self.act_save])
        bar.addSeparator()
        bar.addActions([self.act_undo, self.act_redo])
        bar.addSeparator()
        bar.addActions([self.act_fit_all, self.act_fit_selection])
        bar.addSeparator()
        bar.addActions([self.act_not_conflict, self.act_export_data])
        self.addToolBar(Qt.TopToolBarArea, bar)
        self.toolbar = bar

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.summary_label = QLabel("")
        self.pipeline_label = QLabel("Loading the language model…")
        self.pipeline_label.setTextFormat(Qt.PlainText)  # worker messages quote exceptions and paths
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setFormat("%v / %m")
        self.progress_bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop reading after the current article (finished articles are kept), "
                                      "or stop matching (the views keep the last complete analysis)")
        self.cancel_button.clicked.connect(self.cancel_work)
        self.cancel_button.hide()
        status.addPermanentWidget(self.summary_label)
        status.addPermanentWidget(self.pipeline_label)
        status.addPermanentWidget(self.progress_bar)
        status.addPermanentWidget(self.cancel_button)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_workspaces()
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(plain_tooltip(path))
            action.triggered.connect(lambda *_, p=path: self.switch_workspace(p))

    # ================================================================ ingest

    def _connect_controller(self) -> None:
        c = self.controller
        c.pipelineReady.connect(lambda: self.pipeline_label.setText("Language model ready"))
        c.pipelineFailed.connect(self._on_pipeline_failed)
        c.status.connect(self.pipeline_label.setText)
        c.progress.connect(self._on_progress)
        c.fileFailed.connect(self._on_file_failed)
        c.ingestFinished.connect(self._on_ingest_finished)
        c.storyReady.connect(self._on_story_ready)
        c.failed.connect(self.report)
        c.busyChanged.connect(self._on_busy)
        c.analysingChanged.connect(self._on_analysing)
        c.analysisStopped.connect(self._on_analysis_stopped)

    def add_paths(self, paths: list[str]) -> None:
        """Read files/folders into the workspace (a single workspace file is opened instead)."""
        paths = [str(p) for p in paths if str(p).strip()]
        if not paths:
            return
        if len(paths) == 1 and is_workspace_file(paths[0]):
            self.switch_workspace(paths[0])
            return
        self.controller.ingest(paths)
        self.progress_bar.setRange(0, 0)  # busy until the first progress report gives a total
        self.progress_bar.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.act_cancel.setEnabled(True)
        self.show_status(f"Reading {len(paths)} item(s)…")

    def add_articles_dialog(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Add articles", str(Path.home()),
            "Articles (*.txt *.md *.html *.htm *.pdf *.docx);;All files (*)")
        self.add_paths(files)

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of articles", str(Path.home()))
        if folder:
            self.add_paths([folder])

    def paste_paths(self) -> None:
        text = QGuiApplication.clipboard().text()
        paths = paths_from_text(text)
        if paths:
            self.add_paths(paths)
        else:
            self.show_status("The clipboard holds no path to an existing file or folder.")

    def cancel_work(self) -> None:
        """Esc / Cancel: stop reading first; with nothing being read, stop the analysis."""
        if self.controller.is_reading():
            self.controller.cancel()
            self.cancel_button.setEnabled(False)
            self.show_status("Cancelling: finishing the current article…")
        elif self.controller.is_analysing():
            self.controller.cancel()
            self.cancel_button.setEnabled(False)
            self.show_status("Stopping the analysis…")

    def analyse_again(self) -> None:
        self.controller.analyse()

    def _on_analysing(self, analysing: bool) -> None:
        if analysing:
            self._analysis_stopped = False
        self._show_work_state()

    def _on_story_ready_while_analysing(self) -> None:
        """An opened workspace shows its stored story and re-analyses it: say what the busy bar is doing."""
        if self.controller.is_analysing() and not self.controller.is_reading():
            self.show_status("Matching events across sources… (Esc stops)")

    def _show_work_state(self) -> None:
        """The bar and Cancel follow the worker: reading shows a count, matching a busy bar, idle nothing."""
        if self.controller.is_ingesting():
            return  # add_paths and the progress reports own the bar while reading
        if self.controller.is_analysing():
            if not self.controller.is_reading():
                self.progress_bar.setRange(0, 0)
                self.cancel_button.setEnabled(True)
            self.progress_bar.show()
            self.cancel_button.show()
            self.act_cancel.setEnabled(True)
        else:
            self.progress_bar.hide()
            self.cancel_button.hide()
            self.act_cancel.setEnabled(False)

    def _on_analysis_stopped(self) -> None:
        self._analysis_stopped = True
        self.show_status(ANALYSIS_STOPPED_MESSAGE)

    def _on_progress(self, done: int, total: int, current: str) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.statusBar().showMessage(f"Reading {done} / {total}: {Path(current).name}")

    def _on_file_failed(self, path: str, message: str) -> None:
        self.sources.add_error(path, message)
        self.statusBar().showMessage(f"Could not read {Path(path).name}: {message}", 8000)

    def _on_ingest_finished(self, report: Any) -> None:
        self._last_ingest_report = report
        self._show_work_state()
        if report is None:
            return
        parts = [f"Read {len(report.added)} new article(s)"]
        if report.duplicates:
            parts.append(f"{len(report.duplicates)} already in the workspace")
        if report.errors:
            parts.append(f"{len(report.errors)} could not be read (see Sources)")
        message = ", ".join(parts) + "."
        if report.cancelled:
            message = "Cancelled. " + message
        self.show_status(message + " Matching events across sources…")
        if report.errors and not report.read_any:
            self.sources_dock.raise_()

    def _on_pipeline_failed(self, message: str) -> None:
        self.pipeline_label.setText("Language model not available")
        self.report(message)

    def _on_busy(self, busy: bool) -> None:
        if busy:
            return
        if self.progress_bar.isVisible() and not self.controller.is_ingesting():
            self.progress_bar.hide()
            self.cancel_button.hide()
        if self._analysis_stopped:
            self.show_status(ANALYSIS_STOPPED_MESSAGE)
        elif self.story.articles:
            live = sum(1 for c in self.story.conflicts if not c.dismissed)
            self.statusBar().showMessage(
                f"Up to date: {len(self.story.articles)} sources, {live} conflict(s) to review.", 10000)

    def is_busy(self) -> bool:
        """Reading, analysing, or still handing the last story to the views."""
        return self.controller.is_busy() or bool(self._view_updates)

    # ================================================================ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_paths(paths)

    # ================================================================ corrections

    def _reanalyse(self) -> None:
        self.controller.analyse()

    def push(self, command: commands.CorrectionCommand) -> bool:
        """Apply a correction (stored at once) and put it on the undo stack; False if it was not stored.

        A command whose write failed marks itself obsolete: QUndoStack then
        drops it, so there is no undo step for a change that never happened.
        """
        self._correction_failed = False
        text = command.text()
        self.undo_stack.push(command)
        if self._correction_failed:
            return False
        self.show_status(text + ". Re-analysing…")
        return True

    def _on_correction_failed(self, text: str, exc: BaseException, undoing: bool) -> None:
        """A correction could not be written: say so; after a failed undo, step the stack forward again."""
        self._correction_failed = True
        if undoing:
            self.report(f"Could not undo “{text}”: {user_message(exc)} The correction is still applied.")
            QTimer.singleShot(0, self.undo_stack.redo)  # the stack must match the file (redo stores nothing)
        else:
            self.report(f"“{text}” was not saved: {user_message(exc)}")

    def _workspace(self) -> Workspace:
        return self.workspace

    def selected_events(self) -> list[Event]:
        index = self.story.event_index()
        return [index[e] for e in sorted(self.selection.selected) if e in index]

    def _one_selected_event(self) -> Event:
        events = self.selected_events()
        if not events:
            raise ValueError("Select an event first (in the list, on the timeline or on the map).")
        return events[0]

    def selected_conflicts(self) -> list[Conflict]:
        clusters = {e.cluster_id for e in self.selected_events() if e.cluster_id}
        return [c for c in self.story.conflicts if c.cluster_id in clusters and not c.dismissed]

    def set_publication_date(self, article_id: str, day: dt.date) -> None:
        label = source_name(self.story, article_id)
        self.push(commands.SetPublishedCommand(article_id, day, label, self._workspace, self._reanalyse,
                                               self._on_correction_failed))

    def edit_event_date(self, event_id: str, value: str) -> None:
        self.push(commands.EditWhenCommand(event_id, value, self._workspace, self._reanalyse,
                                           on_failure=self._on_correction_failed))

    def edit_event_place(self, event_id: str, payload: dict[str, Any]) -> None:
        self.push(commands.EditWhereCommand(event_id, payload, self._workspace, self._reanalyse,
                                            self._on_correction_failed))

    def mark_not_conflict(self, conflicts: list[Conflict]) -> None:
        self.push(commands.NotAConflictCommand(conflicts, self._workspace, self._reanalyse,
                                               self._on_correction_failed))

    def merge_selected(self) -> None:
        events = self.selected_events()
        clusters = {e.cluster_id for e in events if e.cluster_id}
        ids = {e.id for e in events}
        for cluster in self.story.clusters:
            if cluster.id in clusters:
                ids.update(cluster.event_ids)
        self.push(commands.MergeClustersCommand(ids, self._workspace, self._reanalyse, self._on_correction_failed))

    def split_selected(self) -> None:
        ids = [e.id for e in self.selected_events() if e.cluster_id]
        self.push(commands.SplitFromClusterCommand(ids, self._workspace, self._reanalyse, self._on_correction_failed))

    def mark_selected_not_conflict(self) -> None:
        self.mark_not_conflict(self.selected_conflicts())

    def _current_article_id(self) -> str:
        events = self.selected_events()
        if events:
            return events[0].article_id
        article_id = self.sources.current_article_id()
        if article_id:
            return article_id
        raise ValueError("Select an event or a source first.")

    def set_publication_date_dialog(self) -> None:
        article_id = self._current_article_id()
        article = self.story.article(article_id)
        current = article.published if article and article.published else dt.date.today()
        dialog = _DateDialog("Set publication date", f"When was {source_name(self.story, article_id)} published?",
                             current, self)
        if dialog.exec() == QDialog.Accepted:
            self.set_publication_date(article_id, dialog.day())

    def edit_event_date_dialog(self) -> None:
        event = self._one_selected_event()
        current = event.when.value if event.when and event.when.value else ""
        value, ok = QInputDialog.getText(self, "Edit event date",
                                         "Date (2019-01-10, 2018-09 or 2018):", QLineEdit.Normal, current)
        if ok and value.strip():
            self.edit_event_date(event.id, value)

    def edit_event_place_dialog(self) -> None:
        event = self._one_selected_event()
        dialog = _PlaceDialog(event, self)
        if dialog.exec() == QDialog.Accepted:
            self.edit_event_place(event.id, dialog.payload())

    def pin_on_map(self) -> None:
        event = self._one_selected_event()
        if event.where is None:
            raise ValueError("The selected event names no place; use Edit event place… instead.")
        if self.map is None:
            raise ValueError("The map is not available.")
        self.map_dock.show()
        self.map_dock.raise_()
        self.map.start_pinning(event.where.name)
        self.show_status(f"Click the map where {event.where.name} is (Esc cancels).")

    def pin_place(self, name: str, lat: float, lon: float) -> None:
        """A place placed on the map: remember it and re-read the articles with it."""
        from viewer.resolve.places import place_key

        self.workspace.pin_place(place_key(name), name, lat, lon)
        self.controller.reextract()
        self.show_status(f"Placed {name} at {lat:.3f}, {lon:.3f}; re-reading the articles…")

    # ================================================================ view

    def focus_find(self) -> None:
        self.events_dock.show()
        self.events_dock.raise_()
        self.event_list.focus_filter()

    def set_lanes(self, mode: str) -> None:
        self.lanes = mode
        (self.act_lanes_source if mode == "source" else self.act_lanes_cluster).setChecked(True)
        self._call_view(self.timeline, "set_lanes", mode)

    def fit_all(self) -> None:
        self._call_view(self.timeline, "fit_all")
        self._call_view(self.map, "fit_all")

    def fit_selection(self) -> None:
        self._call_view(self.timeline, "fit_selection")

    def select_events(self, event_ids: list[str]) -> None:
        self.selection.select(event_ids, origin=self)

    def _open_event_source(self, event_id: str) -> None:
        event = self.story.event(event_id)
        if event is not None:
            self.open_article(event.article_id, event.start, event.end)

    def open_article(self, article_id: str, start: int, end: int) -> ArticleDialog | None:
        article = self.story.article(article_id)
        if article is None:
            self.show_status("That article is no longer in the workspace.")
            return None
        dialog = ArticleDialog(article, start, end, self)
        self._article_dialogs = [d for d in self._article_dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    # ================================================================ exports

    def _ask_save_path(self, title: str, default_name: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / default_name), filters)
        return Path(path) if path else None

    def export_timeline_dialog(self) -> None:
        out = self._ask_save_path("Export timeline", "timeline.png", "PNG image (*.png);;SVG (*.svg);;PDF (*.pdf)")
        if out:
            self.export_timeline(out)

    def export_timeline(self, out: Path) -> Path:
        from viewer.ui.export_timeline import export_timeline

        written = export_timeline(self.story, out, width=2400, height=None, dpi=150, time_range=None,
                                  lanes=self.lanes, title=None)
        self.show_status(f"Timeline saved to {written}.")
        return Path(written)

    def export_map_dialog(self) -> None:
        out = self._ask_save_path("Export map", "map.png", "PNG image (*.png)")
        if out:
            self.export_map(out)

    def export_map(self, out: Path) -> Path:
        from viewer.ui.export_map import export_map

        written = export_map(self.story, out, width=1600, height=1000)
        self.show_status(f"Map saved to {written}.")
        return Path(written)

    def export_data_dialog(self) -> None:
        from viewer.export.data_formats import FORMAT_NAMES

        filters = ";;".join(f"{name} (*{suffix})" for suffix, name in FORMAT_NAMES.items())
        out = self._ask_save_path("Export data", "events.csv", filters)
        if out:
            self.export_data(out)

    def export_data(self, out: Path) -> Path:
        from viewer.export.data_formats import export_data

        written = export_data(self.story, out)
        self.show_status(f"Data saved to {written}.")
        return written

    # ================================================================ settings, help

    def settings_dialog(self) -> None:
        dialog = SettingsDialog(self.app_settings, self)
        if dialog.exec() != QDialog.Accepted:
            return
        new = dialog.settings()
        old, self.app_settings = self.app_settings, new
        save_settings(new)
        export_to_environment(new)
        if new.default_lanes != old.default_lanes:
            self.set_lanes(new.default_lanes)
        if (new.spacy_model, new.online_geocoding, new.online_tiles) != (
                old.spacy_model, old.online_geocoding, old.online_tiles):
            self.show_status("Settings saved. The language model and online features change at the next start.")

    def about(self) -> None:
        QMessageBox.about(
            self, f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3><p>Finds dated, placed events in news articles, matches the "
            "same event across sources and shows where they disagree.</p><p>Offline by default. Map data: "
            "Leaflet, Natural Earth. Place names: GeoNames (CC BY 4.0).</p>")

    # ================================================================ messages

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def report(self, message: str) -> None:
        """A problem the user must know about: status bar and a non-modal message."""
        self.statusBar().showMessage(message, 15000)
        self.reporter.report(message)

    # ================================================================ state

    def _restore_window_state(self) -> None:
        self._state_restored = False
        store = QSettings()
        geometry = store.value("window/geometry")
        state = store.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self._state_restored = self.restoreState(state, STATE_VERSION)

    def _save_window_state(self) -> None:
        store = QSettings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState(STATE_VERSION))
        store.sync()

    def _save_view_state(self) -> None:
        """What the user was looking at, kept in the workspace itself."""
        try:
            self.workspace.set_meta("view.selection", json.dumps(sorted(self.selection.selected)))
            self.workspace.set_meta("view.lanes", self.lanes)
            self.workspace.set_meta("view.filter", self.event_list.filter_edit.text())
        except Exception:  # noqa: BLE001 - view state is a nicety
            log.exception("could not save the view state")

    def _restore_view_state(self) -> None:
        try:
            selected = json.loads(self.workspace.get_meta("view.selection", "[]") or "[]")
            text = self.workspace.get_meta("view.filter", "") or ""
        except (ValueError, WorkspaceError):
            return
        self.event_list.filter_edit.setText(text)
        self.set_lanes(self.lanes)
        known = self.story.event_index()
        ids = [e for e in selected if e in known]
        if ids:
            self.selection.select(ids)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Stop the worker, then close; if its current step is long, close when it has finished.

        Destroying a running QThread aborts the process, so the window never
        closes before the worker thread has stopped.
        """
        if self._closed:
            event.accept()
            return
        if not self._closing:
            self._closing = True
            self._save_view_state()
            self._save_window_state()
            self.controller.finished.connect(self.close)
            self.controller.request_stop()
        if self.controller.is_running() and not self.controller.wait_stopped(CLOSE_WAIT_MS):
            self.cancel_button.setEnabled(False)
            self.statusBar().showMessage("Finishing the current step before closing…")
            event.ignore()
            return
        self._closed = True
        started = time.monotonic()
        self.controller.shutdown()
        for dialog in self._article_dialogs:
            dialog.close()
        self.reporter.close_box()
        try:
            self.workspace.close()
        except Exception:  # noqa: BLE001
            log.exception("closing the workspace failed")
        log.info("closed in %.2f s", time.monotonic() - started)
        event.accept()


__all__ = ["MainWindow", "paths_from_text", "is_workspace_file", "new_workspace_path"]
