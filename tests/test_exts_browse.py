"""/episode, /episodes, /cast, /crew, /release, /about and /help."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.exts.browse import Browse
from bot.utils.embeds import NEUTRAL
from bot.utils.views import FeedbackView
from tests.helpers import (
    MockBot,
    MockInteraction,
    choices,
    embed_of,
    invoke,
    make_engine,
    make_settings,
    real_bot,
    source_field,
)

GERMAN = discord.Locale.german


@pytest.fixture
def cog(tmp_path: Path) -> Browse:
    directory = tmp_path / "knowledge"
    return Browse(MockBot(make_engine(directory), make_settings(directory)))


async def run(
    command: object, cog: Any, *args: object, locale: discord.Locale = discord.Locale.british_english
) -> MagicMock:
    interaction = MockInteraction(cog.bot, locale=locale)
    await invoke(command, cog, interaction, *args)
    return interaction


def sent_embed(interaction: MagicMock) -> discord.Embed:
    return embed_of(interaction.response.send_message)


async def test_episode_shows_its_entry_in_the_users_language(cog: Browse) -> None:
    interaction = await run(cog.episode, cog, 1, locale=GERMAN)

    embed = sent_embed(interaction)
    assert embed.title == "Folge 1"
    assert "Weissach" in (embed.description or "")
    assert source_field(embed)[0] == "Quelle"
    assert isinstance(interaction.response.send_message.call_args.kwargs["view"], FeedbackView)


async def test_unknown_episode_content_is_neutral(cog: Browse) -> None:
    embed = sent_embed(await run(cog.episode, cog, 4))

    assert (embed.title, embed.colour) == ("Episode 4", NEUTRAL)


async def test_missing_episode_lists_the_known_ones(cog: Browse) -> None:
    interaction = await run(cog.episode, cog, 9)

    text = interaction.response.send_message.call_args.args[0]
    assert "episode 9" in text
    assert "1, 2, 3, 4, 5, 6" in text
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True


async def test_episode_autocomplete_lists_localized_episodes(cog: Browse) -> None:
    interaction = MockInteraction(cog.bot, locale=GERMAN)

    everything = await choices(cog, "episode_choices", interaction, "")
    one = await choices(cog, "episode_choices", interaction, "1")

    assert [(c.name, c.value) for c in everything] == [(f"{n}. Folge {n}", n) for n in range(1, 7)]
    assert [c.value for c in one] == [1]


async def test_episodes_lists_all_six_in_one_embed(cog: Browse) -> None:
    embed = sent_embed(await run(cog.episodes, cog, locale=GERMAN))

    assert embed.title == "Die Folgen"
    assert [field.name for field in embed.fields] == [f"{n}. Folge {n}" for n in range(1, 7)]
    assert "/folge" in (embed.footer.text or "")


async def test_cast_without_person_is_the_overview_and_lists_people(cog: Browse) -> None:
    embed = sent_embed(await run(cog.cast, cog, None))

    assert embed.title == "Who is in the series?"
    assert embed.fields[0].value == "• Mark Webber\n• André Lotterer"


@pytest.mark.parametrize("person", ["cast-webber", "webber", "Mark Weber"])
async def test_cast_person_by_choice_or_typed_name(cog: Browse, person: str) -> None:
    embed = sent_embed(await run(cog.cast, cog, person))

    assert embed.title == "Mark Webber"
    assert "Australian" in (embed.description or "")


@pytest.mark.parametrize(
    ("person", "closest"),
    [("a", "Mark Webber"), ("Mark", "Mark Webber"), ("Lotte", "André Lotterer"), ("crew-director", "")],
    ids=["one-letter", "first-name-only", "part-of-a-name", "another-topics-id"],
)
async def test_cast_shows_nobody_for_a_name_that_is_nobodys(cog: Browse, person: str, closest: str) -> None:
    interaction = await run(cog.cast, cog, person)

    text = interaction.response.send_message.call_args.args[0]
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True
    assert "embed" not in interaction.response.send_message.call_args.kwargs  # no one's answer
    assert text.startswith(f"I don't know “{person}”." if closest else f"I know nothing about “{person}”.")
    assert closest in text


async def test_cast_unknown_person_names_the_known_ones(cog: Browse) -> None:
    interaction = await run(cog.cast, cog, "Lewis Hamilton", locale=GERMAN)

    text = interaction.response.send_message.call_args.args[0]
    assert "„Lewis Hamilton“" in text
    assert "Mark Webber" in text
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True


async def test_cast_autocomplete_offers_entry_ids(cog: Browse) -> None:
    interaction = MockInteraction(cog.bot)

    lotterer = await choices(cog, "person_choices", interaction, "lotter")
    everyone = await choices(cog, "person_choices", interaction, "")

    assert [(c.name, c.value) for c in lotterer] == [("André Lotterer", "cast-lotterer")]
    assert 3 == len(everyone) <= 25
    assert all(len(c.name) <= 100 for c in everyone)


async def test_crew_lists_every_crew_entry(cog: Browse) -> None:
    embed = sent_embed(await run(cog.crew, cog, locale=GERMAN))

    assert embed.title == "Crew"
    assert [field.name for field in embed.fields] == ["Regie", "Musik", "Quelle"]
    assert source_field(embed)[0] == "Quelle"


async def test_release_covers_release_and_platform(cog: Browse) -> None:
    embed = sent_embed(await run(cog.release, cog))

    assert embed.title == "Release"
    assert [field.name for field in embed.fields] == ["Release date", "Where can I watch it?", "Source"]


async def test_about_counts_the_knowledge(cog: Browse) -> None:
    embed = sent_embed(await run(cog.about, cog, locale=GERMAN))

    assert embed.title == "Über diesen Bot"
    assert embed.fields[0].value == "14 Einträge, davon 6 Folgen und 6 offen (keine Quelle weiß es)"
    assert "1 Presseartikel" in (embed.fields[1].value or "")


async def test_help_lists_localized_commands_and_examples(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    bot = await real_bot(make_engine(directory), make_settings(directory))
    cog: Any = bot.get_cog("Browse")  # loaded by setup_hook, as a fresh module: not the imported class
    assert cog is not None

    german = sent_embed(await run(cog.help, cog, locale=GERMAN))
    english = sent_embed(await run(cog.help, cog))

    commands = german.fields[0].value or ""
    assert "**/frage** – Stell eine Frage zur Serie" in commands
    assert "**/neuladen** – Lädt die Wissensdateien neu (Admins)" in commands
    assert "• Wann startet die Serie?" in (german.fields[1].value or "")
    assert "**/ask** – Ask a question about the series" in (english.fields[0].value or "")
    assert "• When was the series released?" in (english.fields[1].value or "")
    assert "**/unbeantwortet** – Fragen ohne Antwort und wenig hilfreiche Antworten (Admins)" in commands
    await bot.close()
