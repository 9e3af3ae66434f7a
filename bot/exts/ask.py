"""Questions: the /ask command, and mentions and direct messages answered as replies."""

from __future__ import annotations

import logging
import re
import time

import discord
from discord import app_commands
from discord.ext import commands

from bot import metrics
from bot.client import LeMansBot
from bot.core.answers import MAX_QUESTION_LENGTH, Answer
from bot.core.schema import Lang
from bot.utils.checks import PUBLIC_COOLDOWN, Cooldowns, cooldown
from bot.utils.embeds import make_embed
from bot.utils.events import QUESTION_ANSWERED
from bot.utils.locale import interaction_lang, message_lang, say
from bot.utils.replies import DYNAMIC_ITEMS, Reply

log = logging.getLogger(__name__)


class Ask(commands.Cog):
    """Answers questions asked by /ask, by mentioning the bot, or in a DM."""

    def __init__(self, bot: LeMansBot) -> None:
        self.bot = bot
        # Mentions and DMs: the same per-user allowance as each slash command (one bucket for both),
        # and one "slow down" note per window; further messages in it get no reply at all.
        self.messages = Cooldowns(*PUBLIC_COOLDOWN)
        self.warned = Cooldowns(1, PUBLIC_COOLDOWN[1])

    async def cog_load(self) -> None:
        """The buttons under answers work from any message, also after a restart."""
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    def answer(
        self, question: str, fallback: Lang, guild_id: int | None, user_id: int, channel_id: int | None
    ) -> Answer:
        """Ask the engine, log the outcome and tell listeners (`question_answered`). One user in one
        channel (or DM) is one conversation: a follow-up there is read with their previous question."""
        conversation = f"{channel_id}:{user_id}"
        answer = self.bot.engine.ask(question, fallback=fallback, conversation=conversation)
        log.debug(
            "question %r -> %s %s (score %.1f, %s)", question, answer.kind, answer.entry_id, answer.score, answer.lang
        )
        self.bot.dispatch(QUESTION_ANSWERED, answer, guild_id, user_id)
        return answer

    @app_commands.command(name="ask", description="Ask a question about the series")
    @app_commands.describe(question="Your question, in German or English")
    @cooldown(*PUBLIC_COOLDOWN)
    async def ask(
        self,
        interaction: discord.Interaction[LeMansBot],
        question: app_commands.Range[str, 1, MAX_QUESTION_LENGTH],
    ) -> None:
        started = time.perf_counter()
        client_lang = interaction_lang(interaction, self.bot.settings.default_lang)
        answer = self.answer(question, client_lang, interaction.guild_id, interaction.user.id, interaction.channel_id)
        await self.bot.replies.answer(answer, asker_id=interaction.user.id, hint_lang=client_lang).send(interaction)
        metrics.count_answer(answer.kind, time.perf_counter() - started)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """In servers only messages that mention the bot (or its role); in DMs every message."""
        me = self.bot.user
        if me is None or message.author.bot:
            return
        role = message.guild.self_role if message.guild else None
        if message.guild is not None and not _addressed(message, me.id, role):
            return
        started = time.perf_counter()
        question = strip_mentions(message.content, me.id, role.id if role else None)
        fallback = message_lang(message, self.bot.settings.default_lang)
        answer: Answer | None = None
        retry_after = self.messages.hit(message.author.id)
        if retry_after:
            if self.warned.hit(message.author.id):
                return
            when = f"<t:{int(time.time() + retry_after) + 1}:R>"  # Discord counts down in the reader's language
            reply = Reply(make_embed(None, say("cooldown", fallback, when=when), neutral=True))
        elif not question:
            mention = self.bot.replies.commands.mention
            text = say(
                "mention_help",
                fallback,
                mention=me.mention,
                ask=mention("ask", fallback),
                help=mention("help", fallback),
            )
            reply = Reply(make_embed(say("mention_help_title", fallback), text, neutral=True))
        else:
            guild_id = message.guild.id if message.guild else None
            answer = self.answer(question, fallback, guild_id, message.author.id, message.channel.id)
            reply = self.bot.replies.answer(answer, asker_id=message.author.id, hint_lang=fallback)
        try:
            await reply.reply_to(message, self.bot.replies)
            if answer is not None:
                metrics.count_answer(answer.kind, time.perf_counter() - started)
        except discord.Forbidden:
            log.info("no permission to reply in channel %s", message.channel.id)
        except discord.HTTPException as exc:  # Discord failing, the message deleted meanwhile: nobody to tell
            log.warning("could not reply to message %s in channel %s: %s", message.id, message.channel.id, exc)


def _addressed(message: discord.Message, bot_id: int, role: discord.Role | None) -> bool:
    """A user mention of the bot or of its managed role; @everyone and replies to others don't count."""
    if any(user.id == bot_id for user in message.mentions):
        return True
    return role is not None and any(mentioned.id == role.id for mentioned in message.role_mentions)


def strip_mentions(content: str, bot_id: int, role_id: int | None = None) -> str:
    """The question without the bot's user and role mentions."""
    ids = "|".join(str(i) for i in (bot_id, role_id) if i is not None)
    return re.sub(rf"<@[!&]?(?:{ids})>", " ", content).strip()


async def setup(bot: LeMansBot) -> None:
    await bot.add_cog(Ask(bot))
