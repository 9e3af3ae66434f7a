"""The buttons an answer's sources and links add under it: a link button per link of the entry
(where to watch, the trailer), and "Sources" for the full list when the answer names only the best few.

"Sources" keeps no state, like every button under an answer (see `bot.utils.views`): its custom_id
``lm:src:<lang>:<entry>`` names the entry, whose sources it lists."""

from __future__ import annotations

import re
from typing import Any, cast

import discord

from bot.core import citations
from bot.core.answers import Answer
from bot.core.schema import Lang
from bot.utils.embeds import DESCRIPTION_LIMIT, bullet_list, make_embed, shorten, source_link
from bot.utils.locale import interaction_lang, say
from bot.utils.views import ENTRY, LANG, Button, bot_of, guarded, send_ephemeral

LABEL_LIMIT = 80
ROW = 1  # below More and the related questions, above 👍/👎


class SourcesButton(discord.ui.DynamicItem[Button], template=rf"lm:src:{LANG}:{ENTRY}"):
    """Shows every source of the entry, with author and headline, to whoever presses it (privately)."""

    def __init__(self, lang: Lang, entry_id: str, count: int = 2) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                label=citations.label(count, lang),
                emoji="📚",
                custom_id=f"lm:src:{lang}:{entry_id}",
                row=ROW,
            )
        )
        self.lang, self.entry_id = lang, entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SourcesButton:
        return cls(cast(Lang, match["lang"]), match["entry"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self.custom_id, self.show(interaction))

    async def show(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        answer = bot.engine.answer_entry(self.entry_id, self.lang)
        if answer is None:  # a reload removed it
            await send_ephemeral(
                interaction, say("entry_gone", interaction_lang(interaction, bot.settings.default_lang))
            )
            return
        await interaction.response.send_message(embed=sources_embed(answer), ephemeral=True)


def sources_embed(answer: Answer) -> discord.Embed:
    lang = answer.lang
    lines = [source_link(citations.describe(source, lang), source) for source in answer.sources]
    title = citations.label(len(answer.sources), lang) + (f": {answer.title}" if answer.title else "")
    return make_embed(title, bullet_list(lines, lang, DESCRIPTION_LIMIT))


def source_items(answer: Answer) -> list[discord.ui.Item[Any]]:
    """Link buttons for the answer's links, then "Sources" if the answer names fewer than it has."""
    items: list[discord.ui.Item[Any]] = [
        discord.ui.Button(style=discord.ButtonStyle.link, label=shorten(link.label, LABEL_LIMIT), url=link.url, row=ROW)
        for link in answer.links
    ]
    if answer.entry_id is not None and len(answer.sources) > len(citations.shown(answer.sources)):
        items.append(SourcesButton(answer.lang, answer.entry_id, len(answer.sources)))
    return items
