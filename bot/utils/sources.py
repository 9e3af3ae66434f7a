"""The buttons an answer's sources and links add under it: a link button per link of the entry
(where to watch, the trailer), and "Sources" for the full list when the answer names only the best few."""

from __future__ import annotations

import secrets
from typing import Any

import discord

from bot.core import citations
from bot.core.answers import Answer
from bot.utils.embeds import DESCRIPTION_LIMIT, bullet_list, make_embed, shorten, source_link

LABEL_LIMIT = 80


class SourcesButton(discord.ui.Button[Any]):
    """Shows every source of the answer, with author and headline, to whoever presses it (privately)."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(
            style=discord.ButtonStyle.secondary,
            label=citations.label(len(answer.sources), answer.lang),
            emoji="📚",
            custom_id=f"lemans:sources:{secrets.token_hex(8)}",
        )
        self.answer = answer

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(embed=sources_embed(self.answer), ephemeral=True)


def sources_embed(answer: Answer) -> discord.Embed:
    lang = answer.lang
    lines = [source_link(citations.describe(source, lang), source) for source in answer.sources]
    title = citations.label(len(answer.sources), lang) + (f": {answer.title}" if answer.title else "")
    return make_embed(title, bullet_list(lines, lang, DESCRIPTION_LIMIT))


def source_items(answer: Answer) -> list[discord.ui.Item[Any]]:
    """Link buttons for the answer's links, then "Sources" if the answer names fewer than it has."""
    items: list[discord.ui.Item[Any]] = [
        discord.ui.Button(style=discord.ButtonStyle.link, label=shorten(link.label, LABEL_LIMIT), url=link.url)
        for link in answer.links
    ]
    if len(answer.sources) > len(citations.shown(answer.sources)):
        items.append(SourcesButton(answer))
    return items
