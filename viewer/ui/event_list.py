"""The event list: a sortable, filterable table of every event, bound to the shared selection.

Qt's model/view does the heavy lifting (QAbstractTableModel +
QSortFilterProxyModel); the table only ever holds row data derived once per
story, so sorting and filtering 100k rows stays cheap.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from viewer.labels import place_in_words, source_label
from viewer.model import Event, Story
from viewer.show.palette import CONFLICT_COLOUR
from viewer.show.selection import SelectionModel

COLUMNS = ("Source", "What", "When", "Where", "Cluster", "Conflict")
EVENT_ID_ROLE = Qt.UserRole + 1
SORT_ROLE = Qt.UserRole + 2
ModelIndex = QModelIndex | QPersistentModelIndex



def plain_tooltip(text: str) -> str:
    """Tooltip markup showing ``text`` literally.

    Qt renders a tooltip as rich text whenever it *might* be HTML (even
    "a < b > c"), so article text is escaped and wrapped in <p> (which also
    lets long tooltips wrap).
    """
    return f"<p>{html.escape(text)}</p>" if text else ""

@dataclass(frozen=True)
class EventRow:
    """What one table row shows and filters on, computed once per story."""

    event_id: str
    article_id: str
    source: str
    what: str
    when: str
    when_sort: float
    earliest: dt.date | None
    latest: dt.date | None
    where: str
    cluster: str
    conflict: str
    haystack: str  # lower-case text the filter searches


def _as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def source_name(story: Story, article_id: str) -> str:
    return source_label(story.article(article_id), article_id)


def _when_text(event: Event) -> str:
    span = event.when
    if span is None:
        return ""
    if not span.is_anchored:
        return f"{span.text} (open)"
    return span.value or span.text


def _where_text(event: Event) -> str:
    return place_in_words(event.where) if event.where is not None else ""


def rows_for(story: Story) -> list[EventRow]:
    sources = {a.id: source_name(story, a.id) for a in story.articles}
    labels = {c.id: c.label for c in story.clusters}
    kinds: dict[str, set[str]] = {}
    for conflict in story.conflicts:
        if not conflict.dismissed:
            for side in conflict.sides:
                for event_id in side.event_ids:
                    kinds.setdefault(event_id, set()).add(conflict.kind)
    rows = []
    for event in story.events:
        bounds = event.when.bounds_days() if event.when is not None else None
        source = sources.get(event.article_id, event.article_id)
        where, cluster = _where_text(event), labels.get(event.cluster_id or "", "")
        conflict = ", ".join(sorted(kinds.get(event.id, ())))
        rows.append(EventRow(
            event_id=event.id, article_id=event.article_id, source=source, what=event.what,
            when=_when_text(event), when_sort=bounds[0] if bounds else float("inf"),
            earliest=_as_date(event.when.earliest) if event.when else None,
            latest=_as_date(event.when.latest) if event.when else None,
            where=where, cluster=cluster, conflict=conflict,
            haystack=" ".join((source, event.what, event.sentence, where, cluster,
                               event.when.text if event.when else "")).lower(),
        ))
    return rows


def _text_key(attribute: str) -> Any:
    return lambda row: getattr(row, attribute).lower()


#: Sort keys per column: plain Python values, so sorting is one C-level list.sort
#: instead of a Python data() call per comparison inside QSortFilterProxyModel.
SORT_KEYS = (
    _text_key("source"), _text_key("what"), lambda row: row.when_sort, _text_key("where"),
    _text_key("cluster"), lambda row: (row.conflict == "", row.conflict),
)


class EventTableModel(QAbstractTableModel):
    """One row per event of the current story; sorts itself (see SORT_KEYS)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[EventRow] = []
        self._row_of: dict[str, int] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._conflict_brush = QBrush(QColor(CONFLICT_COLOUR))

    def set_story(self, story: Story) -> None:
        self.beginResetModel()
        self._rows = rows_for(story)
        self._apply_sort()
        self.endResetModel()

    def _apply_sort(self) -> None:
        if self._sort is not None:
            column, order = self._sort
            self._rows.sort(key=SORT_KEYS[column], reverse=order == Qt.DescendingOrder)
        self._row_of = {row.event_id: n for n, row in enumerate(self._rows)}

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        """Reorder rows, keeping persistent indexes (the view's selection) on their events."""
        if not 0 <= column < len(SORT_KEYS):
            return
        self.layoutAboutToBeChanged.emit()
        old_ids = [row.event_id for row in self._rows]
        self._sort = (column, order)
        self._apply_sort()
        persistent = self.persistentIndexList()
        moved = [self.index(self._row_of[old_ids[i.row()]], i.column()) for i in persistent]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def row_of(self, event_id: str) -> int | None:
        return self._row_of.get(event_id)

    def row_data(self, row: int) -> EventRow:
        return self._rows[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            text = (row.source, row.what, row.when, row.where, row.cluster,
                    "⚠ " + row.conflict if row.conflict else "")[column]
            return plain_tooltip(text) if role == Qt.ToolTipRole else text
        if role == SORT_ROLE:
            return SORT_KEYS[column](row)
        if role == EVENT_ID_ROLE:
            return row.event_id
        if role == Qt.ForegroundRole and column == 5 and row.conflict:
            return self._conflict_brush
        return None


class EventFilterProxy(QSortFilterProxyModel):
    """Filters by text, source, date range and "conflicts only"; sorting is the source model's."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._source: str | None = None
        self._range: tuple[dt.date, dt.date] | None = None
        self._conflicts_only = False
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        """Let the source model sort (fast); the proxy keeps its order and only filters."""
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

    def _change(self, name: str, value: Any) -> None:
        """Set one filter parameter and re-filter the rows."""
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10: invalidateFilter is deprecated
            self.beginFilterChange()
            setattr(self, name, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            setattr(self, name, value)
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        self._change("_text", text.strip().lower())

    def set_source(self, article_id: str | None) -> None:
        self._change("_source", article_id or None)

    def set_date_range(self, lo: dt.date | None, hi: dt.date | None) -> None:
        self._change("_range", (lo, hi) if lo is not None and hi is not None else None)

    def set_conflicts_only(self, on: bool) -> None:
        self._change("_conflicts_only", bool(on))

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, EventTableModel):
            return True
        row = model.row_data(source_row)
        if self._conflicts_only and not row.conflict:
            return False
        if self._source and row.article_id != self._source:
            return False
        if self._range is not None:
            lo, hi = self._range
            if row.earliest is None or row.latest is None or row.latest < lo or row.earliest > hi:
                return False
        return all(word in row.haystack for word in self._text.split())


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class EventListWidget(QWidget):
    """Filters above a table; selecting rows selects the events everywhere."""

    eventActivated = Signal(str)

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._selection = selection
        self._syncing = False
        self.model = EventTableModel(self)
        self.proxy = EventFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build_filters()
        self._build_table()
        self._build_layout()
        self._unsubscribe = selection.subscribe(self._on_shared_selection)
        self.destroyed.connect(lambda *_: self._unsubscribe())

    # ----------------------------------------------------------------- build

    def _build_filters(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter events (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.source_combo = QComboBox()
        self.source_combo.addItem("All sources", "")
        self.source_combo.currentIndexChanged.connect(
            lambda _i: self.proxy.set_source(self.source_combo.currentData()))
        self.conflicts_only = QCheckBox("Conflicts only")
        self.conflicts_only.toggled.connect(self.proxy.set_conflicts_only)
        self.date_filter = QCheckBox("Between")
        self.date_from = QDateEdit(QDate(2000, 1, 1))
        self.date_to = QDateEdit(QDate.currentDate())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _d: self._apply_date_range())
        self.date_filter.toggled.connect(self._apply_date_range)

    def _build_table(self) -> None:
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((130, 220, 90, 130, 170, 90)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)
        self.table.doubleClicked.connect(self._on_double_click)

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 2)
        filters.addWidget(self.source_combo, 1)
        filters.addWidget(self.conflicts_only)
        dates = QHBoxLayout()
        dates.addWidget(self.date_filter)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("and"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        self.count_label = QLabel("")
        dates.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.table)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    # ------------------------------------------------------------------ story

    def set_story(self, story: Story) -> None:
        """Show ``story``; keeps the filters and re-applies the shared selection."""
        self._syncing = True
        try:
            self.model.set_story(story)
            self._fill_sources(story)
        finally:
            self._syncing = False
        self._select_rows(self._selection.selected)
        self._update_count()

    def _fill_sources(self, story: Story) -> None:
        current = self.source_combo.currentData()
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        self.source_combo.addItem("All sources", "")
        for article in story.articles:
            self.source_combo.addItem(source_name(story, article.id), article.id)
        index = self.source_combo.findData(current)
        self.source_combo.setCurrentIndex(max(0, index))
        self.source_combo.blockSignals(False)
        self.proxy.set_source(self.source_combo.currentData())

    def _apply_date_range(self, *_: Any) -> None:
        on = self.date_filter.isChecked()
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        if on:
            self.proxy.set_date_range(_to_date(self.date_from.date()), _to_date(self.date_to.date()))
        else:
            self.proxy.set_date_range(None, None)

    def set_date_range(self, lo: dt.date | None, hi: dt.date | None) -> None:
        """Filter to events overlapping [lo, hi]; ``None`` clears the date filter."""
        if lo is None or hi is None:
            self.date_filter.setChecked(False)
            return
        self.date_from.setDate(QDate(lo.year, lo.month, lo.day))
        self.date_to.setDate(QDate(hi.year, hi.month, hi.day))
        self.date_filter.setChecked(True)
        self._apply_date_range()

    def _update_count(self, *_: Any) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total} events" if shown != total else f"{total} events")

    # -------------------------------------------------------------- queries

    def visible_event_ids(self) -> list[str]:
        return [self.proxy.index(r, 0).data(EVENT_ID_ROLE) for r in range(self.proxy.rowCount())]

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # ------------------------------------------------------------ selection

    def _on_table_selection(self, *_: Any) -> None:
        if self._syncing:
            return
        rows = self.table.selectionModel().selectedRows()
        self._selection.select((index.data(EVENT_ID_ROLE) for index in rows), origin=self)

    def _on_shared_selection(self, selected: frozenset[str], origin: object) -> None:
        if origin is not self:
            self._select_rows(selected)

    def _select_rows(self, event_ids: frozenset[str]) -> None:
        """Mirror the shared selection in the table without echoing it back."""
        selection = QItemSelection()
        first = None
        last_column = len(COLUMNS) - 1
        for event_id in event_ids:  # via the id index: O(selected), not O(rows)
            source_row = self.model.row_of(event_id)
            if source_row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
            if not index.isValid():
                continue  # filtered out
            selection.select(index, index.siblingAtColumn(last_column))
            if first is None or index.row() < first.row():
                first = index
        self._syncing = True
        try:
            self.table.selectionModel().select(
                selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        finally:
            self._syncing = False
        if first is not None:
            self.table.scrollTo(first, QAbstractItemView.EnsureVisible)

    def _on_double_click(self, index: QModelIndex) -> None:
        event_id = index.data(EVENT_ID_ROLE)
        if event_id:
            self.eventActivated.emit(event_id)
