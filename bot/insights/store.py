"""Unanswered questions and 👍/👎 presses, kept in SQLite for the admins' /unanswered report.

Why one worker thread owns the one connection (and not `asyncio.to_thread` with a connection per
call): a sqlite3 connection belongs to the thread that opened it, a single writer never competes
with itself for the write lock, jobs run in the order they came, and the queue in front of it is
the one place to bound memory. Callers only enqueue and return, so no answer waits for the disk.

Safety: WAL mode (a reader such as `python -m bot report` never blocks the writer), one
transaction per write or migration step, and a busy timeout for locks held by another process.
When the database is unavailable or stays locked, the write is dropped with a warning (once per
outage) and the bot keeps answering; committed rows are only ever removed by the retention prune.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.core.answers import Answer, Kind
from bot.core.schema import Lang

log = logging.getLogger(__name__)

T = TypeVar("T")

UNANSWERED: frozenset[Kind] = frozenset({"unsure", "none", "unknown"})  # "unknown": no source says it
MAX_PENDING = 1000  # queued jobs; beyond this, writes are dropped instead of piling up in memory
BUSY_TIMEOUT = 5.0  # seconds a write waits for another process's lock
PRUNE_INTERVAL = 24 * 60 * 60.0  # seconds; the first prune runs on start
CLOSE_TIMEOUT = 10.0  # seconds close() waits for queued writes before giving up on them
MAX_DISTINCT_QUESTIONS = 2000  # the most asked texts a report groups: bounds its work

# One tuple of statements per schema version; PRAGMA user_version records how many have run.
# Times are ISO 8601 in UTC ("2017-06-09T12:00:00+00:00", sortable as text); guild_id is NULL
# for direct messages; user_id is NULL unless STORE_USER_IDS is on.
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
)

_INSERT_QUESTION = (
    "INSERT INTO questions (asked_at, guild_id, user_id, lang, kind, entry_id, question) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FEEDBACK = (
    "INSERT INTO feedback (given_at, guild_id, user_id, lang, entry_id, helpful, question) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_QUESTIONS = """
    SELECT question, COUNT(*) AS asked FROM questions
    WHERE asked_at >= ? AND (? IS NULL OR guild_id = ?)
    GROUP BY question ORDER BY asked DESC, MIN(asked_at) LIMIT ?
"""
_VOTES = """
    SELECT entry_id, SUM(helpful), SUM(1 - helpful) AS down FROM feedback
    WHERE given_at >= ? AND (? IS NULL OR guild_id = ?)
    GROUP BY entry_id HAVING down > 0 ORDER BY down DESC, SUM(helpful), entry_id LIMIT ?
"""

_Job = tuple[Callable[[sqlite3.Connection], Any], "Future[Any] | None"]


class InsightsUnavailable(Exception):
    """A query cannot be answered now: the store is closed or overloaded, or the database failed."""


class SchemaTooNew(sqlite3.DatabaseError):
    """The database was written by a newer bot; an older one must not touch it."""


@dataclass(frozen=True, slots=True)
class Votes:
    entry_id: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True, slots=True)
class Tally:
    """A time window's rows: each exact question text with its count, most asked first, and the
    votes of the entries with at least one 👎, most 👎 first."""

    questions: tuple[tuple[str, int], ...]
    votes: tuple[Votes, ...]


def utcnow() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """ISO 8601 in UTC to the second: text that sorts in time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _storable(text: str) -> str:
    """Lone surrogates (valid in Discord's JSON, invalid in UTF-8) would make SQLite refuse the row."""
    return text.encode("utf-8", "replace").decode("utf-8")


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


class InsightStore:
    """The insights database behind a queue and one worker thread; see the module docstring.

    `start()` opens (creating the file and its directory, migrating) and prunes; `close()` writes
    what is queued and closes. Writes are fire-and-forget; `tally` returns a Future.
    """

    def __init__(
        self,
        path: Path,
        *,
        retention_days: int = 90,
        store_user_ids: bool = False,
        prune_interval: float | None = PRUNE_INTERVAL,
        busy_timeout: float = BUSY_TIMEOUT,
        max_pending: int = MAX_PENDING,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """`prune_interval=None` never deletes anything: for read-only tools such as the report."""
        self.path = path
        self.retention = timedelta(days=retention_days)
        self.store_user_ids = store_user_ids
        self.lost = 0  # writes not stored: queue full, store closed, or the database failed
        self._prune_interval = prune_interval
        self._busy_timeout = busy_timeout
        self._max_pending = max_pending
        self._clock = clock
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._overflowing = False
        self._healthy = True
        self._connection: sqlite3.Connection | None = None  # the worker thread's own
        # daemon: a forgotten close() must not keep the process alive; close() drains the queue
        self._thread = threading.Thread(target=self._serve, name="insights-db", daemon=True)

    def __enter__(self) -> InsightStore:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        with self._lock:
            if self._thread.ident is None and not self._closed:
                self._thread.start()

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Write what is queued, then close the database; later writes are dropped. Idempotent, any thread."""
        with self._lock:
            first = not self._closed
            self._closed = True
            started = self._thread.ident is not None
            if first and started:
                self._jobs.put(None)
        if started:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning(
                    "insights database %s did not finish within %.0f s: %d queued job(s) are not stored",
                    self.path,
                    timeout,
                    self._jobs.qsize(),
                )
        if first and self.lost:
            log.warning("%d unanswered question(s) or vote(s) could not be stored in %s", self.lost, self.path)

    def record_question(self, answer: Answer, guild_id: int | None, user_id: int | None = None) -> None:
        """Queue a question the bot declined or was unsure about; answered and refused ones are not kept."""
        if answer.kind not in UNANSWERED:
            return
        row = (
            stamp(self._clock()),
            guild_id,
            user_id if self.store_user_ids else None,
            answer.lang,
            answer.kind,
            answer.entry_id,
            _storable(answer.question),
        )
        self._submit(lambda connection: connection.execute(_INSERT_QUESTION, row), None)

    def record_feedback(
        self, entry_id: str, helpful: bool, *, guild_id: int | None, user_id: int, lang: Lang, question: str
    ) -> None:
        """Queue one 👍 (helpful) or 👎 press on an entry's answer."""
        row = (
            stamp(self._clock()),
            guild_id,
            user_id if self.store_user_ids else None,
            lang,
            entry_id,
            int(helpful),
            _storable(question),
        )
        self._submit(lambda connection: connection.execute(_INSERT_FEEDBACK, row), None)

    def tally(self, days: int, only_guild: int | None = None, votes: int = 10) -> Future[Tally]:
        """The last `days` days of one server, or with `only_guild=None` of every server and DM.
        The Future fails with InsightsUnavailable when the store cannot answer."""
        since = stamp(self._clock() - timedelta(days=days))

        def read(connection: sqlite3.Connection) -> Tally:
            with _transaction(connection, "BEGIN"):
                guild = (only_guild, only_guild)
                questions = connection.execute(_QUESTIONS, (since, *guild, MAX_DISTINCT_QUESTIONS)).fetchall()
                rows = connection.execute(_VOTES, (since, *guild, votes)).fetchall()
            return Tally(tuple(questions), tuple(Votes(entry, up, down) for entry, up, down in rows))

        future: Future[Tally] = Future()
        self._submit(read, future)
        return future

    def _submit(self, work: Callable[[sqlite3.Connection], Any], future: Future[Any] | None) -> None:
        with self._lock:
            if not self._closed and self._jobs.qsize() < self._max_pending:
                self._jobs.put((work, future))
                return
            if self._closed:
                refused = "the insights store is closed"
            else:
                refused = f"the insights queue is full ({self._max_pending} jobs waiting)"
            warn = not self._closed and not self._overflowing
            self._overflowing = self._overflowing or warn
            if future is None:
                self.lost += 1
        if warn:
            log.warning("%s: unanswered questions and votes are dropped until the database catches up", refused)
        if future is not None:
            future.set_exception(InsightsUnavailable(refused))

    def _serve(self) -> None:
        due = time.monotonic()  # prune once on start, then every interval
        while True:
            if self._prune_interval is not None and time.monotonic() >= due:
                with suppress(Exception):  # already logged; the next interval tries again
                    self._attempt(self._prune)
                due = time.monotonic() + self._prune_interval
            wait = None if self._prune_interval is None else max(due - time.monotonic(), 0.0)
            try:
                job = self._jobs.get(timeout=wait)
            except queue.Empty:
                continue
            if job is None:
                break
            self._run(*job)
            if self._jobs.empty():
                self._overflowing = False
        self._disconnect()

    def _run(self, work: Callable[[sqlite3.Connection], Any], future: Future[Any] | None) -> None:
        if future is None:
            try:
                self._attempt(work)
            except Exception:  # logged by _attempt; the worker must outlive any failure
                with self._lock:
                    self.lost += 1
        elif future.set_running_or_notify_cancel():
            try:
                future.set_result(self._attempt(work))
            except Exception as exc:
                future.set_exception(InsightsUnavailable(f"{self.path}: {exc}"))

    def _attempt(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work`; on failure reconnect next time, warning once per outage, not once per row."""
        try:
            result = work(self._connect())
        except Exception as exc:
            self._disconnect()
            if self._healthy:
                log.warning(
                    "insights database %s is unavailable (%s): unanswered questions and votes are not stored "
                    "until it is back; the bot keeps answering",
                    self.path,
                    exc,
                )
            self._healthy = False
            raise
        if not self._healthy:
            log.info("insights database %s is available again", self.path)
            self._healthy = True
        return result

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
            try:
                connection.execute("PRAGMA journal_mode = WAL")
                migrate(connection)
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(sqlite3.Error):
                connection.close()

    def _prune(self, connection: sqlite3.Connection) -> None:
        cutoff = stamp(self._clock() - self.retention)
        with _transaction(connection):
            removed = connection.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
            removed += connection.execute("DELETE FROM feedback WHERE given_at < ?", (cutoff,)).rowcount
        if removed:
            log.info("pruned %d insight row(s) older than %d days", removed, self.retention.days)
