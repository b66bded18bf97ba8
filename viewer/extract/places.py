"""Place mentions in a spaCy Doc: what the NER finds, repaired for news about places.

The small English model finds GPE/LOC/FAC entities but (measured on the
sample articles) labels armed groups as places ("ISIL", "Daesh"), splits
transliterated names ("Deir" + "ez-Zor"), and knows nothing of the words that
make a location vague ("near Hajin", "eastern Syria").  This module only
*recognises*; :mod:`viewer.resolve.places` decides where each mention is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable

from viewer.extract.language import doc_text, is_sentence_start, sentence_start_char
from viewer.resolve._geo_text import place_key

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

#: Organisations and generic words the model labels as places.  Compared by place_key.
NOT_PLACES = frozenset(place_key(n) for n in (
    "ISIL", "ISIS", "IS", "Daesh", "Da'esh", "Daech", "Islamic State", "the Islamic State", "SDF", "YPG", "PKK",
    "Hamas", "Hezbollah", "Hizbollah", "Taliban", "al-Qaeda", "al-Qaida", "Qaeda", "Nusra", "al-Nusra", "HTS",
    "al-Shabaab", "Boko Haram", "NATO", "UN", "U.N.", "EU", "E.U.", "the West", "West", "East", "Caliphate",
    "Coalition", "Kremlin", "Pentagon", "White House", "Downing Street", "State", "City", "County",
))

_DIRECTIONS = (r"north|south|east|west|north-?east|north-?west|south-?east|south-?west"
               r"|northeast|northwest|southeast|southwest")
_DIRECTION_OF = re.compile(
    rf"(?:(?P<dist>\d+(?:\.\d+)?)\s*(?:-\s*)?(?P<unit>km|kilometres?|kilometers?|miles?|mi)\s+)?"
    rf"(?P<dir>{_DIRECTIONS})\s+of\s+(?:the\s+)?(?:(?:town|city|village|area)\s+of\s+)?$",
    re.IGNORECASE,
)
_NEAR = re.compile(
    r"(?P<q>near|nearby|close\s+to|outside(?:\s+of)?|on\s+the\s+outskirts\s+of|outskirts\s+of|around"
    r"|in\s+the\s+vicinity\s+of|in\s+the\s+area\s+of|not\s+far\s+from)\s+(?:the\s+)?"
    r"(?:(?:town|city|village|area)\s+of\s+)?$",
    re.IGNORECASE,
)
_PART_OF = re.compile(
    rf"(?P<q>(?:{_DIRECTIONS}|central)(?:ern)?|north-?eastern|north-?western|south-?eastern|south-?western)"
    r"\s+$",
    re.IGNORECASE,
)
_REGION_CUE = re.compile(
    r"^\s+(?:province|governorate|region|state|county|parish|district|oblast|prefecture)\b", re.IGNORECASE
)
_IN_PATTERN = re.compile(
    rf"^\s*(?:,|\bin\b|\bnear\b)\s+(?:the\s+)?(?:(?:{_DIRECTIONS}|central)(?:ern)?\s+)?$", re.IGNORECASE
)
_POSSESSIVE_GAP = re.compile(r"^['’]s\s+(?:the\s+)?$")
_JOINABLE_GAP = re.compile(r"^[\s-]{1,2}$")
# "al-Keshma", "Al Keshma"; not the English "as America".
_ARTICLE_PREFIX = re.compile(r"(?:\b(?:[Aa]l|[Ee]l|[Aa]d|[Aa]s|[Aa]r|[Aa]sh|[Aa]z|[Aa]n|[Aa]t)-|\b(?:Al|El|Ad|Ash|Az) )$")


@dataclass(frozen=True)
class Mention:
    """A place name in the text, and the words around it that change its meaning."""

    text: str  # the name as written (doc.text[start:end])
    start: int
    end: int
    label: str  # GPE, LOC, FAC or NORP
    sentence_start: int
    qualifier: str | None = None  # "near", "outside", "north of", "eastern", ...
    distance_km: float | None = None  # "10 km north of"
    container: int | None = None  # start offset of the mention this one lies in ("Hajin in Deir ez-Zor")
    region_cue: bool = False  # followed by "province", "governorate", "county"...

    @property
    def name(self) -> str:
        return self.text


#: Words that follow a place name inside an organisation's name ("Avoyelles Parish Sheriff's Office").
_INSTITUTION_WORDS = frozenset("""
sheriff sheriffs police city county town village township council commission commissioner commissioners
mayor school schools district department office board fire hospital court courts university college
community public state government chamber airport library jail detention water housing health
""".split())
#: Words after a place name that make it the name of a disease or strain ("Marburg virus", "West Nile fever").
_EPONYM_WORDS = frozenset({"virus", "viruses", "fever", "encephalitis"})  # not "flu": "U.S. flu season"
#: Prepositions that put an ORG-tagged known name on the map ("in NSW", "near Huntsville").
_IN_A_PLACE = frozenset({"in", "near", "outside", "throughout", "across"})
_LOCATIVE = frozenset({"in", "at", "near", "from", "to", "outside", "of", "into", "across", "toward", "towards"})


def recognise(doc, is_known: Callable[[str], bool] | None = None,
              is_prominent: Callable[[str], bool] | None = None) -> list[Mention]:
    """Place mentions of ``doc`` in text order, with qualifiers and containment.

    ``is_known(name)`` (the gazetteer) lets split names be rejoined only when
    the joined form is a real place; ``is_prominent(name)`` (a city or a
    country by that exact name) lets a mislabelled name count as a place when
    the sentence treats it as one ("shelled Mariupol").
    """
    text = doc_text(doc)
    actors = _actor_keys(doc)
    mentions = [m for ent in doc.ents
                if (m := _facility(ent) or _misfiled(ent, is_known, is_prominent, actors)
                    or _mention(ent, actors, is_known)) is not None]
    mentions = _rejoin(mentions, text, is_known)
    mentions = [_extend_split_tail(m, doc, is_known) for m in mentions]
    mentions = [_with_article_prefix(m, text) for m in mentions]
    mentions = _with_article_names(doc, mentions, actors)
    mentions = _with_datelines(doc, mentions, is_known)
    mentions = _with_unlabelled_cities(doc, mentions, is_prominent, actors)
    mentions = _with_same_name_elsewhere(doc, mentions, actors)
    surnames = _surnames(doc)
    mentions = [_qualified(m, text) for m in mentions
                if not _names_a_disease(m, text) and not _is_a_surname_here(m, surnames)]
    return _with_containers(mentions, text)


def _names_a_disease(m: Mention, text: str) -> bool:
    """'Marburg virus', 'Ebola-Reston', 'West Nile fever': the place lends its name to a pathogen."""
    after = re.match(r"[\s-]*([A-Za-z]+)", text[m.end:m.end + 20])
    if after and after.group(1).lower() in _EPONYM_WORDS:
        return True
    return bool(re.search(r"\b(?:Ebola|virus)[\s-]+$", text[max(0, m.start - 12):m.start]))


def _mention(ent, actors: frozenset[str] = frozenset(),
             is_known: Callable[[str], bool] | None = None) -> Mention | None:
    label = ent.label_
    if label not in PLACE_LABELS and label != "NORP":
        return None
    if label != "NORP" and _looks_like_a_person(ent.text, actors, is_known):
        return None
    start, end, surface = ent.start_char, ent.end_char, ent.text
    for prefix in ("the ", "The "):
        if surface.startswith(prefix) and len(surface) > len(prefix):
            start, surface = start + len(prefix), surface[len(prefix):]
    for suffix in ("'s", "’s"):
        if surface.endswith(suffix):
            end, surface = end - len(suffix), surface[: -len(suffix)]
    if not surface.strip() or place_key(surface) in NOT_PLACES or not any(ch.isupper() for ch in surface[:1]):
        return None
    return Mention(surface, start, end, label, sentence_start_char(ent.doc, ent.start_char))


# ------------------------------------------------------------------ people, facilities, article names

#: Kunya and nasab words that open Arabic personal names ("Abu Bakr al-Baghdadi", "Ibn Saud").
_NAME_OPENERS = frozenset({"abu", "umm", "ibn", "bin", "bint", "ben"})
#: Lower-case transliterated articles: "al-Keshma", "ash-Shaddadi", "ad-Dana".
_ARTICLE_NAME = re.compile(r"(?<![\w-])(?:al|el|ad|ar|as|ash|az)-[A-Z]\w+(?:-[A-Z]\w+)?")
#: Words before a name that make it a place: "in al-Keshma", "the village of al-Bab", "near ash-Shaddadi".
_PLACE_CONTEXT_BEFORE = re.compile(
    r"(?:\b(?:in|near|nearby|neighbouring|neighboring|outside|around|hamlet|village|town|city|district"
    r"|villages|towns|hamlets|outskirts\s+of|(?:village|town|city|hamlet|district)\s+of)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
#: Words that make the name before them a facility: "the Great Mosque", "al-Nuri mosque".
FACILITY_WORDS = frozenset("""
mosque church cathedral shrine temple synagogue monastery hospital airport airbase airfield bridge dam prison
jail stadium square market bazaar palace museum hotel refinery camp base citadel fort fortress compound
""".split())


def _actor_keys(doc) -> frozenset[str]:
    """Article names that belong to people in this document ("Abu Bakr al-Baghdadi" -> "baghdadi").

    A name that is part of a longer PERSON entity is a surname or nisba
    ("al-Jazairi"); the same word alone elsewhere ("attack on al-Baghdadi")
    is still the person, not a place.
    """
    keys = set()
    for ent in doc.ents:
        if ent.label_ != "PERSON" or len(ent.text.split()) < 2:
            continue
        for found in _ARTICLE_NAME.finditer(ent.text.replace("Al-", "al-")):
            keys.add(place_key(found.group()))
    return frozenset(keys)


def _looks_like_a_person(surface: str, actors: frozenset[str], is_known: Callable[[str], bool] | None) -> bool:
    """A place-labelled span that is an Arabic personal name ("Abu Muath Al-Jazairi", "Marawan Hadid al-Suri")."""
    words = surface.removeprefix("the ").split()
    if not words or (is_known is not None and is_known(surface)):
        return False
    if words[0].lower() in _NAME_OPENERS and len(words) > 1:
        return True
    if any(w.lower().strip(".,") in FACILITY_WORDS for w in words):
        return False
    last = words[-1]
    if _ARTICLE_NAME.fullmatch(last[:1].lower() + last[1:]):
        return len(words) >= 3 or place_key(last) in actors
    return False


def _facility(ent) -> Mention | None:
    """Named buildings and sites: FAC entities, and ORG/PERSON spans ending in a facility word.

    "the Al-Nuri Mosque" (ORG) and "al-Nuri" (ORG) + "mosque" both become the
    facility "Al-Nuri Mosque"; the resolver places it in the town named next to it.
    """
    if ent.label_ not in ("FAC", "ORG", "PERSON"):
        return None
    doc = ent.doc
    end_tok = ent.end
    if ent[-1].lower_ not in FACILITY_WORDS:
        if ent.label_ == "PERSON":
            return None  # "the Trump camp": a person's side, not a site
        if end_tok < len(doc) and doc[end_tok].lower_ in FACILITY_WORDS:
            end_tok += 1  # "al-Nuri" + "mosque"
        else:
            return None  # a FAC without a facility word ("Guantanamo Bay") is handled as any place
    span = doc[ent.start:end_tok]
    start, surface = span.start_char, span.text
    for prefix in ("the ", "The "):
        if surface.startswith(prefix):
            start, surface = start + len(prefix), surface[len(prefix):]
    if not surface[:1].isalpha() or place_key(surface) in NOT_PLACES:
        return None
    return Mention(surface, start, span.end_char, "FAC", _sentence_start(ent))


def is_facility_name(name: str) -> bool:
    """'Great Mosque', 'Al-Nuri mosque': a named site, placed by the town around it."""
    words = name.split()
    return len(words) > 1 and words[-1].lower() in FACILITY_WORDS


def _sentence_start(ent) -> int:
    return sentence_start_char(ent.doc, ent.start_char)


def _with_article_names(doc, mentions: list[Mention], actors: frozenset[str]) -> list[Mention]:
    """Add 'al-Keshma'-style names in place context that the model missed or filed as PERSON.

    Kept out: actors' names ("al-Baghdadi" when "Abu Bakr al-Baghdadi" is a
    PERSON here), names inside a longer name ("Abu Muath al-Jazairi"), and
    facilities ("al-Nuri mosque", recognised as such already).
    """
    text = doc_text(doc)
    taken = [(m.start, m.end) for m in mentions]
    extra: list[Mention] = []
    for found in _ARTICLE_NAME.finditer(text):
        start, end = found.span()
        if any(s < end and start < e for s, e in taken) or place_key(found.group()) in actors:
            continue
        before = text[max(0, start - 40):start]
        next_word = re.match(r"\s+(\w+)", text[end:end + 20])
        if re.search(r"[A-Z][\w'’]*\s+$", before) or next_word and next_word.group(1).lower() in FACILITY_WORDS:
            continue  # part of a longer name ("Abu Bakr al-Baghdadi"), or a facility ("al-Nuri mosque")
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or any(t.ent_type_ == "PERSON" and t.ent_iob_ == "I" and t.i == span.start for t in span):
            continue
        if _PLACE_CONTEXT_BEFORE.search(before) or _appositive_of_a_place(before, start, mentions):
            extra.append(Mention(found.group(), start, end, "GPE", sentence_start_char(span.doc, span.start_char)))
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


# "XENIA —", "BELGRADE, Minn. --", "BEIRUT (AP) -": the place a news story was filed from.
_DATELINE = re.compile(
    r"(?:^|(?<=[.!?\n]\s)|(?<=\n))(?P<name>[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,3})"
    r"(?=(?:,\s+[A-Z][\w.]*(?: [A-Z][\w.]*)?)?\s*(?:—|–|--|-\s|\((?:AP|Reuters|AFP|UPI)\)))"
)


def _with_datelines(doc, mentions: list[Mention], is_known: Callable[[str], bool] | None) -> list[Mention]:
    """Datelines in capitals, which the model rarely tags: 'TORRINGTON — A fire destroyed...'."""
    if is_known is None:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for found in _DATELINE.finditer(doc_text(doc)):
        start, end = found.span("name")
        name = found.group("name")
        if len(name) < 3 or any(s < end and start < e for s, e in taken) or place_key(name) in NOT_PLACES:
            continue
        if is_known(name):
            span = doc.char_span(start, end, alignment_mode="expand")
            extra.append(Mention(name, start, end, "GPE", sentence_start_char(span.doc, span.start_char) if span is not None else 0))
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


def _with_same_name_elsewhere(doc, mentions: list[Mention], actors: frozenset[str]) -> list[Mention]:
    """One sense per discourse: a name the text uses as a place elsewhere is a place here too.

    The small model tags the same town GPE in one sentence and ORG or PERSON in
    the next ("Gainesville police", "Alexandria is a finalist"); an ORG that
    starts with such a name ("Huntsville City Schools") names the place too.
    """
    known = {place_key(m.text) for m in mentions if m.label in ("GPE", "LOC")} - actors - _people_names(doc)
    if not known:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for ent in doc.ents:
        if ent.label_ not in ("ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "FAC"):
            continue
        span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
        heads = [span] if ent.label_ == "PERSON" else [span[:n] for n in range(min(3, len(span)), 0, -1)]
        for head in heads:
            text = head.text.removesuffix("'s").removesuffix("’s")
            if place_key(text) in known and not any(s < head.end_char and head.start_char < e for s, e in taken):
                end = head.start_char + len(text)
                extra.append(Mention(text, head.start_char, end, "GPE", _sentence_start(ent)))
                taken.append((head.start_char, end))
                break
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


def _surnames(doc) -> set[str]:
    """Last words of full personal names in this text ("Henry Farrin" -> "farrin")."""
    out = set()
    for ent in doc.ents:
        words = ent.text.removesuffix("'s").removesuffix("’s").split()
        if ent.label_ == "PERSON" and len(words) > 1 and all(t.pos_ in ("PROPN", "PUNCT") for t in ent):
            out.add(place_key(words[-1]))  # all proper nouns: not a title such as "Rethinking Egypt"
    return out


def _is_a_surname_here(m: Mention, surnames: set[str]) -> bool:
    """'Farrin was a former police officer' after 'Henry Farrin': the model's GPE is the person."""
    return m.label in ("GPE", "LOC") and " " not in m.text and place_key(m.text) in surnames


def _people_names(doc) -> set[str]:
    """Names the text uses for people: surnames of full names ("Joe Trapani" -> "trapani"), and
    single names tagged PERSON at least as often as they are tagged a place."""
    person, place = Counter(), Counter()
    names = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            words = ent.text.removesuffix("'s").removesuffix("’s").split()
            if len(words) > 1 and words[0].lower() not in ("the",):
                names.add(place_key(words[-1]))
            person[place_key(" ".join(words))] += 1
        elif ent.label_ in ("GPE", "LOC"):
            place[place_key(ent.text)] += 1
    return names | {key for key, n in person.items() if n >= place.get(key, 0)}


def _appositive_of_a_place(before: str, start: int, mentions: list[Mention]) -> bool:
    """'in eastern Syria, al-Keshma, near Baghouz': a name right after a place and a comma."""
    gap = re.search(r",\s*$", before)
    if gap is None:
        return False
    comma_at = start - (len(before) - gap.start())
    return any(m.end == comma_at and m.label in PLACE_LABELS for m in mentions)


def _misfiled(ent, is_known: Callable[[str], bool] | None,
              is_prominent: Callable[[str], bool] | None = None, actors: frozenset[str] = frozenset()) -> Mention | None:
    """Places the model files under ORG, PERSON or NORP.

    "Fargo City Commissioner", "Avoyelles Parish Sheriff's Office": the place
    leads an organisation's name.  "in Gainesville" tagged PERSON, "in NSW"
    tagged ORG, "in Raqqa, Idlib and Aleppo" with Aleppo tagged NORP: a known
    place after a locative preposition.  "shelled Mariupol" (ORG), "Kherson
    was liberated" (PERSON): a city by that exact name, hit, taken or entered.
    """
    if is_known is None or ent.label_ not in ("ORG", "PERSON", "NORP"):
        return None
    if not ent.text[:1].isupper() or place_key(ent.text) in NOT_PLACES:
        return None
    if ent.label_ == "NORP" and DEMONYM.search(ent.text):
        return None  # "Kurdish", "Syrians": peoples, resolved as nationalities
    sent_start = sentence_start_char(ent.doc, ent.start_char)
    cues = _IN_A_PLACE if ent.label_ == "ORG" else _LOCATIVE  # "from Bell", "to Congress": organisations
    if _after_preposition(ent, cues) and is_known(ent.text):
        return Mention(ent.text, ent.start_char, ent.end_char, "GPE", sent_start)  # "in Gainesville", "in NSW"
    if (is_prominent is not None and _undergoes_an_attack_or_move(ent) and place_key(ent.text) not in actors
            and not _a_name_elsewhere(ent) and is_prominent(ent.text)):
        return Mention(ent.text, ent.start_char, ent.end_char, "GPE", sent_start)
    if ent.label_ != "ORG":
        return None
    for n in range(min(3, len(ent) - 1), 0, -1):
        head, rest = ent[:n], ent[n]
        if rest.lower_.strip("'’s") in _INSTITUTION_WORDS and head.text[:1].isupper() and is_known(head.text):
            if place_key(head.text) in NOT_PLACES:
                return None
            return Mention(head.text, head.start_char, head.end_char, "GPE", sent_start)
    return None


#: Demonym endings: "Syrian", "Tunisians", "Iraqi", "British", "Lebanese", "Dutch".
DEMONYM = re.compile(r"(?:ians?|ans?|is?|ish|ese|ch|ic)$", re.IGNORECASE)
#: Verbs whose object (or passive subject) is a place when the name is a city's:
#: what conflict reports do to towns.
TARGET_VERBS = frozenset("""
shell bomb bombard pound strike hit attack target raid storm besiege encircle surround overrun capture seize
take retake recapture liberate free occupy invade annex enter reach evacuate defend hold control flee leave
visit
""".split())


def _first_conjunct(token):
    """'in Raqqa, Idlib and Aleppo': Aleppo stands where Raqqa stands."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token


def _after_preposition(ent, cues: frozenset[str]) -> bool:
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    if before is not None and before.lower_ in cues:
        return True
    first = _first_conjunct(ent.root)
    return first is not ent.root and first.dep_ == "pobj" and first.head.lower_ in cues


def _undergoes_an_attack_or_move(ent) -> bool:
    """The name is the object of 'shelled', 'entered', 'retook', or the subject of 'was liberated' or 'fell'."""
    token = _first_conjunct(ent.root)
    lemma = token.head.lemma_.lower()
    if token.dep_ in ("dobj", "obj", "nsubjpass", "advmod", "npadvmod"):  # the model parses "entered Bakhmut" both ways
        return lemma in TARGET_VERBS
    return token.dep_ == "nsubj" and lemma == "fall"


def _a_name_elsewhere(span) -> bool:
    """The text also uses this name for a person or an organisation outside any place slot:
    'police shot Bell ... Bell ran', 'struck the Toyota ... the Toyota failed to yield'."""
    key = place_key(span.text)
    return any(other.label_ in ("PERSON", "ORG") and other.start != span.start and place_key(other.text) == key
               and not (_after_preposition(other, _LOCATIVE) or _undergoes_an_attack_or_move(other))
               for other in span.doc.ents)


#: Labels the small model puts on town names it does not know ("in Aleppo" as LANGUAGE).
_STRAY_LABELS = frozenset({"", "LANGUAGE", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})


def _with_unlabelled_cities(doc, mentions: list[Mention], is_prominent: Callable[[str], bool] | None,
                            actors: frozenset[str]) -> list[Mention]:
    """Cities the model leaves untagged or tags as a language: 'Troops entered Bakhmut', 'strikes hit Rafah'.

    Only a run of capitalised proper-noun words that is a city or country's
    exact name, in a place slot (after 'in', 'near'..., or hit, taken or
    entered), so capitalised common words are never taken for towns.
    """
    if is_prominent is None:
        return mentions
    taken = [(m.start, m.end) for m in mentions]
    extra = []
    for span in _capitalised_runs(doc):
        if any(s < span.end_char and span.start_char < e for s, e in taken) or place_key(span.text) in actors:
            continue
        if _inside_a_longer_name(span) or not (_after_preposition(span, _LOCATIVE - {"of"}) or _hometown_of(span)
                                               or _undergoes_an_attack_or_move(span)):
            continue
        if place_key(span.text) not in NOT_PLACES and not _a_name_elsewhere(span) and is_prominent(span.text):
            extra.append(Mention(span.text, span.start_char, span.end_char, "GPE", _sentence_start(span)))
    return sorted(mentions + extra, key=lambda m: m.start) if extra else mentions


def _hometown_of(span) -> bool:
    """'Robert Kochuk of East Hampton', '45 miles southeast of Champaign', but not 'Godfather of Soul'."""
    doc = span.doc
    if span.start < 2 or doc[span.start - 1].lower_ != "of":
        return False
    before = doc[span.start - 2]
    return before.ent_type_ == "PERSON" or before.is_lower or before.like_num or before.is_punct


def _inside_a_longer_name(span) -> bool:
    """'Ten Mile', 'Miami Beach Marina', 'Talla 2': the run is only part of a name."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return (before is not None and not span[0].is_sent_start and (before.text[:1].isupper() or before.like_num)) \
        or (after is not None and (after.text[:1].isupper() or after.like_num))


def _capitalised_runs(doc):
    """Maximal runs of capitalised words outside the model's people, organisations and places."""
    start = None
    for token in [*doc, None]:
        fits = (token is not None and token.ent_type_ in _STRAY_LABELS and token.text[:1].isupper()
                and token.is_alpha and not token.is_sent_start and token.pos_ in ("PROPN", "NOUN", "ADV", "X"))
        if fits and start is None:
            start = token.i
        elif not fits and start is not None:
            yield doc[start:token.i if token is not None else len(doc)]
            start = None


def _rejoin(mentions: list[Mention], text: str, is_known: Callable[[str], bool] | None) -> list[Mention]:
    """Merge neighbours separated by a space or hyphen ("Deir" + "Ezzor") when the whole is a place."""
    out: list[Mention] = []
    for m in mentions:
        if out and out[-1].label in PLACE_LABELS and m.label in PLACE_LABELS:
            prev = out[-1]
            gap = text[prev.end:m.start]
            joined = text[prev.start:m.end]
            if _JOINABLE_GAP.match(gap) and is_known is not None and is_known(joined):
                out[-1] = replace(prev, text=joined, end=m.end)
                continue
        out.append(m)
    return out


def _extend_split_tail(m: Mention, doc, is_known: Callable[[str], bool] | None) -> Mention:
    """'Deir' + ' ez-Zor' (not an entity): extend while the longer name is a known place."""
    if is_known is None or m.label not in PLACE_LABELS:
        return m
    text = doc_text(doc)
    best = m
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return m
    tokens = doc[span.end: min(len(doc), span.end + 4)]
    for tok in tokens:
        if is_sentence_start(tok) or tok.text in {",", ".", ";", ":", "(", ")", "\"", "“", "”"}:
            break
        candidate = text[m.start: tok.idx + len(tok.text)]
        if tok.text != "-" and (tok.text[:1].isupper() or tok.text.lower() in {"ez", "az", "al", "el", "ad"}):
            if is_known(candidate) and not is_known(best.text) or (is_known(candidate) and "-" in candidate):
                best = replace(m, text=candidate, end=tok.idx + len(tok.text))
        elif tok.text != "-":
            break
    return best


def _with_article_prefix(m: Mention, text: str) -> Mention:
    """Include an article the model left outside: 'al-' + 'Keshma' -> 'al-Keshma'."""
    before = text[max(0, m.start - 4): m.start]
    found = _ARTICLE_PREFIX.search(before)
    if found and m.label in PLACE_LABELS:
        start = m.start - (len(before) - found.start())
        return replace(m, text=text[start:m.end], start=start)
    return m


def _qualified(m: Mention, text: str) -> Mention:
    """Read the words just before (and after) a mention that change how precise it is."""
    if m.label == "NORP":
        return m  # "eastern Syrian town": the nationality word is not the place being qualified
    before = text[max(m.sentence_start, m.start - 60): m.start]
    after = text[m.end: m.end + 20]
    m = replace(m, region_cue=bool(_REGION_CUE.match(after)))
    if found := _DIRECTION_OF.search(before):
        distance = _km(found.group("dist"), found.group("unit"))
        direction = found.group("dir").lower().replace("-", "")
        return replace(m, qualifier=f"{direction} of", distance_km=distance)
    if found := _NEAR.search(before):
        word = found.group("q").lower()
        return replace(m, qualifier="outside" if "outside" in word or "outskirts" in word else "near")
    if found := _PART_OF.search(before):
        return replace(m, qualifier=found.group("q").lower().replace("-", ""))
    return m


def _km(number: str | None, unit: str | None) -> float | None:
    if number is None:
        return None
    value = float(number)
    return value * 1.609 if unit and unit.lower().startswith("mi") else value


def _with_containers(mentions: list[Mention], text: str) -> list[Mention]:
    """'X, Y' and 'X in (eastern) Y': Y contains X; "Mosul's Great Mosque": Mosul contains the mosque."""
    out = list(mentions)
    for i, (inner, outer) in enumerate(zip(mentions, mentions[1:])):
        if inner.label not in PLACE_LABELS or outer.label not in PLACE_LABELS:
            continue
        if _IN_PATTERN.match(text[inner.end:outer.start]):
            out[i] = replace(out[i], container=outer.start)
        elif is_facility_name(outer.text) and _POSSESSIVE_GAP.match(text[inner.end:outer.start]):
            out[i + 1] = replace(out[i + 1], container=inner.start)
    return out
