"""The read stage: files and folders -> ``Article`` or ``ReadError``.

``read_paths`` never raises for bad input: every file that cannot be used
becomes one ``ReadError`` with a line a user can act on, and the rest of the
batch is still read.  ``read_file`` is the single-file primitive and raises
``ReadFailure`` instead.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from viewer.model import Article, ReadError
from viewer.read.encoding import ReadFailure, normalise_text
from viewer.read.formats import EXTRACTORS, UNSUPPORTED_HINTS, Extracted, Extractor
from viewer.read.metadata import describe, split_site_suffix

__all__ = [
    "MAX_BYTES", "SUPPORTED_SUFFIXES", "ReadFailure",
    "expand_paths", "read_file", "read_file_safely", "read_paths",
]

_MB = 1024 * 1024
#: Larger files are refused: no news article is this big, and decoding it would stall the UI.
MAX_BYTES: int = 20 * _MB
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(EXTRACTORS)

#: Files that are never articles and not worth an error line when found inside a folder.
_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "icon\r"})
_JUNK_SUFFIXES = frozenset({".tmp", ".bak", ".swp", ".part", ".crdownload", ".lock", ".ds_store"})


def read_paths(paths: Iterable[str | Path]) -> Iterator[Article | ReadError]:
    """Read every file and folder (recursively) in ``paths``, in order, each file once."""
    for item in _unique_files(paths):
        yield item if isinstance(item, ReadError) else read_file_safely(item)


def expand_paths(paths: Iterable[str | Path]) -> list[str | ReadError]:
    """The files ``read_paths`` would read (folders expanded, each file once) and the path errors.

    For callers that read the files elsewhere (worker processes) and want the
    count up front for progress.
    """
    return list(_unique_files(paths))


def read_file(path: str | Path) -> Article:
    """Read one file into an Article; raises ReadFailure(message) when it cannot be used."""
    path_text = str(path)
    path = Path(path)
    status = _stat(path)
    fmt, extractor = _extractor_for(path)
    data = _read_bytes(path, status.st_size)
    extracted = extractor(data)
    return _build_article(path_text, fmt, extracted)


def read_file_safely(path: str | Path) -> Article | ReadError:
    """read_file, with every failure turned into a ReadError so that a batch never stops."""
    path_text = str(path)
    try:
        return read_file(path)
    except ReadFailure as failure:
        return ReadError(path_text, failure.message)
    except OSError as error:
        return ReadError(path_text, _os_error_message(error))
    except Exception as error:  # noqa: BLE001 - a library bug on one file must not end the batch
        return ReadError(path_text, f"could not be read ({type(error).__name__}: {error})".splitlines()[0])


# ---------------------------------------------------------------------- folders


def _unique_files(paths: Iterable[str | Path]) -> Iterator[str | ReadError]:
    """Every file behind ``paths`` once (a file given directly and inside a given folder too)."""
    if isinstance(paths, (str, Path)):  # a single path is a common slip; do not iterate its characters
        paths = [paths]
    seen: set[str] = set()
    for given in paths:
        for item in _expand(given):
            if not isinstance(item, ReadError):
                key = _identity(item)
                if key in seen:
                    continue
                seen.add(key)
            yield item


def _expand(given: str | Path) -> Iterator[str | ReadError]:
    """The files behind one given path: itself, or a folder's files sorted, hidden ones skipped."""
    path_text = str(given)
    try:
        is_folder = stat.S_ISDIR(os.stat(path_text).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        is_folder = False
        if not os.path.islink(path_text):
            yield ReadError(path_text, "no such file or folder")
            return
    except OSError as error:  # e.g. a parent folder that may not be entered
        yield ReadError(path_text, _os_error_message(error))
        return
    if is_folder:
        yield from _walk_folder(path_text)
    else:
        yield path_text


def _walk_folder(folder: str) -> Iterator[str | ReadError]:
    """Supported files under ``folder`` as paths joined onto it; unsupported ones as errors."""
    problems: list[ReadError] = []

    def on_error(error: OSError) -> None:
        problems.append(ReadError(str(error.filename or folder), _os_error_message(error)))

    found: list[str] = []
    for root, dirs, files in os.walk(folder, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(root, name) for name in files if not name.startswith("."))
    anything = False
    for file_path in sorted(found, key=lambda p: [part.casefold() for part in Path(p).parts]):
        suffix = Path(file_path).suffix.lower()
        if suffix in SUPPORTED_SUFFIXES and not Path(file_path).name.startswith("~$"):
            anything = True
            yield file_path
        elif not _is_junk(Path(file_path)):
            anything = True
            yield ReadError(file_path, _unsupported_message(suffix))
    yield from problems
    if not anything and not problems:
        yield ReadError(folder, "folder has no files to read")


def _is_junk(path: Path) -> bool:
    """Editor backups, partial downloads, Office lock files and OS droppings."""
    name = path.name.lower()
    return (
        name in _JUNK_NAMES
        or path.suffix.lower() in _JUNK_SUFFIXES
        or name.endswith("~")
        or name.startswith("~$")
    )


def _identity(path_text: str) -> str:
    """The same file reached by two paths (directly and inside a folder) has one identity."""
    try:
        return os.path.realpath(path_text)
    except OSError:
        return os.path.abspath(path_text)


# ------------------------------------------------------------------------ files


def _stat(path: Path) -> os.stat_result:
    """The file's status; a folder or a missing/unreadable path is a ReadFailure."""
    try:
        status = path.stat()
    except OSError as error:
        raise ReadFailure(_os_error_message(error)) from None
    if stat.S_ISDIR(status.st_mode):
        raise ReadFailure("is a folder, not a file")
    return status


def _extractor_for(path: Path) -> tuple[str, Extractor]:
    suffix = path.suffix.lower()
    if suffix not in EXTRACTORS:
        raise ReadFailure(_unsupported_message(suffix))
    return EXTRACTORS[suffix]


def _unsupported_message(suffix: str) -> str:
    if not suffix:
        return "unsupported file type (no extension); rename it to .txt if it is text"
    hint = UNSUPPORTED_HINTS.get(suffix)
    return f"unsupported file type {suffix}" + (f" ({hint})" if hint else "")


def _read_bytes(path: Path, size: int) -> bytes:
    """The file's bytes after the cheap checks (not empty, not too large)."""
    if size == 0:
        raise ReadFailure("empty file")
    if size > MAX_BYTES:
        raise ReadFailure(f"too large ({size / _MB:.1f} MB; the limit is {MAX_BYTES / _MB:g} MB)")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ReadFailure(_os_error_message(error)) from None


def _os_error_message(error: OSError) -> str:
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    if isinstance(error, (FileNotFoundError, NotADirectoryError)):
        return "no such file or folder"
    return f"cannot be read: {(error.strerror or str(error)).lower()}"


def _build_article(path_text: str, fmt: str, extracted: Extracted) -> Article:
    """Normalise the text, hash it, and fill title/outlet/date from metadata then from the text."""
    text = normalise_text(extracted.text)
    if not text:
        raise ReadFailure("empty file" if fmt in ("txt", "md") else "no article text found")
    found = describe(text)
    title, site_in_title = split_site_suffix(extracted.title) if extracted.title else (found.title, None)
    if extracted.published is not None:
        published, published_from = extracted.published, "metadata"
    elif found.published is not None:
        published, published_from = found.published, "text"
    else:
        published, published_from = None, None
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(
        id=content_hash[:16],
        path=path_text,
        text=text,
        title=title,
        outlet=extracted.outlet or found.outlet or site_in_title,
        published=published,
        published_from=published_from,
        content_hash=content_hash,
        format=fmt,
        url=extracted.url,
    )
