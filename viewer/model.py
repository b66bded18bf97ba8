"""The domain model: plain dataclasses shared by every stage of the pipeline.

read -> extract -> resolve -> match -> conflicts -> store -> show/export all
speak in these types.  Nothing here imports Qt or any heavy library, so the
model can be pickled to worker processes and serialised to the workspace.

Time convention: a TimeSpan covers ``[earliest, latest]`` *inclusive* at its
precision.  A month is ``2018-09-01 .. 2018-09-30``, never a fake day.  For
arithmetic use :meth:`TimeSpan.bounds_days`, which gives a half-open interval
in fractional days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

# --------------------------------------------------------------------------- time

#: Precisions from finest to coarsest.  ``None``/"unknown" means not anchored.
PRECISIONS: tuple[str, ...] = (
    "minute", "hour", "day", "week", "month", "season", "quarter", "half",
    "year", "decade", "century",
)
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]


def _to_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def _days(value: dt.datetime) -> float:
    """Fractional days since 0001-01-01: a cheap, total order for intervals."""
    return value.toordinal() + (value.hour * 3600 + value.minute * 60 + value.second) / 86400.0


@dataclass(frozen=True)
class TimeSpan:
    """A temporal expression found in text and what interval it denotes.

    ``value`` is the TimeML value ("2019-01-10", "2018-09", "XXXX-09",
    "P3W", "PRESENT_REF").  ``earliest``/``latest`` are inclusive bounds: dates
    for day-or-coarser precision, datetimes for hour/minute precision, both
    None when the expression is a duration/set or cannot be anchored.
    ``needs_reference`` says the value is underspecified until a reference
    (publication) date is known.
    """

    text: str
    start: int
    end: int
    type: str = "DATE"
    value: str = ""
    earliest: dt.date | dt.datetime | None = None
    latest: dt.date | dt.datetime | None = None
    precision: str | None = None
    needs_reference: bool = False
    modifier: str | None = None  # TimeML mod: START, MID, END, APPROX, ...

    @property
    def is_anchored(self) -> bool:
        return self.earliest is not None and self.latest is not None

    def bounds_days(self) -> tuple[float, float] | None:
        """Half-open ``[lo, hi)`` in fractional days, or None if unanchored (computed once)."""
        cached = self.__dict__.get("_bounds")
        if cached is None:
            cached = self._compute_bounds_days()
            object.__setattr__(self, "_bounds", cached)  # a cache, not state: not a dataclass field
        return cached or None

    def _compute_bounds_days(self) -> tuple[float, float] | tuple[()]:
        if not self.is_anchored:
            return ()
        lo = _days(_to_datetime(self.earliest))  # type: ignore[arg-type]
        latest = self.latest
        if isinstance(latest, dt.datetime):
            step = 1.0 / 1440 if self.precision == "minute" else 1.0 / 24
            hi = _days(latest) + step
        else:
            hi = _days(_to_datetime(latest)) + 1.0  # type: ignore[arg-type]
        return lo, hi

    def overlaps(self, other: "TimeSpan") -> bool | None:
        """True/False when both are anchored, None when either is not."""
        a, b = self.bounds_days(), other.bounds_days()
        if a is None or b is None:
            return None
        return a[0] < b[1] and b[0] < a[1]

    def gap_days(self, other: "TimeSpan") -> float | None:
        """Days between the two intervals (0 when they overlap)."""
        a, b = self.bounds_days(), other.bounds_days()
        if a is None or b is None:
            return None
        if a[0] < b[1] and b[0] < a[1]:
            return 0.0
        return b[0] - a[1] if a[1] <= b[0] else a[0] - b[1]

    def shifted(self, offset: int) -> "TimeSpan":
        """The same span with offsets moved by ``offset`` characters."""
        return replace(self, start=self.start + offset, end=self.end + offset)


# -------------------------------------------------------------------------- place

PlacePrecision = Literal["point", "near", "area", "unresolved"]


@dataclass(frozen=True)
class Place:
    """A place mention and where it is.

    ``precision`` follows the spirit of ACLED's geo-precision codes:
    ``point`` (the named town itself), ``near`` (a point with an uncertainty
    radius: "near Hajin", "outside Mosul"), ``area`` (a region or country,
    "eastern Syria"), ``unresolved`` (a named place without coordinates;
    never dropped, never guessed).  ``source`` says who placed it:
    ``geonames:170063``, ``user``, ``nominatim``, or None when unresolved.
    """

    text: str
    start: int
    end: int
    name: str
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    kind: str = "unknown"  # city, village, region, country, facility, area, unknown
    country: str | None = None  # ISO 3166-1 alpha-2
    source: str | None = None
    precision: str = "unresolved"
    qualifier: str | None = None  # "near", "north of", "eastern", ...

    @property
    def is_resolved(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def gazetteer_id(self) -> str | None:
        if self.source and self.source.startswith("geonames:"):
            return self.source.split(":", 1)[1]
        return None

    def shifted(self, offset: int) -> "Place":
        return replace(self, start=self.start + offset, end=self.end + offset)


# ------------------------------------------------------------------------ article

PublishedFrom = Literal["text", "metadata", "estimated", "user"]


@dataclass
class Article:
    """One source document as read from disk."""

    id: str  # stable: derived from the content hash
    path: str  # as given by the user
    text: str
    title: str = ""
    outlet: str | None = None
    published: dt.date | None = None
    published_from: str | None = None  # "text" | "metadata" | "estimated" | "user"
    content_hash: str = ""
    format: str = "txt"
    url: str | None = None

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class ReadError:
    """A file that could not be read, with a message a user can act on."""

    path: str
    message: str


# -------------------------------------------------------------------------- event


@dataclass
class Event:
    """Something that happened, as one article tells it.

    ``start``/``end`` are the evidence sentence's offsets in the article text.
    ``trigger`` is the lemma of the word that names the happening ("coup",
    "attack", "flee"), used for matching; ``what`` is the short phrase shown.
    """

    id: str
    article_id: str
    sentence: str
    start: int
    end: int
    what: str
    trigger: str = ""
    who: list[str] = field(default_factory=list)
    when: TimeSpan | None = None
    where: Place | None = None
    cluster_id: str | None = None
    corrected: bool = False  # when/where set by the user


@dataclass
class EventCluster:
    """Mentions of one real-world event across articles."""

    id: str
    label: str
    event_ids: list[str]
    article_ids: list[str]


@dataclass
class ConflictSide:
    """One version of the facts and who tells it."""

    value: str  # human-readable: "September 2018", "al-Keshma"
    event_ids: list[str]
    article_ids: list[str]
    evidence: list[str] = field(default_factory=list)  # quoted sentences


@dataclass
class Conflict:
    """Sources placing one event at incompatible times or places."""

    id: str
    cluster_id: str
    kind: str  # "time" | "place"
    sides: list[ConflictSide]
    gap_days: float | None = None
    gap_km: float | None = None
    explanation: str = ""
    dismissed: bool = False  # the user marked it "not a conflict"


# -------------------------------------------------------------------- corrections

CorrectionKind = Literal[
    "set_published",  # target: article id; payload {"date": "YYYY-MM-DD"}
    "set_when",  # target: event id; payload {"text", "value", "earliest", "latest", "precision"}
    "set_where",  # target: event id; payload {"name", "lat", "lon", "radius_km", "country"}
    "merge",  # target: "" ; payload {"event_ids": [...]} (must be in one cluster)
    "split",  # target: "" ; payload {"event_ids": [...]} (must leave their cluster)
    "not_conflict",  # target: conflict key; payload {"kind", "event_ids": [...]}
]


@dataclass(frozen=True)
class Correction:
    """A user's correction, stored in the workspace and applied on every re-run."""

    kind: str
    target: str
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None  # workspace row id once stored


# -------------------------------------------------------------------------- story


@dataclass
class Story:
    """Everything a workspace holds, as the viewers and exporters see it."""

    articles: list[Article] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    clusters: list[EventCluster] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)

    def article(self, article_id: str) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)

    def event(self, event_id: str) -> Event | None:
        return self.event_index().get(event_id)

    def event_index(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    def article_index(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    def conflicts_of_cluster(self, cluster_id: str) -> list[Conflict]:
        return [c for c in self.conflicts if c.cluster_id == cluster_id]


# ------------------------------------------------------------- (de)serialisation


def _encode(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _decode_date(value: str | None) -> dt.date | dt.datetime | None:
    if value is None:
        return None
    if "T" in value:
        return dt.datetime.fromisoformat(value)
    return dt.date.fromisoformat(value)


def timespan_to_dict(span: TimeSpan | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {k: _encode(v) for k, v in asdict(span).items()}


def timespan_from_dict(data: dict[str, Any] | None) -> TimeSpan | None:
    if data is None:
        return None
    known = {f.name for f in fields(TimeSpan)}
    values = {k: v for k, v in data.items() if k in known}
    values["earliest"] = _decode_date(values.get("earliest"))
    values["latest"] = _decode_date(values.get("latest"))
    return TimeSpan(**values)


def place_to_dict(place: Place | None) -> dict[str, Any] | None:
    return None if place is None else asdict(place)


def place_from_dict(data: dict[str, Any] | None) -> Place | None:
    if data is None:
        return None
    known = {f.name for f in fields(Place)}
    return Place(**{k: v for k, v in data.items() if k in known})
