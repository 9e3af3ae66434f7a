"""One embed style, always within Discord's limits, for every entry of the real knowledge base."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import discord
import pytest

from bot.core import citations, fileformat
from bot.core.answers import Suggestion
from bot.core.engine import Engine
from bot.core.schema import LANGS, Lang, Source
from bot.utils.embeds import COLOUR, NEUTRAL, bullet_list, make_embed, shorten, sources_field
from bot.utils.prose import sentences
from bot.utils.replies import Replies
from tests.helpers import REAL_KNOWLEDGE, make_settings


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.footer.text or "") <= 2048
    assert len(embed.fields) <= 25
    assert all(len(f.name or "") <= 256 and 0 < len(f.value or "") <= 1024 for f in embed.fields)
    assert len(embed) <= 6000


def test_shorten_marks_the_cut() -> None:
    assert shorten("abc", 3) == "abc"
    assert shorten("abcdef", 4) == "abc…"


def test_bullet_list_says_how_many_were_left_out() -> None:
    text = bullet_list([f"item number {n}" for n in range(200)], "de", 300)

    assert len(text) <= 300
    shown = text.count("• ")
    assert text.endswith(f"… und {200 - shown} weitere")
    assert bullet_list(["a", "b"], "en") == "• a\n• b"


def source(number: int, **extra: str) -> Source:
    fields = {"publisher": f"Zeitung {number}", "url": f"https://example.org/{number}", "language": "de"}
    return fileformat.Source.model_validate({"id": f"s{number}", "kind": "press", **fields, **extra}).record()


def test_sources_field_names_the_best_three_as_links_in_the_answers_language() -> None:
    assert sources_field([], "de") is None
    one = sources_field([source(1, date="2017-06-09")], "de")
    assert one == ("Quelle", "[Zeitung 1, 9. Juni 2017](https://example.org/1)")
    name, value = sources_field([source(n, date="2017-03") for n in range(5)], "en") or ("", "")
    assert name == "Sources"
    assert value.splitlines() == [
        "[Zeitung 0, March 2017](https://example.org/0)",
        "[Zeitung 1, March 2017](https://example.org/1)",
        "[Zeitung 2, March 2017](https://example.org/2)",
        "… and 2 more sources",
    ]


def test_long_addresses_drop_a_link_rather_than_cut_one() -> None:
    long = [source(n, url=f"https://example.org/{n}/{'x' * 400}") for n in range(3)]
    name, value = sources_field(long, "en") or ("", "")
    assert (name, len(value.splitlines())) == ("Sources", 3)
    assert value.endswith("… and 1 more source")
    assert len(value) <= 1024


def test_a_source_link_cannot_be_broken_by_brackets() -> None:
    odd = source(1, publisher="A [B] (C)", url="https://example.org/wiki/A_(B)")
    assert sources_field([odd], "en") == ("Source", "[A (B) (C)](https://example.org/wiki/A_%28B%29)")


def test_oversized_parts_are_cut_to_discords_limits() -> None:
    embed = make_embed(
        "t" * 1000,
        "d" * 10_000,
        fields=[("n" * 300, "v" * 2000)] * 30,
        footer="f" * 3000,
    )

    assert_within_limits(embed)
    assert len(embed.title or "") == 256


@pytest.mark.parametrize("lang", LANGS)
def test_every_real_entry_fits_and_says_its_first_sentence_first(lang: Lang, tmp_path: Path) -> None:
    engine = Engine.from_directory(REAL_KNOWLEDGE)  # an empty or invalid knowledge base fails here
    replies = Replies(engine, make_settings(tmp_path, spoiler_tags=False))
    for entry in engine.knowledge.entries:
        answer = engine.answer_entry(entry.id, lang)
        assert answer is not None
        text = getattr(entry.answer, lang)
        label = citations.label(len(citations.shown(entry.cited)), lang) if entry.cited else None
        for expanded in (False, True):
            reply = replies.answer(answer, asker_id=1, hint_lang=lang, expanded=expanded)
            embed = reply.embed
            assert_within_limits(embed)
            assert embed.title == getattr(entry.title, lang)
            shown = (embed.description or "").replace("**", "")
            assert shown.startswith(sentences(text)[0]), entry.id
            assert shown.replace("\n\n", " ") == text or not expanded, entry.id
            assert [field.name for field in embed.fields] == ([label] if label else [])
            assert embed.colour == (COLOUR if entry.status == "known" else NEUTRAL)
            rows = reply.view.to_components() if reply.view else []
            buttons = [b for row in rows for b in row["components"]]
            assert [b.get("custom_id", "")[:8] for b in buttons[-2:]] == ["lm:vote:", "lm:vote:"]
            has_more = any(b.get("custom_id", "").startswith("lm:more:") for b in buttons)
            assert has_more == (not expanded and shown.replace("\n\n", " ") != text), entry.id


def test_an_answer_that_is_not_clear_cut_offers_its_alternatives_first(tmp_path: Path) -> None:
    engine = Engine.from_directory(REAL_KNOWLEDGE)
    replies = Replies(engine, make_settings(tmp_path))
    answer = engine.answer_entry("release-date", "en")
    assert answer is not None
    alternatives = (Suggestion("platform-subtitles", "Subtitles"), Suggestion("series-trailer", "Trailer"))
    reply = replies.answer(replace(answer, suggestions=alternatives), asker_id=1, hint_lang="en")
    rows = reply.view.to_components() if reply.view else []
    related = [
        b["custom_id"] for row in rows for b in row["components"] if b.get("custom_id", "").startswith("lm:rel:")
    ]
    assert related[:2] == ["lm:rel:en:platform-subtitles", "lm:rel:en:series-trailer"]
    assert len(related) <= 3
