"""LeMansBot's setup, its tree-wide error handler, and the German command names."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.client import LeMansBot
from bot.exts import EXTENSIONS
from bot.utils.checks import NotAdmin
from bot.utils.locale import TEXTS
from bot.utils.translator import GERMAN_NAMES, LeMansTranslator
from tests.helpers import ASKER_ID, OTHER_ID, MockInteraction, make_engine, make_settings, real_bot

NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[LeMansBot]:
    directory = tmp_path / "knowledge"
    bot = await real_bot(make_engine(directory), make_settings(directory))
    yield bot
    await bot.close()


async def test_bot_pings_nobody_reads_no_message_content_and_loads_every_cog(bot: LeMansBot) -> None:
    assert bot.allowed_mentions is not None
    assert dict(bot.allowed_mentions.to_dict()) == {"parse": []}
    assert not bot.intents.message_content
    assert not bot.intents.members
    assert bot.intents.guild_messages
    assert bot.command_prefix is commands.when_mentioned
    assert set(bot.extensions) == set(EXTENSIONS)
    assert isinstance(bot.tree.translator, LeMansTranslator)
    names = {command.name for command in bot.tree.get_commands()}
    assert names == {"ask", "episode", "episodes", "cast", "crew", "release", "about", "help", "reload", "unanswered"}


async def test_messages_run_no_prefix_commands(bot: LeMansBot, monkeypatch: pytest.MonkeyPatch) -> None:
    process = MagicMock()
    monkeypatch.setattr(bot, "process_commands", process)

    await bot.on_message(MagicMock(spec=discord.Message))

    process.assert_not_called()


async def translated(bot: LeMansBot) -> list[dict[str, Any]]:
    translator = bot.tree.translator
    assert translator is not None
    return [await command.get_translated_payload(bot.tree, translator) for command in bot.tree.get_commands()]


async def test_every_command_and_option_has_a_valid_german_name_and_description(bot: LeMansBot) -> None:
    payloads = await translated(bot)
    german = {payload["name"]: payload["name_localizations"]["de"] for payload in payloads}

    assert german["ask"] == "frage"
    assert german["episode"] == "folge"
    assert german["cast"] == "besetzung"
    assert german["release"] == "erscheinen"  # not "start", which read like starting the bot
    assert next(p for p in payloads if p["name"] == "ask")["options"][0]["name_localizations"] == {"de": "text"}
    assert len(set(german.values())) == len(german)
    for payload in payloads:
        for item in (payload, *payload.get("options", [])):
            name = item["name_localizations"]["de"]
            assert NAME.match(name), name
            assert name == name.lower(), name
            assert 1 <= len(item["description_localizations"]["de"]) <= 100
            assert set(item["name_localizations"]) == {"de"}  # other locales see English


async def test_translator_leaves_other_locales_alone() -> None:
    translator = LeMansTranslator()
    command: Any = None  # the translator reads only the location
    context: app_commands.TranslationContextTypes = app_commands.TranslationContext(
        app_commands.TranslationContextLocation.command_name, command
    )

    assert await translator.translate(app_commands.locale_str("ask"), discord.Locale.german, context) == "frage"
    assert await translator.translate(app_commands.locale_str("ask"), discord.Locale.french, context) is None
    assert await translator.translate(app_commands.locale_str("unheard-of"), discord.Locale.german, context) is None


def test_german_texts_name_german_commands() -> None:
    german_commands = set(GERMAN_NAMES.values())
    for key, text in TEXTS.items():
        for command in re.findall(r"(?<![\w<])/(\w+)", text["de"]):
            assert command in german_commands, (key, command)
        for command in re.findall(r"(?<![\w<])/(\w+)", text["en"]):
            assert command in GERMAN_NAMES, (key, command)


def interaction_for(bot: LeMansBot, **options: Any) -> MagicMock:
    interaction = MockInteraction(bot, **options)
    interaction.command = bot.tree.get_command("ask")
    return interaction


async def test_cooldown_says_when_to_retry(bot: LeMansBot) -> None:
    interaction = interaction_for(bot, locale=discord.Locale.german)

    before = time.time()
    await bot.tree.on_error(interaction, app_commands.CommandOnCooldown(app_commands.Cooldown(5, 30), 11.2))

    text = interaction.response.send_message.call_args.args[0]
    found = re.fullmatch(r"Nicht so schnell! Versuch es <t:(\d+):R> noch einmal\.", text)  # Discord counts down
    assert found is not None, text
    assert before + 11.2 <= int(found[1]) <= time.time() + 12.2
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True


async def test_refused_admin_command_is_explained_privately(bot: LeMansBot) -> None:
    interaction = interaction_for(bot)

    await bot.tree.on_error(interaction, NotAdmin("no"))

    text = interaction.response.send_message.call_args.args[0]
    assert text.startswith("You need the Manage Server permission")
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True


async def test_failure_is_a_short_note_and_a_logged_traceback(bot: LeMansBot, caplog: pytest.LogCaptureFixture) -> None:
    interaction = interaction_for(bot)
    command = bot.tree.get_command("ask")
    assert isinstance(command, app_commands.Command)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        error = app_commands.CommandInvokeError(command, exc)

    with caplog.at_level(logging.WARNING, logger="bot"):
        await bot.tree.on_error(interaction, error)

    assert interaction.response.send_message.call_args.args[0] == "Something went wrong. Please try again later."
    record = next(r for r in caplog.records if r.name == "bot.utils.views")
    assert record.levelno == logging.WARNING
    assert record.exc_info is not None


async def test_failure_after_deferring_uses_a_followup(bot: LeMansBot) -> None:
    interaction = interaction_for(bot)
    await interaction.response.defer()

    await bot.tree.on_error(interaction, app_commands.CheckFailure("no"))

    interaction.followup.send.assert_awaited_once()
    assert interaction.followup.send.call_args.args == ("You can't use that here.",)
    assert interaction.followup.send.call_args.kwargs["ephemeral"] is True
    assert interaction.followup.send.call_args.kwargs["allowed_mentions"].to_dict() == {"parse": []}


async def test_public_commands_have_their_own_per_user_cooldown(bot: LeMansBot) -> None:
    async def use(name: str, user_id: int) -> None:
        command = bot.tree.get_command(name)
        assert isinstance(command, app_commands.Command)
        for check in command.checks:
            await discord.utils.maybe_coroutine(check, MockInteraction(bot, user_id=user_id))

    for _ in range(5):
        await use("ask", ASKER_ID)
    with pytest.raises(app_commands.CommandOnCooldown):
        await use("ask", ASKER_ID)
    await use("ask", OTHER_ID)
    for name in ("episode", "episodes", "cast", "crew", "release", "about", "help"):
        for _ in range(5):
            await use(name, ASKER_ID)
        with pytest.raises(app_commands.CommandOnCooldown):
            await use(name, ASKER_ID)


async def test_the_bot_runs_the_configured_shards_or_discords_count(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    settings = make_settings(directory)
    unsharded = LeMansBot(settings, make_engine(directory))
    assert unsharded.shard_ids is None
    assert unsharded.shard_count is None  # None: Discord's recommended count, 1 for a fan server
    two = LeMansBot(replace(settings, shard_count=2, shard_ids=(1,)), make_engine(directory))
    assert (two.shard_count, two.shard_ids) == (2, [1])
