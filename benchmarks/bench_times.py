"""Benchmark the temporal tagger on TimeML news (TimeBank + AQUAINT) against dateparser.

    python benchmarks/bench_times.py [--data DIR] [--held-out DIR] [--search-dates-docs N] [--errors CORPUS]

Prints, per corpus (TimeBank: used for tuning; AQUAINT: not tuned on, though its error list
was read, so it is no blind test; both), strict and
relaxed extent precision/recall/F1 and value F1 (a relaxed extent match whose value
equals the gold TIMEX3 value, TempEval-3 style; gold weeks written unpadded, "2000-W7",
are read as the ISO "2000-W07", TIMEX2-style decades, "199X", as TimeML's "199", and
"PXE"/"PXC" as "PXDE"/"PXCE"), for ``viewer.extract.times.tag_times``
with the document creation time as reference, and for
``dateparser.search.search_dates(text, languages=['en'], settings={'RELATIVE_BASE': dct})``
(its value taken as YYYY-MM-DD, for what it is worth), and the speed of both in chars/s.
search_dates is slow, so it runs on the first N documents of each corpus (default 40).
``--held-out DIR`` scores one more folder of TimeML files (for instance TempEval-3's
platinum test documents) that nobody tuned on, reported on its own line as the blind figure.
Skips (exit 0) when the data directory is absent; the data is never copied into the repo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "timeml"
CORPORA = ("TimeBank", "AQUAINT")
HELD_OUT = "held-out"
ROLES = {"TimeBank": "tuning", "AQUAINT": "not tuned on; errors read", HELD_OUT: "held out: blind until someone reads its errors"}


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    type: str
    value: str
    text: str


@dataclass
class Document:
    name: str
    text: str
    dct: dt.datetime
    gold: list[Timex]


_TOKEN = re.compile(r"<(/?)(\w+)([^>]*)>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);|[^<&]+|[<&]")


def strip_tags(body: str) -> tuple[str, list[Timex]]:
    """Plain text of a TimeML <TEXT> body and its TIMEX3 spans (offsets into the plain text)."""
    out: list[str] = []
    length = 0
    open_timex: list[tuple[int, str]] = []
    spans: list[Timex] = []
    for match in _TOKEN.finditer(body):
        token = match.group()
        if match.group(2):
            if match.group(2) == "TIMEX3":
                if match.group(1):
                    start, attrs = open_timex.pop()
                    ttype = re.search(r'type="([^"]*)"', attrs)
                    value = re.search(r'value="([^"]*)"', attrs)
                    text = "".join(out)[start:length]
                    spans.append(Timex(start, length, ttype.group(1) if ttype else "", value.group(1) if value else "", text))
                else:
                    open_timex.append((length, match.group(3)))
            continue
        piece = html.unescape(token) if token.startswith("&") else token
        out.append(piece)
        length += len(piece)
    return "".join(out), spans


def load_corpus(directory: Path) -> list[Document]:
    documents = []
    for path in sorted(directory.glob("*.tml")):
        raw = path.read_text(encoding="utf-8")
        dct_match = re.search(r"<DCT>.*?value=\"([^\"]+)\"", raw, re.S)
        body = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
        if not dct_match or not body:
            continue
        dct = parse_dct(dct_match.group(1))
        text, gold = strip_tags(body.group(1))
        documents.append(Document(path.name, text, dct, gold))
    return documents


def parse_dct(value: str) -> dt.datetime:
    value = value.strip()
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            pass
    return dt.datetime.strptime(value[:10], "%Y-%m-%d")


@dataclass
class Counts:
    system: int = 0
    gold: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0

    def add(self, other: "Counts") -> None:
        for name in ("system", "gold", "strict", "relaxed", "value"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def prf(self, hits: int) -> tuple[float, float, float]:
        p = hits / self.system if self.system else 0.0
        r = hits / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def score(system: list[tuple[int, int, str]], gold: list[Timex], errors: list[str] | None = None,
          text: str = "") -> Counts:
    """One-to-one matching: exact extents first, then overlapping ones."""
    counts = Counts(system=len(system), gold=len(gold))
    used_gold: set[int] = set()
    pairs: list[tuple[tuple[int, int, str], Timex]] = []
    unmatched = []
    for item in system:
        exact = next((i for i, g in enumerate(gold) if i not in used_gold and (g.start, g.end) == item[:2]), None)
        if exact is not None:
            used_gold.add(exact)
            pairs.append((item, gold[exact]))
            counts.strict += 1
        else:
            unmatched.append(item)
    for item in unmatched:
        overlap = next((i for i, g in enumerate(gold) if i not in used_gold and g.start < item[1] and item[0] < g.end), None)
        if overlap is not None:
            used_gold.add(overlap)
            pairs.append((item, gold[overlap]))
        elif errors is not None:
            errors.append(f"FP  {text[item[0]:item[1]]!r} -> {item[2]}   | {context(text, item[0], item[1])}")
    counts.relaxed = len(pairs)
    for item, g in pairs:
        if item[2] == canonical_value(g.value):
            counts.value += 1
        elif errors is not None:
            errors.append(f"VAL {text[item[0]:item[1]]!r} -> {item[2]} gold {g.text!r} {g.type} {g.value}   | {context(text, item[0], item[1])}")
    if errors is not None:
        for i, g in enumerate(gold):
            if i not in used_gold:
                errors.append(f"FN  {g.text!r} {g.type} {g.value}   | {context(text, g.start, g.end)}")
    return counts


_UNPADDED_WEEK = re.compile(r"^(\d{4})-W(\d)(?!\d)")


_DECADE_WITH_X = re.compile(r"^(\d{3})X$")
_SHORT_DECADES_OR_CENTURIES = re.compile(r"^P(\d+|X)([EC])$")


def canonical_value(value: str) -> str:
    """A gold value in TimeML 1.2 form: six AQUAINT values write weeks unpadded ("2000-W7" is
    2000-W07), five write a decade the TIMEX2 way ("199X" is TimeML's "199", the 1990s), and
    three TimeBank durations write decades and centuries "PXE", "PXC" for TempEval-3's "PXDE", "PXCE"."""
    value = _DECADE_WITH_X.sub(r"\1", _UNPADDED_WEEK.sub(r"\1-W0\2", value))
    return _SHORT_DECADES_OR_CENTURIES.sub(lambda m: f"P{m[1]}{'DE' if m[2] == 'E' else 'CE'}", value)


def context(text: str, start: int, end: int) -> str:
    return (text[max(0, start - 60):start] + "[" + text[start:end] + "]" + text[end:end + 40]).replace("\n", " ")


def run_tagger(doc: Document) -> list[tuple[int, int, str]]:
    from viewer.extract.times import tag_times

    return [(s.start, s.end, s.value) for s in tag_times(doc.text, doc.dct)]


def run_search_dates(doc: Document) -> list[tuple[int, int, str]]:
    from dateparser.search import search_dates

    found = search_dates(doc.text, languages=["en"], settings={"RELATIVE_BASE": doc.dct}) or []
    spans, cursor = [], 0
    for substring, moment in found:
        start = doc.text.find(substring, cursor)
        if start < 0:
            start = doc.text.find(substring)
        if start < 0:
            continue
        cursor = start + len(substring)
        spans.append((start, start + len(substring), moment.strftime("%Y-%m-%d")))
    return spans


def evaluate(docs: list[Document], runner, errors: list[str] | None = None, repeat: int = 1) -> tuple[Counts, float]:
    """Scores and speed; the speed is the best of ``repeat`` runs (the machine is shared)."""
    total = Counts()
    elapsed = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        outputs = [runner(doc) for doc in docs]
        elapsed = min(elapsed, time.perf_counter() - started)
    for doc, output in zip(docs, outputs):
        if errors is not None:
            errors.append(f"=== {doc.name} DCT {doc.dct:%Y-%m-%d}")
        total.add(score(output, doc.gold, errors, doc.text))
    chars = sum(len(doc.text) for doc in docs)
    return total, chars / elapsed if elapsed else float("inf")


def report(label: str, counts: Counts, speed: float, docs: int) -> None:
    sp, sr, sf = counts.prf(counts.strict)
    rp, rr, rf = counts.prf(counts.relaxed)
    vp, vr, vf = counts.prf(counts.value)
    print(f"  {label:<14} docs={docs:>3} gold={counts.gold:>5} sys={counts.system:>5}  "
          f"strict P/R/F1 {sp:.3f}/{sr:.3f}/{sf:.3f}  relaxed {rp:.3f}/{rr:.3f}/{rf:.3f}  "
          f"value {vp:.3f}/{vr:.3f}/{vf:.3f}  speed {speed:,.0f} chars/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--search-dates-docs", type=int, default=40,
                        help="documents per corpus for search_dates (it is slow); 0 to skip it")
    parser.add_argument("--held-out", type=Path, metavar="DIR",
                        help="a further folder of TimeML files nobody tuned on, scored on its own")
    parser.add_argument("--errors", choices=CORPORA + (HELD_OUT,), help="print the tagger's errors on one corpus")
    args = parser.parse_args()
    corpora = {name: load_corpus(args.data / name) for name in CORPORA if (args.data / name).is_dir()}
    if args.held_out is not None:
        corpora[HELD_OUT] = load_corpus(args.held_out)
    if not any(corpora.values()):
        print(f"skipped: no TimeML documents under {args.data}" + (f" or {args.held_out}" if args.held_out else ""))
        return 0
    from viewer.extract.times import tag_times

    tag_times("warm-up on 10 January 2019", dt.date(2019, 2, 8))  # import and compile outside the timing
    if args.search_dates_docs:
        from dateparser.search import search_dates

        search_dates("warm-up on 10 January 2019", languages=["en"])
    if args.errors:
        errors: list[str] = []
        evaluate(corpora[args.errors], run_tagger, errors)
        print("\n".join(errors))
        return 0
    everything: list[Document] = []
    for name, docs in corpora.items():
        print(f"{name} ({ROLES[name]})")
        counts, speed = evaluate(docs, run_tagger, repeat=3)
        report("tag_times", counts, speed, len(docs))
        if name != HELD_OUT:
            everything.extend(docs)
        if args.search_dates_docs:
            subset = docs[: args.search_dates_docs]
            counts, speed = evaluate(subset, run_tagger, repeat=3)
            report("tag_times*", counts, speed, len(subset))
            counts, speed = evaluate(subset, run_search_dates, repeat=3)
            report("search_dates*", counts, speed, len(subset))
    if sum(name in CORPORA for name in corpora) > 1:
        print("both")
        counts, speed = evaluate(everything, run_tagger, repeat=3)
        report("tag_times", counts, speed, len(everything))
    if args.search_dates_docs:
        print(f"* = the first {args.search_dates_docs} documents of the corpus only (search_dates is slow)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
