"""The article reader: the full text of one source, scrolled to and selecting the evidence sentence."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from viewer.model import Article


class ArticleDialog(QDialog):
    """Non-modal: the user can keep several articles open beside the window."""

    def __init__(self, article: Article, start: int = 0, end: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setModal(False)
        self.article = article
        self.setWindowTitle(article.title or Path(article.path).name)
        self.resize(720, 640)
        published = article.published.isoformat() if article.published else "unknown date"
        header = QLabel(f"<b>{_escape(article.outlet or 'Unknown outlet')}</b> · {published} · "
                        f"{_escape(article.path)}")
        header.setTextInteractionFlags(Qt.TextSelectableByMouse)
        header.setWordWrap(True)
        self.text = QTextBrowser()
        self.text.setPlainText(article.text)  # plain text: nothing in the article is interpreted
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.show_passage(start, end)

    def show_passage(self, start: int, end: int) -> None:
        """Select [start, end) (Python offsets) and scroll it into view."""
        text = self.article.text
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        cursor = self.text.textCursor()
        cursor.setPosition(utf16_offset(text, start))
        cursor.setPosition(utf16_offset(text, end), QTextCursor.KeepAnchor)
        self.text.setTextCursor(cursor)
        self.text.ensureCursorVisible()

    def selected_text(self) -> str:
        return self.text.textCursor().selectedText().replace("\u2029", "\n")


def utf16_offset(text: str, index: int) -> int:
    """Qt counts UTF-16 units, Python code points: an emoji before ``index`` counts twice in Qt."""
    return len(text[:index].encode("utf-16-le")) // 2


def _escape(text: str) -> str:
    import html

    return html.escape(text)
