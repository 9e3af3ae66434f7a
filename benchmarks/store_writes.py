"""Store write latency on SQLite and PostgreSQL, in the same run.

For each database: what a question costs the answering code (`record_question`: an enqueue; at a
steady rate each one wakes the idle worker thread, in a burst the worker is busy), how long until a
row is committed at a steady 100 questions per second and after a burst of 1 000,
and, as the baseline, one plain INSERT and COMMIT with the same driver (what the answering code
would wait for if it wrote itself). PostgreSQL is a throwaway local server with its default
durability (fsync on); SQLite is a file in a temporary folder (WAL, synchronous FULL).

    .venv/bin/python -m benchmarks.store_writes [--rows 1000]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psycopg

from benchmarks.common import machine, ms, percentile, table
from bot.core.answers import Answer
from bot.insights.postgres import PostgresBackend
from bot.insights.sqlite import SQLiteBackend
from bot.insights.store import Backend, FeedbackRow, InsightStore, QuestionRow
from tests.postgres import Cluster

STEADY_RATE = 100.0  # questions per second
_DIRECT_SQLITE = "INSERT INTO questions (asked_at, lang, kind, question) VALUES (datetime('now'), 'en', 'none', ?)"
_DIRECT_POSTGRES = "INSERT INTO questions (asked_at, lang, kind, question) VALUES (now(), 'en', 'none', %s)"


class Timed:
    """Wraps a backend: when each question's row was committed, by its text."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.committed: dict[str, float] = {}
        self.done = threading.Event()
        self.expected = 0
        write = backend.write

        def timed(questions: Sequence[QuestionRow], feedback: Sequence[FeedbackRow]) -> None:
            write(questions, feedback)
            now = time.perf_counter()
            self.committed.update((q.question, now) for q in questions)
            if len(self.committed) >= self.expected:
                self.done.set()

        backend.write = timed  # type: ignore[method-assign]


def run(make_backend: Callable[[], Backend], rows: int, label: str) -> dict[str, float]:
    timed = Timed(make_backend())
    enqueue: list[float] = []
    sent: dict[str, float] = {}
    with InsightStore(timed.backend, prune_interval=None) as store:
        store.tally(1).result()  # connected and migrated before measuring
        timed.expected = rows
        for n in range(rows):  # steady: one question every 10 ms
            text = f"{label} steady {n}"
            due = time.perf_counter() + 1 / STEADY_RATE
            started = time.perf_counter()
            store.record_question(Answer(text, "en", "none", "?"), 1)
            enqueue.append(time.perf_counter() - started)
            sent[text] = started
            time.sleep(max(due - time.perf_counter(), 0))
        timed.done.wait(60)
        steady = [timed.committed[text] - at for text, at in sent.items()]

        timed.done.clear()
        timed.committed.clear()
        burst_enqueue = []
        burst_started = time.perf_counter()
        for n in range(rows):
            started = time.perf_counter()
            store.record_question(Answer(f"{label} burst {n}", "en", "none", "?"), 1)
            burst_enqueue.append(time.perf_counter() - started)
        timed.done.wait(60)
        burst = max(timed.committed.values()) - burst_started
    return {
        "enqueue p50": percentile(enqueue, 0.5),
        "enqueue p99": percentile(enqueue, 0.99),
        "commit p50": percentile(steady, 0.5),
        "commit p99": percentile(steady, 0.99),
        "burst": burst,
        "burst enqueue p50": percentile(burst_enqueue, 0.5),
        "burst enqueue p99": percentile(burst_enqueue, 0.99),
    }


def direct_sqlite(path: Path, rows: int) -> list[float]:
    """Baseline: one INSERT and COMMIT per row, on the calling thread."""
    backend = SQLiteBackend(path)
    backend.open()  # the schema
    backend.close()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    found = []
    for n in range(rows):
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(_DIRECT_SQLITE, (f"direct {n}",))
        connection.execute("COMMIT")
        found.append(time.perf_counter() - started)
    connection.close()
    return found


def direct_postgres(url: str, rows: int) -> list[float]:
    found = []
    with psycopg.connect(url, autocommit=True) as connection:
        for n in range(rows):
            started = time.perf_counter()
            with connection.transaction():
                connection.execute(_DIRECT_POSTGRES, (f"direct {n}",))
            found.append(time.perf_counter() - started)
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000, help="rows per pattern (steady takes rows / 100 s)")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}")
    results = {}
    with tempfile.TemporaryDirectory() as scratch, Cluster.running(durable=True) as cluster:
        path = Path(scratch) / "insights.sqlite3"
        url = cluster.create_database()
        results["SQLite"] = run(lambda: SQLiteBackend(path), args.rows, "sqlite"), direct_sqlite(path, args.rows)
        results["PostgreSQL"] = (
            run(lambda: PostgresBackend(url), args.rows, "postgres"),
            direct_postgres(url, args.rows),
        )
    rows = []
    for name, (store, direct) in results.items():
        direct_p50 = percentile(direct, 0.5)
        rows.append(
            [
                name,
                f"{store['enqueue p50'] * 1e6:.1f} / {store['enqueue p99'] * 1e6:.1f}",
                f"{store['burst enqueue p50'] * 1e6:.1f} / {store['burst enqueue p99'] * 1e6:.1f}",
                f"{ms(store['commit p50'])} / {ms(store['commit p99'])}",
                f"{ms(store['burst'])} ({args.rows / store['burst']:.0f} rows/s)",
                f"{ms(direct_p50)} / {ms(percentile(direct, 0.99))}",
                f"{percentile(direct, 0.99) / store['enqueue p99']:.0f}",
            ]
        )
    headers = [
        "database",
        f"answer pays (enqueue) at {STEADY_RATE:.0f}/s, p50 / p99, µs",
        "in a burst, p50 / p99, µs",
        f"committed after, at {STEADY_RATE:.0f}/s, p50 / p99, ms",
        f"burst of {args.rows}: all committed after, ms",
        "baseline: INSERT+COMMIT on the caller, p50 / p99, ms",
        "baseline p99 / enqueue p99",
    ]
    print(table("Store write latency", headers, rows))


if __name__ == "__main__":
    main()
