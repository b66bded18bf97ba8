"""Word tables and regex building blocks for the temporal tagger.

Kept apart from the rules in ``times.py`` so the rules read as sentences and the
vocabulary can grow without touching them.  Month and weekday names are matched
case-sensitively (capitalised) because lower-case "may", "march", "sun" and
"sat" are ordinary English words.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS: dict[str, int] = {  # ISO weekday numbers, as TimeML's XXXX-WXX-N uses them
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5,
    "saturday": 6, "sunday": 7, "mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4,
    "thurs": 4, "fri": 5, "sat": 6, "sun": 7,
}
SEASONS: dict[str, str] = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY: dict[str, str] = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
    "tonight": "NI", "daytime": "DT",
}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "1st": 1, "2nd": 2, "3rd": 3,
    "4th": 4, "final": 4, "last": 4,
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "a dozen": 12, "dozen": 12, "a couple of": 2, "a couple": 2, "couple of": 2,
    "a single": 1, "single": 1,
}
#: Quantities that say "some number of": TimeML writes them as X (P3Y -> PXY).
VAGUE_QUANTITIES = ("several", "a few", "few", "many", "some", "numerous", "a number of", "multiple")

#: unit word -> (TimeML designator, multiplier, needs the T of a time duration)
UNITS: dict[str, tuple[str, int, bool]] = {
    "second": ("S", 1, True), "minute": ("M", 1, True), "hour": ("H", 1, True),
    "day": ("D", 1, False), "night": ("D", 1, False), "week": ("W", 1, False),
    "weekend": ("WE", 1, False), "fortnight": ("W", 2, False), "month": ("M", 1, False),
    "quarter": ("M", 3, False), "year": ("Y", 1, False), "decade": ("Y", 10, False),
    "century": ("Y", 100, False),
}
UNIT_PLURALS = {"centuries": "century", "nights": "night"}

MONTH_RX = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
WEEKDAY_RX = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Tues\.|Wed\.|Thurs\.)"
# Short forms ("Tues 5 Nov", "Fri, Sept 13") only as part of a date: alone, "Sun", "Sat" and
# "Wed" are more often a newspaper or a verb than a day.
WEEKDAY_SHORT_RX = r"(?-i:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.?)"
WEEKDAYS_PLURAL_RX = r"(?-i:Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays)"
SEASON_RX = r"(?:spring|summer|fall|autumn|winter)"
PART_OF_DAY_RX = r"(?:morning|afternoon|evening|night)"
YEAR_RX = r"(?:1[5-9]\d\d|20\d\d)"
DAY_RX = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
UNIT_RX = (
    r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|fortnights?|months?|quarters?"
    r"|years?|decades?|century|centuries)"
)
NUMBER_WORD_RX = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
)
#: A count: digits, number words ("twenty-four", "twenty four"), "a", "a couple of", "several"...
NUMBER_RX = (
    rf"(?:(?:an?|one|three)[\s-]quarters?\s+of\s+an?|\d+(?:\.\d+)?|(?:{NUMBER_WORD_RX}|an?)\s+(?:hundred|thousand)|{NUMBER_WORD_RX}(?:[\s-]{NUMBER_WORD_RX})?|a\s+dozen|dozen|a\s+couple\s+of|couple\s+of|a\s+couple"
    r"|a\s+single|half\s+an?|a\s+half|an?|several|a\s+few|few|many|some|numerous|a\s+number\s+of|multiple)"
)
ORDINAL_RX = r"(?:first|second|third|fourth|1st|2nd|3rd|4th|final|last)"

#: Words after a 4-digit number that show it is a count or a measure, not a year.
NOT_YEAR_FOLLOWERS = re.compile(
    r"\s*(?:%|percent\b|per\s+cent\b|sq\b|square\b|km\b|kilomet|kms?\b|miles?\b|metres?\b|meters?\b"
    r"|feet\b|ft\b|tons?\b|tonnes?\b|kg\b|pounds?\b|dollars?\b|euros?\b|barrels?\b|acres?\b|hectares?\b"
    r"|[a-z]+-(?:strong|member)\b|-?(?:second|minute|hour|day|week|month|year)s?\b"
    r"|people\b|persons?\b|men\b|women\b|children\b|troops\b|soldiers\b|fighters\b|militants\b"
    r"|civilians\b|refugees\b|families\b|homes\b|houses\b|cases\b|deaths\b|votes\b|shares\b|units\b"
    r"|jobs\b|workers\b|employees\b|members\b|residents\b|prisoners\b|vehicles\b|cars\b|points?\b"
    r"|GMT\b|UTC\b|hrs\b|hours\s+GMT\b|times\b|calories\b|words\b|pages\b|rounds\b|rpm\b|mph\b|hz\b|mhz\b|mm\b|cm\b|[0-9]"
    r"|\)\s+(?:Bill|Act)\b)",  # "the Supplementary Supply (2021) Bill 2022": part of a title
)
#: A year written after a month, day or season ("29 May 1453", "the spring of 1066"): the date word
#: makes a number from 1000 on a year, where a bare number needs 1500 (see YEAR_RX) ...
DATED_YEAR_RX = r"(?:1\d\d\d|20\d\d)"
#: ... unless a count follows it ("in May 1200 people fled").
NOT_A_COUNT_AHEAD = rf"(?!{NOT_YEAR_FOLLOWERS.pattern})"

#: Words before a 4-digit number that show it is a price, a route, a flight...
NOT_YEAR_PRECEDERS = re.compile(
    r"(?:[$€£¥#№]|\bNo\.|\bno\.|\bnumber|\bRoute|\bFlight|\bflight|\bResolution|\bresolution|\bRoom"
    r"|\broom|\bModel|\bBoeing|\bAirbus|\bWindows|\bPage|\bpage|\bpp?\.|\bcode|\bCode|[0-9][.,:/]?"
    r"|\bAct|\bBill)\s*$"  # "the Security Offences Act 2012", "the Finance Bill 2022": titles (but "the Act of 1989" is a year)
)

#: Vehicle makes: "a 2011 Ford Taurus", "Kopp's 1987 Chevrolet Cavalier" give a model year, not a date.
VEHICLE_MAKE_AFTER = re.compile(
    r"\s+(?:Ford|Toyota|Honda|Chevrolet|Chevy|Dodge|Nissan|Jeep|BMW|Mercedes|Hyundai|Kia|Subaru|Volkswagen|VW"
    r"|GMC|Buick|Cadillac|Lexus|Mazda|Tesla|Chrysler|Audi|Volvo|Pontiac|Lincoln|Mitsubishi|Acura|Infiniti"
    r"|Porsche|Ferrari|Harley-Davidson|Freightliner|Peterbilt|Kenworth|Saturn|Oldsmobile|Plymouth|Mercury"
    r"|Land\s+Rover|Range\s+Rover|Jaguar|Fiat|Peugeot|Renault|Skoda|Vauxhall|Opel|Suzuki|Yamaha|Kawasaki"
    r"|Ducati|Isuzu|Lamborghini|Maserati|Bentley|Rolls-Royce)\b")

#: Capitalised words after a weekday that make it a name ("Sunday Times").
WEEKDAY_NAME_FOLLOWERS = {
    "times", "telegraph", "mirror", "express", "mail", "post", "herald", "independent", "observer",
    "sport", "star", "tribune", "world", "people", "night football", "school", "league",
}
#: Words before a bare month (May, March) that make it a date, not a name or a verb.
MONTH_CONTEXT_BEFORE = {
    "in", "since", "until", "till", "by", "during", "early", "mid", "late", "last", "next", "this",
    "before", "after", "from", "through", "to", "of", "that", "each", "every", "between", "and",
    "or", "throughout", "for", "on", "around", "past", "previous", "coming", "following", "end",
    "beginning", "middle", "start", "into", "late-", "early-", "mid-", "the", "as",
}
#: Bare months that are also common words or names: they need a date context.
AMBIGUOUS_MONTHS = {"may", "march", "jan", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


def parse_number(words: str) -> int | None:
    """'twenty-four' -> 24, '46' -> 46, 'a' -> 1; None for vague counts ('several')."""
    cleaned = re.sub(r"\s+", " ", words.strip().lower())
    if cleaned in VAGUE_QUANTITIES or cleaned.replace(" ", "") in ("afew",):
        return None
    if re.fullmatch(r"\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"\d+\.\d+", cleaned):
        return None  # fractional counts become X below; rare in news dates
    if cleaned in NUMBER_WORDS:
        return NUMBER_WORDS[cleaned]
    total = 0
    for part in re.split(r"[\s-]+", cleaned):
        if part == "thousand":
            total = max(total, 1) * 1000  # "two thousand", "a thousand"
        elif part == "hundred" and total:
            total *= 100
        elif part in NUMBER_WORDS:
            total += NUMBER_WORDS[part]
        else:
            return None
    return total


def unit_of(word: str) -> str:
    """Normalise a unit word: 'Years' -> 'year', 'centuries' -> 'century'."""
    lowered = word.lower()
    if lowered in UNIT_PLURALS:
        return UNIT_PLURALS[lowered]
    return lowered[:-1] if lowered.endswith("s") and lowered[:-1] in UNITS else lowered


def month_number(word: str) -> int:
    """'Sept.' -> 9."""
    return MONTHS[word.rstrip(".").lower()]


def weekday_number(word: str) -> int:
    """'Thurs.' -> 4, 'Fridays' -> 5 (ISO)."""
    key = word.rstrip(".").lower()
    if key.endswith("s") and key[:-1] in WEEKDAYS:
        key = key[:-1]
    return WEEKDAYS[key]


#: Holidays news dates events by (US-centred, as the TimeML corpora are): fixed days and rules.
FIXED_HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26),
    "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
    "the fourth of july": (7, 4), "july fourth": (7, 4), "halloween": (10, 31),
    "valentine's day": (2, 14), "veterans day": (11, 11), "armistice day": (11, 11),
}
#: (month, ISO weekday, nth occurrence; -1 = last) for holidays fixed by weekday.
WEEKDAY_HOLIDAYS: dict[str, tuple[int, int, int]] = {
    "thanksgiving": (11, 4, 4), "thanksgiving day": (11, 4, 4), "labor day": (9, 1, 1),
    "memorial day": (5, 1, -1), "martin luther king day": (1, 1, 3), "columbus day": (10, 1, 2),
}
HOLIDAY_RX = (
    r"(?-i:Christmas(?:\s+(?:Day|Eve))?|Boxing\s+Day|New\s+Year['’]?s\s+(?:Day|Eve)|Independence\s+Day"
    r"|the\s+Fourth\s+of\s+July|July\s+Fourth|Halloween|Valentine['’]s\s+Day|Veterans\s+Day|Armistice\s+Day"
    r"|Thanksgiving(?:\s+Day)?|Labor\s+Day|Memorial\s+Day|Martin\s+Luther\s+King\s+Day|Columbus\s+Day"
    r"|Election\s+Day|Easter(?:\s+Sunday)?|Good\s+Friday)(?![\w-])"
)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth (or last, -1) given ISO weekday of a month."""
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def easter(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def holiday_date(name: str, year: int) -> dt.date | None:
    """The day of a holiday (lower-case name as HOLIDAY_RX finds it) in a year."""
    if name in FIXED_HOLIDAYS:
        month, day = FIXED_HOLIDAYS[name]
        return dt.date(year, month, day)
    if name in WEEKDAY_HOLIDAYS:
        return _nth_weekday(year, *WEEKDAY_HOLIDAYS[name])
    if name == "election day":  # US: the Tuesday after the first Monday of November
        return _nth_weekday(year, 11, 1, 1) + dt.timedelta(days=1)
    if name in ("easter", "easter sunday"):
        return easter(year)
    if name == "good friday":
        return easter(year) - dt.timedelta(days=2)
    return None
