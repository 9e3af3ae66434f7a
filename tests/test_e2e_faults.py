"""End to end, when things go wrong: Discord's faults and hostile input, through the real edge.

The real bot on the fixture knowledge against the fake Discord (tests/e2e.py). Every test also checks that
nothing logged an error or a traceback it did not expect, and that no REST call hit an unknown route.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.client import LeMansBot
from bot.core.answers import MAX_QUESTION_LENGTH
from bot.utils import replies
from bot.utils.events import AnswerFeedback
from bot.utils.locale import TEXTS
from bot.utils.preview import render
from tests.e2e import (
    NOBODY,
    LogRecorder,
    custom_ids,
    fixture_engine,
    only_embed,
    replies_to,
    reply_to,
    running_bot,
    settings_for,
)
from tests.fakediscord import FakeDiscord

CALLBACK = r"^/interactions/\d+/[^/]+/callback$"
CHANNEL_MESSAGES = r"^/channels/\d+/messages$"


@pytest_asyncio.fixture
async def bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[LeMansBot]:
    async with running_bot(fake, settings_for(tmp_path), fixture_engine()) as client:
        yield client


def title_of(entry_id: str, lang: str) -> str:
    title: str = getattr(fixture_engine().knowledge.by_id[entry_id].title, lang)
    return title


async def ask(fake: FakeDiscord, question: str = "Wer führte Regie?", **context: Any) -> dict[str, Any]:
    """The embed the bot answers `question` with."""
    return only_embed(await fake.wait_for_callback(await fake.send_command("ask", {"question": question}, **context)))


def warnings_from(log: LogRecorder, logger: str) -> list[str]:
    """The one-line warnings `logger` logged; a Discord-side failure is no bug, so no traceback may come with it."""
    assert log.with_traceback() == []
    return [r.getMessage() for r in log.records if r.name == logger and r.levelno == logging.WARNING]


# ---------------------------------------------------------------------------------------- rate limits


async def test_a_429_on_the_callback_is_waited_out_and_the_answer_arrives(
    fake: FakeDiscord, bot: LeMansBot, log: LogRecorder
) -> None:
    fake.fail_next("POST", CALLBACK, 429, retry_after=0.3)
    sent = await fake.send_command("ask", {"question": "Wer führte Regie?"})
    accepted = await fake.wait_for_callback(sent)

    limited, again = fake.callbacks_for(sent)
    assert (limited.status, again.status) == (429, 200)
    assert again is accepted
    assert again.time - limited.time >= 0.3
    assert sent.latency is not None
    assert sent.latency < fake.interaction_deadline
    assert only_embed(accepted)["title"] == title_of("crew-director", "de")
    assert [r.levelname for r in log.records] == ["WARNING"]  # discord.py says it waits; no traceback
    assert "rate limited" in log.records[0].getMessage()


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_arrives(
    fake: FakeDiscord, bot: LeMansBot, log: LogRecorder
) -> None:
    fake.fail_next("POST", CHANNEL_MESSAGES, 429, retry_after=0.3)
    message = await fake.send_message(f"{fake.users.bot.mention} wann kam die Serie raus?")
    reply = await reply_to(fake, message)

    assert [c.status for c in fake.calls if c.method == "POST" and c.path.endswith("/messages")] == [429, 200]
    assert only_embed(reply)["title"] == title_of("release-date", "de")
    assert all(r.levelname == "WARNING" and not r.exc_info for r in log.records)


# ---------------------------------------------------------------------------------------- server errors


@pytest.mark.usefixtures("quick_retries")
async def test_a_single_500_on_the_callback_is_retried_quietly(fake: FakeDiscord, bot: LeMansBot) -> None:
    fake.fail_next("POST", CALLBACK, 500)
    sent = await fake.send_command("ask", {"question": "Wer führte Regie?"})
    accepted = await fake.wait_for_callback(sent)

    assert [c.status for c in fake.callbacks_for(sent)] == [500, 200]
    assert only_embed(accepted)["title"] == title_of("crew-director", "de")


@pytest.mark.usefixtures("quick_retries")
async def test_a_persistent_500_on_the_callback_is_logged_and_the_next_question_answered(
    fake: FakeDiscord, bot: LeMansBot, log: LogRecorder
) -> None:
    fake.fail_next("POST", CALLBACK, 500, times=5)  # discord.py tries five times, then gives up
    sent = await fake.send_command("ask", {"question": "Wer führte Regie?"})
    note = await fake.wait_for_callback(sent)

    assert [c.status for c in fake.callbacks_for(sent)] == [500] * 5 + [200]
    assert note.json["data"]["flags"] == 64  # the asker hears that something went wrong, privately
    assert note.json["data"]["content"] == TEXTS["error"]["en"]
    (warning,) = warnings_from(log, "bot.utils.views")
    assert "/ask failed" in warning
    assert "500 Internal Server Error" in warning
    assert (await ask(fake, "When was it released?"))["title"] == title_of("release-date", "en")


@pytest.mark.usefixtures("quick_retries")
async def test_a_persistent_500_on_a_reply_is_logged_and_the_next_question_answered(
    fake: FakeDiscord, bot: LeMansBot, log: LogRecorder
) -> None:
    fake.fail_next("POST", CHANNEL_MESSAGES, 500, times=5)
    lost = await fake.send_message(f"{fake.users.bot.mention} wann kam die Serie raus?")

    def posts() -> list[int]:
        return [c.status for c in fake.calls if c.method == "POST" and c.path.endswith("/messages")]

    await fake.wait_until(lambda: len(posts()) == 5 and log.records)

    assert posts() == [500] * 5
    assert [(r.name, r.levelname, bool(r.exc_info)) for r in log.records] == [("bot.exts.ask", "WARNING", False)]
    assert f"could not reply to message {lost['id']}" in log.records[0].getMessage()
    assert "500 Internal Server Error" in log.records[0].getMessage()
    message = await fake.send_message(f"{fake.users.bot.mention} wann kam die Serie raus?")
    assert only_embed(await reply_to(fake, message))["title"] == title_of("release-date", "de")


# ---------------------------------------------------------------------------------------- expired tokens


async def test_an_interaction_answered_too_late_does_not_stop_the_bot(
    fake: FakeDiscord, bot: LeMansBot, log: LogRecorder
) -> None:
    fake.interaction_deadline = 0.0  # every callback comes too late: 404 Unknown interaction, like an expired token
    late = await fake.send_command("ask", {"question": "Wer führte Regie?"})
    await fake.wait_until(lambda: len(fake.callbacks_for(late)) == 2)  # the answer, then the error note

    assert {(c.status, c.response["code"]) for c in fake.callbacks_for(late)} == {(404, 10062)}
    (warning,) = await fake.wait_until(lambda: warnings_from(log, "bot.utils.views"))
    assert "/ask failed" in warning
    assert "error code: 10062" in warning
    fake.interaction_deadline = 3.0
    assert (await ask(fake))["title"] == title_of("crew-director", "de")


async def test_a_button_pressed_on_an_expired_interaction_does_not_stop_the_bot(
    fake: FakeDiscord, bot: LeMansBot, log: LogRecorder
) -> None:
    events: list[AnswerFeedback] = []

    async def on_answer_feedback(feedback: AnswerFeedback) -> None:
        events.append(feedback)

    bot.add_listener(on_answer_feedback)
    asked = await fake.send_command("ask", {"question": "Wer führte Regie?"})
    up, down = custom_ids((await fake.wait_for_callback(asked)).json["data"]["components"])[-2:]
    fake.interaction_deadline = 0.0
    late = await fake.send_component(up, message=asked.original_id)
    await fake.wait_until(lambda: len(fake.callbacks_for(late)) == 2)

    assert {c.status for c in fake.callbacks_for(late)} == {404}
    (warning,) = await fake.wait_until(lambda: warnings_from(log, "bot.utils.views"))
    assert "error code: 10062" in warning
    assert [event.helpful for event in events] == [True]  # the vote itself counted
    fake.interaction_deadline = 3.0
    pressed = await fake.send_component(down, message=asked.original_id, user=fake.users.admin)
    assert (await fake.wait_for_callback(pressed)).json["data"]["content"] == TEXTS["thanks"]["en"]


async def test_expired_buttons_are_removed_and_an_expired_token_is_no_error(
    fake: FakeDiscord, bot: LeMansBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replies, "FEEDBACK_TIMEOUT", 0.3)
    monkeypatch.setattr(replies, "SUGGESTION_TIMEOUT", 0.3)
    kept = await fake.send_command("ask", {"question": "Wer führte Regie?"})
    unsure = await fake.send_command("ask", {"question": "Webber Lotterer Erskine"})
    # the 15 minutes are over when the buttons expire: the message can no longer be edited
    expired = await fake.send_command("ask", {"question": "When was it released?"}, token_lifetime=0.0)
    for sent in (kept, unsure, expired):
        await fake.wait_for_callback(sent)

    def edit_of(sent: Any) -> Callable[[Any], bool]:
        return lambda c: c.method == "PATCH" and c.path.endswith(f"/{sent.token}/messages/@original")

    removed = await fake.wait_for(edit_of(kept))
    listed = await fake.wait_for(edit_of(unsure))
    refused = await fake.wait_for(edit_of(expired))
    assert removed.status == listed.status == 200
    answer = fake.messages[kept.original_id or ""]
    buttons = [b for row in answer["components"] for b in row["components"]]
    assert buttons  # the related questions stay, they keep working
    assert not any(b.get("disabled") for b in buttons)  # nothing greyed out
    assert not any(b.get("custom_id", "").startswith("lm:vote:") for b in buttons)  # 👍/👎 are gone
    suggestions = fake.messages[unsure.original_id or ""]
    assert suggestions["components"] == []
    assert render(suggestions).splitlines()[1:] == ["┆ 1. Mark Webber", "┆ 2. André Lotterer", "┆ 3. Director"]
    assert (refused.status, refused.response["code"]) == (401, 50027)
    assert (await ask(fake))["title"] == title_of("crew-director", "de")


# ---------------------------------------------------------------------------------------- hostile input


def zalgo(text: str) -> str:
    marks = [chr(c) for c in range(0x0300, 0x036F) if unicodedata.combining(chr(c))]
    return "".join(ch + "".join(marks[(i * 7 + k) % len(marks)] for k in range(12)) for i, ch in enumerate(text))


RELEASE = "release-date"  # what "wann kam die Serie raus?" is about
HELP = TEXTS["mention_help_title"]["en"]
# each case: the message (the bot's mention first), and a text the reply's embed must contain ("": any
# reply), or the id of an entry whose German title it must contain
HOSTILE: dict[str, tuple[Callable[[FakeDiscord], str], str]] = {
    "4000-plus-characters": (lambda f: f"{f.users.bot.mention} " + "Wann kam die Serie raus? " * 170, "500"),
    "only-a-mention": (lambda f: f.users.bot.mention, HELP),
    "only-a-nickname-mention": (lambda f: f"<@!{f.users.bot.id}>", HELP),
    "three-mentions-of-the-bot": (
        lambda f: f"{f.users.bot.mention} <@!{f.users.bot.id}>   {f.users.bot.mention}",
        HELP,
    ),
    "everyone-here-role-users": (
        lambda f: (
            f"{f.users.bot.mention} @everyone @here <@&{f.guild.admin_role_id}> <@&{f.guild.id}> "
            f"{f.users.admin.mention} {f.users.owner.mention} wann kam die Serie raus? @everyone"
        ),
        RELEASE,
    ),
    "nul-bytes": (lambda f: f"{f.users.bot.mention} wann\x00 kam die\x00Serie raus?\x00\x00", RELEASE),
    "zalgo": (lambda f: f"{f.users.bot.mention} " + zalgo("wann kam die Serie raus?"), RELEASE),  # (a suggestion)
    "markup": (
        lambda f: (
            f"{f.users.bot.mention} **`||[Release](https://evil.example/@everyone)||`** <:x:1> <t:0:R> "
            f"<#{f.channel['id']}> ```py\nprint('@here')\n``` > @everyone"
        ),
        "",
    ),
    "control-characters": (
        lambda f: f"{f.users.bot.mention} \u202ewann\u200b kam\ufeff die\u0007 Serie raus?\r\n\t",
        RELEASE,
    ),
    "only-punctuation": (lambda f: f"{f.users.bot.mention} ?!?!… ¿¡ ...", "Ask me something about the series"),
}


def shows(embed: dict[str, Any], expected: str) -> bool:
    if expected in fixture_engine().knowledge.by_id:
        expected = title_of(expected, "de")
    return expected in f"{embed.get('title')}\n{embed.get('description')}"


@pytest.mark.parametrize(("make", "expected"), HOSTILE.values(), ids=HOSTILE.keys())
async def test_hostile_mentions_get_one_reply_that_pings_nobody(
    fake: FakeDiscord, bot: LeMansBot, log: LogRecorder, make: Callable[[FakeDiscord], str], expected: str
) -> None:
    hostile = await fake.send_message(make(fake))
    reply = await reply_to(fake, hostile)

    assert reply.json["allowed_mentions"] == NOBODY
    assert not reply.json.get("content")
    assert shows(only_embed(reply), expected)
    stored = fake.messages[reply.response["id"]]
    assert (stored["mentions"], stored["mention_roles"], stored["mention_everyone"]) == ([], [], False)
    # the next question is answered, and by then the hostile one still has exactly one reply
    following = await fake.send_message(f"{fake.users.bot.mention} who directed it?")
    assert only_embed(await reply_to(fake, following))["title"] == title_of("crew-director", "en")
    assert len(replies_to(fake, hostile)) == 1
    assert log.records == []


TYPED = {name: case for name, case in HOSTILE.items() if "mention" not in name}  # what one can type into /ask


@pytest.mark.parametrize(("make", "expected"), TYPED.values(), ids=TYPED.keys())
async def test_hostile_questions_to_ask_get_one_answer_that_pings_nobody(
    fake: FakeDiscord, bot: LeMansBot, log: LogRecorder, make: Callable[[FakeDiscord], str], expected: str
) -> None:
    question = make(fake).replace(fake.users.bot.mention, "").strip()
    sent = await fake.send_command("ask", {"question": question})
    callback = await fake.wait_for_callback(sent)

    assert callback.json["type"] == 4
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}
    assert shows(only_embed(callback), expected)
    if len(question) > MAX_QUESTION_LENGTH:  # Discord itself stops these; the bot says so anyway, privately
        assert callback.json["data"]["flags"] == 64
    assert fake.callbacks_for(sent) == [callback]
    assert (await ask(fake, user=fake.users.admin))["title"] == title_of("crew-director", "de")
    assert log.records == []
