"""One reload for every process: several reloaders (as several processes have) on one PostgreSQL
database, each over its own copy of the knowledge, talking through LISTEN/NOTIFY for real."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import psycopg
import pytest

from bot import metrics
from bot.core.engine import Engine
from bot.core.loader import KnowledgeError
from bot.reloads import LocalReloader
from bot.reloads import postgres as reloads
from bot.reloads.postgres import LISTENER_NAME, PostgresReloader
from tests.helpers import knowledge_entries, make_engine, write_knowledge
from tests.postgres import Cluster

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "When did it come out?"
OLD = knowledge_entries()[0]["answer"]["en"]  # the release date's answer
NEW = OLD.replace("on 9 June", "on Friday, 9 June")


def new_text(directory: Path) -> None:
    entries = knowledge_entries()
    entries[0]["answer"]["en"] = NEW
    write_knowledge(directory, entries)


def broken(directory: Path) -> None:
    (directory / "test.yaml").write_text("entries: [oops\n", encoding="utf-8")


async def eventually(predicate: Callable[[], bool], within: float = 30.0) -> None:  # a hang guard
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


Fleet = Callable[..., Awaitable[list[tuple[Engine, PostgresReloader]]]]


@pytest.fixture
async def fleet(tmp_path: Path, postgres_url: str) -> AsyncIterator[Fleet]:
    """`await fleet(n)`: n listening reloaders, each with an engine over its own knowledge copy."""
    async with AsyncExitStack() as stack:

        async def start(count: int, **options: float) -> list[tuple[Engine, PostgresReloader]]:
            members = []
            for n in range(count):
                engine = make_engine(tmp_path / f"process-{n}")
                reloader = PostgresReloader(engine, postgres_url, f"process-{n}", **options)
                await reloader.start()
                stack.push_async_callback(reloader.stop)
                members.append((engine, reloader))
            for _, reloader in members:
                await asyncio.wait_for(reloader.listening.wait(), 20)
            return members

        yield start


async def test_one_reload_swaps_every_process_and_counts_them(fleet: Fleet) -> None:
    (a, first), (b, _), (c, _) = await fleet(3)
    for engine in (a, b, c):
        new_text(engine.directory)
    ok_before = metrics.RELOADS.labels(result="ok")._value.get()

    outcome = await first.reload()

    assert (outcome.took, outcome.processes, outcome.failed, outcome.silent, outcome.shared) == (3, 3, (), 0, True)
    assert outcome.report.changed == ("release-date",)
    assert [engine.ask(QUESTION).text for engine in (a, b, c)] == [NEW] * 3  # swapped before the answer came
    assert metrics.RELOADS.labels(result="ok")._value.get() == ok_before + 3


async def test_a_process_with_broken_files_keeps_its_knowledge_and_says_why(fleet: Fleet) -> None:
    (a, first), (b, _) = await fleet(2)
    new_text(a.directory)
    broken(b.directory)  # its own copy (baked into its image, say) is broken

    outcome = await first.reload()

    assert (outcome.took, outcome.processes, outcome.silent) == (1, 2, 0)
    (failed,) = outcome.failed
    assert failed.startswith("process-1: ")
    assert "test.yaml:2: YAML syntax error" in failed
    assert a.ask(QUESTION).text == NEW
    assert b.ask(QUESTION).text == OLD


async def test_broken_files_where_the_reload_starts_change_nothing_anywhere(fleet: Fleet) -> None:
    (a, first), (b, _) = await fleet(2)
    broken(a.directory)
    new_text(b.directory)

    with pytest.raises(KnowledgeError, match="YAML syntax error"):
        await first.reload()

    assert a.ask(QUESTION).text == OLD
    assert b.ask(QUESTION).text == OLD  # never told (the error came before any NOTIFY): b keeps its knowledge


async def test_a_process_that_does_not_answer_is_counted_as_silent(fleet: Fleet, postgres_url: str) -> None:
    ((a, first),) = await fleet(1, reply_timeout=0.5)
    stuck = await psycopg.AsyncConnection.connect(postgres_url, autocommit=True, application_name=LISTENER_NAME)
    try:
        await stuck.execute(f"LISTEN {reloads.CHANNEL}")  # a process that listens but hangs
        new_text(a.directory)

        outcome = await first.reload()
    finally:
        await stuck.close()

    assert (outcome.took, outcome.processes, outcome.silent) == (1, 2, 1)
    assert a.ask(QUESTION).text == NEW


async def test_a_lost_channel_is_listened_to_again_and_catches_up(
    fleet: Fleet, postgres_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(reloads, "RETRY_DELAY", 0.1)
    caplog.set_level(logging.INFO, logger="bot.reloads")
    ((a, first),) = await fleet(1)
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as admin:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (LISTENER_NAME,)
        )
    new_text(a.directory)  # changed while nobody listened: maybe a reload was announced meanwhile

    await eventually(lambda: a.ask(QUESTION).text == NEW)

    assert "lost the reload channel" in caplog.text
    assert "listening for reloads again; reloading once to catch up" in caplog.text
    assert first.listening.is_set()


async def test_an_unreachable_database_still_reloads_here(tmp_path: Path, postgres_cluster: Cluster) -> None:
    engine = make_engine(tmp_path / "knowledge")
    url = f"postgresql://nobody@127.0.0.1:{postgres_cluster.port}/no_such_database"
    reloader = PostgresReloader(engine, url, "alone")
    new_text(engine.directory)

    outcome = await reloader.reload()  # never started: nothing listens

    assert (outcome.took, outcome.processes, outcome.shared) == (1, 1, True)
    assert engine.ask(QUESTION).text == NEW


async def test_one_process_reloads_alone_and_says_nothing_of_processes(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "knowledge")
    new_text(engine.directory)

    outcome = await LocalReloader(engine).reload()

    assert (outcome.took, outcome.processes, outcome.shared) == (1, 1, False)
    assert engine.ask(QUESTION).text == NEW


def test_psycopg_is_loaded_only_with_a_database_url(tmp_path: Path) -> None:
    """One process with SQLite starts without the PostgreSQL driver's import cost."""
    code = (
        "import sys; from pathlib import Path; from bot.config import Settings; import bot.runner; "
        "from bot.client import LeMansBot; from bot.core.engine import Engine; import bot.exts.admin; "
        "import bot.exts.insights; "
        f"directory = Path({str(tmp_path / 'knowledge')!r}); "
        "LeMansBot(Settings(knowledge_dir=directory), Engine.from_directory(directory)); "
        "sys.exit(3 if 'psycopg' in sys.modules else 0)"
    )
    write_knowledge(tmp_path / "knowledge")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)

    assert result.returncode == 0, result.stderr
