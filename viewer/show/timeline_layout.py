"""Where every mark of the timeline goes: a Qt-free layout the painter only draws.

Splitting layout from painting keeps one geometry for screen, PNG, SVG and PDF,
lets the tests check geometry without a display, and keeps the core free of Qt.
Coordinates are logical pixels (the painter scales them for high-dpi exports);
time is in fractional days as returned by :meth:`TimeSpan.bounds_days`.

Speed (100,000 events at 60 fps): :class:`TimelineIndex` sorts each lane by
time once; each frame bisects the visible window with numpy and counts items
per pixel bucket, so only sparse buckets reach the per-item Python code and
dense ones become count badges.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal, NamedTuple

import numpy as np  # a spaCy dependency; used for the per-frame window and bucket counts

from viewer.labels import gap_in_words
from viewer.model import PRECISIONS, Article, Event, Story
from viewer.show import palette

# ----------------------------------------------------------------------- constants

LaneMode = Literal["source", "cluster"]
#: (text, pixel size, bold) -> width in logical pixels.
TextMeasure = Callable[[str, int, bool], float]

TITLE_PX, TEXT_PX, SMALL_PX = 18, 12, 11
LINE = 1.35  # line height as a multiple of the pixel size
MARGIN = 12.0
GAP = 4.0  # between neighbouring marks and labels
MARKER = 10.0  # point marker / bar height
ROW_H = max(MARKER, TEXT_PX * LINE) + 3.0  # a row with event labels
ROW_H_COMPACT = MARKER + 3.0  # a row of marks only (crowded lanes)
LANE_PAD = 3.0
MAX_ROWS = 12  # when the height is computed from content (exports)
LABEL_LIMIT = 60  # a lane with more visible items shows no event labels
MAX_LINKS = 40  # more visible conflicts than this: no links drawn (outlines only)
MIN_SPAN_DAYS = 2.0 / 24  # zoom limit: two hours across the view
MIN_DAY, MAX_DAY = float(dt.date(1, 1, 2).toordinal()), float(dt.date(9999, 12, 30).toordinal())

POINT_PRECISIONS = frozenset({"minute", "hour", "day"})
KIND_POINT, KIND_SOFT, KIND_RANGE = 0, 1, 2
KIND_NAMES = ("point", "soft", "range")
PUB_KIND = {"estimated": "pub_estimated"}  # anything else is a stated date


def approx_measure(text: str, size: int, bold: bool = False) -> float:
    """A Qt-free text width estimate (DejaVu Sans averages ~0.6 em per glyph)."""
    return len(text) * size * (0.66 if bold else 0.6)


# --------------------------------------------------------------------- geometry


class Rect(NamedTuple):
    """An axis-aligned rectangle in logical pixels.

    A NamedTuple rather than a frozen dataclass: thousands are made per frame and
    tuple construction is several times cheaper than a frozen dataclass __init__.
    """

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, px: float, py: float, tolerance: float = 0.0) -> bool:
        return (self.x - tolerance <= px <= self.x + self.w + tolerance
                and self.y - tolerance <= py <= self.y + self.h + tolerance)

    def intersects(self, other: "Rect") -> bool:
        return (self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)

    @staticmethod
    def spanning(x0: float, y0: float, x1: float, y1: float) -> "Rect":
        return Rect(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))


@dataclass
class Lane:
    key: str  # article id or cluster id ("" for unclustered events)
    label: str
    sublabel: str
    colour: str
    rect: Rect = Rect(0, 0, 0, 0)
    rows: int = 1
    badge_row: bool = False
    label_text: str = ""  # elided to fit the gutter
    sublabel_text: str = ""
    label_rect: Rect | None = None
    sublabel_rect: Rect | None = None


@dataclass
class Mark:
    """One drawn item: an event placement or a publication marker."""

    kind: str  # point | soft | range | pub_stated | pub_estimated
    event_id: str | None
    article_id: str
    lane: int
    x0: float  # the time interval on screen (may extend past the plot)
    x1: float
    rect: Rect  # the marker itself (points: a square around the centre)
    colour: str
    label: str = ""
    label_rect: Rect | None = None
    selected: bool = False
    in_conflict: bool = False
    precision: str | None = None
    modifier: str | None = None

    @property
    def centre(self) -> tuple[float, float]:
        return self.rect.x + self.rect.w / 2, self.rect.y + self.rect.h / 2


@dataclass
class Badge:
    """Events aggregated because too many fall within a few pixels; zoom in to open."""

    lane: int
    rect: Rect
    count: int
    text: str
    dense: bool  # the whole bucket, or only overflowing items
    bucket: int
    overflow_ids: list[str] = field(default_factory=list)
    selected: bool = False


@dataclass
class ConflictLink:
    """A time conflict drawn as spokes from each placement to a labelled hub."""

    conflict_id: str
    ends: list[tuple[float, float, int]]  # x, y, side index
    hub: tuple[float, float]
    label: str
    label_rect: Rect | None
    event_ids: list[str]
    selected: bool = False
    span: tuple[float, float] = (0.0, 0.0)  # x of the earliest and the latest side's date


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    label_rect: Rect


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    text: str
    swatch: Rect
    text_rect: Rect


@dataclass(frozen=True)
class Hit:
    kind: Literal["event", "badge", "conflict", "publication"]
    event_ids: tuple[str, ...]
    article_id: str | None = None
    conflict_id: str | None = None
    mark: Mark | None = None
    badge: Badge | None = None


# ---------------------------------------------------------------------- options


@dataclass
class LayoutOptions:
    width: float = 1200.0
    height: float | None = 700.0  # None: as tall as the content needs (exports)
    time_range: tuple[float, float] | None = None  # visible [start, end) in days; None = all
    title: str | None = None
    selected: frozenset[str] = frozenset()
    measure: TextMeasure = approx_measure
    legend: bool = True
    labels: bool = True  # event labels beside marks where there is room


# ------------------------------------------------------------------------ index


@dataclass
class LaneData:
    """One lane's items sorted by start time, as numpy arrays for per-frame bisection."""

    ids: list[str]
    articles: np.ndarray  # article order index (colour)
    lo: np.ndarray
    hi: np.ndarray
    hi_prefix_max: np.ndarray  # running max of hi: bisect the first item that can be visible
    kind: np.ndarray
    publication: tuple[float, str, str] | None = None  # day, kind, article id


def _bounds(span) -> tuple[float, float] | None:
    """``TimeSpan.bounds_days`` with a fast path for plain dates (most events; 100k per story)."""
    earliest, latest = span.earliest, span.latest
    if type(earliest) is dt.date and type(latest) is dt.date:
        return float(earliest.toordinal()), float(latest.toordinal() + 1)
    return span.bounds_days()


def _event_kind(event: Event) -> int:
    span = event.when
    assert span is not None
    if span.precision in POINT_PRECISIONS or span.precision is None:
        return KIND_RANGE if span.earliest != span.latest else KIND_POINT
    return KIND_SOFT


class TimelineIndex:
    """Per-story, per-lane-mode data that does not change while zooming or panning."""

    def __init__(self, story: Story, lanes: LaneMode = "source") -> None:
        if lanes not in ("source", "cluster"):
            raise ValueError(f"lanes must be 'source' or 'cluster', not {lanes!r}")
        self.story = story
        self.mode: LaneMode = lanes
        self.article_order = {a.id: i for i, a in enumerate(story.articles)}
        self.article_colour = palette.colours_for([a.id for a in story.articles])
        self.events = story.event_index()
        self.lanes: list[Lane] = []
        self.data: list[LaneData] = []
        self.undated = 0
        self.event_lane: dict[str, int] = {}
        self.spans: dict[str, tuple[float, float, int]] = {}  # event id -> lo, hi, kind
        self._build()
        self._build_global_order()
        self.conflicts = [c for c in story.conflicts if c.kind == "time" and not c.dismissed]
        self.conflict_extent = {c.id: self.bounds_of(e for s in c.sides for e in s.event_ids)
                                for c in self.conflicts}
        self.conflict_event_ids = frozenset(e for c in self.conflicts for s in c.sides for e in s.event_ids)

    # -- building

    def _lane_keys(self) -> list[tuple[str, str, str]]:
        """(key, label, sublabel) per lane, in display order."""
        if self.mode == "source":
            return [(a.id, _article_label(a), _publication_label(a)) for a in self.story.articles]
        keys = [(c.id, c.label or c.id, f"{len(set(c.article_ids))} sources")
                for c in self.story.clusters]
        clustered = {c.id for c in self.story.clusters}
        if any(e.cluster_id not in clustered for e in self.story.events):
            keys.append(("", "Other events", "not matched across sources"))
        return keys

    def _lane_of(self, event: Event, lane_pos: dict[str, int]) -> int | None:
        if self.mode == "source":
            return lane_pos.get(event.article_id)
        return lane_pos.get(event.cluster_id or "", lane_pos.get(""))

    def _build(self) -> None:
        """One pass over the events into flat arrays, then one numpy sort per story.

        Per-event Python work is kept to the minimum (bounds and lane): at
        100,000 events the index is most of the time to the first paint.
        """
        keys = self._lane_keys()
        colours = palette.colours_for([k for k, _, _ in keys])
        self.lanes = [Lane(k, label, sub, colours[k]) for k, label, sub in keys]
        lane_pos = {k: i for i, (k, _, _) in enumerate(keys)}
        ids, lanes, los, his, kinds, arts = [], [], [], [], [], []
        article_order = self.article_order
        for event in self.story.events:
            bounds = _bounds(event.when) if event.when is not None else None
            lane = self._lane_of(event, lane_pos)
            if bounds is None or lane is None:
                self.undated += bounds is None
                continue
            ids.append(event.id)
            lanes.append(lane)
            los.append(bounds[0])
            his.append(bounds[1])
            kinds.append(_event_kind(event))
            arts.append(article_order.get(event.article_id, 0))
        lane_arr = np.array(lanes, dtype=np.int32)
        lo_arr, hi_arr = np.array(los, dtype=np.float64), np.array(his, dtype=np.float64)
        kind_arr = np.array(kinds, dtype=np.int8)
        self.event_lane = dict(zip(ids, lanes))
        self.spans = dict(zip(ids, zip(los, his, kinds)))
        order = np.lexsort((hi_arr, lo_arr, lane_arr))  # by lane, then start, then end
        cuts = np.searchsorted(lane_arr[order], np.arange(len(keys) + 1), side="left").tolist()
        art_arr = np.array(arts, dtype=np.int32)
        self.data = []
        for lane in range(len(keys)):
            sel = order[cuts[lane]:cuts[lane + 1]]
            hi = hi_arr[sel]
            self.data.append(LaneData(
                ids=[ids[i] for i in sel.tolist()], articles=art_arr[sel], lo=lo_arr[sel], hi=hi,
                hi_prefix_max=np.maximum.accumulate(hi) if len(hi) else hi, kind=kind_arr[sel]))
        self._centres = (lo_arr + hi_arr) / 2
        self._ids = ids
        if self.mode == "source":
            for lane_data, article in zip(self.data, self.story.articles):
                lane_data.publication = _publication(article)

    def _build_global_order(self) -> None:
        """All dated events by centre time, for next/previous navigation."""
        order = np.argsort(self._centres, kind="stable")
        self.order_centres = self._centres[order]
        self.order_ids = [self._ids[i] for i in order.tolist()]
        self.order_pos = dict(zip(self.order_ids, range(len(self.order_ids))))
        del self._centres, self._ids

    # -- queries

    def bounds_of(self, event_ids: Iterable[str]) -> tuple[float, float] | None:
        """The time extent of the given events (None if none is dated)."""
        spans = [self.spans[e] for e in event_ids if e in self.spans]
        if not spans:
            return None
        return min(s[0] for s in spans), max(s[1] for s in spans)

    def extent(self) -> tuple[float, float]:
        """Everything dated, plus publication dates; a sensible default if empty."""
        los = [float(d.lo[0]) for d in self.data if len(d.lo)]
        his = [float(d.hi_prefix_max[-1]) for d in self.data if len(d.hi)]
        pubs = [d.publication[0] for d in self.data if d.publication]
        lo_all, hi_all = los + pubs, his + [p + 1 for p in pubs]
        if not lo_all:
            today = float(dt.date.today().toordinal())
            return today - 365, today + 1
        return min(lo_all), max(hi_all)

    def fit_range(self, bounds: tuple[float, float] | None = None, pad: float = 0.04
                  ) -> tuple[float, float]:
        """A visible range showing ``bounds`` (default: everything) with a margin."""
        lo, hi = bounds or self.extent()
        span = max(hi - lo, 1.0)
        return clamp_range(lo - span * pad, hi + span * pad)

    def next_event(self, after: float, forward: bool = True) -> str | None:
        """The event whose centre comes next after (or before) time ``after``."""
        if not self.order_ids:
            return None
        if forward:
            i = int(np.searchsorted(self.order_centres, after + 1e-9, side="right"))
            return self.order_ids[i] if i < len(self.order_ids) else None
        i = int(np.searchsorted(self.order_centres, after - 1e-9, side="left")) - 1
        return self.order_ids[i] if i >= 0 else None

    def centre_of(self, event_id: str) -> float | None:
        span = self.spans.get(event_id)
        return None if span is None else (span[0] + span[1]) / 2


def _article_label(article: Article) -> str:
    return article.outlet or article.title or article.id


def _publication_label(article: Article) -> str:
    if article.published is None:
        return "publication date unknown"
    text = f"{article.published.day} {article.published:%b %Y}"
    return f"published ~{text} (estimated)" if article.published_from == "estimated" \
        else f"published {text}"


def _publication(article: Article) -> tuple[float, str, str] | None:
    if article.published is None:
        return None
    kind = PUB_KIND.get(article.published_from or "", "pub_stated")
    return float(article.published.toordinal()), kind, article.id


def clamp_range(lo: float, hi: float) -> tuple[float, float]:
    """Keep a visible range inside the calendar and no narrower than the zoom limit."""
    if hi - lo < MIN_SPAN_DAYS:
        mid = (lo + hi) / 2
        lo, hi = mid - MIN_SPAN_DAYS / 2, mid + MIN_SPAN_DAYS / 2
    span = min(hi - lo, MAX_DAY - MIN_DAY)
    lo = min(max(lo, MIN_DAY), MAX_DAY - span)
    return lo, lo + span


# ------------------------------------------------------------------- time words


def day_to_datetime(day: float) -> dt.datetime:
    whole = int(math.floor(day))
    whole = min(max(whole, 1), dt.date.max.toordinal())
    base = dt.datetime.fromordinal(whole)
    return base + dt.timedelta(seconds=round((day - math.floor(day)) * 86400))


def datetime_to_day(moment: dt.datetime | dt.date) -> float:
    if not isinstance(moment, dt.datetime):
        return float(moment.toordinal())
    return moment.toordinal() + (moment.hour * 3600 + moment.minute * 60 + moment.second) / 86400


def format_gap(days: float, approximate: bool) -> str:
    """"3 days apart", "~4 months apart": :func:`viewer.labels.gap_in_words` in a label's shape.

    ``days`` must be measured as the inspector's explanation measures it, see
    :func:`conflict_gap_days`, so both give the same figure.
    """
    words = gap_in_words(days)
    if words.startswith("about "):
        words = "~" + words[len("about "):]
    elif approximate:
        words = "~" + words
    return f"{words} apart"


# ------------------------------------------------------------------------ ticks


@dataclass(frozen=True)
class TickUnit:
    name: str
    min_days: float  # the shortest step, for the spacing test
    sample: str  # a widest label
    years: int = 0
    months: int = 0
    days: float = 0.0


TICK_UNITS: tuple[TickUnit, ...] = (
    TickUnit("hour", 1 / 24, "00:00", days=1 / 24),
    TickUnit("6h", 0.25, "00:00", days=0.25),
    TickUnit("day", 1, "30", days=1),
    TickUnit("week", 7, "30 Sep", days=7),
    TickUnit("month", 28, "Sep", months=1),
    TickUnit("quarter", 90, "Q4", months=3),
    TickUnit("year", 365, "2019", years=1),
    TickUnit("5y", 1826, "2019", years=5),
    TickUnit("decade", 3652, "2010", years=10),
    TickUnit("century", 36524, "1900", years=100),
)
_MULTI_CENTURY = (200, 500, 1000, 2000, 5000)


def choose_tick_unit(span_days: float, plot_width: float, measure: TextMeasure) -> TickUnit:
    """The finest unit whose labels fit between its ticks."""
    ppd = plot_width / max(span_days, 1e-9)
    for unit in TICK_UNITS:
        if unit.min_days * ppd >= measure(unit.sample, SMALL_PX, False) + 3 * GAP:
            return unit
    for years in _MULTI_CENTURY:
        if years * 365 * ppd >= measure("-9999", SMALL_PX, False) + 3 * GAP:
            return TickUnit(f"{years}y", years * 365, "9999", years=years)
    return TickUnit("10000y", 3652500, "9999", years=10000)


def _tick_moments(unit: TickUnit, start: dt.datetime, end: dt.datetime) -> Iterable[dt.datetime]:
    if unit.years:
        year = (start.year // unit.years) * unit.years
        while year <= end.year:
            if 1 <= year <= 9999:
                yield dt.datetime(year, 1, 1)
            year += unit.years
    elif unit.months:
        month_index = start.year * 12 + (start.month - 1)
        month_index -= month_index % unit.months
        while month_index <= end.year * 12 + end.month - 1:
            yield dt.datetime(month_index // 12, month_index % 12 + 1, 1)
            month_index += unit.months
    elif unit.name == "week":
        moment = dt.datetime(start.year, start.month, start.day) - dt.timedelta(days=start.weekday())
        while moment <= end:
            yield moment
            moment += dt.timedelta(days=7)
    else:
        step = dt.timedelta(days=unit.days)
        moment = dt.datetime(start.year, start.month, start.day)
        while moment <= end:
            yield moment
            moment += step


def _tick_label(unit: TickUnit, moment: dt.datetime) -> str:
    if unit.years:
        return str(moment.year)
    if unit.name == "quarter":
        return f"Q{(moment.month - 1) // 3 + 1}"
    if unit.name == "month":
        return calendar.month_abbr[moment.month]
    if unit.name == "week":
        return f"{moment.day} {calendar.month_abbr[moment.month]}"
    if unit.name == "day":
        return str(moment.day)
    return f"{moment.hour:02d}:00"


def _context_key(unit: TickUnit, moment: dt.datetime) -> tuple[tuple[int, ...], str] | None:
    """The coarser period a tick belongs to, shown on the context row above the ticks."""
    if unit.name in ("quarter", "month", "week"):
        return (moment.year,), str(moment.year)
    if unit.name == "day":
        return (moment.year, moment.month), f"{calendar.month_name[moment.month]} {moment.year}"
    if unit.name in ("hour", "6h"):
        return ((moment.year, moment.month, moment.day),
                f"{calendar.day_abbr[moment.weekday()]} {moment.day} "
                f"{calendar.month_name[moment.month]} {moment.year}")
    return None


# ----------------------------------------------------------------------- layout


@dataclass
class TimelineLayout:
    """Everything the painter draws, in logical pixels, plus hit-testing."""

    width: float
    height: float
    t0: float
    t1: float
    plot: Rect  # the lanes' time area (right of the gutter)
    title: str
    title_rect: Rect | None
    subtitle: str
    subtitle_rect: Rect | None
    axis_rect: Rect
    tick_unit: str
    ticks: list[Tick]
    context: list[Tick]
    lanes: list[Lane]
    marks: list[Mark]
    badges: list[Badge]
    links: list[ConflictLink]
    legend: list[LegendEntry]
    legend_rect: Rect | None
    undated: int
    index: TimelineIndex | None = None
    _buckets: "_Buckets | None" = None

    # -- coordinates

    @property
    def px_per_day(self) -> float:
        return self.plot.w / (self.t1 - self.t0)

    def x_of(self, day: float) -> float:
        return self.plot.x + (day - self.t0) * self.px_per_day

    def day_at(self, x: float) -> float:
        return self.t0 + (x - self.plot.x) / self.px_per_day

    def lane_at(self, y: float) -> int | None:
        return next((i for i, lane in enumerate(self.lanes)
                     if lane.rect.y <= y < lane.rect.bottom), None)

    # -- hit-testing

    def item_at(self, x: float, y: float, tolerance: float = 3.0) -> Hit | None:
        """The topmost thing under the point: conflict label, mark, label, badge."""
        for link in self.links:
            if link.label_rect is not None and link.label_rect.contains(x, y):
                return Hit("conflict", tuple(link.event_ids), conflict_id=link.conflict_id)
        for mark in reversed(self.marks):
            if mark.rect.contains(x, y, tolerance) or (
                    mark.label_rect is not None and mark.label_rect.contains(x, y)):
                return self._mark_hit(mark)
        for badge in self.badges:
            if badge.rect.contains(x, y, tolerance / 2):
                return Hit("badge", tuple(self.badge_event_ids(badge)), badge=badge)
        return None

    @staticmethod
    def _mark_hit(mark: Mark) -> Hit:
        if mark.event_id is None:
            return Hit("publication", (), article_id=mark.article_id, mark=mark)
        return Hit("event", (mark.event_id,), article_id=mark.article_id, mark=mark)

    def items_in_rect(self, rect: Rect) -> set[str]:
        """Event ids of every mark and badge touching ``rect`` (rubber-band selection)."""
        found = {m.event_id for m in self.marks
                 if m.event_id is not None and m.rect.intersects(rect)}
        for badge in self.badges:
            if badge.rect.intersects(rect):
                found.update(self.badge_event_ids(badge))
        return found

    def badge_event_ids(self, badge: Badge) -> list[str]:
        """The events a badge stands for (recomputed on demand to keep frames cheap)."""
        if not badge.dense or self.index is None or self._buckets is None:
            return list(badge.overflow_ids)
        data = self.index.data[badge.lane]
        idx, ax = _visible_anchors(data, self.t0, self.t1, self.plot.x, self.px_per_day)
        in_bucket = idx[self._buckets.ids(ax) == badge.bucket]
        return [data.ids[i] for i in in_bucket.tolist()]

    def mark_of(self, event_id: str) -> Mark | None:
        return next((m for m in self.marks if m.event_id == event_id), None)


# ------------------------------------------------------------------- the frame


def layout_story(story: Story, options: LayoutOptions, lanes: LaneMode = "source") -> TimelineLayout:
    """Convenience: index and lay out in one call (exports, tests)."""
    return layout_timeline(TimelineIndex(story, lanes), options)


def layout_timeline(index: TimelineIndex, options: LayoutOptions) -> TimelineLayout:
    """Lay out one frame: header, axis, lanes and their marks, links, legend."""
    measure = options.measure
    t0, t1 = clamp_range(*(options.time_range or index.fit_range()))
    width = max(options.width, 320.0)
    title = options.title if options.title is not None else _default_title(index)
    subtitle = _subtitle(index)
    y = MARGIN
    title_rect = subtitle_rect = None
    if title:
        title = elide(title, width - 2 * MARGIN, TITLE_PX, True, measure)
        title_rect = Rect(MARGIN, y, measure(title, TITLE_PX, True), TITLE_PX * LINE)
        y = title_rect.bottom
    if subtitle:
        subtitle = elide(subtitle, width - 2 * MARGIN, SMALL_PX, False, measure)
        subtitle_rect = Rect(MARGIN, y, measure(subtitle, SMALL_PX, False), SMALL_PX * LINE)
        y = subtitle_rect.bottom
    y += GAP
    gutter = _gutter_width(index, width, measure)
    plot_x, plot_w = MARGIN + gutter, width - 2 * MARGIN - gutter
    axis_rect = Rect(plot_x, y, plot_w, 2 * SMALL_PX * LINE + GAP)
    lanes_top = axis_rect.bottom + GAP
    legend = _legend_entries(width, measure) if options.legend else []
    legend_h = (max(e.text_rect.bottom for e in legend) + GAP) if legend else 0.0
    lanes = [Lane(lane.key, lane.label, lane.sublabel, lane.colour) for lane in index.lanes]
    frame = _Frame(index, options, t0, t1, plot_x, plot_w, lanes)
    frame.place_lanes(lanes_top, options.height, legend_h)
    height = options.height if options.height is not None else frame.lanes_bottom + GAP + legend_h + MARGIN
    plot = Rect(plot_x, lanes_top, plot_w, frame.lanes_bottom - lanes_top)
    legend_top = frame.lanes_bottom + GAP
    legend = [_shift_entry(e, legend_top) for e in legend]
    ticks, context, unit = _axis(t0, t1, axis_rect, measure)
    _label_lanes(lanes, gutter, measure)
    layout = TimelineLayout(
        width=width, height=height, t0=t0, t1=t1, plot=plot, title=title or "",
        title_rect=title_rect, subtitle=subtitle, subtitle_rect=subtitle_rect,
        axis_rect=axis_rect, tick_unit=unit, ticks=ticks, context=context, lanes=lanes,
        marks=frame.marks, badges=frame.badges, links=[], legend=legend,
        legend_rect=Rect(MARGIN, legend_top, width - 2 * MARGIN, legend_h) if legend else None,
        undated=index.undated, index=index,
        _buckets=frame.buckets,
    )
    layout.links = _conflict_links(index, frame, layout, options)
    return layout


def default_title(story: Story) -> str:
    """What the story is about: the most widely reported event that sources disagree on.

    The cluster with a (not dismissed) conflict reported by the most sources,
    else the most reported cluster; ties go to more events, then story order.
    """
    disputed = {c.cluster_id for c in story.conflicts if not c.dismissed}
    best = max(story.clusters, default=None,
               key=lambda c: (c.id in disputed, len(set(c.article_ids)), len(c.event_ids)))
    if best is None or not best.label.strip():
        return "Timeline"
    label = best.label.strip()
    return label[0].upper() + label[1:]


def _default_title(index: TimelineIndex) -> str:
    return default_title(index.story)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _subtitle(index: TimelineIndex) -> str:
    """Sources, events and conflicts (by kind): the scale of the story at a glance."""
    story = index.story
    live = [c for c in story.conflicts if not c.dismissed]
    kinds = [f"{sum(1 for c in live if c.kind == k)} {k}" for k in ("time", "place")
             if any(c.kind == k for c in live)]
    conflicts = _plural(len(live), "conflict") + (f" ({', '.join(kinds)})" if kinds else "")
    parts = [_plural(len(story.articles), "source"), _plural(len(story.events), "event"), conflicts]
    if index.undated:
        parts.append(f"{index.undated} event{'s' if index.undated != 1 else ''} without a date")
    return " · ".join(parts)


def _gutter_width(index: TimelineIndex, width: float, measure: TextMeasure) -> float:
    widest = max((max(measure(l.label, TEXT_PX, True), measure(l.sublabel, SMALL_PX, False))
                  for l in index.lanes), default=60.0)
    return min(widest + MARKER + 3 * GAP, max(width * 0.28, 120.0))


def _label_lanes(lanes: list[Lane], gutter: float, measure: TextMeasure) -> None:
    """Elide lane labels to the gutter; drop what the lane is too thin to hold."""
    room = gutter - MARKER - 3 * GAP
    x = MARGIN + MARKER + 2 * GAP
    for lane in lanes:
        y = lane.rect.y + LANE_PAD
        if lane.rect.h - 2 * LANE_PAD >= TEXT_PX * LINE:
            lane.label_text = elide(lane.label, room, TEXT_PX, True, measure)
            lane.label_rect = Rect(x, y, measure(lane.label_text, TEXT_PX, True), TEXT_PX * LINE)
        if lane.rect.h - 2 * LANE_PAD >= TEXT_PX * LINE + SMALL_PX * LINE:
            lane.sublabel_text = elide(lane.sublabel, room, SMALL_PX, False, measure)
            lane.sublabel_rect = Rect(x, y + TEXT_PX * LINE, measure(lane.sublabel_text, SMALL_PX, False),
                                      SMALL_PX * LINE)


def elide(text: str, room: float, size: int, bold: bool, measure: TextMeasure) -> str:
    """``text`` shortened with an ellipsis to fit ``room`` pixels ('' if nothing fits)."""
    if measure(text, size, bold) <= room:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if measure(text[:mid].rstrip() + "…", size, bold) <= room:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…" if lo > 0 else ""


# ------------------------------------------------------------------------- axis


def _axis(t0: float, t1: float, rect: Rect, measure: TextMeasure
          ) -> tuple[list[Tick], list[Tick], str]:
    unit = choose_tick_unit(t1 - t0, rect.w, measure)
    ppd = rect.w / (t1 - t0)
    start, end = day_to_datetime(t0), day_to_datetime(t1)
    tick_y = rect.y + SMALL_PX * LINE
    ticks: list[Tick] = []
    contexts: list[tuple[float, str]] = []
    seen: set[tuple[int, ...]] = set()
    for moment in _tick_moments(unit, start, end):
        x = rect.x + (datetime_to_day(moment) - t0) * ppd
        context = _context_key(unit, moment)
        if context and context[0] not in seen:
            seen.add(context[0])
            contexts.append((x, context[1]))
        if rect.x <= x <= rect.right:
            ticks.append(_tick(x, _tick_label(unit, moment), tick_y, rect, measure))
    ticks = _without_overlaps(ticks)
    return ticks, _context_row(contexts, rect, measure), unit.name


def _tick(x: float, label: str, y: float, axis: Rect, measure: TextMeasure) -> Tick:
    w = measure(label, SMALL_PX, False)
    lx = min(max(x + 3, axis.x), axis.right - w)  # label just right of its tick, kept inside
    return Tick(x, label, Rect(lx, y, w, SMALL_PX * LINE))


def _without_overlaps(ticks: list[Tick]) -> list[Tick]:
    kept: list[Tick] = []
    for tick in ticks:
        if not kept or tick.label_rect.x >= kept[-1].label_rect.right + GAP:
            kept.append(tick)
    return kept


def _context_row(contexts: list[tuple[float, str]], axis: Rect, measure: TextMeasure) -> list[Tick]:
    """Period labels (year, month, day) above the ticks; the current one sticks to the left."""
    out: list[Tick] = []
    for i, (x, label) in enumerate(contexts):
        w = measure(label, SMALL_PX, True)
        nxt = contexts[i + 1][0] if i + 1 < len(contexts) else math.inf
        lx = max(x + 3, axis.x)
        if lx + w > min(nxt, axis.right) - GAP and nxt < math.inf:
            continue  # no room before the next period starts
        if lx + w > axis.right:
            continue
        if out and lx < out[-1].label_rect.right + GAP:
            continue
        out.append(Tick(max(x, axis.x), label, Rect(lx, axis.y, w, SMALL_PX * LINE)))
    return out


# ------------------------------------------------------------------------ lanes


def _visible_anchors(data: LaneData, t0: float, t1: float, left: float, ppd: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the lane's items overlapping [t0, t1) and their anchor x (left edge)."""
    a = int(np.searchsorted(data.hi_prefix_max, t0, side="right"))
    b = int(np.searchsorted(data.lo, t1, side="left"))
    if b <= a:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0)
    idx = a + np.flatnonzero(data.hi[a:b] > t0)
    lo, hi = data.lo[idx], data.hi[idx]
    centre = left + ((lo + hi) / 2 - t0) * ppd
    ax = np.where(data.kind[idx] == KIND_POINT, centre - MARKER / 2, left + (lo - t0) * ppd)
    return idx, ax


@dataclass
class _Buckets:
    """Pixel buckets for aggregation, aligned to time so badges do not flicker while panning.

    A partial bucket at either edge of the plot is merged into its neighbour so
    every badge has a full bucket's width and badges never overlap.
    """

    left: float
    right: float
    px: float
    offset: float  # fraction of a bucket the plot's left edge sits into its bucket
    first: int = 0
    last: int = 0

    def __post_init__(self) -> None:
        raw = int(math.floor((self.right - self.left) / self.px + self.offset))
        visible = (self.right - self.left) + self.offset * self.px - raw * self.px
        self.last = raw - 1 if visible < self.px and raw >= 1 else raw
        self.first = 1 if self.offset > 0 and self.last >= 1 else 0

    def ids(self, anchors: np.ndarray) -> np.ndarray:
        if not len(anchors):
            return np.zeros(0, dtype=np.int64)
        raw = np.floor((np.maximum(anchors, self.left) - self.left) / self.px + self.offset)
        return np.clip(raw.astype(np.int64), self.first, max(self.last, self.first))

    def id_of(self, anchor: float) -> int:
        return int(self.ids(np.array([anchor]))[0])

    def span(self, bucket: int) -> tuple[float, float]:
        """The plot x-range a bucket covers (after merging partial edge buckets)."""
        x0 = self.left + (bucket - self.offset) * self.px
        x1 = x0 + self.px
        if bucket <= self.first:
            x0 = self.left
        if bucket >= self.last:
            x1 = self.right
        return max(x0, self.left), min(x1, self.right)


class _Frame:
    """Per-frame lane work: rows, marks, badges."""

    def __init__(self, index: TimelineIndex, options: LayoutOptions, t0: float, t1: float,
                 plot_x: float, plot_w: float, lanes: list[Lane]) -> None:
        self.index, self.options = index, options
        self.t0, self.t1 = t0, t1
        self.left, self.right = plot_x, plot_x + plot_w
        self.ppd = plot_w / (t1 - t0)
        self.lanes = lanes
        self.measure = options.measure
        self.selected = options.selected
        self.conflict_ids = index.conflict_event_ids
        bucket_px = options.measure("88.8k", SMALL_PX, True) + 2 * GAP
        self.buckets = _Buckets(self.left, self.right, bucket_px, (t0 * self.ppd / bucket_px) % 1.0)
        self.marks: list[Mark] = []
        self.badges: list[Badge] = []
        self.placement: dict[str, Rect] = {}
        self.badge_at: dict[tuple[int, int], int] = {}  # (lane, bucket) -> index in badges
        self.lanes_bottom = 0.0

    # -- vertical placement

    def place_lanes(self, top: float, height: float | None, legend_h: float) -> None:
        y = top
        if height is None:
            for i, lane in enumerate(self.lanes):
                plan = self._plan(i, None)
                plan.rows = plan.rows_used  # content-sized: no empty rows
                lane_h = max((plan.rows + plan.badge_row) * plan.row_h, 2 * ROW_H)
                lane.rect = Rect(MARGIN, y, self.right - MARGIN, lane_h + 2 * LANE_PAD)
                self._commit(i, plan)
                y = lane.rect.bottom
        else:
            room = max(height - top - legend_h - GAP - MARGIN, len(self.lanes) * 4.0)
            lane_h = room / max(len(self.lanes), 1)
            for i, lane in enumerate(self.lanes):
                lane.rect = Rect(MARGIN, y, self.right - MARGIN, lane_h)
                self._commit(i, self._plan(i, lane_h - 2 * LANE_PAD))
                y = lane.rect.bottom
        self.lanes_bottom = y

    # -- one lane

    def _plan(self, lane_index: int, room: float | None) -> "_LanePlan":
        """Decide rows, marks and badges of one lane; ``room`` None: as many rows as needed."""
        data = self.index.data[lane_index]
        idx, ax = _visible_anchors(data, self.t0, self.t1, self.left, self.ppd)
        # Labels only where they fit: few items and room for at least two labelled rows.
        labels = self.options.labels and len(idx) <= LABEL_LIMIT and (room is None or room >= 2 * ROW_H)
        row_h = ROW_H if labels else ROW_H_COMPACT
        rows = MAX_ROWS if room is None else max(int(room // row_h), 1)
        buckets = self.buckets.ids(ax)
        counts = np.bincount(buckets) if len(buckets) else np.zeros(0, dtype=np.int64)
        args = (data, idx, ax, buckets, counts, labels, row_h)
        certain = bool(len(counts)) and int(counts.max()) > rows  # some bucket must become a badge
        plan = None if certain else self._try_rows(*args, rows=rows, badge_row=False)
        if plan is None or plan.badges:  # give the badges a row of their own
            plan = self._try_rows(*args, rows=max(rows - 1, 0), badge_row=True)
        return plan

    def _try_rows(self, data: LaneData, idx: np.ndarray, ax: np.ndarray, buckets: np.ndarray,
                  counts: np.ndarray, with_labels: bool, row_h: float, rows: int, badge_row: bool
                  ) -> "_LanePlan":
        plan = _LanePlan(rows=rows, badge_row=badge_row, row_h=row_h)
        dense = counts > rows
        sparse_sel = np.flatnonzero(~dense[buckets]) if len(buckets) else np.zeros(0, dtype=np.int64)
        items = [self._item(data, int(idx[k]), float(ax[k]), int(buckets[k]), with_labels)
                 for k in sparse_sel.tolist()]
        if data.publication is not None:
            items.append(self._publication_item(data.publication))
        items.sort(key=lambda item: item.start)
        row_ends = [-math.inf] * rows
        for item in items:
            row = next((r for r in range(rows) if row_ends[r] + GAP <= item.start), None)
            if row is None and item.label:  # drop the label before giving up on the row
                item.drop_label()
                row = next((r for r in range(rows) if row_ends[r] + GAP <= item.start), None)
            if row is None:
                if item.event_id is not None:
                    plan.overflow.setdefault(item.bucket, []).append(item.event_id)
                continue
            row_ends[row] = item.end
            item.row = row
            plan.items.append(item)
        plan.rows_used = 1 + max((i.row for i in plan.items), default=0) if plan.items else 0
        for b in np.flatnonzero(dense).tolist():
            plan.badges[b] = int(counts[b])
        for b, ids in plan.overflow.items():
            plan.badges[b] = plan.badges.get(b, 0) + len(ids)
        return plan

    def _item(self, data: LaneData, i: int, ax: float, bucket: int, with_label: bool) -> "_Item":
        event = self.index.events[data.ids[i]]
        kind = int(data.kind[i])
        x0 = self.left + (float(data.lo[i]) - self.t0) * self.ppd
        x1 = self.left + (float(data.hi[i]) - self.t0) * self.ppd
        if kind == KIND_POINT:
            mx0, mx1 = ax, ax + MARKER
        else:
            mx0, mx1 = x0, max(x1, x0 + MARKER)
        item = _Item(KIND_NAMES[kind], event.id, event.article_id, x0, x1, mx0, mx1, bucket,
                     precision=event.when.precision if event.when else None,
                     modifier=event.when.modifier if event.when else None,
                     colour=self.index.article_colour.get(event.article_id, palette.NEUTRAL_COLOUR))
        if kind == KIND_POINT and x1 - x0 > 3 * MARKER:
            item.widen_to(x0, x1)  # zoomed in past its precision: the day shows as a faint band
        if with_label:
            item.place_label(event.what, self.left, self.right, self.measure)
        return item

    def _publication_item(self, publication: tuple[float, str, str]) -> "_Item":
        day, kind, article_id = publication
        cx = self.left + (day + 0.5 - self.t0) * self.ppd
        colour = self.index.article_colour.get(article_id, palette.NEUTRAL_COLOUR)
        return _Item(kind, None, article_id, cx, cx, cx - MARKER / 2, cx + MARKER / 2, -1,
                     colour=colour)

    def _commit(self, lane_index: int, plan: "_LanePlan") -> None:
        """Turn a plan into marks and badges at the lane's final position."""
        lane = self.lanes[lane_index]
        lane.rows, lane.badge_row = plan.rows, plan.badge_row
        top = lane.rect.y + LANE_PAD
        row_h = plan.row_h
        for item in plan.items:
            if item.event_id is None and (item.mx1 < self.left or item.mx0 > self.right):
                continue  # publication markers outside the window
            y = top + item.row * row_h + (row_h - MARKER) / 2
            mark = item.to_mark(lane_index, y, item.event_id in self.selected,
                                item.event_id in self.conflict_ids)
            self.marks.append(mark)
            if mark.in_conflict and mark.event_id:
                self.placement[mark.event_id] = mark.rect
        badge_y = top + plan.rows * row_h + 1
        badge_h = max(row_h, ROW_H_COMPACT) - 2
        w = self.buckets.px - 2
        max_x = self.right - w
        selected = self.selected
        badge_at, badges = self.badge_at, self.badges
        b = self.buckets  # _Buckets.span inlined: hundreds of badges per frame
        origin, first = self.left + 1 - b.offset * b.px, b.first
        for bucket, count in sorted(plan.badges.items()):
            overflow = plan.overflow.get(bucket)
            badge_at[(lane_index, bucket)] = len(badges)
            x = self.left + 1 if bucket <= first else origin + bucket * b.px
            rect = Rect(x if x < max_x else max_x, badge_y, w, badge_h)
            if overflow:
                hit = bool(selected) and any(e in selected for e in overflow)
                badges.append(Badge(lane_index, rect, count, compact_count(count), count > len(overflow),
                                    bucket, list(overflow), hit))
            else:
                badges.append(Badge(lane_index, rect, count, compact_count(count), True, bucket, [], False))


def compact_count(count: int) -> str:
    """'7', '950', '1.2k', '12k', '120k': badge text that always fits the bucket."""
    if count < 1000:
        return str(count)
    if count < 10_000:
        return f"{count / 1000:.1f}k"
    if count < 100_000:
        return f"{count // 1000}k"
    return f"{min(count // 1000, 999)}k"


@dataclass
class _Item:
    kind: str
    event_id: str | None
    article_id: str
    x0: float
    x1: float
    mx0: float  # the marker's drawn extent
    mx1: float
    bucket: int
    colour: str = palette.NEUTRAL_COLOUR
    precision: str | None = None
    modifier: str | None = None
    label: str = ""
    label_x: float = 0.0
    label_w: float = 0.0
    row: int = 0
    start: float = 0.0
    end: float = 0.0

    def __post_init__(self) -> None:
        self.start, self.end = self.mx0, self.mx1
        self.base = (self.mx0, self.mx1)  # the extent without the label

    def widen_to(self, x0: float, x1: float) -> None:
        self.base = (min(self.mx0, x0), max(self.mx1, x1))
        self.start, self.end = self.base

    def place_label(self, text: str, left: float, right: float, measure: TextMeasure) -> None:
        """Right of the marker, else left, else inside a long bar, else elided: never past the plot."""
        w = measure(text, TEXT_PX, False)
        visible0 = max(self.mx0, left)
        after = self.mx1 + GAP
        if after + w <= right:
            self.label, self.label_x, self.label_w = text, after, w
        elif self.mx0 - GAP - w >= left:
            self.label, self.label_x, self.label_w = text, self.mx0 - GAP - w, w
        elif self.kind != "point" and min(self.mx1, right) - visible0 >= w + 2 * GAP:
            self.label, self.label_x, self.label_w = text, visible0 + GAP, w  # inside the bar
        else:
            short = elide(text, right - after, TEXT_PX, False, measure)
            if len(short) >= 6:
                self.label, self.label_x, self.label_w = short, after, measure(short, TEXT_PX, False)
        if self.label:
            self.start = min(self.base[0], self.label_x)
            self.end = max(self.base[1], self.label_x + self.label_w)

    def drop_label(self) -> None:
        self.label = ""
        self.start, self.end = self.base

    def to_mark(self, lane: int, y: float, selected: bool, in_conflict: bool) -> Mark:
        rect = Rect(self.mx0, y, self.mx1 - self.mx0, MARKER)
        label_rect = None
        if self.label:
            label_rect = Rect(self.label_x, y + MARKER / 2 - TEXT_PX * LINE / 2,
                              self.label_w, TEXT_PX * LINE)
        return Mark(self.kind, self.event_id, self.article_id, lane, self.x0, self.x1, rect,
                    self.colour, self.label, label_rect, selected, in_conflict,
                    self.precision, self.modifier)


@dataclass
class _LanePlan:
    rows: int
    badge_row: bool
    row_h: float = ROW_H
    items: list[_Item] = field(default_factory=list)
    badges: dict[int, int] = field(default_factory=dict)
    overflow: dict[int, list[str]] = field(default_factory=dict)
    rows_used: int = 1


# -------------------------------------------------------------------- conflicts


def _conflict_links(index: TimelineIndex, frame: _Frame, layout: TimelineLayout,
                    options: LayoutOptions) -> list[ConflictLink]:
    visible = [c for c in index.conflicts if _overlaps(index.conflict_extent.get(c.id), layout)]
    if len(visible) > MAX_LINKS:
        return []  # a tangle nobody can read: placements keep their conflict outline; zoom in
    links = []
    taken = _Occupancy(layout)
    for conflict in visible:
        link = _link(index, frame, layout, conflict)
        if link is None:
            continue
        link.label_rect = _free_label_spot(link, layout, taken, options.measure)
        if link.label_rect is not None:
            taken.add(link.label_rect)
        link.selected = bool(link.event_ids) and set(link.event_ids) <= options.selected
        links.append(link)
    return links


def _overlaps(extent: tuple[float, float] | None, layout: TimelineLayout) -> bool:
    return extent is not None and extent[1] >= layout.t0 and extent[0] <= layout.t1


class _Occupancy:
    """Rectangles already drawn, hashed into a coarse grid for quick overlap tests.

    Hand-written: a few dozen lines instead of a spatial-index dependency for
    at most a few thousand rectangles per frame.
    """

    CELL = 48.0

    def __init__(self, layout: TimelineLayout) -> None:
        self.cells: dict[tuple[int, int], list[Rect]] = {}
        for mark in layout.marks:
            self.add(mark.rect)
            if mark.label_rect is not None:
                self.add(mark.label_rect)
        for badge in layout.badges:
            self.add(badge.rect)

    def _keys(self, rect: Rect) -> Iterable[tuple[int, int]]:
        c = self.CELL
        for i in range(int(rect.x // c), int(rect.right // c) + 1):
            for j in range(int(rect.y // c), int(rect.bottom // c) + 1):
                yield i, j

    def add(self, rect: Rect) -> None:
        for key in self._keys(rect):
            self.cells.setdefault(key, []).append(rect)

    def free(self, rect: Rect) -> bool:
        return not any(rect.intersects(other) for key in self._keys(rect)
                       for other in self.cells.get(key, ()))


def _placement(index: TimelineIndex, frame: _Frame, layout: TimelineLayout,
               event_id: str) -> Rect | None:
    """Where an event is drawn: its mark, its badge, or (off-screen) its lane at its time."""
    if event_id in frame.placement:
        return frame.placement[event_id]
    lane = index.event_lane.get(event_id)
    centre = index.centre_of(event_id)
    if lane is None or centre is None:
        return None
    x = layout.x_of(centre)
    at = frame.badge_at.get((lane, frame.buckets.id_of(_anchor_x(index, layout, event_id))))
    if at is not None and layout.plot.x <= x <= layout.plot.right:
        return layout.badges[at].rect
    rect = layout.lanes[lane].rect
    return Rect(x, rect.y + rect.h / 2, 0, 0)


def _anchor_x(index: TimelineIndex, layout: TimelineLayout, event_id: str) -> float:
    """The x an item is bucketed by (as in :func:`_visible_anchors`)."""
    lo, hi, kind = index.spans[event_id]
    if kind == KIND_POINT:
        return layout.x_of((lo + hi) / 2) - MARKER / 2
    return layout.x_of(lo)


def side_centre(index: TimelineIndex, event_ids: Iterable[str]) -> float | None:
    """The date a side states: the middle of its most precise (narrowest) placement."""
    spans = [index.spans[e] for e in event_ids if e in index.spans]
    if not spans:
        return None
    lo, hi, _kind = min(spans, key=lambda s: s[1] - s[0])
    return (lo + hi) / 2


def conflict_gap_days(index: TimelineIndex, conflict) -> float | None:
    """How far apart the sides' dates are, as the gap label and the inspector say it.

    One definition for the whole app: the distance between the middles of the
    sides' most precise dates ("September 2018" vs "10 January 2019": 117 days,
    "about 4 months"), as in the core's explanation text.  ``Conflict.gap_days``
    is a different quantity, the empty time between the intervals' edges (101
    days here), meant for thresholds: labelling with it would say "~3 months".
    """
    centres = [c for c in (side_centre(index, s.event_ids) for s in conflict.sides) if c is not None]
    return max(centres) - min(centres) if len(centres) >= 2 else None


def _link(index: TimelineIndex, frame: _Frame, layout: TimelineLayout, conflict) -> ConflictLink | None:
    rects: list[tuple[Rect, int]] = []
    centres: list[float] = []
    side_precisions: list[str | None] = []
    event_ids: list[str] = []
    for side_no, side in enumerate(conflict.sides):
        placed = False
        for event_id in side.event_ids:
            where = _placement(index, frame, layout, event_id)
            if where is None:
                continue
            placed = True
            rects.append((where, side_no))
            event_ids.append(event_id)
            event = index.events.get(event_id)
            side_precisions.append(event.when.precision if event and event.when else None)
        centre = side_centre(index, side.event_ids) if placed else None
        if centre is not None:
            centres.append(centre)
    if len(centres) < 2 or not rects:
        return None
    gap = max(centres) - min(centres)  # = conflict_gap_days(): see there why not Conflict.gap_days
    approximate = any(p not in POINT_PRECISIONS for p in side_precisions)
    xs = [layout.x_of(c) for c in centres]
    hub = ((min(xs) + max(xs)) / 2, sum(r.y + r.h / 2 for r, _ in rects) / len(rects))
    # spokes leave each placement from the edge facing the hub; far off-screen ends are
    # pulled to just outside the plot so painting never strokes kilometre-long curves
    lo_x, hi_x = layout.plot.x - 40, layout.plot.right + 40
    ends = [(min(max(min(max(hub[0], r.x), r.right), lo_x), hi_x), r.y + r.h / 2, side)
            for r, side in rects]
    hub = (min(max(hub[0], lo_x), hi_x), hub[1])
    if max(e[0] for e in ends) < layout.plot.x or min(e[0] for e in ends) > layout.plot.right:
        return None
    span = (min(max(min(xs), lo_x), hi_x), min(max(max(xs), lo_x), hi_x))
    return ConflictLink(conflict.id, ends, hub, format_gap(gap, approximate), None, event_ids, span=span)


def _free_label_spot(link: ConflictLink, layout: TimelineLayout, taken: _Occupancy,
                     measure: TextMeasure) -> Rect | None:
    """The free spot for the gap label closest to the gap it describes.

    Horizontally the label belongs between the two dates (leaving that interval
    costs three times more than moving up or down); vertically near the middle
    of the placements.  It never covers a mark, a label or another gap label.
    """
    w = measure(link.label, SMALL_PX, True) + 2 * GAP
    h = SMALL_PX * LINE + 2
    hx, hy = link.hub
    span_lo, span_hi = link.span if link.span != (0.0, 0.0) else (hx, hx)
    plot = layout.plot
    ys = {hy} | {lane.rect.y for lane in layout.lanes} | {lane.rect.bottom for lane in layout.lanes}
    ys |= {lane.rect.y + lane.rect.h / 2 for lane in layout.lanes}
    step = ROW_H_COMPACT / 2
    ys |= {plot.y + h / 2 + k * step for k in range(int(max(plot.h - h, 0) // step) + 1)}
    xs = {hx + k * w / 4 for k in range(-12, 13)} | {span_lo, span_hi}

    def cost(p: tuple[float, float]) -> float:
        outside = max(0.0, span_lo - p[0], p[0] - span_hi)
        return 3 * outside + 0.25 * abs(p[0] - hx) + abs(p[1] - hy)

    for cx, cy in sorted(((x, y) for x in xs for y in ys), key=cost):
        rect = Rect(cx - w / 2, cy - h / 2, w, h)
        inside = plot.x <= rect.x and rect.right <= plot.right and plot.y <= rect.y \
            and rect.bottom <= plot.bottom
        if inside and taken.free(rect):
            return rect
    return None


# ----------------------------------------------------------------------- legend

LEGEND_ITEMS: tuple[tuple[str, str], ...] = (
    ("point", "event dated to the day or hour"),
    ("soft", "date known only to the week, month or year (soft ends)"),
    ("range", "date range"),
    ("badge", "grouped events: zoom in to open"),
    ("conflict", "sources disagree on the date (gap shown)"),
    ("pub_stated", "publication date stated"),
    ("pub_estimated", "publication date estimated"),
    ("selected", "selected"),
)


def _legend_entries(width: float, measure: TextMeasure) -> list[LegendEntry]:
    """Legend entries flowed into lines (y relative to the legend's top)."""
    entries, x, y = [], MARGIN, 0.0
    line_h = SMALL_PX * LINE + GAP
    swatch_w = 2.6 * MARKER
    right = width - MARGIN
    for kind, text in LEGEND_ITEMS:
        text = elide(text, right - MARGIN - swatch_w - GAP, SMALL_PX, False, measure)
        w = swatch_w + GAP + measure(text, SMALL_PX, False)
        if x > MARGIN and x + w > right:
            x, y = MARGIN, y + line_h
        swatch = Rect(x, y + (SMALL_PX * LINE - MARKER) / 2, swatch_w, MARKER)
        entries.append(LegendEntry(kind, text, swatch,
                                   Rect(x + swatch_w + GAP, y, w - swatch_w - GAP, SMALL_PX * LINE)))
        x += w + 4 * GAP
    return entries


def _shift_entry(entry: LegendEntry, dy: float) -> LegendEntry:
    def move(r: Rect) -> Rect:
        return Rect(r.x, r.y + dy, r.w, r.h)

    return LegendEntry(entry.kind, entry.text, move(entry.swatch), move(entry.text_rect))


__all__ = [
    "LayoutOptions", "TimelineIndex", "TimelineLayout", "layout_timeline", "layout_story",
    "Rect", "Lane", "Mark", "Badge", "ConflictLink", "Tick", "LegendEntry", "Hit",
    "approx_measure", "format_gap", "conflict_gap_days", "default_title", "choose_tick_unit", "clamp_range", "compact_count",
    "day_to_datetime", "datetime_to_day", "elide", "PRECISIONS",
]
