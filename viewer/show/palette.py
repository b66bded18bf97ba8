"""Colours shared by the timeline and the map, so a source looks the same everywhere.

Paul Tol's "muted" scheme: distinguishable with the common colour-vision
deficiencies and readable on white and on print.
"""

from __future__ import annotations

SOURCE_COLOURS: tuple[str, ...] = (
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499", "#6699CC",
)
#: Conflicts use one loud colour that no source colour uses.
CONFLICT_COLOUR = "#D55E00"
SELECTION_COLOUR = "#E69F00"
NEUTRAL_COLOUR = "#888888"


def source_colour(index: int) -> str:
    """The colour of the ``index``-th source (in the order sources are listed)."""
    return SOURCE_COLOURS[index % len(SOURCE_COLOURS)]


def colours_for(keys: list[str]) -> dict[str, str]:
    """Map each key (article id or cluster id) to its colour, in list order."""
    return {key: source_colour(i) for i, key in enumerate(keys)}
