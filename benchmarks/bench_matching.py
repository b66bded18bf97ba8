"""Event matching: speed on synthetic mentions, and what the text term adds.

Speed (default): each synthetic happening (an actor, a kind, a date, a town)
is told by 2-6 articles, some disagreeing on the date or the town, mixed with
anonymous happenings of the same kinds.  Target: 10k mentions in < 10 s on 2
cores, growing close to linearly.  Prints candidate pairs per mention too: the
synthetic stories always span 20 years, so more mentions means denser blocks.

    python benchmarks/bench_matching.py [1000 10000 100000] [--constant-density]

With --constant-density the stories span 20 years per 10k mentions, so blocks
keep their size and the figures show the algorithm's own growth.

Quality (--quality): pairwise precision/recall/F1 and cluster purity with and
without the rapidfuzz text term, on (a) a synthetic set of same-kind
happenings told in paraphrases (several earthquakes, stabbings, rehab stays,
attacks a day or two apart, some mentions without date or place) and (b) the
five sample articles (real pipeline; events labelled by the gold group their
sentence tells).  Also how well spaCy ``doc.similarity`` separates
same-happening from different-happening phrases compared with rapidfuzz.

    python benchmarks/bench_matching.py --quality
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from viewer.match import clusters as matching  # noqa: E402
from viewer.match.clusters import cluster_events  # noqa: E402
from viewer.model import Event, Place, TimeSpan  # noqa: E402

KINDS = ["coup", "attack", "earthquake", "flee", "election", "protest", "arrest", "rehab"]
FIRST = ["Ali", "Maria", "John", "Chen", "Fatima", "Ivan", "Amara", "Lars", "Sofia", "Omar"]


def _day(d: dt.date) -> TimeSpan:
    return TimeSpan(d.isoformat(), 0, 1, value=d.isoformat(), earliest=d, latest=d, precision="day")


def synthetic_events(n: int, seed: int = 7, years: float = 20) -> list[Event]:
    rng = random.Random(seed)
    towns = [(f"Town{i}", rng.uniform(-60, 60), rng.uniform(-150, 150)) for i in range(max(50, n // 20))]
    events: list[Event] = []
    happening = 0
    while len(events) < n:
        happening += 1
        kind = rng.choice(KINDS)
        actor = f"{rng.choice(FIRST)} Person{rng.randrange(n // 5 + 10)}" if rng.random() < 0.7 else None
        day = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(int(365 * years)))
        town = rng.choice(towns)
        for k in range(rng.randint(2, 6)):
            when = _day(day + dt.timedelta(days=rng.choice([0, 0, 0, 1, 90])))
            name, lat, lon = town if rng.random() < 0.8 else rng.choice(towns)
            where = Place(name, 0, 1, name, lat, lon, precision="point")
            article = f"a{happening}-{k}"
            events.append(Event(id=f"{article}:0:0", article_id=article, sentence="s", start=0, end=1,
                                what=f"{kind} of {actor or 'people'}", trigger=kind,
                                who=[actor] if actor else [], when=when, where=where))
    return events[:n]


def speed(sizes: list[int], constant_density: bool = False) -> None:
    for n in sizes:
        events = synthetic_events(n, years=20 * n / 10_000 if constant_density else 20)
        pairs = len(matching.candidate_pairs(matching._mentions(events)))
        started = time.perf_counter()
        clusters = cluster_events(events)
        took = time.perf_counter() - started
        print(f"{n:>7} mentions -> {len(clusters):>7} clusters in {took:6.2f} s "
              f"({n / took:,.0f} mentions/s, {pairs / n:.1f} candidate pairs/mention)", flush=True)


# ------------------------------------------------------------------ quality

#: Paraphrases per kind: (trigger, phrase template).  {t} is a distinguishing
#: detail of the happening (the town or the person), {x} a random detail.
PARAPHRASES = {
    "earthquake": [("earthquake", "a magnitude {x} earthquake struck near {t}"), ("quake", "powerful quake hit {t}"),
                   ("earthquake", "deadly earthquake"), ("tremor", "tremor shook {t} buildings")],
    "stabbing": [("stabbing", "stabbing outside a {x} in {t}"), ("stab", "a man was stabbed in {t}"),
                 ("stabbing", "knife attack stabbing"), ("stab", "victim stabbed near the {x}")],
    "rehab": [("rehab", "{t} entered rehab"), ("rehab", "{t} checked into a rehab clinic"),
              ("rehab", "rehab stay"), ("treatment", "{t} began treatment at a {x} facility")],
    "attack": [("attack", "gunmen attacked a {x} in {t}"), ("shooting", "shooting at a {x}"),
               ("attack", "the attack in {t}"), ("bombing", "bombing near a {x} in {t}")],
}
DETAILS = ["nightclub", "market", "school", "hotel", "stadium", "mosque", "church", "7.1", "6.4", "5.9"]


def paraphrase_set(happenings: int = 120, seed: int = 3) -> tuple[list[Event], dict[str, int]]:
    """Same-kind happenings in 40 towns over six months, each told 2-4 times in
    paraphrases, 30% of mentions undated and 40% unplaced; truth by event id."""
    rng = random.Random(seed)
    towns = [(f"Town{i}", rng.uniform(-50, 50), rng.uniform(-120, 120)) for i in range(40)]
    events, truth = [], {}
    for h in range(happenings):
        kind = rng.choice(sorted(PARAPHRASES))
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(180))
        town = rng.choice(towns)
        person = f"{rng.choice(FIRST)} Star{h}" if kind == "rehab" else None  # two people, two stays
        detail = rng.choice(DETAILS)
        for k in range(rng.randint(2, 4)):
            trigger, template = rng.choice(PARAPHRASES[kind])
            what = template.format(t=person or town[0], x=detail)
            when = _day(day) if rng.random() < 0.7 else None
            where = Place(town[0], 0, 1, town[0], town[1], town[2], precision="point") if rng.random() < 0.6 else None
            eid = f"h{h}-{k}:0:0"
            events.append(Event(id=eid, article_id=f"h{h}-{k}", sentence=what, start=0, end=1, what=what,
                                trigger=trigger, who=[person] if person and "{t}" in template else [],
                                when=when, where=where))
            truth[eid] = h
    return events, truth


def scores(clusters, truth: dict[str, object]) -> tuple[float, float, float, float]:
    """Pairwise precision, recall, F1 over labelled events, and mean cluster purity."""
    found = {i: c.id for c in clusters for i in c.event_ids if i in truth}
    ids = sorted(found)
    tp = fp = fn = 0
    for a, b in itertools.combinations(ids, 2):
        same_truth, same_cluster = truth[a] == truth[b], found[a] == found[b]
        tp += same_truth and same_cluster
        fp += same_cluster and not same_truth
        fn += same_truth and not same_cluster
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    members = [[truth[i] for i in c.event_ids if i in truth] for c in clusters]
    purity = sum(Counter(m).most_common(1)[0][1] for m in members if m) / max(1, sum(len(m) for m in members))
    return precision, recall, f1, purity


def _report(name: str, events: list[Event], truth: dict[str, object]) -> None:
    for weight in (matching.TEXT_WEIGHT, 0.0):
        clusters = matching._cluster_events(events, [], weight)
        p, r, f, purity = scores(clusters, truth)
        print(f"  {name:<26} text weight {weight:.1f}: precision {p:.3f} recall {r:.3f} F1 {f:.3f} "
              f"purity {purity:.3f} ({len(clusters)} clusters)")


def sample_story_events() -> tuple[list[Event], dict[str, str]]:
    """The five sample articles through the real pipeline; events labelled by gold group."""
    import re

    from viewer.extract.events import extract_events
    from viewer.extract.language import load_pipeline
    from viewer.extract.times import tag_times
    from viewer.model import Article
    from viewer.resolve.places import PlaceFinder

    nlp, finder = load_pipeline(), PlaceFinder()
    events: list[Event] = []
    for path in sorted((ROOT / "sample_data").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        published = dt.date(2019, 2, 8) if path.name.startswith("003") else None
        article = Article(id=path.name[:3], path=str(path), text=text, published=published)
        doc = nlp(text)
        events.extend(extract_events(article, doc, tag_times(text, published), finder.find(doc)))
    # Hand labels by what the evidence sentence tells (tests/data/seed_events.json groups).
    groups = {"coup": r"coup|clash|firefight|plot|assault|attack(ed)? (on|in a village)|fighting was very",
              "caliphate": r"caliphate|public appearance|media appearance",
              "flight": r"fle(d|e|eing)|running into the desert|escape the town"}
    by_family = {"violence": "coup", "flee": "flight", "declare": "caliphate"}
    truth: dict[str, str] = {}
    for event in events:
        labels = [g for g, pattern in groups.items() if re.search(pattern, event.sentence, re.IGNORECASE)]
        fitting = by_family.get(matching.class_family(matching.trigger_class(event.trigger)))
        if fitting in labels:
            truth[event.id] = fitting  # a sentence telling two happenings: the trigger says which
        else:
            truth[event.id] = f"other:{event.id}"  # any other happening: its own
    return events, truth


def spacy_similarity(events: list[Event], truth: dict[str, int]) -> None:
    """AUC of same-happening vs different-happening phrase pairs: rapidfuzz vs spaCy doc.similarity."""
    import warnings

    from rapidfuzz import fuzz

    from viewer.extract.language import load_pipeline

    nlp = load_pipeline()
    docs = {e.id: doc for e, doc in zip(events, nlp.pipe(e.what for e in events))}
    kinds = {e.id: matching.trigger_class(e.trigger) for e in events}
    pairs = [(a, b) for a, b in itertools.combinations(events, 2) if kinds[a.id] == kinds[b.id]]
    random.Random(1).shuffle(pairs)
    pairs = pairs[:4000]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W007: the small model has no word vectors
        fuzzy = [(fuzz.token_set_ratio(a.what, b.what) / 100, truth[a.id] == truth[b.id]) for a, b in pairs]
        spacy = [(docs[a.id].similarity(docs[b.id]), truth[a.id] == truth[b.id]) for a, b in pairs]
    print(f"  same-kind phrase pairs: {len(pairs)} ({sum(s for _, s in fuzzy)} same happening); "
          f"word vectors in the pipeline: {nlp.vocab.vectors.shape[0]}")
    print(f"  AUC rapidfuzz token_set_ratio {_auc(fuzzy):.3f}; spaCy doc.similarity {_auc(spacy):.3f}")


def _auc(scored: list[tuple[float, bool]]) -> float:
    """Probability that a same-happening pair outscores a different-happening one."""
    pos = [s for s, same in scored if same]
    neg = [s for s, same in scored if not same]
    if not pos or not neg:
        return float("nan")
    ranked = sorted(scored, key=lambda x: x[0])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        rank_sum += sum((i + j + 1) / 2 for k in range(i, j) if ranked[k][1])
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def quality() -> None:
    events, truth = paraphrase_set()
    print("Synthetic same-kind happenings told in paraphrases:")
    _report("paraphrase set", events, truth)
    spacy_similarity(events, truth)
    print("Sample story (real pipeline, hand labels by sentence):")
    story, labels = sample_story_events()
    _report("five sample articles", story, labels)


if __name__ == "__main__":
    if "--quality" in sys.argv[1:]:
        quality()
    else:
        sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [1000, 10000, 100000]
        speed(sizes, constant_density="--constant-density" in sys.argv[1:])
