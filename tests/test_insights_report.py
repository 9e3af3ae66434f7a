"""The report: near-duplicates grouped like the matcher would see them, unhelpful entries, plain text."""

from __future__ import annotations

from bot.insights.report import SHOWN, build_report, format_report, group_questions, readable
from bot.insights.store import Tally, Votes


def test_near_duplicates_are_one_question_with_the_most_asked_wording() -> None:
    groups = group_questions(
        [
            ("when will season two come out", 2),
            ("When does season 2 come out?", 3),
            ("Wann kommt Staffel 2?", 1),
            ("wann kommt   staffel 2!!", 3),
            ("Who is Lewis Hamilton?", 1),
        ]
    )

    assert [(g.question, g.count, g.wordings) for g in groups] == [
        ("When does season 2 come out?", 5, 2),
        ("wann kommt staffel 2!!", 4, 2),
        ("Who is Lewis Hamilton?", 1, 1),
    ]


def test_different_questions_stay_apart() -> None:
    questions = ["Who is Lewis Hamilton?", "Who is Nico Rosberg?", "Is there a season 2?", "Is there a book?"]

    assert len(group_questions((q, 1) for q in questions)) == 4


def test_questions_without_words_group_by_their_text() -> None:
    groups = group_questions([("🏎️🏎️", 2), ("🏎️🏎️", 1), ("???", 1), ("", 1)])

    assert sorted((g.question, g.count) for g in groups) == [("", 1), ("???", 1), ("🏎️🏎️", 3)]


def test_readable_is_one_line_without_invisible_tricks() -> None:
    assert readable("a\x00b\n\n c\u202ed\tz") == "ab cd z"
    assert readable("  spaced \r\n out ") == "spaced out"


def test_the_report_lists_the_most_asked_and_the_votes() -> None:
    topics = "Hamilton Rosberg Alonso Vettel soundtrack sequel book podcast trailer poster budget camera drone"
    topics += " Daytona Sebring"
    counts = tuple((f"What about {topic}?", 100 - n) for n, topic in enumerate(topics.split()))
    assert len(counts) == SHOWN + 5
    votes = (Votes("release-date", 1, 4),)

    report = build_report(Tally(counts, votes), 30)

    assert report.asked == sum(n for _, n in counts)
    assert report.groups == SHOWN + 5
    assert len(report.questions) == SHOWN
    assert report.questions[0].count == 100
    text = format_report(report)
    assert (
        text.splitlines()[0] == f"Unanswered questions in the last 30 days: {report.asked} asked, {SHOWN + 5} different"
    )
    assert "   100×  What about Hamilton?" in text
    assert "  release-date: 4 not helpful, 1 helpful" in text


def test_an_empty_report_says_so() -> None:
    text = format_report(build_report(Tally((), ()), 7))

    assert text == (
        "Unanswered questions in the last 7 days: 0 asked, 0 different\n\nNo answer was marked not helpful."
    )
