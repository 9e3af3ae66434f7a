"""Every embed the bot sends, in one style and always within Discord's limits.

Style: the title names the entry, the description holds the answer, a field names its best
sources as links. Facts use the racing colour; honest "no source says" and "I don't know" use a
neutral one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord

from bot.core import citations
from bot.core.schema import Lang, Source
from bot.utils.locale import say

COLOUR = discord.Colour(0x0B5394)  # racing blue: a stated fact
NEUTRAL = discord.Colour(0x99AAB5)  # grey: no answer, or no source knows

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
FIELDS_LIMIT = 25
TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000  # a plain message

Field = tuple[str, str]


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bullet_list(items: Sequence[str], lang: Lang, limit: int = FIELD_VALUE_LIMIT) -> str:
    """One item a line, as many as fit in `limit`, then "… and N more"."""
    lines = [f"• {item}" for item in items]
    shown = len(lines)
    while shown and len(_listed(lines, shown, lang)) > limit:
        shown -= 1
    return shorten(_listed(lines, shown, lang), limit)


def _listed(lines: Sequence[str], shown: int, lang: Lang) -> str:
    rest = [say("more", lang, count=len(lines) - shown)] if shown < len(lines) else []
    return "\n".join([*lines[:shown], *rest])


def source_link(text: str, source: Source) -> str:
    """A masked link, which Discord renders in descriptions and fields (not in footers)."""
    url = source.url.replace("(", "%28").replace(")", "%29")
    return f"[{discord.utils.escape_markdown(text).replace('[', '(').replace(']', ')')}]({url})"


def sources_field(sources: Sequence[Source], lang: Lang) -> Field | None:
    """The answer's best sources as links, "Quelle: Stuttgarter Nachrichten, 9. Juni 2017"; None without any."""
    shown = list(citations.shown(sources))
    if not shown:
        return None
    while True:  # fewer links rather than one cut in half by the field's limit
        lines = [source_link(citations.cite(source, lang), source) for source in shown]
        if len(sources) > len(shown):
            lines.append(citations.more(len(sources) - len(shown), lang))
        value = "\n".join(lines)
        if len(value) <= FIELD_VALUE_LIMIT or len(shown) == 1:
            return citations.label(len(shown), lang), value
        shown.pop()


def make_embed(
    title: str | None,
    description: str | None,
    *,
    neutral: bool = False,
    fields: Iterable[Field] = (),
    footer: str | None = None,
) -> discord.Embed:
    """The bot's one embed style, every part cut to its limit and the whole to 6000 characters."""
    embed = discord.Embed(
        title=shorten(title, TITLE_LIMIT) if title else None,
        description=shorten(description, DESCRIPTION_LIMIT) if description else None,
        colour=NEUTRAL if neutral else COLOUR,
    )
    for name, value in list(fields)[:FIELDS_LIMIT]:
        embed.add_field(name=shorten(name, FIELD_NAME_LIMIT), value=shorten(value, FIELD_VALUE_LIMIT), inline=False)
    if footer:
        embed.set_footer(text=shorten(footer, FOOTER_LIMIT))
    return _fit(embed)


def _fit(embed: discord.Embed) -> discord.Embed:
    """Cut the description, then the footer, then drop fields until the total is within 6000."""
    excess = len(embed) - TOTAL_LIMIT
    if excess > 0 and embed.description:
        embed.description = shorten(embed.description, max(len(embed.description) - excess, 1))
    excess = len(embed) - TOTAL_LIMIT
    if excess > 0 and embed.footer.text:
        embed.set_footer(text=shorten(embed.footer.text, max(len(embed.footer.text) - excess, 1)))
    while len(embed) > TOTAL_LIMIT and embed.fields:
        embed.remove_field(-1)
    return embed
