"""`python -m bot show`: a reply as Discord would lay it out, in the terminal, before a /reload.

`show ENTRY_ID` is that entry's answer (as /ask would send it), `show /release` a command's reply
(/release, /crew, /episodes, /cast, /about, /help). Built by the bot's own code from the knowledge
directory, without a token or a connection; `bot.utils.preview` draws it.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import discord

from bot.client import LeMansBot
from bot.config import Settings
from bot.core.answers import entry_answer
from bot.core.engine import Engine
from bot.core.schema import Lang
from bot.exts.admin import Admin
from bot.exts.ask import Ask
from bot.exts.browse import Browse
from bot.exts.insights import Insights
from bot.utils.preview import render
from bot.utils.replies import Reply

COMMANDS = ("/release", "/crew", "/episodes", "/cast", "/about", "/help")


def show(settings: Settings, engine: Engine, target: str, lang: Lang) -> int:
    """Print the reply for `target`; 2 for an unknown entry or command."""
    reply = asyncio.run(_build(settings, engine, target, lang))
    if reply is None:
        known = ", ".join(COMMANDS)
        print(
            f"no entry or command {target!r}: give an entry id (see knowledge/*.yaml) or one of {known}",
            file=sys.stderr,
        )
        return 2
    print(render(payload(reply)))
    return 0


def payload(reply: Reply) -> dict[str, Any]:
    """The message payload discord.py sends for `reply`."""
    message: dict[str, Any] = {"embeds": [reply.embed.to_dict()]}
    if reply.view is not None:
        message["components"] = reply.view.to_components()
    if reply.ephemeral:
        message["flags"] = discord.MessageFlags(ephemeral=True).value
    return message


async def _build(settings: Settings, engine: Engine, target: str, lang: Lang) -> Reply | None:
    """Within an event loop, as discord.py builds buttons there."""
    bot = LeMansBot(settings, engine)
    browse = Browse(bot)
    for cog in (Ask(bot), browse, Admin(bot), Insights(bot)):  # every command, for /help
        await bot.add_cog(cog)
    cards = {
        "/release": lambda: browse.release_card(lang),
        "/crew": lambda: browse.crew_card(lang),
        "/episodes": lambda: browse.episode_list(lang),
        "/cast": lambda: browse.cast_list(lang),
        "/about": lambda: browse.about_card(lang),
        "/help": lambda: browse.help_card(lang, admin=False),
    }
    if target in cards:
        return cards[target]()
    entry = engine.knowledge.by_id.get(target)
    if entry is None:
        return None
    answer = entry_answer(getattr(entry.title, lang), entry, lang)
    return bot.replies.answer(answer, asker_id=0, hint_lang=lang)
