"""Retrieval and the decision on small synthetic knowledge: typos, unknown words, episodes, margins."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core import fileformat
from bot.core.decide import Match
from bot.core.knowledge import Knowledge
from bot.core.loader import load_directory
from bot.core.query import Query
from bot.core.schema import Entry
from tests.helpers import REAL_KNOWLEDGE
from tests.knowledge_factory import entry


def make(entry_id: str, de: list[str], en: list[str], **extra: Any) -> Entry:
    return fileformat.Entry.model_validate(entry(entry_id, questions={"de": de, "en": en}, **extra)).record()


@pytest.fixture(scope="module")
def index() -> Knowledge:
    return Knowledge(
        (
            make(
                "webber",
                ["Wer ist Mark Webber?"],
                ["Who is Mark Webber?", "When did Webber first race at Le Mans?"],
                aliases=["Mark Webber"],
                topic="cast",
                answer={"de": "Australier, fuhr 1998 erstmals in Le Mans.", "en": "Australian, first raced in 1998."},
            ),
            make(
                "mardenborough",
                ["Wer ist Jann Mardenborough?", "Wie alt war Mardenborough beim E-Sport-Sieg?"],
                ["Who is Jann Mardenborough?", "How old was Mardenborough when he won?"],
                aliases=["Jann Mardenborough"],
                topic="cast",
            ),
            make("winner-2015", ["Wer hat 2015 gewonnen?"], ["Who won the race in 2015?"]),
            make("release", ["Wann kam die Serie raus?"], ["When was it released?"]),
            make("release-weekday", ["An welchem Wochentag kam sie raus?"], ["Which weekday was it released?"]),
            make("episode-1", ["Worum geht es in der Folge?"], ["What is the episode about?"], episode=1),
            make(
                "episode-3",
                ["Worum geht es in der Folge?"],
                ["What is the episode about?"],
                episode=3,
                status="unknown",
            ),
            make("platform", ["Wo kann ich sie schauen?"], ["Where can I watch it?"], keywords={"en": ["netflix"]}),
        )
    )


def decide(knowledge: Knowledge, question: str) -> Match:
    return knowledge.match(Query.parse(question))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("who is mark webbr", "webber"),
        ("wer ist jann mardenbourgh", "mardenborough"),
        ("can i watch it on netflx", "platform"),
        ("When was it relased?", "release"),
        ("which weekday was the release", "release-weekday"),
        ("what's the third episode about", "episode-3"),
        ("Worum geht es in Folge 1?", "episode-1"),
    ],
)
def test_answers_despite_typos_and_rewording(index: Knowledge, question: str, expected: str) -> None:
    match = decide(index, question)
    assert match.kind == "answer"
    assert match.best is not None
    assert match.best.entry.id == expected


@pytest.mark.parametrize(
    "question",
    [
        "who won in 2019",  # a year no entry knows
        "how old is mark webber",  # a known name, an unknown attribute
        "what's lewis hamilton's role",  # a name no entry knows
        "tell me a joke",
        "asdf qwertz",
    ],
)
def test_unknown_parts_of_a_question_prevent_an_answer(index: Knowledge, question: str) -> None:
    assert decide(index, question).kind != "answer"


def test_an_episode_number_excludes_other_episodes(index: Knowledge) -> None:
    found = index.lexical.search(Query.parse("what is episode 3 about"))
    ids = [index.entries[hit.position].id for hit in found.hits]
    assert "episode-3" in ids
    assert "episode-1" not in ids


def test_an_episode_example_asked_as_written_scores_full_marks() -> None:
    """An example that names its episode in words ("the last episode") must match as asked, or
    an entry that shares its words ("How long does an episode last?") outranks it."""
    knowledge = Knowledge(
        (
            make("runtime", ["Wie lange dauert eine Folge?"], ["How long does an episode last?"]),
            make("episode-6", ["Worum geht es in Folge 6?"], ["What's the last episode about?"], episode=6),
        )
    )
    found = knowledge.lexical.search(Query.parse("What's the last episode about?"))
    scores = {knowledge.entries[hit.position].id: hit.score for hit in found.hits}

    assert scores["episode-6"] == 100
    assert scores["runtime"] < 100


def test_ambiguous_question_gives_suggestions_not_an_answer(index: Knowledge) -> None:
    match = decide(index, "mardenborough webber")
    assert match.kind == "unsure"
    assert {s.entry.id for s in match.suggestions} >= {"webber", "mardenborough"}
    assert len(match.suggestions) <= 3


def test_nothing_in_common_means_no_suggestions(index: Knowledge) -> None:
    match = decide(index, "zzzz yyyy")
    assert (match.kind, match.suggestions) == ("none", ())


def test_an_everyday_word_no_entry_knows_weighs_less_than_a_rare_one(index: Knowledge) -> None:
    found = dict(index.lexical.search(Query.parse("when was it released problem verstappen")).unknown)
    assert found["problem"] < found["verstapp"] / 2


def test_only_what_the_question_asks_can_be_unknown(index: Knowledge) -> None:
    asked = index.lexical.search(Query.parse("when was it released, verstappen?"))
    chatter = index.lexical.search(Query.parse("when was it released? my dog verstappen threw up on the rug"))
    assert dict(asked.unknown)["verstapp"] > 0
    assert not chatter.unknown
    assert chatter.unnamed_weight < index.lexical.search(Query.parse("when was it released verstappen")).unnamed_weight


def test_what_no_source_can_speak_of_stays_unknown_to_the_real_knowledge() -> None:
    """ "?now", "?weather" and "?support" decline questions only while no entry's text uses them
    ("today" in an answer would make "this year" a word the knowledge knows)."""
    knowledge = load_directory(REAL_KNOWLEDGE)
    for question, concept in (
        ("Wer wird dieses Jahr Weltmeister?", "?now"),
        ("wie wird das Wetter in Le Mans am Wochenende", "?weather"),
        ("wie kündige ich mein Prime-Abo", "?support"),
    ):
        assert concept in dict(knowledge.lexical.search(Query.parse(question)).unknown)


def test_a_claim_beside_an_open_question_is_not_what_no_entry_knows(index: Knowledge) -> None:
    found = index.lexical.search(Query.parse("Webber ist doch Belgier, oder? Woher kommt er wirklich?"))
    assert "belgi" not in dict(found.unknown)
    assert "belgi" in dict(index.lexical.search(Query.parse("Woher kommt Webber, Belgier?")).unknown)


def test_a_compound_of_two_known_words_means_both() -> None:
    knowledge = Knowledge(
        (
            make("runtime", ["Welche Länge hat eine Folge?"], ["How long is an episode?"]),
            make("count", ["Wie viele Folgen gibt es?"], ["How many episodes are there?"]),
            make("trailer", ["Welche Länge hat der Trailer?"], ["How long is the trailer?"]),
        )
    )
    found = knowledge.lexical.search(Query.parse("Folgenlänge?"))
    assert not found.unknown
    assert knowledge.entries[found.hits[0].position].id == "runtime"
    assert knowledge.lexical.search(Query.parse("Verstappenfolge?")).unknown  # "Verstappen" is no known word


def test_years_asked_as_alternatives_need_only_one(index: Knowledge) -> None:
    either = decide(index, "who won the race in 2015 or 2016?")
    assert either.best is not None
    assert either.best.entry.id == "winner-2015"
    assert decide(index, "who won the race in 2015 and 2016?").best is None  # both asked: no entry has both
