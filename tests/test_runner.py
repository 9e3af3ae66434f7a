"""`run` and `sync`: one clear line and exit code 2 for setup errors, never a traceback or the token."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import select
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot import runner
from bot.client import LeMansBot, LeMansTree
from bot.config import Settings
from bot.core.engine import Engine
from bot.insights.store import InsightsUnavailable
from tests.helpers import write_knowledge

TOKEN = "MTIz.secret-token.value"


pytestmark = pytest.mark.usefixtures("restore_root_logging")  # `run` installs discord.py's log handler


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        token=TOKEN, knowledge_dir=write_knowledge(tmp_path / "knowledge"), database_path=tmp_path / "insights.sqlite3"
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.parametrize("command", [lambda s: runner.run(s), lambda s: runner.sync(s, None)], ids=["run", "sync"])
def test_no_token_is_one_clear_line(command: Callable[[Settings], int], capsys: pytest.CaptureFixture[str]) -> None:
    assert command(Settings(token="")) == 2

    captured = capsys.readouterr()
    assert one_line(captured.err) == ("DISCORD_TOKEN is not set: put it in .env or the environment (see .env.example)")
    assert captured.out == ""


def test_unknown_log_level_is_refused(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.run(Settings(token=TOKEN, log_level="LOUD")) == 2

    assert "LOG_LEVEL" in one_line(capsys.readouterr().err)


def test_broken_knowledge_lists_its_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "knowledge"
    directory.mkdir()
    (directory / "bad.yaml").write_text("entries: [oops\n", encoding="utf-8")

    assert runner.run(Settings(token=TOKEN, knowledge_dir=directory)) == 2

    err = capsys.readouterr().err
    assert "knowledge/bad.yaml:2: YAML syntax error" in err
    assert "Traceback" not in err


def test_rejected_token_is_one_line_without_the_token(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(LeMansBot, "start", AsyncMock(side_effect=discord.LoginFailure("Improper token")))

    assert runner.run(settings) == 2

    captured = capsys.readouterr()
    assert one_line(captured.err) == runner.BAD_TOKEN
    assert TOKEN not in captured.err + captured.out


def test_start_never_syncs_the_command_tree(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    async def start(bot: LeMansBot, token: str) -> None:
        assert token == TOKEN
        await bot.setup_hook()

    tree_sync = AsyncMock()
    monkeypatch.setattr(LeMansBot, "start", start)
    monkeypatch.setattr(LeMansTree, "sync", tree_sync)

    assert runner.run(settings) == 0

    tree_sync.assert_not_awaited()


def test_run_freezes_what_start_up_built_and_collects_the_young_less_often(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def start(bot: LeMansBot, token: str) -> None:
        found["threshold"] = gc.get_threshold()[0]
        found["engine scanned"] = any(thing is bot.engine for thing in gc.get_objects())

    found: dict[str, object] = {}
    monkeypatch.setattr(LeMansBot, "start", start)

    assert runner.run(settings) == 0

    assert found == {"threshold": runner.GC_YOUNG_THRESHOLD, "engine scanned": False}
    assert runner.GC_YOUNG_THRESHOLD > 700  # CPython's default


@pytest.mark.parametrize(("guild_id", "where"), [(None, "globally"), (42, "to guild 42")])
def test_sync_publishes_and_says_what(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    guild_id: int | None,
    where: str,
) -> None:
    async def login(bot: LeMansBot, token: str) -> None:
        await bot.setup_hook()

    tree_sync = AsyncMock(return_value=[SimpleNamespace(name="ask"), SimpleNamespace(name="episode")])
    copy = MagicMock()
    monkeypatch.setattr(LeMansBot, "login", login)
    monkeypatch.setattr(LeMansTree, "sync", tree_sync)
    monkeypatch.setattr(LeMansTree, "copy_global_to", copy)

    assert runner.sync(settings, guild_id) == 0

    assert capsys.readouterr().out.strip() == f"Synced 2 command(s) {where}: /ask, /episode"
    if guild_id is None:
        assert tree_sync.call_args.kwargs.get("guild") is None
        copy.assert_not_called()
    else:
        assert tree_sync.call_args.kwargs["guild"].id == guild_id
        assert copy.call_args.kwargs["guild"].id == guild_id


def test_the_token_is_redacted_from_logs(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def start(bot: LeMansBot, token: str) -> None:
        logging.getLogger("discord.gateway").warning("sent %s to the gateway", token)

    monkeypatch.setattr(LeMansBot, "start", start)

    assert runner.run(settings) == 0

    err = capsys.readouterr().err
    assert "sent [token] to the gateway" in err
    assert TOKEN not in err


# --- stopping: SIGTERM and Ctrl-C ----------------------------------------------------------------

LAUNCHER = """
import asyncio, sys
from bot.client import LeMansBot
from bot.core.answers import Answer

async def start(self, token):  # everything but the network: setup, a question, then serve until closed
    await self.setup_hook()
    self.dispatch("question_answered", Answer("who is Lewis Hamilton?", "en", "none", "?"), 1, 2)
    print("ready", flush=True)
    while not self.is_closed():
        await asyncio.sleep(0.02)

LeMansBot.start = start
from bot.cli import main
sys.exit(main(["run"]))
"""


def stored_questions(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        found = [row[0] for row in connection.execute("SELECT question FROM questions")]
    connection.close()
    return found


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_python_m_bot_run_stops_cleanly_on_a_signal(tmp_path: Path, signum: signal.Signals) -> None:
    database = tmp_path / "insights.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in ("DISCORD_TOKEN", "DATABASE_PATH")}
    env |= {"DISCORD_TOKEN": TOKEN, "KNOWLEDGE_DIR": str(write_knowledge(tmp_path / "knowledge"))}
    env |= {"DATABASE_PATH": str(database), "PYTHONPATH": str(Path(__file__).parent.parent)}
    log_file = tmp_path / "stderr.log"  # a file, not a pipe: a full pipe would block the bot
    with log_file.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)  # a hang guard: a stuck start fails, not stalls
        assert ready, "the bot did not start"
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signum)
        process.wait(timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            process.wait()

    err = log_file.read_text("utf-8")
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "stopping: closing the gateway and the database" in err
    assert stored_questions(database) == ["who is Lewis Hamilton?"]  # written before the process ended
    assert not database.with_name(database.name + "-wal").exists()  # the database was closed, not abandoned


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
async def test_serve_closes_the_bot_on_sigterm_and_lets_go_of_the_signal(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = asyncio.Event()

    async def start(bot: LeMansBot, token: str) -> None:
        await bot.setup_hook()
        running.set()
        while not bot.is_closed():  # noqa: ASYNC110 - as discord.py's connect loop does
            await asyncio.sleep(0.01)

    monkeypatch.setattr(LeMansBot, "start", start)
    fallback: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: fallback.append(signum))  # not pytest's end
    try:
        bot = LeMansBot(settings, Engine.from_directory(settings.knowledge_dir))
        serving = asyncio.create_task(runner.serve(bot, TOKEN))
        await running.wait()
        insights: Any = bot.get_cog("Insights")
        os.kill(os.getpid(), signal.SIGTERM)
        await serving
        assert fallback == []  # serve's handler got it
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # and is gone again
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert bot.is_closed()
    assert bot.cogs == {}  # unloaded: the watcher stopped, the database closed
    with pytest.raises(InsightsUnavailable, match="closed"):
        insights.store.tally(1).result()


async def test_serve_returns_when_the_bot_is_closed_and_propagates_login_errors(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LeMansBot, "start", AsyncMock(side_effect=discord.LoginFailure("Improper token")))
    bot = LeMansBot(settings, Engine.from_directory(settings.knowledge_dir))

    with pytest.raises(discord.LoginFailure):
        await runner.serve(bot, TOKEN)

    assert bot.is_closed()
