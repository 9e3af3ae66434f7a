"""Answer quality on the real knowledge base, judged like the shared scorer judges.

Our own question set (tests/questions.yaml) words things differently from the shared dev set.
At most one wrong in-scope answer; "I don't know" only lowers the correct share.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.answers import Answer
from bot.core.engine import Engine
from bot.core.text import fold
from tests.helpers import REAL_KNOWLEDGE

QUESTIONS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "questions.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_directory(REAL_KNOWLEDGE)


def contains(answer: str, expected: str) -> bool:
    """At the start of a word; a number must stand alone ("6" is not in "26")."""
    want = fold(expected)
    left = r"(?<!\w)" if want[:1].isalnum() else ""
    right = r"(?!\d)" if want[-1:].isdigit() else ""
    return re.search(left + re.escape(want) + right, fold(answer)) is not None


def verdict(item: dict[str, Any], answer: Answer) -> str:
    if item.get("expect") == "abstain":
        return "wrong" if answer.answered else "correct"
    if not answer.answered:
        return "missed"
    wanted = item.get("expect_all") or item["expect_any"]
    check = all if "expect_all" in item else any
    return "correct" if check(contains(answer.text, s) for s in wanted) else "wrong"


def test_no_wrong_answers_and_most_questions_answered(engine: Engine) -> None:
    results = [(item, engine.ask(item["q"])) for item in QUESTIONS]
    verdicts = [(verdict(item, answer), item, answer) for item, answer in results]
    in_scope = [(v, item, answer) for v, item, answer in verdicts if item.get("expect") != "abstain"]
    off_topic = [(v, item, answer) for v, item, answer in verdicts if item.get("expect") == "abstain"]
    wrong = [
        f"{item['q']!r} -> {answer.entry_id}: {answer.text[:80]!r}" for v, item, answer in in_scope if v == "wrong"
    ]
    assert len(wrong) <= 1, wrong
    missed = [item["q"] for v, item, _ in in_scope if v == "missed"]
    assert [v for v, _, _ in in_scope].count("correct") / len(in_scope) >= 0.9, missed
    # Known weakness (issue 9's closing note): a known name with an attribute no source has ("how tall
    # is Lotterer") is still answered with the person's entry about one time in five.
    answered = [item["q"] for v, item, _ in off_topic if v == "wrong"]
    assert len(answered) <= len(off_topic) // 4, answered


@pytest.mark.parametrize(
    ("question", "lang"),
    [("Wer hat Regie geführt?", "de"), ("who directed it", "en"), ("Regisseur?", "de"), ("director?", "en")],
)
def test_answer_language_follows_the_question(engine: Engine, question: str, lang: str) -> None:
    answer = engine.ask(question, fallback="de" if lang == "en" else "en")
    assert answer.answered
    assert answer.lang == lang
    assert fold(answer.text) == fold(getattr(engine.knowledge.by_id[answer.entry_id or ""].answer, lang))


def test_episode_without_a_source_is_not_invented(engine: Engine) -> None:
    for question in ("Wie heißt Folge 4?", "what happens in episode 3?", "episode 6 title"):
        answer = engine.ask(question)
        assert not answer.answered, (question, answer.text)


def test_low_confidence_offers_at_most_three_suggestions(engine: Engine) -> None:
    answer = engine.ask("mardenborough nissan webber")
    assert not answer.answered
    assert 1 <= len(answer.suggestions) <= 3
