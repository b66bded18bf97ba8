"""Word lists for event extraction and matching.

Hand-written because no maintained, offline, pip-installable English event
lexicon maps news paraphrases ("attempted coup", "internal assault",
"firefight") to one happening class; WordNet/FrameNet would need NLTK data
downloads and still not group them this way.  Keep the lists small and
news-oriented; the extractor also accepts eventive verbs not listed here.
"""

from __future__ import annotations

#: Happening classes: lemma -> class.  Paraphrases of one kind of happening share
#: a class so that "coup attempt", "clash" and "firefight" can be matched.
EVENT_CLASSES: dict[str, tuple[str, ...]] = {
    "coup": ("coup", "putsch", "plot", "overthrow", "oust", "mutiny", "rebellion",
             "uprising", "plotter", "seize power", "takeover"),
    "combat": ("clash", "firefight", "skirmish", "fight", "battle", "fighting", "exchange",
               "shootout", "gunfight", "assault"),
    "attack": ("attack", "bombing", "explosion", "blast", "shooting", "stabbing", "stab",
               "shoot", "bomb", "raid", "ambush", "strike", "airstrike", "massacre",
               "hijacking", "hostage", "siege", "offensive", "push", "assassination",
               "assassinate", "shell", "shelling", "bombard", "bombardment", "pound", "besiege",
               "invade", "invasion", "explode", "detonate", "detonation"),
    "flee": ("flee", "escape", "run", "flight", "evacuate", "evacuation", "retreat"),
    "declare": ("declare", "declaration", "proclaim", "proclamation", "announce",
                "announcement", "appearance"),
    "kill": ("kill", "execute", "execution", "die", "death", "murder", "behead", "slay"),
    "capture": ("capture", "arrest", "detain", "detention", "seize", "kidnap", "abduct",
                "abduction", "surrender", "fall", "enter", "retake", "recapture", "liberate",
                "liberation", "overrun", "occupy", "encircle"),
    "disaster": ("earthquake", "quake", "tremor", "flood", "flooding", "hurricane",
                 "storm", "cyclone", "typhoon", "tsunami", "wildfire", "fire", "eruption",
                 "landslide", "avalanche", "crash", "collision", "derailment", "sinking", "landfall"),
    "rehab": ("rehab", "rehabilitation", "treatment"),
    "election": ("election", "vote", "referendum", "ballot", "elect", "win", "victory"),
    "protest": ("protest", "demonstration", "rally", "march", "riot", "strike"),
    "meeting": ("meeting", "summit", "talk", "talks", "visit", "meet", "negotiation"),
    "agreement": ("agreement", "deal", "treaty", "ceasefire", "truce", "accord", "sign"),
    "resign": ("resign", "resignation", "step", "quit", "dismiss", "fire", "sack"),
    "trial": ("trial", "sentence", "conviction", "convict", "verdict", "charge", "indict",
              "indictment", "acquit", "prosecution"),
    "withdrawal": ("withdraw", "withdrawal", "pullout", "pull"),
    "release": ("release", "free"),
    "marriage": ("wedding", "marry", "marriage", "divorce", "engagement"),
    "birth": ("birth", "bear"),
}

TRIGGER_CLASS: dict[str, str] = {}
for _cls, _lemmas in EVENT_CLASSES.items():
    for _lemma in _lemmas:
        TRIGGER_CLASS.setdefault(_lemma, _cls)

#: Nouns that name a happening (eventive nouns), beyond those listed in classes.
EVENT_NOUNS: frozenset[str] = frozenset(
    lemma for lemma in TRIGGER_CLASS
    if lemma not in {"run", "fight", "flee", "escape", "hide", "declare", "announce", "kill",
                     "execute", "die", "capture", "arrest", "detain", "seize", "kidnap",
                     "abduct", "oust", "overthrow", "elect", "win", "meet", "sign", "resign",
                     "step", "quit", "dismiss", "sack", "convict", "indict", "acquit",
                     "withdraw", "pull", "free", "marry", "bear", "shoot", "bomb", "stab",
                     "assassinate", "behead", "slay", "evacuate", "proclaim", "exchange",
                     "push", "fire", "charge", "plotter", "fall", "shell", "pound", "bombard", "besiege",
                     "invade", "enter", "retake", "liberate", "overrun", "occupy", "encircle", "explode",
                     "detonate"}
) | frozenset({"incident", "operation", "war", "invasion", "ceremony", "funeral",
               "accident", "outbreak", "disaster", "crisis", "conflict", "hostilities"})

#: Nouns that only refer back to a happening named before ("the incident").
GENERIC_EVENT_NOUNS: frozenset[str] = frozenset({"incident", "event", "episode", "affair",
                                                 "attempt", "operation", "move"})
EVENT_NOUNS = EVENT_NOUNS | GENERIC_EVENT_NOUNS

#: Reporting and cognition verbs: not events themselves; what they report is.
REPORTING_VERBS: frozenset[str] = frozenset({
    "say", "tell", "report", "add", "accord", "state", "claim", "note",
    "explain", "confirm", "deny", "reveal", "write", "quote", "cite", "describe",
    "believe", "think", "suggest", "know", "understand", "estimate", "expect", "fear",
    "suspect", "allege", "insist", "recall", "warn", "argue", "acknowledge", "indicate",
    "show", "predict", "emphasise", "emphasize", "stress", "urge", "appeal", "ask",
    "hear", "learn", "seem", "appear", "consider", "doubt", "hope", "want", "mean",
    "read", "publish", "comment", "describe", "support", "back", "maintain",
})

#: Verbs too light or stative to name a happening on their own.
NON_EVENT_VERBS: frozenset[str] = frozenset({
    "be", "have", "do", "get", "make", "go", "come", "take", "give", "keep", "let",
    "remain", "continue", "stay", "become", "include", "contain", "involve", "need",
    "use", "try", "seek", "manage", "help", "begin", "start", "stop", "finish", "like",
    "love", "wear", "live", "look", "call", "name", "see", "watch", "held", "hold",
    "lead", "own", "mark", "face", "remain", "rely", "base", "leave", "put", "set",
    "wait", "allow", "enable", "cause", "prompt", "fuel", "ease", "plan", "travel",
    "offer", "place", "label", "regain", "retain", "appeal", "agree", "receive", "work",
    "move", "identify", "elude", "scatter", "confine", "surround", "hem", "bolster",
    "pose", "resurge", "relent", "consider", "prosecute", "send", "range", "vie",
    "shepherd", "excommunicate", "wrest", "gather", "round", "join", "present", "emerge",
    # states, not happenings: "is hiding in the desert", "stood in front of a congregation"
    "hide", "stand", "sit", "lie", "remain", "spend", "believe",
})

#: Verbs whose direct object names the happening ("survived a coup attempt",
#: "launched an offensive"): the object is the event, the verb's subject an actor.
SUPPORT_VERBS: frozenset[str] = frozenset({
    "survive", "fend", "overcome", "foil", "thwart", "launch", "stage", "carry", "conduct",
    "mount", "plan", "attempt", "undergo", "suffer", "witness", "face", "escape", "flee",
    "lead", "organise", "organize", "order", "repel", "repulse", "resist", "avert", "fight",
    "win", "lose", "hold", "make", "declare", "announce", "mastermind",
    "enter",  # "entered rehab"
})

#: Verbs that only say a happening occurred ("the clash took place in ..."):
#: their dates and places belong to their subject.
OCCURRENCE_VERBS: frozenset[str] = frozenset({
    "occur", "happen", "unfold", "erupt", "break", "take", "go", "begin", "start",
    "end", "last", "continue",
})

#: Subjects of "happened" that are only pronouns ("It started in mid-September").
ANAPHORIC_DETERMINERS: frozenset[str] = frozenset({"the", "this", "that", "these", "those"})

#: Spelled-out names of the same organisation.  Hand-written because no offline
#: alias table of armed groups exists on PyPI; extend as stories need.
ACTOR_ALIASES: dict[str, str] = {
    "isil": "islamic state", "isis": "islamic state", "is": "islamic state",
    "daesh": "islamic state", "islamic state group": "islamic state",
    "the islamic state": "islamic state",
    "sdf": "syrian democratic forces",
    "us": "united states", "u.s.": "united states", "america": "united states",
    "uk": "united kingdom", "u.k.": "united kingdom", "britain": "united kingdom",
}

#: Pronouns resolved to the article's most-mentioned person.
PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "him", "his", "she", "her", "hers", "himself",
                                             "herself"})


#: Classes that name the same kind of happening from different angles: a coup
#: attempt is reported as a clash, an attack or an assault.
CLASS_FAMILY: dict[str, str] = {"coup": "violence", "combat": "violence", "attack": "violence"}


def class_family(cls: str) -> str:
    """The family of a happening class (the class itself when it has none)."""
    return CLASS_FAMILY.get(cls, cls)


def trigger_class(lemma: str) -> str:
    """The happening class of a trigger lemma (the lemma itself when unlisted)."""
    lemma = lemma.lower()
    return TRIGGER_CLASS.get(lemma, lemma)
