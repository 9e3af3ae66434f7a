"""Every reply a reader can get from the real knowledge, in both languages, names publications, never
the research material: no "seed " file, no ".txt", no "facts.md". And every fact answer carries a
source a reader can click."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import discord
import pytest

from bot.cli import _render
from bot.config import Settings
from bot.core import citations
from bot.core.answers import Answer
from bot.core.engine import Engine
from bot.core.loader import load_directory
from bot.core.schema import LANGS, Lang
from bot.exts.browse import Browse
from bot.utils.replies import Replies
from bot.utils.sources import SourcesButton, source_items, sources_embed
from tests.helpers import REAL_KNOWLEDGE, MockBot, MockInteraction, embed_of, invoke, make_settings

INTERNAL = re.compile(r"seed |\.txt|facts\.md", re.IGNORECASE)
LOCALES: dict[Lang, discord.Locale] = {"de": discord.Locale.german, "en": discord.Locale.british_english}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_directory(REAL_KNOWLEDGE)


@functools.cache
def replies() -> Replies:
    return Replies(Engine.from_directory(REAL_KNOWLEDGE), Settings(knowledge_dir=REAL_KNOWLEDGE))


def answer_embed(answer: Answer) -> discord.Embed:
    """The embed Discord gets for `answer`, with the whole text (as after More)."""
    return replies().answer(answer, asker_id=1, hint_lang=answer.lang, expanded=True).embed


def shown_to_readers(answer: Answer) -> list[str]:
    """Everything each surface shows of an answer: the CLI's text, the JSON, the embed, the buttons
    and what the "Sources" button opens."""
    texts = [_render(answer), json.dumps(answer.to_json(), ensure_ascii=False)]
    texts.append(json.dumps(answer_embed(answer).to_dict(), ensure_ascii=False))
    for item in source_items(answer):
        button = item.item if isinstance(item, SourcesButton) else item
        assert isinstance(button, discord.ui.Button)
        texts.append(f"{button.label} {button.url}")
    texts.append(json.dumps(sources_embed(answer).to_dict(), ensure_ascii=False))
    return texts


def test_the_real_knowledge_loads_without_problems_or_warnings() -> None:
    knowledge = load_directory(REAL_KNOWLEDGE)

    assert knowledge.warnings == ()
    assert all(entry.cited for entry in knowledge.entries if entry.status == "known")


@pytest.mark.parametrize("lang", LANGS)
def test_no_answer_shows_internal_names(engine: Engine, lang: Lang) -> None:
    for entry in engine.knowledge.entries:
        by_id = engine.answer_entry(entry.id, lang)
        asked = engine.ask(getattr(entry.questions, lang)[0], lang=lang)
        for answer in (by_id, asked):
            assert answer is not None
            for text in shown_to_readers(answer):
                assert not INTERNAL.search(text), (entry.id, lang, text)


@pytest.mark.parametrize("lang", LANGS)
def test_every_known_fact_names_a_linked_publication(engine: Engine, lang: Lang) -> None:
    for entry in engine.knowledge.entries:
        answer = engine.answer_entry(entry.id, lang)
        assert answer is not None
        if entry.status == "known":
            [(name, value)] = [(f.name, f.value) for f in answer_embed(answer).fields]
            assert name == citations.label(len(citations.shown(answer.sources)), lang)
            assert re.match(r"^\[[^\]]+\]\(https?://\S+\)", value or ""), (entry.id, value)


@pytest.mark.parametrize("entry_id", ["release-date", "cast-webber", "cast-overview", "crew-director"])
@pytest.mark.parametrize("lang", LANGS)
def test_release_cast_and_crew_name_publications_with_dates_and_links(
    engine: Engine, entry_id: str, lang: Lang
) -> None:
    answer = engine.answer_entry(entry_id, lang)
    assert answer is not None
    shown = citations.shown(answer.sources)
    assert shown
    assert all(source.date for source in shown), [source.id for source in shown]
    value = answer_embed(answer).fields[0].value or ""
    for source in shown:
        assert f"[{citations.cite(source, lang)}]({source.url})" in value
    assert re.search(r"\d{4}", citations.cite(shown[0], lang))


@pytest.mark.parametrize("lang", LANGS)
async def test_no_command_or_button_shows_internal_names(engine: Engine, lang: Lang, tmp_path: Path) -> None:
    bot = MockBot(engine, make_settings(tmp_path))
    cog = Browse(bot)
    commands: list[tuple[object, tuple[object, ...]]] = [
        (cog.about, ()),
        (cog.crew, ()),
        (cog.release, ()),
        (cog.cast, ()),
        (cog.episodes, ()),
        *((cog.episode, (number,)) for number in sorted(engine.knowledge.episodes())),
        *((cog.cast, (entry.id,)) for entry in engine.knowledge.topic("cast") if entry.aliases),  # people
    ]
    for command, args in commands:
        interaction = MockInteraction(bot, locale=LOCALES[lang])
        await invoke(command, cog, interaction, *args)
        embed = embed_of(interaction.response.send_message)
        text = json.dumps(embed.to_dict(), ensure_ascii=False)
        assert not INTERNAL.search(text), (command, args, text)
    for entry in engine.knowledge.entries:
        answer = engine.answer_entry(entry.id, lang)
        assert answer is not None
        reply = bot.replies.answer(answer, asker_id=1, hint_lang=lang)
        for item in reply.view.children if reply.view else []:
            if isinstance(item, SourcesButton):
                pressed = MockInteraction(bot, locale=LOCALES[lang])
                await item.show(pressed)
                text = json.dumps(embed_of(pressed.response.send_message).to_dict(), ensure_ascii=False)
                assert not INTERNAL.search(text), (entry.id, text)


async def test_about_counts_sources_by_kind(engine: Engine, tmp_path: Path) -> None:
    counts = citations.by_kind({s.id: s for e in engine.knowledge.entries for s in e.cited}.values())
    assert sum(counts.values()) == len(engine.knowledge.sources)
    assert counts["press"] > 0
    assert counts["review"] > 0
    bot = MockBot(engine, make_settings(tmp_path))
    cog = Browse(bot)
    interaction = MockInteraction(bot, locale=LOCALES["en"])

    await invoke(cog.about, cog, interaction)

    text = json.dumps(embed_of(interaction.response.send_message).to_dict(), ensure_ascii=False)
    assert f"{counts['press']} press articles" in text
    assert f"{counts['review']} reviews" in text
