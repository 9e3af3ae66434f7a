"""The insights store's SQLite database: one file, zero setup, for a bot that runs as one process.

WAL mode (a reader such as `python -m bot report` never blocks the writer), one transaction per
write batch or migration step, and a busy timeout for locks held by another process. Times are
ISO 8601 text in UTC to the second ("2017-06-09T12:00:00+00:00"), which sorts in time order.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from bot.insights.store import BUSY_TIMEOUT, FeedbackRow, QuestionRow, SchemaTooNew, Tally, Votes

log = logging.getLogger(__name__)

# One tuple of statements per schema version; PRAGMA user_version records how many have run.
# guild_id is NULL for direct messages; user_id is NULL unless STORE_USER_IDS is on.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            asked_at TEXT NOT NULL,
            guild_id INTEGER,
            user_id INTEGER,
            lang TEXT NOT NULL,
            kind TEXT NOT NULL,
            entry_id TEXT,
            question TEXT NOT NULL
        )""",
        "CREATE INDEX questions_by_time ON questions (asked_at)",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            given_at TEXT NOT NULL,
            guild_id INTEGER,
            user_id INTEGER,
            lang TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
            question TEXT NOT NULL
        )""",
        "CREATE INDEX feedback_by_time ON feedback (given_at)",
    ),
    (  # /unanswered in one server of many: its rows without scanning every server's
        "CREATE INDEX questions_by_guild ON questions (guild_id, asked_at)",
        "CREATE INDEX feedback_by_guild ON feedback (guild_id, given_at)",
    ),
)

_INSERT_QUESTION = (
    "INSERT INTO questions (asked_at, guild_id, user_id, lang, kind, entry_id, question) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FEEDBACK = (
    "INSERT INTO feedback (given_at, guild_id, user_id, lang, entry_id, helpful, question) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# The same order as PostgreSQL's queries, to the last tie: text compared byte by byte (BINARY)
_QUESTIONS = """
    SELECT question, COUNT(*) AS asked FROM questions
    WHERE asked_at >= ? AND (? IS NULL OR guild_id = ?)
    GROUP BY question ORDER BY asked DESC, MIN(asked_at), question LIMIT ?
"""
_VOTES = """
    SELECT entry_id, SUM(helpful) AS up, SUM(1 - helpful) AS down FROM feedback
    WHERE given_at >= ? AND (? IS NULL OR guild_id = ?)
    GROUP BY entry_id HAVING down > 0 ORDER BY down DESC, up, entry_id LIMIT ?
"""


def stamp(moment: datetime) -> str:
    """ISO 8601 in UTC to the second: text that sorts in time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@contextmanager
def _transaction(connection: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
    """All or nothing; IMMEDIATE takes the write lock up front, plain BEGIN gives reads one snapshot."""
    connection.execute(begin)
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to date, one version per transaction. An up-to-date database takes no
    lock (the report only reads); the version is read again under the write lock, so that two
    processes starting at once cannot both migrate."""
    while (version := _version(connection)) != len(MIGRATIONS):
        if version > len(MIGRATIONS):
            raise SchemaTooNew(f"schema version {version} is newer than this bot's {len(MIGRATIONS)}")
        with _transaction(connection):
            if _version(connection) == version:
                for statement in MIGRATIONS[version]:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1}")
                log.info("insights database migrated to schema version %d", version + 1)


def _version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


class SQLiteBackend:
    """The store's `Backend` for a SQLite file; the file and its directory are created on first use."""

    def __init__(self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = path
        self.where = str(path)
        self._busy_timeout = busy_timeout
        self._connection: sqlite3.Connection | None = None

    def open(self) -> None:
        if self._connection is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            migrate(connection)
        except BaseException:
            connection.close()
            raise
        self._connection = connection

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(sqlite3.Error):
                connection.close()

    @property
    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            raise sqlite3.OperationalError("not connected")
        return self._connection

    def write(self, questions: Sequence[QuestionRow], feedback: Sequence[FeedbackRow]) -> None:
        with _transaction(self._db):
            self._db.executemany(
                _INSERT_QUESTION,
                [(stamp(q.asked_at), q.guild_id, q.user_id, q.lang, q.kind, q.entry_id, q.question) for q in questions],
            )
            self._db.executemany(
                _INSERT_FEEDBACK,
                [
                    (stamp(f.given_at), f.guild_id, f.user_id, f.lang, f.entry_id, int(f.helpful), f.question)
                    for f in feedback
                ],
            )

    def tally(self, since: datetime, only_guild: int | None, questions: int, votes: int) -> Tally:
        guild = (only_guild, only_guild)
        with _transaction(self._db, "BEGIN"):
            asked = self._db.execute(_QUESTIONS, (stamp(since), *guild, questions)).fetchall()
            rows = self._db.execute(_VOTES, (stamp(since), *guild, votes)).fetchall()
        return Tally(tuple(asked), tuple(Votes(entry, up, down) for entry, up, down in rows))

    def prune(self, cutoff: datetime) -> int:
        """SQLite's write lock already lets one process at a time delete."""
        with _transaction(self._db):
            removed: int = self._db.execute("DELETE FROM questions WHERE asked_at < ?", (stamp(cutoff),)).rowcount
            removed += self._db.execute("DELETE FROM feedback WHERE given_at < ?", (stamp(cutoff),)).rowcount
        return removed
