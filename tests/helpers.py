"""Realistic stand-ins for discord.py objects, and a small knowledge base, for testing the cogs offline.

In the spirit of python-discord/bot's tests/helpers.py: mocks are spec'd on the real classes, so a
cog touching an attribute Discord does not have fails the test. The engine is always real.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import yaml

from bot.client import LeMansBot
from bot.config import Settings
from bot.core.engine import Engine
from bot.reloads import LocalReloader
from bot.utils.preview import render
from bot.utils.replies import Replies
from tests.knowledge_factory import SOURCE_ID, write_sources

BOT_ID = 900_000_000_000_000_001
BOT_ROLE_ID = 900_000_000_000_000_002
GUILD_ID = 800_000_000_000_000_001
ASKER_ID = 100_000_000_000_000_001
OTHER_ID = 100_000_000_000_000_002

REAL_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"  # the project's own, for tests of real content
_message_ids = itertools.count(700_000_000_000_000_001)


def _entry(entry_id: str, topic: str, title: tuple[str, str], answer: tuple[str, str], **extra: Any) -> dict[str, Any]:
    questions = extra.pop("questions", None) or ([title[0] + "?"], [title[1] + "?"])
    return {
        "id": entry_id,
        "topic": topic,
        "title": {"de": title[0], "en": title[1]},
        "answer": {"de": answer[0], "en": answer[1]},
        "questions": {"de": questions[0], "en": questions[1]},
        "sources": [SOURCE_ID],
        **extra,
    }


def knowledge_entries() -> list[dict[str, Any]]:
    """A small knowledge base shaped like the real one: a release date, six episodes, cast and crew."""
    episodes = [
        _entry(
            f"episode-{n}",
            "episodes",
            (f"Folge {n}", f"Episode {n}"),
            (f"Über Folge {n} sagt keine Quelle etwas.", f"No source describes episode {n}."),
            episode=n,
            status="unknown",
        )
        for n in range(2, 7)
    ]
    return [
        _entry(
            "release-date",
            "release",
            ("Veröffentlichung", "Release date"),
            (
                "Die Serie erschien am 9. Juni 2017 bei Amazon Prime Video.",
                "It came out on 9 June 2017 on Amazon Prime Video.",
            ),
            questions=(
                ["Wann startet die Serie?", "Wann kam die Serie raus?", "Erscheinungsdatum?"],
                ["When was the series released?", "When did it come out?", "release date?"],
            ),
            keywords={"de": ["Start", "erschienen", "veröffentlicht"], "en": ["release", "released", "premiere"]},
        ),
        _entry(
            "platform-where",
            "platform",
            ("Wo kann man die Serie sehen?", "Where can I watch it?"),
            ("Exklusiv bei Amazon Prime Video.", "Exclusively on Amazon Prime Video."),
            questions=(["Wo kann ich die Serie schauen?"], ["Where can I watch the series?"]),
            keywords={"de": ["schauen", "streamen"], "en": ["watch", "stream"]},
        ),
        _entry(
            "episodes-count",
            "episodes",
            ("Anzahl der Folgen", "Number of episodes"),
            ("Die Serie hat sechs Folgen.", "The series has six episodes."),
            questions=(["Wie viele Folgen hat die Serie?"], ["How many episodes are there?"]),
        ),
        _entry(
            "episode-1",
            "episodes",
            ("Folge 1", "Episode 1"),
            ("Folge 1 zeigt die Entwicklung bei Porsche in Weissach.", "Episode 1 shows Porsche's work in Weissach."),
            episode=1,
            questions=(["Worum geht es in Folge 1?"], ["What is episode 1 about?"]),
        ),
        *episodes,
        _entry(
            "cast-overview",
            "cast",
            ("Wer ist in der Serie zu sehen?", "Who is in the series?"),
            ("Unter anderem Mark Webber und André Lotterer.", "Mark Webber and André Lotterer, among others."),
            questions=(["Wer kommt in der Serie vor?"], ["Who is featured in the series?"]),
        ),
        _entry(
            "cast-webber",
            "cast",
            ("Mark Webber", "Mark Webber"),
            ("Mark Webber ist ein australischer Ex-Formel-1-Fahrer.", "Mark Webber is an Australian ex-F1 driver."),
            questions=(["Wer ist Mark Webber?"], ["Who is Mark Webber?"]),
            aliases=["Mark Webber", "Webber"],
        ),
        _entry(
            "cast-lotterer",
            "cast",
            ("André Lotterer", "André Lotterer"),
            ("André Lotterer hat Le Mans dreimal gewonnen.", "André Lotterer won Le Mans three times."),
            questions=(["Wer ist André Lotterer?"], ["Who is André Lotterer?"]),
            aliases=["André Lotterer", "Lotterer"],
        ),
        _entry(
            "crew-director",
            "crew",
            ("Regie", "Director"),
            ("Regie führte James Erskine.", "James Erskine directed the series."),
            questions=(["Wer hat Regie geführt?"], ["Who directed the series?"]),
            aliases=["James Erskine", "Erskine"],
        ),
        _entry(
            "crew-music",
            "crew",
            ("Musik", "Music"),
            ("Wer die Musik komponiert hat, sagt keine Quelle.", "No source says who composed the music."),
            questions=(["Wer hat die Musik gemacht?"], ["Who composed the music?"]),
            status="unknown",
        ),
    ]


def write_knowledge(directory: Path, entries: Iterable[dict[str, Any]] | None = None) -> Path:
    """Write `entries` (default: `knowledge_entries()`) as one knowledge file into `directory`."""
    write_sources(directory)
    data = {"entries": list(entries if entries is not None else knowledge_entries())}
    (directory / "test.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


def entry_line(text: str, entry_id: str, key: str | None = None) -> int:
    """The line (from 1) of a knowledge file's text where entry `entry_id` starts, or where the value
    of its `key` does: tests work out the lines they expect in problem messages from the fixture."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None

    def value(node: yaml.Node, name: str) -> yaml.Node:
        assert isinstance(node, yaml.MappingNode), node
        found: yaml.Node = next(v for k, v in node.value if k.value == name)
        return found

    entry = next(item for item in value(root, "entries").value if value(item, "id").value == entry_id)
    return (entry if key is None else value(entry, key)).start_mark.line + 1


def make_engine(directory: Path) -> Engine:
    return Engine.from_directory(write_knowledge(directory), "en")


def make_settings(directory: Path, **overrides: Any) -> Settings:
    """Settings for a test; the insights database sits next to the knowledge directory, in the test's tmp."""
    defaults = {"token": "", "knowledge_dir": directory, "default_lang": "en"}
    return Settings(**{**defaults, "database_path": directory.parent / "insights.sqlite3", **overrides})


def MockBot(engine: Engine, settings: Settings) -> MagicMock:
    """A LeMansBot without a connection: the real engine and settings; `dispatch` and `is_owner` recorded."""
    bot = MagicMock(spec=LeMansBot)
    bot.engine = engine
    bot.settings = settings
    bot.reloader = LocalReloader(engine)  # one process: /reload reloads here only
    bot.dispatch = MagicMock()
    bot.is_owner = AsyncMock(return_value=False)
    bot.user = MockUser(id=BOT_ID, bot=True)
    bot.replies = Replies(engine, settings)
    return bot


def MockUser(*, id: int = ASKER_ID, bot: bool = False, name: str = "user") -> MagicMock:
    user = MagicMock(spec=discord.User)
    user.id, user.bot, user.name = id, bot, name
    user.mention = f"<@{id}>"
    return user


def MockRole(*, id: int) -> MagicMock:
    role = MagicMock(spec=discord.Role)
    role.id = id
    return role


def MockMember(*, id: int = ASKER_ID, roles: Iterable[int] = (), bot: bool = False) -> MagicMock:
    member = MagicMock(spec=discord.Member)
    member.id, member.bot = id, bot
    member.mention = f"<@{id}>"
    member.roles = [MockRole(id=role) for role in roles]
    return member


def MockGuild(*, id: int = GUILD_ID, locale: discord.Locale = discord.Locale.american_english) -> MagicMock:
    guild = MagicMock(spec=discord.Guild)
    guild.id = id
    guild.preferred_locale = locale
    guild.self_role = MockRole(id=BOT_ROLE_ID)
    return guild


class MockResponse:
    """`Interaction.response`: records calls, and is done after the first one, as on Discord; a sent
    message gets an id (`message_id`), as discord.py's InteractionCallbackResponse has."""

    def __init__(self) -> None:
        self._done = False
        self.message_id = next(_message_ids)
        self.send_message = AsyncMock(side_effect=self._respond)
        self.edit_message = AsyncMock(side_effect=self._respond)
        self.defer = AsyncMock(side_effect=self._respond)

    async def _respond(self, *args: Any, **kwargs: Any) -> SimpleNamespace:
        if self._done:
            raise AssertionError("the interaction was already responded to")
        self._done = True
        return SimpleNamespace(message_id=self.message_id)

    def is_done(self) -> bool:
        return self._done


def MockInteraction(
    bot: Any,  # a MockBot, or a real LeMansBot that is never connected
    *,
    user_id: int = ASKER_ID,
    locale: discord.Locale | None = discord.Locale.american_english,
    guild_locale: discord.Locale | None = None,
    in_guild: bool = True,
    manage_guild: bool = False,
    roles: Iterable[int] = (),
    message_id: int | None = None,
) -> MagicMock:
    """An interaction; with `message_id`, a press on a component of that message."""
    interaction = MagicMock(spec=discord.Interaction)
    interaction.message = MagicMock(spec=discord.Message, id=message_id) if message_id else None
    interaction.client = bot
    interaction.locale = locale
    interaction.guild_locale = guild_locale
    interaction.guild_id = GUILD_ID if in_guild else None
    interaction.channel_id = 1
    interaction.user = MockMember(id=user_id, roles=roles) if in_guild else MockUser(id=user_id)
    interaction.permissions = discord.Permissions(manage_guild=manage_guild)
    interaction.response = MockResponse()
    interaction.followup = MagicMock(spec=discord.Webhook)
    interaction.followup.send = AsyncMock()
    interaction.edit_original_response = AsyncMock()
    interaction.command = None
    interaction.created_at = discord.utils.utcnow()
    return interaction


def MockMessage(
    content: str,
    *,
    author: MagicMock | None = None,
    guild: MagicMock | None = None,
    mentions: Iterable[MagicMock] = (),
    role_mentions: Iterable[MagicMock] = (),
    mention_everyone: bool = False,
) -> MagicMock:
    """A message; `reply` returns the bot's sent reply, itself a message with an `edit` AsyncMock."""
    message = MagicMock(spec=discord.Message)
    message.content = content
    message.author = author or MockMember()
    message.guild = guild
    message.mentions = list(mentions)
    message.role_mentions = list(role_mentions)
    message.mention_everyone = mention_everyone
    message.channel = MagicMock(spec=discord.TextChannel, id=1)
    sent = MagicMock(spec=discord.Message)
    sent.id = next(_message_ids)
    sent.edit = AsyncMock()
    message.reply = AsyncMock(return_value=sent)
    return message


def seen(mock: AsyncMock) -> str:
    """What a reader sees of the last message sent or edited through `mock`, drawn as `show` draws it."""
    kwargs = mock.call_args.kwargs
    message: dict[str, Any] = {"content": mock.call_args.args[0] if mock.call_args.args else None}
    if kwargs.get("embed"):
        message["embeds"] = [kwargs["embed"].to_dict()]
    view = kwargs.get("view")
    if isinstance(view, discord.ui.View):
        message["components"] = view.to_components()
    if kwargs.get("ephemeral"):
        message["flags"] = 64
    return render(message)


def buttons_of(mock: AsyncMock) -> list[dict[str, Any]]:
    """The buttons and menus of the last message sent or edited through `mock`, as Discord gets them."""
    view = mock.call_args.kwargs.get("view")
    rows = view.to_components() if isinstance(view, discord.ui.View) else []
    return [item for row in rows for item in row["components"]]


def embed_of(mock: AsyncMock) -> discord.Embed:
    """The embed of the last call to a send/reply/edit mock."""
    embed = mock.call_args.kwargs["embed"]
    assert isinstance(embed, discord.Embed)
    return embed


async def invoke(command: Any, cog: Any, interaction: Any, *args: Any) -> None:
    """Run a slash command's callback as discord.py does once its checks passed, with the cog as `self`."""
    await command.callback(cog, interaction, *args)


async def choices(cog: Any, autocomplete: str, interaction: Any, current: str) -> list[Any]:
    """What a cog's autocomplete callback (named, as discord.py's decorator hides its signature) offers."""
    found: list[Any] = await getattr(cog, autocomplete)(interaction, current)
    return found


async def press(view: discord.ui.View, custom_id: str, interaction: MagicMock) -> None:
    """Press a button as discord.py does: the view's check, the item's check, then its callback."""
    button = next(item for item in view.children if getattr(item, "custom_id", None) == custom_id)
    if await view.interaction_check(interaction) and await button.interaction_check(interaction):
        await button.callback(interaction)


async def real_bot(engine: Engine, settings: Settings) -> LeMansBot:
    """A real, never-connected LeMansBot with its cogs and translator loaded; `await bot.close()` when done
    (it closes the insights database)."""
    bot = LeMansBot(settings, engine)
    await bot.__aenter__()  # what `async with bot` does first; a sharded client cannot close without it
    await bot.setup_hook()
    return bot


SOURCE_LABELS = ("Quelle", "Quellen", "Source", "Sources")


def source_field(embed: discord.Embed) -> tuple[str, str]:
    """The embed's sources field (name, value), or two empty strings without one."""
    found = [(field.name or "", field.value or "") for field in embed.fields if field.name in SOURCE_LABELS]
    return found[-1] if found else ("", "")
