"""The engine: asking, refusing bad input, atomic reloads and autocomplete."""

from __future__ import annotations

import concurrent.futures
import threading
from pathlib import Path

import pytest

from bot.core import engine as engine_module
from bot.core.answers import Suggestion
from bot.core.cache import KnowledgeCache
from bot.core.engine import Engine
from bot.core.knowledge import Knowledge
from bot.core.loader import KnowledgeError, Texts, load_texts
from tests.helpers import REAL_KNOWLEDGE
from tests.knowledge_factory import director, entry, write

RELEASED = {"de": ["Wann kam die Serie raus?"], "en": ["When was it released?"]}


def small_engine(directory: Path) -> Engine:
    write(
        directory,
        "a.yaml",
        [
            entry(
                "release-date",
                answer={"de": "Am 9. Juni 2017.", "en": "On 9 June 2017."},
                questions=RELEASED,
                keywords={"de": ["Veröffentlichung"], "en": ["release date"]},
            ),
            director(),
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


def test_a_reload_of_unchanged_files_keeps_the_knowledge_as_it_is(tmp_path: Path) -> None:
    engine = small_engine(tmp_path)
    before = engine.knowledge
    path = tmp_path / "a.yaml"
    path.write_bytes(path.read_bytes())  # saved again, unchanged
    report = engine.reload()
    assert (report.count, report.added, report.removed, report.changed) == (2, (), (), ())
    assert engine.knowledge is before


def test_an_edit_that_changes_no_entry_is_still_read(tmp_path: Path) -> None:
    """Only identical bytes are skipped: a new comment is read and validated (and changes no entry)."""
    engine = small_engine(tmp_path)
    before = engine.knowledge
    path = tmp_path / "a.yaml"
    path.write_text("# checked by the editor\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    report = engine.reload()
    assert (report.count, report.added, report.removed, report.changed) == (2, (), (), ())
    assert engine.knowledge is not before
    assert engine.knowledge.fingerprint != before.fingerprint
    path.write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        engine.reload()


def test_broken_reload_keeps_the_old_knowledge(tmp_path: Path) -> None:
    engine = small_engine(tmp_path)
    before = engine.knowledge
    (tmp_path / "a.yaml").write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        engine.reload()
    assert engine.knowledge is before
    assert engine.ask("wann kam die serie raus").entry_id == "release-date"


def test_a_question_during_a_reload_is_answered_from_the_whole_old_knowledge_until_the_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic: the reload is held inside reading the files while a question is asked."""
    engine = small_engine(tmp_path)
    before = engine.knowledge
    write(tmp_path, "a.yaml", [entry("release-date", answer={"de": "Neu.", "en": "New."}, questions=RELEASED)])
    reading, go_on = threading.Event(), threading.Event()

    def held(texts: Texts, cache: KnowledgeCache | None) -> Knowledge:
        reading.set()
        go_on.wait()
        return load_texts(texts, cache)

    monkeypatch.setattr(engine_module, "load_texts", held)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        reloaded = pool.submit(engine.reload)
        try:
            while not reading.wait(0.01):  # the reload is reading the files, or failed before
                assert not reloaded.done(), reloaded.result()
            assert engine.knowledge is before
            assert engine.ask("who directed it?").text == "James Erskine."  # the old knowledge, whole
            assert engine.ask("When was it released?").text == "On 9 June 2017."
        finally:
            go_on.set()
        reloaded.result()

    assert engine.ask("When was it released?").text == "New."
    assert engine.answer_entry("director", "en") is None


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
            entry(
                "cast-webber",
                topic="cast",
                title={"de": "Mark Webber", "en": "Mark Webber"},
                aliases=["Webber"],
                related=["cast-lotterer"],
            ),
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
    assert engine.related("cast-webber", "de") == [Suggestion("cast-lotterer", "André Lotterer")]
    assert engine.related("gone", "de") == []
    assert engine.examples("en", ["crew", "release", "cast"]) == [
        "Question about director?",
        "Question about cast-overview?",
    ]


def race_engine(directory: Path) -> Engine:
    """A winner who is about 2015 only, and an entry about one person's team mates."""
    write(
        directory,
        "a.yaml",
        [
            entry(
                "winner",
                topic="race",
                answer={"de": "Porsche gewann das Rennen 2015.", "en": "Porsche won the race in 2015."},
                questions={"de": ["Wer hat das Rennen gewonnen?"], "en": ["Who won the race?"]},
            ),
            entry(
                "weather",
                topic="race",
                answer={"de": "2016 regnete es.", "en": "It rained in 2016."},
                questions={"de": ["Wie war das Wetter?"], "en": ["What was the weather like?"]},
            ),
            entry("cast-webber", topic="cast", title={"de": "Mark Webber", "en": "Mark Webber"}, aliases=["Webber"]),
            entry(
                "cast-lotterer",
                topic="cast",
                title={"de": "André Lotterer", "en": "André Lotterer"},
                aliases=["Lotterer"],
            ),
            entry(
                "team-mates",
                topic="cast",
                answer={
                    "de": "Webbers Teamkollegen: Hartley und Bernhard.",
                    "en": "Webber's team mates: Hartley, Bernhard.",
                },
                questions={"de": ["Wer waren Webbers Teamkollegen?"], "en": ["Who were Webber's team mates?"]},
            ),
        ],
    )
    return Engine.from_directory(directory)


def test_a_year_asked_about_rules_out_entries_that_never_mention_it(tmp_path: Path) -> None:
    engine = race_engine(tmp_path)

    assert engine.ask("Who won the race in 2015?").entry_id == "winner"
    assert not engine.ask("Who won the race in 2016?").answered  # the winner entry knows 2015 only


def test_an_answer_must_be_about_every_person_the_question_names(tmp_path: Path) -> None:
    engine = race_engine(tmp_path)

    assert engine.ask("Who were Webber's team mates?").entry_id == "team-mates"
    assert not engine.ask("Who were Lotterer's team mates?").answered  # the entry is about Webber's
