"""A bot in its own process for the benchmarks: ours (LeMansBot over the real knowledge) or, as the
baseline, a minimal discord.py bot whose /ask replies with a constant string.

The fake Discord runs in the benchmark's process; this process points discord.py at it, logs in,
syncs its commands (so the fake knows their options), connects, prints "ready" once READY and the
guild arrived, and runs until its standard input closes. The benchmark reads its memory from
/proc, so nothing else is measured with it.

    python -m benchmarks.botproc ours|edge|minimal API_URL GATEWAY_URL TOKEN DATABASE_PATH
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

MINIMAL_ANSWER = "Le Mans: Racing Is Everything came out on 9 June 2017 on Amazon Prime Video."


class MinimalBot(commands.Bot):
    """What discord.py costs by itself: the same intents and start as ours, one constant /ask."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = False
        super().__init__(
            command_prefix=commands.when_mentioned, help_command=None, intents=intents, guild_ready_timeout=0.05
        )

    async def setup_hook(self) -> None:
        @app_commands.command(name="ask", description="Ask a question about the series")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            await interaction.response.send_message(MINIMAL_ANSWER)

        self.tree.add_command(ask)


def make_bot(kind: str, token: str, database: Path) -> commands.Bot | commands.AutoShardedBot:
    """ "minimal", "ours", or "edge": ours with every benchmark question's answer worked out before
    the run, so that what is left is the Discord edge (replies, buttons, cooldowns, insights)."""
    if kind == "minimal":
        return MinimalBot()
    from bot.client import LeMansBot
    from bot.config import DEFAULT_KNOWLEDGE_DIR, Settings
    from bot.core.engine import Engine
    from bot.runner import tune_gc

    settings = Settings(token=token, knowledge_dir=DEFAULT_KNOWLEDGE_DIR, database_path=database)
    engine = Engine.from_directory(settings.knowledge_dir)
    if kind == "edge":
        engine = Answered(engine)
    bot = LeMansBot(settings, engine, guild_ready_timeout=0.05)
    tune_gc()  # as `lemans-bot run` does
    return bot


def Answered(engine: Any) -> Any:
    """`engine` whose `ask` returns, for the benchmark's questions, answers computed beforehand."""
    from benchmarks.common import questions

    answers = {(question, "en"): engine.ask(question, fallback="en") for question in questions()}
    asked = engine.ask

    def ask(question: str, lang: Any = None, fallback: Any = None, **options: Any) -> Any:
        return answers.get((question, fallback)) or asked(question, lang, fallback, **options)

    engine.ask = ask
    return engine


async def serve(kind: str, api: str, gateway: str, token: str, database: Path) -> None:
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = api, yarl.URL(gateway)
    bot = make_bot(kind, token, database)
    async with bot:
        await bot.login(token)
        await bot.tree.sync()
        connection = asyncio.create_task(bot.connect())
        await bot.wait_until_ready()
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.read)  # until the benchmark closes our standard input
        await bot.close()
        await connection


if __name__ == "__main__":
    kind, api, gateway, token, database = sys.argv[1:6]
    asyncio.run(serve(kind, api, gateway, token, Path(database)))
