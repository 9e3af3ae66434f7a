"""The insights database: what is kept, privacy, schema migration, retention, and a failing disk."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.answers import Answer, Kind
from bot.insights import store as store_module
from bot.insights.store import InsightStore, InsightsUnavailable, Tally

NOW = datetime(2017, 6, 9, 12, 0, tzinfo=UTC)


class Clock:
    """A settable UTC clock."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def answer(question: str, kind: Kind = "none", entry_id: str | None = None, lang: str = "en") -> Answer:
    return Answer(question, lang, kind, "text", entry_id=entry_id)  # type: ignore[arg-type]


def rows(path: Path, table: str = "questions") -> list[dict[str, Any]]:
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        found = [dict(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY id")]
    connection.close()
    return found


def settle(store: InsightStore) -> Tally:
    """Wait until every job queued before has run (the queue is first in, first out)."""
    return store.tally(36_500).result(timeout=10)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "insights.sqlite3"


@pytest.fixture
def store(path: Path) -> Iterator[InsightStore]:
    with InsightStore(path, clock=Clock()) as opened:
        yield opened


def test_only_unanswered_questions_are_kept_with_time_guild_and_language(store: InsightStore, path: Path) -> None:
    for kind in ("answer", "unknown", "unsure", "none", "invalid"):
        store.record_question(answer(f"a {kind} question", kind, "crew-music" if kind == "unknown" else None), 42, 7)
    store.record_question(answer("Wann kommt Staffel 2?", lang="de"), None, 7)
    settle(store)

    assert [(r["question"], r["kind"], r["guild_id"], r["lang"]) for r in rows(path)] == [
        ("a unknown question", "unknown", 42, "en"),
        ("a unsure question", "unsure", 42, "en"),
        ("a none question", "none", 42, "en"),
        ("Wann kommt Staffel 2?", "none", None, "de"),
    ]
    assert rows(path)[0]["entry_id"] == "crew-music"
    assert {r["asked_at"] for r in rows(path)} == {"2017-06-09T12:00:00+00:00"}
    assert path.parent.is_dir()  # created on first use


def test_no_user_ids_unless_opted_in(tmp_path: Path) -> None:
    for opted_in in (False, True):
        path = tmp_path / f"{opted_in}.sqlite3"
        with InsightStore(path, store_user_ids=opted_in) as store:
            store.record_question(answer("who is hamilton"), 42, 7)
            store.record_feedback("release-date", False, guild_id=42, user_id=7, lang="en", question="release?")
        expected = 7 if opted_in else None
        assert [r["user_id"] for r in rows(path)] == [expected]
        assert [r["user_id"] for r in rows(path, "feedback")] == [expected]


def test_feedback_is_kept_and_tallied_most_unhelpful_first(store: InsightStore, path: Path) -> None:
    votes = [("release-date", True), ("release-date", False), ("cast-webber", False), ("cast-webber", False)]
    votes += [("crew-director", True)]  # never 👎: not listed
    for entry_id, helpful in votes:
        store.record_feedback(entry_id, helpful, guild_id=1, user_id=2, lang="de", question="q")

    tally = settle(store)

    assert [(v.entry_id, v.helpful, v.not_helpful) for v in tally.votes] == [
        ("cast-webber", 0, 2),
        ("release-date", 1, 1),
    ]
    assert rows(path, "feedback")[1] == {
        "id": 2,
        "given_at": "2017-06-09T12:00:00+00:00",
        "guild_id": 1,
        "user_id": None,
        "lang": "de",
        "entry_id": "release-date",
        "helpful": 0,
        "question": "q",
    }


def test_tally_counts_a_window_of_one_server_or_of_all(path: Path) -> None:
    clock = Clock(NOW - timedelta(days=40))
    with InsightStore(path, clock=clock) as store:
        store.record_question(answer("old"), 1)
        clock.now = NOW
        for guild in (1, 1, 2, None):
            store.record_question(answer("new"), guild)
        store.record_question(answer("other"), 1)

        assert store.tally(30).result().questions == (("new", 4), ("other", 1))
        assert store.tally(30, only_guild=1).result().questions == (("new", 2), ("other", 1))
        assert store.tally(60, only_guild=1).result().questions == (("new", 2), ("old", 1), ("other", 1))
        assert store.tally(30, only_guild=3).result() == Tally((), ())


def test_hostile_text_is_stored_as_asked_or_safely_replaced(store: InsightStore, path: Path) -> None:
    texts = ["'); DROP TABLE questions; --", "a\x00b", "\ud800 lone surrogate", "🏎️" * 100, "x" * 500]
    for text in texts:
        store.record_question(answer(text), 1)
    settle(store)

    stored = [r["question"] for r in rows(path)]
    assert stored == [texts[0], texts[1], "? lone surrogate", texts[3], texts[4]]


def test_schema_is_versioned_in_wal_mode(store: InsightStore, path: Path) -> None:
    settle(store)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (len(store_module.MIGRATIONS),)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_an_older_schema_is_migrated_on_start_and_keeps_its_rows(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with InsightStore(path) as store:
        store.record_question(answer("kept across the upgrade"), 1)
    upgrade = ("ALTER TABLE questions ADD COLUMN note TEXT", "UPDATE questions SET note = 'migrated'")
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, upgrade))

    with InsightStore(path) as store:
        settle(store)

    assert [(r["question"], r["note"]) for r in rows(path)] == [("kept across the upgrade", "migrated")]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (2,)
    connection.close()


def test_a_newer_schema_is_left_alone(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path.parent.mkdir()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()

    with caplog.at_level(logging.WARNING), InsightStore(path) as store:
        store.record_question(answer("who is hamilton"), 1)
        with pytest.raises(InsightsUnavailable, match="schema version 99 is newer than this bot's 1"):
            store.tally(30).result(timeout=10)

    assert "is unavailable" in caplog.text
    assert store.lost == 1
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (99,)
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == []
    connection.close()


def test_retention_prunes_on_start_and_then_every_interval(path: Path) -> None:
    clock = Clock(NOW - timedelta(days=100))
    with InsightStore(path, clock=clock) as store:
        store.record_question(answer("a hundred days ago"), 1)
        store.record_feedback("release-date", False, guild_id=1, user_id=2, lang="en", question="q")
        clock.now = NOW - timedelta(days=10)
        store.record_question(answer("ten days ago"), 1)

    clock.now = NOW
    with InsightStore(path, clock=clock, retention_days=90, prune_interval=0.1) as store:
        settle(store)
        assert [r["question"] for r in rows(path)] == ["ten days ago"]
        assert rows(path, "feedback") == []
        clock.now = NOW + timedelta(days=81)
        wait_until(lambda: rows(path) == [])


def test_a_locked_database_delays_no_caller_and_loses_nothing_stored(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = InsightStore(path, busy_timeout=0.3)
    store.start()
    store.record_question(answer("before the lock"), 1)
    settle(store)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process holding the write lock

    caplog.set_level(logging.INFO, logger="bot.insights.store")

    started = time.perf_counter()
    for n in range(3):
        store.record_question(answer(f"while locked {n}"), 1)
    assert time.perf_counter() - started < 0.05  # queued, not written: the caller never waits
    wait_until(lambda: store.lost == 3)
    locker.execute("ROLLBACK")
    locker.close()
    store.record_question(answer("after the lock"), 1)
    store.close()

    assert [r["question"] for r in rows(path)] == ["before the lock", "after the lock"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "database is locked" in warnings[0]  # once per outage, not once per row
    assert "the bot keeps answering" in warnings[0]
    assert warnings[1].startswith("3 unanswered question(s) or vote(s) could not be stored")  # said on close
    assert "is available again" in caplog.text


def test_an_unusable_path_is_a_warning_not_an_error(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    with caplog.at_level(logging.WARNING), InsightStore(tmp_path / "a-file" / "insights.sqlite3") as store:
        store.record_question(answer("who is hamilton"), 1)
        with pytest.raises(InsightsUnavailable):
            store.tally(30).result(timeout=10)
    assert "is unavailable" in caplog.text
    assert store.lost == 1


def test_a_file_that_is_not_a_database_is_not_overwritten(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path.parent.mkdir()
    path.write_bytes(b"precious, but not SQLite" * 100)

    with caplog.at_level(logging.WARNING), InsightStore(path) as store:
        store.record_question(answer("who is hamilton"), 1)
        with pytest.raises(InsightsUnavailable, match="not a database"):
            store.tally(30).result(timeout=10)

    assert path.read_bytes() == b"precious, but not SQLite" * 100


def test_the_queue_is_bounded(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = InsightStore(path, max_pending=3)  # not started: nothing drains the queue yet
    with caplog.at_level(logging.WARNING):
        for n in range(5):
            store.record_question(answer(f"question {n}"), 1)
    assert store.lost == 2
    assert caplog.text.count("queue is full") == 1
    with pytest.raises(InsightsUnavailable, match="queue is full"):
        store.tally(30).result(timeout=1)

    store.start()
    store.close()  # writes what was queued

    assert [r["question"] for r in rows(path)] == ["question 0", "question 1", "question 2"]


def test_close_writes_the_queue_then_refuses_quietly_and_can_repeat(path: Path) -> None:
    store = InsightStore(path)
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

    assert len(rows(path)) == 50
    assert store.lost == 1
    assert not path.with_name(path.name + "-wal").exists()  # closed cleanly: the WAL is checkpointed away
    with pytest.raises(InsightsUnavailable, match="closed"):
        store.tally(30).result(timeout=1)


def test_committed_rows_survive_a_killed_process(path: Path) -> None:
    code = (
        "import os, sys; from pathlib import Path; from bot.core.answers import Answer; "
        "from bot.insights.store import InsightStore; "
        f"store = InsightStore(Path({str(path)!r})); store.start(); "
        "[store.record_question(Answer(f'q{n}', 'en', 'none', 't'), 1) for n in range(20)]; "
        "store.tally(30).result(); os._exit(0)"  # no close(): like a crash
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)

    assert [r["question"] for r in rows(path)] == [f"q{n}" for n in range(20)]


def test_processes_starting_together_migrate_once(path: Path) -> None:
    stores = [InsightStore(path) for _ in range(4)]  # each its own connection, as separate processes have
    for n, store in enumerate(stores):
        store.start()
        store.record_question(answer(f"from store {n}"), 1)
    for store in stores:
        store.close()

    assert sorted(r["question"] for r in rows(path)) == [f"from store {n}" for n in range(4)]
    assert all(store.lost == 0 for store in stores)
