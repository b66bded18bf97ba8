"""Hand-built stories for tests and benchmarks, until the real pipeline lands.

``sample_story()`` is what the pipeline should produce for the five sample
articles (see tests/data/seed_events.json); ``make_large_story()`` is a
deterministic synthetic story for scale tests and benchmarks.

Keep this API stable: the timeline and the map tests both use it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from pathlib import Path

from viewer.model import (
    Article,
    Conflict,
    ConflictSide,
    Event,
    EventCluster,
    Place,
    Story,
    TimeSpan,
)

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"

#: (id, file name, outlet, published, published_from)
SAMPLE_ARTICLES: tuple[tuple[str, str, str, dt.date, str], ...] = (
    ("000", "000_eacc128b9b235077.txt", "Windsor Star", dt.date(2019, 2, 11), "estimated"),
    ("001", "001_29300c3fb4f876c0.txt", "Middle East Eye", dt.date(2019, 2, 8), "estimated"),
    ("002", "002_3a5004d6774ad325.txt", "The People's Voice", dt.date(2019, 2, 9), "estimated"),
    ("003", "003_29de31a5087264fe.txt", "Middle East Monitor", dt.date(2019, 2, 8), "text"),
    ("004", "004_6b9af636c8bd2f1c.txt", "The Sun", dt.date(2019, 2, 8), "estimated"),
)

HAJIN = (34.695, 40.831)
MOSUL = (36.335, 43.119)
HASAKAH = (36.502, 40.748)
BAGHOUZ = (34.48, 40.95)
DEIR_EZZOR = (35.336, 40.141)
RAQQA = (35.953, 39.009)
DARBASIYAH = (37.077, 40.653)


# ----------------------------------------------------------------- time helpers


def day_span(text: str, y: int, m: int, d: int, **kw) -> TimeSpan:
    """A day-precise TimeSpan, e.g. "on January 10" -> 2019-01-10."""
    day = dt.date(y, m, d)
    return TimeSpan(text, 0, len(text), "DATE", day.isoformat(), day, day, "day", **kw)


def month_span(text: str, y: int, m: int, **kw) -> TimeSpan:
    """A month-precise TimeSpan covering the whole month (inclusive bounds)."""
    last = calendar.monthrange(y, m)[1]
    return TimeSpan(text, 0, len(text), "DATE", f"{y:04d}-{m:02d}",
                    dt.date(y, m, 1), dt.date(y, m, last), "month", **kw)


def year_span(text: str, y: int, **kw) -> TimeSpan:
    """A year-precise TimeSpan covering the whole year."""
    return TimeSpan(text, 0, len(text), "DATE", f"{y:04d}",
                    dt.date(y, 1, 1), dt.date(y, 12, 31), "year", **kw)


def range_span(text: str, start: dt.date, end: dt.date) -> TimeSpan:
    """A day-precise range ("from 1 to 14 March"): drawn as a bar."""
    return TimeSpan(text, 0, len(text), "DATE", f"{start.isoformat()}/{end.isoformat()}",
                    start, end, "day")


def minute_span(text: str, moment: dt.datetime) -> TimeSpan:
    """A minute-precise TimeSpan at ``moment``."""
    return TimeSpan(text, 0, len(text), "TIME", moment.strftime("%Y-%m-%dT%H:%M"),
                    moment, moment, "minute")


def place(name: str, latlon: tuple[float, float] | None, *, precision: str = "point",
          radius_km: float | None = None, qualifier: str | None = None,
          kind: str = "city", country: str = "SY") -> Place:
    """A Place; ``latlon=None`` makes it unresolved (never guessed)."""
    if latlon is None:
        return Place(name, 0, 0, name, kind="village", country=country, precision="unresolved")
    return Place(name, 0, 0, name, latlon[0], latlon[1], radius_km, kind, country,
                 "geonames:test", precision, qualifier)


# -------------------------------------------------------------- sample articles


def _read_sample(file_name: str) -> str:
    path = SAMPLE_DIR / file_name
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _sample_articles() -> list[Article]:
    articles = []
    for art_id, file_name, outlet, published, published_from in SAMPLE_ARTICLES:
        text = _read_sample(file_name)
        title = next((line.strip() for line in text.splitlines() if len(line.strip()) > 40), outlet)
        articles.append(Article(
            id=art_id, path=str(SAMPLE_DIR / file_name), text=text, title=title,
            outlet=outlet, published=published, published_from=published_from,
            content_hash=file_name.split("_")[1].split(".")[0], format="txt",
        ))
    return articles


def _locate(text: str, sentence: str) -> tuple[int, str]:
    """Where ``sentence`` is in ``text``, tolerating the articles' non-breaking spaces.

    Returns the offset and the sentence exactly as the text spells it.
    """
    pattern = r"\s+".join(re.escape(word) for word in sentence.split())
    found = re.search(pattern, text)
    return (found.start(), found.group(0)) if found else (0, sentence)


class _EventMaker:
    """Builds events with ids/offsets like the pipeline's: ``{article}:{start}:{n}``."""

    def __init__(self, articles: list[Article]) -> None:
        self.texts = {a.id: a.text for a in articles}
        self.counts: dict[str, int] = {}
        self.events: list[Event] = []

    def add(self, article_id: str, sentence: str, what: str, trigger: str,
            when: TimeSpan | None, where: Place | None, cluster_id: str | None = None,
            who: list[str] | None = None) -> Event:
        start, sentence = _locate(self.texts.get(article_id, ""), sentence)
        n = self.counts.get(article_id, 0)
        self.counts[article_id] = n + 1
        event = Event(
            id=f"{article_id}:{start}:{n}", article_id=article_id, sentence=sentence,
            start=start, end=start + len(sentence), what=what, trigger=trigger,
            who=who or ["Abu Bakr al-Baghdadi"], when=when, where=where, cluster_id=cluster_id,
        )
        self.events.append(event)
        return event


def _add_coup(mk: _EventMaker) -> list[Event]:
    keshma = place("al-Keshma", None)
    near_hajin = place("Hajin", HAJIN, precision="near", radius_km=10.0, qualifier="near")
    hajin = place("Hajin", HAJIN)
    c = "c-coup"
    return [
        mk.add("000", "the secretive leader known as “Caliph Ibrahim” had to fend off a two-day "
               "internal assault in September", "coup attempt against al-Baghdadi", "coup",
               month_span("in September", 2018, 9, needs_reference=True), keshma, c),
        mk.add("001", "The clash reportedly took place in September in a hamlet IS held in eastern "
               "Syria, al-Keshma, near Baghouz.", "coup attempt against al-Baghdadi", "clash",
               month_span("in September", 2018, 9, needs_reference=True), keshma, c),
        mk.add("002", "Abu Bakr al-Baghdadi was attacked in a village near Hajin in eastern Syria "
               "on January 10", "coup attempt against al-Baghdadi", "attack",
               day_span("on January 10", 2019, 1, 10), near_hajin, c),
        mk.add("003", "The incident, believed to have taken place on 10 January, took place in Hajin",
               "coup attempt against al-Baghdadi", "incident",
               day_span("on 10 January", 2019, 1, 10), hajin, c),
        mk.add("004", "The clash reportedly occurred on January 10 in a village near Hajin",
               "coup attempt against al-Baghdadi", "clash",
               day_span("on January 10", 2019, 1, 10), near_hajin, c),
    ]


def _add_caliphate(mk: _EventMaker) -> list[Event]:
    mosul = place("Mosul", MOSUL, country="IQ")
    c = "c-caliphate"
    return [
        mk.add("000", "he has made only one public appearance — at the Great Mosque in Mosul, Iraq, "
               "in July 2014", "declaration of the caliphate", "declare",
               month_span("in July 2014", 2014, 7), mosul, c),
        mk.add("002", "Baghdadi has not been seen publicly since mid-2014, when he declared himself "
               "to be the leader of the so-called caliphate in the al-Nuri mosque in Mosul.",
               "declaration of the caliphate", "declare",
               year_span("mid-2014", 2014, modifier="MID"), mosul, c),
        mk.add("003", "Having only made one infamous media appearance in 2014, when declaring his "
               "so-called caliphate at the Al-Nuri Mosque in Mosul",
               "declaration of the caliphate", "declare", year_span("2014", 2014), mosul, c),
    ]


def _add_desert(mk: _EventMaker) -> list[Event]:
    c = "c-desert"
    return [
        mk.add("000", "The witness said that since January, the ISIL leader has been gone from the "
               "area, running into the desert as U.S.-backed Syrian forces advance.",
               "al-Baghdadi flees to the desert", "flee",
               month_span("since January", 2019, 1, needs_reference=True), None, c),
        mk.add("001", "Hamdan said Baghdadi then moved to Baghouz, and in early January he fled to "
               "the desert.", "al-Baghdadi flees to the desert", "flee",
               month_span("in early January", 2019, 1, needs_reference=True, modifier="START"),
               None, c),
        mk.add("003", "The Daesh leader is now believe to have fled to the desert near Hasakah",
               "al-Baghdadi flees to the desert", "flee", None,
               place("Hasakah", HASAKAH, precision="near", radius_km=25.0, qualifier="near"), c),
    ]


def _add_others(mk: _EventMaker) -> list[Event]:
    """Single-source events of every precision, plus one range and one unanchored."""
    return [
        mk.add("000", "fierce fighting remained underway Monday between the SDF and ISIL around the "
               "extremists’ last foothold in Baghouz", "fighting in Baghouz", "fight",
               day_span("Monday", 2019, 2, 11, needs_reference=True), place("Baghouz", BAGHOUZ),
               who=["SDF", "ISIL"]),
        mk.add("001", "Baghdadi’s whereabouts have been mostly unknown since the fall of Mosul and "
               "Raqqa, the IS strongholds in Iraq and Syria respectively, in 2017.",
               "fall of Mosul and Raqqa", "fall", year_span("in 2017", 2017),
               place("Raqqa", RAQQA), who=["IS"]),
        mk.add("002", "he reportedly issued an order to kill 320 of his followers for their "
               "‘betrayal’ of ISIS", "order to kill 320 followers", "order",
               month_span("back in October 2018", 2018, 10), None),
        mk.add("003", "US forces and members of the Syrian Democratic Forces (SDF) patrol the "
               "Kurdish-held town of Al-Darbasiyah in northeastern Syria bordering Turkey on "
               "November 4, 2018", "US and SDF patrol Al-Darbasiyah", "patrol",
               day_span("on November 4, 2018", 2018, 11, 4), place("Ad Darbasiyah", DARBASIYAH),
               who=["US forces", "SDF"]),
        mk.add("003", "President Trump maintained on Wednesday that he expected to make a formal "
               "announcement", "Trump expects announcement", "maintain",
               minute_span("on Wednesday", dt.datetime(2019, 2, 6, 14, 30)), None,
               who=["Donald Trump"]),
        mk.add("004", "Last November, The Sun Online joined battle-hardened Syrian soldiers as they "
               "targeted the warlord's henchmen", "The Sun joins Syrian soldiers", "join",
               range_span("Last November", dt.date(2018, 11, 1), dt.date(2018, 11, 14)),
               place("eastern Syria", None), who=["The Sun Online"]),
        mk.add("004", "Two militants died in the attempt to wrest control from the fugitive warlord.",
               "two militants die", "die", None, None, who=["militants"]),
        mk.add("003", "Thousands of foreign fighters are believed to have joined Daesh from 2014",
               "foreign fighters join Daesh", "join",
               TimeSpan("for years", 0, 9, "DURATION", "P5Y"), None, who=["foreign fighters"]),
    ]


def _clusters(events: list[Event]) -> list[EventCluster]:
    labels = {"c-coup": "coup attempt against al-Baghdadi",
              "c-caliphate": "declaration of the caliphate in Mosul",
              "c-desert": "al-Baghdadi flees to the desert"}
    clusters = []
    for cid, label in labels.items():
        members = [e for e in events if e.cluster_id == cid]
        clusters.append(EventCluster(cid, label, [e.id for e in members],
                                     [e.article_id for e in members]))
    return clusters


def _coup_conflicts(coup: list[Event]) -> list[Conflict]:
    early, late = coup[:2], coup[2:]

    def side(value: str, events: list[Event]) -> ConflictSide:
        return ConflictSide(value, [e.id for e in events], [e.article_id for e in events],
                            [e.sentence for e in events])

    gap = early[0].when.gap_days(late[0].when)  # type: ignore[union-attr]
    return [
        Conflict("x-coup-time", "c-coup", "time",
                 [side("September 2018", early), side("10 January 2019", late)], gap_days=gap,
                 explanation="Two sources place the coup attempt in September 2018, three on "
                             "10 January 2019: about 4 months apart."),
        Conflict("x-coup-place", "c-coup", "place",
                 [side("al-Keshma", early), side("near Hajin", late)], gap_km=None,
                 explanation="al-Keshma (near Baghouz, unresolved) vs Hajin."),
    ]


def sample_story() -> Story:
    """The five sample articles as the full pipeline should see them."""
    articles = _sample_articles()
    mk = _EventMaker(articles)
    coup = _add_coup(mk)
    _add_caliphate(mk)
    _add_desert(mk)
    _add_others(mk)
    return Story(articles=articles, events=mk.events, clusters=_clusters(mk.events),
                 conflicts=_coup_conflicts(coup))


# ------------------------------------------------------------------ large story

_PRECISION_WEIGHTS = (("minute", 1), ("hour", 1), ("day", 6), ("week", 1), ("month", 2), ("year", 1))


def _random_span(rng: random.Random, start: dt.date, days: int) -> TimeSpan:
    precision = rng.choices([p for p, _ in _PRECISION_WEIGHTS], [w for _, w in _PRECISION_WEIGHTS])[0]
    day = start + dt.timedelta(days=rng.randrange(days))
    if precision in ("minute", "hour"):
        moment = dt.datetime(day.year, day.month, day.day, rng.randrange(24),
                             rng.randrange(60) if precision == "minute" else 0)
        return TimeSpan("t", 0, 1, "TIME", moment.isoformat(), moment, moment, precision)
    if precision == "day":
        return day_span("t", day.year, day.month, day.day)
    if precision == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return TimeSpan("t", 0, 1, "DATE", monday.strftime("%G-W%V"), monday,
                        monday + dt.timedelta(days=6), "week")
    if precision == "month":
        return month_span("t", day.year, day.month)
    return year_span("t", day.year)


def make_large_story(n_events: int = 100_000, n_lanes: int = 20, seed: int = 0) -> Story:
    """A deterministic synthetic story: ``n_events`` over ``n_lanes`` articles, 2010-2020.

    About 1% of events are undated, 5% sit in 3-event clusters across articles,
    and every tenth cluster carries a time conflict, so every code path is exercised.
    """
    rng = random.Random(seed)
    start, days = dt.date(2010, 1, 1), 3653
    articles = [Article(id=f"a{i:03d}", path=f"synthetic/{i:03d}.txt", text="",
                        title=f"Synthetic article {i}", outlet=f"Outlet {i}",
                        published=start + dt.timedelta(days=days + i),
                        published_from="estimated" if i % 2 else "text")
                for i in range(n_lanes)]
    events = []
    for n in range(n_events):
        article_id = articles[n % n_lanes].id
        when = None if rng.random() < 0.01 else _random_span(rng, start, days)
        lat, lon = rng.uniform(30, 38), rng.uniform(36, 46)
        events.append(Event(id=f"{article_id}:{n}:0", article_id=article_id,
                            sentence=f"Synthetic event {n} happened.", start=0, end=10,
                            what=f"event {n}", trigger="happen", when=when,
                            where=Place(f"P{n}", 0, 0, f"Place {n}", lat, lon, precision="point")))
    clusters, conflicts = _large_clusters(events, n_lanes, rng)
    return Story(articles=articles, events=events, clusters=clusters, conflicts=conflicts)


def _large_clusters(events: list[Event], n_lanes: int, rng: random.Random
                    ) -> tuple[list[EventCluster], list[Conflict]]:
    dated = [e for e in events if e.when is not None and e.when.is_anchored]
    n_clusters = min(len(dated) // 60, len(dated) // max(n_lanes, 3))
    clusters, conflicts = [], []
    for k in range(n_clusters):
        base = k * n_lanes  # consecutive events come from consecutive lanes
        members = [dated[i] for i in range(base, base + 3) if i < len(dated)]
        if len({m.article_id for m in members}) < 2:
            continue
        cid = f"lc{k}"
        for m in members:
            m.cluster_id = cid
        clusters.append(EventCluster(cid, f"cluster {k}", [m.id for m in members],
                                     [m.article_id for m in members]))
        if k % 10 == 0 and len(members) >= 2:
            a, b = members[:1], members[1:]
            conflicts.append(Conflict(
                f"lx{k}", cid, "time",
                [ConflictSide("a", [e.id for e in a], [e.article_id for e in a]),
                 ConflictSide("b", [e.id for e in b], [e.article_id for e in b])],
                gap_days=a[0].when.gap_days(b[0].when)))  # type: ignore[union-attr]
    return clusters, conflicts
