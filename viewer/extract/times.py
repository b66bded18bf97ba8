"""The temporal tagger: find temporal expressions in English news text and
normalise them to TimeML values and intervals.

Why hand-written rules instead of ``dateparser.search.search_dates``: on news
text search_dates invents dates from ordinary words ("we" -> a Wednesday,
"may", "53" -> 1953, "46-minute" -> 1946), returns "on January 10" as only
"January" with the day taken from the reference, gives a month a fake day and
has no notion of weeks, seasons, quarters, decades, durations or sets, so its
values almost never match TimeML.  It is also slow.  Finding is done here with
a few dozen compiled regular expressions whose groups already carry every
component of the date, so parsing a found expression needs no second parser
(``dateparser.parse`` would only re-derive the same numbers, and fills missing
parts from today, which is what we must not do).  The year of an
underspecified date ("in September") follows the tense of the words around it
in its sentence, judged from cue words (will/'ll/going to -> future, past-tense
verbs -> past): no spaCy needed, so tagging stays fast.

Public API: :func:`tag_times`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from viewer.extract import timex_calendar as cal
from viewer.extract import timex_lexicon as lex
from viewer.model import TimeSpan

__all__ = ["EARLIEST_REFERENCE", "LATEST_REFERENCE", "tag_times", "usable_reference"]


# ----------------------------------------------------------------- candidates


@dataclass
class _Cand:
    """A found expression before overlaps are resolved; keeps its parts for merging."""

    start: int
    end: int
    type: str
    value: str
    modifier: str | None = None
    needs_reference: bool = False
    time_of_day: str | None = None  # "T13:06" / "TAF" when the expression is only a clock time
    month: int | None = None
    day: int | None = None
    year_explicit: bool = False
    year_guessed: bool = False  # a month or day named without a year, placed by tense around the reference
    priority: int = 0
    #: How the value follows the temporal focus (the last date mentioned before it), see
    #: _resolve_against_focus: "back" (a year earlier, keeping the focus's granularity),
    #: "back_dct" (a year ago: the same, only while the focus is in the reference year),
    #: "same:<unit>" (that year, the quarter), "shift:<unit>:<n>" (the following year).
    anchor: str | None = None


# ---------------------------------------------------------------------- tense

_FUTURE_CUE = (
    r"will|shall|won't|wo|'ll|’ll|going\s+to|expected\s+to|expects\s+to|plans?\s+to|planned\s+for|scheduled|slated|due\s+to|(?:is|are)\s+due|set\s+to|intends?\s+to|aims?\s+to|upcoming|next(?!\s+to\b)|tomorrow|would|expects?|expire|expires|effective|payable|deadline|supposed\s+to|to\s+be\s+completed|until"
    r"|(?:planned|planning|hopes?|hoped|hoping|wants?|wanted|agreed|agrees|promised|promises|vowed|vows|threatened"
    r"|threatens|intended|decided|decides|asked|invited|ordered|urged|prepared|preparing|ready|able)\s+to"
    r"|(?:is|are)\s+(?:not\s+)?(?:expected|forecast|predicted|projected)|expecting|forecasts?|begins?|starts?|opens|resumes?|reopens?|takes?\s+effect|kicks?\s+off|gets?\s+under\s+way"
    r"|ends|closes|meets|(?:re)?convenes|concludes|wraps\s+up|arrives|departs|(?:leaves|heads|travels|flies)\s+(?:for|to)|goes\s+into\s+effect"
    r"|(?:has|have)\s+been\s+(?:arranged|scheduled|planned|set|fixed|slated|called|convened|rescheduled)"
    r"|of\s+record|planned|planning|as\s+soon\s+as|as\s+early\s+as|(?:is|are)\s+(?:due\s+)?to(?=\s+[a-z]+\b)"
)
_PAST_INTENT = re.compile(r"[a-z]+ed\s+to\b", re.I)  # "agreed to", "decided to": past verbs of intent
_PAST_IRREGULAR = (
    "was|were|had|did|said|told|ago|last|yesterday|went|took|came|fled|made|got|left|began|saw|held|"
    "fought|stood|knew|found|met|gave|led|ran|won|lost|fell|rose|sent|spent|brought|bought|sold|kept|"
    "paid|heard|thought|felt|became|broke|wrote|spoke|chose|drove|flew|grew|threw|struck|shot|sought|"
    "caught|taught|drew|hid|slid|swore|wore|woke|meant|dealt|built|lent|fought|withdrew|overthrew|"
    "been"
)
_TENSE_CUES = re.compile(
    rf"(?P<future>\b(?:{_FUTURE_CUE})\b)|(?P<modal>\b(?:could|might|may)(?=\s+(?!not\b|be\b|have\b|never\b)[a-z]+\b))|(?P<past>\b(?:{_PAST_IRREGULAR}|[a-z]{{3,}}ed)\b)|(?P<present>\b(?:is|are|am)\b)",
    re.I,
)
_NOT_PAST_ED = {"need", "indeed", "proceed", "succeed", "exceed", "hundred", "speed", "breed", "embed",
                "sacred", "naked", "wicked", "kindred", "bed", "red", "shed", "feed", "seed", "based",
                "alleged", "armed", "united", "related", "supposed", "concerned", "detailed", "limited",
                "advanced", "experienced", "interested", "unprecedented", "unexpected", "unnamed"}
_PERIOD_TO_BEFORE = re.compile(r"\b(?:year|months|weeks|quarter|period|half)\s+to\s+$", re.I)  # "the year to March"
_DEADLINE_BEFORE = re.compile(r"\b(?:by|until|till|through|to)\s+$", re.I)
_ADJECTIVE_PLANNED = re.compile(r"planned|scheduled", re.I)
_ADVERB_BEFORE = re.compile(r"\b[a-z]+ly\s+$", re.I)
_PLAN_IN_THE_PAST_BEFORE = re.compile(
    r"\b(?:had|had\s+been|previously)\s+(?:(?:due|scheduled|set|slated|expected|planned)\s+to\s+)?$", re.I)
_THAT_CLAUSE = re.compile(r"\bthat\b", re.I)
_DENIED_BEFORE = re.compile(r"\b(?:did\s+not|didn['’]t|never)\s+$", re.I)
_PASSIVE_BEFORE = re.compile(r"\b(?:be|being|is|are|am|to|will|would|could|can|may|might|should|must)\s+$", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n")
_ABBREVIATION_BEFORE = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Maj|No|Inc|Corp|Co|Ltd|vs|Jr|Sr|Prof|Rev|Mt|Ft|[A-Z])|\b[a-z]\.[a-z])$"
)


_GAME_WORDS = re.compile(
    r"\b(?:touchdowns?|halftime|half-time|field\s+goals?|interceptions?|quarterbacks?|free\s+throws?|rebounds|innings"
    r"|overtime|penalty\s+kicks?|scored|scoring|the\s+scoreboard|the\s+whistle|kick-?off|the\s+endzone|end\s+zone|three-pointers?)\b", re.I)
_MONEY_WORDS = re.compile(
    r"\b(?:revenue|profits?|earnings|sales|fiscal|per\s+share|dividends?|GDP|economy|inflation|quarterly)\b", re.I)


#: References the calendar arithmetic can count from (a century either way stays a valid date).
EARLIEST_REFERENCE, LATEST_REFERENCE = dt.date(100, 1, 1), dt.date(9899, 12, 31)


def usable_reference(reference: dt.date | dt.datetime | None) -> dt.date | dt.datetime | None:
    """The reference, or None when it is too near the ends of the calendar to count from."""
    if reference is None:
        return None
    return reference if EARLIEST_REFERENCE <= _as_day(reference) <= LATEST_REFERENCE else None


class _Context:
    """What the rules need to know about the text and the reference date."""

    def __init__(self, text: str, reference: dt.date | dt.datetime | None) -> None:
        self.text = text
        self.ref: dt.date | None = None
        self.ref_time: dt.datetime | None = None
        reference = usable_reference(reference)
        if isinstance(reference, dt.datetime):
            self.ref, self.ref_time = reference.date(), reference
        elif isinstance(reference, dt.date):
            self.ref = reference
        self._sentence_starts = self._find_sentence_starts(text)
        self._day_first: bool | None = None
        self._about_a_game: bool | None = None

    @property
    def day_first(self) -> bool:
        """Whether the text writes numeric dates day first (25/10/2024): true when it has a date
        only that reading allows and none only the month-first one allows. Written by hand
        because the choice is the document's, not one expression's (dateparser decides per string)."""
        if self._day_first is None:
            day_first = len(_DAY_FIRST_ONLY.findall(self.text))
            month_first = len(_MONTH_FIRST_ONLY.findall(self.text))
            self._day_first = day_first > 0 and month_first == 0
        return self._day_first

    @property
    def about_a_game(self) -> bool:
        """Whether the text reports a match ('touchdown', 'halftime', 'the second quarter'): its
        quarters and halves are periods of play, not of the calendar. Written by hand: no
        library knows, and the choice is the document's."""
        if self._about_a_game is None:
            self._about_a_game = False
            if sum(1 for _ in itertools.islice(_GAME_WORDS.finditer(self.text), 2)) == 2:  # most texts stop here
                sport = len(_GAME_WORDS.findall(self.text))
                self._about_a_game = sport > len(_MONEY_WORDS.findall(self.text))
        return self._about_a_game

    @staticmethod
    def _find_sentence_starts(text: str) -> list[int]:
        """Sentence starts from punctuation + capital or a line break, abbreviations aside."""
        starts = [0]
        for match in _SENTENCE_END.finditer(text):
            if match.group().startswith(".") and _ABBREVIATION_BEFORE.search(text, max(0, match.start() - 8), match.start()):
                continue
            starts.append(match.end())
        return starts

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._sentence_starts, start) - 1
        first = self._sentence_starts[max(index, 0)]
        after = bisect.bisect_right(self._sentence_starts, end)
        last = self._sentence_starts[after] if after < len(self._sentence_starts) else len(self.text)
        return first, last

    def tense(self, start: int, end: int) -> str | None:
        """'past', 'future' or 'present' from the cue word nearest the expression in its sentence."""
        return self.tense_cue(start, end)[0]

    def tense_cue(self, start: int, end: int, deadlines: bool = True) -> tuple[str | None, int]:
        """The tense and how many characters away its cue is (0 when a verb governs it directly)."""
        if (deadlines and _DEADLINE_BEFORE.search(self.text, max(0, start - 10), start)
                and not _PERIOD_TO_BEFORE.search(self.text, max(0, start - 16), start)):
            return None, 0  # "extended to Nov. 20", "by Jan. 14": a deadline, whatever the verb's tense
        first, last = self.sentence_bounds(start, end)
        best: tuple[int, str, int] | None = None  # (rank, tense, distance)
        future_before = False  # a future cue before the expression, no strong past cue since
        for match in _TENSE_CUES.finditer(self.text, first, last):
            if start <= match.start() < end:
                continue
            if match.group().lower() in ("until", "till") and not self.text[match.end():start].strip():
                continue  # the "until" of the expression itself says nothing of the verb's tense
            if match.group().lower() == "deadline" and match.start() >= end and not self.text[end:match.start()].strip():
                continue  # "by the Tuesday deadline": the date names the deadline, the verb gives the tense
            kind = match.lastgroup or ""
            if kind == "modal":
                if match.start() >= end or match.group()[0] == "M":
                    continue  # "warned on Thursday that strikes could...": the clause after says nothing
                kind = "future"  # "rivers could burst their banks by Sunday" (not "could not be reached")
            if kind == "future" and match.start() >= end and _THAT_CLAUSE.search(self.text, end, match.start()):
                continue  # "assured him in May that the Duma would act": the clause after says nothing of May
            if kind == "future" and _ADJECTIVE_PLANNED.fullmatch(match.group()) and _ADVERB_BEFORE.search(
                    self.text, max(0, match.start() - 20), match.start()):
                continue  # "the hastily planned trip": an adjective, not the verb of the sentence
            if kind == "future" and _PLAN_IN_THE_PAST_BEFORE.search(self.text, max(0, match.start() - 40), match.start()):
                kind = "past"  # "had been due to expire Friday", "as previously planned": a plan already past
            if kind == "future" and match.start() >= end and _PAST_INTENT.match(match.group()) and not self.text[end:match.start()].strip():
                kind = "past"  # "Roth on Thursday agreed to plead guilty": the date is the agreeing's
            if kind == "future" and _DENIED_BEFORE.search(self.text, max(0, match.start() - 12), match.start()):
                kind = "past"  # "the talks did not resume Tuesday"
            if kind == "past" and not self._is_past_cue(match):
                continue
            if match.end() <= start:
                if kind == "future":
                    future_before = True
                elif kind == "past" and not match.group().lower().endswith("ed"):
                    future_before = False
            distance = start - match.end() if match.end() <= start else match.start() - end
            between = self.text[match.end():start] if match.end() <= start else self.text[end:match.start()]
            rank = (distance + 1000) if "," in between else distance  # a cue in the same clause first
            if best is None or rank < best[0]:
                best = (rank, kind, distance)
        if best is not None and best[2] <= 2 and best[1] == "past":
            return "past", 0  # "announced Wednesday", "said Friday": the verb right before governs
        if future_before:
            return "future", best[2] if best else 0  # "said it will redeem the shares on Oct. 31"
        return (best[1], best[2]) if best else (None, 0)

    def _is_past_cue(self, match: re.Match[str]) -> bool:
        word = match.group().lower()
        if word in _NOT_PAST_ED:
            return False
        if _PASSIVE_BEFORE.search(self.text, max(0, match.start() - 12), match.start()):
            # "will be paid", "is expected", "to have": a participle or infinitive, not a past verb
            return False
        return True


# ---------------------------------------------------------- regex components

_REL = r"this\s+past|this|last|next|past|previous|coming|following|current|the\s+(?:past|last|next|previous|coming|following|current|latest|same|present)"
_MODP = (
    r"(?:(?P<mod>(?:the\s+)?(?:very\s+)?(?:(?:early|earlier|mid|late|later|end)(?:\s+(?:part\s+)?of)?"
    r"|(?:middle|beginning|start|close)\s+of))(?:\s+|\s*[-–‐‑]\s*))?"
)
_APPROXP = (
    r"(?:(?P<approx>about|around|approximately|roughly|circa|c\.|ca\.|nearly|almost|some|more\s+than|less\s+than|over|"
    r"at\s+least|up\s+to|under|fewer\s+than|no\s+more\s+than|at\s+most|just|only|barely)\s+)?"
)
_WD_OPT = rf"(?:(?P<wd>{lex.WEEKDAY_RX}|{lex.WEEKDAY_SHORT_RX}),?\s+(?:the\s+)?)?"
_YEAR_TAIL = rf"(?:(?:,\s*|\s+)(?:of\s+)?(?P<year>{lex.DATED_YEAR_RX})(?![\d,]\d){lex.NOT_A_COUNT_AHEAD})?"
_DAY = rf"(?P<day>{lex.DAY_RX})(?!\d)"

_MOD_WORDS = {
    "early": "START", "earlier": "START", "beginning": "START", "start": "START",
    "mid": "MID", "middle": "MID", "late": "END", "later": "END", "end": "END", "close": "END",
}
_APPROX_WORDS = {
    "about": "APPROX", "around": "APPROX", "approximately": "APPROX", "roughly": "APPROX", "some": "APPROX",
    "circa": "APPROX", "c.": "APPROX", "ca.": "APPROX",
    "nearly": "LESS_THAN", "almost": "LESS_THAN", "less than": "LESS_THAN", "under": "LESS_THAN",
    "fewer than": "LESS_THAN", "up to": "EQUAL_OR_LESS", "no more than": "EQUAL_OR_LESS",
    "at most": "EQUAL_OR_LESS", "more than": "MORE_THAN", "over": "MORE_THAN", "at least": "EQUAL_OR_MORE",
    "just": None, "only": None, "barely": None,
}


def _modifier(match: re.Match[str]) -> str | None:
    """The TimeML mod of a match's 'early/mid/late' or 'about/over' prefix."""
    groups = match.groupdict()
    if groups.get("mod"):
        words = re.findall(r"[a-z]+", groups["mod"].lower())
        for word in words:
            if word in _MOD_WORDS:
                return _MOD_WORDS[word]
    if groups.get("approx"):
        return _APPROX_WORDS.get(re.sub(r"\s+", " ", groups["approx"].lower()))
    return None


def _approx_words_only(match: re.Match[str]) -> bool:
    """True when the only prefix is a hedge like "just"/"only" that TimeML leaves outside."""
    approx = match.groupdict().get("approx")
    return bool(approx) and approx.lower() in ("just", "only", "barely", "some", "over", "under")


# ------------------------------------------------------------ anchoring rules


def _unknown_value(precision: str) -> str:
    """What TimeML writes for an underspecified value of a precision, e.g. 'XXXX-XX'."""
    return {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX",
            "quarter": "XXXX-QX", "season": "XXXX-XX", "decade": "XXX"}.get(precision, "XXXX")


def _year_for_month(ctx: _Context, month: int, start: int, end: int) -> int | None:
    """The year of a month named without one, from tense: past -> latest not after the reference."""
    if ctx.ref is None:
        return None
    ref, tense = ctx.ref, ctx.tense(start, end)
    if _after_since(ctx.text, start):
        return ref.year if month <= ref.month else ref.year - 1  # "met 11 times since January": always past
    if tense == "future" and _governed_by_a_past_verb(ctx.text, start):
        tense = "past"  # "it would cut jobs under a plan announced in February": the plan is past
    if tense == "future":
        return ref.year if month >= ref.month else ref.year + 1
    if tense == "past":
        if 0 < (month - ref.month) % 12 <= 2 and not _PAST_VERB_GOVERNS.search(ctx.text, max(0, start - 30), start):
            # "in September" written in August: the coming one, whatever the verb
            return ref.year if month > ref.month else ref.year + 1
        return ref.year if month <= ref.month else ref.year - 1
    diff = month - ref.month
    return ref.year - 1 if diff > 6 else ref.year + 1 if diff < -6 else ref.year


_SINCE_BEFORE = re.compile(r"\bsince\s+(?:(?:early|late|mid)[\s-]+)?$", re.I)


def _after_since(text: str, start: int) -> bool:
    """'since January', 'since 20 December', 'since Christmas': a start that lies in the past."""
    return _SINCE_BEFORE.search(text, max(0, start - 16), start) is not None


def _governed_by_a_past_verb(text: str, start: int) -> bool:
    """'announced in February', not 'will be announced in February' (a participle after 'be')."""
    match = _PAST_VERB_GOVERNS.search(text, max(0, start - 30), start)
    return match is not None and not _PASSIVE_BEFORE.search(text, max(0, match.start() - 12), match.start())


#: "was in January", "met on the second Monday of January": a past verb right before the
#: preposition of a month places it in the past, even a month or two ahead of the reference.
_PAST_VERB_GOVERNS = re.compile(
    rf"\b(?:was|were|had\s+been|{_PAST_IRREGULAR}|[a-z]{{3,}}ed)\s+(?:(?:on|in)\s+)(?:(?:early|late|mid-?)\s*)?(?:the\s+[a-z]+\s+[A-Z][a-z]+\s+(?:of|in)\s+)?$")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year_for_day(ctx: _Context, month: int, day: int, start: int, end: int) -> int | None:
    """The year of 'January 10' without a year: past -> not after the reference, future -> not before."""
    if ctx.ref is None:
        return None
    ref, (tense, cue_distance) = ctx.ref, ctx.tense_cue(start, end)
    here = _safe_date(ref.year, month, day) or _safe_date(ref.year, month, 28)
    assert here is not None
    if _after_since(ctx.text, start):
        return ref.year if here <= ref else ref.year - 1  # "risen since 20 December": always past
    options = [ref.year - 1, ref.year, ref.year + 1]
    nearest = min(options, key=lambda y: abs(((_safe_date(y, month, min(day, 28))) - ref).days))
    if tense == "future":
        year = ref.year if here >= ref else ref.year + 1
    elif tense == "past":
        year = ref.year if here <= ref else ref.year - 1
    else:
        return nearest
    if cue_distance > _GOVERNING_CUE_DISTANCE and _tense_pick_is_far(ref, month, min(day, 28), year, nearest):
        return nearest
    return year


_GOVERNING_CUE_DISTANCE = 4  # "met on March 3": a cue this close is the verb of the date itself


def _tense_pick_is_far(ref: dt.date, month: int, day: int, picked: int, nearest: int) -> bool:
    """True when tense put a day almost a year away although the same day lies weeks away.

    News names a date without its year when it is close ("the Aug. 7 blasts", "will
    testify on Feb. 10"); a tense cue read from the wrong verb is the likelier error.
    """
    far = abs((_safe_date(picked, month, day) - ref).days)  # type: ignore[operator]
    near = abs((_safe_date(nearest, month, day) - ref).days)  # type: ignore[operator]
    return far > 300 and near <= 45


def _weekday_date(ctx: _Context, weekday: int, rel: str, start: int, end: int) -> dt.date | None:
    """The day a weekday name refers to: 'last'/past tense -> before, 'next'/future -> after."""
    if ctx.ref is None:
        return None
    ref = ctx.ref
    back = (ref.isoweekday() - weekday) % 7
    ahead = (weekday - ref.isoweekday()) % 7
    if rel in ("last", "past", "previous"):
        return ref - dt.timedelta(days=back or 7)
    if rel in ("next", "coming", "following"):
        return ref + dt.timedelta(days=ahead or 7)
    if rel == "this":  # "OPEC ministers meet this Sunday": the day in the reference's week
        this_week = ref + dt.timedelta(days=weekday - ref.isoweekday())
        if this_week < ref and ctx.tense(start, end) == "future":
            return ref + dt.timedelta(days=ahead)  # "will visit this Monday", said on a Saturday
        return this_week
    if (_LOOKING_AHEAD_TO.search(ctx.text, max(0, start - 60), start) or _SET_FOR_BEFORE.search(ctx.text, max(0, start - 50), start)
            or _DIRECTED_TO_BEFORE.search(ctx.text, max(0, start - 70), start)):
        return ref + dt.timedelta(days=ahead)  # "ahead of Sunday's vote": the coming Sunday
    if ctx.text.startswith(("'s", "’s"), end):
        return ref - dt.timedelta(days=back)  # "Wednesday's ruling": what a report recounts has happened
    tense = ctx.tense(start, end)
    if tense is None and _BY_BEFORE.search(ctx.text, max(0, start - 4), start):
        tense = ctx.tense_cue(start, end, deadlines=False)[0]  # "expect a decision by Friday"
    if _UNTIL_BEFORE.search(ctx.text, max(0, start - 12), start) and (
            _DEFERRED_BEFORE.search(ctx.text, max(0, start - 40), start)
            or ctx.tense_cue(start, end, deadlines=False)[0] != "past"):
        return ref + dt.timedelta(days=ahead)  # "postponed until Tuesday": a day still to come
    if tense == "future":
        return ref + dt.timedelta(days=ahead)
    if tense == "present" and ahead < back:
        return ref + dt.timedelta(days=ahead)
    return ref - dt.timedelta(days=back)


_UNTIL_BEFORE = re.compile(r"\b(?:until|till|through|thru)\s+$", re.I)
_BY_BEFORE = re.compile(r"\bby\s+$", re.I)
_LOOKING_AHEAD_TO = re.compile(  # "ahead of Sunday's vote", "on the eve of Michigan's game on Saturday"
    r"\b(?:(?:ahead\s+of|(?:run|lead)-up\s+to|(?:on\s+)?the\s+eve\s+of)|the\s+eve\s+of\s+(?:[\w'’-]+\s+){1,4}?on)\s+$", re.I)
_DEFERRED_BEFORE = re.compile(
    r"\b(?:postpone|delay|adjourn|extend|defer|suspend|put\s+off|push(?:ed)?\s+back)\w*(?:\s+\w+){0,2}\s+(?:until|till)\s+$", re.I)
_DIRECTED_TO_BEFORE = re.compile(  # "ordered jurors to return Wednesday": what someone is told to do lies ahead
    r"(?<!was\s)(?<!were\s)\b(?:ordered|urged|instructed|summoned|invited)\s+(?:[\w'’-]+\s+){0,3}?to\s+[a-z]+"
    r"(?:\s+[\w'’-]+){0,3}?\s+(?:on\s+)?$", re.I)
_SET_FOR_BEFORE = re.compile(  # "a new launch attempt was set for 8:47 p.m. Saturday": a plan looks ahead
    r"\b(?:(?:re)?set|(?:re)?scheduled|slated|moved|postponed|delayed|pushed\s+back)\s+(?:for|to|until)\s+"
    r"(?:\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?m\.?\s+(?:[A-Z]{3}\s+)?)?$", re.I)


def _rel_word(raw: str | None) -> str:
    """'the past' -> 'past'; None -> ''."""
    if not raw:
        return ""
    return raw.lower().split()[-1]


def _rel_offset(rel: str) -> int | None:
    return {"this": 0, "current": 0, "present": 0, "same": 0, "latest": -1, "last": -1, "past": -1,
            "previous": -1, "next": 1, "coming": 1, "following": 1}.get(rel)


# --------------------------------------------------------------------- rules

Handler = Callable[[re.Match[str], _Context], "list[_Cand] | _Cand | None"]


def _date_cand(match: re.Match[str], ctx: _Context, month: int, day: int | None, year: int | None,
               start: int | None = None) -> _Cand | None:
    """A DATE for month/day with or without year, resolved against the reference."""
    start = match.start() if start is None else start
    explicit = year is not None
    if year is None:
        year = (_year_for_day(ctx, month, day, start, match.end()) if day
                else _year_for_month(ctx, month, start, match.end()))
    if day is not None and year is not None and _safe_date(year, month, day) is None:
        return None
    if year is None:
        value = f"XXXX-{month:02d}" + (f"-{day:02d}" if day else "")
    else:
        value = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    return _Cand(match.start(), match.end(), "DATE", value, _modifier(match), year is None,
                 month=month, day=day, year_explicit=explicit, year_guessed=not explicit and year is not None)


def _day_number(raw: str) -> int:
    return int(re.match(r"\d+", raw).group())  # type: ignore[union-attr]


def _on_month_day(match: re.Match[str], ctx: _Context) -> _Cand | None:
    day = _day_number(match["day"])
    month = lex.month_number(match["month"])
    year = int(match["year"]) if match["year"] else None
    rel = match.groupdict().get("rel")
    if year is None and rel and ctx.ref is not None:
        year = _year_of_last_or_next(ctx.ref, month, day, rel.lower())
        cand = _date_cand(match, ctx, month, day, year)
        if cand is not None:
            cand.year_explicit = False
        return cand
    if year is None and match.groupdict().get("wd") and ctx.ref is not None:
        year = _year_fitting_weekday(ctx.ref, month, day, lex.weekday_number(match["wd"]))
        cand = _date_cand(match, ctx, month, day, year)
        if cand is not None:
            cand.year_explicit = False
        return cand
    return _date_cand(match, ctx, month, day, year)


def _year_of_last_or_next(ref: dt.date, month: int, day: int, rel: str) -> int:
    """'last Oct. 23': the latest such day before the reference; 'next May 1': the first after."""
    this_year = _safe_date(ref.year, month, min(day, 28))
    assert this_year is not None
    if rel == "last":
        return ref.year if this_year < ref else ref.year - 1
    return ref.year if this_year > ref else ref.year + 1


def _year_fitting_weekday(ref: dt.date, month: int, day: int, weekday: int) -> int | None:
    """'Saturday, April 25': the year nearest the reference in which that day is that weekday.

    The weekday settles the year better than tense does; None (tense decides) when
    no nearby year fits, e.g. a misprinted weekday.
    """
    fitting = [year for year in (ref.year, ref.year - 1, ref.year + 1)
               if (day_date := _safe_date(year, month, day)) is not None and day_date.isoweekday() == weekday]
    return fitting[0] if fitting else None


def _on_day_range(match: re.Match[str], ctx: _Context) -> list[_Cand] | None:
    """'10-12 January', 'January 10-12, 2018', 'April 24 and 25': both ends, each a full date.

    TimeML tags the two ends of a range separately; the first end borrows the
    month and year written once after (or before) the second.
    """
    suffix = "" if match["month"] else "2"  # which alternative matched: "10-12 January" or "January 10-12"
    month = lex.month_number(match["month" + suffix])
    day1 = _day_number(match["d1" if not suffix else "d1b"])
    day2 = _day_number(match["d2" if not suffix else "d2b"])
    if not (1 <= day1 <= 31 and 1 <= day2 <= 31) or day1 >= day2:
        return None
    raw_year = match["year" + suffix]
    year = int(raw_year) if raw_year else None
    second = _date_cand(match, ctx, month, day2, year, start=match.start("second" + suffix))
    if second is None:
        return None
    second.start = match.start("second" + suffix)
    return [_another_day_of(second, match.start(), match.end("first" + suffix), day1), second]


def _another_day_of(date: _Cand, start: int, end: int, day: int) -> _Cand:
    """The '10' of '10-12 January' or '10, 11 and 12 January': the date's month and year, and
    however that year was found, with another day."""
    return _Cand(start, end, "DATE", f"{date.value[:8]}{day:02d}", None, date.needs_reference, month=date.month,
                 day=day, year_explicit=date.year_explicit, year_guessed=date.year_guessed)


def _on_day_list(match: re.Match[str], ctx: _Context) -> list[_Cand] | None:
    """'on 15, 16 and 18 October': every day of the list, each a full date with the month and
    year written once after the last."""
    last = _on_month_day(match, ctx)
    if last is None:
        return None
    last.start = match.start("last")
    firsts = list(re.finditer(r"\d+", ctx.text[match.start():match.start("last")]))
    days = [_day_number(item.group()) for item in firsts] + [last.day or 0]
    if any(later <= earlier for earlier, later in zip(days, days[1:])) or not 1 <= days[0]:
        return None  # "5, 3 and 2 March" is no list of days
    return [_another_day_of(last, match.start() + item.start(), match.start() + item.end(), day)
            for item, day in zip(firsts, days)] + [last]


def _on_month_year(match: re.Match[str], ctx: _Context) -> _Cand | None:
    return _date_cand(match, ctx, lex.month_number(match["month"]), None, int(match["year"]))


_DAY_FIRST_ONLY = re.compile(r"(?<![\d/])(?:1[3-9]|2\d|3[01])/(?:1[0-2]|0?[1-9])/(?:\d{4}|\d\d)(?![\d/])")
_MONTH_FIRST_ONLY = re.compile(r"(?<![\d/])(?:1[0-2]|0?[1-9])/(?:1[3-9]|2\d|3[01])/(?:\d{4}|\d\d)(?![\d/])")


def _on_numeric_date(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'10/25/2024', '25/10/2024', '25.10.2024': a slashed date whose parts could be read either
    way (03/10/2024) is read as the rest of the text writes its dates, month first by default."""
    year = int(match["year"])
    if year < 100:
        year += 1900 if year >= 50 else 2000
    first, second = int(match["month"]), int(match["day"])
    month, day = (second, first) if match.groupdict().get("slash") and ctx.day_first and second <= 12 else (first, second)
    if month > 12:
        month, day = day, month  # "25/10/2024": only day first makes sense
    cand = _date_cand(match, ctx, month, day, year)
    if cand and match.groupdict().get("hh"):
        cand.type, cand.value = "TIME", f"{cand.value}T{match['hh']}:{match['mm']}"
    return cand


def _month_has_date_context(match: re.Match[str], ctx: _Context) -> bool:
    """A bare month name is a date only after 'in/since/last...' or when it cannot be a name."""
    if match["mod"] or match["rel"]:
        return True
    if match["month"].lower() in _BARE_ABBREVIATIONS and re.match(r"\s[A-Z][a-z]", ctx.text[match.end():match.end() + 3]):
        return False  # "Jan Kavan": an abbreviation without its full stop, before a name
    before = ctx.text[max(0, match.start() - 40):match.start()]
    words = re.findall(r"[A-Za-z]+", before)
    previous_word = words[-1].lower() if words and re.search(r"[A-Za-z]+[\s,]*$", before) else ""
    if previous_word in lex.MONTH_CONTEXT_BEFORE:
        return True
    if previous_word in _RANGE_WORDS and _MONTH_ANYWHERE.search(before):
        return True  # "from April to May"
    if match["month"].rstrip(".").lower() in lex.AMBIGUOUS_MONTHS:
        return False
    after = ctx.text[match.end():match.end() + 2]
    return not re.match(r"\s[A-Z]", after)  # "April Ryan", "June Carter" are names


_BARE_ABBREVIATIONS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
_RANGE_WORDS = {"to", "and", "or", "through", "until", "till"}
_MONTH_ANYWHERE = re.compile(lex.MONTH_RX)


def _on_month(match: re.Match[str], ctx: _Context) -> _Cand | None:
    if not _month_has_date_context(match, ctx):
        return None
    month = lex.month_number(match["month"])
    rel = _rel_word(match["rel"])
    if rel and ctx.ref is not None:
        ref = ctx.ref
        if rel in ("last", "past", "previous"):
            year = ref.year if month < ref.month else ref.year - 1
        elif rel in ("next", "coming", "following"):
            year = ref.year if month > ref.month else ref.year + 1
        else:
            year = ref.year
        cand = _date_cand(match, ctx, month, None, year)
        if cand:
            cand.year_explicit = False
        return cand
    return _date_cand(match, ctx, month, None, None)


def _year_is_a_number(match: re.Match[str], ctx: _Context) -> bool:
    """'$2014', 'Flight 1549', '2000 troops', '1,500': a count or a code, not a year."""
    if lex.NOT_YEAR_FOLLOWERS.match(ctx.text, match.end()):
        return True
    if match["mod"] or match["approx"] or match["fiscal"]:
        return False
    before = ctx.text[max(0, match.start() - 12):match.start()]
    if _YEAR_LIST_BEFORE.search(before):
        return False  # "in 1994, 1995 and 1997"
    if _STREET_AFTER.match(ctx.text, match.end()) and not _YEAR_PREPOSITION_BEFORE.search(before):
        return True  # "at 1600 Pennsylvania Avenue", not "in 2015 Oxford Street was closed"
    if lex.VEHICLE_MAKE_AFTER.match(ctx.text, match.end()) and not _YEAR_PREPOSITION_BEFORE.search(before):
        return True  # "a 2011 Ford Taurus", not "in 2015 Ford recalled its trucks"
    return bool(lex.NOT_YEAR_PRECEDERS.search(before))


_YEAR_LIST_BEFORE = re.compile(rf"(?<![\d,.$£€]){lex.YEAR_RX},\s+$")
_STREET_AFTER = re.compile(r"\s+(?:[A-Z][a-z]*\.?\s+){1,3}(?:Avenue|Ave|Street|St|Road|Rd|Boulevard|Blvd|Lane|Drive|Dr|Way|Place|Square)\b")
_YEAR_PREPOSITION_BEFORE = re.compile(r"\b(?:in|by|since|until|from|before|after|during|of)\s+$", re.I)


def _on_year(match: re.Match[str], ctx: _Context) -> _Cand | None:
    if _year_is_a_number(match, ctx):
        return None
    start = match.start("year") if _approx_words_only(match) else match.start()
    return _Cand(start, match.end(), "DATE", match["year"], _modifier(match), year_explicit=True)


#: Before 1500 a bare four-digit number is more often a count than a year, so an early year
#: needs a word that only a date takes ("in 1453", "since 1066", "circa 1200").
_EARLY_YEAR_BEFORE = r"(?:in|since|until|till|before|after|circa|c\.|ca\.|the\s+year)"  # rules match any case


def _on_early_year(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'fell in 1453', 'since 1066': a year before 1500 after a preposition that dates it."""
    if lex.NOT_YEAR_FOLLOWERS.match(ctx.text, match.end()):
        return None  # "in 1200 cases"
    approx = match["pre"].lower().rstrip() in ("circa", "c.", "ca.")
    start = match.start() if approx else match.start("year")
    return _Cand(start, match.end(), "DATE", match["year"], "APPROX" if approx else None, year_explicit=True)


_AMOUNT_AFTER = re.compile(r"\s*(?:billion|million|thousand|bn|m)\b|[.,]\d", re.I)


def _on_era_year(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'AD 79', '1066 CE': an explicit era makes any number up to four digits a year."""
    year = int(match["year"] or match["year2"])
    if year == 0 or _AMOUNT_AFTER.match(ctx.text, match.end()):
        return None  # "AD 5 billion": an amount
    return _Cand(match.start(), match.end(), "DATE", f"{year:04d}", year_explicit=True)


def _on_fiscal_year_code(match: re.Match[str], ctx: _Context) -> _Cand:
    """'FY2024', 'FY 2023', 'FY24': business shorthand for a fiscal year, valued as that year
    (the way TimeML values "fiscal 1988"); two digits are this century's."""
    digits = match["fy"]
    year = int(digits) if len(digits) == 4 else 2000 + int(digits)
    return _Cand(match.start(), match.end(), "DATE", str(year), year_explicit=True)


def _on_short_year_after_year(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'the 1980-88 war', 'the 2012-13 season': the two-digit end takes the first year's century."""
    first = int(ctx.text[match.start() - 5:match.start() - 1])
    year = first // 100 * 100 + int(match["yy"])
    if year <= first:
        year += 100
    if year - first > 30:
        return None  # "1998-04": a year and a month, or a code
    return _Cand(match.start(), match.end(), "DATE", str(year), year_explicit=True)


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}


def _short_year(digits: str, ctx: _Context) -> int:
    """'69 in "the summer of '69": the latest such year not after the reference (2000 without one)."""
    ref_year = ctx.ref.year if ctx.ref else 2000
    century = ref_year // 100 if int(digits) <= ref_year % 100 else ref_year // 100 - 1
    return century * 100 + int(digits)


def _on_decade(match: re.Match[str], ctx: _Context) -> _Cand | None:
    if match["dec"] and match["dec"].endswith("00") and int(match["dec"]) < 2000:
        value = match["dec"][:2]  # "the 1800s" is the century of years 18xx, not its first decade
    elif match["dec"]:
        value = match["dec"][:3]
    else:
        tens = int(match["dec2"][0]) if match["dec2"] else _DECADE_WORDS[match["decw"].lower()]
        value = f"{_short_year(f'{tens}0', ctx):04d}"[:3]
    return _Cand(match.start(), match.end(), "DATE", value, _modifier(match))


def _on_century(match: re.Match[str], ctx: _Context) -> _Cand | None:
    raw = match["c"].lower()
    number = lex.ORDINALS.get(raw) or int(re.match(r"\d+", raw).group())  # type: ignore[union-attr]
    return _Cand(match.start(), match.end(), "DATE", f"{number - 1:02d}", _modifier(match))


_SEASON_ORDER = ("SP", "SU", "FA", "WI")
_SEASON_CONTEXT_BEFORE = re.compile(
    r"\b(?:in|into|during|by|until|till|since|over|through|throughout|before|after|for|this|last|next|of|early|late|mid|that)\s+(?:the\s+)?$",
    re.I,
)


def _season_index(year: int, code: str) -> int:
    return year * 4 + _SEASON_ORDER.index(code)


#: "before winter comes", "when spring arrives": the season named as the subject of a present verb is ahead.
_SEASON_ARRIVES_AFTER = re.compile(r"\s+(?:comes|arrives|sets\s+in|approaches)\b", re.I)
_THAT_BEFORE = re.compile(r"\bthat\s+(?:same\s+)?$", re.I)


_DEADLINE_SEASON_BEFORE = re.compile(r"\b(?:until|till|by)\s+(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?$", re.I)


def _on_season(match: re.Match[str], ctx: _Context) -> _Cand | None:
    code = lex.SEASONS[match["season"].lower()]
    rel = _rel_word(match["rel"])
    if match["year"]:
        year = _short_year(match["year"][1:], ctx) if match["year"][0] in "'’" else int(match["year"])
        return _Cand(match.start(), match.end(), "DATE", f"{year:04d}-{code}", _modifier(match), year_explicit=True)
    if not (rel or match["mod"]) and not _SEASON_CONTEXT_BEFORE.search(ctx.text, max(0, match.start() - 20), match.start()):
        return None
    if match["season"].lower() == "fall" and not rel and re.match(r"\s+of\b", ctx.text[match.end():]):
        return None  # "the fall of Mosul"
    that = _THAT_BEFORE.search(ctx.text, max(0, match.start() - 12), match.start()) if not rel else None
    if that:  # "that autumn": the season of the year in focus
        cand = _Cand(that.start(), match.end(), "DATE", f"XXXX-{code}", _modifier(match), True, anchor=f"season:{code}")
        if ctx.ref is not None:
            cand.value, cand.needs_reference = f"{ctx.ref.year}-{code}", False
        return cand
    if ctx.ref is None:
        return _Cand(match.start(), match.end(), "DATE", f"XXXX-{code}", _modifier(match), True)
    current = _season_index(*cal.season_of(ctx.ref))
    same_code = [current + delta for delta in range(-4, 5) if (current + delta) % 4 == _SEASON_ORDER.index(code)]
    if rel in ("last", "past", "previous"):
        index = max(i for i in same_code if i < current)
    elif rel in ("next", "coming", "following"):
        index = min(i for i in same_code if i > current)
    elif rel in ("this", "current"):
        index = min(same_code, key=lambda i: (abs(i - current), i < current))
    else:
        tense = ctx.tense_cue(match.start(), match.end(), deadlines=False)[0]
        if _SEASON_ARRIVES_AFTER.match(ctx.text, match.end()):
            index = min(i for i in same_code if i > current)
        elif tense == "future" or (tense != "past" and _DEADLINE_SEASON_BEFORE.search(ctx.text, max(0, match.start() - 20), match.start())):
            index = min(i for i in same_code if i >= current)
        else:
            index = max(i for i in same_code if i <= current)
    return _Cand(match.start(), match.end(), "DATE", f"{index // 4}-{code}", _modifier(match), year_guessed=not rel)


def _quarter_value(ctx: _Context, quarter: int, year: int | None, rel: str, start: int, end: int) -> tuple[str, bool]:
    if year is not None:
        return f"{year}-Q{quarter}", False
    if ctx.ref is None:
        return f"XXXX-Q{quarter}", True
    ref_q = cal.quarter_of(ctx.ref)
    if rel in ("next", "coming"):
        return f"{ctx.ref.year if quarter >= ref_q else ctx.ref.year + 1}-Q{quarter}", False
    if quarter > ref_q and ctx.tense(start, end) == "future":
        return f"{ctx.ref.year}-Q{quarter}", False  # "expects fourth-quarter sales of $61 billion", said in July
    return f"{ctx.ref.year if quarter <= ref_q else ctx.ref.year - 1}-Q{quarter}", False


def _on_quarter(match: re.Match[str], ctx: _Context) -> _Cand | None:
    quarter = lex.ORDINALS[match["ord"].lower()]
    raw_year = match["year1"] or match["year2"]
    if not (raw_year or match["relyear"] or match["relyear0"]) and ctx.about_a_game:
        return None  # "at the start of the second quarter" of a game
    year = int(raw_year) if raw_year else None
    relyear = match["relyear"] or match["relyear0"]
    if year is None and relyear and ctx.ref is not None:
        year = ctx.ref.year + (_rel_offset(relyear.lower()) or 0)
    value, needs = _quarter_value(ctx, quarter, year, _rel_word(match["rel"]), match.start(), match.end())
    return _Cand(match.start(), match.end(), "DATE", value, _modifier(match), needs)


def _on_month_quarter(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'the September quarter', 'the June half (2024)': a company's period named by the month it
    ends in, as Australian and Indian business news writes them (calendar periods assumed)."""
    month = lex.month_number(match["month"])
    year = int(match["year"]) if match["year"] else None
    if match["period"].lower() == "half":
        half = 1 if month == 6 else 2
        if year is None and ctx.ref is not None:
            tense = ctx.tense(match.start(), match.end())
            if tense == "future":
                year = ctx.ref.year if half == 2 or ctx.ref.month <= 6 else ctx.ref.year + 1
            elif tense == "past":  # told as over: the last such half to have ended
                year = ctx.ref.year if half == 1 and ctx.ref.month >= 7 else ctx.ref.year - 1
            else:  # the current one, or the last
                year = ctx.ref.year if half == 1 or ctx.ref.month >= 7 else ctx.ref.year - 1
        return _Cand(match.start(), match.end(), "DATE", f"{year:04d}-H{half}" if year else f"XXXX-H{half}", None, year is None)
    value, needs = _quarter_value(ctx, month // 3, year, "", match.start(), match.end())
    return _Cand(match.start(), match.end(), "DATE", value, None, needs)


def _on_half(match: re.Match[str], ctx: _Context) -> _Cand | None:
    half = 1 if match["ord"].lower() in ("first", "1st") else 2
    if not (match["year"] or match["rel"]) and ctx.about_a_game:
        return None  # "scored early in the second half"
    if match["year"]:
        year: int | None = int(match["year"])
    elif ctx.ref is not None:
        year = ctx.ref.year + (_rel_offset(match["rel"].lower()) or 0) if match["rel"] else ctx.ref.year
    else:
        year = None
    value = f"{year}-H{half}" if year is not None else f"XXXX-H{half}"
    return _Cand(match.start(), match.end(), "DATE", value, None, year is None)


def _on_short_period(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'Q3', 'Q3 2018', 'H1 2019', 'first-half profit': quarters and half-years in business shorthand."""
    kind = "Q" if match["q"] else "H"
    number = int(match["q"] or match["h"] or (1 if (match["ord"] or "").lower().startswith(("first", "1")) else 2))
    raw_year = match["year"]
    if raw_year:
        year: int | None = int(raw_year) if len(raw_year.lstrip("'’")) == 4 else 2000 + int(raw_year.lstrip("'’"))
    elif ctx.ref is None:
        return _Cand(match.start(), match.end(), "DATE", f"XXXX-{kind}{number}", None, True)
    else:
        current = cal.quarter_of(ctx.ref) if kind == "Q" else (1 if ctx.ref.month <= 6 else 2)
        future = ctx.tense(match.start(), match.end()) == "future"
        year = ctx.ref.year
        if number > current and not future:
            year -= 1  # a quarter still to come in a past-tense report is last year's
        elif number < current and future:
            year += 1
    return _Cand(match.start(), match.end(), "DATE", f"{year}-{kind}{number}", year_explicit=bool(raw_year))


def _shift_value(ref: dt.date, unit: str, steps: int, ref_time: dt.datetime | None = None) -> str:
    """The TimeML value of the unit containing ``ref`` moved by ``steps`` units."""
    if unit in ("day", "night"):
        return (ref + dt.timedelta(days=steps)).isoformat()
    if unit in ("week", "fortnight"):
        return cal.week_value(ref + dt.timedelta(weeks=steps * (2 if unit == "fortnight" else 1)))
    if unit == "weekend":
        return cal.week_value(ref + dt.timedelta(weeks=steps)) + "-WE"
    if unit == "month":
        year, month = cal.add_months(ref.year, ref.month, steps)
        return f"{year:04d}-{month:02d}"
    if unit == "quarter":
        year, month = cal.add_months(ref.year, ref.month, 3 * steps)
        return f"{year:04d}-Q{(month - 1) // 3 + 1}"
    if unit == "year":
        return f"{ref.year + steps:04d}"
    if unit == "decade":
        return f"{ref.year // 10 + steps:03d}"
    if unit == "century":
        return f"{ref.year // 100 + steps:02d}"
    moment = ref_time or dt.datetime(ref.year, ref.month, ref.day, 12)
    seconds = {"hour": 3600, "minute": 60, "second": 1}[unit]
    moved = moment + dt.timedelta(seconds=seconds * steps)
    return moved.strftime("%Y-%m-%dT%H:%M") if ref_time else ref.isoformat()


_UNIT_PRECISION = {"day": "day", "night": "day", "week": "week", "fortnight": "week", "weekend": "week",
                   "month": "month", "quarter": "quarter", "year": "year", "decade": "decade",
                   "century": "year", "hour": "day", "minute": "day", "second": "day"}


def _duration_value(number: float | None, unit: str) -> str:
    """P3W, PT46M, P10Y for 'a decade', PXY for 'several years'."""
    designator, multiplier, is_time = lex.UNITS[unit]
    prefix = "PT" if is_time else "P"
    if unit == "weekend":
        designator, multiplier = "D", 2
    if number is None:
        if unit == "decade":
            return "PXDE"  # TimeML's decade and century designators (TempEval-3 writes "P1DE")
        if unit == "century":
            return "PXCE"
        return f"{prefix}X{designator}"
    amount = number * multiplier
    if not float(amount).is_integer() and float(amount * 2).is_integer() and unit in _HALF_UNITS:
        return _half_duration_value(int(amount), unit)
    if not float(amount).is_integer() and unit in _SMALLER_UNIT:
        smaller, per = _SMALLER_UNIT[unit]
        if float(number * per).is_integer():
            return _duration_value(number * per, smaller)  # "a quarter of an hour": PT15M
    text = str(int(amount)) if float(amount).is_integer() else f"{amount:g}"
    return f"{prefix}{text}{designator}"


#: Half a unit in the next smaller one, as TimeML writes "2 1/2 years" (P2Y6M).
_HALF_UNITS: dict[str, tuple[str, str, str]] = {
    "year": ("P{}Y", "6M", ""), "month": ("P{}M", "15D", ""), "day": ("P{}D", "12H", "T"),
    "hour": ("PT{}H", "30M", ""), "minute": ("PT{}M", "30S", ""),
}


def _half_duration_value(whole: int, unit: str) -> str:
    """'a minute and a half' -> PT1M30S, '2 1/2 years' -> P2Y6M, 'half a day' -> PT12H."""
    template, half, time_mark = _HALF_UNITS[unit]
    if whole == 0:
        return ("PT" if template.startswith("PT") or time_mark else "P") + half
    return template.format(whole) + time_mark + half


_SET_BEFORE = re.compile(r"(?:\bonce|\btwice|\btimes|\bper)\s*$", re.I)
#: "$500 million a year", "700 seats a week", "20% annually": a rate of an amount, not a time.
#: TimeBank leaves most of these untagged, and a rate places nothing on a timeline.
_RATE_BEFORE = re.compile(
    r"(?:\d|%|\b(?:percent|one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion))"
    r"(?:\s+[a-z]+)?\s+$", re.I)


#: "a quarter of staff" is a fraction; "a quarter of a century", "of an hour" is a time.
_FRACTION_OF_AFTER = re.compile(r"\s+of\s+(?!(?:a|an|the)\s+(?:century|hour|year|decade|mile)\b)", re.I)


def _on_duration(match: re.Match[str], ctx: _Context) -> _Cand | None:
    unit = lex.unit_of(match["unit"])
    raw_number = re.sub(r"\s+", " ", match["num"].lower())
    if unit == "second" and raw_number in ("a", "an", "one"):
        return None  # "a second attack"
    if unit == "quarter" and (re.search(r"-quarters\b", match.group(), re.I) or _FRACTION_OF_AFTER.match(ctx.text, match.end())):
        return None  # "three-quarters of its food", "a quarter of staff": a fraction
    number: float | None
    if re.fullmatch(r"\d+\.\d+", raw_number):
        number = float(raw_number)
    elif raw_number in ("half a", "half an", "a half"):
        number = 0.5  # "half an hour", "a half-hour"
    elif " of " in raw_number:
        number = 0.75 if raw_number.startswith("three") else 0.25  # "a quarter of a century"
    else:
        number = lex.parse_number(raw_number)
    if number is not None and (match["frac"] or match["half"]):
        number += 0.5  # "2 1/2 years", "a minute and a half"
    if number is not None and number > 10000:
        return None
    tail = (match["tail"] or "").strip(" -").lower()
    tail = re.sub(r"\s+", " ", tail)
    strife_age = tail == "old" and _STRIFE_AFTER.match(ctx.text, match.end())  # "a 10-day-old ceasefire": how long it has lasted
    if (tail == "old" and not strife_age) or _AGE_BEFORE.search(ctx.text, max(0, match.start() - 8), match.start()) or _AGE_AFTER.match(ctx.text, match.end()):
        # an age ("52 years old", "a 136-year-old bank", "children ages 6 months and older"):
        # TimeBank leaves ages untagged
        return None
    modifier = _modifier(match)
    start = match.start("num") if _approx_words_only(match) and not tail else match.start()
    if match["the"] and _approx_words_only(match):
        start = match.start("the")  # "over the past 20 years": the hedge stays out, "the past" stays in
    if (tail == "later" or (tail == "before" and re.match(r"\s*\w", ctx.text[match.end():match.end() + 3]))
            or (tail == "earlier" and _THAN_AFTER.match(ctx.text, match.end()))):
        # "six months before fleeing", "three days later", "a month earlier than usual": a span
        # from another event or a comparison, which TimeML tags as the duration alone
        return _Cand(start, match.start("tail"), "DURATION", _duration_value(number, unit), modifier)
    if tail in ("ago", "earlier", "before", "from now", "hence"):
        return _relative_date(match, ctx, unit, number, -1 if tail in ("ago", "earlier", "before") else 1, modifier)
    if raw_number in ("a", "an") and not match["the"] and not tail:
        if _SET_BEFORE.search(ctx.text, max(0, start - 12), start):
            return _Cand(start, match.end(), "SET", _duration_value(1, unit))  # "twice a week"
        if _RATE_BEFORE.search(ctx.text, max(0, start - 30), start):
            return None
    return _Cand(start, match.end(), "DURATION", _duration_value(number, unit), modifier)


_AGE_BEFORE = re.compile(r"\b(?:aged?|ages)\s+$", re.I)
_STRIFE_AFTER = re.compile(
    r"\s+(?:(?:[a-z]+-)?[a-z]+\s+){0,2}?(?:truce|cease-?fire|war|insurgency|conflict|rebellion|uprising|siege|blockade|stand-?off"
    r"|strike|crisis|dispute|feud|occupation|offensive|moratorium|embargo|protests?|revolt|civil\s+war)\b", re.I)
_AGE_AFTER = re.compile(r"\s+(?:(?:and|or)\s+(?:older|younger\b|(?:over|under|up)(?=\s*[,.;:)]|$))|of\s+age\b)", re.I)
_TODAY_AFTER = re.compile(r"\s+today\b", re.I)


def _day_back(ref: dt.date, unit: str, count: int) -> dt.date | None:
    """The same day ``count`` weeks, months or years before ``ref`` (None if that month lacks it)."""
    if unit == "week":
        return ref - dt.timedelta(weeks=count)
    year, month = cal.add_months(ref.year, ref.month, -count * (12 if unit == "year" else 1))
    return _safe_date(year, month, ref.day)


_THAN_AFTER = re.compile(r"\s+than\b", re.I)
_SMALLER_UNIT = {"century": ("year", 100), "decade": ("year", 10), "year": ("month", 12), "quarter": ("month", 3),
                 "day": ("hour", 24), "hour": ("minute", 60)}


def _relative_date(match: re.Match[str], ctx: _Context, unit: str, number: float | None, sign: int,
                   modifier: str | None) -> _Cand:
    """'two weeks ago' -> the week two weeks before the reference; 'several years ago' -> PAST_REF."""
    if number is not None and not float(number).is_integer() and unit in _SMALLER_UNIT:
        unit, per = _SMALLER_UNIT[unit]  # "half a century ago": fifty years ago
        number *= per
    if number is None or not float(number).is_integer():
        value = "PAST_REF" if sign < 0 else "FUTURE_REF"
        return _Cand(match.start(), match.end(), "DATE", value, modifier)
    if ctx.ref is None:
        precision = _UNIT_PRECISION[unit]
        return _Cand(match.start(), match.end(), "DATE", _unknown_value(precision), modifier, True)
    steps = int(number) * sign
    if unit in ("decade", "century"):  # "a decade ago" is about 1989 (from 1999), not the 1980s
        unit, steps = "year", steps * (10 if unit == "decade" else 100)
    today = _TODAY_AFTER.match(ctx.text, match.end()) if unit in ("week", "month", "year") and sign < 0 else None
    if today:  # "two weeks ago today": that very day
        day = _day_back(ctx.ref, unit, -steps)
        if day is not None:
            return _Cand(match.start(), today.end(), "DATE", day.isoformat(), modifier)
    value = _shift_value(ctx.ref, unit, steps, ctx.ref_time)
    kind = "TIME" if "T" in value else "DATE"
    tail = re.sub(r"\s+", " ", (match["tail"] or "").strip(" -").lower())
    anchor = None
    if unit == "year" and steps == -1:
        anchor = "back_dct" if tail == "ago" else "back"
    elif unit in ("year", "month", "day") and tail in ("earlier", "before"):
        anchor = f"shift:{unit}:{steps}"  # "two years earlier": before the date in focus, not the reference
    return _Cand(match.start(), match.end(), kind, value, modifier, anchor=anchor)


# "over the past year", "reported in the last week", "closed over the next year": TimeML news
# annotates these as the calendar unit before or after the reference (1997, 2013-W11, 1990),
# which also gives the timeline a place; a decade or a day stays a stretch of time (P10Y, P1D).
_CALENDAR_UNITS = frozenset({"week", "month", "quarter", "year"})


def _on_rel_unit(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'last month', 'this week', 'next year', 'earlier this year', 'the past year' (the year before)."""
    rel_words = match["rel"] or "the"  # "by end of year"
    if match["unit"][0].isupper() and rel_words[0].isupper():
        return None  # a title: ABC's "This Week"
    unit = lex.unit_of(match["unit"].split()[-1])
    raw_rel = re.sub(r"\s+", " ", rel_words.lower())
    if raw_rel == "the" and unit != "weekend":
        raw_rel = "this"  # "the end of the month"
    if raw_rel == "the":
        return _the_weekend(match, ctx)
    rel = _rel_word(raw_rel)
    modifier = _modifier(match)
    stretch = raw_rel in ("the past", "the last", "the next", "the coming") and not match["mod"]
    if ((stretch and (unit not in _CALENDAR_UNITS or (unit in ("week", "month") and _OVER_BEFORE.search(
            ctx.text, max(0, match.start() - 12), match.start()))))
            or (raw_rel == "the following" and unit in ("decade", "century"))):  # "over the following decade": from a past date
        return _Cand(match.start(), match.end(), "DURATION", _duration_value(1, unit), modifier)
    offset = _rel_offset(rel)
    if offset is None:
        return None
    if unit == "quarter" and raw_rel == "the latest":
        offset = -1
    if (unit == "weekend" and offset == 0 and ctx.ref is not None and ctx.ref.isoweekday() <= 5
            and ctx.tense_cue(match.start(), match.end(), deadlines=False)[0] == "past"):
        offset = -1  # "had held up before this weekend", written on a Tuesday: the weekend just past
    if (unit == "year" and offset == 0 and modifier == "END" and ctx.ref is not None
            and ctx.ref.month <= 3 and ctx.tense_cue(match.start(), match.end(), deadlines=False)[0] == "past"):
        offset = -1  # "the season peaked by the end of the year", written in March: the year just ended
    if ctx.ref is None:
        return _Cand(match.start(), match.end(), "DATE", _unknown_value(_UNIT_PRECISION[unit]), modifier, True)
    return _Cand(match.start(), match.end(), "DATE", _shift_value(ctx.ref, unit, offset), modifier)


# "deaths over the past week": a stretch, P1W (but TimeBank writes "over the past year" as the year)
_OVER_BEFORE = re.compile(r"\b(?:over|during|throughout)\s+$", re.I)


def _the_weekend(match: re.Match[str], ctx: _Context) -> _Cand:
    """'over the weekend': the weekend just past in a past-tense report, else the next one."""
    if ctx.ref is None:
        return _Cand(match.start(), match.end(), "DATE", "XXXX-WXX-WE", _modifier(match), True)
    future = ctx.tense(match.start(), match.end()) == "future"
    weekday = ctx.ref.isoweekday()
    if future:
        day = ctx.ref if weekday >= 6 else ctx.ref + dt.timedelta(days=6 - weekday)
    else:
        day = ctx.ref if weekday >= 6 else ctx.ref - dt.timedelta(days=weekday + 1)
    return _Cand(match.start(), match.end(), "DATE", cal.week_value(day) + "-WE", _modifier(match))


_NEW_YEAR_BEFORE = re.compile(r"\b(?:in|into|until|by|after|early|since)\s+$", re.I)


def _on_new_year(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'in the new year': the start of the coming year (of this one in its first two months)."""
    if not _NEW_YEAR_BEFORE.search(ctx.text, max(0, match.start() - 8), match.start()):
        return None  # "the new year brought hope": a subject, too vague to place
    if ctx.ref is None:
        return _Cand(match.start(), match.end(), "DATE", "XXXX", "START", True)
    year = ctx.ref.year if ctx.ref.month <= 2 else ctx.ref.year + 1
    return _Cand(match.start(), match.end(), "DATE", str(year), "START")


def _on_range_first_number(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'between 12 and 18 months': '12' is twelve months, as TimeML tags each end of the range."""
    number = lex.parse_number(match["num"])
    if number is None:
        return None
    unit = lex.unit_of(match["unit"])
    return _Cand(match.start("num"), match.end("num"), "DURATION", _duration_value(number, unit), None)


def _on_elapsed_time(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'finished in 3:07:35': hours, minutes and seconds without a clock's a.m. are a time taken."""
    if _AT_BEFORE.search(ctx.text, max(0, match.start() - 6), match.start()):
        return None  # "at 10:15:30": a clock reading
    parts = zip((int(match["h"]), int(match["m"]), int(match["s"])), "HMS")
    value = "PT" + "".join(f"{amount}{letter}" for amount, letter in parts if amount)
    return _Cand(match.start(), match.end(), "DURATION", value if value != "PT" else "PT0S", None)


_AT_BEFORE = re.compile(r"\b(?:at|by|until|till)\s+$", re.I)


def _on_year_end(match: re.Match[str], ctx: _Context) -> _Cand:
    """'by year-end': the end of this year, or of last year in a past-tense sentence."""
    if ctx.ref is None:
        return _Cand(match.start(), match.end(), "DATE", "XXXX-12-31", _modifier(match), True)
    past = ctx.tense(match.start(), match.end()) == "past"
    return _Cand(match.start(), match.end(), "DATE", f"{ctx.ref.year - past}-12-31", _modifier(match))


def _on_spelled_year(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'nineteen ninety-six', 'the year two thousand' (broadcast transcripts spell years out)."""
    if lex.NOT_YEAR_FOLLOWERS.match(ctx.text, match.end()):
        return None  # "two thousand years", "nineteen twenty people": a count
    words = re.split(r"[\s-]+", match["spelled"].lower())
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        year = 2000 + (lex.parse_number(" ".join(rest)) or 0 if rest else 0)
    else:
        century = lex.NUMBER_WORDS[words[0]]
        rest = lex.parse_number(" ".join(words[1:]))
        if rest is None or rest >= 100:
            return None
        year = century * 100 + rest
    return _Cand(match.start(), match.end(), "DATE", f"{year:04d}", _modifier(match), year_explicit=True)


def _on_the_quarter(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'the quarter', 'the latest period': the quarter in focus, else (past tense) the last completed one."""
    anchor = "same:quarter" if match["noun"] else "same:period"
    if ctx.about_a_game:
        return None  # "before the end of the quarter" of a game
    if re.search(r"\bsame\b", match.group(), re.I):
        anchor = "same:span"  # "over the same period": the span just named, whatever its length
    if ctx.ref is None:
        return _Cand(match.start(), match.end(), "DATE", "XXXX-QX", None, True, anchor=anchor)
    past = ctx.tense(match.start(), match.end()) in ("past", None)
    value = _shift_value(ctx.ref, "quarter", -1 if past else 0)
    return _Cand(match.start(), match.end(), "DATE", value, anchor=anchor)


def _on_year_ago_period(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'the year-ago quarter', 'year-earlier results', 'the same period last year': a year before the focus.

    TimeML anchors these comparisons to the date in focus and keeps its granularity
    (a third quarter's year-ago period is the third quarter of the year before).
    """
    bare_adjective = match["adj"] and not match["noun"]  # "year-ago results": only the adjective is the timex
    start = match.start("adj") if bare_adjective else match.start()
    end = match.end("adj") if bare_adjective else match.end()
    ref_year = ctx.ref.year if ctx.ref else None
    if match["ord"]:
        quarter = lex.ORDINALS[match["ord"].lower()]
        if ref_year is None:
            return _Cand(start, end, "DATE", f"XXXX-Q{quarter}", None, True)
        return _Cand(start, end, "DATE", f"{ref_year - 1}-Q{quarter}", anchor=f"quarter{quarter}:back")
    anchor = "back_quarter" if re.search(r"quarter", match["noun"] or "", re.I) else "back"
    if ref_year is None:
        return _Cand(start, end, "DATE", "XXXX", None, True, anchor=anchor)
    return _Cand(start, end, "DATE", f"{ref_year - 1}", anchor=anchor)


def _on_year_period(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'the 1988 period', 'the 1989 quarter': the period in focus, moved to that year."""
    year = match["year"]
    return _Cand(match.start(), match.end(), "DATE", year, anchor=f"year{year}", year_explicit=True)


_AWARD_OF_BEFORE = re.compile(
    r"\b(?:coach|player|manager|person|man|woman|car|album|song|record|team|rookie|athlete|artist|book|word|goal"
    r"|newcomer|driver|pitcher|footballer|sportsman|sportswoman|entertainer|journalist|teacher|photo|picture|film"
    r"|movie|personality|businessman|businesswoman|company|brand|product|app)s?\s+of\s+$", re.I)


def _on_the_year(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'for the year': the year in focus; 'the year ended June 30' is a fiscal year, a duration (P1Y)."""
    if match["ended"]:
        return _Cand(match.start(), match.end() - len(match["ended"]), "DURATION", "P1Y")
    before = ctx.text[max(0, match.start() - 12):match.start()]
    if not match["kind"] and not re.search(r"\b(?:for|of|in|during|through|throughout)\s+$", before, re.I):
        return None  # "the year" as a subject or object is too often a plain noun
    if _AWARD_OF_BEFORE.search(ctx.text, max(0, match.start() - 30), match.start()):
        return None  # "coach of the year" is a title
    # "the full year", "the current year": the reporting year, whatever year was named last
    anchor = None if (match["kind"] or "").lower() in ("full", "current") else "same:year"
    if ctx.ref is None:
        return _Cand(match.start(), match.end(), "DATE", "XXXX", None, True, anchor=anchor)
    return _Cand(match.start(), match.end(), "DATE", str(ctx.ref.year), anchor=anchor)


def _on_holiday(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'Thanksgiving Day', 'last Christmas', 'Election Day 1998': the holiday's date, year from tense."""
    name = re.sub(r"\s+", " ", match["holiday"].lower()).replace("’", "'").replace("new years ", "new year's ")
    rel = (match["rel"] or "").lower()
    if match["year"]:
        year: int | None = int(match["year"])
    elif ctx.ref is None:
        year = None
    else:
        this_year = lex.holiday_date(name, ctx.ref.year)
        if this_year is None:
            return None
        if rel in ("last", "past"):
            year = ctx.ref.year if this_year < ctx.ref else ctx.ref.year - 1
        elif rel in ("next", "coming"):
            year = ctx.ref.year if this_year > ctx.ref else ctx.ref.year + 1
        elif rel == "this":
            year = ctx.ref.year
        else:
            tense = ctx.tense(match.start(), match.end())
            if _after_since(ctx.text, match.start()):
                tense = "past"  # "since Christmas"
            year = ctx.ref.year
            if abs((this_year - ctx.ref).days) <= 7:
                pass  # "as Easter week began", six days before Easter: this year's, whatever the tense
            elif tense == "past" and this_year > ctx.ref:
                year -= 1
            elif tense == "future" and this_year < ctx.ref:
                year += 1
            elif tense is None and abs((this_year - ctx.ref).days) > 183:
                year += 1 if this_year < ctx.ref else -1
    day = lex.holiday_date(name, year) if year is not None else None
    if day is None:
        return _Cand(match.start(), match.end(), "DATE", "XXXX-WXX" if match["week"] else _unknown_holiday_year(name),
                     None, True)
    if match["week"]:  # "Easter week": the ISO week the holiday falls in
        return _Cand(match.start(), match.end(), "DATE", cal.week_value(day), year_explicit=bool(match["year"]))
    return _Cand(match.start(), match.end(), "DATE", day.isoformat(), year_explicit=bool(match["year"]))


def _unknown_holiday_year(name: str) -> str:
    """'XXXX-12-25' for Christmas without a year: a holiday on a fixed day keeps its day."""
    days = {lex.holiday_date(name, year) for year in (2001, 2002, 2003)}
    if None in days or len({(day.month, day.day) for day in days if day is not None}) != 1:
        return "XXXX-XX-XX"  # Easter, Thanksgiving: the day depends on the year
    day = days.pop()
    assert day is not None
    return f"XXXX-{day.month:02d}-{day.day:02d}"


def _on_that_unit(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'that year', 'later that month', 'the following year', 'the next morning', 'the day before':
    relative to the focus (the date last mentioned)."""
    unit = (match["unit"] or match["unit2"]).lower()
    rel = re.sub(r"\s+", " ", (match["rel"] or match["dir"]).lower())
    part = lex.PARTS_OF_DAY.get(unit)
    if rel == "the next" and unit != "day" and not part:
        return None  # "the next year" is a duration (P1Y)
    steps = {"following": 1, "next": 1, "after": 1, "previous": -1, "preceding": -1, "prior": -1,
             "before": -1}.get(rel.split()[-1], 0)
    shift_unit = "day" if part else unit
    anchor = f"shift:{shift_unit}:{steps}" + (f":T{part}" if part else "")
    kind = "TIME" if part else "DATE"
    modifier = _MOD_WORDS.get((match["mod"] or "").lower())
    if ctx.ref is None:
        value = _unknown_value(_UNIT_PRECISION[shift_unit]) + (f"T{part}" if part else "")
        return _Cand(match.start(), match.end(), kind, value, modifier, True, anchor=anchor)
    if part == "NI" and steps == 0 and ctx.tense(match.start(), match.end()) == "past":
        steps = -1  # "explosions were heard throughout the night" with no day in focus: last night (as 'overnight')
    value = _shift_value(ctx.ref, shift_unit, steps) + (f"T{part}" if part else "")
    return _Cand(match.start(), match.end(), kind, value, modifier, anchor=anchor)


def _part_code(word: str | None) -> str | None:
    return lex.PARTS_OF_DAY.get(word.lower()) if word else None


def _on_weekday(match: re.Match[str], ctx: _Context) -> _Cand | None:
    following = re.match(r"\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", ctx.text[match.end():match.end() + 30])
    if following and not match["part"]:
        words = following.group(1).lower()
        if words in lex.WEEKDAY_NAME_FOLLOWERS or words.split()[0] in lex.WEEKDAY_NAME_FOLLOWERS:
            return None
    weekday = lex.weekday_number(match["wd"])
    if match["wk"] and ctx.ref is not None:  # "Friday last week": that day of the week named
        shift = {"last": -7, "next": 7, "this": 0}[match["wk"].lower()]
        day: dt.date | None = ctx.ref + dt.timedelta(days=weekday - ctx.ref.isoweekday() + shift)
    else:
        day = _weekday_date(ctx, weekday, _rel_word(match["rel"]), match.start(), match.end())
    part = _part_code(match["part"])
    if day is None:
        value, needs = f"XXXX-WXX-{weekday}", True
    else:
        value, needs = day.isoformat(), False
    if part:
        return _Cand(match.start(), match.end(), "TIME", f"{value}T{part}", _modifier(match), needs)
    return _Cand(match.start(), match.end(), "DATE", value, _modifier(match), needs)


_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
        "5th": 5, "last": -1, "final": -1}


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date | None:
    """The nth (or, for -1, the last) given weekday of a month; None if the month has no such day."""
    if nth < 0:
        last = cal.month_end(year, month)
        return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def _on_nth_weekday_of_month(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'the last Sunday of October', 'the first Monday in May 2020': a day computed from the calendar."""
    month = lex.month_number(match["month"])
    year = int(match["year"]) if match["year"] else _year_for_month(ctx, month, match.start(), match.end())
    if year is None:
        return _Cand(match.start(), match.end(), "DATE", f"XXXX-{month:02d}", None, True)
    day = _nth_weekday(year, month, lex.weekday_number(match["wd"]), _NTH[match["nth"].lower()])
    if day is None:
        return None
    return _Cand(match.start(), match.end(), "DATE", day.isoformat(), year_explicit=bool(match["year"]))


_DAY_WORD_OFFSETS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
                     "the day before yesterday": -2, "the day after tomorrow": 2}


#: "today's youth", "the people of tomorrow": the present or the future in general, no day;
#: TimeBank and AQUAINT leave these untagged, and a timeline must not put them on the reference day.
_GENERIC_AFTER_POSSESSIVE = re.compile(
    r"['’]s\s+(?:[a-z]+\s+)?(?:world|youth|society|generation|children|kids|young|teenagers|economy|technology"
    r"|markets?|standards|consumers|families|politics|leaders|students|parents|workers|computers|culture|media"
    r"|businesses|companies|industry|cities|women|men|people)\b")
_GENERIC_OF_BEFORE = re.compile(r"\b(?:people|world|leaders|children|youth|generation|society|city|cities|jobs|"
                                r"technology|technologies|industry|industries|voters|workers)\s+of\s+$", re.I)


def _is_generic_day_word(match: re.Match[str], ctx: _Context) -> bool:
    if match["w"].lower() not in ("today", "tomorrow") or match["part"]:
        return False
    if _GENERIC_AFTER_POSSESSIVE.match(ctx.text, match.end()):
        return True
    return bool(_GENERIC_OF_BEFORE.search(ctx.text, max(0, match.start() - 25), match.start()))


def _on_day_word(match: re.Match[str], ctx: _Context) -> _Cand | None:
    if _is_generic_day_word(match, ctx):
        return None
    word = re.sub(r"\s+", " ", match["w"].lower())
    part = "NI" if word == "tonight" else _part_code(match["part"])
    if ctx.ref is None:
        value, needs = "XXXX-XX-XX", True
    else:
        value, needs = (ctx.ref + dt.timedelta(days=_DAY_WORD_OFFSETS[word])).isoformat(), False
    if part:
        return _Cand(match.start(), match.end(), "TIME", f"{value}T{part}", _modifier(match), needs)
    return _Cand(match.start(), match.end(), "DATE", value, _modifier(match), needs)


def _on_part_of_day(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'this morning', 'last night', 'overnight': a part of the reference day (or the one before)."""
    anchor = (match["anchor"] or "").lower()
    word = match["part"].lower()
    if not anchor and word != "overnight" and not match["mod"]:
        return None
    overnight_past = word == "overnight" and ctx.tense(match.start(), match.end()) != "future"
    offset = -1 if anchor in ("last", "yesterday") or overnight_past else 1 if anchor == "tomorrow" else 0
    part = lex.PARTS_OF_DAY[word]
    if ctx.ref is None:
        return _Cand(match.start(), match.end(), "TIME", f"XXXX-XX-XXT{part}", _modifier(match), True)
    day = ctx.ref + dt.timedelta(days=offset)
    # "filmed in the late morning": with no day word, the part of the day in focus
    time_of_day = f"T{part}" if not anchor and word != "overnight" else None
    return _Cand(match.start(), match.end(), "TIME", f"{day.isoformat()}T{part}", _modifier(match), time_of_day=time_of_day)


_REF_WORDS = {
    "now": "PRESENT_REF", "right now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "at present": "PRESENT_REF", "presently": "PRESENT_REF", "the present": "PRESENT_REF",
    "these days": "PRESENT_REF", "the present day": "PRESENT_REF", "the moment": "PRESENT_REF",
    "recently": "PAST_REF", "lately": "PAST_REF", "the past": "PAST_REF", "previously": "PAST_REF",
    "formerly": "PAST_REF", "at the time": "PAST_REF", "recent days": "PAST_REF", "recent weeks": "PAST_REF",
    "recent months": "PAST_REF", "recent years": "PAST_REF", "recent times": "PAST_REF",
    "the future": "FUTURE_REF", "the near future": "FUTURE_REF", "the distant future": "FUTURE_REF",
    "the near term": "FUTURE_REF", "the long term": "FUTURE_REF",
    # "in the coming days", like "the days ahead", is a stretch of unknown length (TimeML PXD)
    "the coming days": "PXD", "the coming weeks": "PXW", "the coming months": "PXM", "the coming years": "PXY",
    "coming days": "PXD", "coming weeks": "PXW", "coming months": "PXM", "coming years": "PXY",
    "coming quarters": "FUTURE_REF", "the coming quarters": "FUTURE_REF",
    "future quarters": "FUTURE_REF", "recent quarters": "PAST_REF", "past years": "PAST_REF",
    "past months": "PAST_REF", "past decades": "PAST_REF", "the short term": "FUTURE_REF",
}


# "the future of Jerusalem" (a subject, not a time), "his now-defunct party", "talks as recently as May"
# and "most recently in May" (the date that follows is the time)
_NOT_A_REF_WORD = re.compile(r"\bthe\s+future\s+of\b|\bnow-|\b(?:as|most)\s+recently\b", re.I)


def _on_ref_word(match: re.Match[str], ctx: _Context) -> _Cand | None:
    key = re.sub(r"\s+", " ", match.group().lower())
    if key == "the moment" and not re.search(r"\bat\s+$", ctx.text[max(0, match.start() - 4):match.start()], re.I):
        return None
    if _NOT_A_REF_WORD.search(ctx.text, max(0, match.start() - 5), match.end() + 4):
        return None
    value = _REF_WORDS[key]
    return _Cand(match.start(), match.end(), "DATE" if value.endswith("_REF") else "DURATION", value, priority=-1)


_TIME_SUFFIX = re.compile(r"a\.?m\.?|p\.?m\.?|o'clock|o’clock", re.I)


_CLOCK_PREPOSITION_BEFORE = re.compile(r"\b(?:at|by|until|till|before|after|from|around|about|since)\s+$", re.I)


def _on_clock(match: re.Match[str], ctx: _Context) -> _Cand | None:
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if " " in ampm and not _CLOCK_PREPOSITION_BEFORE.search(ctx.text, max(0, match.start() - 10), match.start()):
        return None  # "killed 5 at night" is a count; "at 4 in the morning" is a time
    part = _clock_part(int(match["h"]), int(match["m"] or 0), ampm)
    return _time_cand(match, ctx, part) if part else None


def _on_wire_clock(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'at 1830 GMT', '0530 local time', 'at 2200 hours'; but '2000 hours of community service' is a length."""
    if match["hours"] and not _CLOCK_PREPOSITION_BEFORE.search(ctx.text, max(0, match.start() - 10), match.start()):
        return None
    return _on_clock(match, ctx)


def _clock_part(hour: int, minute: int, ampm: str) -> str | None:
    """'T17:30' for 5:30 with 'pm' (or 'in the afternoon'); None for an hour past 23."""
    if ampm.endswith(("afternoon", "evening", "night")):
        ampm = "pm"  # "4 in the afternoon", "11 at night"
    elif ampm.endswith("morning"):
        ampm = "am"
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return f"T{hour:02d}:{minute:02d}" if hour <= 23 else None


def _on_clock_range(match: re.Match[str], ctx: _Context) -> list[_Cand] | None:
    """'between 7 and 8 a.m.', 'from 11 to 1 pm': the first hour borrows the meridian written once
    after the second (the other one when it reads as earlier: 11 before 1 pm is 11 a.m.)."""
    ampm = match["ampm"].lower().replace(".", "")
    first_hour, second_hour = int(match["h1"]), int(match["h"])
    if first_hour % 12 > second_hour % 12:
        ampm = "am" if ampm == "pm" else "pm"
    first_part = _clock_part(first_hour, int(match["m1"] or 0), ampm)
    second = _on_clock(match, ctx)
    if first_part is None or second is None:
        return None
    second.start = match.start("second")
    return [_time_cand(match, ctx, first_part, match.start("h1"), match.end("first")), second]


def _on_named_time(match: re.Match[str], ctx: _Context) -> _Cand | None:
    word = match["named"].lower()
    if word == "midday" and re.match(r"\s+trad", ctx.text[match.end():match.end() + 7]):
        return None  # "in midday trading": a market session, not a time of the day
    # noon is a clock time; "midday" is TimeML's part of the day MI, as news annotators write it
    part = {"midnight": "T24:00", "noon": "T12:00"}.get(word, "TMI")
    return _time_cand(match, ctx, part)


def _time_cand(match: re.Match[str], ctx: _Context, part: str, start: int | None = None, end: int | None = None) -> _Cand:
    """A clock time is on the reference day until a neighbouring date says otherwise."""
    modifier = _modifier(match)
    start = match.start() if start is None else start
    end = match.end() if end is None else end
    if ctx.ref is None:
        return _Cand(start, end, "TIME", f"XXXX-XX-XX{part}", modifier, True, time_of_day=part)
    return _Cand(start, end, "TIME", f"{ctx.ref.isoformat()}{part}", modifier, time_of_day=part)


_MEASURE_BEFORE = re.compile(  # "100,000 barrels per day", "60 miles per hour": a unit of rate, not a recurrence
    r"\b(?:barrels|bpd|tons|tonnes|gallons|litres|liters|cubic\s+\w+|megawatts|kilowatts|miles|kilometres|kilometers"
    r"|km|dollars|cents|euros|pounds|calories|words|frames|revolutions|beats)\s+$", re.I)


def _on_set(match: re.Match[str], ctx: _Context) -> _Cand | None:
    what = match["what"]
    if match.group().lower().startswith("per") and _MEASURE_BEFORE.search(ctx.text, max(0, match.start() - 16), match.start()):
        return None
    lowered = what.lower().rstrip(".")
    if lowered in lex.WEEKDAYS:
        value = f"XXXX-WXX-{lex.weekday_number(what)}"
    elif lowered in lex.MONTHS:
        value = f"XXXX-{lex.month_number(what):02d}"
    elif lowered in lex.SEASONS:
        value = f"XXXX-{lex.SEASONS[lowered]}"
    elif lowered in ("morning", "afternoon", "evening", "night"):
        value = f"XXXX-XX-XXT{lex.PARTS_OF_DAY[lowered]}"
    else:
        value = _duration_value(2 if match["other"] else 1, lowered)
    return _Cand(match.start(), match.end(), "SET", value)


def _on_every_n_units(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'every two weeks' repeats with a period of two weeks (SET P2W)."""
    number = lex.parse_number(match["num"])
    if not number:
        return None
    return _Cand(match.start(), match.end(), "SET", _duration_value(number, lex.unit_of(match["unit"])))


def _on_weekday_plural(match: re.Match[str], ctx: _Context) -> _Cand | None:
    part = _part_code(match["part"])
    value = f"XXXX-WXX-{lex.weekday_number(match['wds'])}" + (f"T{part}" if part else "")
    return _Cand(match.start(), match.end(), "SET", value)


_ADVERB_SETS = {"daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
                "hourly": "PT1H", "nightly": "P1D"}


_PUBLICATION_AFTER = re.compile(
    rf"\s+(?:(?:newspaper|paper|tabloid|magazine|journal)\b|(?!{lex.WEEKDAY_RX}|{lex.MONTH_RX})(?-i:[A-Z][a-z]))", re.I)
_PUBLICATION_SAYS_AFTER = re.compile(r"\s+(?:said|says|reported|reports|wrote|writes|quoted|cited)\b|[.,;]", re.I)
_PUBLICATION_BEFORE = re.compile(  # "the state-run daily", "the Communist Party daily", "a business daily"
    r"\b(?:the|a|an|its|another)\s+(?:(?:(?-i:[A-Z])[\w'-]*|[\w-]*(?:al|an|ese|ish|run|owned|language|based)"
    r"|state|government|party|business|opposition|leading|popular|independent|influential)\s+){0,3}$", re.I)


def _names_a_publication(match: re.Match[str], text: str) -> bool:
    """'the Communist Party daily Granma', 'the daily said': a newspaper, not a recurrence."""
    after = text[match.end():match.end() + 40]
    if _PUBLICATION_AFTER.match(after):
        return True
    before = text[max(0, match.start() - 50):match.start()]
    return bool(_PUBLICATION_SAYS_AFTER.match(after) and _PUBLICATION_BEFORE.search(before))


def _on_set_adverb(match: re.Match[str], ctx: _Context) -> _Cand | None:
    if _RATE_BEFORE.search(ctx.text, max(0, match.start() - 30), match.start()):
        return None  # "to rise 8.5% annually"
    if _names_a_publication(match, ctx.text):
        return None
    return _Cand(match.start(), match.end(), "SET", _ADVERB_SETS[match.group().lower()])


def _on_vague_plural(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'for years', 'decades-long', 'in recent months', 'the weeks ahead': an unknown number
    of units (PXY, PXM...); the span keeps 'recent' and 'the ... ahead', not 'for' or '-long'."""
    unit = lex.unit_of(match["unit"])
    groups = match.groupdict()
    if groups.get("ahead"):
        start, end = match.start(), match.end()
    else:
        start = match.start("recent") if groups.get("recent") else match.start("unit")
        end = match.end("unit")
    return _Cand(start, end, "DURATION", _duration_value(None, unit))


def _on_a_while(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'for a while': a duration of unknown length and unit (TimeML PXX)."""
    return _Cand(match.start(), match.end(), "DURATION", "PXX")


def _on_day_of_month(match: re.Match[str], ctx: _Context) -> _Cand | None:
    """'on the 10th': a day of the month in focus, else of the reference month (the month
    before if still to come)."""
    day = _day_number(match["day"])
    if not 1 <= day <= 31:
        return None
    anchor = f"dom:{day}"
    start, end = match.start("dom"), match.end("dom")
    if ctx.ref is None:
        return _Cand(start, end, "DATE", f"XXXX-XX-{day:02d}", None, True, day=day, anchor=anchor)
    year, month = ctx.ref.year, ctx.ref.month
    future = ctx.tense(start, end) == "future"
    if not future and day > ctx.ref.day:
        year, month = cal.add_months(year, month, -1)
    elif future and day < ctx.ref.day:
        year, month = cal.add_months(year, month, 1)
    if _safe_date(year, month, day) is None:
        return None
    return _Cand(start, end, "DATE", f"{year:04d}-{month:02d}-{day:02d}", None, day=day, anchor=anchor)


# ------------------------------------------------------------------ the rules

@dataclass(frozen=True)
class _Rule:
    """One finding rule: its regex, the handler that normalises a match, and its trigger.

    The trigger is a cheap regex for a word the pattern cannot match without; the
    pattern only runs in windows around the trigger's hits (see :func:`_windows`).
    Keeping both in one record means a rule can never be paired with another's trigger.
    """

    trigger: str
    pattern: str
    handler: Handler
    priority: int


#: What may follow "the 10th" as a day of the month besides punctuation: another such day
#: ("on the 10th and the 12th.") or a clock time ("the 12th at 10 p.m."), not "the 4th and 5th grades".
_DAY_OF_MONTH_FOLLOWERS = r"\s+(?:(?:and|or|to|until)\s+(?:on\s+)?the\s+(?:[12]?\d|3[01])(?:st|nd|rd|th)(?=\s*[,.;:)]|\s*$)|at\s+\d)"
_T_MONTH = lex.MONTH_RX
_T_DIGIT = r"\d+"  # one hit per number: the same windows as one hit per digit, fewer steps
_T_UNIT = rf"(?i:{lex.UNIT_RX})"
_ORD_Q = r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|final)"
_RULES: list[_Rule] = [
    # dates with a day
    _Rule(_T_MONTH, rf"{_WD_OPT}(?:(?P<rel>last|next)\s+)?(?P<month>{lex.MONTH_RX})\s+{_DAY}(?:st|nd|rd|th)?\b{_YEAR_TAIL}", _on_month_day, 3),
    _Rule(_T_MONTH, rf"(?<![\d.,/])(?P<first>(?P<d1>{lex.DAY_RX}))\s*(?:[-–]|to|and|through|until|till)\s*(?P<second>(?P<d2>{lex.DAY_RX})\s+(?:of\s+)?(?P<month>{lex.MONTH_RX})(?![\w-]){_YEAR_TAIL})"
     rf"|(?P<first2>(?P<month2>{lex.MONTH_RX})\s+(?P<d1b>{lex.DAY_RX}))\s*(?:[-–]|to|and|through|until|till)\s*(?P<second2>(?P<d2b>{lex.DAY_RX})(?=[,.;:)\]]|\s*$|\s+(?:in|at|on|when|while|as|and|to|for|with|the|{lex.YEAR_RX})\b)(?!\.\d)(?:(?:,\s*|\s+)(?P<year2>{lex.DATED_YEAR_RX})(?![\d,]\d){lex.NOT_A_COUNT_AHEAD})?)", _on_day_range, 4),
    _Rule(_T_MONTH, rf"(?<![\d.,]){_WD_OPT}(?:the\s+)?{_DAY}(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<month>{lex.MONTH_RX})(?![\w-]){_YEAR_TAIL}", _on_month_day, 3),
    _Rule(_T_MONTH, rf"(?<![\d.,/])(?:{lex.DAY_RX}\s*,\s*)+{lex.DAY_RX}\s*,?\s*(?:and|&)\s*(?P<last>{_DAY}\s+(?:of\s+)?(?P<month>{lex.MONTH_RX})(?![\w-]){_YEAR_TAIL})", _on_day_list, 4),
    _Rule(_T_DIGIT, r"(?<![\d/.-])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>0[1-9]|1[0-2])(?P=sep)(?P<day>0[1-9]|[12]\d|3[01])(?:[T\s](?P<hh>[01]\d|2[0-3]):(?P<mm>[0-5]\d))?(?![\d-])(?!/\d)", _on_numeric_date, 4),
    # "12.03.2021": with full stops the order is day-month-year wherever it is written
    _Rule(r"\d\.\d\d?\.\d{4}", r"(?<![\d.])(?<![Vv]ersion\s)(?<!\bv)(?P<day>3[01]|[12]\d|0?[1-9])\.(?P<month>1[0-2]|0?[1-9])\.(?P<year>(?:1[5-9]|20)\d\d)(?![\d]|[.,]\d)", _on_numeric_date, 4),
    _Rule(_T_DIGIT, r"(?<![\d/.])(?P<month>3[01]|[12]\d|0?[1-9])(?P<slash>/)(?P<day>3[01]|[12]\d|0?[1-9])/(?P<year>\d{4}|\d\d)(?![\d/])", _on_numeric_date, 4),
    # "on the 5th to approve the dividend": after a preposition of time, a verb or clause may follow
    _Rule(_T_DIGIT, rf"(?<![\w-])(?P<dom>the\s+(?P<day>[12]?\d|3[01])(?:st|nd|rd|th))(?=\s*[,.;:)]|\s*$|{_DAY_OF_MONTH_FOLLOWERS})", _on_day_of_month, 0),
    _Rule(_T_DIGIT, r"(?:(?<=\bon\s)|(?<=\bby\s)|(?<=\buntil\s)|(?<=\bsince\s))(?P<dom>the\s+(?P<day>[12]?\d|3[01])(?:st|nd|rd|th))(?=\s+(?:to|for|when|with|after|before|and|but|so|as)\b)", _on_day_of_month, 0),
    _Rule(lex.WEEKDAY_RX, rf"(?:the\s+)?(?P<nth>first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last|final)\s+(?P<wd>{lex.WEEKDAY_RX})\s+(?:of|in)\s+(?P<month>{lex.MONTH_RX})(?![\w-])(?:,?\s+(?P<year>{lex.DATED_YEAR_RX})(?![\d,]\d){lex.NOT_A_COUNT_AHEAD})?", _on_nth_weekday_of_month, 4),
    # months, years, decades, seasons
    _Rule(_T_MONTH, rf"{_MODP}(?P<month>{lex.MONTH_RX}),?\s+(?:of\s+)?(?P<year>{lex.DATED_YEAR_RX})(?![\d,]\d)\b{lex.NOT_A_COUNT_AHEAD}", _on_month_year, 3),
    _Rule(_T_MONTH, rf"{_MODP}(?:(?P<rel>{_REL})\s+)?(?P<month>{lex.MONTH_RX})(?![\w-])", _on_month, 1),
    _Rule(r"\d{4}", rf"{_APPROXP}{_MODP}(?:(?P<fiscal>fiscal(?:\s+year)?)\s+)?(?<![\d,.$£€])(?P<year>{lex.YEAR_RX})(?![\d])(?!,\d)(?!\.\d)(?!-(?:year|month|day|week|minute|hour))", _on_year, 1),
    _Rule(r"\d{4}", rf"(?<![\w.])(?P<pre>{_EARLY_YEAR_BEFORE}\s+)(?P<year>1[0-4]\d\d)(?![\d%]|[,.]\d)", _on_early_year, 1),
    _Rule(r"FY", r"(?<![\w-])(?-i:FY)\s?(?P<fy>(?:1[5-9]|20)\d\d|\d\d)(?![\w%]|[-.,]\d)", _on_fiscal_year_code, 2),
    _Rule(r"A\.?D|C\.?E", r"(?<![\w.])(?:A\.?D\.?\s*(?P<year>\d{1,4})(?![\d,.]\d|\d)|(?<![\d,.])(?P<year2>\d{1,4})\s*(?:A\.D\.|AD\b|CE\b|C\.E\.))", _on_era_year, 2),
    _Rule(r"[-–/]\d\d", r"(?<=(?<!\d)(?:1[5-9]|20)\d\d[-–/])(?P<yy>\d\d)(?![\d%]|[-–/.:]\d|['’]?s\b)", _on_short_year_after_year, 0),
    _Rule(r"(?i:\d0['’]?s|ties\b)", rf"{_APPROXP}(?:the\s+)?{_MODP}(?:(?P<dec>(?:1[0-9]|20)\d0)['’]?s|['’](?P<dec2>\d0)s|(?<=the\s)(?P<decw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b", _on_decade, 2),
    _Rule(r"(?i:century)", rf"(?:the\s+)?{_MODP}(?P<c>\d{{1,2}}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first)[\s-]+century\b", _on_century, 2),
    _Rule(r"(?i:spring|summer|fall|autumn|winter)", rf"{_MODP}(?:(?P<rel>{_REL})\s+)?(?P<season>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<year>{lex.DATED_YEAR_RX}{lex.NOT_A_COUNT_AHEAD}|['’]\d\d)(?!\d))?\b", _on_season, 1),
    _Rule(r"(?i:quarter)", rf"(?:the\s+)?{_MODP}(?:(?P<rel>this|last|next|coming)\s+|(?P<relyear0>this|last|next)\s+year['’]s\s+)?(?:(?P<year1>{lex.YEAR_RX})\s+)?(?:fiscal\s+)?{_ORD_Q}[\s-]+(?:fiscal\s+)?quarter(?:\s+(?:of\s+)?(?:fiscal\s+)?(?:(?P<year2>{lex.YEAR_RX})|(?P<relyear>this|last|next|the)\s+year))?\b", _on_quarter, 2),
    _Rule(r"(?i:quarter|half)", rf"(?:the\s+)?(?P<month>(?-i:March|June|September|December))(?:\s+(?P<year>{lex.YEAR_RX}))?[\s-]+(?P<period>quarter|half)(?!\s+of\b)\b", _on_month_quarter, 3),
    _Rule(r"(?i:half)", rf"(?:the\s+)?(?P<ord>first|second|1st|2nd|last)[\s-]+half\s+of\s+(?:(?P<year>{lex.YEAR_RX})|(?:the\s+)?(?P<rel>this|last|next)?\s*year)\b", _on_half, 2),
    _Rule(r"Q[1-4]|H[12]|(?i:half)", rf"(?-i:(?:Q(?P<q>[1-4])|H(?P<h>[12])))(?:\s*(?:of\s+)?(?P<year>{lex.YEAR_RX}|['’]\d\d)(?!\d))?\b"
     r"|(?P<ord>first|second)-half\b", _on_short_period, 2),
    _Rule(r"(?i:quarter|period)", r"the\s+(?:(?:latest|same|current|comparable|corresponding)\s+)?(?P<noun>quarter)\b(?!-)(?!\s+(?:a\s+year|last\s+year))"
     r"|the\s+(?:latest|same|comparable|corresponding)\s+(?P<noun2>period)\b(?![\s-]+(?:a\s+year|last\s+year))", _on_the_quarter, 0),
    _Rule(r"(?i:year)", r"(?:the\s+)?(?:(?:comparable|same|corresponding|latest)\s+)?(?P<adj>year[\s-]ago|year-earlier|year-before|prior-year)"
     r"(?P<noun>\s+(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+)?(?:fiscal\s+)?(?:quarter|period|three\s+months|nine\s+months|six\s+months|first\s+half|second\s+half)\b)?"
     r"|the\s+(?:same|comparable|corresponding|year-ago)?\s*(?:quarter|period)(?P<adj2>\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year|of\s+(?:the\s+)?previous\s+year))", _on_year_ago_period, 3),
    _Rule(r"(?i:period|quarter)", r"the\s+(?P<year>(?:19|20)\d\d)\s+(?:period|quarter)\b", _on_year_period, 2),
    _Rule(r"(?i:year)", r"the\s+(?:(?P<kind>full|fiscal|calendar|current)\s+)?year\b(?P<ended>\s+(?:ended|ending|that\s+ended|to\s+date|to(?=\s+(?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))))?(?![\s-]+(?:ago|earlier|before|later|old|long)\b)(?!-)", _on_the_year, 0),
    _Rule(lex.HOLIDAY_RX, rf"(?:(?P<rel>last|this|next|past|coming)\s+)?(?P<holiday>{lex.HOLIDAY_RX})(?:,?\s+(?P<year>{lex.DATED_YEAR_RX})(?!\d){lex.NOT_A_COUNT_AHEAD})?(?P<week>\s+week\b)?", _on_holiday, 2),
    _Rule(r"(?i:day|week|month|year|morning|afternoon|evening|night)", r"(?:(?P<mod>later|earlier)\s+)?(?P<rel>that(?:\s+same)?|the\s+same|the\s+following|the\s+previous|the\s+preceding|the\s+prior|the\s+next)\s+(?P<unit>day|month|year|morning|afternoon|evening|night)\b(?!\s+or\b)(?!['’]s\b)"
     # "the day before" ends its clause; "the day before the vote" is anchored to an event we cannot date
     r"|the\s+(?P<unit2>day|night|morning|afternoon|evening|week|month|year)\s+(?P<dir>before|after)(?=\s*[,.;:!?)]|\s*$|\s+(?:and|but|when|as|he|she|they|it|we|I|police|officials)\b)", _on_that_unit, 3),
    # "for the rest of the month", "later in the week": that unit of the date in focus
    _Rule(r"(?i:rest\s+of\s+the|(?:later|earlier)\s+in\s+the)", r"(?:the\s+rest\s+of\s+|(?<=later\sin\s)|(?<=earlier\sin\s))(?P<rel>the)\s+(?P<unit>day|week|month)\b(?P<dir>)(?P<mod>)(?P<unit2>)", _on_that_unit, 3),
    # "explosions were heard throughout the night", "spent the night", "into the evening": that part of the day in focus
    _Rule(r"(?i:(?:throughout|through|into|spent)\s+the)", r"(?:(?<=throughout\s)|(?<=through\s)|(?<=into\s)|(?<=spent\s))(?P<rel>the)\s+(?P<unit>day|night|evening)\b(?P<dir>)(?P<mod>)(?P<unit2>)", _on_that_unit, 3),
    # relative
    _Rule(_T_UNIT, rf"{_MODP}(?P<rel>{_REL})\s+(?P<unit>week|weekend|month|year|quarter|decade|century|fiscal\s+year)\b", _on_rel_unit, 2),
    _Rule(r"(?i:weekend)", r"(?P<rel>the)\s+(?P<unit>weekend)\b(?!\s+of\b)", _on_rel_unit, 1),  # "the weekend of 12-13 January": the dates say which
    # "by the end of the year", and headline style without the article: "by end of year"
    _Rule(_T_UNIT, r"(?P<mod>(?:the\s+)?(?:beginning|start|middle|end|close)\s+of)\s+(?:(?P<rel>the)\s+)?(?P<unit>week|month|year)\b(?![\s-]+(?:old|long|ago|earlier)\b)", _on_rel_unit, 2),
    _Rule(r"(?i:year)", rf"{_APPROXP}(?:the\s+)?year[\s-]end\b", _on_year_end, 1),
    _Rule(r"(?i:new\s+year)", r"the\s+(?i:new)\s+(?i:year)\b(?!['’]|\s+(?:eve|day|holiday|celebration|resolution|party|message|address|speech|honours|honors)s?\b)", _on_new_year, 2),
    _Rule(r"(?i:nineteen|eighteen|twenty|thousand)", r"(?:the\s+year\s+)?(?P<spelled>(?:nineteen|eighteen|twenty)[\s-]+(?:(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)|two\s+thousand(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty))?)\b", _on_spelled_year, 1),
    _Rule(lex.WEEKDAY_RX, rf"{_MODP}(?:(?P<rel>this\s+past|this|last|next|past|coming|the\s+(?:past|previous|following|coming))\s+)?(?P<wd>{lex.WEEKDAY_RX})(?:\s+(?P<part>morning|afternoon|evening|night))?(?:\s+(?:of\s+)?(?P<wk>last|next|this)\s+week\b)?(?!\w)", _on_weekday, 1),
    _Rule(r"(?i:today|tonight|yesterday|tomorrow)", rf"{_MODP}(?P<w>today|tonight|yesterday|tomorrow|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)(?:\s+(?P<part>morning|afternoon|evening|night))?\b", _on_day_word, 1),
    _Rule(r"(?i:morning|afternoon|evening|night|overnight)", rf"{_MODP}(?:(?P<anchor>this|last|tomorrow|yesterday)\s+)?(?P<part>morning|afternoon|evening|night|overnight)\b", _on_part_of_day, 0),
    _Rule(r"(?i:now|currently|nowadays|present|moment|recent|lately|past|previously|formerly|future|term|coming|days|time)", r"\b(?:right\s+now|now|currently|nowadays|at\s+present|presently|the\s+present(?:\s+day)?|these\s+days"
     r"|at\s+the\s+time(?=\s*[,.;:!?)]|\s*$)"  # "which was in international waters at the time."
     r"|recently|lately|the\s+past|recent\s+times"
     r"|past\s+(?:years|months|decades)|the\s+(?:near\s+|distant\s+)?future|the\s+(?:near|long|short)\s+term"
     r"|(?:the\s+)?coming\s+(?:days|weeks|months|years|quarters)|future\s+quarters)\b", _on_ref_word, 0),
    # durations
    _Rule(_T_UNIT, rf"{_APPROXP}(?:(?P<the>the)\s+(?P<rel>past|last|next|first|coming|previous|following|final|latest|remaining|initial|last\s+few|past\s+few|next\s+few)\s+)?(?P<num>{lex.NUMBER_RX})(?P<frac>\s+1/2|\s*½|\s+and\s+a\s+half)?(?:\s+|-)(?:(?:more|additional|full|straight|consecutive|long|short|whole|entire)\s+)?(?P<unit>{lex.UNIT_RX})(?P<half>\s+and\s+a\s+half)?(?:\s+or\s+so)?(?P<tail>(?:\s+|-)(?:ago|earlier|before|later|from\s+now|hence|old|long))?\b", _on_duration, 2),
    _Rule(_T_UNIT, rf"\b(?:for|over|in|within)\s+(?P<unit>years|months|weeks|days|decades|hours|centuries)\b(?!\s+(?:ago|of|to\s+come))", _on_vague_plural, 0),
    _Rule(_T_UNIT, rf"\b(?P<unit>years|months|weeks|days|decades|hours)-long\b", _on_vague_plural, 0),
    # "it could take weeks to restore power", "after decades of false hopes"
    _Rule(_T_UNIT, r"\b(?:take|takes|took|taking|taken|last|lasts|lasted|lasting|spend|spends|spent|spending|wait|waits|waited|waiting)"
                   r"\s+(?P<unit>years|months|weeks|days|decades|hours)\b(?!\s+(?:ago|to\s+come|later|earlier|before|after|from)\b)", _on_vague_plural, 0),
    # "after decades of", "reversed years of slow progress", "confirming centuries of speculation", "the heady days of"
    _Rule(_T_UNIT, r"\b(?!(?:the|these|those|of|in|many|several|few|first|last|final|early|latter)\b)[a-z]+\s+"
                   r"(?P<unit>years|months|weeks|days|decades|centuries)\s+of\b(?!\s+(?:age|the|our|old)\b)", _on_vague_plural, 0),
    _Rule(r"(?i:ahead)", r"\bthe\s+(?P<unit>days|weeks|months|years)\s+(?P<ahead>ahead)\b", _on_vague_plural, 1),
    _Rule(r"(?i:while)", r"(?<=\bfor\s)a\s+while\b", _on_a_while, 0),
    _Rule(r"(?i:recent)", r"\b(?P<recent>recent)\s+(?P<unit>days|weeks|months|years|quarters|decades)\b", _on_vague_plural, 1),
    # sets
    _Rule(r"(?i:every)\b", rf"\bevery\s+(?P<num>{lex.NUMBER_WORD_RX}|\d+)\s+(?P<unit>{lex.UNIT_RX})\b", _on_every_n_units, 3),
    _Rule(r"(?i:every|each|per)\b", rf"\b(?:every|each|per)\s+(?P<other>other\s+)?(?P<what>{lex.WEEKDAY_RX}|{lex.MONTH_RX}|day|week|month|year|quarter|hour|minute|morning|afternoon|evening|night|weekend|summer|winter|spring|autumn)\b", _on_set, 2),
    _Rule(lex.WEEKDAYS_PLURAL_RX, rf"(?P<wds>{lex.WEEKDAYS_PLURAL_RX})(?:\s+(?P<part>mornings|afternoons|evenings|nights))?\b", _on_weekday_plural, 1),
    _Rule(r"(?:daily|weekly|monthly|annually|yearly|hourly|nightly)", r"(?-i:\b(?:daily|weekly|monthly|annually|yearly|hourly|nightly)\b)", _on_set_adverb, 0),
    # clock times
    _Rule(_T_DIGIT, rf"{_APPROXP}(?<![\d:.,$])(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?P<ampm>a\.m\.?|p\.m\.?|am\b|pm\b|o['’]clock|in\s+the\s+(?:morning|afternoon|evening)\b|at\s+night\b)(?:\s+(?P<tz>[ECMP][SD]T|GMT|UTC|ET|local\s+time|(?:Eastern|Central|Mountain|Pacific)\s+(?:(?:Standard|Daylight)\s+)?[Tt]ime)\b)?", _on_clock, 2),
    _Rule(_T_DIGIT, rf"{_APPROXP}(?<![\d:.,$/])(?P<h>[01]\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])(?:\s+(?P<tz>GMT|UTC|[ECMP][SD]T|local\s+time|(?:Eastern|Central|Mountain|Pacific)\s+(?:(?:Standard|Daylight)\s+)?[Tt]ime)\b)?(?P<ampm>)", _on_clock, 1),
    # wire-service clock times: "at 1830 GMT", "0630 hrs"
    _Rule(r"GMT|UTC|hrs|(?i:hours)|(?i:local\s+time)", rf"{_APPROXP}(?<![\d:.,$/])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s*(?P<tz>GMT|UTC|hrs\b|hours\s+GMT|(?i:local\s+time)|(?P<hours>hours))\b(?P<ampm>)", _on_wire_clock, 3),
    _Rule(_T_DIGIT, rf"(?:between|from)\s+(?P<first>(?P<h1>[01]?\d|2[0-3])(?:[:.](?P<m1>[0-5]\d))?)\s*(?:and|to|until|till|[-–])\s*(?P<second>(?P<h>[01]?\d|2[0-3])(?:[:.](?P<m>[0-5]\d))?\s*(?P<ampm>a\.m\.?|p\.m\.?|am\b|pm\b))", _on_clock_range, 2),
    _Rule(_T_DIGIT, r"(?<![\d:.,$/-])(?P<first>(?P<h1>1[0-2]|0?[1-9])(?::(?P<m1>[0-5]\d))?)(?:\s*[-–]\s*|\s+or\s+)(?P<second>(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?\s*(?P<ampm>a\.m\.?|p\.m\.?|am\b|pm\b))", _on_clock_range, 2),  # "3-5 p.m.", "7 or 8 p.m."
    _Rule(r"(?i:noon|midday|midnight)", rf"{_APPROXP}(?P<named>noon|midday|midnight)\b", _on_named_time, 1),
    # "between 12 and 18 months": the first number is a duration of its own (the second is found as usual)
    _Rule(r"(?i:between)", rf"\bbetween\s+(?P<num>\d+|{lex.NUMBER_WORD_RX})(?=\s+(?:and|to)\s+(?:\d+|{lex.NUMBER_WORD_RX})\s+(?P<unit>{lex.UNIT_RX})\b)", _on_range_first_number, 1),
    # race and match times: "finishing in 3:07:35"
    _Rule(r"\d:[0-5]\d:[0-5]\d", r"(?<![\d:.,$/])(?P<h>\d{1,2}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?![\d:])(?!\s*(?:[ap]\.?m\b|GMT|UTC|[ECMP][SD]T\b))", _on_elapsed_time, 0),
]
_ANY_CASE_TRIGGER = re.compile(r"\(\?i:(?P<body>[^A-Z]*)\)(?P<tail>(?:\\b)?)")


@dataclass(frozen=True)
class _Trigger:
    """A compiled trigger; ``on_lowered`` ones run case-sensitively over the lower-cased text.

    Python's ``re`` skips ahead fast only for case-sensitive literals: the same
    word list runs several times faster over ``text.lower()`` than with IGNORECASE.
    """

    regex: re.Pattern[str]
    on_lowered: bool


@functools.lru_cache(maxsize=None)  # one object per trigger text: rules sharing it share its windows
def _compile_trigger(trigger: str) -> _Trigger:
    any_case = _ANY_CASE_TRIGGER.fullmatch(trigger)
    if any_case and "(?" not in any_case["body"].replace("(?:", ""):
        return _Trigger(re.compile(f"(?:{any_case['body']}){any_case['tail']}"), on_lowered=True)
    return _Trigger(re.compile(trigger), on_lowered=False)


_COMPILED = [
    (re.compile(r"(?<!\w)" + rule.pattern, re.I), rule.handler, rule.priority, _compile_trigger(rule.trigger))
    for rule in _RULES
]


# ---------------------------------------------------------- choosing and merging


_WINDOW_BEFORE, _WINDOW_AFTER = 48, 48


def _windows(text: str, trigger: re.Pattern[str]) -> list[tuple[int, int]]:
    """Merged stretches of text around the words a rule cannot match without.

    Each rule's regex costs time at every position it is tried, and most of a
    news text holds no date: scanning only these windows is what keeps the
    tagger several times faster than search_dates.
    """
    windows: list[tuple[int, int]] = []
    for match in trigger.finditer(text):
        start, end = max(0, match.start() - _WINDOW_BEFORE), min(len(text), match.end() + _WINDOW_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _trigger_windows(text: str, lowered: str | None, trigger: _Trigger) -> list[tuple[int, int]]:
    if not trigger.on_lowered:
        return _windows(text, trigger.regex)
    if lowered is not None:
        return _windows(lowered, trigger.regex)
    return _windows(text, re.compile(trigger.regex.pattern, re.I))


def _find_candidates(ctx: _Context) -> list[_Cand]:
    found: list[_Cand] = []
    windows_of: dict[int, list[tuple[int, int]]] = {}  # by id(trigger), cheaper to hash than the trigger
    lowered = ctx.text.lower()
    if len(lowered) != len(ctx.text):  # a few letters ("İ") lower-case to two characters
        lowered = None
    for rx, handler, priority, trigger in _COMPILED:
        windows = windows_of.get(id(trigger))
        if windows is None:
            windows = windows_of[id(trigger)] = _trigger_windows(ctx.text, lowered, trigger)
        for window_start, window_end in windows:
            for match in rx.finditer(ctx.text, window_start, window_end):
                if match.end() == match.start():
                    continue
                try:
                    result = handler(match, ctx)
                except (OverflowError, ValueError):
                    continue  # "9999 weekends earlier" near the calendar's ends: no date to give
                for cand in _as_list(result):
                    if cand.end > cand.start:
                        found.append(replace(cand, priority=cand.priority + priority))
    return found


def _as_list(result: list[_Cand] | _Cand | None) -> Iterable[_Cand]:
    if result is None:
        return ()
    return result if isinstance(result, list) else (result,)


def _choose(candidates: list[_Cand]) -> list[_Cand]:
    """Non-overlapping candidates, longest first (then the more specific rule)."""
    ranked = sorted(candidates, key=lambda c: (-(c.end - c.start), -c.priority, c.start))
    taken: list[_Cand] = []
    for cand in ranked:
        if all(cand.end <= other.start or cand.start >= other.end for other in taken):
            taken.append(cand)
    return sorted(taken, key=lambda c: c.start)


_DATE_TIME_GLUE = re.compile(r"[ \t]*(?:,[ \t]*)?(?:(?:at|on)[ \t]+)?(?:,[ \t]*)?")
_RANGE_GLUE = re.compile(r"\s*(?:-|–|—|to|until|till|through|thru|and)\s*", re.I)
_DAY_VALUE = re.compile(r"(\d{4}|XXXX)-(\d\d|XX)-(\d\d|XX)")


def _merge_date_and_time(cands: list[_Cand], text: str) -> list[_Cand]:
    """'February 8, 2019 at 1:06 pm' and '10 p.m. Wednesday' become one TIME."""
    merged: list[_Cand] = []
    for cand in cands:
        previous = merged[-1] if merged else None
        if previous is not None and _DATE_TIME_GLUE.fullmatch(text, previous.end, cand.start):
            combined = _combine_date_time(previous, cand)
            if combined is not None:
                merged[-1] = combined
                continue
        merged.append(cand)
    return merged


_PARENTHESIS_THEN_ON = re.compile(r"\([^()]{1,40}\)[ \t]*,?[ \t]*on[ \t]+$")


def _date_clocks_before_a_bracketed_time(cands: list[_Cand], text: str) -> None:
    """'at 00:01 local time (21:01 GMT) on 19 January': both clocks are on the day that follows.

    The bracket keeps the clocks from merging with the day as one expression; each keeps
    its own extent and takes the day's date (no time-zone arithmetic: the day is the one named).
    """
    for index, day in enumerate(cands):
        if day.type != "DATE" or not _DAY_VALUE.fullmatch(day.value):
            continue
        bracket = _PARENTHESIS_THEN_ON.search(text, max(0, day.start - 60), day.start)
        if bracket is None:
            continue
        floor = bracket.start()
        for clock in reversed(cands[:index]):
            inside, just_before = clock.start > bracket.start(), not text[clock.end:floor].strip()
            if not clock.time_of_day or not (inside or just_before):
                break
            clock.value, clock.needs_reference, clock.time_of_day = day.value + clock.time_of_day, day.needs_reference, None
            floor = min(floor, clock.start)


_PART_OF_A_DAY = re.compile(r"((?:\d{4}|XXXX)-\d\d-\d\d)T(?:MO|AF|EV|NI)")


def _combine_date_time(first: _Cand, second: _Cand) -> _Cand | None:
    if first.month is not None and not first.year_explicit and second.type == "DATE" and re.fullmatch(r"\d{4}", second.value):
        return _with_year(first, second)
    part = re.fullmatch(r"(?:\d{4}|XXXX)-\d\d-\d\d(T(?:MO|AF|EV|NI))", first.value) if first.type == "TIME" else None
    if part and second.type == "DATE" and _DAY_VALUE.fullmatch(second.value):
        return _Cand(first.start, second.end, "TIME", second.value + part.group(1), first.modifier, second.needs_reference)
    date, clock = (first, second) if second.time_of_day else (second, first)
    day_part = _PART_OF_A_DAY.fullmatch(date.value) if date.type == "TIME" else None
    date_value = day_part.group(1) if day_part else date.value  # "10 p.m. EDT Friday night": the clock is finer
    if (not clock.time_of_day or date.time_of_day or (date.type != "DATE" and not day_part)
            or not _DAY_VALUE.fullmatch(date_value)):
        return None
    value = date_value + clock.time_of_day
    anchor = date.anchor if date.anchor and date.anchor.startswith("dom:") else None  # "the 12th, at 10 p.m."
    return _Cand(first.start, second.end, "TIME", value, clock.modifier or date.modifier,
                 date.needs_reference, month=date.month, day=date.day, year_explicit=date.year_explicit,
                 year_guessed=date.year_guessed, anchor=anchor)


_WEEK_OF = re.compile(r"(?:\b(?:the|that)\s+)?(?:\b(?P<ord>first|second|third|fourth|last|final)\s+)?\bweek\s+of\s+$", re.I)
_WEEK_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1, "final": -1}


def _absorb_week_of(cands: list[_Cand], text: str) -> list[_Cand]:
    """'the week of March 6' and 'the last week of November' are one week (2000-W10, 2018-W48)."""
    out: list[_Cand] = []
    for cand in cands:
        previous = out[-1] if out else None
        floor = previous.start if previous is not None and _WEEK_OF.fullmatch(text, previous.start, cand.start) else (
            previous.end if previous is not None else 0)
        prefix = _WEEK_OF.search(text, max(floor, cand.start - 30), cand.start) if cand.type == "DATE" else None
        day = _week_of_day(cand.value, prefix["ord"]) if prefix else None
        if day is not None:
            if previous is not None and previous.start >= prefix.start():
                out.pop()  # "the last week" was read alone as a duration
            cand.start, cand.value, cand.modifier = prefix.start(), cal.week_value(day), None
        out.append(cand)
    return out


_PART_OF = re.compile(r"\b(?:the|that)\s+(?:(?:early|late)\s+)?(?P<part>morning|afternoon|evening|night|(?<=early\s)hours)\s+of\s+$", re.I)


def _absorb_part_of_day_of(cands: list[_Cand], text: str) -> None:
    """'the night of December 30' is one TIME on that day (2003-12-30TNI), as 'Friday night' is;
    'the early hours of Friday' are its morning (TMO)."""
    for index, cand in enumerate(cands):
        if cand.type != "DATE" or not _DAY_VALUE.fullmatch(cand.value):
            continue
        floor = cands[index - 1].end if index else 0
        prefix = _PART_OF.search(text, max(floor, cand.start - 30), cand.start)
        if prefix is not None:
            part = lex.PARTS_OF_DAY.get(prefix["part"].lower(), "MO")
            cand.start, cand.type, cand.value = prefix.start(), "TIME", f"{cand.value}T{part}"


def _week_of_day(value: str, ordinal: str | None) -> dt.date | None:
    """A day inside the week meant: the named day, or the nth week's middle day of a month."""
    if ordinal is None:
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            return None
        return _safe_date(int(value[:4]), int(value[5:7]), int(value[8:10]))
    if not re.fullmatch(r"\d{4}-\d\d", value):
        return None
    nth = _WEEK_ORDINALS[ordinal.lower()]
    first = dt.date(int(value[:4]), int(value[5:7]), 1)
    if nth < 0:
        year, month = cal.add_months(first.year, first.month, 1)
        return dt.date(year, month, 1) - dt.timedelta(days=4)
    return first + dt.timedelta(days=3 + 7 * nth)


def _with_year(first: _Cand, year_span: _Cand) -> _Cand:
    """'July last year', 'January nineteen ninety-seven': the month takes the year that follows it."""
    value = f"{year_span.value}-{first.month:02d}" + (f"-{first.day:02d}" if first.day else "")
    return _Cand(first.start, year_span.end, "DATE", value, first.modifier, False, month=first.month,
                 day=first.day, year_explicit=True)


def _propagate_range_years(cands: list[_Cand], text: str) -> None:
    """'from January to March 2011': the first end takes its year from the second."""
    for first, second in zip(cands, cands[1:]):
        if first.year_explicit or first.month is None or not second.year_explicit:
            continue
        if second.month is None and not (second.value.isdigit() and second.modifier is None):
            continue  # "from January until the end of 2026": a long stretch, January is the next one
        if not _RANGE_GLUE.fullmatch(text, first.end, second.start):
            continue
        year = int(second.value[:4])
        if second.month is not None and first.month > second.month:
            year -= 1
        tail = first.value[7:]
        first.value = f"{year:04d}-{first.month:02d}{tail}"
        first.needs_reference = False


def _align_month_pairs(cands: list[_Cand], ctx: _Context) -> None:
    """'in January and February', 'from November to January': two months named without a year
    are read in order, so the first takes the year that puts it just before the second (tense
    alone can put January in the coming year and February in the past one); a pair told in
    the past ends before the reference."""
    text = ctx.text
    for first, second in zip(cands, cands[1:]):
        if not (first.year_guessed and second.year_guessed and first.month and second.month):
            continue
        if not _RANGE_GLUE.fullmatch(text, first.end, second.start) or not text[first.end:second.start].strip():
            continue
        year, tense = int(second.value[:4]), ctx.tense(first.start, second.end)
        if ctx.ref is not None and tense is None:
            year = _year_nearest_a_pair(ctx.ref, first.month, second.month, year)
        elif ctx.ref is not None and (year, second.month) > (ctx.ref.year, ctx.ref.month) and tense == "past":
            year -= 1
        second.value = f"{year:04d}{second.value[4:]}"
        year -= first.month > second.month
        first.value = f"{year:04d}{first.value[4:]}"


def _year_nearest_a_pair(ref: dt.date, first_month: int, second_month: int, guess: int) -> int:
    """With no tense to go by, 'from June 1 to Nov. 30' is the stretch nearest the reference
    (the one holding it, if any): the coming June to November when written in April."""
    here = ref.year * 12 + ref.month

    def distance(end_year: int) -> int:
        end = end_year * 12 + second_month
        start = (end_year - (first_month > second_month)) * 12 + first_month
        return 0 if start <= here <= end else min(abs(start - here), abs(end - here))

    return min((guess, ref.year - 1, ref.year, ref.year + 1), key=distance)


_FULL_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_BARE_WEEKDAY = re.compile(rf"{lex.WEEKDAY_RX}\b")
_RANGE_NOT_LIST_GLUE = re.compile(r"\s*(?:-|–|—|to|until|till|through|thru)\s*", re.I)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+$", re.I)


def _is_range(text: str, first: _Cand, second: _Cand) -> bool:
    """'Friday to Monday', 'between Friday and Monday'; not the list 'Friday and Thursday'."""
    if _RANGE_NOT_LIST_GLUE.fullmatch(text, first.end, second.start):
        return True
    return bool(re.fullmatch(r"\s+and\s+", text[first.end:second.start])
                and _BETWEEN_BEFORE.search(text, max(0, first.start - 10), first.start))


def _order_weekday_ranges(cands: list[_Cand], text: str, ctx: _Context) -> None:
    """'from Friday evening until Saturday morning': a range of weekdays runs forwards.

    Each weekday alone is resolved to the nearest one in the sentence's tense, which can
    put the start after the end; the range then spans the week before (in a past report)
    or the week after.
    """
    for first, second in zip(cands, cands[1:]):
        if not (_BARE_WEEKDAY.match(text, first.start) and _BARE_WEEKDAY.match(text, second.start)):
            continue
        if not (_FULL_DAY.match(first.value) and _FULL_DAY.match(second.value)):
            continue
        start, end = dt.date.fromisoformat(first.value[:10]), dt.date.fromisoformat(second.value[:10])
        next_day_pair = (re.fullmatch(r"\s+and\s+", text[first.end:second.start]) is not None
                         and end.isoweekday() == start.isoweekday() % 7 + 1)  # "visit on Wednesday and Thursday"
        if start <= end or not (next_day_pair or _is_range(text, first, second)):
            continue
        if ctx.tense(first.start, second.end) == "future":
            second.value = (end + dt.timedelta(days=7)).isoformat() + second.value[10:]
        else:
            first.value = (start - dt.timedelta(days=7)).isoformat() + first.value[10:]


def _date_clock_range_starts(cands: list[_Cand], text: str) -> None:
    """'between 7 and 8 a.m. on Monday', 'from 10 p.m. to 6 a.m. Sunday': a bare first clock
    time is on the day written once after the second (the day before if its hour is later)."""
    for first, second in zip(cands, cands[1:]):
        if not (first.time_of_day and second.type == "TIME" and not second.time_of_day):
            continue
        if not _FULL_DAY.match(second.value) or not _is_range(text, first, second):
            continue
        day = dt.date.fromisoformat(second.value[:10])
        if first.time_of_day > second.value[10:]:
            day -= dt.timedelta(days=1)
        first.value, first.needs_reference, first.time_of_day = day.isoformat() + first.time_of_day, False, None


def _run_clock_ranges_forwards(cands: list[_Cand], text: str) -> None:
    """'the curfew runs from 10 p.m. to 6 a.m.': a bare end clock earlier than the start is the next day."""
    for first, second in zip(cands, cands[1:]):
        if not (first.type == "TIME" and second.time_of_day and _FULL_DAY.match(first.value)):
            continue
        if second.value[:10] != first.value[:10] or second.value >= first.value or not _is_range(text, first, second):
            continue
        day = dt.date.fromisoformat(first.value[:10]) + dt.timedelta(days=1)
        second.value = day.isoformat() + second.time_of_day


# ------------------------------------------------------------- temporal focus

_WEEK_VALUE = re.compile(r"\d{4}-W\d\d")
_FOCUS_VALUE = re.compile(r"(?P<y>\d{4})(?:-(?:Q(?P<q>[1-4])|H(?P<h>[12])|(?P<m>\d\d)(?:-(?P<d>\d\d))?))?(?:T.*)?")


def _truncate(value: str, unit: str) -> str | None:
    """A focus value at a coarser unit: '1989-09-30' at quarter -> '1989-Q3'; None if too coarse."""
    match = _FOCUS_VALUE.fullmatch(value)
    if match is None:
        return None
    year, quarter, month, day = match["y"], match["q"], match["m"], match["d"]
    if unit == "year":
        return year
    if unit == "quarter":
        if quarter:
            return f"{year}-Q{quarter}"
        return f"{year}-Q{(int(month) - 1) // 3 + 1}" if month else None
    if unit == "month":
        return f"{year}-{month}" if month else None
    if unit == "day":
        return f"{year}-{month}-{day}" if day else None
    return None


def _shift_focus(value: str, unit: str, steps: int) -> str | None:
    """Move a focus value (truncated to ``unit``) by ``steps`` units."""
    week = cal.interval_of(value) if unit == "week" and _WEEK_VALUE.fullmatch(value) else None
    if week is not None:  # "last week ... the week before"
        return cal.week_value(week.earliest + dt.timedelta(weeks=steps))
    base = _truncate(value, "day" if unit == "week" else unit)
    if base is None:
        month = _truncate(value, "month") if unit == "day" else None
        return f"{month}-XX" if month else None  # "last October ... that same day": a day in that month
    if unit == "year":
        return f"{int(base) + steps:04d}"
    if unit == "quarter":
        index = int(base[:4]) * 4 + int(base[-1]) - 1 + steps
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if unit == "month":
        year, month = cal.add_months(int(base[:4]), int(base[5:7]), steps)
        return f"{year:04d}-{month:02d}"
    if unit == "week":
        return cal.week_value(dt.date.fromisoformat(base) + dt.timedelta(weeks=steps))
    day = dt.date.fromisoformat(base) + dt.timedelta(days=steps)
    return day.isoformat()


def _year_back(focus: str) -> str | None:
    """A year before the focus at the focus's own granularity: 1989-Q3 -> 1988-Q3."""
    match = _FOCUS_VALUE.fullmatch(focus)
    if match is None:
        return None
    date_part = focus.split("T")[0]
    year = int(match["y"]) - 1
    shifted = f"{year:04d}{date_part[4:]}"
    if match["d"] and _safe_date(year, int(match["m"]), int(match["d"])) is None:
        return None  # February 29
    return shifted


def _as_day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _starts_after(value: str, day: dt.date) -> bool:
    """True when the period ``value`` begins after ``day`` (a clock time compares by its day)."""
    interval = cal.interval_of(value)
    return interval is not None and _as_day(interval.earliest) > _as_day(day)


def _anchored_value(cand: _Cand, focus: str | None, ctx: _Context) -> str | None:
    """The value of an expression anchored to the date in focus, or None to keep the reference-based one."""
    anchor = cand.anchor or ""
    if focus is None:
        return None
    focus_year = int(focus[:4])
    if anchor == "back_dct":  # "a year ago" is a year before the reference: only a focus in its year helps
        if ctx.ref is None or focus_year != ctx.ref.year or not re.fullmatch(r"\d{4}-(?:Q\d|\d\d|\d\d-\d\d)", focus):
            return None
        if _starts_after(focus, ctx.ref):
            return None  # "by year end ... up from a year ago": a date still to come is no comparison base
        return _year_back(focus)
    if anchor in ("back", "back_quarter") and ctx.ref is not None and _starts_after(focus, ctx.ref):
        return None  # "losses through the third quarter of 1990 ... the year-ago period": a forecast is no base
    if anchor == "back":
        return _year_back(focus)
    if anchor == "back_quarter":
        quarter = _truncate(focus, "quarter")
        return _year_back(quarter) if quarter else None
    if anchor.startswith("quarter"):  # "the year-ago third quarter"
        return f"{focus_year - 1}-Q{anchor[7]}"
    if anchor.startswith("year"):  # "the 1988 period": the focus's period in that year
        match = _FOCUS_VALUE.fullmatch(focus)
        if match and match["q"]:
            return f"{anchor[4:]}-Q{match['q']}"
        return None
    if anchor in ("same:quarter", "same:period", "same:span"):
        if re.search(r"-Q\d", focus):
            return _truncate(focus, "quarter")
        # "between 2015 and 2019 ... over the same period": a span we do not track; no quarter guess
        return "XXXX-XX" if anchor == "same:span" else None
    if anchor.startswith("same:"):
        return _truncate(focus, anchor[5:])
    if anchor.startswith("season:"):  # "that autumn"
        return f"{focus_year:04d}-{anchor[7:]}"
    if anchor.startswith("dom:"):  # "the 10th": that day of the month in focus
        month = re.match(r"\d{4}-(\d\d)(?:-|$|T)", focus)
        day = int(anchor[4:])
        clock = cand.value[10:]  # "T22:00" when a clock time was merged in
        return f"{focus[:7]}-{day:02d}{clock}" if month and _safe_date(focus_year, int(month[1]), day) else None
    if anchor.startswith("shift:"):
        _, unit, steps, *part = anchor.split(":")  # part: "TMO" for 'the next morning'
        shifted = _shift_focus(focus, unit, int(steps))
        return shifted + "".join(part) if shifted else None
    return None


def _resolve_against_focus(cands: list[_Cand], ctx: _Context) -> None:
    """Anchor 'a year earlier', 'the year-ago quarter', 'the following year' to the temporal focus.

    TimeML resolves such expressions against the last date mentioned before
    them (the "temporal focus"), keeping its granularity, and only falls back to
    the document date when there is none; we keep the reference-based value as
    that fallback.
    """
    focus: str | None = None
    past_focus: str | None = None  # the last focus not after the reference, for sentences told in the past
    previous: _Cand | None = None
    story: _Cand | None = None  # the date a story is told at ("On 24 February 2022, ..."), see _follow_a_story_year
    story_goes_on = False  # ... and whether it carries over into the sentences after its own
    opening_year: _Cand | None = None  # "In 2023, talks began in March": a year that opens its sentence
    day_focus: str | None = None  # the last day in focus not after the reference, for a past clock time
    focus_said_ago = False  # the focus is itself counted back from the reference ("a month ago")
    focus_cand: _Cand | None = None  # the expression that set the focus ...
    focus_past_before: str | None = None  # ... and the past focus before it
    for cand in cands:
        followed = (story is not None and cand.year_guessed
                    and _follow_a_story_year(cand, story, story_goes_on, ctx))
        if not followed and opening_year is not None and cand.year_guessed:
            followed = _follow_an_opening_year(cand, opening_year, ctx)
        if _opens_with_a_past_year(cand, ctx):
            opening_year = cand
        own_focus = _focus_for_its_tense(cand, focus, past_focus, ctx, focus_cand, focus_past_before) if cand.time_of_day or _DAY_ANCHOR.match(cand.anchor or "") else focus
        if cand.time_of_day and day_focus is not None and not _DAY_VALUE.fullmatch((own_focus or "")[:10]) and (
                ctx.tense(cand.start, cand.end) == "past"):
            own_focus = day_focus  # "began Monday, two years after the fall in June 2014 ... began at 6 a.m.": Monday's
        if cand.time_of_day and own_focus is not None and _DAY_VALUE.fullmatch(own_focus[:10]):
            cand.value, cand.needs_reference = own_focus[:10] + cand.time_of_day, False  # "at 10 p.m." that day
        if cand.anchor and not (cand.anchor == "back_dct" and focus_said_ago):  # "up from a month ago ... than a year ago"
            value = _anchored_value(cand, own_focus, ctx)
            if value is not None:
                cand.value, cand.needs_reference = value, False
        if _names_the_same_date(previous, cand, ctx.text):  # "Images from 28 October, six days earlier, show"
            cand.value, cand.needs_reference = previous.value, previous.needs_reference  # type: ignore[union-attr]
            previous = cand
            continue
        focuses = _can_be_focus(cand, ctx.text, previous)
        if followed or _sets_a_story_date(cand, ctx):
            story_goes_on = story_goes_on if followed else _opens_its_sentence(cand, ctx)
            story = cand
        elif focuses or _SEASON_VALUE.fullmatch(cand.value):
            story = None
        if focuses:
            focus, focus_said_ago = cand.value, _SAID_AGO.search(ctx.text, cand.start, cand.end) is not None
            focus_cand, focus_past_before = cand, past_focus
            if ctx.ref is None or not _starts_after(focus, ctx.ref):
                past_focus = focus
                if _DAY_VALUE.fullmatch(focus[:10]):
                    day_focus = focus[:10]
        elif cand.needs_reference and cand.type in ("DATE", "TIME"):
            focus = None  # "last week" with no reference date: what follows is not anchored to older dates
        previous = cand
    for relative, date in zip(cands, cands[1:]):
        if _names_the_same_date(date, relative, ctx.text):  # "Two days earlier, on 10 March, talks failed"
            relative.value, relative.needs_reference = date.value, date.needs_reference


_SAID_AGO = re.compile(r"\bago$", re.I)
_DAY_ANCHOR = re.compile(r"shift:(?:day|week|month)|dom:")  # anchors that count days from the focus (not "a year earlier")


def _focus_for_its_tense(cand: _Cand, focus: str | None, past_focus: str | None, ctx: _Context,
                         focus_cand: _Cand | None = None, focus_past_before: str | None = None) -> str | None:
    """The focus a clock time or anchored expression counts from, given the tense it is told in.

    'Ballots were cast by Friday night. Polls will close at 8 p.m.': told in the future, it is
    not on a day already past (None keeps the reference day). 'He was bailed until 3 December.
    The car had been parked there since 11pm': told in the past, it is not on a day still to
    come, but on the last day in focus that was not."""
    if ctx.ref is None or focus is None or not _DAY_VALUE.fullmatch(focus[:10]):
        return focus
    if focus[:10] < _as_day(ctx.ref).isoformat():
        if cand.time_of_day and ctx.tense(cand.start, cand.end) in ("present", "future"):
            return None
        return focus  # a tense we cannot tell keeps it (narratives)
    if _starts_after(focus, ctx.ref) and ctx.tense(cand.start, cand.end) == "past":
        return past_focus
    if (focus_cand is not None and focus[:10] == _as_day(ctx.ref).isoformat() and cand.time_of_day
            and ctx.tense(cand.start, cand.end) == "past" and ctx.tense(focus_cand.start, focus_cand.end) == "future"):
        return focus_past_before  # "the Senate will vote today. Meeting from 10 a.m., it heard ...": not today
    return focus


_APPOSITION = re.compile(r"\s*,\s*(?:(?:on|in)\s+)?")


def _names_the_same_date(date: _Cand | None, relative: _Cand, text: str) -> bool:
    """True for a date and a relative one ('six days earlier', 'the following year') set side by
    side with a comma: both name one day, which the date gives exactly."""
    if date is None or not (relative.anchor or "").startswith("shift:") or date.anchor or date.type != "DATE":
        return False
    first, second = (date, relative) if date.start < relative.start else (relative, date)
    return bool(_APPOSITION.fullmatch(text, first.end, second.start)) and bool(_FOCUS_VALUE.fullmatch(date.value))


_STORY_DATE_BEFORE = re.compile(r"(?:^|[.;:!?]\s*|\n\s*|\b(?:on|in|during|by|from|until|after)\s+(?:the\s+(?:(?:night|day|morning|evening)\s+of\s+)?)?)$", re.I)
_SEASON_VALUE = re.compile(r"(?P<y>\d{4})-(?P<s>SP|SU|FA|WI)")
_SEASON_MIDDLE = {"SP": (4, 15), "SU": (7, 15), "FA": (10, 15), "WI": (1, 15)}  # WI: the January after


def _story_day(cand: _Cand) -> dt.date | None:
    """The day a story date stands for: itself, or the middle of its month or season."""
    season = _SEASON_VALUE.fullmatch(cand.value)
    if season:
        month, day = _SEASON_MIDDLE[season["s"]]
        return _safe_date(int(season["y"]) + (season["s"] == "WI"), month, day)
    match = _FOCUS_VALUE.fullmatch(cand.value)
    if match is None or match["m"] is None:
        return None
    return _safe_date(int(match["y"]), int(match["m"]), int(match["d"] or 15))


def _sets_a_story_date(cand: _Cand, ctx: _Context) -> bool:
    """'On 24 February 2022, troops crossed', 'in the spring of 2023': a date from before the
    reference's year that places what a sentence tells (not 'the Dec. 21, 1988, bombing',
    which names an event, nor a bare year, which is too coarse to follow)."""
    if not cand.year_explicit or ctx.ref is None or cand.type not in ("DATE", "TIME"):
        return False
    day = _story_day(cand)
    before = _STORY_DATE_BEFORE.search(ctx.text, max(0, cand.start - 25), cand.start)
    if day is None or day.year >= ctx.ref.year or before is None:
        return False
    # "in the spring of 2023" places a story; "in the Dec. 21, 1988, bombing" names an event
    return not before.group().lower().endswith(("the ", "the\n")) or bool(_SEASON_VALUE.fullmatch(cand.value))


def _opens_its_sentence(cand: _Cand, ctx: _Context) -> bool:
    """'On 24 February 2022, troops crossed': a date before the verb of its sentence sets the time
    of what follows; 'the telescope, launched on Christmas Day 2021, has found' only adds a detail."""
    first, _ = ctx.sentence_bounds(cand.start, cand.end)
    return not any(match.lastgroup != "modal" for match in _TENSE_CUES.finditer(ctx.text, first, cand.start))


def _follow_a_story_year(cand: _Cand, story: _Cand, goes_on: bool, ctx: _Context) -> bool:
    """'On 24 February 2022 troops crossed the border ... the siege ended on 20 May': a month or
    day named without a year, in a story told at a date in an earlier year, is in the year that
    puts it nearest that date, not near the reference. The story goes on into later sentences
    when the earlier date or the later one opens its sentence, and ends at a date of another
    kind (see _resolve_against_focus) or after a paragraph. True when it moved the candidate."""
    story_day, season = _story_day(story), _SEASON_VALUE.fullmatch(cand.value)
    if ctx.ref is None or story_day is None or (cand.month is None and season is None):
        return False
    if (not goes_on and ctx.sentence_bounds(story.start, story.end)[0] != ctx.sentence_bounds(cand.start, cand.end)[0]
            and not _opens_its_sentence(cand, ctx)):
        return False  # neither date sets the time of its sentence: the earlier one was a detail
    if ctx.text.count("\n\n", story.end, cand.start) > 1 or ctx.text.count("\n", story.end, cand.start) > 2:
        return False  # a topic several paragraphs on is back in the news
    tense = ctx.tense(cand.start, cand.end)
    if tense in ("future", "present"):
        return False  # "will join NATO on March 12", "is expected on 18 December": news of what comes next
    if tense is None and ctx.sentence_bounds(story.start, story.end)[0] != ctx.sentence_bounds(cand.start, cand.end)[0]:
        return False  # "Rates rose in March 2020. The committee meets on 18 December": a story is told in the past
    month, day = _SEASON_MIDDLE[season["s"]] if season else (cand.month, cand.day or 15)
    options = [d for y in (story_day.year - 1, story_day.year, story_day.year + 1)
               if (d := _safe_date(y, month, day)) is not None]
    nearest = min(options, key=lambda d: abs((d - story_day).days), default=None)
    year = nearest.year - (season is not None and season["s"] == "WI") if nearest else None
    if year is None or year >= ctx.ref.year:
        return False
    cand.value = f"{year:04d}{cand.value[4:]}"
    return True


_YEAR_OPENER_BEFORE = re.compile(r"(?:^|[.;:!?][\"'”’)]*\s+|\n\s*)(?:In|During|Throughout|Through|By|Until|Between)\s+(?:early\s+|late\s+|mid-)?$")


def _opens_with_a_past_year(cand: _Cand, ctx: _Context) -> bool:
    """'In 2023, talks began in March': a bare year from before the reference's that opens its
    sentence sets the year of what the sentence tells."""
    return (ctx.ref is not None and cand.year_explicit and cand.value.isdigit() and len(cand.value) == 4
            and int(cand.value) < ctx.ref.year
            and _YEAR_OPENER_BEFORE.search(ctx.text, max(0, cand.start - 40), cand.start) is not None)


def _follow_an_opening_year(cand: _Cand, opener: _Cand, ctx: _Context) -> bool:
    """A month or day named without a year, later in the sentence an opening year began, is in
    that year (not in the one the tense picks around the reference). True when it moved it."""
    if cand.month is None or ctx.sentence_bounds(opener.start, opener.end)[0] != ctx.sentence_bounds(cand.start, cand.end)[0]:
        return False
    if ctx.tense(cand.start, cand.end) == "future":
        return False  # "In 2023 the plan was drawn up; it will take effect in March"
    cand.value = f"{opener.value}{cand.value[4:]}"
    return True


def _can_be_focus(cand: _Cand, text: str, previous: _Cand | None) -> bool:
    """Dates that set the focus: not comparisons with it ('a year earlier' keeps the focus it
    compares with), nor the end day of a period that is itself the focus ('the quarter ended
    Sept. 30'); the end day of a span ('the six months ended Aug. 12') is the focus."""
    if cand.type not in ("DATE", "TIME") or not (_FOCUS_VALUE.fullmatch(cand.value) or _WEEK_VALUE.fullmatch(cand.value)):
        return False
    if cand.anchor and not cand.anchor.startswith(("shift:", "dom:", "season:")):
        return False
    if _names_an_event(cand, text):
        return False
    if not _PERIOD_END_BEFORE.search(text, max(0, cand.start - 12), cand.start):
        return True
    return previous is None or previous.type == "DURATION" or cand.start - previous.end > 12


_PERIOD_END_BEFORE = re.compile(r"\b(?:ended|ending|through|to)\s+$", re.I)
_THE_BEFORE = re.compile(r"\bthe\s+(?:[a-z]+-[a-z]+\s+)?$", re.I)
_EVENT_NOUN_AFTER = re.compile(
    r",?\s+(?!(?:and|or|to|at|in|on|of|for|from|with|by|was|were|is|are|had|has|have|when|that|which|as|but|after"
    r"|before|until|through|than|then|while|where|who|will|would|could|local|time|morning|afternoon|evening|night)\b)[a-z]{3,}\b")


def _names_an_event(cand: _Cand, text: str) -> bool:
    """'the Nov. 22, 1988, torture slaying', 'the pre-dawn Jan. 17 earthquake': a date used as
    the name of an event recalls it; it does not move the story to that day."""
    return (cand.type == "DATE" and _THE_BEFORE.search(text, max(0, cand.start - 20), cand.start) is not None
            and _EVENT_NOUN_AFTER.match(text, cand.end) is not None)


# ------------------------------------------------------------------ finishing

_OPENING_QUOTES = ('"', "“", "``", "''", "‘")
_CLOSING_QUOTE_AFTER = re.compile(r"[.,!?]?(?:\"|”|''|’)")
_TIME_NAMES = re.compile(rf"(?:{lex.WEEKDAY_RX}|{lex.MONTH_RX})\b", re.I)


_NAMED_THING_AFTER = re.compile(
    r"['’]?\s+(?-i:War|Wars|Offensive|Campaign|Agreement|Accords?|Revolution|Uprising|Crusade|Massacre)\b")
_NAMED_SHOW_AFTER = re.compile(r"\s+(?:programme|program|show)\b", re.I)
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)


def _names_something(text: str, start: int, end: int) -> bool:
    """True for a capitalised time phrase that is part of a name: 'the Good Friday Agreement',
    'the Six-Day War', 'the Thirty Years' War', 'the Hundred Days Offensive', 'the Today programme'."""
    words = re.findall(r"[A-Za-z]+", text[start:end])
    if not words or not all(word[0].isupper() for word in words if word.lower() not in ("a", "an", "the", "of")):
        return False
    if words in (["Today"], ["Tonight"]):
        return bool(_THE_BEFORE.search(text, max(0, start - 5), start) and _NAMED_SHOW_AFTER.match(text, end))  # "the Today programme"
    return bool(_NAMED_THING_AFTER.match(text, end))


def _in_quoted_title(text: str, start: int, end: int) -> bool:
    """True for a time word inside a short quoted title ('"60 Minutes"', "``High Noon''").

    A title capitalises its words; a time word that is capitalised although it is
    neither a name (weekday, month) nor the quote's first word names a show or a
    film, not a time.
    """
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 40):start]
    opening = max(before.rfind(quote) for quote in _OPENING_QUOTES)
    if opening < 0 or not _CLOSING_QUOTE_AFTER.match(text, end, end + 3):
        return False
    words = (before[opening:].lstrip("\"“`'‘") + text[start:end]).split()
    if not 1 < len(words) <= 6 or not all(word[0].isupper() or word[0].isdigit() for word in words):
        return False
    return any(word[0].isupper() and not _TIME_NAMES.match(word) for word in words[1:])


_KNOWN_BEFORE_UNKNOWN = re.compile(r"(?P<known>\d{4}(?:-\d\d)?)(?:-(?:XX|WXX))+(?:T\w+)?")


def _known_part(value: str) -> str:
    """'1998-10-XX' (a day in October 1998) covers October 1998; values without X are whole."""
    if "X" not in value:
        return value
    match = _KNOWN_BEFORE_UNKNOWN.fullmatch(value)
    return match["known"] if match else value


def _to_span(cand: _Cand, text: str) -> TimeSpan:
    """Attach the interval the value covers (narrowed or widened by its modifier)."""
    earliest = latest = None
    precision: str | None = None
    if cand.type in ("DATE", "TIME"):
        interval = cal.interval_of(_known_part(cand.value))
        if interval is not None:
            interval = cal.apply_modifier(interval, cand.modifier)
            earliest, latest, precision = interval.earliest, interval.latest, interval.precision
    return TimeSpan(
        text=text[cand.start:cand.end], start=cand.start, end=cand.end, type=cand.type, value=cand.value,
        earliest=earliest, latest=latest, precision=precision, needs_reference=cand.needs_reference,
        modifier=cand.modifier,
    )


def _anchor_ref_values(span: TimeSpan, ctx: _Context) -> TimeSpan:
    """PRESENT_REF ("now") covers the reference day when there is one."""
    if span.value == "PRESENT_REF" and ctx.ref is not None:
        return replace(span, earliest=ctx.ref, latest=ctx.ref, precision="day")
    return span


def tag_times(text: str, reference: dt.date | dt.datetime | None = None) -> list[TimeSpan]:
    """Every temporal expression in ``text``, normalised against ``reference`` (the publication date).

    Spans are sorted by start and never overlap; offsets are Python string indices.
    Without a reference, absolute expressions still normalise and underspecified
    ones keep what is known ("XXXX-09") with ``needs_reference=True``.
    """
    if not text:
        return []
    ctx = _Context(text, reference)
    chosen = _choose([cand for cand in _find_candidates(ctx)
                      if not _in_quoted_title(text, cand.start, cand.end) and not _names_something(text, cand.start, cand.end)])
    chosen = _merge_date_and_time(chosen, text)
    _date_clocks_before_a_bracketed_time(chosen, text)
    chosen = _absorb_week_of(chosen, text)
    _absorb_part_of_day_of(chosen, text)
    _propagate_range_years(chosen, text)
    _align_month_pairs(chosen, ctx)
    _order_weekday_ranges(chosen, text, ctx)
    _date_clock_range_starts(chosen, text)
    _resolve_against_focus(chosen, ctx)
    _run_clock_ranges_forwards(chosen, text)
    return [_anchor_ref_values(_to_span(cand, text), ctx) for cand in chosen]

