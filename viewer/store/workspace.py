"""The workspace: one SQLite file with the articles, what was extracted, the analysis and the user's corrections.

Why SQLite: one file a user can copy, atomic transactions (an article is stored
whole or not at all, so killing the app mid-batch loses at most the article
being read), and a schema version with migrations.

Raw extraction (``events.when_json``/``where_json``) is kept apart from the
analysis (re-anchored dates, clusters, conflicts), so analysis can be re-run
at any time from what was read plus the corrections.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator

from viewer import __version__
from viewer.model import (
    Article,
    Conflict,
    ConflictSide,
    Correction,
    Event,
    EventCluster,
    ReadError,
    Story,
    place_from_dict,
    place_to_dict,
    timespan_from_dict,
    timespan_to_dict,
)

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
APPLICATION_ID = 0x43524F53  # "CROS": marks the file as ours


#: The file name ending the window offers for workspaces (any name works).
WORKSPACE_SUFFIX = ".crosscheck"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def is_workspace_file(path: str | Path) -> bool:
    """True for an existing SQLite file (a workspace, or another database we will refuse)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


class WorkspaceError(RuntimeError):
    """A workspace that cannot be opened, with a message a user can act on."""


_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    published TEXT,
    published_from TEXT,
    content_hash TEXT NOT NULL UNIQUE,
    format TEXT,
    url TEXT,
    text TEXT NOT NULL,
    added_at TEXT NOT NULL,
    position INTEGER NOT NULL,
    analysed_published TEXT,
    analysed_published_from TEXT
);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    what TEXT NOT NULL,
    trigger TEXT,
    who TEXT NOT NULL,
    when_json TEXT,
    where_json TEXT,
    analysed_when_json TEXT,
    analysed_where_json TEXT,
    cluster_id TEXT,
    corrected INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_article ON events(article_id);
CREATE TABLE clusters (id TEXT PRIMARY KEY, label TEXT, event_ids TEXT, article_ids TEXT);
CREATE TABLE conflicts (id TEXT PRIMARY KEY, cluster_id TEXT, kind TEXT, data TEXT);
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE user_places (key TEXT PRIMARY KEY, name TEXT, lat REAL, lon REAL, created_at TEXT);
CREATE TABLE read_errors (path TEXT PRIMARY KEY, message TEXT, at TEXT);
"""

#: MIGRATIONS[n] upgrades a workspace from schema n to n + 1.
MIGRATIONS: dict[int, str] = {0: _SCHEMA_V1}


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _date_or_none(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Workspace:
    """A connection to one workspace file (or ``":memory:"``).

    One Workspace per thread: the ingest worker opens its own on the same path.
    """

    def __init__(self, path: str | Path = ":memory:", busy_timeout_ms: int = 5000) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn = self._connect(self.path, busy_timeout_ms)
        self._migrate()

    # ------------------------------------------------------------------ opening

    @staticmethod
    def _connect(path: str, busy_timeout_ms: int = 5000) -> sqlite3.Connection:
        if path != ":memory:":
            target = Path(path)
            if target.is_dir():
                raise WorkspaceError(f"{path} is a folder, not a workspace file.")
            if target.exists() and target.stat().st_size > 0:
                if not is_workspace_file(target):
                    raise WorkspaceError(
                        f"{path} is not a Crosscheck workspace (it is not an SQLite file). "
                        "Choose a .crosscheck workspace, or give a new file name."
                    )
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                   timeout=busy_timeout_ms / 1000)
            conn.execute("PRAGMA foreign_keys = ON")
            if path != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"{path} cannot be opened as a workspace: {exc}") from exc
        return conn

    def _migrate(self) -> None:
        try:
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
            has_tables = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"{self.path} is damaged or not a workspace: {exc}") from exc
        if has_tables and app_id != APPLICATION_ID:
            raise WorkspaceError(
                f"{self.path} is an SQLite file but not a Crosscheck workspace; nothing was changed."
            )
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path} was written by a newer version of Crosscheck (workspace schema {version}; "
                f"this version reads up to {SCHEMA_VERSION}). Update Crosscheck to open it; "
                "the file was left untouched."
            )
        while version < SCHEMA_VERSION:
            with self._transaction() as conn:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        """Fold the write-ahead log back into the file, if nobody else is writing, and close.

        The checkpoint must not wait: closing happens when the window closes,
        and another connection holding the write lock would otherwise stall it
        for the whole busy timeout.  A skipped checkpoint loses nothing; the
        next connection replays the log.
        """
        with self._lock:
            try:
                if self.path != ":memory:":
                    self._conn.execute("PRAGMA busy_timeout = 0")
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError as exc:
                log.info("checkpoint skipped on close: %s", exc)
            finally:
                self._conn.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # ----------------------------------------------------------------- articles

    def has_content(self, content_hash: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM articles WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return row is not None

    def content_hashes(self) -> set[str]:
        """Hashes of every stored article's text: what a new file is compared with."""
        return {row[0] for row in self._conn.execute("SELECT content_hash FROM articles")}

    def add_article(self, article: Article, events: list[Event]) -> bool:
        """Store an article and its events in one transaction; False if already present."""
        with self._transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM articles WHERE content_hash = ? OR id = ?",
                (article.content_hash, article.id),
            ).fetchone():
                return False
            position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM articles").fetchone()[0]
            conn.execute(
                "INSERT INTO articles (id, path, title, outlet, published, published_from, content_hash,"
                " format, url, text, added_at, position) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id, article.path, article.title, article.outlet,
                    article.published.isoformat() if article.published else None,
                    article.published_from, article.content_hash, article.format, article.url,
                    article.text, _now(), position,
                ),
            )
            self._insert_events(conn, events)
            conn.execute("DELETE FROM read_errors WHERE path = ?", (article.path,))
            self._mark_stale(conn)
        return True

    @classmethod
    def _insert_events(cls, conn: sqlite3.Connection, events: list[Event]) -> None:
        conn.executemany(
            "INSERT INTO events (id, article_id, start, end, sentence, what, trigger, who, when_json,"
            " where_json) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [cls._event_row(e) for e in events],
        )

    @staticmethod
    def _event_row(event: Event) -> tuple[Any, ...]:
        return (
            event.id, event.article_id, event.start, event.end, event.sentence, event.what,
            event.trigger, json.dumps(event.who),
            json.dumps(timespan_to_dict(event.when)), json.dumps(place_to_dict(event.where)),
        )

    def remove_article(self, article_id: str) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self._mark_stale(conn)

    def articles(self, analysed: bool = True) -> list[Article]:
        """Articles in the order they were added; with the analysed publication date if any."""
        rows = self._conn.execute(
            "SELECT id, path, title, outlet, published, published_from, content_hash, format, url, text,"
            " analysed_published, analysed_published_from FROM articles ORDER BY position"
        ).fetchall()
        result = []
        for row in rows:
            published, published_from = row[4], row[5]
            if analysed and row[11]:
                published, published_from = row[10], row[11]
            result.append(
                Article(
                    id=row[0], path=row[1], title=row[2] or "", outlet=row[3],
                    published=_date_or_none(published), published_from=published_from,
                    content_hash=row[6], format=row[7] or "txt", url=row[8], text=row[9],
                )
            )
        return result

    def article_count(self) -> int:
        return self._conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    # ------------------------------------------------------------------- events

    def events(self, analysed: bool = True) -> list[Event]:
        """Events as extracted (``analysed=False``) or as the last analysis left them."""
        rows = self._conn.execute(
            "SELECT e.id, e.article_id, e.start, e.end, e.sentence, e.what, e.trigger, e.who,"
            " e.when_json, e.where_json, e.analysed_when_json, e.analysed_where_json,"
            " e.cluster_id, e.corrected FROM events e JOIN articles a ON a.id = e.article_id"
            " ORDER BY a.position, e.start, e.id"
        ).fetchall()
        events = []
        for row in rows:
            when_json, where_json = row[8], row[9]
            if analysed and row[10] is not None:
                when_json, where_json = row[10], row[11]
            events.append(
                Event(
                    id=row[0], article_id=row[1], start=row[2], end=row[3], sentence=row[4],
                    what=row[5], trigger=row[6] or "", who=json.loads(row[7]),
                    when=timespan_from_dict(json.loads(when_json)) if when_json else None,
                    where=place_from_dict(json.loads(where_json)) if where_json else None,
                    cluster_id=row[12] if analysed else None,
                    corrected=bool(row[13]) if analysed else False,
                )
            )
        return events

    def replace_extraction(self, article_id: str, events: list[Event]) -> None:
        """Replace an article's extracted events (after re-extraction with a new pipeline or pins)."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
            self._insert_events(conn, events)
            self._mark_stale(conn)

    # ----------------------------------------------------------------- analysis

    def save_analysis(
        self,
        published: dict[str, tuple[dt.date | None, str | None]],
        events: list[Event],
        clusters: list[EventCluster],
        conflicts: list[Conflict],
        inputs_generation: int | None = None,
    ) -> bool:
        """Store one analysis run, replacing the previous one, atomically.

        ``inputs_generation`` is :meth:`generation` as read before the inputs of
        the analysis were: if anything changed since (a correction made while it
        ran), nothing is stored and False is returned, so the caller runs again.
        """
        with self._transaction() as conn:
            if inputs_generation is not None and self._generation(conn) != inputs_generation:
                return False
            conn.execute("UPDATE articles SET analysed_published = NULL, analysed_published_from = NULL")
            conn.executemany(
                "UPDATE articles SET analysed_published = ?, analysed_published_from = ? WHERE id = ?",
                [
                    (day.isoformat() if day else None, source, article_id)
                    for article_id, (day, source) in published.items()
                ],
            )
            conn.executemany(
                "UPDATE events SET analysed_when_json = ?, analysed_where_json = ?, cluster_id = ?,"
                " corrected = ? WHERE id = ?",
                [
                    (
                        json.dumps(timespan_to_dict(e.when)), json.dumps(place_to_dict(e.where)),
                        e.cluster_id, int(e.corrected), e.id,
                    )
                    for e in events
                ],
            )
            conn.execute("DELETE FROM clusters")
            conn.executemany(
                "INSERT INTO clusters (id, label, event_ids, article_ids) VALUES (?,?,?,?)",
                [(c.id, c.label, json.dumps(c.event_ids), json.dumps(c.article_ids)) for c in clusters],
            )
            conn.execute("DELETE FROM conflicts")
            conn.executemany(
                "INSERT INTO conflicts (id, cluster_id, kind, data) VALUES (?,?,?,?)",
                [(c.id, c.cluster_id, c.kind, json.dumps(asdict(c))) for c in conflicts],
            )
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('analysis', ?)", (__version__,))
        return True

    @staticmethod
    def _generation(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def generation(self) -> int:
        """A counter that grows with every change to what analysis reads."""
        return self._generation(self._conn)

    @classmethod
    def _mark_stale(cls, conn: sqlite3.Connection) -> None:
        """What was read or corrected changed: the stored analysis no longer matches it."""
        conn.execute("DELETE FROM meta WHERE key = 'analysis'")
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)",
                     (str(cls._generation(conn) + 1),))

    def analysis_is_current(self) -> bool:
        """True when the stored analysis was made by this version from what the workspace holds now."""
        return self.get_meta("analysis") == __version__

    def clusters(self) -> list[EventCluster]:
        rows = self._conn.execute("SELECT id, label, event_ids, article_ids FROM clusters ORDER BY id")
        return [EventCluster(r[0], r[1], json.loads(r[2]), json.loads(r[3])) for r in rows]

    def conflicts(self) -> list[Conflict]:
        rows = self._conn.execute("SELECT data FROM conflicts ORDER BY id").fetchall()
        result = []
        for (data,) in rows:
            raw = json.loads(data)
            raw["sides"] = [ConflictSide(**side) for side in raw["sides"]]
            result.append(Conflict(**raw))
        return result

    # -------------------------------------------------------------- corrections

    def corrections(self) -> list[Correction]:
        rows = self._conn.execute("SELECT id, kind, target, payload FROM corrections ORDER BY id")
        return [Correction(kind=r[1], target=r[2], payload=json.loads(r[3]), id=r[0]) for r in rows]

    def add_correction(self, correction: Correction) -> Correction:
        """Store a correction; returns it with its row id (used to undo it)."""
        return self.add_corrections([correction])[0]

    def add_corrections(self, corrections: list[Correction]) -> list[Correction]:
        """Store several corrections in one transaction: all of them or none."""
        stored = []
        with self._transaction() as conn:
            for correction in corrections:
                cursor = conn.execute(
                    "INSERT INTO corrections (kind, target, payload, created_at) VALUES (?,?,?,?)",
                    (correction.kind, correction.target, json.dumps(correction.payload), _now()),
                )
                stored.append(Correction(correction.kind, correction.target, correction.payload,
                                         cursor.lastrowid))
            self._mark_stale(conn)
        return stored

    def remove_correction(self, correction_id: int) -> None:
        self.remove_corrections([correction_id])

    def remove_corrections(self, correction_ids: list[int]) -> None:
        """Remove several corrections in one transaction (undo of a multi-part correction)."""
        with self._transaction() as conn:
            conn.executemany("DELETE FROM corrections WHERE id = ?", [(i,) for i in correction_ids])
            self._mark_stale(conn)

    # ------------------------------------------------------------- user places

    def user_places(self) -> dict[str, tuple[float, float]]:
        """Pinned places by normalised name key."""
        rows = self._conn.execute("SELECT key, lat, lon FROM user_places")
        return {key: (lat, lon) for key, lat, lon in rows}

    def pin_place(self, key: str, name: str, lat: float, lon: float) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO user_places (key, name, lat, lon, created_at) VALUES (?,?,?,?,?)",
                (key, name, lat, lon, _now()),
            )
            self._mark_stale(conn)

    def unpin_place(self, key: str) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM user_places WHERE key = ?", (key,))
            self._mark_stale(conn)

    # ------------------------------------------------------------ read errors

    def record_error(self, error: ReadError) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO read_errors (path, message, at) VALUES (?,?,?)",
                (error.path, error.message, _now()),
            )

    def read_errors(self) -> list[ReadError]:
        rows = self._conn.execute("SELECT path, message FROM read_errors ORDER BY at, path")
        return [ReadError(path, message) for path, message in rows]

    # ------------------------------------------------------------- view state

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------ story

    def load_story(self) -> Story:
        """Everything the viewers show, as the last analysis left it."""
        return Story(
            articles=self.articles(),
            events=self.events(),
            clusters=self.clusters(),
            conflicts=self.conflicts(),
            errors=self.read_errors(),
        )

    def save_copy(self, target: str | Path) -> None:
        """Write a consistent copy of this workspace to ``target`` (Save As)."""
        with self._lock:
            destination = sqlite3.connect(str(target))
            try:
                self._conn.backup(destination)
            finally:
                destination.close()
