"""Calendar arithmetic for the temporal tagger: TimeML values <-> intervals.

The rules in ``times.py`` produce TimeML *values*; this module turns a value
into the inclusive interval it covers (a month is the whole month, never its
first day) and applies TimeML modifiers (START/MID/END narrow, APPROX widens).
Hand-written because no installed library knows TimeML's week, season,
quarter and decade values; ``datetime`` does the arithmetic.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

#: Meteorological seasons (northern hemisphere): first month and length.
SEASON_MONTHS: dict[str, int] = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
#: Parts of the day: first and last hour covered (inclusive, may pass midnight).
PART_OF_DAY_HOURS: dict[str, tuple[int, int]] = {
    "MO": (6, 11), "AF": (12, 17), "EV": (18, 21), "NI": (20, 29), "DT": (8, 17),
}

Bound = dt.date | dt.datetime


@dataclass(frozen=True)
class Interval:
    earliest: Bound
    latest: Bound
    precision: str


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(2019, 1) + -2 -> (2018, 11)."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def week_value(day: dt.date) -> str:
    """The ISO week of a day as TimeML writes it: '2019-W06'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def season_of(day: dt.date) -> tuple[int, str]:
    """The season a day falls in, with the year TimeML gives it (winter: the December's)."""
    if day.month == 12:
        return day.year, "WI"
    if day.month <= 2:
        return day.year - 1, "WI"
    code = {3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(day.month, "FA")
    return day.year, code


_VALUE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)"), "minute"),
    (re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d)"), "hour"),
    (re.compile(r"(\d{4})-(\d\d)-(\d\d)T(MO|AF|EV|NI|DT)"), "part"),
    (re.compile(r"(\d{4})-(\d\d)-(\d\d)"), "day"),
    (re.compile(r"(\d{4})-W(\d\d)-WE"), "weekend"),
    (re.compile(r"(\d{4})-W(\d\d)"), "week"),
    (re.compile(r"(\d{4})-(\d\d)"), "month"),
    (re.compile(r"(\d{4})-(SP|SU|FA|WI)"), "season"),
    (re.compile(r"(\d{4})-Q([1-4])"), "quarter"),
    (re.compile(r"(\d{4})-H([12])"), "half"),
    (re.compile(r"(\d{4})"), "year"),
    (re.compile(r"(\d{3})"), "decade"),
    (re.compile(r"(\d{2})"), "century"),
]


def interval_of(value: str) -> Interval | None:
    """The inclusive interval a TimeML value covers, or None if it is not anchored."""
    for pattern, kind in _VALUE_PATTERNS:
        match = pattern.fullmatch(value)
        if match:
            try:
                return _INTERVAL_BUILDERS[kind](*match.groups())
            except ValueError:  # e.g. February 30: a malformed date is not anchored
                return None
    return None


def _minute(y: str, m: str, d: str, hh: str, mm: str) -> Interval:
    day = dt.date(int(y), int(m), int(d)) + dt.timedelta(days=int(hh) // 24)
    moment = dt.datetime(day.year, day.month, day.day, int(hh) % 24, int(mm))
    return Interval(moment, moment, "minute")


def _hour(y: str, m: str, d: str, hh: str) -> Interval:
    day = dt.date(int(y), int(m), int(d)) + dt.timedelta(days=int(hh) // 24)
    moment = dt.datetime(day.year, day.month, day.day, int(hh) % 24)
    return Interval(moment, moment, "hour")


def _part_of_day(y: str, m: str, d: str, part: str) -> Interval:
    first, last = PART_OF_DAY_HOURS[part]
    start = dt.datetime(int(y), int(m), int(d))
    return Interval(start + dt.timedelta(hours=first), start + dt.timedelta(hours=last), "hour")


def _day(y: str, m: str, d: str) -> Interval:
    day = dt.date(int(y), int(m), int(d))
    return Interval(day, day, "day")


def _weekend(y: str, w: str) -> Interval:
    saturday = dt.date.fromisocalendar(int(y), int(w), 6)
    return Interval(saturday, saturday + dt.timedelta(days=1), "week")


def _week(y: str, w: str) -> Interval:
    monday = dt.date.fromisocalendar(int(y), int(w), 1)
    return Interval(monday, monday + dt.timedelta(days=6), "week")


def _month(y: str, m: str) -> Interval:
    return Interval(dt.date(int(y), int(m), 1), month_end(int(y), int(m)), "month")


def _season(y: str, code: str) -> Interval:
    first = SEASON_MONTHS[code]
    last_year, last_month = add_months(int(y), first, 2)
    return Interval(dt.date(int(y), first, 1), month_end(last_year, last_month), "season")


def _quarter(y: str, q: str) -> Interval:
    first = (int(q) - 1) * 3 + 1
    return Interval(dt.date(int(y), first, 1), month_end(int(y), first + 2), "quarter")


def _half(y: str, h: str) -> Interval:
    first = 1 if h == "1" else 7
    return Interval(dt.date(int(y), first, 1), month_end(int(y), first + 5), "half")


def _year(y: str) -> Interval:
    return Interval(dt.date(int(y), 1, 1), dt.date(int(y), 12, 31), "year")


def _decade(d: str) -> Interval:
    return Interval(dt.date(int(d) * 10, 1, 1), dt.date(int(d) * 10 + 9, 12, 31), "decade")


def _century(c: str) -> Interval:
    return Interval(dt.date(max(int(c) * 100, 1), 1, 1), dt.date(int(c) * 100 + 99, 12, 31), "century")


_INTERVAL_BUILDERS = {
    "minute": _minute, "hour": _hour, "part": _part_of_day, "day": _day, "weekend": _weekend,
    "week": _week, "month": _month, "season": _season, "quarter": _quarter, "half": _half,
    "year": _year, "decade": _decade, "century": _century,
}

#: How far "about"/"around" widens an interval on each side, by precision.
_APPROX_SLACK: dict[str, dt.timedelta] = {
    "minute": dt.timedelta(minutes=15), "hour": dt.timedelta(hours=1), "day": dt.timedelta(days=2),
    "week": dt.timedelta(days=3), "month": dt.timedelta(days=10), "season": dt.timedelta(days=20),
    "quarter": dt.timedelta(days=20), "half": dt.timedelta(days=40), "year": dt.timedelta(days=120),
    "decade": dt.timedelta(days=730), "century": dt.timedelta(days=3650),
}


def apply_modifier(interval: Interval, modifier: str | None) -> Interval:
    """Narrow (START/MID/END: thirds of the interval) or widen (APPROX) an interval.

    Thirds give "early January" days 1-10, "mid-September" 11-20 and "late" 21-end.
    """
    if modifier in ("START", "MID", "END"):
        return _third(interval, ("START", "MID", "END").index(modifier))
    if modifier == "APPROX":
        slack = _APPROX_SLACK.get(interval.precision, dt.timedelta(0))
        return Interval(interval.earliest - slack, interval.latest + slack, interval.precision)
    return interval


def _third(interval: Interval, index: int) -> Interval:
    earliest, latest = interval.earliest, interval.latest
    if isinstance(earliest, dt.datetime) or isinstance(latest, dt.datetime):
        return interval  # parts of an hour are finer than any news report
    total = (latest - earliest).days + 1
    if total < 3:
        return interval
    first = earliest + dt.timedelta(days=round(total * index / 3))
    last = earliest + dt.timedelta(days=round(total * (index + 1) / 3) - 1)
    return Interval(first, last, interval.precision)
