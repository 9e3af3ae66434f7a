"""Start the bot, or publish its slash commands: the two CLI commands that talk to Discord.

Both return an exit code and end with one clear line instead of a traceback when the setup is
wrong (no token, a rejected token, broken knowledge). Commands are published only by `sync`.
SIGTERM and Ctrl-C stop `run` cleanly: gateway, watcher and database closed, exit code 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
import discord

from bot import metrics
from bot.client import LeMansBot
from bot.config import Settings, knowledge_failure
from bot.core.cache import KnowledgeCache
from bot.core.engine import Engine
from bot.core.loader import KnowledgeError

log = logging.getLogger(__name__)

# Collect the youngest objects every 10,000 allocations rather than CPython's 700 (see `tune_gc`).
GC_YOUNG_THRESHOLD = 10_000
NO_TOKEN = "DISCORD_TOKEN is not set: put it in .env or the environment (see .env.example)"
BAD_TOKEN = "Discord rejected DISCORD_TOKEN: check the bot token in the Developer Portal and in .env"


class _RedactToken(logging.Filter):
    """Replaces the token wherever it would reach a log line, whoever logs it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg, record.args = message.replace(self._token, "[token]"), None
        return True


def run(settings: Settings) -> int:
    """Run the bot until it is stopped, with the metrics endpoint when METRICS_PORT is set; 2 for a
    setup error the user must fix."""
    bot = _prepare(settings)
    if isinstance(bot, int):
        return bot
    tune_gc()
    with contextlib.ExitStack() as cleanup:
        if settings.metrics_port is not None:
            try:
                cleanup.callback(metrics.serve(settings.metrics_port))
            except OSError as exc:
                print(f"METRICS_PORT {settings.metrics_port} cannot be used: {exc.strerror or exc}", file=sys.stderr)
                return 2
            log.info("serving Prometheus metrics on port %d", settings.metrics_port)
        return _connect(lambda: serve(bot, settings.token))


def tune_gc() -> None:
    """Fewer and shorter garbage collections in a long-running bot. What start-up built (modules, the
    knowledge) lives as long as the process, so it is frozen out of every later collection; and the
    young generation is collected every GC_YOUNG_THRESHOLD allocations, so the short-lived objects of
    the interactions in flight mostly die before a collection instead of being promoted and scanned
    again. At 200 /ask in flight, collections took a tenth of the bot's CPU and paused it 0.1 s at a
    time with CPython's default (benchmarks/RESULTS.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


async def serve(bot: LeMansBot, token: str) -> None:
    """Run `bot` until SIGTERM, SIGINT (Ctrl-C) or `bot.close()`, and close it fully before returning.

    Login errors propagate. The signal handlers are removed again on return, so a test may run
    this on its own event loop.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled = _handle_signals(loop, stop.set)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(token), name="bot")
            stopping = asyncio.create_task(stop.wait(), name="stop-signal")
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if stop.is_set():
                log.info("stopping: closing the gateway and the database")
                # Stop reading first: closing while discord.py reads ends the session with 4000, and
                # Discord then shows the bot online for minutes; this way close() sends 1000.
                running.cancel()
            await asyncio.wait({running})
            await bot.close()
            if not running.cancelled():
                running.result()  # a login error propagates to _connect
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)


def _handle_signals(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> list[signal.Signals]:
    """Call `callback` on SIGTERM and SIGINT; where the loop cannot (Windows, not the main thread),
    Ctrl-C stays a KeyboardInterrupt, which `_connect` handles."""
    handled = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, callback)
        except (NotImplementedError, RuntimeError):
            continue
        handled.append(signum)
    return handled


def sync(settings: Settings, guild_id: int | None) -> int:
    """Publish the slash commands to one guild (instant, a copy of the global ones) or globally."""
    bot = _prepare(settings)
    if isinstance(bot, int):
        return bot

    async def publish() -> None:
        async with bot:
            await bot.login(settings.token)  # runs setup_hook: the cogs and the translator
            if guild_id is None:
                synced = await bot.tree.sync()
                where = "globally"
            else:
                guild = discord.Object(guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
                where = f"to guild {guild_id}"
        names = ", ".join(f"/{command.name}" for command in synced)
        print(f"Synced {len(synced)} command(s) {where}: {names}")

    return _connect(publish)


def _prepare(settings: Settings) -> LeMansBot | int:
    """Check the token and log level, set up logging and load the knowledge; an exit code on failure."""
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    level = logging.getLevelNamesMapping().get(settings.log_level)
    if level is None:
        print(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {settings.log_level!r}", file=sys.stderr)
        return 2
    handler = logging.StreamHandler()
    handler.addFilter(_RedactToken(settings.token))
    discord.utils.setup_logging(handler=handler, level=level)
    try:
        cache = KnowledgeCache(settings.cache_dir)
        engine = Engine.from_directory(settings.knowledge_dir, settings.default_lang, cache)
    except KnowledgeError as exc:
        print(knowledge_failure(exc, settings.knowledge_dir), file=sys.stderr)
        return 2
    return LeMansBot(settings, engine)


def _connect(main: Callable[[], Coroutine[Any, Any, None]]) -> int:
    """Run `main` on a fresh event loop and turn the usual failures into one line and an exit code."""
    try:
        asyncio.run(main())
    except discord.LoginFailure:
        print(BAD_TOKEN, file=sys.stderr)
        return 2
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        print(f"Cannot reach Discord: {exc}", file=sys.stderr)
        return 1
    except discord.ConnectionClosed as exc:
        print(f"Discord closed the connection (code {exc.code}): {exc.reason or 'no reason given'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        log.info("stopped")
    return 0
