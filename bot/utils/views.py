"""The buttons under answers, and how an answer is sent with them.

* "Did you mean…": up to three buttons, one per suggestion; only the asker may press them. A press
  *edits the message in place* into the chosen answer, so the channel keeps one message per question.
* 👍 / 👎 under every answer: anyone may press; each press dispatches ``answer_feedback``.

custom_ids are ``lemans:suggest:<nonce>:<entry id>`` and ``lemans:feedback:<nonce>:up|down``, with a
random 16-hex-digit nonce per message, so two messages never share a custom_id. Buttons live in
memory: on timeout they are disabled in place, and after a restart they no longer respond.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.core.answers import Answer, Suggestion
from bot.utils.embeds import CONTENT_LIMIT, answer_embed, shorten
from bot.utils.events import ANSWER_FEEDBACK, AnswerFeedback
from bot.utils.locale import interaction_lang, say
from bot.utils.sources import source_items

if TYPE_CHECKING:
    from bot.client import LeMansBot

log = logging.getLogger(__name__)

SUGGESTION_TIMEOUT = 5 * 60.0
FEEDBACK_TIMEOUT = 10 * 60.0  # interaction tokens, used to disable the buttons, live 15 minutes
MAX_SUGGESTION_BUTTONS = 3
LABEL_LIMIT = 80

EditMessage = Callable[..., Awaitable[object]]


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """A short private note, whether or not the interaction was already answered or deferred."""
    text = shorten(text, CONTENT_LIMIT)
    nobody = discord.AllowedMentions.none()  # the text may echo what the user typed
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=nobody)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=nobody)
    except discord.HTTPException as exc:  # expired interaction, missing access: nothing more to tell
        log.debug("could not send an ephemeral note: %s", exc)


class TimedView(discord.ui.View):
    """Buttons that expire; on timeout they are disabled in place, so nobody presses a dead button."""

    def __init__(self, bot: LeMansBot, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.bot = bot
        self._edit: EditMessage | None = None

    def attach(self, edit: EditMessage) -> None:
        """Learn how to edit the sent message: `Message.edit` or `Interaction.edit_original_response`."""
        self._edit = edit

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self._edit is not None:
            try:
                await self._edit(view=self)
            except discord.HTTPException as exc:  # message deleted or token expired: nothing to disable
                log.debug("could not disable expired buttons: %s", exc)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        custom_id = getattr(item, "custom_id", item)
        if isinstance(error, discord.HTTPException):  # Discord's side (token expired, 5xx): no bug of ours
            log.warning("button %s failed: %s", custom_id, error)
        else:
            log.warning("button %s failed", custom_id, exc_info=error)
        await send_ephemeral(interaction, say("error", interaction_lang(interaction, self.bot.settings.default_lang)))


class SuggestionView(TimedView):
    """Buttons for "did you mean…"; pressing one turns the message into that entry's answer."""

    def __init__(self, bot: LeMansBot, answer: Answer, *, asker_id: int) -> None:
        super().__init__(bot, timeout=SUGGESTION_TIMEOUT)
        self.answer = answer
        self.asker_id = asker_id
        nonce = secrets.token_hex(8)
        for suggestion in answer.suggestions[:MAX_SUGGESTION_BUTTONS]:
            self.add_item(_SuggestionButton(suggestion, custom_id=f"lemans:suggest:{nonce}:{suggestion.entry_id}"))

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.asker_id:
            return True
        lang = interaction_lang(interaction, self.bot.settings.default_lang)
        await interaction.response.send_message(say("only_asker", lang), ephemeral=True)
        return False

    async def choose(self, interaction: discord.Interaction[Any], entry_id: str) -> None:
        answer = self.bot.engine.answer_entry(entry_id, self.answer.lang, question=self.answer.question)
        log.debug("suggestion %s chosen for %r", entry_id, self.answer.question)
        if answer is None:  # a reload removed it since the question
            lang = interaction_lang(interaction, self.bot.settings.default_lang)
            await interaction.response.send_message(say("entry_gone", lang), ephemeral=True)
            return
        self.stop()
        reply = answer_reply(self.bot, answer, asker_id=self.asker_id)
        await interaction.response.edit_message(embed=reply.embed, view=reply.view)
        if reply.view is not None:
            reply.view.attach(interaction.edit_original_response)


class _SuggestionButton(discord.ui.Button[SuggestionView]):
    def __init__(self, suggestion: Suggestion, *, custom_id: str) -> None:
        super().__init__(
            style=discord.ButtonStyle.primary, label=shorten(suggestion.title, LABEL_LIMIT), custom_id=custom_id
        )
        self.entry_id = suggestion.entry_id

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        assert self.view is not None  # a button is only pressed while it is on its view
        await self.view.choose(interaction, self.entry_id)


class FeedbackView(TimedView):
    """👍 / 👎 under an answer. A user's repeated press of the same button is acknowledged, not re-sent."""

    def __init__(self, bot: LeMansBot, answer: Answer, *, entry_id: str) -> None:
        super().__init__(bot, timeout=FEEDBACK_TIMEOUT)
        self.answer = answer
        self.entry_id = entry_id
        self._votes: dict[int, bool] = {}
        nonce = secrets.token_hex(8)
        self.add_item(_FeedbackButton(helpful=True, custom_id=f"lemans:feedback:{nonce}:up"))
        self.add_item(_FeedbackButton(helpful=False, custom_id=f"lemans:feedback:{nonce}:down"))

    async def vote(self, interaction: discord.Interaction[Any], helpful: bool) -> None:
        user_id = interaction.user.id
        if self._votes.get(user_id) != helpful:
            self._votes[user_id] = helpful
            feedback = AnswerFeedback(
                entry_id=self.entry_id,
                helpful=helpful,
                guild_id=interaction.guild_id,
                user_id=user_id,
                lang=self.answer.lang,
                question=self.answer.question,
            )
            self.bot.dispatch(ANSWER_FEEDBACK, feedback)
        lang = interaction_lang(interaction, self.bot.settings.default_lang)
        await interaction.response.send_message(say("thanks", lang), ephemeral=True)


class _FeedbackButton(discord.ui.Button[FeedbackView]):
    def __init__(self, *, helpful: bool, custom_id: str) -> None:
        super().__init__(style=discord.ButtonStyle.secondary, emoji="👍" if helpful else "👎", custom_id=custom_id)
        self.helpful = helpful

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        assert self.view is not None
        await self.view.vote(interaction, self.helpful)


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send for an answer: its embed, its buttons if any, and whether only the asker sees it."""

    embed: discord.Embed
    view: TimedView | None = None
    ephemeral: bool = False

    async def send(self, interaction: discord.Interaction[Any]) -> None:
        """Answer a slash command; like every reply, it pings nobody."""
        await interaction.response.send_message(
            embed=self.embed,
            view=self.view or discord.utils.MISSING,
            ephemeral=self.ephemeral,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        if self.view is not None:
            self.view.attach(interaction.edit_original_response)

    async def reply_to(self, message: discord.Message) -> None:
        """Answer a message with a reply that pings nobody, whatever the question contained."""
        sent = await message.reply(
            embed=self.embed,
            view=self.view or discord.utils.MISSING,
            mention_author=False,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        if self.view is not None:
            self.view.attach(sent.edit)


def answer_reply(bot: LeMansBot, answer: Answer, *, asker_id: int) -> Reply:
    """The embed for any kind of answer, with 👍/👎 under facts and buttons under suggestions."""
    embed = answer_embed(answer)
    if answer.kind == "answer" and answer.entry_id is not None:
        return Reply(embed, _with_sources(FeedbackView(bot, answer, entry_id=answer.entry_id), answer))
    if answer.kind == "unsure" and answer.suggestions:
        return Reply(embed, SuggestionView(bot, answer, asker_id=asker_id))
    if answer.kind == "unknown" and source_items(answer):
        return Reply(embed, _with_sources(TimedView(bot, timeout=FEEDBACK_TIMEOUT), answer))
    return Reply(embed, ephemeral=answer.kind == "invalid")


def _with_sources(view: TimedView, answer: Answer) -> TimedView:
    for item in source_items(answer):
        view.add_item(item)
    return view
