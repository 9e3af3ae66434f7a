"""Hostile and odd input, through the core and through the Discord edge: a clear reply or a polite
refusal every time, no exception, nobody pinged, and no input much slower than a normal question."""

from __future__ import annotations

import functools
import gc
import random
import statistics
import string
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import get_args
from unittest.mock import MagicMock

import discord
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.core.answers import MAX_QUESTION_LENGTH, Answer, Kind
from bot.core.engine import AUTOCOMPLETE_LIMIT, Engine
from bot.core.knowledge import Knowledge
from bot.core.loader import load_directory
from bot.core.premise import NO
from bot.core.schema import LANGS
from bot.exts.ask import Ask
from tests.helpers import (
    BOT_ID,
    BOT_ROLE_ID,
    OTHER_ID,
    REAL_KNOWLEDGE,
    MockBot,
    MockGuild,
    MockInteraction,
    MockMessage,
    MockUser,
    embed_of,
    invoke,
    make_engine,
    make_settings,
)


def zalgo(text: str) -> str:
    marks = "".join(map(chr, range(0x300, 0x36F)))
    return "".join(char + marks[: 12 + len(text) % 7] for char in text)


HOSTILE: dict[str, str] = {
    "empty": "",
    "whitespace": " \n\t\u3000\u200b ",
    "only-a-mention": f"<@{BOT_ID}>",
    "only-mentions": f"<@{BOT_ID}> <@!{OTHER_ID}> <@&{BOT_ROLE_ID}> <#123>",
    "4000-characters": "Wann kam die Serie raus? " * 160,
    "4000-one-word": "a" * 4000,
    "501-characters": "x" * (MAX_QUESTION_LENGTH + 1),
    "only-emoji": "🏎️🏁🔥🇩🇪👨‍👩‍👧" * 20,
    "custom-emoji": "<:porsche:123456789012345678> <a:flag:987654321098765432>",
    "zalgo": zalgo("wann kam die serie raus"),
    "right-to-left": "متى صدر المسلسل؟ \u202ewann kam die Serie raus?\u202c",
    "hebrew": "מתי יצאה הסדרה?",
    "control-characters": "wann\x07kam\x1bdie\x08Serie\r\nraus\x0b?\x7f\x85",
    "nul-bytes": "When\x00 was it\x00 released?\x00",
    "lone-surrogates": "\ud800 wann kam die serie raus \udfff",
    "code-block": "```python\nimport os; os.system('rm -rf /')  # when was it released\n```",
    "markdown": "**When** was it _released_? ~~x~~ ||spoiler|| > quote\n# heading [link](https://evil.example)",
    "everyone-here": "@everyone @here when was it released?",
    "user-and-role-mentions": f"<@{OTHER_ID}> <@!{OTHER_ID}> <@&{OTHER_ID}> who directed it?",
    "sql": "'; DROP TABLE questions; -- when was it released? OR 1=1 /*",
    "yaml": "entries:\n  - id: x\n    answer: !!python/object/apply:os.system ['rm -rf /']\n&a [*a, *a]",
    "format-strings": "{0} {answer} {__class__} %s %(x)s %n {{}} when was it released?",
    "regex-bait": "(" * 200 + "a+" * 50 + ")" * 200,
    "long-word": "Produktionsfirma" * 31,
    "many-numbers": " ".join(str(n) for n in range(1000))[:MAX_QUESTION_LENGTH],
    "episode-spam": "Folge 3 third episode S01E03 " * 17,
    "links": "https://evil.example/?q=" + "a" * 470,
    "fullwidth": "ｗｈｅｎ ｗａｓ ｉｔ ｒｅｌｅａｓｅｄ？",
}


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_directory(REAL_KNOWLEDGE)


@pytest.fixture(scope="module")
def engine(knowledge: Knowledge) -> Engine:
    return Engine(knowledge, REAL_KNOWLEDGE)


def check_answer(engine: Engine, answer: Answer) -> None:
    """What every reply must be: a kind, text to show, and facts only from an entry that exists."""
    assert isinstance(answer, Answer)
    assert answer.kind in get_args(Kind)
    assert answer.lang in LANGS
    assert answer.text.strip()
    entry = engine.knowledge.by_id.get(answer.entry_id or "")
    if answer.kind in ("answer", "unknown"):
        assert entry is not None
        # the entry's own text, after a "No." where the question claimed a number it contradicts
        assert answer.text.removeprefix(f"{NO[answer.lang]} ") == getattr(entry.answer, answer.lang)
        assert answer.kind == ("answer" if entry.status == "known" else "unknown")
    assert answer.answered == (answer.kind == "answer")
    for suggestion in answer.suggestions:
        assert suggestion.entry_id in engine.knowledge.by_id


# --- the core ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_engine_answers_or_refuses_everything(engine: Engine, text: str) -> None:
    for lang in (None, "de", "en"):
        answer = engine.ask(text, lang=lang)
        check_answer(engine, answer)
        for topic in (None, "cast"):
            choices = engine.complete(text, lang or "en", topic=topic)
            assert len(choices) <= AUTOCOMPLETE_LIMIT
            assert all(choice.entry_id in engine.knowledge.by_id for choice in choices)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty", "empty"),
        ("whitespace", "empty"),
        ("only-a-mention", "empty"),
        ("only-emoji", "empty"),
        ("custom-emoji", "empty"),
        ("4000-characters", "too_long"),
        ("501-characters", "too_long"),
    ],
)
def test_no_question_or_too_much_is_politely_refused(engine: Engine, name: str, message: str) -> None:
    from bot.core.answers import MESSAGES

    answer = engine.ask(HOSTILE[name], lang="en")
    assert (answer.kind, answer.text) == ("invalid", MESSAGES[message]["en"])


@pytest.mark.parametrize("name", ["zalgo", "control-characters", "nul-bytes", "lone-surrogates", "fullwidth"])
def test_noise_around_a_real_question_does_not_hide_it(engine: Engine, name: str) -> None:
    assert engine.ask(HOSTILE[name]).entry_id == "release-date"


def test_mentions_and_markup_do_not_change_the_answer(engine: Engine) -> None:
    plain = engine.ask("who directed it?")
    for text in (HOSTILE["user-and-role-mentions"], f"@everyone {plain.question} <@&{OTHER_ID}>"):
        assert engine.ask(text).entry_id == plain.entry_id


def random_words(seed: int, length: int, letters: str) -> str:
    """Fresh words every time, so the matcher's per-term cache cannot hide the real cost."""
    rng = random.Random(seed)
    words = (("".join(rng.choices(letters, k=rng.randint(4, 11)))) for _ in range(length))
    return " ".join(words)[:length]


WORST_CASES: dict[str, Callable[[int], str]] = {
    # every word a near-miss of some known word: the most fuzzy matching per character
    "typo-soup": lambda seed: random_words(seed, MAX_QUESTION_LENGTH, "aeiourtnslmkdpgbfw"),
    "long-unknown-words": lambda seed: random_words(seed, MAX_QUESTION_LENGTH, string.ascii_lowercase) + "x" * 60,
    "4000-autocomplete": lambda seed: random_words(seed, 4000, string.ascii_lowercase),
    **{name: functools.partial("{} {}".format, text) for name, text in HOSTILE.items()},
}


def test_no_input_is_pathologically_slow(knowledge: Knowledge) -> None:
    """Timed against normal questions in the same run on the same machine, never against a clock:
    each worst case must stay within 100× a normal question (a blow-up would be 10 000× and more)."""

    def timed(engine: Engine, text: str) -> float:
        started = time.perf_counter()
        engine.ask(text)
        engine.complete(text, "en")
        return time.perf_counter() - started

    gc.disable()
    try:
        engine = Engine(Knowledge(knowledge.entries), REAL_KNOWLEDGE)  # cold caches
        normal = statistics.median(
            timed(engine, f"{question} {n}")
            for n, question in enumerate(
                ["When was the series released?", "Wie viele Folgen hat die Serie?", "who directed it?"] * 3
            )
        )
        worst = {name: min(timed(engine, make(seed)) for seed in range(3)) for name, make in WORST_CASES.items()}
    finally:
        gc.enable()

    slowest = max(worst, key=worst.__getitem__)
    assert worst[slowest] < 100 * normal, f"{slowest}: {worst[slowest] * 1000:.1f} ms vs {normal * 1000:.2f} ms"


# --- a property: any text at all -----------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "wann", "when", "wie viele", "how many", "Folge", "episode", "third", "dritte", "S01E03", "3.", "24h",
        "Webber", "Lotterer", "Porsche", "Serie", "released", "Prime", "2015", "2017", "who", "wer", "?", "!",
        "@everyone", "@here", f"<@{BOT_ID}>", f"<@&{OTHER_ID}>", "<#1>", "<:e:1>", "<t:0:R>", "https://x.y/z",
        "```", "**", "||", "\x00", "\u202e", "\u200b", "🏎️", "ß", "ÄÖÜ", "́", "'; --", "{0}", "%s", "\\",
    ]
)  # fmt: skip
TEXTS = st.one_of(
    st.text(max_size=MAX_QUESTION_LENGTH + 20),
    st.text(st.characters(exclude_categories=()), max_size=80),  # surrogates, controls, unassigned too
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=10)), max_size=40).map(" ".join),
    st.lists(FRAGMENTS, min_size=1, max_size=12).map("".join),
)


@pytest.mark.timeout(600)  # 10 000 generated texts: about a minute on a quiet machine, three on a busy one
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, lang=st.sampled_from([None, "de", "en"]))
@example(text="½:NE", lang=None)  # a fraction's digits read as a claimed number, "ne" as a yes/no tag: "No." first
def test_any_text_gets_a_valid_answer(engine: Engine, text: str, lang: str | None) -> None:
    check_answer(engine, engine.ask(text, lang=lang))  # type: ignore[arg-type]


@settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, lang=st.sampled_from(LANGS), topic=st.sampled_from([None, "cast", "episodes"]))
def test_any_text_gets_valid_autocomplete_choices(engine: Engine, text: str, lang: str, topic: str | None) -> None:
    choices = engine.complete(text, lang, topic=topic)  # type: ignore[arg-type]
    assert len(choices) <= AUTOCOMPLETE_LIMIT
    assert all(choice.entry_id in engine.knowledge.by_id for choice in choices)


# --- the Discord edge ----------------------------------------------------------------------------


@pytest.fixture
def cog(tmp_path: Path) -> Ask:
    return Ask(MockBot(make_engine(tmp_path / "knowledge"), make_settings(tmp_path / "knowledge")))


def pings_nobody(kwargs: Mapping[str, object]) -> bool:
    allowed = kwargs["allowed_mentions"]
    assert isinstance(allowed, discord.AllowedMentions)
    return dict(allowed.to_dict()) == {"parse": []} and not allowed.replied_user and "content" not in kwargs


def one_clear_embed(sent: MagicMock) -> None:
    sent.assert_awaited_once()
    embed = embed_of(sent)
    assert (embed.description or "").strip()
    assert len(embed) <= 6000
    assert pings_nobody(sent.call_args.kwargs)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
async def test_slash_ask_replies_once_and_pings_nobody(cog: Ask, text: str) -> None:
    interaction = MockInteraction(cog.bot)

    await invoke(cog.ask, cog, interaction, text)

    one_clear_embed(interaction.response.send_message)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
async def test_a_mention_or_dm_replies_once_and_pings_nobody(cog: Ask, text: str) -> None:
    for message in (
        MockMessage(f"<@{BOT_ID}> {text}", guild=MockGuild(), mentions=[MockUser(id=BOT_ID, bot=True)]),
        MockMessage(f"{text} <@!{BOT_ID}>", guild=MockGuild(), mentions=[MockUser(id=BOT_ID, bot=True)]),
        MockMessage(text or " ", author=MockUser()),  # a DM; Discord never delivers an empty one
    ):
        await cog.on_message(message)

        one_clear_embed(message.reply)
        assert message.reply.call_args.kwargs["mention_author"] is False
