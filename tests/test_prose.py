"""Answer text shaped for a chat screen: sentences, the first screen, bold key facts, spoilers."""

from __future__ import annotations

import pytest

from bot.utils.prose import emphasise, first_sentence, hide_outcomes, lead_and_detail, sentences


def test_sentences_keep_dates_abbreviations_and_quotes_whole() -> None:
    text = "Sie erschien am 9. Juni 2017 u. a. bei Prime. Dr. Ullrich sagte: „Gut.“ Dann kam 2015. Ende"

    assert sentences(text) == [
        "Sie erschien am 9. Juni 2017 u. a. bei Prime.",
        "Dr. Ullrich sagte: „Gut.“",
        "Dann kam 2015.",
        "Ende",
    ]


def test_the_lead_is_one_or_two_sentences_within_the_first_screen() -> None:
    short = "It came out on 9 June 2017. All six episodes at once. Reviews were mixed."
    assert lead_and_detail(short) == (
        "It came out on **9 June 2017**. All six episodes at once.",
        "Reviews were mixed.",
    )
    long_second = "It came out in 2017. " + "Then " * 80 + "more."
    assert lead_and_detail(long_second)[0] == "It came out in 2017."
    assert first_sentence("One. Two.") == "One."


@pytest.mark.parametrize(
    ("text", "bold"),
    [
        ("released on 9 June 2017 (a Friday)", "**9 June 2017**"),
        ("erschien am 9. Juni 2017", "**9. Juni 2017**"),
        ("held on 13–14 June 2015 at the circuit", "**13–14 June 2015**"),
        ("has six episodes in one season", "**six episodes**"),
        ("dauert 26 Minuten", "**26 Minuten**"),
        ("after 395 laps", "**395 laps**"),
    ],
)
def test_the_first_date_or_amount_is_bold(text: str, bold: str) -> None:
    assert bold in emphasise(text)
    assert emphasise(text).count("**") == 2


def test_the_24_hours_race_is_a_name_not_an_amount() -> None:
    assert emphasise("the 2015 24 Hours of Le Mans") == "the 2015 24 Hours of Le Mans"


def test_2015_results_are_hidden_and_other_years_are_not() -> None:
    parts = [
        "He won in 2011, 2012 and 2014.",  # before the series' race
        "In 2015 he drove the #7 Audi, which finished third.",
        "It was his debut.",  # no result
        "The win ended Audi's run.",  # a result, after a 2015 result, naming no year
        "Porsche won again in 2016.",  # another year
    ]

    assert hide_outcomes(parts) == [
        "He won in 2011, 2012 and 2014.",
        "||In 2015 he drove the #7 Audi, which finished third.||",
        "It was his debut.",
        "||The win ended Audi's run.||",
        "Porsche won again in 2016.",
    ]


def test_german_results_are_hidden_too() -> None:
    assert hide_outcomes(["2015 fuhr er den #7 Audi, der Dritter wurde."]) == [
        "||2015 fuhr er den #7 Audi, der Dritter wurde.||"
    ]
