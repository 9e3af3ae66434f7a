"""The buttons and menus under replies. They keep no state: everything a press needs is in its custom_id.

* **More** (``lm:more:<lang>:<entry>``): anyone; shows the whole answer in place.
* **Related questions** (``lm:rel:<lang>:<entry>``): anyone; that answer, privately to whoever pressed.
* **👍 / 👎** (``lm:vote:<lang>:up|down:<entry>``): anyone; dispatches ``answer_feedback``.
* **Did you mean…** (``lm:pick:<lang>:<asker id>:<entry>``): only the asker; turns the message into
  that answer in place.
* **Open…** menus (``lm:open:<lang>``): the chosen entry, privately (/cast people, /episodes, digests).
* **Sources** (``lm:src:<lang>:<entry>``, in `bot.utils.sources`) and link buttons (where to watch, …).

discord.py dispatches presses to these registered dynamic items, so no View object is kept per
message, a press works after a restart, and a reply's buttons are built once per entry and language.
What expires (👍/👎 after 10 minutes, suggestions after 5) is removed from the message by
`bot.utils.replies.SentReplies`, never left greyed out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.core.schema import Lang
from bot.utils.embeds import CONTENT_LIMIT, shorten
from bot.utils.events import ANSWER_FEEDBACK, AnswerFeedback
from bot.utils.locale import interaction_lang, say

if TYPE_CHECKING:
    from bot.client import LeMansBot

log = logging.getLogger(__name__)

LABEL_LIMIT = 80
OPTIONS_LIMIT = 25  # a select menu's options
ENTRY = r"(?P<entry>[a-z0-9][a-z0-9-]*)"
LANG = r"(?P<lang>de|en)"

Button = discord.ui.Button[discord.ui.View]
Select = discord.ui.Select[discord.ui.View]


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


class Components(discord.ui.View):
    """A finished View: only the components payload of a reply. discord.py keeps nothing for the
    message (presses go to the registered dynamic items), and the payload is built once, as the same
    View is sent under every answer of an entry."""

    def __init__(self, items: Iterable[discord.ui.Item[Any]]) -> None:
        super().__init__(timeout=None)
        for item in items:
            self.add_item(item)
        self.stop()
        self._payload = super().to_components()

    def to_components(self) -> list[dict[str, Any]]:
        return self._payload


def container(items: Iterable[discord.ui.Item[Any]]) -> discord.ui.View | None:
    """The components payload for `items`, or None for none."""
    view = Components(items)
    return view if view.children else None


def bot_of(interaction: discord.Interaction[Any]) -> LeMansBot:
    return cast("LeMansBot", interaction.client)


async def report_failure(interaction: discord.Interaction[Any], what: str, error: Exception) -> None:
    """The one policy for a slash command or a press that failed: the user gets a short private note,
    never a traceback; Discord's own failures (answered too late, a token expired, 5xx after retries)
    are one warning line, anything else is a bug of ours and is logged with its traceback."""
    cause = getattr(error, "original", error)  # app commands wrap what the callback raised
    if isinstance(cause, discord.HTTPException):
        log.warning("%s failed for user %s: %s", what, interaction.user.id, cause)
    else:
        log.warning("%s failed for user %s", what, interaction.user.id, exc_info=error)
    lang = interaction_lang(interaction, bot_of(interaction).settings.default_lang)
    await send_ephemeral(interaction, say("error", lang))


async def guarded(interaction: discord.Interaction[Any], custom_id: str, action: Any) -> None:
    """Run a press; a failure ends in a private note, as for slash commands (discord.py would only log)."""
    try:
        await action
    except Exception as error:
        await report_failure(interaction, f"button {custom_id}", error)


class MoreButton(discord.ui.DynamicItem[Button], template=rf"lm:more:{LANG}:{ENTRY}"):
    def __init__(self, lang: Lang, entry_id: str) -> None:
        super().__init__(
            discord.ui.Button(label=say("more_button", lang), custom_id=f"lm:more:{lang}:{entry_id}", row=0)
        )
        self.lang, self.entry_id = lang, entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MoreButton:
        return cls(cast(Lang, match["lang"]), match["entry"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        replies = bot_of(interaction).replies
        await guarded(interaction, self.custom_id, replies.expand(interaction, self.entry_id, self.lang))


class RelatedButton(discord.ui.DynamicItem[Button], template=rf"lm:rel:{LANG}:{ENTRY}"):
    def __init__(self, lang: Lang, entry_id: str, label: str = "?") -> None:
        button: Button = discord.ui.Button(
            label=shorten(label, LABEL_LIMIT), custom_id=f"lm:rel:{lang}:{entry_id}", row=0
        )
        super().__init__(button)
        self.lang, self.entry_id = lang, entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RelatedButton:
        return cls(cast(Lang, match["lang"]), match["entry"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        replies = bot_of(interaction).replies
        await guarded(interaction, self.custom_id, replies.open_privately(interaction, self.entry_id, self.lang))


class FeedbackButton(discord.ui.DynamicItem[Button], template=rf"lm:vote:{LANG}:(?P<vote>up|down):{ENTRY}"):
    ROW = 2

    def __init__(self, lang: Lang, entry_id: str, *, helpful: bool) -> None:
        vote = "up" if helpful else "down"
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="👍" if helpful else "👎",
                custom_id=f"lm:vote:{lang}:{vote}:{entry_id}",
                row=self.ROW,
            )
        )
        self.lang, self.entry_id, self.helpful = lang, entry_id, helpful

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(cast(Lang, match["lang"]), match["entry"], helpful=match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self.custom_id, self.vote(interaction))

    async def vote(self, interaction: discord.Interaction[Any]) -> None:
        """A user's repeated press of the same vote is acknowledged, not counted again."""
        bot = bot_of(interaction)
        lang = interaction_lang(interaction, bot.settings.default_lang)
        message_id = interaction.message.id if interaction.message else 0
        question, new = bot.replies.vote(message_id, interaction.user.id, self.helpful)
        if new:
            feedback = AnswerFeedback(
                entry_id=self.entry_id,
                helpful=self.helpful,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                lang=self.lang,
                question=question,
            )
            bot.dispatch(ANSWER_FEEDBACK, feedback)
            text = say("thanks", lang)
        else:
            text = say("thanks_again", lang, vote="👍" if self.helpful else "👎")
        await interaction.response.send_message(text, ephemeral=True)


class SuggestionButton(discord.ui.DynamicItem[Button], template=rf"lm:pick:{LANG}:(?P<asker>\d+):{ENTRY}"):
    def __init__(self, lang: Lang, asker_id: int, entry_id: str, label: str = "?") -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary,
                label=shorten(label, LABEL_LIMIT),
                custom_id=f"lm:pick:{lang}:{asker_id}:{entry_id}",
            )
        )
        self.lang, self.asker_id, self.entry_id = lang, asker_id, entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SuggestionButton:
        return cls(cast(Lang, match["lang"]), int(match["asker"]), match["entry"])

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.asker_id:
            return True
        bot = bot_of(interaction)
        lang = interaction_lang(interaction, bot.settings.default_lang)
        await interaction.response.send_message(
            say("only_asker", lang, ask=bot.replies.commands.mention("ask", lang)), ephemeral=True
        )
        return False

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        replies = bot_of(interaction).replies
        await guarded(interaction, self.custom_id, replies.choose(interaction, self.entry_id, self.lang))


class OpenSelect(discord.ui.DynamicItem[Select], template=rf"lm:open:{LANG}"):
    """A menu of entries (people, episodes, the rest of a digest); the chosen one opens privately."""

    def __init__(self, lang: Lang, options: Iterable[tuple[str, str]] = (), placeholder: str | None = None) -> None:
        choices = [discord.SelectOption(label=shorten(label, 100), value=value) for value, label in options][
            :OPTIONS_LIMIT
        ] or [discord.SelectOption(label="?", value="?")]
        super().__init__(discord.ui.Select(custom_id=f"lm:open:{lang}", placeholder=placeholder, options=choices))
        self.lang = lang

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OpenSelect:
        return cls(cast(Lang, match["lang"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        chosen = self.item.values[0] if self.item.values else ""
        replies = bot_of(interaction).replies
        await guarded(interaction, self.custom_id, replies.open_privately(interaction, chosen, self.lang))
