"""The Discord client: holds the engine and settings, loads the cogs and handles command errors."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.config import Settings
from bot.core.engine import Engine
from bot.exts import EXTENSIONS
from bot.reloads import Reloader, make_reloader
from bot.utils.checks import NotAdmin
from bot.utils.locale import interaction_lang, say
from bot.utils.replies import Replies
from bot.utils.translator import LeMansTranslator
from bot.utils.views import report_failure, send_ephemeral

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """The default intents, without message content: Discord still sends the content of DMs and of
    messages that mention the bot, which is all the bot reads."""
    chosen = discord.Intents.default()
    chosen.message_content = False
    return chosen


class LeMansTree(app_commands.CommandTree["LeMansBot"]):
    """Every slash-command error ends in a short private note in the user's language, never a traceback."""

    async def on_error(
        self, interaction: discord.Interaction[LeMansBot], error: app_commands.AppCommandError, /
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        if not isinstance(error, app_commands.CheckFailure):
            await report_failure(interaction, f"/{name}", error)
            return
        log.debug("/%s refused for user %s: %s", name, interaction.user.id, error)
        lang = interaction_lang(interaction, interaction.client.settings.default_lang)
        if isinstance(error, app_commands.CommandOnCooldown):
            when = f"<t:{int(time.time() + error.retry_after) + 1}:R>"  # Discord counts down in the reader's language
            text = say("cooldown", lang, when=when)
        elif isinstance(error, NotAdmin):
            text = say("not_admin", lang)
        else:
            text = say("not_allowed", lang)
        await send_ephemeral(interaction, text)


class LeMansBot(commands.AutoShardedBot):
    """Slash commands, mentions and DMs answered from one `Engine`; no prefix commands.

    Sharded the way discord.py does it: SHARD_COUNT and SHARD_IDS pick the shards this process
    runs; unset, Discord's recommended count (one shard for a bot in fewer than 2,500 servers).

    Construct it with settings and a loaded engine; `await bot.start(token)` runs it. Slash
    commands are only published by `lemans-bot sync`, never on start. The client is wiring: it
    holds what several cogs share (the engine, and the reload channel to the other processes,
    started in `setup_hook` and stopped in `close`); a feature's own resources (the insights
    database, the knowledge watcher) start and stop with its cog.
    """

    tree: LeMansTree

    def __init__(self, settings: Settings, engine: Engine, **options: Any) -> None:
        """`options` go to `commands.Bot`, e.g. `guild_ready_timeout` for a fast start in tests."""
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice: no warning about it
        if settings.shard_ids is not None:
            options["shard_ids"] = list(settings.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),  # echoed user text never pings anyone
            # No message cache: nothing reads it (button presses carry their message), and keeping the
            # last 1,000 messages, embeds and buttons included, cost memory and garbage-collector time.
            max_messages=None,
            tree_cls=LeMansTree,
            shard_count=settings.shard_count,
            **options,
        )
        self.settings = settings
        self.engine = engine
        self.replies = Replies(engine, settings)
        self.reloader: Reloader = make_reloader(engine, settings)

    async def setup_hook(self) -> None:
        await asyncio.to_thread(self.engine.prepare)  # so the first question does not build the index
        await self.tree.set_translator(LeMansTranslator())
        await self.reloader.start()  # before the cogs: the admin cog's watcher reloads through it
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        log.info("loaded %d knowledge entries and %s", len(self.engine.knowledge), ", ".join(EXTENSIONS))

    async def close(self) -> None:
        """Unload the cogs (no new questions; the watcher stops, the database writes what is queued
        and closes), close the gateway, then stop listening for reloads. Safe to call more than once."""
        await super().close()
        await self.reloader.stop()

    async def on_ready(self) -> None:
        log.info(
            "connected as %s (%s) to %d server(s)", self.user, self.user.id if self.user else "?", len(self.guilds)
        )

    async def on_shard_ready(self, shard_id: int) -> None:
        servers = sum(1 for guild in self.guilds if guild.shard_id == shard_id)
        log.info("shard %d of %s ready with %d server(s)", shard_id, self.shard_count, servers)
        metrics.GATEWAY_LATENCY.labels(shard=str(shard_id)).set_function(lambda: self._latency(shard_id))

    def _latency(self, shard_id: int) -> float:
        """The shard's last heartbeat round trip in seconds, read when the metrics are scraped."""
        shard = self.get_shard(shard_id)
        return shard.latency if shard is not None else math.nan

    async def on_message(self, message: discord.Message, /) -> None:
        """Questions in messages are the ask cog's listener's; there are no prefix commands to run."""
