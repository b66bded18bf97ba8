"""Undoable corrections: each user correction is a QUndoCommand over the workspace.

redo stores the correction(s) in one transaction (``Workspace.add_corrections``)
and asks for a re-analysis; undo deletes them by the row ids they got, again in
one transaction.  The corrections live in the workspace, so they are saved the
moment they are made and re-applied by every later analysis; the undo stack
only remembers ids.

A write can fail (the worker holds the write lock, the disk is full): then
nothing is stored, the command marks itself obsolete so QUndoStack drops it
(no phantom undo step), and ``on_failure`` tells the user.  A failed undo
leaves the corrections stored and says so; the window then steps the stack
forward again so what it shows matches the file.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from typing import Any, Callable, Iterable

from PySide6.QtGui import QUndoCommand

from viewer.model import Conflict, Correction
from viewer.store import Workspace

log = logging.getLogger("crosscheck")

WorkspaceGetter = Callable[[], Workspace]
Reanalyse = Callable[[], None]
#: Called with (command text, the exception, True if it was an undo) when a write fails.
FailureHandler = Callable[[str, BaseException, bool], None]


def _log_failure(text: str, exc: BaseException, undoing: bool) -> None:
    log.error("%s of %r failed: %s", "undo" if undoing else "redo", text, exc)


class CorrectionCommand(QUndoCommand):
    """Apply one or more corrections as a single undo step (all stored, or none)."""

    def __init__(self, text: str, corrections: Iterable[Correction], workspace: WorkspaceGetter,
                 reanalyse: Reanalyse, on_failure: FailureHandler | None = None) -> None:
        super().__init__(text)
        self._pending = [Correction(c.kind, c.target, dict(c.payload)) for c in corrections]
        self._stored: list[Correction] = []
        self._workspace = workspace
        self._reanalyse = reanalyse
        self._on_failure = on_failure or _log_failure
        self.error: BaseException | None = None

    @property
    def corrections(self) -> list[Correction]:
        """The stored corrections (with row ids) while applied, else what will be stored."""
        return list(self._stored) or list(self._pending)

    @property
    def applied(self) -> bool:
        return bool(self._stored)

    def redo(self) -> None:
        if self._stored:  # still stored (the undo before failed): nothing to write again
            self._reanalyse()
            return
        try:
            self._stored = self._workspace().add_corrections(self._pending)
        except Exception as exc:  # noqa: BLE001 - a raising redo would still be pushed by PySide6
            self.error = exc
            self.setObsolete(True)  # QUndoStack deletes an obsolete command instead of keeping it
            self._on_failure(self.text(), exc, False)
            return
        self.error = None
        self._reanalyse()

    def undo(self) -> None:
        ids = [c.id for c in self._stored if c.id is not None]
        try:
            self._workspace().remove_corrections(ids)
        except Exception as exc:  # noqa: BLE001 - reported; the corrections stay applied
            self.error = exc
            self._on_failure(self.text(), exc, True)
            return
        self.error = None
        self._stored = []
        self._reanalyse()


# ---------------------------------------------------------------- payloads

_VALUE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")


def when_payload(value: str, text: str | None = None) -> dict[str, Any]:
    """A ``set_when`` payload from "YYYY", "YYYY-MM" or "YYYY-MM-DD".

    Hand-written because the dialog accepts exactly these three ISO forms and
    their interval is simple calendar arithmetic; anything else is refused.
    """
    match = _VALUE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date; write 2019-01-10, 2018-09 or 2018.")
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is None:
        earliest, latest, precision, norm = dt.date(year, 1, 1), dt.date(year, 12, 31), "year", f"{year:04d}"
    elif day is None:
        if not 1 <= month <= 12:
            raise ValueError(f"{value!r}: the month must be between 1 and 12.")
        last = calendar.monthrange(year, month)[1]
        earliest, latest = dt.date(year, month, 1), dt.date(year, month, last)
        precision, norm = "month", f"{year:04d}-{month:02d}"
    else:
        try:
            earliest = latest = dt.date(year, month, day)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a valid day: {exc}.") from None
        precision, norm = "day", earliest.isoformat()
    return {"text": text or norm, "value": norm, "earliest": earliest.isoformat(),
            "latest": latest.isoformat(), "precision": precision}


def where_payload(name: str, lat: float | None = None, lon: float | None = None,
                  radius_km: float | None = None, country: str | None = None) -> dict[str, Any]:
    if not name.strip():
        raise ValueError("Give the place a name.")
    if (lat is None) != (lon is None):
        raise ValueError("Give both latitude and longitude, or neither.")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
        raise ValueError("Latitude must be within ±90 and longitude within ±180.")
    return {"name": name.strip(), "lat": lat, "lon": lon, "radius_km": radius_km, "country": country}


def conflict_event_ids(conflict: Conflict) -> list[str]:
    return sorted({event_id for side in conflict.sides for event_id in side.event_ids})


# ---------------------------------------------------------------- commands


class SetPublishedCommand(CorrectionCommand):
    def __init__(self, article_id: str, day: dt.date, label: str, workspace: WorkspaceGetter,
                 reanalyse: Reanalyse, on_failure: FailureHandler | None = None) -> None:
        correction = Correction("set_published", article_id, {"date": day.isoformat()})
        super().__init__(f"Set publication date of {label} to {day.isoformat()}", [correction],
                         workspace, reanalyse, on_failure)


class EditWhenCommand(CorrectionCommand):
    def __init__(self, event_id: str, value: str, workspace: WorkspaceGetter, reanalyse: Reanalyse,
                 text: str | None = None, on_failure: FailureHandler | None = None) -> None:
        payload = when_payload(value, text)
        super().__init__(f"Set event date to {payload['value']}",
                         [Correction("set_when", event_id, payload)], workspace, reanalyse, on_failure)


class EditWhereCommand(CorrectionCommand):
    def __init__(self, event_id: str, payload: dict[str, Any], workspace: WorkspaceGetter,
                 reanalyse: Reanalyse, on_failure: FailureHandler | None = None) -> None:
        super().__init__(f"Set event place to {payload['name']}",
                         [Correction("set_where", event_id, payload)], workspace, reanalyse, on_failure)


class MergeClustersCommand(CorrectionCommand):
    def __init__(self, event_ids: Iterable[str], workspace: WorkspaceGetter, reanalyse: Reanalyse,
                 on_failure: FailureHandler | None = None) -> None:
        ids = sorted(set(event_ids))
        if len(ids) < 2:
            raise ValueError("Select events of at least two clusters (or two events) to merge.")
        super().__init__(f"Merge {len(ids)} events into one cluster",
                         [Correction("merge", "", {"event_ids": ids})], workspace, reanalyse, on_failure)


class SplitFromClusterCommand(CorrectionCommand):
    def __init__(self, event_ids: Iterable[str], workspace: WorkspaceGetter, reanalyse: Reanalyse,
                 on_failure: FailureHandler | None = None) -> None:
        ids = sorted(set(event_ids))
        if not ids:
            raise ValueError("Select the events to take out of their cluster.")
        super().__init__(f"Split {len(ids)} event(s) from their cluster",
                         [Correction("split", "", {"event_ids": ids})], workspace, reanalyse, on_failure)


class NotAConflictCommand(CorrectionCommand):
    def __init__(self, conflicts: Iterable[Conflict], workspace: WorkspaceGetter, reanalyse: Reanalyse,
                 on_failure: FailureHandler | None = None) -> None:
        items = list(conflicts)
        if not items:
            raise ValueError("Select an event of a conflict first.")
        corrections = [
            Correction("not_conflict", c.id, {"kind": c.kind, "event_ids": conflict_event_ids(c),
                                               "sides": [side.value for side in c.sides]})
            for c in items
        ]
        kinds = " and ".join(sorted({c.kind for c in items}))
        super().__init__(f"Mark {kinds} conflict as not a conflict", corrections, workspace, reanalyse,
                         on_failure)
