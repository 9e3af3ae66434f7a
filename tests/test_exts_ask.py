"""/ask, mentions and DMs: the answer's language, embed, buttons and who may press them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.core.answers import MESSAGES, Answer
from bot.core.engine import Engine
from bot.core.schema import Lang
from bot.exts.ask import Ask, strip_mentions
from bot.utils.checks import PUBLIC_COOLDOWN, Cooldowns
from bot.utils.embeds import COLOUR, NEUTRAL
from bot.utils.events import AnswerFeedback
from tests.helpers import (
    ASKER_ID,
    BOT_ID,
    BOT_ROLE_ID,
    GUILD_ID,
    OTHER_ID,
    REAL_KNOWLEDGE,
    MockBot,
    MockGuild,
    MockInteraction,
    MockMember,
    MockMessage,
    MockRole,
    MockUser,
    buttons_of,
    embed_of,
    invoke,
    knowledge_entries,
    make_engine,
    make_settings,
    press,
    seen,
    source_field,
    write_knowledge,
)
from tests.knowledge_factory import SOURCE_ID


def pings_nobody(allowed: discord.AllowedMentions) -> bool:
    return (allowed.everyone, allowed.users, allowed.roles, allowed.replied_user) == (False, False, False, False)


@pytest.fixture
def bot(tmp_path: Path) -> MagicMock:
    return MockBot(make_engine(tmp_path / "knowledge"), make_settings(tmp_path / "knowledge"))


@pytest.fixture
def cog(bot: MagicMock) -> Ask:
    return Ask(bot)


def with_related(entry: dict[str, object]) -> dict[str, object]:
    """The release date names what people ask next: where to watch, how many episodes."""
    return {**entry, "related": ["platform-where", "episodes-count"]} if entry["id"] == "release-date" else entry


@pytest.fixture
def related_cog(tmp_path: Path) -> Ask:
    directory = write_knowledge(tmp_path / "related", map(with_related, knowledge_entries()))
    return Ask(MockBot(Engine.from_directory(directory), make_settings(directory)))


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
    assert "**9. Juni 2017**" in (embed.description or "")  # the key fact, in bold
    assert source_field(embed) == (
        "Quelle",
        "[Stuttgarter Nachrichten, 9. Juni 2017](https://example.org/zeitung/le-mans)",
    )
    assert not embed.footer.text
    assert embed.colour == COLOUR
    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is False
    assert dispatched_answer(bot).entry_id == "release-date"
    assert bot.dispatch.call_args.args[2:] == (GUILD_ID, ASKER_ID)


async def test_an_answer_offers_its_related_questions_and_feedback(related_cog: Ask) -> None:
    interaction = await ask(related_cog, "When was the series released?", locale=discord.Locale.german)

    shown = seen(interaction.response.send_message)
    assert shown.splitlines()[-2:] == ["[ Where can I watch it? ] [ Number of episodes ]", "[ 👍 ] [ 👎 ]"]
    ids = [b["custom_id"] for b in buttons_of(interaction.response.send_message)]
    assert ids == [
        "lm:rel:en:platform-where",
        "lm:rel:en:episodes-count",
        "lm:vote:en:up:release-date",
        "lm:vote:en:down:release-date",
    ]


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


async def test_did_you_mean_is_one_sentence_and_buttons_only_the_asker_may_press(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "Lotterer Webber", locale=discord.Locale.german)

    embed = embed_of(interaction.response.send_message)
    shown = seen(interaction.response.send_message)
    assert embed.title is None  # no title repeating the sentence
    assert shown.count("Meintest du") == 1
    assert "1." not in shown  # no numbered list while the buttons live
    assert embed.colour == NEUTRAL  # not the colour of a stated fact
    view = interaction.response.send_message.call_args.kwargs["view"]
    ids = [item.custom_id for item in view.children]
    assert 1 <= len(ids) <= 3
    assert all(re.fullmatch(rf"lm:pick:de:{ASKER_ID}:[a-z0-9-]+", i) and len(i) <= 100 for i in ids)
    webber = next(i for i in ids if i.endswith(":cast-webber"))
    message_id = interaction.response.message_id

    stranger = MockInteraction(bot, user_id=OTHER_ID, locale=discord.Locale.german, message_id=message_id)
    await press(view, webber, stranger)
    note = stranger.response.send_message.call_args.args[0]
    assert note.startswith("Nur wer die Frage gestellt hat")
    assert "/frage" in note  # the stranger's client language names the command
    assert stranger.response.send_message.call_args.kwargs["ephemeral"] is True
    stranger.response.edit_message.assert_not_awaited()

    asker = MockInteraction(bot, user_id=ASKER_ID, locale=discord.Locale.german, message_id=message_id)
    await press(view, webber, asker)
    chosen = embed_of(asker.response.edit_message)
    assert chosen.title == "Mark Webber"
    assert "australischer" in (chosen.description or "")  # the question's language, not the presser's
    assert "[ 👍 ] [ 👎 ]" in seen(asker.response.edit_message)
    assert bot.replies.live[message_id].answer.question == "Lotterer Webber"  # a 👍 there keeps the question


async def test_unsure_suggestion_removed_by_reload_is_explained(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "Lotterer Webber")
    view = interaction.response.send_message.call_args.kwargs["view"]
    bot.engine.answer_entry = MagicMock(return_value=None)

    asker = MockInteraction(bot, message_id=interaction.response.message_id)
    await press(view, view.children[0].custom_id, asker)

    assert "gone" in asker.response.send_message.call_args.args[0]
    asker.response.edit_message.assert_not_awaited()


async def test_expired_suggestions_become_a_numbered_list_without_buttons(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "Lotterer Webber")
    titles = [item.item.label for item in interaction.response.send_message.call_args.kwargs["view"].children]

    await bot.replies.expire(interaction.response.message_id)

    interaction.edit_original_response.assert_awaited_once()
    shown = seen(interaction.edit_original_response)
    assert shown.count("Did you mean") == 1
    assert [line.removeprefix("┆ ") for line in shown.splitlines()[1:]] == [
        f"{n}. {title}" for n, title in enumerate(titles, 1)
    ]
    assert interaction.edit_original_response.call_args.kwargs["view"] is None  # removed, not greyed out


async def test_expired_feedback_buttons_are_removed_and_nothing_is_left_disabled(related_cog: Ask) -> None:
    bot = related_cog.bot
    interaction = await ask(related_cog, "When was the series released?")

    await bot.replies.expire(interaction.response.message_id)

    edit = interaction.edit_original_response
    assert seen(edit).splitlines() == ["[ Where can I watch it? ] [ Number of episodes ]"]
    assert not any(button.get("disabled") for button in buttons_of(edit))
    assert interaction.response.message_id not in bot.replies.live
    await bot.replies.expire(interaction.response.message_id)  # once only
    edit.assert_awaited_once()


async def test_dont_know_says_it_once_with_what_the_bot_covers_and_one_example(cog: Ask) -> None:
    interaction = await ask(cog, "was ist das beste auto")

    embed = embed_of(interaction.response.send_message)
    shown = seen(interaction.response.send_message)
    assert embed.title is None
    assert shown.count("weiß ich") == 1
    assert MESSAGES["none"]["de"] in (embed.description or "")
    assert "„Wann kam die Serie raus?“" in shown
    assert embed.colour == NEUTRAL
    assert not isinstance(interaction.response.send_message.call_args.kwargs["view"], discord.ui.View)


@pytest.mark.parametrize(("locale", "command"), [(discord.Locale.german, "/hilfe"), (discord.Locale.french, "/help")])
async def test_hints_name_commands_in_the_askers_client_language(
    cog: Ask, locale: discord.Locale, command: str
) -> None:
    interaction = await ask(cog, "what is the best car ever built", locale=locale)

    shown = seen(interaction.response.send_message)
    assert f"{command} shows everything" in shown
    assert ({"/hilfe", "/help"} - {command}).pop() not in shown


async def test_unknown_is_honest_neutral_and_can_be_rated(cog: Ask) -> None:
    interaction = await ask(cog, "Who composed the music?")

    embed = embed_of(interaction.response.send_message)
    assert embed.title == "Music"
    assert embed.colour == NEUTRAL
    assert source_field(embed)[0] == "Source"
    assert seen(interaction.response.send_message).endswith("[ 👍 ] [ 👎 ]")


async def test_invalid_question_is_answered_privately(cog: Ask) -> None:
    interaction = await ask(cog, "   ")

    assert interaction.response.send_message.call_args.kwargs["ephemeral"] is True
    assert MESSAGES["empty"]["en"] in (embed_of(interaction.response.send_message).description or "")


async def test_feedback_dispatches_one_event_per_vote_and_says_so_when_repeated(cog: Ask, bot: MagicMock) -> None:
    interaction = await ask(cog, "When was the series released?")
    view = interaction.response.send_message.call_args.kwargs["view"]
    up, down = (item.custom_id for item in view.children if item.custom_id.startswith("lm:vote:"))
    assert up.endswith(":up:release-date")
    assert down.endswith(":down:release-date")
    bot.dispatch.reset_mock()
    message_id = interaction.response.message_id

    voter = MockInteraction(bot, user_id=OTHER_ID, locale=discord.Locale.german, message_id=message_id)
    await press(view, up, voter)
    again = MockInteraction(bot, user_id=OTHER_ID, message_id=message_id)
    await press(view, up, again)
    await press(view, down, MockInteraction(bot, user_id=OTHER_ID, message_id=message_id))

    assert voter.response.send_message.call_args.args[0] == "Danke für dein Feedback!"
    assert voter.response.send_message.call_args.kwargs["ephemeral"] is True
    assert again.response.send_message.call_args.args[0] == "You already rated this answer 👍. Thanks!"
    events = [c.args for c in bot.dispatch.call_args_list]
    expected = AnswerFeedback("release-date", True, GUILD_ID, OTHER_ID, "en", "When was the series released?")
    assert events == [
        ("answer_feedback", expected),
        ("answer_feedback", AnswerFeedback("release-date", False, GUILD_ID, OTHER_ID, "en", expected.question)),
    ]


LONG = (
    "Die Serie erschien am 9. Juni 2017 bei Amazon Prime Video. Alle sechs Folgen kamen auf einmal. "
    + "Kritiker lobten die Bilder und die Nähe zu den Fahrern. " * 6,
    "It came out on 9 June 2017 on Amazon Prime Video. All six episodes came at once. "
    + "Critics praised the pictures and the closeness to the drivers. " * 6,
)


async def test_a_long_answer_shows_its_key_fact_first_and_the_rest_behind_more(tmp_path: Path) -> None:
    entries = [
        {**with_related(e), "answer": {"de": LONG[0], "en": LONG[1]}} if e["id"] == "release-date" else e
        for e in knowledge_entries()
    ]
    directory = write_knowledge(tmp_path / "knowledge", entries)
    bot = MockBot(Engine.from_directory(directory), make_settings(directory))
    interaction = await ask(Ask(bot), "When was the series released?")

    first = embed_of(interaction.response.send_message).description or ""
    assert first == "It came out on **9 June 2017** on Amazon Prime Video. All six episodes came at once."
    assert seen(interaction.response.send_message).splitlines()[-2].startswith("[ More ] [ Where can I watch it? ]")
    view = interaction.response.send_message.call_args.kwargs["view"]
    more = MockInteraction(bot, user_id=OTHER_ID, message_id=interaction.response.message_id)
    await press(view, "lm:more:en:release-date", more)

    whole = embed_of(more.response.edit_message).description or ""
    assert whole.startswith(first + "\n\nCritics praised")
    assert "[ More ]" not in seen(more.response.edit_message)
    assert "[ 👍 ] [ 👎 ]" in seen(more.response.edit_message)  # still live
    await bot.replies.expire(interaction.response.message_id)  # expiry keeps the message expanded
    assert "[ More ]" not in seen(interaction.edit_original_response)


async def test_a_related_question_opens_privately_for_whoever_pressed(related_cog: Ask) -> None:
    bot = related_cog.bot
    interaction = await ask(related_cog, "When was the series released?")
    view = interaction.response.send_message.call_args.kwargs["view"]

    other = MockInteraction(bot, user_id=OTHER_ID, message_id=interaction.response.message_id)
    await press(view, "lm:rel:en:platform-where", other)

    shown = seen(other.response.send_message)
    assert shown.startswith("┃ Where can I watch it?")
    assert shown.endswith("(only you can see this)")


RACE = {
    "id": "race-winner",
    "topic": "race",
    "title": {"de": "Sieger 2015", "en": "2015 winners"},
    "answer": {
        "de": "Le Mans 2015 gewann der #19 Porsche. Es war ein Debüt. Der Sieg beendete Audis Serie.",
        "en": "Le Mans 2015 was won by the #19 Porsche. It was a debut. The win ended Audi's run.",
    },
    "questions": {"de": ["Wer hat 2015 gewonnen?"], "en": ["Who won in 2015?"]},
    "sources": [SOURCE_ID],
}


@pytest.mark.parametrize("spoilers", [True, False])
async def test_race_results_are_behind_spoiler_tags_unless_turned_off(tmp_path: Path, spoilers: bool) -> None:
    directory = write_knowledge(tmp_path / "knowledge", [*knowledge_entries(), RACE])
    bot = MockBot(Engine.from_directory(directory), make_settings(directory, spoiler_tags=spoilers))
    interaction = await ask(Ask(bot), "Who won in 2015?")

    text = embed_of(interaction.response.send_message).description or ""
    won, ended = "Le Mans 2015 was won by the #19 Porsche.", "The win ended Audi's run."
    if spoilers:
        assert text == f"||{won}|| It was a debut.\n\n||{ended}||"
    else:
        assert text == f"{won} It was a debut.\n\n{ended}"


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
    assert re.fullmatch(r"Slow down! Try again <t:\d+:R>\.", note.description or "")  # Discord counts down
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
    await cog.bot.replies.expire(message.reply.return_value.id)

    message.reply.return_value.edit.assert_awaited_once()
    assert message.reply.return_value.edit.call_args.kwargs["view"] is None


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
    asker = MockInteraction(bot, locale=discord.Locale.german, message_id=interaction.response.message_id)

    await press(view, view.children[0].custom_id, asker)  # logged as a warning, never raised

    assert asker.response.send_message.call_args.args[0].startswith("Da ist etwas schiefgegangen")
    assert asker.response.send_message.call_args.kwargs["ephemeral"] is True


async def test_a_follow_up_is_read_with_the_same_users_previous_question() -> None:
    cog = Ask(MockBot(Engine.from_directory(REAL_KNOWLEDGE), make_settings(REAL_KNOWLEDGE)))
    await ask(cog, "wann kam die serie raus")
    await ask(cog, "und wo?")
    assert dispatched_answer(cog.bot).answered
    await ask(cog, "und wo?", user_id=ASKER_ID + 1)  # someone else in the same channel: no context
    assert not dispatched_answer(cog.bot).answered
