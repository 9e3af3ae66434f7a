"""The insights cog: questions and votes reach the database without delaying answers; /unanswered."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import discord
import pytest

from bot.client import LeMansBot
from bot.core.answers import Answer
from bot.exts.ask import Ask
from bot.exts.insights import Insights
from bot.insights.store import InsightsUnavailable
from bot.utils.checks import is_admin
from bot.utils.embeds import NEUTRAL
from bot.utils.events import AnswerFeedback
from tests.helpers import (
    ASKER_ID,
    BOT_ID,
    GUILD_ID,
    OTHER_ID,
    MockBot,
    MockGuild,
    MockInteraction,
    MockMessage,
    MockUser,
    embed_of,
    invoke,
    make_engine,
    make_settings,
    press,
)

UNANSWERABLE = "Who is Lewis Hamilton?"


@asynccontextmanager
async def running_bot(tmp_path: Path, **settings: Any) -> AsyncIterator[LeMansBot]:
    """A real bot, never connected, whose `dispatch` runs listeners; closed (database too) at the end."""
    directory = tmp_path / "knowledge"
    bot = LeMansBot(make_settings(directory, **settings), make_engine(directory))
    async with bot:  # gives the bot its event loop, as `start` would
        await bot.setup_hook()
        yield bot


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[LeMansBot]:
    async with running_bot(tmp_path) as bot:
        yield bot


def cog(bot: LeMansBot, name: str) -> Any:
    found = bot.get_cog(name)  # loaded by setup_hook as a fresh module: not the imported class
    assert found is not None
    return found


async def listeners_done() -> None:
    """Wait for the event listeners, which discord.py runs as tasks of their own."""
    await asyncio.gather(*(t for t in asyncio.all_tasks() if t.get_name().startswith("discord.py: on_")))


async def ask(bot: LeMansBot, question: str, **options: Any) -> Any:
    interaction = MockInteraction(bot, **options)
    ask_cog = cog(bot, "Ask")
    await invoke(ask_cog.ask, ask_cog, interaction, question)
    await listeners_done()
    return interaction


def stored(path: Path, table: str = "questions") -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        found = connection.execute(f"SELECT question, guild_id, user_id, lang FROM {table} ORDER BY id").fetchall()
    connection.close()
    return found


def stored_votes(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        found = connection.execute("SELECT entry_id, helpful, guild_id, user_id, question FROM feedback").fetchall()
    connection.close()
    return found


async def test_unanswered_questions_and_votes_are_stored_without_user_ids(bot: LeMansBot) -> None:
    await ask(bot, UNANSWERABLE)
    await ask(bot, "Wer hat die Musik gemacht?")  # unknown: no source says
    answered = await ask(bot, "When was the series released?")
    await ask(bot, "   ")  # refused: not a question
    view = answered.response.send_message.call_args.kwargs["view"]
    voter = MockInteraction(bot, user_id=OTHER_ID, message_id=answered.response.message_id)
    await press(view, view.children[-1].custom_id, voter)  # 👎
    await listeners_done()
    path = bot.settings.database_path
    await bot.close()

    assert stored(path) == [(UNANSWERABLE, GUILD_ID, None, "en"), ("Wer hat die Musik gemacht?", GUILD_ID, None, "de")]
    assert stored_votes(path) == [("release-date", 0, GUILD_ID, None, "When was the series released?")]


async def test_user_ids_are_stored_when_opted_in(tmp_path: Path) -> None:
    async with running_bot(tmp_path, store_user_ids=True) as bot:
        await ask(bot, UNANSWERABLE, in_guild=False)

    assert stored(bot.settings.database_path) == [(UNANSWERABLE, None, ASKER_ID, "en")]


async def test_a_locked_database_delays_no_answer_and_loses_no_question(bot: LeMansBot) -> None:
    await ask(bot, "warm up: who is Nico Rosberg?")  # the database exists and is open
    store = cog(bot, "Insights").store
    await asyncio.wrap_future(store.tally(1))
    locker = sqlite3.connect(bot.settings.database_path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # e.g. `python -m bot report` … or a backup holding the lock

    interaction = await ask(bot, UNANSWERABLE)

    # answered while the lock is still held: an answer that waited for its write would only come
    # after the busy timeout, and the write would then be lost
    assert (embed_of(interaction.response.send_message).description or "").startswith("I don't know that (yet)")
    assert [row[0] for row in locker.execute("SELECT question FROM questions")] == ["warm up: who is Nico Rosberg?"]
    locker.execute("ROLLBACK")  # within the busy timeout: the waiting write goes through
    locker.close()
    await bot.close()

    assert store.lost == 0
    assert [row[0] for row in stored(bot.settings.database_path)] == ["warm up: who is Nico Rosberg?", UNANSWERABLE]


async def test_an_unusable_database_still_answers_and_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "not-a-dir").write_text("")

    with caplog.at_level(logging.WARNING):
        async with running_bot(tmp_path, database_path=tmp_path / "not-a-dir" / "insights.sqlite3") as bot:
            interaction = await ask(bot, UNANSWERABLE)

    assert (embed_of(interaction.response.send_message).description or "").startswith("I don't know that (yet)")
    assert "insights database" in caplog.text
    assert "the bot keeps answering" in caplog.text


# --- /unanswered --------------------------------------------------------------------------------


def test_unanswered_is_hidden_from_non_admins_and_checked_at_runtime() -> None:
    command = Insights.unanswered
    assert command.default_permissions is not None
    assert command.default_permissions.manage_guild
    assert is_admin in command.checks
    days = command.parameters[0]
    assert (days.name, days.default, days.min_value, days.max_value) == ("days", 30, 1, 365)


async def unanswered(bot: LeMansBot, days: int = 30, everywhere: bool = False, **options: Any) -> discord.Embed:
    interaction = MockInteraction(bot, manage_guild=True, **options)
    insights = cog(bot, "Insights")
    await invoke(insights.unanswered, insights, interaction, days, everywhere)
    interaction.response.defer.assert_awaited_once_with(ephemeral=True, thinking=True)
    assert interaction.followup.send.call_args.kwargs["ephemeral"] is True
    return embed_of(interaction.followup.send)


async def seed(bot: LeMansBot) -> None:
    questions = [("When does season 2 come out?", 3), ("when will season two come out", 2), ("**Hamilton**?", 1)]
    for question, times in questions:
        for _ in range(times):
            bot.dispatch("question_answered", Answer(question, "en", "none", "?"), GUILD_ID, ASKER_ID)
    bot.dispatch("question_answered", Answer("elsewhere", "en", "none", "?"), 1234, ASKER_ID)
    bot.dispatch("question_answered", Answer("in a DM", "en", "unsure", "?"), None, ASKER_ID)
    for helpful in (False, False, True):
        bot.dispatch("answer_feedback", AnswerFeedback("release-date", helpful, GUILD_ID, OTHER_ID, "en", "when?"))
    await listeners_done()


async def test_unanswered_lists_this_servers_questions_grouped_and_the_unhelpful_entries(bot: LeMansBot) -> None:
    await seed(bot)

    embed = await unanswered(bot)

    assert embed.title == "Unanswered: the last 30 days"
    assert embed.colour == NEUTRAL
    assert (embed.description or "").splitlines() == [
        "6 questions got no confident answer, 2 different ones. The most asked:",
        "• **5×** When does season 2 come out? (+1 similar)",
        "• **1×** \\*\\*Hamilton\\*\\*?",  # the user's markdown is shown, not rendered
    ]
    assert [(f.name, f.value) for f in embed.fields] == [
        ("Marked not helpful", "• `release-date` Release date – 👎 2 · 👍 1")
    ]
    assert embed.footer.text == "This server only"


async def test_unanswered_in_german_and_in_a_dm_covers_every_server(bot: LeMansBot) -> None:
    await seed(bot)

    embed = await unanswered(bot, 7, locale=discord.Locale.german, in_guild=False)

    assert embed.title == "Unbeantwortet: die letzten 7 Tage"
    assert (embed.description or "").startswith("8 Fragen blieben ohne sichere Antwort, 4 verschiedene.")
    assert embed.footer.text == "Alle Server und Direktnachrichten"


async def test_owners_see_every_server_from_any_server_admins_only_theirs(tmp_path: Path) -> None:
    async with running_bot(tmp_path, owner_ids=frozenset({OTHER_ID})) as bot:
        await seed(bot)

        everything = await unanswered(bot, everywhere=True, user_id=OTHER_ID)
        bot.is_owner = AsyncMock(return_value=False)  # type: ignore[method-assign]  # not the application's owner
        interaction = MockInteraction(bot, manage_guild=True)  # an admin of this server, not an owner
        insights = cog(bot, "Insights")
        await invoke(insights.unanswered, insights, interaction, 30, True)

    assert (everything.description or "").startswith("8 questions got no confident answer, 4 different ones.")
    assert everything.footer.text == "All servers and direct messages"
    interaction.followup.send.assert_awaited_once()
    refusal = interaction.followup.send.call_args
    assert refusal.args[0] == "Only the bot's owners see every server; without `everywhere` you see this server."
    assert refusal.kwargs["ephemeral"] is True


async def test_unanswered_with_nothing_stored_says_so(bot: LeMansBot) -> None:
    embed = await unanswered(bot)

    assert embed.description == "No question went unanswered in this period."
    assert embed.fields[0].value == "No answer was marked not helpful."


async def test_unloading_the_cog_writes_what_is_queued_and_closes_the_database(bot: LeMansBot) -> None:
    store = cog(bot, "Insights").store
    await ask(bot, UNANSWERABLE)

    await bot.unload_extension("bot.exts.insights")

    with pytest.raises(InsightsUnavailable, match="closed"):
        store.tally(1).result()
    assert [row[0] for row in stored(bot.settings.database_path)] == [UNANSWERABLE]


@pytest.mark.parametrize("fault", ["closed", "too-slow"])
async def test_unanswered_without_a_database_is_a_private_note(
    bot: LeMansBot, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    insights = cog(bot, "Insights")
    if fault == "closed":
        insights.store.close()
    else:
        monkeypatch.setattr(sys.modules[type(insights).__module__], "REPORT_TIMEOUT", 0.05)
        monkeypatch.setattr(insights.store, "tally", lambda *args, **kwargs: Future())  # never answers
    interaction = MockInteraction(bot, manage_guild=True)

    await invoke(insights.unanswered, insights, interaction, 30)

    text = interaction.followup.send.call_args.args[0]
    assert text == "The insights database is unavailable right now; the log has the details."
    assert interaction.followup.send.call_args.kwargs["ephemeral"] is True


async def test_a_mention_tells_listeners_who_asked(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    bot = MockBot(make_engine(directory), make_settings(directory))
    message = MockMessage(f"<@{BOT_ID}> {UNANSWERABLE}", guild=MockGuild(), mentions=[MockUser(id=BOT_ID, bot=True)])

    await Ask(bot).on_message(message)

    name, answer, guild_id, user_id = bot.dispatch.call_args.args
    assert (name, answer.kind, guild_id, user_id) == ("question_answered", "none", GUILD_ID, ASKER_ID)
