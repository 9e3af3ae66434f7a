"""Admin commands: reload the knowledge files without restarting the bot."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import LeMansBot
from bot.core.loader import KnowledgeError, Problem
from bot.core.schema import Lang
from bot.reloads import Outcome
from bot.utils.checks import is_admin
from bot.utils.embeds import bullet_list, make_embed
from bot.utils.locale import interaction_lang, say
from bot.watch import watch_knowledge

log = logging.getLogger(__name__)

PROBLEMS_LIMIT = 3500  # leaves room in the 4096-character description for the intro line


class Admin(commands.Cog):
    """Commands for server admins and the bot's owners."""

    def __init__(self, bot: LeMansBot) -> None:
        self.bot = bot
        self.watcher: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        """With WATCH_KNOWLEDGE, reload whenever a knowledge file changes, as /reload would."""
        if self.bot.settings.watch_knowledge:
            watching = watch_knowledge(self.bot.engine, self.bot.reloader)
            self.watcher = asyncio.create_task(watching, name="watch-knowledge")

    async def cog_unload(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
            await asyncio.wait({self.watcher})

    @app_commands.command(name="reload", description="Reload the knowledge files (admins)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(is_admin)
    async def reload(self, interaction: discord.Interaction[LeMansBot]) -> None:
        """Re-read the knowledge directory; on any problem the old knowledge keeps answering."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        lang = interaction_lang(interaction, self.bot.settings.default_lang)
        try:
            outcome = await self.bot.reloader.reload()  # here, then in every other process
        except KnowledgeError as exc:
            log.warning("reload by %s failed:\n%s", interaction.user.id, exc)
            embed = problems_embed(exc, len(self.bot.engine.knowledge), lang)
        else:
            report = outcome.report
            log.info(
                "reload by %s: %d entries, added %s, removed %s, changed %s; %d of %d process(es)",
                interaction.user.id,
                report.count,
                report.added,
                report.removed,
                report.changed,
                outcome.took,
                outcome.processes,
            )
            embed = report_embed(outcome, lang)
        await interaction.followup.send(embed=embed, ephemeral=True)


def report_embed(outcome: Outcome, lang: Lang) -> discord.Embed:
    """The new count and the ids that were added, removed or changed; with several processes, how
    many took it, and which kept their old knowledge."""
    report = outcome.report
    groups = (("added", report.added), ("removed", report.removed), ("changed", report.changed))
    fields = [(f"{say(key, lang)} ({len(ids)})", bullet_list(ids, lang)) for key, ids in groups if ids]
    description = say("reload_count", lang, count=report.count)
    if not fields:
        description += " " + say("reload_unchanged", lang)
    if outcome.shared:
        description += "\n" + say("reload_processes", lang, took=outcome.took, processes=outcome.processes)
        if outcome.silent:
            description += " " + say("reload_silent", lang, count=outcome.silent)
    if outcome.failed:
        kept = [discord.utils.escape_markdown(name) for name in outcome.failed]
        fields.append((say("reload_kept_old", lang), bullet_list(kept, lang)))
    return make_embed(say("reload_title", lang), description, fields=fields)


def problems_embed(error: KnowledgeError, live: int, lang: Lang) -> discord.Embed:
    """Every problem as `file:line: entry 'id': message`, as many as fit."""
    lines = [_problem_line(problem) for problem in error.problems]
    description = f"{say('reload_failed', lang, count=live)}\n{bullet_list(lines, lang, PROBLEMS_LIMIT)}"
    return make_embed(say("reload_failed_title", lang), description, neutral=True)


def _problem_line(problem: Problem) -> str:
    """The problem as code: file names and ids read exactly, nothing escaped (a backtick in the
    echoed text becomes a look-alike so the code span holds)."""
    return "`" + str(problem).replace("`", "ˋ") + "`"


async def setup(bot: LeMansBot) -> None:
    await bot.add_cog(Admin(bot))
