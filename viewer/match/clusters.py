"""Matching event mentions across (and within) articles into clusters.

Two mentions are one happening when they name the same kind of happening
(paraphrases share a class: "coup attempt", "clash", "firefight") and either
share a specific actor (a person, not an organisation such as "ISIL") at a
plausible distance in time (sources may then disagree on date or place: that
is what we want to show), or, without one, agree on both time and place.  Two
happenings of one kind with no shared specific actor and incompatible
time/place stay apart, and a cluster never holds such a pair.

Scale: candidate pairs come from blocks (class family x specific actor, x
place, x time line); a big block is sorted by time and each mention compared
with a bounded number of neighbours inside the gap that could still match, so
the work per mention is bounded and the whole grows about linearly.

Text similarity (rapidfuzz token_set_ratio of the two phrases) is one term of
the score; ``benchmarks/bench_matching.py --quality`` measures what it adds.
spaCy ``doc.similarity`` is not used: the default small pipeline has no word
vectors, and on the benchmark it separates same from different happenings no
better than rapidfuzz (AUC 0.64 vs 0.65) at a hundred times the cost.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from viewer.cancellation import ShouldStop, check_every
from viewer.conflicts.detect import name_key, places_compatible
from viewer.extract._event_lexicon import ACTOR_ALIASES, EVENT_NOUNS, class_family, trigger_class
from viewer.extract.events import actor_key
from viewer.model import Correction, Event, EventCluster, Place

#: With a shared actor, mentions further apart than this are different happenings.
MAX_ACTOR_GAP_DAYS = 200.0
#: Without a shared actor, dates must agree to within this many days.
MAX_ANON_GAP_DAYS = 2.0
#: A mention naming nobody, in an article about one person, may be that person's
#: happening: matched to it when dates are at most this far apart (sources disagree by days).
MAX_CONTEXT_GAP_DAYS = 7.0
#: Blocks up to this size are compared pair by pair; bigger ones only between
#: neighbours in time order (``WINDOW`` each side), so the work per mention is bounded.
BLOCK_LIMIT = 24
WINDOW = 8
#: Weight of the text-similarity term in a pair's score (see benchmarks/bench_matching.py --quality).
TEXT_WEIGHT = 1.0

#: Words that make a name an institution rather than a person.
_INSTITUTION_WORDS = frozenset({"forces", "force", "state", "group", "army", "ministry", "council", "party",
                                "observatory", "agency", "news", "nations", "union", "front", "command",
                                "department", "police", "government", "committee", "coalition", "militia",
                                "militias", "brigade", "brigades", "movement", "organisation", "organization"})
_GENERIC_KEYS = frozenset(ACTOR_ALIASES.values())


@functools.lru_cache(maxsize=4096)
def is_generic_actor(name: str) -> bool:
    """Organisations, states and nationalities: present in many different happenings.

    "ISIL", "the SDF", "Syrian Democratic Forces", "America", "Tunisians" can
    take part in any number of attacks at once, so sharing one says little;
    a named person ("al-Baghdadi", "Lindsay Lohan") does single out one happening.
    """
    key = actor_key.__wrapped__(name)
    if key in _GENERIC_KEYS:
        return True
    bare = name.strip().removeprefix("the ").removeprefix("The ")
    words = bare.replace("-", " ").split()
    if len(words) == 1 and bare.isupper() and len(bare) <= 6:
        return True  # an acronym: ISIS, SDF, PMF
    if {w.lower() for w in words} & _INSTITUTION_WORDS:
        return True
    return len(words) == 1 and bool(_DEMONYM.search(bare)) and bare[:1].isupper() and bare.endswith("s")


_DEMONYM = re.compile(r"(?:ians|ans|is|ish|ese)$")


@dataclass(frozen=True)
class _Mention:
    """What matching needs to know about one event mention."""

    n: int
    event: Event
    cls: str
    family: str
    actors: frozenset[str]  # specific actors (people, named small groups)
    groups: frozenset[str]  # generic actors (organisations, states)
    bounds: tuple[float, float] | None
    place_key: str | None
    place_id: int  # interned place, -1 when none
    context: frozenset[str] = frozenset()  # the article's main person, for mentions naming nobody

    @property
    def article(self) -> str:
        return self.event.article_id

    @property
    def sort_time(self) -> float:
        return self.bounds[0] if self.bounds else float("inf")


def _mentions(events: list[Event]) -> list[_Mention]:
    interned: dict[Place, int] = {}
    actors: dict[str, tuple[str, bool]] = {}  # name -> (key, generic); local: names are many
    mentions = []
    for n, event in enumerate(events):
        cls = trigger_class(event.trigger)
        bounds = event.when.bounds_days() if event.when is not None else None
        place_id = interned.setdefault(event.where, len(interned)) if event.where is not None else -1
        for name in event.who:
            if name not in actors:
                actors[name] = (actor_key.__wrapped__(name), is_generic_actor.__wrapped__(name))
        specific = frozenset(actors[a][0] for a in event.who if not actors[a][1])
        generic = frozenset(actors[a][0] for a in event.who if actors[a][1])
        mentions.append(_Mention(n, event, cls, class_family(cls), specific, generic, bounds,
                                 name_key(event.where.name) if event.where is not None else None, place_id))
    return _with_context(mentions)


def _with_context(mentions: list[_Mention]) -> list[_Mention]:
    """Give mentions that name nobody their article's main person as context.

    "Turkish soldiers tried to seize power on Saturday" names no one, but in an
    article where Erdogan is named by several happenings it is most likely his
    story; that is weaker evidence than a named actor, so it only bridges
    dates a few days apart and never places that cannot be one.
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    for m in mentions:
        counts[m.article].update(m.actors)
    main: dict[str, str] = {}
    for article, counter in counts.items():
        top = counter.most_common(2)
        if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] > top[1][1]):
            main[article] = top[0][0]
    return [replace(m, context=frozenset({main[m.article]})) if not m.actors and m.article in main else m
            for m in mentions]


def _shares_context(a: _Mention, b: _Mention) -> bool:
    return bool((a.actors | a.context) & (b.actors | b.context)) and not (a.actors and b.actors)


def _time_gap(a: _Mention, b: _Mention) -> float | None:
    if a.bounds is None or b.bounds is None:
        return None
    if a.bounds[0] < b.bounds[1] and b.bounds[0] < a.bounds[1]:
        return 0.0
    return b.bounds[0] - a.bounds[1] if a.bounds[1] <= b.bounds[0] else a.bounds[0] - b.bounds[1]


def _narrow(m: _Mention) -> bool:
    return m.bounds is not None and m.bounds[1] - m.bounds[0] <= 31


def _same_day(a: _Mention, b: _Mention) -> bool:
    """Both dated to the day (or finer) and overlapping."""
    return (a.bounds is not None and b.bounds is not None and a.bounds[1] - a.bounds[0] <= 1.0
            and b.bounds[1] - b.bounds[0] <= 1.0 and a.bounds[0] < b.bounds[1] and b.bounds[0] < a.bounds[1])


class _PlaceCache:
    """places_compatible per pair of interned places: matching asks the same question often."""

    def __init__(self) -> None:
        self.known: dict[tuple[int, int], bool | None] = {}

    def __call__(self, a: _Mention, b: _Mention) -> bool | None:
        if a.place_id < 0 or b.place_id < 0:
            return None
        key = (a.place_id, b.place_id) if a.place_id < b.place_id else (b.place_id, a.place_id)
        if key not in self.known:
            self.known[key] = places_compatible(a.event.where, b.event.where)
        return self.known[key]


def pair_score(a: _Mention, b: _Mention, places=None, text_weight: float = TEXT_WEIGHT) -> float | None:
    """How sure we are that two mentions are one happening (None: they are not).

    A shared specific actor lets sources disagree on time and place; a shared
    organisation alone ("ISIL") does not: then, as for anonymous mentions,
    time and place must agree.
    """
    if a.family != b.family:
        return None
    places = places or _PlaceCache()
    gap = _time_gap(a, b)
    if a.article == b.article:
        return _same_article_score(a, b, gap, places(a, b), text_weight)
    shared = a.actors & b.actors
    if shared:
        if gap is not None and gap > MAX_ACTOR_GAP_DAYS:
            return None
        return 2.0 + len(shared) * 0.5 + (0.5 if a.cls == b.cls else 0.0) + _text(a, b, text_weight) \
            + (0.5 if gap == 0.0 else 0.0) + (0.5 if places(a, b) else 0.0)
    place_ok = places(a, b)
    if _shares_context(a, b) and (gap is None or gap <= MAX_CONTEXT_GAP_DAYS) and place_ok is not False:
        return 1.5 + (0.5 if a.cls == b.cls else 0.0) + _text(a, b, text_weight)
    if (gap is not None and gap > MAX_ANON_GAP_DAYS) or (a.actors and b.actors):
        return None  # too far apart without a shared person, or each names its own people
    if place_ok is False:
        return None
    same_class = a.cls == b.cls
    bonus = 0.25 * len(a.groups & b.groups)
    if gap is not None and place_ok:
        return 1.0 + bonus + _text(a, b, text_weight) + (0.5 if same_class else 0.0)
    if not same_class:
        return None
    text = _text(a, b, text_weight)
    if gap is not None and _narrow(a) and _narrow(b) and (text >= 0.6 * text_weight or bonus):
        return 0.5 + bonus + text
    if _same_day(a, b) and a.place_id < 0 and b.place_id < 0 and not (a.actors or b.actors):
        return 0.4 + bonus + text  # one kind, one day, and nobody and nowhere telling them apart
    if place_ok and gap is None and (text >= 0.7 * text_weight or (bonus and not text_weight)):
        return 0.5 + bonus + text
    return None


def _same_article_score(a: _Mention, b: _Mention, gap: float | None, place_ok: bool | None,
                        text_weight: float) -> float | None:
    """One article tells one happening of a kind unless it dates or places them apart.

    A news story names its happening several times ("the coup attempt", "the
    putsch", "soldiers attacked the parliament"), often without repeating who
    or when; joining them lets the cluster carry the article's date and place
    as a whole.  Mentions whose dates cannot overlap, or whose places cannot be
    one, stay apart (the article then tells two happenings).
    """
    if (gap is not None and gap > 0.0) or place_ok is False:
        return None
    return 1.0 + (0.5 if a.cls == b.cls else 0.0) + _text(a, b, text_weight)


def _text(a: _Mention, b: _Mention, weight: float) -> float:
    """Word overlap of the two phrases (rapidfuzz token_set_ratio), scaled to [0, weight]."""
    return weight * fuzz.token_set_ratio(a.event.what, b.event.what) / 100.0 if weight else 0.0


def _cannot_link(a: _Mention, b: _Mention, places) -> bool:
    """Pairs that must never end in one cluster, whatever chain joins them."""
    gap = _time_gap(a, b)
    if a.article == b.article and a.family == b.family:
        return (gap is not None and gap > 0.0) or places(a, b) is False
    if gap is not None and gap > MAX_ACTOR_GAP_DAYS:
        return True
    if not (a.actors & b.actors):
        limit = MAX_CONTEXT_GAP_DAYS if _shares_context(a, b) else MAX_ANON_GAP_DAYS
        if gap is not None and gap > limit:
            return True
        if places(a, b) is False:
            return True  # without a shared person, two places that cannot be one are two happenings
        if a.actors and b.actors:
            return True
    return False


# ------------------------------------------------------------------- blocking


def _block_keys(m: _Mention) -> list[tuple]:
    """Blocks a mention joins: each specific actor, its place, and (when dated
    precisely) its family's time line, where anonymous mentions meet."""
    keys: list[tuple] = [("actor", m.family, actor) for actor in m.actors | m.context]
    if m.place_key:
        keys.append(("place", m.family, m.place_key))
    if _narrow(m):
        keys.append(("time", m.family))
    if not keys:
        keys.append(("class", m.family))
    keys.append(("article", m.family, m.article))
    return keys


def _max_gap(key: tuple) -> float:
    """How far apart in time two mentions of one block may be and still match."""
    return MAX_ACTOR_GAP_DAYS if key[0] in ("actor", "article") else MAX_ANON_GAP_DAYS


def candidate_pairs(mentions: list[_Mention]) -> set[tuple[int, int]]:
    """Pairs worth scoring: those sharing a block; in big blocks only time neighbours.

    Every pair that can match is close in time (2 days without a shared
    actor, 200 with one), so a big block is sorted by time and each mention
    compared with at most WINDOW following ones inside that gap (undated
    mentions, sorted last, with their WINDOW neighbours).  The work per
    mention is bounded, so the whole grows linearly; the price is that in a
    very dense block a pair further apart than WINDOW neighbours is only
    joined through the mentions between them.
    """
    blocks: dict[tuple, list[_Mention]] = defaultdict(list)
    for m in mentions:
        for key in _block_keys(m):
            blocks[key].append(m)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        by_actor = key[0] in ("actor", "article")
        if len(members) <= BLOCK_LIMIT:
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if by_actor or _may_meet_without_actor(a, b):
                        pairs.add((a.n, b.n) if a.n < b.n else (b.n, a.n))
            continue
        _windowed_pairs(sorted(members, key=lambda m: (m.sort_time, m.n)), _max_gap(key), by_actor, pairs)
    return pairs


def _may_meet_without_actor(a: _Mention, b: _Mention) -> bool:
    """In place/time blocks: two mentions naming different people never match
    (and those sharing one meet in that person's block)."""
    return not (a.actors and b.actors)


def _windowed_pairs(ordered: list[_Mention], max_gap: float, by_actor: bool, pairs: set[tuple[int, int]]) -> None:
    for i, a in enumerate(ordered):
        limit = a.bounds[1] + max_gap if a.bounds is not None else float("inf")
        taken = 0
        for b in ordered[i + 1:i + 1 + 2 * WINDOW]:
            if b.bounds is not None and b.bounds[0] > limit:
                break
            if by_actor or _may_meet_without_actor(a, b):
                pairs.add((a.n, b.n) if a.n < b.n else (b.n, a.n))
                taken += 1
                if taken == WINDOW:
                    break


# ------------------------------------------------------------------ clustering


class _Groups:
    """Union-find that keeps, per group, what the cannot-link rules look at.

    Checking every member pair on each merge is quadratic: a story told by
    hundreds of articles makes clusters of thousands of mentions.  The rules
    only read a mention's family, dates, place, actors and context (and, within
    one article, dates and place), so each group keeps its *distinct* such
    signatures with the articles that hold them, and a merge compares those.
    """

    def __init__(self, mentions: list[_Mention]) -> None:
        self.mentions = mentions
        self.parent = list(range(len(mentions)))
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(mentions))}
        # cross-article view: signature -> (a representative mention, articles holding it)
        self.signatures: dict[int, dict[tuple, tuple[_Mention, set[str]]]] = {}
        # same-article view: (article, family) -> {(bounds, place_id): representative}
        self.by_article: dict[int, dict[tuple, dict[tuple, _Mention]]] = {}
        for m in mentions:
            self.signatures[m.n] = {_signature(m): (m, {m.article})}
            self.by_article[m.n] = {(m.article, m.family): {(m.bounds, m.place_id): m}}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def can_join(self, ra: int, rb: int, places) -> bool:
        """No pair across the two groups is a cannot-link (same answer as checking every pair)."""
        for key, left in self.by_article[ra].items():
            right = self.by_article[rb].get(key)
            if right and any(_cannot_link(x, y, places) for x in left.values() for y in right.values()):
                return False
        for sig_a, (x, arts_a) in self.signatures[ra].items():
            for sig_b, (y, arts_b) in self.signatures[rb].items():
                if len(arts_a) == 1 and arts_a == arts_b:
                    continue  # only one article on both sides: judged by the same-article view
                if _cannot_link_across(x, y, places):
                    return False
        return True

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        signatures = self.signatures[ra]
        for sig, (m, arts) in self.signatures.pop(rb).items():
            if sig in signatures:
                signatures[sig][1].update(arts)
            else:
                signatures[sig] = (m, set(arts))
        by_article = self.by_article[ra]
        for key, reps in self.by_article.pop(rb).items():
            by_article.setdefault(key, {}).update(reps)


def _signature(m: _Mention) -> tuple:
    """What _cannot_link reads of a mention from another article."""
    return (m.family, m.bounds, m.place_id, m.actors, m.context)


def _cannot_link_across(a: _Mention, b: _Mention, places) -> bool:
    """_cannot_link for two mentions taken as coming from different articles."""
    if a.article != b.article:
        return _cannot_link(a, b, places)
    # Representatives of signatures held by several articles: judge them as different articles.
    return _cannot_link(a, replace(b, event=replace(b.event, article_id=b.article + "\x00other")), places)


def _group_mentions(mentions: list[_Mention], text_weight: float = TEXT_WEIGHT,
                    should_stop: ShouldStop | None = None) -> _Groups:
    """Best pairs first, each joining two groups unless some member pair cannot link."""
    places = _PlaceCache()
    scored = []
    for count, (i, j) in enumerate(candidate_pairs(mentions)):
        check_every(count, should_stop)
        score = pair_score(mentions[i], mentions[j], places, text_weight)
        if score is not None:
            scored.append((-score, i, j))
    scored.sort()
    groups = _Groups(mentions)
    for count, (_, i, j) in enumerate(scored):
        check_every(count, should_stop)
        ri, rj = groups.find(i), groups.find(j)
        if ri == rj or not groups.can_join(ri, rj, places):
            continue
        groups.union(ri, rj)
    return groups


def _apply_corrections(sets: list[set[str]], corrections: list[Correction]) -> list[set[str]]:
    """Splits take ids out of their cluster into one of their own; merges join the ids' clusters."""
    for correction in corrections:
        ids = set(correction.payload.get("event_ids") or [])
        if not ids or correction.kind not in ("merge", "split"):
            continue
        known = set().union(*sets) if sets else set()
        ids &= known
        if not ids:
            continue
        if correction.kind == "split":
            # Split within each cluster: ids taken from two clusters never end up together.
            sets = [part for s in sets for part in (s - ids, s & ids) if part]
        else:
            joined = set().union(*(s for s in sets if s & ids))
            sets = [s for s in sets if not s & ids] + [joined]
    return sets


def cluster_id_for(event_ids) -> str:
    """Stable id from the smallest member event id."""
    return "c-" + hashlib.sha1(min(event_ids).encode("utf-8")).hexdigest()[:12]


def cluster_label(events: list[Event]) -> str:
    """A readable phrase for the cluster: a nominal mention naming its actors, if any."""
    classes = [trigger_class(e.trigger) for e in events]
    main = max(set(classes), key=lambda c: (classes.count(c), c))

    def quality(e: Event) -> tuple:
        mentions_actor = any(a.split()[-1] in e.what for a in e.who)
        canonical = e.trigger == main or e.trigger.startswith(main)
        return (trigger_class(e.trigger) == main, canonical, mentions_actor, e.trigger in EVENT_NOUNS,
                " against " in e.what or " on " in e.what, -abs(len(e.what) - 40), e.id)

    best = max(events, key=quality)
    return best.what or best.trigger


def cluster_events(events: list[Event], corrections: list[Correction] | None = None,
                   should_stop: ShouldStop | None = None) -> list[EventCluster]:
    """Group mentions of the same happening; every event ends in exactly one cluster."""
    with _cyclic_gc_paused():
        return _cluster_events(events, corrections, TEXT_WEIGHT, should_stop)


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Matching allocates millions of small tuples that never form cycles, and
    CPython's cycle collector keeps re-scanning the growing heap while they are
    made: at 100k mentions that was a third of the time (bench_matching.py).
    Reference counting still frees everything; the collector is restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _cluster_events(events: list[Event], corrections: list[Correction] | None,
                    text_weight: float, should_stop: ShouldStop | None = None) -> list[EventCluster]:
    groups = _group_mentions(_mentions(events), text_weight, should_stop)
    sets = [{events[i].id for i in members} for members in groups.members.values()]
    sets = _apply_corrections(sets, corrections or [])
    by_id = {e.id: e for e in events}
    clusters = []
    for ids in sets:
        members = sorted(ids)
        member_events = [by_id[i] for i in members]
        clusters.append(EventCluster(
            id=cluster_id_for(members),
            label=cluster_label(member_events),
            event_ids=members,
            article_ids=sorted({e.article_id for e in member_events}),
        ))
    clusters.sort(key=lambda c: c.id)
    return clusters
