"""The engine: asking, refusing bad input, atomic reloads and autocomplete."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.loader import KnowledgeError
from tests.helpers import REAL_KNOWLEDGE
from tests.knowledge_factory import entry, write


def small_engine(directory: Path) -> Engine:
    write(
        directory,
        "a.yaml",
        [
            entry(
                "release-date",
                answer={"de": "Am 9. Juni 2017.", "en": "On 9 June 2017."},
                questions={"de": ["Wann kam die Serie raus?"], "en": ["When was it released?"]},
                keywords={"de": ["Veröffentlichung"], "en": ["release date"]},
            ),
            entry(
                "director",
                topic="crew",
                answer={"de": "James Erskine.", "en": "James Erskine."},
                questions={"de": ["Wer führte Regie?"], "en": ["Who directed it?"]},
                aliases=["James Erskine"],
            ),
        ],
    )
    return Engine.from_directory(directory)


def test_answers_in_the_questions_language(tmp_path: Path) -> None:
    engine = small_engine(tmp_path)
    german = engine.ask("wann kam die serie raus")
    english = engine.ask("when was the series released?")
    assert (german.kind, german.entry_id, german.lang, german.text) == (
        "answer",
        "release-date",
        "de",
        "Am 9. Juni 2017.",
    )
    assert (english.entry_id, english.lang, english.text) == ("release-date", "en", "On 9 June 2017.")


def test_forced_language_wins_over_detection(tmp_path: Path) -> None:
    assert small_engine(tmp_path).ask("when was it released", lang="de").text == "Am 9. Juni 2017."


@pytest.mark.parametrize("question", ["", "   ", "x" * 501])
def test_bad_input_gets_a_polite_refusal(tmp_path: Path, question: str) -> None:
    answer = small_engine(tmp_path).ask(question)
    assert answer.kind == "invalid"
    assert not answer.answered
    assert answer.text


def test_unrelated_question_is_not_answered(tmp_path: Path) -> None:
    answer = small_engine(tmp_path).ask("what's the weather in Paris tomorrow")
    assert not answer.answered
    assert answer.kind == "none"


def test_reload_reports_changes_and_swaps(tmp_path: Path) -> None:
    engine = small_engine(tmp_path)
    write(tmp_path, "a.yaml", [entry("release-date", answer={"de": "Neu.", "en": "New."}), entry("brand-new")])
    report = engine.reload()
    assert (report.count, report.added, report.removed, report.changed) == (
        2,
        ("brand-new",),
        ("director",),
        ("release-date",),
    )
    assert engine.answer_entry("release-date", "en").text == "New."  # type: ignore[union-attr]


def test_broken_reload_keeps_the_old_knowledge(tmp_path: Path) -> None:
    engine = small_engine(tmp_path)
    before = engine.knowledge
    (tmp_path / "a.yaml").write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        engine.reload()
    assert engine.knowledge is before
    assert engine.ask("wann kam die serie raus").entry_id == "release-date"


def test_questions_during_reloads_always_get_an_answer(tmp_path: Path) -> None:
    engine = small_engine(tmp_path)
    failures: list[str] = []

    def asker() -> None:
        for _ in range(300):
            if engine.ask("who directed it?").entry_id != "director":
                failures.append("lost")

    threads = [threading.Thread(target=asker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for _ in range(20):
        engine.reload()
    for thread in threads:
        thread.join()
    assert failures == []


def test_answer_entry_for_a_removed_entry_is_none(tmp_path: Path) -> None:
    assert small_engine(tmp_path).answer_entry("gone", "de") is None


def test_complete_matches_titles_and_aliases_with_typos(tmp_path: Path) -> None:
    engine = small_engine(tmp_path)
    assert [s.entry_id for s in engine.complete("erskin", "en", topic="crew")] == ["director"]
    assert [s.entry_id for s in engine.complete("", "de", topic="crew")] == ["director"]
    assert engine.complete("zzzz", "en", topic="crew") == []


def cast_engine(directory: Path) -> Engine:
    write(
        directory,
        "a.yaml",
        [
            entry("cast-overview", topic="cast", title={"de": "Besetzung", "en": "Cast"}),
            entry("cast-webber", topic="cast", title={"de": "Mark Webber", "en": "Mark Webber"}, aliases=["Webber"]),
            entry("cast-lotterer", topic="cast", title={"de": "André Lotterer", "en": "André Lotterer"}),
            entry("director", topic="crew", aliases=["James Erskine"]),
        ],
    )
    return Engine.from_directory(directory)


@pytest.mark.parametrize(
    ("name", "entry_id"),
    [
        ("cast-webber", "cast-webber"),  # an autocomplete choice
        ("Mark Webber", "cast-webber"),  # a title
        ("webber", "cast-webber"),  # an alias, in any case
        ("ANDRE LOTTERER", "cast-lotterer"),  # accents aside
        ("Mark Weber", "cast-webber"),  # a typo
        ("Andre Loterer", "cast-lotterer"),
    ],
)
def test_a_person_is_named_by_id_title_alias_or_a_close_typo(tmp_path: Path, name: str, entry_id: str) -> None:
    answer = cast_engine(tmp_path).person(name, "en")

    assert answer is not None
    assert (answer.entry_id, answer.kind) == (entry_id, "answer")


@pytest.mark.parametrize(
    "name",
    ["a", "the", "Mark", "Lotte", "Webster", "Lewis Hamilton", "", "director", "James Erskine", "crew-director"],
)
def test_a_name_that_is_nobodys_names_nobody(tmp_path: Path, name: str) -> None:
    """Similar is not enough: autocomplete may offer "Mark Webber" for "Mark", /cast must not show him."""
    engine = cast_engine(tmp_path)

    assert engine.person(name, "en") is None


@pytest.mark.parametrize("name", ["Rosberg", "Nico Rosberg", "a", "the", "Lewis Hamilton", "Sebastian Vettel"])
def test_people_not_in_the_series_are_nobody_in_the_real_knowledge(name: str) -> None:
    assert Engine.from_directory(REAL_KNOWLEDGE).person(name, "en") is None


def test_browsing_asks_the_engine_not_its_knowledge(tmp_path: Path) -> None:
    engine = cast_engine(tmp_path)

    cast = engine.cast("de")
    assert cast.overview is not None
    assert cast.overview.title == "Besetzung"
    assert [person.entry_id for person in cast.people] == ["cast-webber"]  # who has names (aliases)
    assert [answer.entry_id for answer in engine.topic("en", "crew", "cast")] == [
        "director",
        "cast-overview",
        "cast-webber",
        "cast-lotterer",
    ]
    assert len(engine.topic("en")) == 4
    assert engine.titles("de")["cast-lotterer"] == "André Lotterer"
    assert engine.examples("en", ["crew", "release", "cast"]) == [
        "Question about director?",
        "Question about cast-overview?",
    ]
