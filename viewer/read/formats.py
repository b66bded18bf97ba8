"""Per-format extractors: file bytes -> plain text plus whatever metadata the format carries.

Each extractor takes the file's bytes (already size-checked) and returns an
``Extracted``; it raises ReadFailure with a one-line message for content it
cannot use.  Heavy libraries (trafilatura, pypdf, python-docx) are imported
inside the extractor so that ``import viewer.read`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from viewer.read.encoding import ReadFailure, decode_text

#: Paragraphs are separated by one blank line in every format, as in the sample .txt files,
#: so that later stages see headline and paragraph boundaries the same way.
PARAGRAPH_BREAK = "\n\n"
#: pypdf logs a warning for every xref it repairs; the reader's verdict is the ReadError.
logging.getLogger("pypdf").setLevel(logging.ERROR)
#: A .docx headline styled Title/Heading 1 is looked for among this many first paragraphs.
TITLE_SEARCH_PARAGRAPHS = 5


@dataclass
class Extracted:
    """Text of one document and the metadata its format stated (None: not stated)."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None  # from document metadata only
    url: str | None = None


Extractor = Callable[[bytes], Extracted]


# ------------------------------------------------------------------ plain text


def extract_plain(data: bytes) -> Extracted:
    """A .txt file: the decoded text as is."""
    return Extracted(text=decode_text(data))


# -------------------------------------------------------------------- markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n---[ \t]*\n", re.DOTALL)
_FRONT_FIELD = re.compile(r"^(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.+?)\s*$", re.MULTILINE)
_MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[(?P<label>[^\]]+)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<heading>.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_)(?=\S)(?P<inner>.+?)(?<=\S)\1(?![\w*])")
_MD_CODE_FENCE = re.compile(r"^[ \t]*(```|~~~).*$\n?", re.MULTILINE)
_MD_QUOTE = re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE)
_MD_RULE = re.compile(r"^[ \t]*([-*_][ \t]*){3,}$", re.MULTILINE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def extract_markdown(data: bytes) -> Extracted:
    """A .md file as the reader sees it: markup removed, front matter used as metadata.

    Hand-written rather than via a Markdown renderer: only a handful of inline
    constructs appear in saved articles, and rendering to HTML and back would
    move paragraph breaks that later offsets depend on.
    """
    text = decode_text(data).replace("\r\n", "\n")
    front, text = _split_front_matter(text)
    heading = _MD_HEADING.search(text)
    text = _HTML_COMMENT.sub("", text)
    text = _MD_CODE_FENCE.sub("", text)
    text = _MD_RULE.sub("", text)
    text = _MD_HEADING.sub(r"\g<heading>", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_IMAGE.sub(r"\g<alt>", text)
    text = _MD_LINK.sub(r"\g<label>", text)
    text = _MD_EMPHASIS.sub(r"\g<inner>", text)
    title = front.get("title") or (_MD_EMPHASIS.sub(r"\g<inner>", heading.group("heading")) if heading else None)
    return Extracted(
        text=text,
        title=title,
        outlet=front.get("source") or front.get("outlet") or front.get("site") or front.get("publisher"),
        published=_iso_date(front.get("date") or front.get("published")),
        url=front.get("url") or front.get("link"),
    )


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML-style front matter (--- key: value ---) and the rest of the text."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    fields = {
        m.group("key").lower(): m.group("value").strip("\"'")
        for m in _FRONT_FIELD.finditer(match.group("body"))
    }
    return fields, text[match.end():]


# ------------------------------------------------------------------------ html

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*(?P<charset>[A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def extract_html(data: bytes) -> Extracted:
    """An .html page: trafilatura's main text (scripts, menus dropped) and metadata.

    Dates are taken from the page's metadata only (``extensive_search``
    off): a date guessed from the body is not what the page states as its
    publication date; datelines in the text are handled like plain text.
    """
    from trafilatura import bare_extraction  # slow import, only for HTML

    html = _decode_html(data)
    document = bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (document.text or "") if document is not None else ""
    if not text.strip():
        raise ReadFailure("no article text found")
    return Extracted(
        text=text.replace("\n", PARAGRAPH_BREAK),
        title=document.title or None,
        outlet=document.sitename or document.hostname or None,
        published=_iso_date(document.date),
        url=document.url or None,
    )


def _decode_html(data: bytes) -> str:
    """Honour a declared <meta charset> (pages say what they are), else detect."""
    declared = _META_CHARSET.search(data[:4096])
    if declared is not None and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        try:
            return data.decode(declared.group("charset").decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


# ------------------------------------------------------------------------- pdf


def extract_pdf(data: bytes) -> Extracted:
    """A .pdf: the text layer of every page, in page order."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%PDF" not in data[:1024]:  # the header may follow a little junk, but must be there
        raise ReadFailure("not a valid PDF")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadFailure("encrypted PDF: remove the password first")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except ReadFailure:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as error:
        raise ReadFailure("not a valid PDF") from error
    if not pages:
        raise ReadFailure("not a valid PDF")
    text = PARAGRAPH_BREAK.join(_unwrap_lines(page.strip()) for page in pages if page.strip())
    if not text.strip():
        raise ReadFailure("no text layer (scanned?): run OCR on it first")
    return Extracted(text=text, title=_useful_doc_title(info.title if info else None))


_WRAPPED_LINE = re.compile(r"(?<=[\w,;])[ \t]*\n(?=[a-z(\"“‘])")


def _unwrap_lines(page_text: str) -> str:
    """Join layout line breaks inside a sentence ("the\ncoup" -> "the coup").

    PDF text layers break lines where the page did; sentence splitting later
    treats a newline as a boundary, so a break followed by a lower-case word
    is turned back into a space.  Breaks before capitals are kept: they may
    be headings or new paragraphs.
    """
    return _WRAPPED_LINE.sub(" ", page_text)


# ------------------------------------------------------------------------ docx


def extract_docx(data: bytes) -> Extracted:
    """A .docx: its paragraphs in order; the Title/Heading 1 paragraph or core title as title."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReadFailure("not a valid DOCX") from error
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    text = PARAGRAPH_BREAK.join(p.text.strip() for p in paragraphs)
    if not text:
        raise ReadFailure("no article text found")
    styled_title = _styled_title(document, paragraphs[:TITLE_SEARCH_PARAGRAPHS])
    core = document.core_properties
    return Extracted(
        text=text,
        title=styled_title or _useful_doc_title(core.title),
        published=None,  # core "created" is when the file was made, not when the article appeared
    )


def _styled_title(document, paragraphs: list) -> str | None:
    """The first paragraph styled Title or Heading 1.

    Compares style ids on the XML element (``paragraph._p.style``) because the
    public ``paragraph.style`` resolves the default style on every call, which
    made reading a .docx ten times slower.
    """
    title_ids = {style.style_id for style in document.styles if style.name in ("Title", "Heading 1")}
    return next((p.text.strip() for p in paragraphs if p._p.style in title_ids), None)


# ---------------------------------------------------------------------- shared


def _useful_doc_title(title: str | None) -> str | None:
    """Document-properties titles are often junk ("Microsoft Word - draft.docx", "untitled")."""
    if not title or not title.strip():
        return None
    title = title.strip()
    if re.search(r"^(microsoft word\s*-|untitled\b)|\.(docx?|pdf|txt|html?)$", title, re.IGNORECASE):
        return None
    return title


def _iso_date(value: str | None) -> dt.date | None:
    """The date part of an ISO date or timestamp, or None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


#: Suffix -> (format name, extractor).
EXTRACTORS: dict[str, tuple[str, Extractor]] = {
    ".txt": ("txt", extract_plain),
    ".text": ("txt", extract_plain),
    ".md": ("md", extract_markdown),
    ".markdown": ("md", extract_markdown),
    ".html": ("html", extract_html),
    ".htm": ("html", extract_html),
    ".xhtml": ("html", extract_html),
    ".pdf": ("pdf", extract_pdf),
    ".docx": ("docx", extract_docx),
}

#: Advice for formats people commonly try.
UNSUPPORTED_HINTS: dict[str, str] = {
    ".doc": "save it as .docx",
    ".rtf": "save it as .docx or .txt",
    ".odt": "save it as .docx",
    ".pages": "export it as .docx or .pdf",
    ".epub": "export it as .pdf or .txt",
    ".mhtml": "save the page as .html",
    ".mht": "save the page as .html",
    ".webarchive": "save the page as .html",
}
