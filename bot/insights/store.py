"""Unanswered questions and 👍/👎 presses, kept for the admins' /unanswered report: one store in
front of one of two databases, SQLite (`sqlite.py`, the default) or PostgreSQL (`postgres.py`,
DATABASE_URL, shared by several bot processes).

Why one worker thread in front of the database (and not a connection per call): callers only
enqueue and return, so no answer ever waits for the database; jobs run in the order they came;
the queue in front of it is the one place to bound memory; and a sqlite3 connection belongs to
the thread that opened it. Writes that queued up meanwhile go to the database in one transaction,
so a burst of questions costs one commit, not one each.

When the database is unavailable, the write is dropped with a warning (once per outage, not per
row) and counted (`lost`, and the store-write-drops metric); the bot keeps answering. Committed
rows are only ever removed by the retention prune, which one process at a time runs.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot import metrics
from bot.core.answers import Answer, Kind
from bot.core.schema import Lang

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

UNANSWERED: frozenset[Kind] = frozenset({"unsure", "none", "unknown"})  # "unknown": no source says it
MAX_PENDING = 1000  # queued jobs; beyond this, writes are dropped instead of piling up in memory
MAX_BATCH = 500  # rows written in one transaction
BUSY_TIMEOUT = 5.0  # seconds a write waits for another connection's lock
PRUNE_INTERVAL = 24 * 60 * 60.0  # seconds; the first prune runs on start
CLOSE_TIMEOUT = 10.0  # seconds close() waits for queued writes before giving up on them
MAX_DISTINCT_QUESTIONS = 2000  # the most asked texts a report groups: bounds its work


class InsightsUnavailable(Exception):
    """A query cannot be answered now: the store is closed or overloaded, or the database failed."""


class SchemaTooNew(Exception):
    """The database was written by a newer bot; an older one must not touch it."""


@dataclass(frozen=True, slots=True)
class Votes:
    entry_id: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True, slots=True)
class Tally:
    """A time window's rows: each exact question text with its count, most asked first (ties: asked
    first, then by text), and the votes of the entries with at least one 👎, most 👎 first."""

    questions: tuple[tuple[str, int], ...]
    votes: tuple[Votes, ...]


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """A question the bot could not answer; `asked_at` in UTC, to the second (both databases alike)."""

    asked_at: datetime
    guild_id: int | None  # None: a direct message
    user_id: int | None  # None unless STORE_USER_IDS is on
    lang: Lang
    kind: Kind
    entry_id: str | None
    question: str


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """One 👍 (helpful) or 👎 press on an entry's answer."""

    given_at: datetime
    guild_id: int | None
    user_id: int | None
    lang: Lang
    entry_id: str
    helpful: bool
    question: str


class Backend(Protocol):
    """One database behind the store. Every method runs on the store's worker thread, one at a time;
    `open` connects (and migrates) when not connected, any failure raises, `close` disconnects."""

    where: str  # for log lines: the file, or the server and database without the password

    def open(self) -> None: ...

    def close(self) -> None: ...

    def write(self, questions: Sequence[QuestionRow], feedback: Sequence[FeedbackRow]) -> None:
        """All rows in one transaction."""

    def tally(self, since: datetime, only_guild: int | None, questions: int, votes: int) -> Tally: ...

    def prune(self, cutoff: datetime) -> int | None:
        """Delete the rows older than `cutoff`: how many, or None when another process is pruning."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_second(moment: datetime) -> datetime:
    """UTC to the second: what both databases store and compare, so that they order alike."""
    return moment.astimezone(UTC).replace(microsecond=0)


def storable(text: str) -> str:
    """Text either database keeps as it is: lone surrogates (valid in Discord's JSON, invalid in
    UTF-8) become '?', NUL (PostgreSQL refuses it in text) becomes U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


@dataclass(frozen=True, slots=True)
class _Read:
    work: Callable[[Backend], Any]
    future: Future[Any]


class _Stop:
    """The last job: close() queues it behind everything else."""


_STOP = _Stop()
_Row = QuestionRow | FeedbackRow
_Job = _Row | _Read | _Stop


class InsightStore:
    """The insights database behind a queue and one worker thread; see the module docstring.

    `start()` starts the worker, which connects (migrating the schema) and prunes; `close()` writes
    what is queued and disconnects. Writes are fire-and-forget; `tally` returns a Future.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        retention_days: int = 90,
        store_user_ids: bool = False,
        prune_interval: float | None = PRUNE_INTERVAL,
        max_pending: int = MAX_PENDING,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """`prune_interval=None` never deletes anything: for read-only tools such as the report."""
        self.backend = backend
        self.retention = timedelta(days=retention_days)
        self.store_user_ids = store_user_ids
        self.lost = 0  # writes not stored: queue full, store closed, or the database failed
        self._prune_interval = prune_interval
        self._max_pending = max_pending
        self._clock = clock
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._overflowing = False
        self._healthy = True
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
        """Write what is queued, then disconnect; later writes are dropped. Idempotent, any thread."""
        with self._lock:
            first = not self._closed
            self._closed = True
            started = self._thread.ident is not None
            if first and started:
                self._jobs.put(_STOP)
        if started:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning(
                    "insights database %s did not finish within %.0f s: %d queued job(s) are not stored",
                    self.backend.where,
                    timeout,
                    self._jobs.qsize(),
                )
        if first and self.lost:
            log.warning("%d unanswered question(s) or vote(s) could not be stored in %s", self.lost, self.backend.where)

    def record_question(self, answer: Answer, guild_id: int | None, user_id: int | None = None) -> None:
        """Queue a question the bot declined or was unsure about; answered and refused ones are not kept."""
        if answer.kind not in UNANSWERED:
            return
        user = user_id if self.store_user_ids else None
        question = storable(answer.question)
        self._submit(QuestionRow(self._now(), guild_id, user, answer.lang, answer.kind, answer.entry_id, question))

    def record_feedback(
        self, entry_id: str, helpful: bool, *, guild_id: int | None, user_id: int, lang: Lang, question: str
    ) -> None:
        """Queue one 👍 (helpful) or 👎 press on an entry's answer."""
        user = user_id if self.store_user_ids else None
        self._submit(FeedbackRow(self._now(), guild_id, user, lang, entry_id, helpful, storable(question)))

    def tally(self, days: int, only_guild: int | None = None, votes: int = 10) -> Future[Tally]:
        """The last `days` days of one server, or with `only_guild=None` of every server and DM.
        The Future fails with InsightsUnavailable when the store cannot answer."""
        since = to_second(self._clock() - timedelta(days=days))
        future: Future[Tally] = Future()
        self._submit(_Read(lambda backend: backend.tally(since, only_guild, MAX_DISTINCT_QUESTIONS, votes), future))
        return future

    def _now(self) -> datetime:
        return to_second(self._clock())

    def _submit(self, job: _Row | _Read) -> None:
        with self._lock:
            if not self._closed and self._jobs.qsize() < self._max_pending:
                self._jobs.put(job)
                return
            if self._closed:
                refused = "the insights store is closed"
            else:
                refused = f"the insights queue is full ({self._max_pending} jobs waiting)"
            warn = not self._closed and not self._overflowing
            self._overflowing = self._overflowing or warn
            if not isinstance(job, _Read):
                self._count_lost(1)
        if warn:
            log.warning("%s: unanswered questions and votes are dropped until the database catches up", refused)
        if isinstance(job, _Read):
            job.future.set_exception(InsightsUnavailable(refused))

    def _count_lost(self, rows: int) -> None:
        self.lost += rows
        metrics.STORE_WRITE_DROPS.inc(rows)

    def _serve(self) -> None:
        due = time.monotonic()  # prune once on start, then every interval
        held: _Job | None = None  # a job taken from the queue while collecting a batch, run next
        while True:
            if self._prune_interval is not None and time.monotonic() >= due:
                with suppress(Exception):  # already logged; the next interval tries again
                    self._attempt(self._prune)
                due = time.monotonic() + self._prune_interval
            if held is not None:
                job, held = held, None
            else:
                wait = None if self._prune_interval is None else max(due - time.monotonic(), 0.0)
                try:
                    job = self._jobs.get(timeout=wait)
                except queue.Empty:
                    continue
            if isinstance(job, _Stop):
                break
            if isinstance(job, _Read):
                self._read(job)
            else:
                batch, held = self._batch(job)
                self._write(batch)
            if self._jobs.empty():
                self._overflowing = False
        self._disconnect()

    def _batch(self, first: _Row) -> tuple[list[_Row], _Job | None]:
        """`first` and the rows queued right behind it, up to the first other job (returned, to run next)."""
        batch: list[_Row] = [first]
        while len(batch) < MAX_BATCH:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return batch, None
            if isinstance(job, _Read | _Stop):
                return batch, job
            batch.append(job)
        return batch, None

    def _write(self, batch: list[_Row]) -> None:
        questions = [row for row in batch if isinstance(row, QuestionRow)]
        feedback = [row for row in batch if isinstance(row, FeedbackRow)]
        try:
            self._attempt(lambda backend: backend.write(questions, feedback))
        except Exception:  # logged by _attempt; the worker must outlive any failure
            with self._lock:
                self._count_lost(len(batch))

    def _read(self, job: _Read) -> None:
        if job.future.set_running_or_notify_cancel():
            try:
                job.future.set_result(self._attempt(job.work))
            except Exception as exc:
                job.future.set_exception(InsightsUnavailable(f"{self.backend.where}: {exc}"))

    def _attempt(self, work: Callable[[Backend], Any]) -> Any:
        """Run `work`; on failure reconnect next time, warning once per outage, not once per row."""
        try:
            self.backend.open()
            result = work(self.backend)
        except Exception as exc:
            self._disconnect()
            if self._healthy:
                log.warning(
                    "insights database %s is unavailable (%s): unanswered questions and votes are not stored "
                    "until it is back; the bot keeps answering",
                    self.backend.where,
                    exc,
                )
            self._healthy = False
            raise
        if not self._healthy:
            log.info("insights database %s is available again", self.backend.where)
            self._healthy = True
        return result

    def _disconnect(self) -> None:
        with suppress(Exception):
            self.backend.close()

    def _prune(self, backend: Backend) -> None:
        removed = backend.prune(to_second(self._clock() - self.retention))
        if removed:
            log.info("pruned %d insight row(s) older than %d days", removed, self.retention.days)
        elif removed is None:
            log.debug("another process is pruning %s", backend.where)


def open_store(settings: Settings, *, prune: bool = True) -> InsightStore:
    """The store the settings name: PostgreSQL at DATABASE_URL, else SQLite at DATABASE_PATH. Not
    started. `prune=False` for read-only tools such as the report."""
    backend: Backend
    if settings.database_url:
        from bot.insights.postgres import PostgresBackend  # psycopg only when it is used

        backend = PostgresBackend(settings.database_url)
    else:
        from bot.insights.sqlite import SQLiteBackend

        backend = SQLiteBackend(settings.database_path)
    return InsightStore(
        backend,
        retention_days=settings.retention_days,
        store_user_ids=settings.store_user_ids,
        prune_interval=PRUNE_INTERVAL if prune else None,
    )
