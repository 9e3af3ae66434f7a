"""Decisions kept for questions asked again: the same decision as matching afresh, bounded in number."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core import fileformat, knowledge
from bot.core.decide import candidates, decide
from bot.core.knowledge import Knowledge
from bot.core.query import Query
from bot.core.schema import Entry
from tests.knowledge_factory import entry


def make(entry_id: str, en: list[str], **extra: Any) -> Entry:
    return fileformat.Entry.model_validate(entry(entry_id, questions={"de": en, "en": en}, **extra)).record()


@pytest.fixture
def base() -> Knowledge:
    return Knowledge(
        (
            make("release", ["When was the series released?", "Release date of the series?"]),
            make("episodes", ["How many episodes are there?", "How long is an episode?"]),
            make("director", ["Who directed the series?", "Who is the director?"]),
        )
    )


def afresh(base: Knowledge, query: Query) -> Any:
    return decide(candidates(query, base.entries, base.lexical, base.semantic))


def test_a_question_asked_again_gets_the_same_decision(base: Knowledge) -> None:
    query = Query.parse("when was it released")
    first = base.match(query)
    again = base.match(Query.parse("When was it released?!"))  # the same words

    assert again is first
    assert first == afresh(base, query)
    assert first.best is not None
    assert (first.kind, first.best.entry.id) == ("answer", "release")


def test_other_words_are_decided_afresh(base: Knowledge) -> None:
    first = base.match(Query.parse("when was it released"))
    other = base.match(Query.parse("hey when was it released"))  # "hey" is no term, but a word the meaning reads

    assert other is not first
    assert other == afresh(base, Query.parse("hey when was it released"))


def test_the_same_words_weighted_otherwise_are_decided_afresh(base: Knowledge) -> None:
    together = Query.parse("and how long is it").with_context(Query.parse("how many episodes"))
    alike = Query(together.text, together.cleaned, together.terms, together.words)  # the same words, unweighted
    assert together.weights

    assert base.match(together) is base.match(together)
    assert base.match(together) == afresh(base, together)
    assert base.match(alike) is not base.match(together)
    assert base.match(alike) == afresh(base, alike)


def test_only_the_most_recently_asked_are_kept(base: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge, "DECISIONS_KEPT", 3)
    first = base.match(Query.parse("who directed episode 1"))
    early = base.match(Query.parse("who directed episode 2"))
    for number in range(3, 7):
        assert base.match(Query.parse("who directed episode 1")) is first  # asked again each time: it stays
        base.match(Query.parse(f"who directed episode {number}"))

    assert len(base._decided) == 3
    assert base.match(Query.parse("who directed episode 2")) is not early  # the least recently asked left
