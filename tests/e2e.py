"""Shared pieces of the end-to-end tests: the real bot, its knowledge, the fake Discord.

The bot under test is the unmodified `LeMansBot` with the real `Engine` over the tests' own small
knowledge base (`fixture_knowledge()`, never the project's `knowledge/`: an admin's edit there must
not break these tests; reload tests use a copy); only discord.py's REST base and gateway URL point at
`tests.fakediscord.FakeDiscord` on 127.0.0.1. Slash commands reach the fake the way they reach
Discord: the bot logs in and syncs its own tree (what `lemans-bot sync` does), so the command ids
and option types the fake uses are the ones the bot registered.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

from bot.client import LeMansBot
from bot.config import Settings
from bot.core.engine import Engine
from tests.fakediscord import WAIT, Call, FakeDiscord
from tests.helpers import knowledge_entries, write_knowledge

TOKEN = "e2e-bot-token.abc.xyz"
PROJECT = Path(__file__).resolve().parent.parent  # on PYTHONPATH of the bot processes the tests start
NOBODY = {"parse": [], "replied_user": False}  # allowed_mentions of a reply that pings nobody, its author neither
WATCHED_LOGGERS = ("bot", "discord", "asyncio")  # the bot's, discord.py's, and unretrieved task exceptions
# `python -c LAUNCHER`: `lemans-bot run` in its own process, discord.py pointed at the fake Discord
# whose URLs are in FAKE_API_BASE and FAKE_GATEWAY
LAUNCHER = """
import os, sys
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
Route.BASE = os.environ["FAKE_API_BASE"]
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["FAKE_GATEWAY"])
from bot.cli import main
sys.exit(main(["run"]))
"""


RELATED = {  # as in the real knowledge: a few other entries for the related-question buttons
    "release-date": ["platform-where", "episodes-count"],
    "crew-director": ["crew-music", "cast-overview"],
    "cast-webber": ["cast-lotterer", "cast-overview"],
}


@functools.cache
def fixture_knowledge() -> Path:
    """The knowledge directory of the end-to-end tests, written once a run: tests/helpers.py's small
    base (release, platform, six episodes, cast, crew) with related questions. Nothing may change it
    (reload tests change their own copy: the `knowledge_copy` fixture)."""
    directory = Path(tempfile.mkdtemp(prefix="lemans-e2e-")) / "knowledge"
    atexit.register(shutil.rmtree, directory.parent, True)
    entries = [entry | {"related": RELATED.get(entry["id"], [])} for entry in knowledge_entries()]
    return write_knowledge(directory, entries)


@functools.cache
def fixture_engine() -> Engine:
    """The engine over `fixture_knowledge()`, loaded once for the whole run; nothing may reload it."""
    return Engine.from_directory(fixture_knowledge())


def settings_for(tmp_path: Path, **changes: Any) -> Settings:
    """Settings as in production, except that the insights database lives in `tmp_path`."""
    values: dict[str, Any] = {"token": TOKEN, "knowledge_dir": fixture_knowledge()}
    return Settings(**(values | {"database_path": tmp_path / "insights.sqlite3"} | changes))


class LogRecorder(logging.Handler):
    """Every WARNING or worse from the bot, discord.py and asyncio, for "nothing went wrong" checks.

    A record is a problem when it is an ERROR (or worse) or carries a traceback, unless the test
    said it expects it (`expect`) and checks it itself.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self._expected: list[Callable[[logging.LogRecord], bool]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in WATCHED_LOGGERS:
            self.records.append(record)

    def expect(self, predicate: Callable[[logging.LogRecord], bool]) -> None:
        self._expected.append(predicate)

    def with_traceback(self) -> list[logging.LogRecord]:
        return [r for r in self.records if r.exc_info]

    def problems(self) -> list[str]:
        bad = [r for r in self.records if r.levelno >= logging.ERROR or r.exc_info]
        return [
            f"{r.levelname} {r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
            for r in bad
            if not any(expected(r) for expected in self._expected)
        ]

    @classmethod
    @contextlib.contextmanager
    def installed(cls) -> Iterator[LogRecorder]:
        recorder, root = cls(), logging.getLogger()
        root.addHandler(recorder)
        try:
            yield recorder
        finally:
            root.removeHandler(recorder)


@contextlib.asynccontextmanager
async def running_bot(fake: FakeDiscord, settings: Settings, engine: Engine) -> AsyncIterator[LeMansBot]:
    """The bot logged in, its tree synced to the fake, connected and ready; closed afterwards."""
    bot = LeMansBot(settings, engine, guild_ready_timeout=0.05)
    connection: asyncio.Task[None] | None = None
    try:
        await bot.login(settings.token)  # setup_hook: cogs and translator, as `lemans-bot sync` does
        await bot.tree.sync()
        connection = asyncio.create_task(bot.connect(), name="bot-connection")  # the rest of `bot.start`
        ready = asyncio.create_task(bot.wait_until_ready())
        await asyncio.wait({connection, ready}, timeout=WAIT, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            if connection.done():
                connection.result()  # raises what stopped the bot
            raise AssertionError(f"the bot was not ready within {WAIT} s")
        yield bot
    finally:
        await bot.close()
        if connection is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(connection, WAIT)


def replies_to(fake: FakeDiscord, message: dict[str, Any]) -> list[Call]:
    """The bot's accepted replies to a user's message: channel messages referencing it."""
    path = f"/channels/{message['channel_id']}/messages"
    return [
        c
        for c in fake.calls
        if c.method == "POST"
        and c.path == path
        and c.status == 200
        and str(((c.json or {}).get("message_reference") or {}).get("message_id")) == message["id"]
    ]


async def reply_to(fake: FakeDiscord, message: dict[str, Any]) -> Call:
    """Wait for the bot's reply to `message`."""
    return await fake.wait_until(lambda: next(iter(replies_to(fake, message)), None))


def only_embed(call: Call) -> dict[str, Any]:
    """The one embed of a message payload, a callback (`data`) or a follow-up."""
    body = call.json or {}
    payload = body["data"] if "type" in body else body
    embeds = payload.get("embeds") or []
    assert len(embeds) == 1, body
    embed: dict[str, Any] = embeds[0]
    assert_within_limits(embed)
    return embed


def assert_within_limits(embed: dict[str, Any]) -> None:
    """Discord's embed limits (the fake does not check them)."""
    title, description = embed.get("title") or "", embed.get("description") or ""
    footer = (embed.get("footer") or {}).get("text") or ""
    fields = embed.get("fields") or []
    assert len(title) <= 256
    assert len(description) <= 4096
    assert len(footer) <= 2048
    assert len(fields) <= 25
    assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in fields)
    assert len(title) + len(description) + len(footer) + sum(len(f["name"]) + len(f["value"]) for f in fields) <= 6000


def custom_ids(components: list[dict[str, Any]]) -> list[str]:
    """The custom_ids of the buttons in a message's action rows, in order (link buttons have none)."""
    return [button["custom_id"] for row in components for button in row.get("components", []) if "custom_id" in button]
