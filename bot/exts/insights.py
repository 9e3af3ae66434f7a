"""Admin insight: unanswered questions and 👎 presses go to the insights store; /unanswered shows them.

The listeners only enqueue (`InsightStore` writes on its own thread), so storing never delays an
answer, and a failing database never stops one. In a server, /unanswered shows that server's
questions only; in a DM with the bot (owners only), or with `everywhere` (owners only, in any
server, so whichever process holds that server), it shows every server's and the DMs'.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import LeMansBot
from bot.core.answers import Answer
from bot.core.schema import Lang
from bot.insights.report import Report, build_report
from bot.insights.store import InsightsUnavailable, open_store
from bot.utils.checks import is_admin, is_owner
from bot.utils.embeds import bullet_list, make_embed, shorten
from bot.utils.events import AnswerFeedback
from bot.utils.locale import interaction_lang, say
from bot.utils.views import send_ephemeral

log = logging.getLogger(__name__)

QUESTION_LIMIT = 150  # characters of one question in the list
REPORT_TIMEOUT = 60.0  # seconds to wait for the database, e.g. behind writes waiting for a lock
LIST_LIMIT = 3500  # leaves room in the 4096-character description for the summary line


class Insights(commands.Cog):
    """Keeps what the bot could not answer and what users found unhelpful, for the admins."""

    def __init__(self, bot: LeMansBot) -> None:
        self.bot = bot
        self.store = open_store(bot.settings)

    async def cog_load(self) -> None:
        self.store.start()

    async def cog_unload(self) -> None:
        """Write what is queued and close the database; discord.py unloads every cog when the bot closes."""
        await asyncio.to_thread(self.store.close)

    @commands.Cog.listener()
    async def on_question_answered(self, answer: Answer, guild_id: int | None, user_id: int) -> None:
        """Only enqueues: nothing here waits for the disk. The store keeps the unanswered kinds."""
        self.store.record_question(answer, guild_id, user_id)

    @commands.Cog.listener()
    async def on_answer_feedback(self, feedback: AnswerFeedback) -> None:
        self.store.record_feedback(
            feedback.entry_id,
            feedback.helpful,
            guild_id=feedback.guild_id,
            user_id=feedback.user_id,
            lang=feedback.lang,
            question=feedback.question,
        )

    @app_commands.command(
        name="unanswered", description="Questions the bot could not answer, unhelpful answers (admins)"
    )
    @app_commands.describe(
        days="How many days back to look (default 30)",
        everywhere="Every server and DM, not only this server (bot owners)",
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(is_admin)
    async def unanswered(
        self,
        interaction: discord.Interaction[LeMansBot],
        days: app_commands.Range[int, 1, 365] = 30,
        everywhere: bool = False,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        lang = interaction_lang(interaction, self.bot.settings.default_lang)
        in_dm = interaction.guild_id is None
        if everywhere and not in_dm and not await is_owner(interaction):
            await send_ephemeral(interaction, say("owners_only", lang))
            return
        all_servers = everywhere or in_dm
        query = asyncio.wrap_future(self.store.tally(days, None if all_servers else interaction.guild_id))
        try:
            tally = await asyncio.wait_for(query, REPORT_TIMEOUT)
        except (InsightsUnavailable, TimeoutError) as exc:
            log.warning("/unanswered by %s failed: %r", interaction.user.id, exc)
            await send_ephemeral(interaction, say("insights_unavailable", lang))
            return
        report = await asyncio.to_thread(build_report, tally, days)  # fuzzy grouping: off the event loop
        # titles show what a 👎 was about; ids a reload removed show bare
        embed = report_embed(report, lang, all_servers=all_servers, titles=self.bot.engine.titles(lang))
        await interaction.followup.send(embed=embed, ephemeral=True)


def report_embed(report: Report, lang: Lang, *, all_servers: bool, titles: dict[str, str]) -> discord.Embed:
    """The most asked unanswered questions in the description, the most 👎 entries in a field."""
    if report.questions:
        lines = [
            f"**{group.count}×** {discord.utils.escape_markdown(shorten(group.question, QUESTION_LIMIT))}"
            + (f" {say('similar', lang, count=group.wordings - 1)}" if group.wordings > 1 else "")
            for group in report.questions
        ]
        summary = say("unanswered_summary", lang, asked=report.asked, groups=report.groups)
        description = f"{summary}\n{bullet_list(lines, lang, LIST_LIMIT)}"
    else:
        description = say("unanswered_nothing", lang)
    votes = [
        f"`{v.entry_id}` {titles.get(v.entry_id, '')} – 👎 {v.not_helpful} · 👍 {v.helpful}" for v in report.unhelpful
    ]
    field = bullet_list(votes, lang) if votes else say("unhelpful_nothing", lang)
    return make_embed(
        say("unanswered_title", lang, days=report.days),
        description,
        neutral=True,
        fields=[(say("unhelpful_title", lang), field)],
        footer=say("scope_all" if all_servers else "scope_server", lang),
    )


async def setup(bot: LeMansBot) -> None:
    await bot.add_cog(Insights(bot))
