"""Events: the things that happened, read from the dependency parse.

An event is anchored on a trigger: an eventive noun ("coup", "clash", "attack")
or a non-reporting verb ("fled", "attacked").  Dates and places are attached
by walking up the parse from the mention to the first trigger that owns it,
so "The incident, believed to have taken place on 10 January, took place in
Hajin" gives both to "incident" rather than to the nearest word.  Reporting
verbs ("said", "told") are never events: we walk through them to what they
report, and a date hanging off a reporting verb is the report's, not the
event's.  Nothing is dated with the publication date by default.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from viewer.extract.language import doc_text
from viewer.extract._event_lexicon import (
    ACTOR_ALIASES,
    ANAPHORIC_DETERMINERS,
    EVENT_NOUNS,
    GENERIC_EVENT_NOUNS,
    NON_EVENT_VERBS,
    OCCURRENCE_VERBS,
    PERSON_PRONOUNS,
    REPORTING_VERBS,
    SUPPORT_VERBS,
    TRIGGER_CLASS,
    class_family,
    trigger_class,
)
from viewer.extract.places import DEMONYM, PLACE_LABELS
from viewer.model import PRECISIONS, Article, Event, Place, TimeSpan

ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "obj", "attr"})
ARGUMENT_PREPS = frozenset({"against", "on", "by", "with", "of", "from", "between", "at"})
CLAUSE_LINKS = frozenset({"xcomp", "ccomp", "conj", "advcl", "pcomp", "relcl", "acl"})
MODAL_WORDS = frozenset({"will", "would", "could", "may", "might", "should", "must", "can", "'ll"})
SKIP_TIME_VALUES = frozenset({"PRESENT_REF", "PAST_REF", "FUTURE_REF"})
#: Support verbs whose subject is the one the happening was aimed at.
VICTIM_VERBS = frozenset({"survive", "fend", "overcome", "foil", "thwart", "flee", "escape", "repel",
                          "repulse", "resist", "avert", "suffer", "face", "undergo"})
ANAPHORA_WINDOW = 3
#: Sentences back in which the main person must be named for "the leader" to be them.
ROLE_WINDOW = 8
RELATIVE_PRONOUNS = frozenset({"who", "whom", "which", "that"})
#: Subjects that make a clause generic or hypothetical ("a reward for anyone who kills X").
GENERIC_SUBJECTS = frozenset({"anyone", "anybody", "whoever", "whomever", "everyone", "someone",
                              "somebody", "nobody", "no one"})
IRREALIS_HEADS = frozenset({"want", "plan", "hope", "aim", "intend", "vow",
                            "threaten", "eager", "urge", "expect", "need", "able", "ready", "keen"})
#: "the ISIL leader" in a story about one leader is that leader (light coreference).
ROLE_NOUNS = frozenset({"leader", "chief", "head", "commander", "founder", "warlord", "caliph",
                        # the person a celebrity or crime story is about: "the singer entered ..."
                        "singer", "actor", "actress", "star", "rapper", "musician", "attacker",
                        "assailant", "gunman", "suspect"})  # sentences back to look for the antecedent of "the incident"


# ----------------------------------------------------------------- actor names


@functools.lru_cache(maxsize=65536)
def actor_key(name: str) -> str:
    """A key under which spellings of one actor meet.

    "Abu Bakr al-Baghdadi", "Al-Baghdadi" and "Baghdadi" all give "baghdadi":
    multi-word personal names are keyed by their last name without the Arabic
    article; organisations by their full name through a small alias table.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("’", "'")
    text = re.sub(r"'s$", "", text.strip())
    text = re.sub(r"^the\s+", "", text)
    if text in ACTOR_ALIASES:
        return ACTOR_ALIASES[text]
    words = [w for w in re.split(r"[\s\-]+", text) if w]
    words = [re.sub(r"^(al|el|ad|as|ar|an|at|az)$", "", w) for w in words]
    words = [w.strip(".'\"“”") for w in words if w]
    if not words:
        return text
    joined = " ".join(words)
    if joined in ACTOR_ALIASES:
        return ACTOR_ALIASES[joined]
    return words[-1] if len(words) > 1 and words[0][:1].isalpha() and _looks_personal(name) else joined


def _looks_personal(name: str) -> bool:
    """Multi-word names made only of capitalised words are treated as persons."""
    words = [w for w in re.split(r"[\s]+", name.strip()) if w]
    lowered = {w.lower() for w in words}
    institutional = {"forces", "state", "group", "army", "ministry", "council", "party",
                     "observatory", "agency", "news", "nations", "union", "front", "command",
                     "department", "house", "online", "post", "times", "guardian", "court",
                     "police", "government", "committee", "bank", "university", "democratic"}
    return not (lowered & institutional)


@dataclass
class _ActorBook:
    """Who an article talks about: display names per key and the main person."""

    display: dict[str, str] = field(default_factory=dict)
    persons: Counter = field(default_factory=Counter)
    positions: dict[str, list[int]] = field(default_factory=dict)  # token indices per key
    place_spans: list[tuple[int, int]] = field(default_factory=list)  # place mentions (characters)

    @property
    def main_person(self) -> str | None:
        if not self.persons:
            return None
        key = self.persons.most_common(1)[0][0]
        return self.display.get(key, key)

    def person_near(self, token, sentences_back: int = 1) -> str | None:
        """The main person, if named in the mention's sentence or the ``sentences_back`` before.

        Light coreference: "he" far from any mention of the main person is
        more likely someone else ("we captured this British doctor. He ...").
        A role ("the ISIL leader") keeps its referent longer than a pronoun.
        """
        main = self.main_person
        if main is None:
            return None
        key = actor_key(main)
        window_start = token.sent.start
        for _ in range(sentences_back):
            if window_start == 0:
                break
            window_start = token.doc[window_start - 1].sent.start
        near = any(window_start <= i <= token.i + 10 for i in self.positions.get(key, ()))
        return main if near else None

    def role_holder(self, token) -> str | None:
        """Who "the (ISIL) leader" is: the main person, if named in the last few sentences."""
        return self.person_near(token, ROLE_WINDOW) if _is_definite_role(token) else None

    def name(self, surface: str) -> str:
        key = actor_key(surface)
        return self.display.get(key, surface)


_KNOWN_GROUP_NAMES = frozenset(ACTOR_ALIASES) | frozenset(ACTOR_ALIASES.values())


def _ent_name(ent) -> str:
    """The entity's name, mended where the small model split a known group name
    ("Islamic" NORP + "State" ORG is "Islamic State")."""
    name = _clean_name(ent.text)
    if ent.start > 0:
        prev = ent.doc[ent.start - 1]
        joined = f"{prev.text} {name}"
        if prev.ent_type_ and not prev.whitespace_ == "" and joined.lower() in _KNOWN_GROUP_NAMES:
            return joined
    return name


def _is_actor_entity(ent) -> bool:
    """PERSON/ORG/NORP, and the armed groups the small model calls places ("Daesh", "ISIL")."""
    if ent.label_ in ACTOR_LABELS:
        return True
    return ent.label_ == "GPE" and _ent_name(ent).lower() in ACTOR_ALIASES


def _actor_book(doc, places: list[Place] = ()) -> _ActorBook:
    """Collect actor entities so that every mention is shown by its fullest name."""
    book = _ActorBook(place_spans=sorted((p.start, p.end) for p in places))
    for ent in doc.ents:
        if not _is_actor_entity(ent) or _is_place_entity(ent, book):
            continue
        surface = _ent_name(ent)
        if not surface:
            continue
        key = actor_key(surface)
        if len(surface) > len(book.display.get(key, "")):
            book.display[key] = surface
        if ent.label_ == "PERSON" or (ent.label_ == "ORG" and key in book.persons):
            book.persons[key] += 1
    for ent in doc.ents:
        if _is_actor_entity(ent) and not _is_place_entity(ent, book):
            book.positions.setdefault(actor_key(_ent_name(ent)), []).append(ent.start)
    # An ORG-labelled single name that matches a person's key is that person.
    for ent in doc.ents:
        if ent.label_ == "ORG" and actor_key(_ent_name(ent)) in book.persons:
            book.persons[actor_key(_ent_name(ent))] += 1
    return book


#: Prepositions and head nouns after which a name is a place, not a doer.
LOCATIVE_PREPS = frozenset({"in", "near", "at", "from", "to", "into", "outside", "around", "inside", "across"})
PLACE_NOUNS = frozenset({"village", "hamlet", "town", "city", "hideout", "stronghold", "area", "region",
                         "province", "district", "camp", "base", "neighbourhood", "neighborhood", "border",
                         "side", "coast", "frontier", "desert", "capital", "countryside", "territory"})


def _is_place_entity(ent, book: _ActorBook) -> bool:
    """An actor-labelled entity that the place finder took for a place.

    The small model labels villages "PERSON" ("in neighbouring al-Keshma",
    "hideout, Baghouz").  A non-person entity on a place mention is a place;
    a "person" one only where the parse puts it in a place's slot, so that a
    name the place finder mistook ("kills Abu Muath al-Jazairi") stays a doer.
    """
    root = ent.root
    head = root.head
    if root.dep_ in SUBJECT_DEPS:
        return False  # "America withdraws its forces": the country acts
    if root.dep_ == "appos" and _lemma(head) in PLACE_NOUNS:
        return True  # "ISIL's final hideout, Baghouz"
    if not any(s < ent.end_char and ent.start_char < e for s, e in book.place_spans):
        return False
    if ent.label_ != "PERSON":
        return True
    if root.dep_ == "pobj" and head.lower_ in LOCATIVE_PREPS:
        return True
    if root.dep_ in ("appos", "conj") and (head.ent_type_ in PLACE_LABELS or _lemma(head) in PLACE_NOUNS):
        return True
    return False


def _clean_name(text: str) -> str:
    text = text.strip().strip("“”\"'‘’")
    return re.sub(r"['’]s$", "", text).strip()


# ----------------------------------------------------------------- triggers


@dataclass
class _Trigger:
    """A token naming a happening, and the tokens that speak for it."""

    token: object  # spacy Token
    lemma: str
    nominal: bool
    owned: set[int] = field(default_factory=set)  # token indices whose modifiers are ours
    segment: tuple[int, int] = (0, 0)  # token range of the sentence segment
    target: int | None = None  # token of who the happening was aimed at ("against X")
    agent: int | None = None  # token of who carried it out ("launched an offensive")


_KNOWN_LEMMAS = frozenset(TRIGGER_CLASS) | SUPPORT_VERBS | OCCURRENCE_VERBS | REPORTING_VERBS | NON_EVENT_VERBS


def _lemma(token) -> str:
    """The lowercase lemma, mended where the small model drops a final e ("staged" -> "stag")."""
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB" and lemma not in _KNOWN_LEMMAS and lemma + "e" in _KNOWN_LEMMAS:
        return lemma + "e"
    return lemma


def _is_negated(token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _is_modal(token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in MODAL_WORDS for c in token.children)


def _in_entity(token, labels: frozenset[str] = ACTOR_LABELS | PLACE_LABELS | {"WORK_OF_ART"}) -> bool:
    return token.ent_type_ in labels


def _event_noun_object(verb):
    """The eventive noun a support verb governs ("survived a coup attempt")."""
    for child in verb.children:
        if child.dep_ in OBJECT_DEPS and child.pos_ in ("NOUN", "PROPN") and _lemma(child) in EVENT_NOUNS:
            return child
    return None


def _event_noun_subject(verb):
    """The eventive noun an occurrence verb is about ("the clash took place", "Hurricane Maria tore ...")."""
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS and child.pos_ == "NOUN" and _lemma(child) in EVENT_NOUNS:
            return child
        if child.dep_ in SUBJECT_DEPS and any(_is_named_event(c) for c in child.children):
            return child
    return None


#: Title words of named happenings: "Hurricane Harvey", "Typhoon Haiyan".
NAMED_EVENT_TITLES = frozenset({"hurricane", "typhoon", "cyclone", "storm"})


def _is_named_event(token) -> bool:
    """'Hurricane Maria': the title word of a named storm is its trigger (the name says which one)."""
    if not (token.lower_ in NAMED_EVENT_TITLES and token.is_title and token.dep_ == "compound"
            and token.head.pos_ == "PROPN" and token.head.ent_type_ not in ("ORG", "FAC", "GPE", "LOC")):
        return False
    # The title opens the name: not the "Hurricane" of "National Hurricane Center".
    return not any(c.dep_ in ("compound", "amod") and c.i < token.i for c in token.head.children)


def _is_eventive_noun(token) -> bool:
    if _is_named_event(token):
        return True
    if token.pos_ not in ("NOUN", "PROPN") or _lemma(token) not in EVENT_NOUNS:
        return False
    if token.pos_ == "PROPN" or _in_entity(token):
        return False
    if token.dep_ == "compound":
        # "coup leader" is a person, "coup attempt" a happening.
        return _lemma(token.head) in GENERIC_EVENT_NOUNS
    return True


def _is_eventive_verb(token) -> bool:
    if token.pos_ != "VERB" or token.dep_ in ("amod", "aux", "auxpass", "compound"):
        return False
    lemma = _lemma(token)
    if _takes_power(token):
        return not (_is_negated(token) or _is_modal(token) or _is_irrealis(token))
    if lemma in REPORTING_VERBS or lemma in NON_EVENT_VERBS or lemma in OCCURRENCE_VERBS:
        return False
    if lemma == "fall" and not _a_place_falls(token):
        return False  # "prices fell", "he fell ill": only "Mosul fell (to X)" is a capture
    if _is_negated(token) or _is_modal(token) or _is_irrealis(token):
        return False
    if lemma in SUPPORT_VERBS and _event_noun_object(token) is not None and lemma not in ("flee", "escape"):
        return False
    if _is_occurrence(token):
        return False
    if lemma in TRIGGER_CLASS:
        return True
    # Unlisted verbs count only as past happenings with someone doing them.
    has_agent = any(c.dep_ in SUBJECT_DEPS and (c.ent_type_ in ACTOR_LABELS or c.lower_ in PERSON_PRONOUNS
                                                 or _is_definite_role(c))
                    for c in token.children)
    return has_agent and token.tag_ in ("VBD", "VBN")


def _a_place_falls(verb) -> bool:
    """'Mosul fell', 'the town fell', 'Palmyra fell to the army': a place taken, not a price or a person falling."""
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is None or subject.ent_type_ in ("PERSON", "NORP"):
        return False
    if subject.ent_type_ in PLACE_LABELS or _lemma(subject) in PLACE_NOUNS:
        return True
    return subject.pos_ == "PROPN" and any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children)


#: Verbs that say an event noun happened somewhere ("an earthquake struck near X",
#: "a blast rocked the capital"): the noun is the happening, the verb only carries it.
IMPACT_VERBS = frozenset({"strike", "hit", "rock", "jolt", "shake", "ravage", "devastate", "sweep", "batter",
                          "tear", "slam", "pound", "lash", "hammer", "make", "come", "plough", "plow"})

#: "seized power", "took control": the verb and its object name a takeover (a coup).
POWER_OBJECTS = frozenset({"power", "control"})
POWER_VERBS = frozenset({"seize", "take", "grab", "wrest", "assume"})


def _takes_power(token) -> bool:
    return token.pos_ == "VERB" and _lemma(token) in POWER_VERBS and any(
        c.dep_ in OBJECT_DEPS and _lemma(c) in POWER_OBJECTS for c in token.children)


def _trigger_lemma(token) -> str:
    """The lemma used for matching; a takeover is named by its verb and object ("seize power")."""
    if _takes_power(token):
        return "seize power"
    if _is_named_event(token):
        return token.lower_
    return _lemma(token)


def _is_occurrence(token) -> bool:
    lemma = _lemma(token)
    if lemma in OCCURRENCE_VERBS:
        return True
    return lemma in IMPACT_VERBS and _event_noun_subject(token) is not None


def _is_irrealis(token) -> bool:
    """'was trying to escape', 'eager to overthrow': wanted, not (yet) happened."""
    node = token
    for _ in range(4):
        if node.dep_ not in ("xcomp", "conj", "ccomp", "pcomp", "prep") or node.head is node:
            return False
        via = node.dep_
        node = node.head
        if _lemma(node) in IRREALIS_HEADS:
            return True
        if via in ("xcomp", "pcomp") and node.pos_ in ("VERB", "AUX") and (_is_negated(node) or _is_modal(node)):
            return True  # "will not relent in fighting", "could try to flee"
    return False


def _find_triggers(sent) -> list[_Trigger]:
    """Eventive nouns and verbs of one sentence, generic nouns merged into their modifier."""
    triggers: dict[int, _Trigger] = {}
    for token in sent:
        if _is_eventive_noun(token):
            if _lemma(token) in GENERIC_EVENT_NOUNS:
                specific = _specific_modifier(token)
                if specific is not None:
                    continue  # "coup attempt": the compound "coup" carries it
            triggers[token.i] = _Trigger(token, _trigger_lemma(token), True, {token.i})
        elif _is_eventive_verb(token):
            triggers[token.i] = _Trigger(token, _trigger_lemma(token), False, {token.i})
    for trig in list(triggers.values()):
        if trig.nominal and trig.token.dep_ == "compound":
            trig.owned.add(trig.token.head.i)  # the "attempt" of "coup attempt"
    for trig in triggers.values():
        trig.segment = (sent.start, sent.end)
    _delegate_light_verbs(sent, triggers)
    return sorted(triggers.values(), key=lambda t: t.token.i)


def _specific_modifier(generic):
    """The eventive compound or adjective naming what a generic noun was ("coup attempt")."""
    for child in generic.children:
        if child.dep_ in ("compound", "amod", "nmod") and _lemma(child) in EVENT_NOUNS \
                and _lemma(child) not in GENERIC_EVENT_NOUNS:
            return child
    return None


def _delegate_light_verbs(sent, triggers: dict[int, _Trigger]) -> None:
    """Support and occurrence verbs hand their dates, places and subject to their noun."""
    by_token = {i: t for t in triggers.values() for i in t.owned}
    for token in sent:
        lemma = _lemma(token)
        if token.pos_ not in ("VERB", "AUX") or (token.i in triggers and lemma not in VICTIM_VERBS):
            continue
        noun = None
        if lemma in SUPPORT_VERBS or _is_occurrence(token) or lemma == "try":
            noun = _event_noun_object(token) if lemma in SUPPORT_VERBS else None
            if noun is None and _is_occurrence(token):
                noun = _event_noun_subject(token)
        if noun is None:
            continue
        owner = by_token.get(noun.i) or by_token.get(_owner_of_generic(noun, by_token))
        if owner is None:
            continue
        if token.i not in triggers:
            owner.owned.add(token.i)
        if lemma in SUPPORT_VERBS and noun.dep_ in OBJECT_DEPS:
            subject = _subject_of(token)
            if subject is not None and not (sent.start <= subject.i < sent.end):
                subject = None
            if subject is not None and not _names_actor(subject):
                subject = None
            if subject is not None and lemma in VICTIM_VERBS:
                owner.target = owner.target if owner.target is not None else subject.i
            elif subject is not None:
                owner.agent = owner.agent if owner.agent is not None else subject.i


def _names_actor(token) -> bool:
    """Whether a token stands for a person or group (entity, pronoun or role noun)."""
    return (token.ent_type_ in ACTOR_LABELS or token.lower_ in PERSON_PRONOUNS
            or _lemma(token) in ROLE_NOUNS)


def _owner_of_generic(noun, by_token) -> int:
    specific = _specific_modifier(noun)
    return specific.i if specific is not None and specific.i in by_token else -1


def _subject_of(verb):
    """The subject of a verb, borrowed from the governing clause when it has none."""
    node = verb
    for _ in range(6):
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                if child.lower_ in RELATIVE_PRONOUNS and node.dep_ == "relcl":
                    return node.head  # "his bodyguards, who were executed": the bodyguards
                return child
        if node.dep_ in ("xcomp", "conj", "advcl", "pcomp", "acl") and node.head is not node:
            # "the Observatory reported shelling": the reporter did not shell ("he is reported
            # to have fled" keeps its subject: an infinitive, not a gerund)
            if node.dep_ == "xcomp" and node.tag_ == "VBG" and _lemma(node.head) in REPORTING_VERBS:
                return None
            node = node.head
            if node.dep_ == "prep":
                node = node.head
            continue
        if node.dep_ == "relcl":
            return node.head
        break
    return None


# ----------------------------------------------------------- attaching mentions


def _mention_root(doc, start: int, end: int):
    """The syntactic head of the tokens covering ``[start, end)`` characters."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    return span.root


def _climb(token, owner_of: dict[int, int]) -> tuple[int | None, list[int]]:
    """Walk up from a mention to the trigger that owns it.

    Returns the owning event index (or None) and the token path.  A reporting
    verb reached through a modifier (not through its reported clause) stops
    the walk: "said on Sunday" dates the saying, not the event.
    """
    path: list[int] = []
    node = token
    came_by = token.dep_
    for _ in range(40):
        path.append(node.i)
        if node.i in owner_of:
            return owner_of[node.i], path
        if _lemma(node) in REPORTING_VERBS and node.pos_ in ("VERB", "ADV", "AUX") \
                and came_by not in ("xcomp", "ccomp", "conj", "relcl", "acl"):
            if node.i != token.i:
                return None, path
        if node.head is node:
            break
        came_by = node.dep_
        node = node.head
    return None, path


def _attach(doc, sent, mentions, owner_of: dict[int, int], n_events: int):
    """Map each mention inside ``sent`` to an event index (or none), with its path."""
    attached: list[tuple[object, int | None, list[int]]] = []
    for mention in mentions:
        if mention.start < sent.start_char or mention.end > sent.end_char:
            continue
        root = _mention_root(doc, mention.start, mention.end)
        if root is None:
            continue
        owner, path = _climb(root, owner_of)
        blocked = owner is None and path and doc[path[-1]].head is not doc[path[-1]]
        if owner is None and n_events == 1 and not blocked:
            owner = 0
        attached.append((mention, owner, path))
    return attached


# ----------------------------------------------------------- choosing when/where


def _precision_rank(span: TimeSpan) -> int:
    if span.precision in PRECISIONS:
        return PRECISIONS.index(span.precision)
    return len(PRECISIONS)


def _usable_time(span: TimeSpan) -> bool:
    if span.value in SKIP_TIME_VALUES:
        return False
    if span.type in ("DURATION", "SET"):
        return span.is_anchored
    return True


def _best_time(spans: list[TimeSpan]) -> TimeSpan | None:
    """The most precise date given for one event (anchored before unanchored)."""
    spans = [s for s in spans if _usable_time(s)]
    if not spans:
        return None
    return min(spans, key=lambda s: (_precision_rank(s), s.start))


#: Words that make an unplaced name a stretch of land rather than a spot.
AREA_WORDS = frozenset({"river", "valley", "desert", "mountains", "sea", "lake", "region", "province",
                        "border", "basin", "coast", "gulf", "plain", "strait"})


def _place_rank(place: Place, national: bool = False) -> tuple[int, int, int, int]:
    """Most specific first: a placed town, a named but unplaced spot, "near X", an area,
    and last a nationality word ("Syrian forces" says who, hardly where)."""
    words = set(place.name.lower().split())
    if national:
        rank = 4
    elif place.precision == "area" or place.kind in ("country", "region") or words & AREA_WORDS:
        rank = 3
    elif place.precision == "near" or place.qualifier == "near":
        rank = 2
    elif place.is_resolved:
        rank = 0
    else:
        rank = 1
    return rank, int(place.qualifier is not None), 0 if place.is_resolved else 1, place.start


def _best_place(places: list[Place], national: set[tuple[int, int]] = frozenset()) -> Place | None:
    """The most specific place given for one event ("the Great Mosque in Mosul" -> Mosul)."""
    if not places:
        return None
    return min(places, key=lambda p: _place_rank(p, (p.start, p.end) in national))


_DATELINE_TAIL = re.compile(r"^(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?\s*(?:\([^)\n]{1,30}\))?\s*[-\u2013\u2014]\s")


def _is_dateline_place(text: str, place: Place) -> bool:
    """'KATHMANDU - A quake ...', 'ROCKPORT, Texas - ...': where the reporter files
    from, not where the event happened."""
    line_start = text.rfind("\n", 0, place.start) + 1
    if text[line_start:place.start].strip():
        return False
    return bool(_DATELINE_TAIL.match(text[place.end:place.end + 40]))


def _names_a_doer(doc, place: Place) -> bool:
    """Place words that say who, not where: a subject ("America withdraws"), a
    nationality of people ("British doctor", "Tunisians")."""
    root = _mention_root(doc, place.start, place.end)
    if root is None:
        return False
    if root.dep_ in SUBJECT_DEPS:
        return not _place_undergoes(root)
    if _is_nationality(doc, place):
        if root.pos_ in ("NOUN", "PROPN") and root.dep_ not in ("compound", "amod"):
            return True  # "They were mainly Tunisians"
        head = root.head
        return root.dep_ in ("amod", "compound") and _lemma(head) not in PLACE_NOUNS \
            and head.ent_type_ not in PLACE_LABELS
    return False


def _place_undergoes(subject) -> bool:
    """'Mosul was captured', 'Mosul fell': the place the happening befell is where, not who."""
    return subject.dep_ == "nsubjpass" or (subject.dep_ == "nsubj" and _lemma(subject.head) == "fall")


def _is_nationality(doc, place: Place) -> bool:
    """"Syrian forces", "Tunisians": a nationality word says who, not where.

    The tagger's NORP label, or a single word that is not the place's own name
    and ends like a demonym ("Syrian" -> Syria, but not "Iraq" or "US").
    """
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    if span is not None and any(t.ent_type_ == "NORP" for t in span):
        return True
    text = place.text.strip()
    return (" " not in text and text.lower() != place.name.lower()
            and not text.isupper() and bool(DEMONYM.search(text)))


# ----------------------------------------------------------------- phrases


def _phrase(tokens) -> str:
    return " ".join(t.text for t in tokens).replace(" - ", "-").replace(" 's", "'s").replace(" ’s", "’s")


def _short_np(token, book: _ActorBook) -> str:
    """A noun phrase without its clauses: "the desert", "his bodyguards"."""
    if token.lower_ in PERSON_PRONOUNS and token.dep_ != "poss" and book.person_near(token):
        return book.person_near(token)  # type: ignore[return-value]
    if book.role_holder(token):
        return book.role_holder(token)  # type: ignore[return-value]
    if token.ent_type_ in ACTOR_LABELS | {"GPE"}:
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if ent is not None and _is_actor_entity(ent) and not _is_place_entity(ent, book):
            return book.name(_ent_name(ent))
    left = [c for c in token.lefts if c.dep_ in ("det", "amod", "compound", "poss", "nummod")]
    left_tokens = []
    for child in left:
        left_tokens.extend(t for t in child.subtree)
    line_start = token.doc.text.rfind("\n", 0, token.idx) + 1
    # a parse that crossed a line break ("21 May 2023" of a dateline taken into the subject)
    words = sorted((t for t in left_tokens + [token] if t.idx >= line_start and not t.is_space), key=lambda t: t.i)
    return _phrase(words)


def _what(trig: _Trigger, doc, book: _ActorBook) -> str:
    """A short readable phrase: "coup attempt against al-Baghdadi", "al-Baghdadi fled to the desert"."""
    token = trig.token
    if trig.nominal:
        head = token.head if token.dep_ == "compound" else token
        mods = [c for c in head.lefts if c.dep_ in ("compound", "amod") and c.i != token.i
                and (c.pos_ in ("ADJ", "VERB") or c.i == token.i or _lemma(c) in EVENT_NOUNS)]
        words = sorted([*mods, token] + ([head] if head is not token else []), key=lambda t: t.i)
        text = _phrase(words)
        if trig.target is not None:
            target = doc[trig.target]
            return f"{text} against {_short_np(target, book)}"
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("against", "on", "by", "of", "in") \
                    and child.lower_ != "in":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.ent_type_ not in PLACE_LABELS | {"DATE", "TIME"}:
                    return f"{text} {child.lower_} {_short_np(pobj, book)}"
        return text
    subject = _subject_in_segment(trig)
    parts = []
    if subject is not None:
        parts.append(_short_np(subject, book))
    verb = [token] + [c for c in token.children if c.dep_ == "prt"]
    parts.extend(c.text for c in token.children if c.dep_ == "auxpass")
    parts.append(_phrase(sorted(verb, key=lambda t: t.i)))
    obj = next((c for c in token.children if c.dep_ in ("dobj", "obj")), None)
    if obj is not None:
        parts.append(_short_np(obj, book))
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("to", "into", "from", "against", "on"):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):
                parts.append(f"{child.lower_} {_short_np(pobj, book)}")
                break
    return " ".join(parts)


# ----------------------------------------------------------------- actors


def _entity_at(token):
    return next((e for e in token.doc.ents if e.start <= token.i < e.end), None)


def _actors_of_token(token, book: _ActorBook) -> list[str]:
    """The actor named by an argument token (entity, pronoun, or its possessor)."""
    found: list[str] = []
    ent = _entity_at(token) if token.ent_type_ else None
    if ent is not None and _is_actor_entity(ent) and not _is_place_entity(ent, book):
        found.append(book.name(_ent_name(ent)))
    elif token.lower_ in PERSON_PRONOUNS and book.person_near(token):
        found.append(book.person_near(token))  # type: ignore[arg-type]
    elif book.role_holder(token):
        found.append(book.role_holder(token))  # type: ignore[arg-type]
    for child in token.children:
        # "Daesh fighters", "X, the ISIL leader"; not possessors ("ISIL's hideout").
        if child.dep_ in ("compound", "appos") or (child.dep_ == "poss" and _lemma(token) in ROLE_NOUNS):
            found.extend(_actors_of_token(child, book))
    return found


def _subject_in_segment(trig: _Trigger):
    subject = _subject_of(trig.token)
    if subject is None or not (trig.segment[0] <= subject.i < trig.segment[1]):
        return None
    return subject


def _is_definite_role(token) -> bool:
    """'the (ISIL) leader': a definite role noun without a name of its own.

    Not "the coup leader" (an event-noun modifier names another role) nor "the
    leader of X" / "the ISIL leader, X" (named or qualified there and then).
    """
    if _lemma(token) not in ROLE_NOUNS or token.ent_type_ != "":
        return False
    if not any(c.dep_ == "det" and c.lower_ in ANAPHORIC_DETERMINERS for c in token.children):
        return False
    for child in token.children:
        if child.dep_ in ("appos", "relcl"):
            return False
        if child.dep_ in ("compound", "amod") and (_lemma(child) in EVENT_NOUNS or _lemma(child) in ("alleged", "former",
                                                                                                   "new", "deputy")):
            return False
    return True


def _actors(trig: _Trigger, doc, book: _ActorBook) -> list[str]:
    """People and groups attached to the trigger as subject, object or prepositional argument."""
    heads = [doc[i] for i in sorted(trig.owned)]
    args = []
    for head in heads:
        for child in head.children:
            if child.dep_ in SUBJECT_DEPS | OBJECT_DEPS | {"poss", "agent", "npadvmod", "compound"}:
                args.append(child)
            if child.dep_ in ("prep", "agent") and (child.lower_ in ARGUMENT_PREPS or child.dep_ == "agent"):
                args.extend(c for c in child.children if c.dep_ == "pobj")
    if not trig.nominal:
        subject = _subject_in_segment(trig)
        if subject is not None:
            args.append(subject)
    args.extend(doc[i] for i in (trig.target, trig.agent) if i is not None)
    # A parse that crosses a line break (headline glued to the next line) lends no actors.
    args = [a for a in args if trig.segment[0] <= a.i < trig.segment[1]]
    names: list[str] = []
    if _is_named_event(trig.token):
        names.append(_phrase([trig.token, trig.token.head]))  # "Hurricane Maria" says which storm
    for arg in args:
        for name in _actors_of_token(arg, book):
            if name not in names:
                names.append(name)
    # "Islamic" beside "Islamic State": a fragment of a longer name is not another actor.
    return [n for n in names if not any(n != other and f" {n} " in f" {other} " for other in names)]


# ----------------------------------------------------------------- main entry


def extract_events(article: Article, doc, times: list[TimeSpan], places: list[Place]) -> list[Event]:
    """The happenings an article tells, each with its actors, date, place and evidence.

    ``doc`` is the spaCy parse of ``article.text``; ``times`` and ``places`` are
    the mentions found in it (character offsets into the same text).
    """
    book = _actor_book(doc, places)
    events: list[Event] = []
    anaphora: list[tuple[Event, _Trigger]] = []
    history: list[tuple[int, Event, _Trigger]] = []
    for sent_no, sent in enumerate(_segments(doc)):
        triggers = _find_triggers(sent)
        if not triggers:
            continue
        for event, trig in zip(_events_of_sentence(article, doc, sent, triggers, times, places, book), triggers):
            if _is_anaphoric(trig) and not event.who:
                _resolve_anaphor(event, trig, history, sent_no)
            if _meaningful(event, trig):
                history.append((sent_no, event, trig))
                events.append(event)
    return events


def _events_of_sentence(article, doc, sent, triggers, times, places, book) -> list[Event]:
    owner_of = {i: n for n, trig in enumerate(triggers) for i in trig.owned}
    time_links = _attach(doc, sent, times, owner_of, len(triggers))
    places = [p for p in places if sent.start_char <= p.start < sent.end_char and not _names_a_doer(doc, p)
              and not _is_dateline_place(article.text, p)
              and not re.match(r"-(?:born|based|bound|registered)\b", article.text[p.end:p.end + 12])]
    national = {(p.start, p.end) for p in places if _is_nationality(doc, p)}
    place_links = _attach(doc, sent, places, owner_of, len(triggers))
    own_times = [[m for m, owner, _ in time_links if owner == n] for n in range(len(triggers))]
    own_places = [[m for m, owner, _ in place_links if owner == n] for n in range(len(triggers))]
    for n, trig in enumerate(triggers):
        anchor = _simultaneous_time(trig, doc, time_links)
        if anchor is not None and not own_times[n]:
            mention, owner = anchor
            own_times[n] = [mention]
            if owner is not None and not own_places[n]:
                own_places[n] = list(own_places[owner])
    owner_index = {i: n for n, trig in enumerate(triggers) for i in trig.owned}
    for n, trig in enumerate(triggers):
        clause = _consequence_clause(trig)
        parent = owner_index.get(clause.head.i) if clause is not None else None
        if parent is not None and parent != n:
            own_times[n] = own_times[n] or list(own_times[parent])
            own_places[n] = own_places[n] or list(own_places[parent])
    start, end = _trimmed_bounds(article.text, sent.start_char, sent.end_char)
    events = []
    for n, trig in enumerate(triggers):
        events.append(Event(
            id=f"{article.id}:{start}:{n}",
            article_id=article.id,
            sentence=article.text[start:end],
            start=start,
            end=end,
            what=_what(trig, doc, book),
            trigger=trig.lemma,
            who=_actors(trig, doc, book),
            when=_best_time(own_times[n]),
            where=_best_place(own_places[n], national),
        ))
    return events


def _simultaneous_time(trig: _Trigger, doc, time_links):
    """The date a 'when' clause specifies: "in July 2014, when he declared ...".

    Only a 'when'/'as'/'while' right after a date licenses inheritance (it says
    the two happened together); "before fleeing" does not.  Walks up through
    coordinated verbs ("stood ... and declared").  Returns (mention, owner).
    """
    node = trig.token
    for _ in range(3):
        marker = next((c for c in node.children if c.dep_ in ("advmod", "mark")
                       and c.lower_ in ("when", "as", "while") and c.i < node.i), None)
        if marker is not None:
            return _time_right_before(doc, marker, time_links)
        if node.dep_ != "conj":
            return None
        node = node.head
    return None


def _consequence_clause(trig: _Trigger):
    """The bare participle clause a verb heads or is coordinated in, if any.

    "Gunmen attacked a hall in Paris on 13 November, killing 90 people" (and
    "..., destroying temples and killing thousands"): it tells what the main
    happening did, there and then.  Not "before/after fleeing" (a preposition
    orders them in time), nor a clause with its own "when"/"while".
    """
    if trig.nominal or trig.token.tag_ != "VBG":
        return None
    node = trig.token
    while node.dep_ == "conj" and node.head is not node and node.head.tag_ == "VBG":
        node = node.head
    if node.dep_ != "advcl" or any(c.dep_ in ("mark", "advmod") and c.i < node.i for c in node.children):
        return None
    return node


def _time_right_before(doc, marker, time_links):
    """The date mention ending just before ``marker`` (a comma may sit between)."""
    gap_start = marker.idx
    for mention, owner, _ in time_links:
        between = doc_text(doc)[mention.end:gap_start] if mention.end <= gap_start else None
        if between is not None and between.strip(" ,") == "":
            return mention, owner
    return None


def _meaningful(event: Event, trig: _Trigger) -> bool:
    """A happening worth showing: an eventive trigger, not a state nor a generic
    or hypothetical statement, with a real argument (a doer or target, its own
    date, or a specific place).  Unlisted verbs need a doer and a date or place."""
    if _is_state(trig) or _in_irrealis_context(trig) or _has_generic_subject(trig) or _is_habitual(trig.token):
        return False
    if not (event.who or event.when is not None or _is_specific(event.where) or _has_concrete_participant(trig)):
        return False
    return trig.lemma in TRIGGER_CLASS or bool(event.who) and (event.when is not None or event.where is not None)


#: Nouns too vague to make a clause a happening on their own ("many people were killed").
VAGUE_NOUNS = frozenset({"people", "thing", "things", "lot", "one", "ones", "way", "time", "place"})


def _has_concrete_participant(trig: _Trigger) -> bool:
    """A noun doer or undergoer: "Militants attacked the town", "Daesh leader flees coup attempt".

    Verbs in the past or in the headline present; nouns with a doer or target
    found through their support verb ("the leader survived a coup attempt").
    """
    token = trig.token
    if trig.nominal:
        return trig.target is not None or trig.agent is not None
    if token.tag_ not in ("VBD", "VBN", "VBZ"):
        return False
    subject = _subject_in_segment(trig)
    candidates = [subject] + [c for c in token.children if c.dep_ in ("dobj", "obj")]
    return any(c is not None and c.pos_ in ("NOUN", "PROPN") and c.lower_ not in VAGUE_NOUNS
               and c.lower_ not in GENERIC_SUBJECTS for c in candidates)


def _is_specific(place: Place | None) -> bool:
    """A place that says where, not just which country or region."""
    return place is not None and _place_rank(place)[0] < 3


def _is_state(trig: _Trigger) -> bool:
    """'is hiding in the desert', 'have been battling': an ongoing state, not a happening."""
    token = trig.token
    if trig.nominal or token.tag_ != "VBG":
        return False
    if token.dep_ == "acl":
        return True  # "the coalition fighting Daesh militants": who they are, not what happened
    return any(c.dep_ == "aux" and c.lower_ in ("is", "are", "am", "'s", "'re", "be", "been") for c in token.children)


def _is_habitual(token) -> bool:
    """'reported killed or wounded on a number of occasions': a repeated claim, not one happening."""
    clause = token.head if token.dep_ in ("xcomp", "conj") else token
    for t in clause.subtree:
        if _lemma(t) == "occasion" and t.tag_ == "NNS":
            return True
        if t.lower_ == "times" and any(c.lower_ in ("several", "many", "multiple", "number") for c in t.children):
            return True
    return False


def _in_irrealis_context(trig: _Trigger) -> bool:
    """An event noun whose verb is modal, negated or wished-for: "will face a prison sentence"."""
    if not trig.nominal:
        return False  # verbs were checked when they were chosen as triggers
    node = trig.token
    for _ in range(4):
        if node.dep_ not in ("dobj", "obj", "pobj", "prep", "attr", "compound", "nsubj", "nsubjpass") \
                or node.head is node:
            return False
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return _is_modal(node) or _is_negated(node) or _is_irrealis(node) or _lemma(node) in IRREALIS_HEADS
    return False


def _has_generic_subject(trig: _Trigger) -> bool:
    """'a reward for anyone who kills X': nobody in particular, nothing happened yet."""
    if trig.nominal:
        return False
    subject = _subject_of(trig.token)
    before = trig.token.doc[trig.token.i - 1] if trig.token.i > 0 else None
    return (subject is not None and subject.lower_ in GENERIC_SUBJECTS) or (
        before is not None and before.lower_ in GENERIC_SUBJECTS)  # a misparsed "whomever kills X"


def _is_anaphoric(trig: _Trigger) -> bool:
    """A definite event noun ("the clash", "the incident") refers back to a named happening."""
    token = trig.token
    head = token.head if token.dep_ == "compound" else token
    if not trig.nominal or any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in ARGUMENT_PREPS)
                               for c in head.children):
        return False  # "the announcement of X's decision" says itself what it is about
    return any(c.dep_ == "det" and c.lower_ in ANAPHORIC_DETERMINERS for c in head.children)


def _resolve_anaphor(event: Event, trig: _Trigger, history, sent_no: int) -> None:
    """Borrow actors (and, for "the incident", the kind) from the happening referred to.

    "The incident" refers to a nominal happening of any kind named in the last
    few sentences; "the coup attempt" to a happening of the same family ("the
    clash", "the assault") in the last few sentences, else to the nearest earlier
    happening of the same class in the article, however far back (the article is
    about one of them).  Recent context wins: that is what a reader resolves first.
    """
    generic = trig.lemma in GENERIC_EVENT_NOUNS
    cls = trigger_class(trig.lemma)
    recent = [(no, prev, t) for no, prev, t in reversed(history) if prev.who and sent_no - no <= ANAPHORA_WINDOW]
    if generic:
        found = next((prev for _, prev, t in recent if t.nominal), None)
        if found is not None:
            event.who, event.trigger, event.what = list(found.who), found.trigger, found.what
        return
    same_class = next((prev for _, prev, _t in reversed(history)
                       if prev.who and trigger_class(prev.trigger) == cls), None)
    same_family = next((prev for _, prev, _t in recent
                        if class_family(trigger_class(prev.trigger)) == class_family(cls)), None)
    found = same_family or same_class
    if found is not None:
        event.who = list(found.who)


def _segments(doc):
    """spaCy sentences, cut again at line breaks: a headline or dateline is never
    one sentence with the paragraph after it."""
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if token.is_space and "\n" in token.text:
                if token.i > start:
                    yield doc[start:token.i]
                start = token.i + 1
        if start < sent.end:
            yield doc[start:sent.end]


def _trimmed_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
