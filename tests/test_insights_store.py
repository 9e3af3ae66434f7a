"""The insights store on SQLite and PostgreSQL alike: what is kept, privacy, schema migrations,
retention, batching, and a failing or locked database. Checks that only one database can have
(SQLite's file, PostgreSQL's pool and advisory lock) come after the shared ones.

The PostgreSQL cases run against a throwaway server (tests/postgres.py), a fresh database each.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from bot.core.answers import Answer, Kind
from bot.insights import postgres, sqlite
from bot.insights.postgres import PostgresBackend
from bot.insights.sqlite import SQLiteBackend
from bot.insights.store import Backend, FeedbackRow, InsightStore, InsightsUnavailable, QuestionRow, Tally

NOW = datetime(2017, 6, 9, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


class Clock:
    """A settable UTC clock."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def answer(question: str, kind: Kind = "none", entry_id: str | None = None, lang: str = "en") -> Answer:
    return Answer(question, lang, kind, "text", entry_id=entry_id)  # type: ignore[arg-type]


class Database:
    """One test database of either kind: a backend for it, and its rows read back directly."""

    module: ModuleType  # the backend's module, for its MIGRATIONS

    def backend(self, **options: Any) -> Backend:
        raise NotImplementedError

    def rows(self, table: str = "questions") -> list[dict[str, Any]]:
        """Every row in id order; times as UTC datetimes, helpful as bool, as on both databases."""
        raise NotImplementedError

    def version(self) -> int:
        raise NotImplementedError

    def set_version(self, version: int) -> None:
        """As a newer bot would have left it, before any table exists."""
        raise NotImplementedError

    def tables(self) -> list[str]:
        raise NotImplementedError

    def lock(self) -> Callable[[], None]:
        """Another process holding the write lock until the returned function is called."""
        raise NotImplementedError

    def store_code(self) -> str:
        """Python that builds a started store on this database in a fresh process."""
        raise NotImplementedError


class SQLiteDatabase(Database):
    module = sqlite

    def __init__(self, path: Path) -> None:
        self.path = path

    def backend(self, **options: Any) -> Backend:
        return SQLiteBackend(self.path, **options)

    def _query(self, sql: str) -> list[sqlite3.Row]:
        with sqlite3.connect(self.path) as connection:
            connection.row_factory = sqlite3.Row
            found = connection.execute(sql).fetchall()
        connection.close()
        return found

    def rows(self, table: str = "questions") -> list[dict[str, Any]]:
        found = [dict(row) for row in self._query(f"SELECT * FROM {table} ORDER BY id")]
        for row in found:
            for key in ("asked_at", "given_at"):
                if key in row:
                    row[key] = datetime.fromisoformat(row[key])
            if "helpful" in row:
                row["helpful"] = bool(row["helpful"])
        return found

    def version(self) -> int:
        return int(self._query("PRAGMA user_version")[0][0])

    def set_version(self, version: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._query(f"PRAGMA user_version = {version}")

    def tables(self) -> list[str]:
        return [row[0] for row in self._query("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def lock(self) -> Callable[[], None]:
        locker = sqlite3.connect(self.path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")

        def release() -> None:
            locker.execute("ROLLBACK")
            locker.close()

        return release

    def store_code(self) -> str:
        return (
            "from pathlib import Path; from bot.insights.sqlite import SQLiteBackend; "
            f"store = InsightStore(SQLiteBackend(Path({str(self.path)!r})))"
        )


class PostgresDatabase(Database):
    module = postgres

    def __init__(self, url: str) -> None:
        self.url = url

    def backend(self, **options: Any) -> Backend:
        return PostgresBackend(self.url, **options)

    def _query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params or None)
            return cursor.fetchall() if cursor.description else []

    def rows(self, table: str = "questions") -> list[dict[str, Any]]:
        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(f"SELECT * FROM {table} ORDER BY id")
            names = [column.name for column in cursor.description or []]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def version(self) -> int:
        return int(self._query("SELECT MAX(version) FROM insights_migrations")[0][0])

    def set_version(self, version: int) -> None:
        self._query(postgres._VERSIONS)
        self._query("INSERT INTO insights_migrations (version) VALUES (%s)", version)

    def tables(self) -> list[str]:
        return [row[0] for row in self._query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]

    def lock(self) -> Callable[[], None]:
        locker = psycopg.connect(self.url)
        locker.execute("LOCK TABLE questions, feedback IN ACCESS EXCLUSIVE MODE")

        def release() -> None:
            locker.rollback()
            locker.close()

        return release

    def store_code(self) -> str:
        return f"from bot.insights.postgres import PostgresBackend; store = InsightStore(PostgresBackend({self.url!r}))"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        return SQLiteDatabase(tmp_path / "data" / "insights.sqlite3")
    return PostgresDatabase(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(db: Database) -> Iterator[InsightStore]:
    with InsightStore(db.backend(), clock=Clock()) as opened:
        yield opened


def settle(store: InsightStore) -> Tally:
    """Wait until every job queued before has run (the queue is first in, first out)."""
    return store.tally(36_500).result(timeout=10)


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:  # a hang guard
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# ------------------------------------------------------------------------------ both databases


def test_only_unanswered_questions_are_kept_with_time_guild_and_language(store: InsightStore, db: Database) -> None:
    for kind in ("answer", "unknown", "unsure", "none", "invalid"):
        store.record_question(answer(f"a {kind} question", kind, "crew-music" if kind == "unknown" else None), 42, 7)
    store.record_question(answer("Wann kommt Staffel 2?", lang="de"), None, 7)
    store.record_question(answer("a snowflake-sized guild"), 2**63 - 1, 7)
    settle(store)

    rows = db.rows()
    assert [(r["question"], r["kind"], r["guild_id"], r["lang"]) for r in rows] == [
        ("a unknown question", "unknown", 42, "en"),
        ("a unsure question", "unsure", 42, "en"),
        ("a none question", "none", 42, "en"),
        ("Wann kommt Staffel 2?", "none", None, "de"),
        ("a snowflake-sized guild", "none", 2**63 - 1, "en"),
    ]
    assert rows[0]["entry_id"] == "crew-music"
    assert {r["asked_at"] for r in rows} == {NOW}


def test_no_user_ids_unless_opted_in(db: Database) -> None:
    for opted_in in (False, True):
        with InsightStore(db.backend(), store_user_ids=opted_in) as store:
            store.record_question(answer("who is hamilton"), 42, 7)
            store.record_feedback("release-date", False, guild_id=42, user_id=7, lang="en", question="release?")
    assert [r["user_id"] for r in db.rows()] == [None, 7]
    assert [r["user_id"] for r in db.rows("feedback")] == [None, 7]


def test_feedback_is_kept_and_tallied_most_unhelpful_first(store: InsightStore, db: Database) -> None:
    votes = [("release-date", True), ("release-date", False), ("cast-webber", False), ("cast-webber", False)]
    votes += [("crew-director", True), ("cast-bamber", False), ("cast-tandy", False)]  # ties: by id
    for entry_id, helpful in votes:
        store.record_feedback(entry_id, helpful, guild_id=1, user_id=2, lang="de", question="q")

    tally = settle(store)

    assert [(v.entry_id, v.helpful, v.not_helpful) for v in tally.votes] == [
        ("cast-webber", 0, 2),
        ("cast-bamber", 0, 1),
        ("cast-tandy", 0, 1),
        ("release-date", 1, 1),
    ]
    second = db.rows("feedback")[1]
    assert second == second | {"given_at": NOW, "guild_id": 1, "user_id": None, "lang": "de", "helpful": False}
    assert (second["entry_id"], second["question"]) == ("release-date", "q")


def test_tally_counts_a_window_of_one_server_or_of_all(db: Database) -> None:
    clock = Clock(NOW - timedelta(days=40))
    with InsightStore(db.backend(), clock=clock) as store:
        store.record_question(answer("old"), 1)
        clock.now = NOW
        for guild in (1, 1, 2, None):
            store.record_question(answer("new"), guild)
        store.record_question(answer("other"), 1)
        store.record_question(answer("Other"), 1)  # the same count and time: ordered by text, byte by byte

        assert store.tally(30).result().questions == (("new", 4), ("Other", 1), ("other", 1))
        assert store.tally(30, only_guild=1).result().questions == (("new", 2), ("Other", 1), ("other", 1))
        assert store.tally(60, only_guild=1).result().questions == (("new", 2), ("old", 1), ("Other", 1), ("other", 1))
        assert store.tally(30, only_guild=3).result() == Tally((), ())


def test_hostile_text_is_stored_as_asked_or_safely_replaced(store: InsightStore, db: Database) -> None:
    texts = ["'); DROP TABLE questions; --", "a\x00b", "\ud800 lone surrogate", "🏎️" * 100, "x" * 500, "%s %(x)s ?"]
    for text in texts:
        store.record_question(answer(text), 1)
    settle(store)

    stored = [r["question"] for r in db.rows()]
    assert stored == [texts[0], "a\ufffdb", "? lone surrogate", texts[3], texts[4], texts[5]]


def test_the_schema_is_versioned(store: InsightStore, db: Database) -> None:
    settle(store)
    assert db.version() == len(db.module.MIGRATIONS) == 2


def test_a_released_schema_is_migrated_on_start_and_keeps_its_rows(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = db.module.MIGRATIONS[:1]  # as the first release left the database
    with monkeypatch.context() as patch:
        patch.setattr(db.module, "MIGRATIONS", first)
        with InsightStore(db.backend()) as store:
            store.record_question(answer("kept across the upgrade"), 1)
        assert db.version() == 1
    upgrade = ("ALTER TABLE questions ADD COLUMN note TEXT", "UPDATE questions SET note = 'migrated'")
    monkeypatch.setattr(db.module, "MIGRATIONS", (*db.module.MIGRATIONS, upgrade))

    with InsightStore(db.backend()) as store:
        settle(store)

    assert [(r["question"], r["note"]) for r in db.rows()] == [("kept across the upgrade", "migrated")]
    assert db.version() == 3


def test_a_newer_schema_is_left_alone(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    db.set_version(99)
    before = db.tables()

    with caplog.at_level(logging.WARNING), InsightStore(db.backend()) as store:
        store.record_question(answer("who is hamilton"), 1)
        with pytest.raises(InsightsUnavailable, match="schema version 99 is newer than this bot's 2"):
            store.tally(30).result(timeout=10)

    assert "is unavailable" in caplog.text
    assert store.lost == 1
    assert db.version() == 99
    assert db.tables() == before


def test_retention_prunes_on_start_and_then_every_interval(db: Database) -> None:
    clock = Clock(NOW - timedelta(days=100))
    with InsightStore(db.backend(), clock=clock) as store:
        store.record_question(answer("a hundred days ago"), 1)
        store.record_feedback("release-date", False, guild_id=1, user_id=2, lang="en", question="q")
        clock.now = NOW - timedelta(days=10)
        store.record_question(answer("ten days ago"), 1)

    clock.now = NOW
    with InsightStore(db.backend(), clock=clock, retention_days=90, prune_interval=0.1) as store:
        settle(store)
        assert [r["question"] for r in db.rows()] == ["ten days ago"]
        assert db.rows("feedback") == []
        clock.now = NOW + timedelta(days=81)
        wait_until(lambda: db.rows() == [])


def test_a_burst_is_written_in_one_transaction(db: Database) -> None:
    backend = db.backend()
    batches: list[tuple[int, int]] = []
    write = backend.write

    def recorded(questions: Sequence[QuestionRow], feedback: Sequence[FeedbackRow]) -> None:
        batches.append((len(questions), len(feedback)))
        write(questions, feedback)

    backend.write = recorded  # type: ignore[method-assign]
    store = InsightStore(backend)  # not started yet: the burst queues up
    for n in range(300):
        store.record_question(answer(f"question {n}"), 1)
        store.record_feedback("release-date", n % 2 == 0, guild_id=1, user_id=2, lang="en", question="q")
    store.tally(30)  # a read ends a batch: it must see every write queued before it
    store.record_question(answer("after the read"), 1)
    store.start()
    store.close()

    assert batches == [(250, 250), (50, 50), (1, 0)]  # at most MAX_BATCH (500) rows a transaction
    assert [r["question"] for r in db.rows()] == [f"question {n}" for n in range(300)] + ["after the read"]


def test_a_write_never_waits_for_the_database(db: Database) -> None:
    backend, unblock = db.backend(), threading.Event()
    write = backend.write

    def stuck(questions: Sequence[QuestionRow], feedback: Sequence[FeedbackRow]) -> None:
        unblock.wait(30)  # the database taking its time
        write(questions, feedback)

    backend.write = stuck  # type: ignore[method-assign]
    with InsightStore(backend) as store:
        store.record_question(answer("the first, now being written"), 1)

        def ask_three() -> None:
            for n in range(3):
                store.record_question(answer(f"q{n}"), 1)

        asker = threading.Thread(target=ask_three)
        asker.start()
        asker.join(10)
        assert not asker.is_alive()  # returned while the database was still busy
        unblock.set()
    assert len(db.rows()) == 4


def test_a_locked_database_delays_no_caller_and_loses_nothing_stored(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    store = InsightStore(db.backend(busy_timeout=0.3))
    store.start()
    store.record_question(answer("before the lock"), 1)
    settle(store)
    release = db.lock()  # another process holding the write lock
    caplog.set_level(logging.INFO, logger="bot.insights.store")

    for n in range(3):
        store.record_question(answer(f"while locked {n}"), 1)  # queued, not written: the caller never waits
    wait_until(lambda: store.lost == 3)
    release()
    store.record_question(answer("after the lock"), 1)
    store.close()

    assert [r["question"] for r in db.rows()] == ["before the lock", "after the lock"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "lock" in warnings[0]  # "database is locked", "canceling statement due to lock timeout"
    assert "the bot keeps answering" in warnings[0]  # once per outage, not once per row
    assert warnings[1].startswith("3 unanswered question(s) or vote(s) could not be stored")  # said on close
    assert "is available again" in caplog.text


def test_the_queue_is_bounded(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    store = InsightStore(db.backend(), max_pending=3)  # not started: nothing drains the queue yet
    with caplog.at_level(logging.WARNING):
        for n in range(5):
            store.record_question(answer(f"question {n}"), 1)
    assert store.lost == 2
    assert caplog.text.count("queue is full") == 1
    with pytest.raises(InsightsUnavailable, match="queue is full"):
        store.tally(30).result(timeout=1)

    store.start()
    store.close()  # writes what was queued

    assert [r["question"] for r in db.rows()] == ["question 0", "question 1", "question 2"]


def test_close_writes_the_queue_then_refuses_quietly_and_can_repeat(db: Database) -> None:
    store = InsightStore(db.backend())
    store.start()
    for n in range(50):
        store.record_question(answer(f"question {n}"), 1)
    closers = [threading.Thread(target=store.close) for _ in range(2)]
    for closer in closers:
        closer.start()
    for closer in closers:
        closer.join()
    store.record_question(answer("too late"), 1)
    store.close()

    assert len(db.rows()) == 50
    assert store.lost == 1
    with pytest.raises(InsightsUnavailable, match="closed"):
        store.tally(30).result(timeout=1)


def test_committed_rows_survive_a_killed_process(db: Database) -> None:
    code = (
        "import os; from bot.core.answers import Answer; from bot.insights.store import InsightStore; "
        f"{db.store_code()}; store.start(); "
        "[store.record_question(Answer(f'q{n}', 'en', 'none', 't'), 1) for n in range(20)]; "
        "store.tally(30).result(); os._exit(0)"  # no close(): like a crash
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)

    assert [r["question"] for r in db.rows()] == [f"q{n}" for n in range(20)]


def test_processes_starting_together_migrate_once(db: Database) -> None:
    stores = [InsightStore(db.backend()) for _ in range(4)]  # each its own connection, as separate processes have
    for n, store in enumerate(stores):
        store.start()
        store.record_question(answer(f"from store {n}"), 1)
    for store in stores:
        store.close()

    assert sorted(r["question"] for r in db.rows()) == [f"from store {n}" for n in range(4)]
    assert all(store.lost == 0 for store in stores)
    assert db.version() == 2


# ------------------------------------------------------------------------------ SQLite only


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "insights.sqlite3"


def test_sqlite_creates_its_directory_runs_in_wal_mode_and_checkpoints_on_close(path: Path) -> None:
    with InsightStore(SQLiteBackend(path)) as store:
        settle(store)
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        connection.close()
    assert path.parent.is_dir()  # created on first use
    assert not path.with_name(path.name + "-wal").exists()  # closed cleanly: the WAL is checkpointed away


def test_an_unusable_path_is_a_warning_not_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    with caplog.at_level(logging.WARNING), InsightStore(SQLiteBackend(tmp_path / "a-file" / "x.sqlite3")) as store:
        store.record_question(answer("who is hamilton"), 1)
        with pytest.raises(InsightsUnavailable):
            store.tally(30).result(timeout=10)
    assert "is unavailable" in caplog.text
    assert store.lost == 1


def test_a_file_that_is_not_a_database_is_not_overwritten(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path.parent.mkdir()
    path.write_bytes(b"precious, but not SQLite" * 100)

    with caplog.at_level(logging.WARNING), InsightStore(SQLiteBackend(path)) as store:
        store.record_question(answer("who is hamilton"), 1)
        with pytest.raises(InsightsUnavailable, match="not a database"):
            store.tally(30).result(timeout=10)

    assert path.read_bytes() == b"precious, but not SQLite" * 100


# ------------------------------------------------------------------------------ PostgreSQL only


def test_postgres_prunes_in_one_process_at_a_time(postgres_url: str, caplog: pytest.LogCaptureFixture) -> None:
    db = PostgresDatabase(postgres_url)
    clock = Clock(NOW - timedelta(days=100))
    with InsightStore(db.backend(), clock=clock, prune_interval=None) as store:
        store.record_question(answer("a hundred days ago"), 1)
    clock.now = NOW
    other = psycopg.connect(postgres_url, autocommit=True)
    other.execute("SELECT pg_advisory_lock(%s)", (postgres.PRUNE_LOCK,))  # another process is pruning

    caplog.set_level(logging.DEBUG, logger="bot.insights.store")
    with InsightStore(db.backend(), clock=clock, prune_interval=0.1) as store:
        settle(store)
        wait_until(lambda: "another process is pruning" in caplog.text)
        assert [r["question"] for r in db.rows()] == ["a hundred days ago"]  # that round was the other's
        other.execute("SELECT pg_advisory_unlock(%s)", (postgres.PRUNE_LOCK,))
        wait_until(lambda: db.rows() == [])  # the next round is this process's
    other.close()


def test_postgres_writes_go_on_after_the_server_drops_the_connection(postgres_url: str) -> None:
    db = PostgresDatabase(postgres_url)
    with InsightStore(db.backend()) as store:
        store.record_question(answer("before"), 1)
        settle(store)
        killed = db._query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", "lemans-bot"
        )
        assert killed  # (what a server restart does to every connection)
        store.record_question(answer("after"), 1)  # the pool checks, replaces the dead connection
        settle(store)
        assert store.lost == 0
    assert [r["question"] for r in db.rows()] == ["before", "after"]


def test_a_refused_connection_is_a_warning_that_keeps_the_password(
    postgres_cluster: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql://bot:hunter2@127.0.0.1:{postgres_cluster.port}/no_such_database"
    with caplog.at_level(logging.WARNING), InsightStore(PostgresBackend(url, connect_timeout=1)) as store:
        store.record_question(answer("who is hamilton"), 1)
        with pytest.raises(InsightsUnavailable, match=r"postgresql://127\.0\.0\.1:"):
            store.tally(30).result(timeout=20)
    assert "insights database postgresql://127.0.0.1:" in caplog.text
    assert "hunter2" not in caplog.text
    assert store.lost == 1
