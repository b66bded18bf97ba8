"""The sources panel: every article with outlet, publication date (and where it came from),
its number of events, and one line per file that could not be read."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from viewer.model import Article, ReadError, Story
from viewer.ui.event_list import plain_tooltip

ARTICLE_ROLE = Qt.UserRole + 1
COLUMNS = ("Source", "Published", "Date is", "Events", "File")
DATE_ORIGINS = {"text": "stated", "metadata": "stated", "estimated": "estimated", "user": "set by you"}
ERROR_COLOUR = "#B00020"


def date_origin(article: Article) -> str:
    if article.published is None:
        return "unknown"
    return DATE_ORIGINS.get(article.published_from or "", article.published_from or "unknown")


class SourcesPanel(QWidget):
    """A tree: articles first, then the files that could not be read (in red)."""

    articleActivated = Signal(str)  # article id
    articleSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSortingEnabled(False)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((170, 90, 80, 55)):
            self.tree.setColumnWidth(column, width)
        self.tree.itemDoubleClicked.connect(self._on_activated)
        self.tree.currentItemChanged.connect(self._on_current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)
        self._errors: dict[str, str] = {}
        self._story = Story()

    # ------------------------------------------------------------------ data

    def set_story(self, story: Story) -> None:
        """Articles of the story plus the stored reading errors of the workspace."""
        self._story = story
        self._errors = {e.path: e.message for e in story.errors}
        self._rebuild()

    def add_error(self, path: str, message: str) -> None:
        """A file failed during the ingest in progress: show it now, not at the end."""
        self._errors[path] = message
        self._rebuild()

    def _rebuild(self) -> None:
        current = self.current_article_id()
        self.tree.clear()
        counts = Counter(e.article_id for e in self._story.events)
        for article in self._story.articles:
            self.tree.addTopLevelItem(self._article_item(article, counts[article.id]))
        for path, message in self._errors.items():
            self.tree.addTopLevelItem(self._error_item(ReadError(path, message)))
        if current:
            self.select_article(current)

    @staticmethod
    def _article_item(article: Article, n_events: int) -> QTreeWidgetItem:
        name = article.outlet or article.title or Path(article.path).name
        published = article.published.isoformat() if article.published else "—"
        item = QTreeWidgetItem([name, published, date_origin(article), str(n_events),
                                Path(article.path).name])
        item.setData(0, ARTICLE_ROLE, article.id)
        item.setToolTip(0, plain_tooltip(article.title or name))
        item.setToolTip(4, plain_tooltip(article.path))
        item.setTextAlignment(3, Qt.AlignRight | Qt.AlignVCenter)
        return item

    @staticmethod
    def _error_item(error: ReadError) -> QTreeWidgetItem:
        item = QTreeWidgetItem([Path(error.path).name or error.path, "", "not read", "",
                                error.message])
        brush = QBrush(QColor(ERROR_COLOUR))
        for column in range(len(COLUMNS)):
            item.setForeground(column, brush)
            item.setToolTip(column, plain_tooltip(f"{error.path}: {error.message}"))
        return item

    # --------------------------------------------------------------- queries

    def error_messages(self) -> dict[str, str]:
        """Path -> message for every file shown as not read."""
        return dict(self._errors)

    def row_texts(self) -> list[list[str]]:
        return [[self.tree.topLevelItem(r).text(c) for c in range(len(COLUMNS))]
                for r in range(self.tree.topLevelItemCount())]

    def current_article_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ARTICLE_ROLE) if item is not None else None

    def select_article(self, article_id: str) -> None:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item.data(0, ARTICLE_ROLE) == article_id:
                self.tree.setCurrentItem(item)
                return

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        article_id = item.data(0, ARTICLE_ROLE)
        if article_id:
            self.articleActivated.emit(article_id)

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if item is not None and item.data(0, ARTICLE_ROLE):
            self.articleSelected.emit(item.data(0, ARTICLE_ROLE))
