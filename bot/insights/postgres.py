"""The insights store's PostgreSQL database (DATABASE_URL): one store shared by every bot process.

psycopg 3 with its connection pool: the pool checks a connection before handing it out, so after
a database restart the next write gets a fresh connection instead of failing. Migrations and the
retention prune take advisory locks: processes starting together migrate once, and one process at
a time prunes (the others skip that round). Queries order exactly as SQLite's do (text compared
byte by byte, COLLATE "C"), so the report reads the same on both databases.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from bot.insights.store import BUSY_TIMEOUT, FeedbackRow, QuestionRow, SchemaTooNew, Tally, Votes

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0  # seconds to reach the server before a write is given up
STATEMENT_TIMEOUT = 30.0  # seconds any one statement may take
MIGRATE_LOCK = 0x4C4D_0001  # advisory lock keys ("LM" and a number): held while migrating ...
PRUNE_LOCK = 0x4C4D_0002  # ... and while pruning
APPLICATION_NAME = "lemans-bot"

# One tuple of statements per schema version, as for SQLite; insights_migrations records which ran.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE questions (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            asked_at TIMESTAMPTZ NOT NULL,
            guild_id BIGINT,
            user_id BIGINT,
            lang TEXT NOT NULL,
            kind TEXT NOT NULL,
            entry_id TEXT,
            question TEXT NOT NULL
        )""",
        "CREATE INDEX questions_by_time ON questions (asked_at)",
        """CREATE TABLE feedback (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            given_at TIMESTAMPTZ NOT NULL,
            guild_id BIGINT,
            user_id BIGINT,
            lang TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            helpful BOOLEAN NOT NULL,
            question TEXT NOT NULL
        )""",
        "CREATE INDEX feedback_by_time ON feedback (given_at)",
    ),
    (
        "CREATE INDEX questions_by_guild ON questions (guild_id, asked_at)",
        "CREATE INDEX feedback_by_guild ON feedback (guild_id, given_at)",
    ),
)

_VERSIONS = """CREATE TABLE IF NOT EXISTS insights_migrations (
    version INTEGER PRIMARY KEY,
    migrated_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""
_INSERT_QUESTION = (
    "INSERT INTO questions (asked_at, guild_id, user_id, lang, kind, entry_id, question) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
_INSERT_FEEDBACK = (
    "INSERT INTO feedback (given_at, guild_id, user_id, lang, entry_id, helpful, question) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s)"
)
_QUESTIONS = """
    SELECT question, COUNT(*) AS asked FROM questions
    WHERE asked_at >= %(since)s AND (%(guild)s::bigint IS NULL OR guild_id = %(guild)s)
    GROUP BY question ORDER BY asked DESC, MIN(asked_at), question COLLATE "C" LIMIT %(limit)s
"""
_VOTES = """
    SELECT entry_id, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS up, SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS down
    FROM feedback WHERE given_at >= %(since)s AND (%(guild)s::bigint IS NULL OR guild_id = %(guild)s)
    GROUP BY entry_id HAVING SUM(CASE WHEN helpful THEN 0 ELSE 1 END) > 0
    ORDER BY down DESC, up, entry_id COLLATE "C" LIMIT %(limit)s
"""


def describe(url: str) -> str:
    """The server and database of a URL, without user or password: fit for a log line."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(an invalid DATABASE_URL)"
    return f"postgresql://{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


def migrate(connection: psycopg.Connection[Any]) -> None:
    """Bring the schema up to date, one version per transaction, under an advisory lock (the
    version is read again under it), so that processes starting together migrate once."""
    while (version := _version(connection)) != len(MIGRATIONS):
        if version > len(MIGRATIONS):
            raise SchemaTooNew(f"schema version {version} is newer than this bot's {len(MIGRATIONS)}")
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
            connection.execute(_VERSIONS)
            if _version(connection) == version:
                for statement in MIGRATIONS[version]:
                    connection.execute(statement)
                connection.execute("INSERT INTO insights_migrations (version) VALUES (%s)", (version + 1,))
                log.info("insights database migrated to schema version %d", version + 1)


def _version(connection: psycopg.Connection[Any]) -> int:
    found = connection.execute("SELECT to_regclass('insights_migrations') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return 0
    row = connection.execute("SELECT COALESCE(MAX(version), 0) FROM insights_migrations").fetchone()
    return int(row[0]) if row else 0


class PostgresBackend:
    """The store's `Backend` for PostgreSQL: a small pool, opened (and the schema migrated) on first use."""

    def __init__(
        self, url: str, *, busy_timeout: float = BUSY_TIMEOUT, connect_timeout: float = CONNECT_TIMEOUT
    ) -> None:
        self.url = url
        self.where = describe(url)
        self._busy_timeout = busy_timeout
        self._connect_timeout = connect_timeout
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None

    def open(self) -> None:
        if self._pool is not None:
            return
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            self.url,
            min_size=1,
            max_size=2,
            open=False,
            kwargs={
                "autocommit": True,
                "application_name": APPLICATION_NAME,
                "connect_timeout": max(1, round(self._connect_timeout)),
            },
            configure=self._configure,
            check=ConnectionPool.check_connection,
            timeout=self._connect_timeout,
            name="insights",
        )
        try:
            pool.open(wait=True, timeout=self._connect_timeout)
            with pool.connection() as connection:
                migrate(connection)
        except BaseException:
            pool.close()
            raise
        self._pool = pool

    def _configure(self, connection: psycopg.Connection[Any]) -> None:
        """Every pooled connection waits for locks as SQLite's busy timeout does, and never hangs."""
        settings = {"lock_timeout": self._busy_timeout, "statement_timeout": STATEMENT_TIMEOUT}
        for name, seconds in settings.items():
            connection.execute("SELECT set_config(%s, %s, false)", (name, f"{round(seconds * 1000)}ms"))

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _connection(self) -> Any:
        if self._pool is None:
            raise psycopg.OperationalError("not connected")
        return self._pool.connection()

    def write(self, questions: Sequence[QuestionRow], feedback: Sequence[FeedbackRow]) -> None:
        with self._connection() as connection, connection.transaction(), connection.cursor() as cursor:
            if questions:
                cursor.executemany(
                    _INSERT_QUESTION,
                    [(q.asked_at, q.guild_id, q.user_id, q.lang, q.kind, q.entry_id, q.question) for q in questions],
                )
            if feedback:
                cursor.executemany(
                    _INSERT_FEEDBACK,
                    [(f.given_at, f.guild_id, f.user_id, f.lang, f.entry_id, f.helpful, f.question) for f in feedback],
                )

    def tally(self, since: datetime, only_guild: int | None, questions: int, votes: int) -> Tally:
        where = {"since": since, "guild": only_guild}
        with self._connection() as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")  # one snapshot
            asked = connection.execute(_QUESTIONS, where | {"limit": questions}).fetchall()
            rows = connection.execute(_VOTES, where | {"limit": votes}).fetchall()
        return Tally(
            tuple((question, int(count)) for question, count in asked),
            tuple(Votes(entry, int(up), int(down)) for entry, up, down in rows),
        )

    def prune(self, cutoff: datetime) -> int | None:
        with self._connection() as connection, connection.transaction():
            locked = connection.execute("SELECT pg_try_advisory_xact_lock(%s)", (PRUNE_LOCK,)).fetchone()
            if not locked or not locked[0]:
                return None
            removed: int = connection.execute("DELETE FROM questions WHERE asked_at < %s", (cutoff,)).rowcount
            removed += connection.execute("DELETE FROM feedback WHERE given_at < %s", (cutoff,)).rowcount
        return removed
