"""/episode, /episodes, /cast, /crew, /release, /about and /help."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.core.engine import Engine
from bot.exts.browse import Browse
from bot.utils.embeds import NEUTRAL
from bot.utils.preview import render, visible_length
from tests.helpers import (
    REAL_KNOWLEDGE,
    MockBot,
    MockInteraction,
    buttons_of,
    choices,
    embed_of,
    invoke,
    knowledge_entries,
    make_engine,
    make_settings,
    real_bot,
    seen,
    source_field,
    write_knowledge,
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
    assert seen(interaction.response.send_message).endswith("[ 👍 ] [ 👎 ]")


async def test_unknown_episode_content_is_neutral(cog: Browse) -> None:
    embed = sent_embed(await run(cog.episode, cog, 4))

    assert (embed.title, embed.colour) == ("Episode 4", NEUTRAL)


async def test_episode_offers_exactly_the_six_episodes(cog: Browse) -> None:
    (number,) = cog.episode.parameters

    assert [(c.name, c.value) for c in number.choices] == [(f"Episode {n}", n) for n in range(1, 7)]
    assert sorted(cog.bot.engine.knowledge.episodes()) == list(range(1, 7))


async def test_an_episode_the_knowledge_lacks_says_how_many_there_are(tmp_path: Path) -> None:
    directory = write_knowledge(tmp_path / "k", [e for e in knowledge_entries() if e["id"] != "episode-6"])
    cog = Browse(MockBot(Engine.from_directory(directory), make_settings(directory)))

    interaction = await run(cog.episode, cog, 6)

    assert interaction.response.send_message.call_args.args[0].startswith("The series has 6 episodes")
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True


async def test_episodes_is_one_line_per_episode_and_one_sentence_for_the_unknown(cog: Browse) -> None:
    interaction = await run(cog.episodes, cog, locale=GERMAN)

    shown = seen(interaction.response.send_message)
    lines = [line.removeprefix("┃ ") for line in shown.splitlines()]
    assert lines[0] == "Die Folgen"
    assert lines[2] == "**1** · Folge 1 zeigt die Entwicklung bei Porsche in Weissach."
    assert lines[3] == "**2–6** · Zu diesen Folgen nennt keine Quelle Titel oder Inhalt."
    assert shown.count("keine Quelle") == 1
    assert lines[-1] == "[ ▾ Folge öffnen … ]"
    menu = buttons_of(interaction.response.send_message)[0]
    assert [o["value"] for o in menu["options"]] == [f"episode-{n}" for n in range(1, 7)]


async def test_cast_lists_people_only_with_a_menu_to_open_one(cog: Browse) -> None:
    interaction = await run(cog.cast, cog, None)

    shown = seen(interaction.response.send_message)
    assert shown.splitlines()[2:] == [
        "┃ **Mark Webber** · an Australian ex-F1 driver.",
        "┃ **André Lotterer** · André Lotterer won Le Mans three times.",
        "[ ▾ Open a person… ]",
    ]
    assert "Who is in the series?" not in shown  # a topic, not a person
    menu = buttons_of(interaction.response.send_message)[0]
    assert [o["value"] for o in menu["options"]] == ["cast-webber", "cast-lotterer"]


async def test_choosing_a_person_in_the_menu_opens_them_privately(cog: Browse) -> None:
    interaction = await run(cog.cast, cog, None)
    view = interaction.response.send_message.call_args.kwargs["view"]
    (menu,) = view.children
    menu.item._values = ["cast-lotterer"]  # what discord.py sets from the interaction before the callback

    chooser = MockInteraction(cog.bot, locale=GERMAN, message_id=interaction.response.message_id)
    await menu.callback(chooser)

    assert seen(chooser.response.send_message).startswith("┃ André Lotterer")
    assert chooser.response.send_message.call_args.kwargs["ephemeral"] is True


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


async def test_cast_unknown_person_names_the_known_people(cog: Browse) -> None:
    interaction = await run(cog.cast, cog, "Lewis Hamilton", locale=GERMAN)

    text = interaction.response.send_message.call_args.args[0]
    assert text == "Zu „Lewis Hamilton“ weiß ich nichts. Ich kenne: Mark Webber, André Lotterer"
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True


async def test_cast_autocomplete_offers_people_only(cog: Browse) -> None:
    interaction = MockInteraction(cog.bot)

    lotterer = await choices(cog, "person_choices", interaction, "lotter")
    everyone = await choices(cog, "person_choices", interaction, "")

    assert [(c.name, c.value) for c in lotterer] == [("André Lotterer", "cast-lotterer")]
    assert [c.value for c in everyone] == ["cast-webber", "cast-lotterer"]


async def test_crew_is_one_compact_card_with_one_sentence_for_the_unknown(cog: Browse) -> None:
    interaction = await run(cog.crew, cog, locale=GERMAN)

    assert seen(interaction.response.send_message).splitlines() == [
        "┃ Crew",
        "┃",
        "┃ **Regie** · Regie führte James Erskine.",
        "┃ Keine Quelle nennt: Musik.",
        "┃",
        "┃ Quelle",
        "┃ Stuttgarter Nachrichten, 9. Juni 2017 ↗",
    ]


async def test_release_covers_release_and_platform(cog: Browse) -> None:
    embed = sent_embed(await run(cog.release, cog))

    assert embed.title == "Release"
    assert (embed.description or "").splitlines() == [
        "**Release date** · It came out on 9 June 2017 on Amazon Prime Video.",
        "**Where can I watch it?** · Exclusively on Amazon Prime Video.",
    ]
    assert [field.name for field in embed.fields] == ["Source"]  # the sources of what it shows


async def test_about_says_what_it_knows_and_what_it_stores_without_internal_counts(cog: Browse) -> None:
    shown = seen((await run(cog.about, cog, locale=GERMAN)).response.send_message)

    assert "Alle 6 Folgen, 2 Personen aus der Serie" in shown
    assert "Einträge" not in shown
    assert "ohne deinen Namen 90 Tage lang" in shown
    assert "/unbeantwortet" in shown


async def test_about_says_when_user_ids_are_kept(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    cog = Browse(MockBot(make_engine(directory), make_settings(directory, store_user_ids=True, retention_days=7)))

    assert "with your Discord user id for 7 days" in seen((await run(cog.about, cog)).response.send_message)


async def test_help_lists_clickable_commands_with_options_and_admin_commands_only_for_admins(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    bot = await real_bot(make_engine(directory), make_settings(directory))
    cog: Any = bot.get_cog("Browse")  # loaded by setup_hook, as a fresh module: not the imported class
    assert cog is not None
    bot.replies.commands.ids = {"ask": 11, "episode": 12, "reload": 13}  # what Discord gave the synced commands
    bot.owner_id = 1  # the application's owner, known: no lookup

    sent = await help_for(cog, locale=GERMAN)
    member = seen(sent)
    admin = seen(await help_for(cog, manage_guild=True))

    commands = embed_of(sent).fields[0].value or ""
    assert "</frage:11> `text` – Stell eine Frage zur Serie" in commands  # clickable
    assert "</folge:12> `nummer` – Zeigt eine Folge" in commands
    assert "/frage `text` – Stell eine Frage zur Serie" in member  # as Discord shows it
    assert "/besetzung `[person]` – Wer in der Serie vorkommt, oder eine Person" in member
    assert "• Wann startet die Serie?" in member
    assert "neuladen" not in member
    assert "unbeantwortet" not in member
    assert "For admins" in admin
    assert "/reload – Reload the knowledge files (admins)" in admin
    assert "/unanswered `[days]`" in admin
    assert "• When was the series released?" in admin
    await bot.close()


async def help_for(cog: Any, **options: Any) -> AsyncMock:
    interaction = MockInteraction(cog.bot, **options)
    await cog.help.callback(cog, interaction)
    return cast(AsyncMock, interaction.response.send_message)


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("command", ["release", "crew", "episodes", "cast"])
async def test_overviews_of_the_real_knowledge_fit_on_a_screen(tmp_path: Path, command: str, lang: str) -> None:
    engine = Engine.from_directory(REAL_KNOWLEDGE)
    cog = Browse(MockBot(engine, make_settings(tmp_path)))
    locale = GERMAN if lang == "de" else discord.Locale.british_english

    interaction = await run(getattr(cog, command), cog, *([None] if command == "cast" else []), locale=locale)

    sent = interaction.response.send_message
    view = sent.call_args.kwargs["view"]
    components = view.to_components() if isinstance(view, discord.ui.View) else []
    payload = {"embeds": [embed_of(sent).to_dict()], "components": components}
    assert visible_length(payload) <= 1500
    assert "unknown" not in render(payload).lower()
