"""Yes/no questions with a wrong number are answered with "No" first; nothing else gets a verdict."""

from __future__ import annotations

import pytest

from bot.core.engine import Engine
from bot.core.premise import lead
from bot.core.query import Query
from tests.helpers import REAL_KNOWLEDGE

SIX = "The series has six episodes of 26 minutes each."


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Die Serie hat sieben Folgen, oder?", "No."),
        ("has it got 8 episodes?", "No."),
        ("it has six episodes, right?", None),  # true: no verdict, the answer says it
        ("how many episodes are there?", None),  # not a yes/no question
        ("was it released in 2016?", None),  # years are not checked
        ("is it 26 minutes per episode?", None),
        ("has it got 6 or 8 episodes?", None),  # alternatives: one of them is right
        ("has it got 7 or 8 episodes?", "No."),
        # a tag ending the claim offers no choice: one wrong number of two is still wrong
        ("Sechs Folgen à 45 Minuten, oder?", "No."),
        ("six episodes of 45 minutes, or not?", "No."),
        ("Sechs Folgen à 26 Minuten, oder?", None),
    ],
)
def test_a_wrong_number_gets_a_no(question: str, expected: str | None) -> None:
    assert lead(Query.parse(question), SIX, "en") == expected


def test_an_answer_that_says_no_itself_gets_no_second_no() -> None:
    assert lead(Query.parse("is it on netflix, 7 seasons right?"), "No, only on Prime Video, 1 season.", "en") is None


def test_the_engine_leads_with_the_verdict_in_the_answers_language() -> None:
    engine = Engine.from_directory(REAL_KNOWLEDGE)
    german = engine.ask("Hat die Serie wirklich 8 Folgen?")
    assert german.answered
    assert german.text.startswith("Nein. ")
    assert german.text.removeprefix("Nein. ") == engine.ask("Wie viele Folgen hat die Serie?").text
    assert engine.ask("has the series got 8 episodes?").text.startswith("No. ")
    # a number no entry has is the claim to check, not a subject the knowledge lacks
    assert engine.ask("is it 10 episodes?").text.startswith("No. ")
    assert not engine.ask("hat die Serie sechs Folgen?").text.startswith("Nein.")
