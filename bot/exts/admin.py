"""Admin commands: reload the knowledge files without restarting the bot."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import LeMansBot
from bot.core.engine import ReloadReport
from bot.core.loader import KnowledgeError
from bot.core.schema import Lang
from bot.utils.checks import is_admin
from bot.utils.embeds import bullet_list, make_embed
from bot.utils.locale import interaction_lang, say

log = logging.getLogger(__name__)

PROBLEMS_LIMIT = 3500  # leaves room in the 4096-character description for the intro line


class Admin(commands.Cog):
    """Commands for server admins and the bot's owners."""

    def __init__(self, bot: LeMansBot) -> None:
        self.bot = bot

    @app_commands.command(name="reload", description="Reload the knowledge files (admins)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(is_admin)
    async def reload(self, interaction: discord.Interaction[LeMansBot]) -> None:
        """Re-read the knowledge directory; on any problem the old knowledge keeps answering."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        lang = interaction_lang(interaction, self.bot.settings.default_lang)
        try:
            report = await asyncio.to_thread(self.bot.engine.reload)
        except KnowledgeError as exc:
            log.warning("reload by %s failed:\n%s", interaction.user.id, exc)
            embed = problems_embed(exc, len(self.bot.engine.knowledge), lang)
        else:
            log.info(
                "reload by %s: %d entries, added %s, removed %s, changed %s",
                interaction.user.id,
                report.count,
                report.added,
                report.removed,
                report.changed,
            )
            embed = report_embed(report, lang)
        await interaction.followup.send(embed=embed, ephemeral=True)


def report_embed(report: ReloadReport, lang: Lang) -> discord.Embed:
    """The new count and the ids that were added, removed or changed."""
    groups = (("added", report.added), ("removed", report.removed), ("changed", report.changed))
    fields = [(f"{say(key, lang)} ({len(ids)})", bullet_list(ids, lang)) for key, ids in groups if ids]
    description = say("reload_count", lang, count=report.count)
    if not fields:
        description += " " + say("reload_unchanged", lang)
    return make_embed(say("reload_title", lang), description, fields=fields)


def problems_embed(error: KnowledgeError, live: int, lang: Lang) -> discord.Embed:
    """Every problem as `file:line: entry 'id': message`, as many as fit."""
    lines = [discord.utils.escape_markdown(str(problem)) for problem in error.problems]
    description = f"{say('reload_failed', lang, count=live)}\n{bullet_list(lines, lang, PROBLEMS_LIMIT)}"
    return make_embed(say("reload_failed_title", lang), description, neutral=True)


async def setup(bot: LeMansBot) -> None:
    await bot.add_cog(Admin(bot))
