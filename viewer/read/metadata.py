"""Title, outlet and publication date from an article's plain text.

Saved web pages and copy-pasted articles keep traces of their origin: a
headline near the top (after "Skip to main content" and the site's slogan),
a dateline such as "February 8, 2019 at 1:06 pm", a closing line such as
"Source: <headline> | Windsor Star", a copyright line or a domain.  These
heuristics read those traces; anything they cannot find stays None rather
than being guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: Only this many non-empty lines at the top are searched for a headline/dateline.
TOP_LINES = 12
#: A headline is short; longer first lines are paragraphs.
MAX_TITLE_CHARS = 200
#: A site suffix ("Title | Site") is at most this many words.
MAX_SITE_WORDS = 6

_BOILERPLATE = re.compile(
    r"""^(
        skip\ to\ (main\ )?(content|navigation|search)
      | (main\ )?(menu|navigation|search|home|sections?|subscribe|sign\ (in|up)|log\ ?in|register)
      | advertisement | sponsored( content)? | share( this( article)?)? | close | toggle\ navigation
      | (accept|manage)\ (all\ )?cookies.* | we\ use\ cookies.*
      | (breaking|latest|top)\ news | most\ (read|popular).* | related( articles| stories)?
      | .*\bsince\ (18|19|20)\d\d        # slogans: "Creating new perspectives since 2009"
      | (by|written\ by)\ (?-i:[A-Z][\w.'’-]*(\ [A-Z][\w.'’-]*){0,3})   # bylines: "By Martin Chulov"
      | (updated|published|posted)\b.*
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)

_SITE_SEPARATORS = (" | ", " • ", " · ", " — ", " – ", " :: ")

_SOURCE_LINE = re.compile(
    r"^\s*(?:source|originally\ published\ (?:by|in|on|at)|first\ published\ (?:by|in|on))\s*:?\s+(?P<rest>.+?)\s*$",
    re.IGNORECASE | re.VERBOSE,
)
_COPYRIGHT_LINE = re.compile(
    # "© 2019 Outlet", "(c) Outlet", "Copyright 2019 Outlet. All rights reserved." (a bare
    # "Copyright ..." needs a year so that body text about copyright is not taken).
    r"^\s*(?:©|\(c\)|copyright\s*©|copyright(?=\s+(?:19|20)\d\d))\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*,?\s*)?"
    r"(?P<owner>[^.\n]{2,60}?)\s*(?:[.,]\s*all rights reserved.*)?\.?\s*$",
    re.IGNORECASE,
)
_DOMAIN = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?P<domain>[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
    r"\.(?:com|org|net|info|news|co\.uk|org\.uk|ac\.uk|com\.au|ca|de|fr|eu|io|tv|me))\b(?![.\w])",
    re.IGNORECASE,
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_PREFIX = (
    r"(?:by\s+[^,|•·–\d]{2,60}?\s*[,|•·–-]\s*)?"  # a byline first: "By Staff, 3 March 2021"
    r"(?:(?:published|posted|updated|last\s+updated|first\s+published|date)\s*(?:on|:)?\s*)?"
)
_TIME = (
    r"(?:\s*(?:at|,|-|–|\|)?\s*\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
    r"(?:\s+[/|•·]\s+[^/|•·]{0,40}){0,2}"  # Reuters style: "February 8, 2019 / 1:06 PM / Updated 2 hours ago"
)
_TIME_FIRST = r"(?:\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\s+)?)?"  # "4:12 PM EST Feb 8, 2019"
#: Month-name datelines only: numeric "08/02/2019" is ambiguous between d/m and m/d.
_DATELINES = (
    re.compile(rf"^{_PREFIX}{_TIME_FIRST}{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d){_TIME}\W*$", re.I),
    re.compile(rf"^{_PREFIX}{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d\d){_TIME}\W*$", re.I),
    re.compile(rf"^{_PREFIX}(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?:[T ]\d\d:\d\d(?::\d\d)?\S*)?\W*$", re.I),
)


@dataclass(frozen=True)
class TextMetadata:
    """What the text itself says about the article."""

    title: str
    outlet: str | None
    published: dt.date | None


def describe(text: str) -> TextMetadata:
    """Title, outlet and dateline found in ``text``."""
    return TextMetadata(guess_title(text), guess_outlet(text), find_dateline(text))


def top_lines(text: str, limit: int = TOP_LINES) -> list[str]:
    """The first ``limit`` non-empty lines, stripped."""
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            lines.append(line)
            if len(lines) >= limit:
                break
    return lines


def is_boilerplate(line: str) -> bool:
    """Navigation, slogans, bylines and similar lines that are never the headline."""
    return bool(_BOILERPLATE.match(line.strip()))


def split_site_suffix(title: str) -> tuple[str, str | None]:
    """"Headline | Site" -> ("Headline", "Site"); a title without a site suffix is kept whole."""
    for separator in _SITE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if not found:
            continue
        head, tail = head.strip(), tail.strip()
        if head and tail and len(tail.split()) <= MAX_SITE_WORDS and len(tail) < len(head):
            return head, tail
    return title.strip(), None


def guess_title(text: str) -> str:
    """The headline: the line above a dateline, else the first non-boilerplate line."""
    lines = top_lines(text)
    candidates = [line for line in lines if not is_boilerplate(line) and _parse_dateline(line) is None]
    above_dateline = _line_above_dateline(lines)
    if above_dateline is not None:
        return _shorten(split_site_suffix(above_dateline)[0])
    if not candidates:
        return ""
    return _shorten(split_site_suffix(candidates[0])[0])


def guess_outlet(text: str) -> str | None:
    """The outlet named by a Source line, a copyright line, a title suffix or a domain."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return None
    edges = lines[:TOP_LINES] + lines[-TOP_LINES:]
    for finder in (_outlet_from_source_line, _outlet_from_copyright_line):
        for line in reversed(edges):
            outlet = finder(line)
            if outlet:
                return outlet
    site = split_site_suffix(lines[0])[1]
    if site:
        return site
    return _domain_in(edges)


def find_dateline(text: str) -> dt.date | None:
    """The publication date stated on its own line near the top, if any."""
    for line in top_lines(text):
        found = _parse_dateline(line)
        if found is not None:
            return found
    return None


def _parse_dateline(line: str) -> dt.date | None:
    """A date when the whole line is a dateline ("February 8, 2019 at 1:06 pm").

    Hand-written rather than dateparser: the line must be nothing but a
    full date (day, month and year), and dateparser would fill missing parts
    from today's date.
    """
    line = line.strip()
    if len(line) > 80:
        return None
    for pattern in _DATELINES:
        match = pattern.match(line)
        if match is None:
            continue
        month_text = match.group("month").lower().rstrip(".")
        month = int(month_text) if month_text.isdigit() else _MONTHS[month_text]
        try:
            return dt.date(int(match.group("year")), month, int(match.group("day")))
        except ValueError:
            return None
    return None


def _line_above_dateline(lines: list[str]) -> str | None:
    """In news layouts the headline sits right above the dateline."""
    for index, line in enumerate(lines):
        if _parse_dateline(line) is None:
            continue
        for previous in reversed(lines[:index]):
            if is_boilerplate(previous):
                continue
            return previous if _looks_like_headline(previous) else None
        return None
    return None


def _looks_like_headline(line: str) -> bool:
    return 2 <= len(line.split()) and len(line) <= MAX_TITLE_CHARS


def _shorten(title: str) -> str:
    """A paragraph standing in for a missing headline, cut at a word boundary."""
    if len(title) <= MAX_TITLE_CHARS:
        return title
    return title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def _outlet_from_source_line(line: str) -> str | None:
    """"Source: Headline | Outlet" -> "Outlet"; "Source: Outlet" -> "Outlet"."""
    match = _SOURCE_LINE.match(line)
    if match is None:
        return None
    rest = match.group("rest")
    domain = _DOMAIN.search(rest)
    for separator in _SITE_SEPARATORS:
        if separator in rest:
            tail = rest.rpartition(separator)[2].strip()
            if 0 < len(tail.split()) <= MAX_SITE_WORDS:
                return tail
    if domain is not None and len(rest.split()) <= 2:
        return domain.group("domain").lower()
    if len(rest.split()) <= MAX_SITE_WORDS:
        return rest.rstrip(".")
    return None


def _outlet_from_copyright_line(line: str) -> str | None:
    match = _COPYRIGHT_LINE.match(line)
    if match is None:
        return None
    owner = match.group("owner").strip(" ,.")
    return owner if 0 < len(owner.split()) <= MAX_SITE_WORDS else None


def _domain_in(lines: list[str]) -> str | None:
    """A web domain on a line of its own or in a URL at the top or bottom."""
    for line in lines:
        match = _DOMAIN.search(line)
        if match is not None and (len(line.split()) <= 3 or "://" in line or "www." in line.lower()):
            return match.group("domain").lower()
    return None
