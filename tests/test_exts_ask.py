"""/ask, mentions and DMs: the answer's language, embed, buttons and who may press them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.core.answers import MESSAGES, Answer
from bot.core.schema import Lang
from bot.exts.ask import Ask, strip_mentions
from bot.utils.checks import PUBLIC_COOLDOWN, Cooldowns
from bot.utils.embeds import COLOUR, NEUTRAL
from bot.utils.events import AnswerFeedback
from bot.utils.views import FeedbackView, SuggestionView
from tests.helpers import (
    ASKER_ID,
    BOT_ID,
    BOT_ROLE_ID,
    GUILD_ID,
    OTHER_ID,
    MockBot,
    MockGuild,
    MockInteraction,
    MockMember,
    MockMessage,
    MockRole,
    MockUser,
    embed_of,
    invoke,
    make_engine,
    make_settings,
    press,
    source_field,
)


def pings_nobody(allowed: discord.AllowedMentions) -> bool:
    return (allowed.everyone, allowed.users, allowed.roles, allowed.replied_user) == (False, False, False, False)


@pytest.fixture
def bot(tmp_path: Path) -> MagicMock:
    return MockBot(make_engine(tmp_path / "knowledge"), make_settings(tmp_path / "knowledge"))


@pytest.fixture
def cog(bot: MagicMock) -> Ask:
    return Ask(bot)


async def ask(cog: Ask, question: str, **interaction_options: Any) -> MagicMock:
    interaction = MockInteraction(cog.bot, **interaction_options)
    await invoke(cog.ask, cog, interaction, question)
    return interaction


def dispatched_answer(bot: Any) -> Answer:
    name, answer, _guild_id, _user_id = bot.dispatch.call_args.args
    assert name == "question_answered"
    assert isinstance(answer, Answer)
    return answer


async def test_german_question_gets_german_answer_with_source(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "Wann startet die Serie?")

    embed = embed_of(interaction.response.send_message)
    assert embed.title == "Veröffentlichung"
    assert "9. Juni 2017" in (embed.description or "")
    assert source_field(embed) == (
        "Quelle",
        "[Stuttgarter Nachrichten, 9. Juni 2017](https://example.org/zeitung/le-mans)",
    )
    assert not embed.footer.text
    assert embed.colour == COLOUR
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is False
    assert dispatched_answer(bot).entry_id == "release-date"
    assert bot.dispatch.call_args.args[2:] == (GUILD_ID, ASKER_ID)


async def test_english_question_gets_english_answer_with_feedback_buttons(cog: Ask) -> None:
    interaction = await ask(cog, "When was the series released?", locale=discord.Locale.german)

    embed = embed_of(interaction.response.send_message)
    assert embed.title == "Release date"
    assert source_field(embed)[0] == "Source"
    view = interaction.response.send_message.call_args.kwargs["view"]
    assert isinstance(view, FeedbackView)
    assert [str(button.emoji) for button in view.children if isinstance(button, discord.ui.Button)] == ["👍", "👎"]


@pytest.mark.parametrize(
    ("locale", "guild_locale", "default", "expected"),
    [
        (discord.Locale.german, None, "en", "de"),
        (discord.Locale.british_english, discord.Locale.german, "de", "en"),
        (discord.Locale.french, None, "de", "en"),
        (None, discord.Locale.german, "en", "de"),
        (None, None, "de", "de"),
        (None, None, "en", "en"),
    ],
)
async def test_undetectable_question_falls_back_to_locale_then_guild_then_default(
    tmp_path: Path,
    locale: discord.Locale | None,
    guild_locale: discord.Locale | None,
    default: Lang,
    expected: Lang,
) -> None:
    directory = tmp_path / "knowledge"
    cog = Ask(MockBot(make_engine(directory), make_settings(directory, default_lang=default)))

    interaction = await ask(cog, "Mark Webber", locale=locale, guild_locale=guild_locale)

    answer = dispatched_answer(cog.bot)
    assert (answer.kind, answer.lang) == ("answer", expected)
    assert source_field(embed_of(interaction.response.send_message))[0] == ("Quelle" if expected == "de" else "Source")


async def test_question_language_beats_locale(cog: Ask) -> None:
    interaction = await ask(cog, "Wann startet die Serie?", locale=discord.Locale.american_english)

    assert dispatched_answer(cog.bot).lang == "de"
    assert embed_of(interaction.response.send_message).title == "Veröffentlichung"


async def test_unsure_offers_buttons_only_the_asker_may_press(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "Lotterer Webber", locale=discord.Locale.german)

    embed = embed_of(interaction.response.send_message)
    assert embed.title == "Meintest du …?"
    view = interaction.response.send_message.call_args.kwargs["view"]
    assert isinstance(view, SuggestionView)
    ids = [item.custom_id or "" for item in view.children if isinstance(item, discord.ui.Button)]
    assert 1 <= len(ids) <= 3
    assert all(re.fullmatch(r"lemans:suggest:[0-9a-f]{16}:[a-z0-9-]+", i) and len(i) <= 100 for i in ids)
    webber = next(i for i in ids if i.endswith(":cast-webber"))

    stranger = MockInteraction(bot, user_id=OTHER_ID, locale=discord.Locale.german)
    await press(view, webber, stranger)
    assert "Nur wer die Frage gestellt hat" in stranger.response.send_message.call_args.args[0]
    assert stranger.response.send_message.call_args.kwargs["ephemeral"] is True
    stranger.response.edit_message.assert_not_awaited()
    assert not view.is_finished()

    asker = MockInteraction(bot, user_id=ASKER_ID, locale=discord.Locale.german)
    await press(view, webber, asker)
    chosen = embed_of(asker.response.edit_message)
    assert chosen.title == "Mark Webber"
    assert "australischer" in (chosen.description or "")  # the asker's language, not the presser's
    assert isinstance(asker.response.edit_message.call_args.kwargs["view"], FeedbackView)
    assert view.is_finished()


async def test_unsure_suggestion_removed_by_reload_is_explained(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "Lotterer Webber")
    view = interaction.response.send_message.call_args.kwargs["view"]
    bot.engine.answer_entry = MagicMock(return_value=None)

    asker = MockInteraction(bot)
    await press(view, view.children[0].custom_id, asker)

    assert "gone" in asker.response.send_message.call_args.args[0]
    asker.response.edit_message.assert_not_awaited()


async def test_expired_buttons_are_disabled_in_place(cog: Ask) -> None:
    interaction = await ask(cog, "Lotterer Webber")
    view = interaction.response.send_message.call_args.kwargs["view"]

    await view.on_timeout()

    interaction.edit_original_response.assert_awaited_once_with(view=view)
    assert all(item.disabled for item in view.children)


async def test_none_is_a_friendly_dont_know(cog: Ask) -> None:
    interaction = await ask(cog, "was ist das beste auto")

    embed = embed_of(interaction.response.send_message)
    assert embed.title == "Das weiß ich (noch) nicht"
    assert MESSAGES["none"]["de"] in (embed.description or "")
    assert embed.colour == NEUTRAL
    assert not isinstance(interaction.response.send_message.call_args.kwargs["view"], discord.ui.View)


async def test_unknown_is_honest_and_neutral(cog: Ask) -> None:
    interaction = await ask(cog, "Who composed the music?")

    embed = embed_of(interaction.response.send_message)
    assert embed.title == "Music"
    assert embed.colour == NEUTRAL
    assert source_field(embed)[0] == "Source"
    assert not isinstance(interaction.response.send_message.call_args.kwargs["view"], discord.ui.View)


async def test_invalid_question_is_answered_privately(cog: Ask) -> None:
    interaction = await ask(cog, "   ")

    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True
    assert MESSAGES["empty"]["en"] in (embed_of(interaction.response.send_message).description or "")


async def test_feedback_dispatches_one_event_per_vote(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "When was the series released?")
    view = interaction.response.send_message.call_args.kwargs["view"]
    up, down = (item.custom_id for item in view.children)
    assert up.startswith("lemans:feedback:")
    assert up.endswith(":up")
    assert down.endswith(":down")
    bot.dispatch.reset_mock()

    voter = MockInteraction(bot, user_id=OTHER_ID, locale=discord.Locale.german)
    await press(view, up, voter)
    await press(view, up, MockInteraction(bot, user_id=OTHER_ID))
    await press(view, down, MockInteraction(bot, user_id=OTHER_ID))

    assert voter.response.send_message.call_args.args[0] == "Danke für dein Feedback!"
    assert voter.response.send_message.call_args.kwargs["ephemeral"] is True
    events = [c.args for c in bot.dispatch.call_args_list]
    expected = AnswerFeedback("release-date", True, GUILD_ID, OTHER_ID, "en", "When was the series released?")
    assert events == [
        ("answer_feedback", expected),
        ("answer_feedback", AnswerFeedback("release-date", False, GUILD_ID, OTHER_ID, "en", expected.question)),
    ]


# --- mentions and DMs ---------------------------------------------------------------------------


def bot_mention(content: str, **options: Any) -> MagicMock:
    return MockMessage(content, guild=MockGuild(), mentions=[MockUser(id=BOT_ID, bot=True)], **options)


@pytest.mark.parametrize("mention", [f"<@{BOT_ID}>", f"<@!{BOT_ID}>"])
async def test_mention_is_stripped_and_answered_as_a_reply(cog: Ask, bot: MagicMock, mention: str) -> None:
    message = bot_mention(f"{mention} wann startet die Serie?")

    await cog.on_message(message)

    assert embed_of(message.reply).title == "Veröffentlichung"
    kwargs = message.reply.call_args.kwargs
    assert kwargs["mention_author"] is False
    assert pings_nobody(kwargs["allowed_mentions"])
    assert dispatched_answer(bot).question == "wann startet die Serie?"


async def test_role_mention_of_the_bot_counts(cog: Ask) -> None:
    message = MockMessage(
        f"<@&{BOT_ROLE_ID}> When was the series released?", guild=MockGuild(), role_mentions=[MockRole(id=BOT_ROLE_ID)]
    )

    await cog.on_message(message)

    assert embed_of(message.reply).title == "Release date"


async def test_everyone_in_text_pings_nobody(cog: Ask) -> None:
    message = bot_mention(f"@everyone <@{BOT_ID}> wann startet die Serie? <@{OTHER_ID}>", mention_everyone=True)

    await cog.on_message(message)

    assert pings_nobody(message.reply.call_args.kwargs["allowed_mentions"])
    assert "content" not in message.reply.call_args.kwargs


@pytest.mark.parametrize(
    "message",
    [
        MockMessage("@everyone wann startet die Serie?", guild=MockGuild(), mention_everyone=True),
        MockMessage("wann startet die Serie?", guild=MockGuild()),
        MockMessage(f"<@{OTHER_ID}> wann startet die Serie?", guild=MockGuild(), mentions=[MockUser(id=OTHER_ID)]),
        MockMessage(f"<@&{OTHER_ID}> wann?", guild=MockGuild(), role_mentions=[MockRole(id=OTHER_ID)]),
        MockMessage(
            f"<@{BOT_ID}> wann startet die Serie?",
            guild=MockGuild(),
            author=MockMember(id=OTHER_ID, bot=True),
            mentions=[MockUser(id=BOT_ID, bot=True)],
        ),
        MockMessage("wann startet die Serie?", author=MockUser(id=BOT_ID, bot=True)),
    ],
    ids=["everyone", "no-mention", "other-user", "other-role", "other-bot", "own-dm"],
)
async def test_messages_not_for_the_bot_are_ignored(cog: Ask, bot: MagicMock, message: MagicMock) -> None:
    await cog.on_message(message)

    message.reply.assert_not_awaited()
    bot.dispatch.assert_not_called()


async def test_direct_message_needs_no_mention(cog: Ask) -> None:
    message = MockMessage("When did it come out?", author=MockUser())

    await cog.on_message(message)

    assert embed_of(message.reply).title == "Release date"


async def test_empty_mention_gets_help(cog: Ask, bot: MagicMock) -> None:
    message = MockMessage(
        f"<@{BOT_ID}>  ", guild=MockGuild(locale=discord.Locale.german), mentions=[MockUser(id=BOT_ID, bot=True)]
    )

    await cog.on_message(message)

    embed = embed_of(message.reply)
    assert embed.title == "Frag mich etwas!"
    assert f"<@{BOT_ID}> wann kam die Serie raus?" in (embed.description or "")
    bot.dispatch.assert_not_called()


async def test_overlong_mention_is_politely_refused(cog: Ask, bot: MagicMock) -> None:
    message = bot_mention(f"<@{BOT_ID}> " + "Wann startet die Serie? " * 25)

    await cog.on_message(message)

    assert (embed_of(message.reply).description or "") == MESSAGES["too_long"]["de"]
    assert dispatched_answer(bot).kind == "invalid"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_mentions_and_dms_share_a_per_user_cooldown_and_one_slow_down_note(cog: Ask, bot: MagicMock) -> None:
    clock = Clock()
    cog.messages, cog.warned = Cooldowns(*PUBLIC_COOLDOWN, clock), Cooldowns(1, PUBLIC_COOLDOWN[1], clock)
    rate, per = PUBLIC_COOLDOWN

    def mention() -> MagicMock:
        return bot_mention(f"<@{BOT_ID}> When did it come out?")

    def dm(author: int = ASKER_ID) -> MagicMock:
        return MockMessage("When did it come out?", author=MockUser(id=author))

    answered = [mention() if n % 2 else dm() for n in range(rate)]
    for message in answered:
        await cog.on_message(message)
    assert [embed_of(m.reply).title for m in answered] == ["Release date"] * rate
    assert bot.dispatch.call_count == rate
    clock.now += 10

    refused, ignored, other = mention(), dm(), dm(OTHER_ID)
    for message in (refused, ignored, other):
        await cog.on_message(message)

    note = embed_of(refused.reply)
    assert note.description == f"Slow down! Try again in {per - 10:.0f} s."
    assert note.colour == NEUTRAL
    ignored.reply.assert_not_awaited()  # one note per window, then silence: flooding costs the bot nothing
    assert embed_of(other.reply).title == "Release date"  # per user
    assert bot.dispatch.call_count == rate + 1  # the refused ones never reached the engine

    clock.now += per
    again = dm()
    await cog.on_message(again)
    assert embed_of(again.reply).title == "Release date"


async def test_suggestion_buttons_on_a_reply_expire_by_editing_the_reply(cog: Ask) -> None:
    message = bot_mention(f"<@{BOT_ID}> Lotterer Webber")

    await cog.on_message(message)
    view = message.reply.call_args.kwargs["view"]
    await view.on_timeout()

    message.reply.return_value.edit.assert_awaited_once_with(view=view)


async def test_missing_send_permission_is_not_an_error(cog: Ask) -> None:
    message = bot_mention(f"<@{BOT_ID}> wann startet die Serie?")
    message.reply.side_effect = discord.Forbidden(MagicMock(status=403, reason="Forbidden"), "Missing Access")

    await cog.on_message(message)  # logged, not raised


def test_strip_mentions_keeps_other_mentions() -> None:
    text = f"<@{BOT_ID}> hi <@!{BOT_ID}> <@&{BOT_ROLE_ID}> <@{OTHER_ID}>"
    assert strip_mentions(text, BOT_ID, BOT_ROLE_ID).split() == ["hi", f"<@{OTHER_ID}>"]


async def test_failing_button_ends_in_a_private_note(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "Lotterer Webber")
    view = interaction.response.send_message.call_args.kwargs["view"]
    bot.engine.answer_entry = MagicMock(side_effect=RuntimeError("boom"))
    asker = MockInteraction(bot, locale=discord.Locale.german)
    button = view.children[0]

    try:
        await press(view, button.custom_id, asker)
    except RuntimeError as exc:
        await view.on_error(asker, exc, button)  # what discord.py does with a callback's exception

    assert asker.response.send_message.call_args.args[0].startswith("Da ist etwas schiefgegangen")
    assert asker.response.send_message.call_args.kwargs["ephemeral"] is True
