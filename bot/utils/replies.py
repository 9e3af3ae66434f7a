"""What the bot sends for an answer, and what happens to it afterwards.

`Replies` turns a core `Answer` into an embed and its buttons (see `bot.utils.views`):

* a fact or an honest "no source says": the key fact first and in bold, the rest in a second
  paragraph or behind **More**; up to three related questions; 👍/👎 below;
* "Did you mean…": one sentence and one button per suggestion, in the neutral colour; when the
  buttons expire, the numbered list takes their place;
* "I don't know": said once, what the bot covers, one example and the help command.

The embeds and buttons of an entry are built once per language (and per knowledge, after a reload),
so answering costs a lookup. `SentReplies` remembers each message whose buttons expire, to remove
them in place after 10 minutes (👍/👎) or 5 (suggestions), and who voted there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord
from discord import app_commands

from bot.config import Settings
from bot.core.answers import Answer
from bot.core.engine import Engine
from bot.core.knowledge import Knowledge
from bot.core.schema import RELATED_MAX, Lang
from bot.utils.embeds import make_embed, sources_field
from bot.utils.locale import interaction_lang, say
from bot.utils.prose import WHOLE_LIMIT, lead_and_detail
from bot.utils.sources import SourcesButton, source_items
from bot.utils.translator import localized_name
from bot.utils.views import (
    FeedbackButton,
    MoreButton,
    OpenSelect,
    RelatedButton,
    SuggestionButton,
    container,
    send_ephemeral,
)

log = logging.getLogger(__name__)

SUGGESTION_TIMEOUT = 5 * 60.0
FEEDBACK_TIMEOUT = 10 * 60.0  # interaction tokens, used to edit the message, live 15 minutes
MAX_SUGGESTION_BUTTONS = 3
CACHE_LIMIT = 4096  # built embeds and button sets; texts come from the knowledge, so this is rarely reached

EditMessage = Callable[..., Awaitable[object]]

# Every button and menu under a reply, registered with discord.py by the ask cog.
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    MoreButton,
    RelatedButton,
    FeedbackButton,
    SuggestionButton,
    OpenSelect,
    SourcesButton,
)


class CommandMentions:
    """Clickable command mentions (`</ask:123>`) from the ids Discord gave the synced commands; plain
    `/ask` until they are known (or when the commands were synced to a guild only)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    async def refresh(self, tree: app_commands.CommandTree[Any]) -> None:
        try:
            self.ids = {command.name: command.id for command in await tree.fetch_commands()}
        except (discord.HTTPException, discord.ClientException) as exc:  # offline, or not logged in
            log.info("command ids unavailable, /help shows plain names: %s", exc)

    def mention(self, name: str, lang: Lang) -> str:
        shown = localized_name(name, lang)
        command_id = self.ids.get(name)
        return f"</{shown}:{command_id}>" if command_id else f"/{shown}"


@dataclass(slots=True)
class Live:
    """A sent message whose buttons have not expired yet."""

    answer: Answer
    asker_id: int
    edit: EditMessage
    expanded: bool = False
    votes: dict[int, bool] = field(default_factory=dict)
    timer: asyncio.TimerHandle | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """An embed, its buttons (a finished View: only the payload), whether only the asker sees it, and
    the answer behind it when its buttons expire."""

    embed: discord.Embed
    view: discord.ui.View | None = None
    ephemeral: bool = False
    answer: Answer | None = None
    asker_id: int = 0

    async def send(self, interaction: discord.Interaction[Any]) -> None:
        """Answer a slash command or a menu; like every reply, it pings nobody."""
        response = await interaction.response.send_message(
            embed=self.embed,
            view=self.view or discord.utils.MISSING,
            ephemeral=self.ephemeral,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        message_id = getattr(response, "message_id", None)
        if self.answer is not None and message_id is not None:
            interaction.client.replies.track(message_id, self.answer, self.asker_id, interaction.edit_original_response)

    async def reply_to(self, message: discord.Message, replies: Replies) -> None:
        """Answer a message with a reply that pings nobody, whatever the question contained."""
        sent = await message.reply(
            embed=self.embed,
            view=self.view or discord.utils.MISSING,
            mention_author=False,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        if self.answer is not None:
            replies.track(sent.id, self.answer, self.asker_id, sent.edit)


class Replies:
    """Builds every answer's reply, and keeps the messages whose buttons still live."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.commands = CommandMentions()
        self.live: dict[int, Live] = {}
        self._expiring: set[asyncio.Future[None]] = set()
        self._built_for: Knowledge | None = None
        self._embeds: dict[tuple[Any, ...], tuple[discord.Embed, bool]] = {}
        self._views: dict[tuple[Any, ...], discord.ui.View | None] = {}

    # ------------------------------------------------------------------ building

    def answer(self, answer: Answer, *, asker_id: int, hint_lang: Lang, expanded: bool = False) -> Reply:
        """The reply for any kind of answer; `hint_lang` is the asker's client language, for command names."""
        self._fresh()
        if answer.kind in ("answer", "unknown") and answer.entry_id is not None:
            embed, more = self._entry_embed(answer, expanded)
            return Reply(embed, self._entry_view(answer, more=more), answer=answer)
        if answer.kind == "unsure" and answer.suggestions:
            buttons = [
                SuggestionButton(answer.lang, asker_id, s.entry_id, s.title)
                for s in answer.suggestions[:MAX_SUGGESTION_BUTTONS]
            ]
            return Reply(suggestions_embed(answer), container(buttons), answer=answer, asker_id=asker_id)
        if answer.kind in ("none", "unsure"):
            return Reply(self._dont_know_embed(answer, hint_lang))
        return Reply(make_embed(None, answer.text, neutral=True), ephemeral=True)

    def _fresh(self) -> None:
        """Forget what was built from knowledge a reload replaced."""
        knowledge = self.engine.knowledge
        if knowledge is not self._built_for or len(self._embeds) + len(self._views) > CACHE_LIMIT:
            self._built_for, self._embeds, self._views = knowledge, {}, {}

    def _entry_embed(self, answer: Answer, expanded: bool) -> tuple[discord.Embed, bool]:
        """The entry's embed and whether a More button belongs under it."""
        key = (answer.kind, answer.title, answer.text, answer.sources, answer.lang, expanded)
        built = self._embeds.get(key)
        if built is None:
            lead, detail = lead_and_detail(answer.text, spoilers=self.settings.spoiler_tags)
            whole = expanded or len(answer.text) <= WHOLE_LIMIT
            text = f"{lead}\n\n{detail}" if detail and whole else lead
            field = sources_field(answer.sources, answer.lang)
            embed = make_embed(answer.title, text, neutral=answer.kind == "unknown", fields=[field] if field else [])
            built = self._embeds[key] = (embed, bool(detail) and not whole)
        return built

    def _entry_view(self, answer: Answer, *, more: bool, feedback: bool = True) -> discord.ui.View | None:
        """More and the related questions (first the alternatives of a not-quite-clear answer); the links
        and "Sources"; and 👍/👎 while they live."""
        entry_id, lang = answer.entry_id or "", answer.lang
        alternatives = tuple(s.entry_id for s in answer.suggestions)
        key = (entry_id, lang, answer.links, len(answer.sources), more, feedback, alternatives)
        if key not in self._views:
            offered = [*answer.suggestions, *self.engine.related(entry_id, lang)]
            related = list({s.entry_id: s for s in offered}.values())[:RELATED_MAX]  # each once, first place
            items: list[discord.ui.Item[Any]] = [MoreButton(lang, entry_id)] if more else []
            items += [RelatedButton(lang, r.entry_id, r.title) for r in related]
            items += source_items(answer)
            if feedback:
                items += [FeedbackButton(lang, entry_id, helpful=True), FeedbackButton(lang, entry_id, helpful=False)]
            self._views[key] = container(items)
        return self._views[key]

    def _dont_know_embed(self, answer: Answer, hint_lang: Lang) -> discord.Embed:
        key = ("none", answer.text, answer.lang, hint_lang)
        built = self._embeds.get(key)
        if built is None:
            example = say("dont_know_example", answer.lang, help=self.commands.mention("help", hint_lang))
            built = self._embeds[key] = (make_embed(None, f"{answer.text}\n\n{example}", neutral=True), False)
        return built[0]

    # ------------------------------------------------------------------ what presses do

    async def expand(self, interaction: discord.Interaction[Any], entry_id: str, lang: Lang) -> None:
        """More: the whole answer in place, the other buttons kept (👍/👎 only while they live)."""
        live = self.live.get(interaction.message.id) if interaction.message else None
        answer = live.answer if live else self.engine.answer_entry(entry_id, lang)
        if answer is None or answer.entry_id is None:
            await send_ephemeral(interaction, say("entry_gone", self._lang(interaction)))
            return
        self._fresh()
        embed, _ = self._entry_embed(answer, expanded=True)
        view = self._entry_view(answer, more=False, feedback=live is not None)
        await interaction.response.edit_message(embed=embed, view=view)
        if live is not None:
            live.expanded = True

    async def open_privately(self, interaction: discord.Interaction[Any], entry_id: str, lang: Lang) -> None:
        """A related question or a menu choice: that answer, only for whoever pressed."""
        answer = self.engine.answer_entry(entry_id, lang)
        if answer is None:
            await send_ephemeral(interaction, say("entry_gone", self._lang(interaction)))
            return
        reply = self.answer(answer, asker_id=interaction.user.id, hint_lang=self._lang(interaction))
        await Reply(reply.embed, reply.view, True, reply.answer, interaction.user.id).send(interaction)

    async def choose(self, interaction: discord.Interaction[Any], entry_id: str, lang: Lang) -> None:
        """A suggestion pressed by the asker: the message becomes that answer."""
        message_id = interaction.message.id if interaction.message else 0
        live = self.live.get(message_id)
        answer = self.engine.answer_entry(entry_id, lang, question=live.answer.question if live else "")
        if answer is None:  # a reload removed it since the question
            await send_ephemeral(interaction, say("entry_gone", self._lang(interaction)))
            return
        log.debug("suggestion %s chosen for %r", entry_id, answer.question)
        reply = self.answer(answer, asker_id=interaction.user.id, hint_lang=self._lang(interaction))
        self.forget(message_id)
        await interaction.response.edit_message(embed=reply.embed, view=reply.view)
        self.track(message_id, answer, interaction.user.id, interaction.edit_original_response)

    def vote(self, message_id: int, user_id: int, helpful: bool) -> tuple[str, bool]:
        """The question the message answered, and whether this is a new vote of this user there."""
        live = self.live.get(message_id)
        if live is None:  # after a restart: counted, without the question
            return "", True
        new = live.votes.get(user_id) != helpful
        live.votes[user_id] = helpful
        return live.answer.question, new

    def _lang(self, interaction: discord.Interaction[Any]) -> Lang:
        return interaction_lang(interaction, self.settings.default_lang)

    # ------------------------------------------------------------------ expiry

    def track(self, message_id: int, answer: Answer, asker_id: int, edit: EditMessage) -> None:
        """Remember a sent message until its buttons expire."""
        timeout = SUGGESTION_TIMEOUT if answer.kind == "unsure" else FEEDBACK_TIMEOUT
        live = self.live[message_id] = Live(answer, asker_id, edit)
        live.timer = asyncio.get_running_loop().call_later(timeout, self._expire_later, message_id)

    def forget(self, message_id: int) -> None:
        live = self.live.pop(message_id, None)
        if live is not None and live.timer is not None:
            live.timer.cancel()

    def _expire_later(self, message_id: int) -> None:
        task = asyncio.ensure_future(self.expire(message_id))
        self._expiring.add(task)  # a strong reference until it is done
        task.add_done_callback(self._expiring.discard)

    async def expire(self, message_id: int) -> None:
        """Remove the expired buttons in place: 👍/👎 go; suggestions become a numbered list."""
        live = self.live.get(message_id)
        if live is None:
            return
        self.forget(message_id)
        answer = live.answer
        try:
            if answer.kind == "unsure":
                await live.edit(embed=suggestions_embed(answer, expired=True), view=None)
            elif answer.entry_id is not None:
                self._fresh()
                more = not live.expanded and self._entry_embed(answer, expanded=False)[1]
                await live.edit(view=self._entry_view(answer, more=more, feedback=False))
        except discord.HTTPException as exc:  # message deleted or token expired: nothing left to remove
            log.debug("could not remove expired buttons: %s", exc)


def suggestions_embed(answer: Answer, *, expired: bool = False) -> discord.Embed:
    """One sentence, in the neutral colour; once the buttons are gone, the suggestions as a list."""
    text = say("did_you_mean", answer.lang)
    if expired:
        text += "\n" + "\n".join(f"{n}. {s.title}" for n, s in enumerate(answer.suggestions, 1))
    return make_embed(None, text, neutral=True)
