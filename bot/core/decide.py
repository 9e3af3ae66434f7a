"""One decision from both retrievers: answer, offer suggestions, or admit not knowing.

The lexical and the semantic rankings are fused into one candidate list. The top candidate's
features (how well each retriever rates it, whether they agree, its lead over the runner-up, how
much of the question nobody knows) go through a logistic model fitted on blind questions
(`scripts/calibrate.py`, on the blind sets tuned on) into the probability that its answer is
right. A wrong answer is worse than "I don't know", so the thresholds are set for few wrong answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bot.core.lexical import LexicalIndex
from bot.core.query import Query
from bot.core.schema import Entry
from bot.core.semantic import SemanticIndex

SEMANTIC_WEIGHT = 0.3  # the fused score: lexical score / 100 + this times the cosine similarity
_POOL = 10  # candidates taken from each retriever
MAX_SUGGESTIONS = 3

# Fitted by scripts/calibrate.py (see its output for the fit's figures); the order of `features`.
COEFFICIENTS = (-2.063, 2.240, 4.890, 2.255, 2.897, 0.691, 1.182, 0.026, -3.318, -2.498)
# Least probability of being right for an answer: the lowest threshold whose cross-validated wrong
# answers in scripts/calibrate.py stay at or below 0.8 % (0.8 % at 0.90, 1.0 % at 0.88), as questions
# that tuned nothing have had about one point more wrong answers than that table, and the bar is 2 %.
ANSWER_CONFIDENCE = 0.90
CLEAR_CONFIDENCE = 0.93  # below this an answer still offers the alternatives
SUGGEST_CONFIDENCE = 0.3  # least for "did you mean"
SUGGEST_FUSED = 0.35  # least fused score for a candidate to be offered at all
MOST_UNKNOWN = 0.25  # a question this much made of rare words no entry knows is about something else
LEAST_COVERAGE = 0.3  # an answer needs some of the question's own words, not only a similar meaning
# A question naming a person must be explained further: "how tall is Lotterer" is about Lotterer
# but asks what no entry says, and the name alone would carry it.
LEAST_COVERAGE_NAMING = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: Entry
    lexical: float  # 0..100
    coverage: float  # 0..1: share of the question's weight the entry's words explain
    semantic: float  # cosine similarity of the closest example question, -1..1
    fused: float
    names_all_people: bool
    misses_question_word: bool
    explains_besides_names: float  # 0..1: coverage of the question without the person names in it


@dataclass(frozen=True, slots=True)
class Match:
    """What was decided: answer `best` (with `suggestions` as alternatives when not clear-cut),
    offer `suggestions`, or nothing. `confidence` is the calibrated chance that `best` is right."""

    kind: Literal["answer", "unsure", "none"]
    best: Candidate | None
    suggestions: tuple[Candidate, ...]
    confidence: float


@dataclass(frozen=True, slots=True)
class Candidates:
    """Both retrievers' best entries, fused, best first, and what the question says as a whole."""

    ranked: list[Candidate]
    unknown_share: float  # share of the question (besides names) that no entry knows
    names_someone: bool
    only_question_words: bool


def candidates(query: Query, entries: Sequence[Entry], lexical: LexicalIndex, semantic: SemanticIndex) -> Candidates:
    found = lexical.search(query)
    similarity = semantic.similarities(query)
    by_position = {hit.position: hit for hit in found.hits[:_POOL]}
    pool = set(by_position)
    nearest = np.argpartition(-similarity, _POOL)[:_POOL] if len(similarity) > _POOL else np.arange(len(similarity))
    pool.update(int(p) for p in nearest if similarity[p] > 0 and found.admitted(int(p)))
    result = []
    for position in pool:
        hit = by_position.get(position)
        lexical_score, coverage = (hit.score, hit.coverage) if hit else (0.0, 0.0)
        semantic_score = float(similarity[position])
        result.append(
            Candidate(
                entries[position],
                lexical_score,
                coverage,
                semantic_score,
                lexical_score / 100 + SEMANTIC_WEIGHT * semantic_score,
                found.names_all_people(position),
                found.misses_question_word(position),
                found.explains_besides_names(position),
            )
        )
    result.sort(key=lambda c: -c.fused)
    unknown = sum(weight for _, weight in found.unknown)
    share = unknown / found.unnamed_weight if found.unnamed_weight else 0.0
    return Candidates(result, share, found.names_someone, found.only_question_words)


def features(found: Candidates) -> tuple[float, ...]:
    """What the confidence is computed from, for the top candidate (there must be one)."""
    best, others, unknown_share = found.ranked[0], found.ranked[1:], found.unknown_share
    agree = float(all(c.lexical <= best.lexical and c.semantic <= best.semantic for c in others))
    known = 1.0 - unknown_share
    return (
        1.0,
        best.lexical / 100,
        best.coverage * known,
        best.semantic * known,
        best.lexical / 100 - max((c.lexical / 100 for c in others), default=0.0),
        best.semantic - max((c.semantic for c in others), default=0.0),
        agree * best.coverage,
        unknown_share,
        float(best.misses_question_word),
        best.explains_besides_names,
    )


def confidence(values: Sequence[float]) -> float:
    z = sum(w * x for w, x in zip(COEFFICIENTS, values, strict=True))
    return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))


def answerable(best: Candidate, found: Candidates) -> bool:
    """Hard rules no confidence overrides: the question must ask about something (not only "when?")
    that the knowledge mostly knows; the entry must be about every person named, answer the kind of
    quantity asked and share some of the question's words."""
    least = LEAST_COVERAGE_NAMING if found.names_someone else LEAST_COVERAGE
    return (
        not found.only_question_words
        and best.names_all_people
        and not best.misses_question_word
        and found.unknown_share < MOST_UNKNOWN
        and best.coverage >= least
    )


def decide(found: Candidates) -> Match:
    ranked = found.ranked
    if not ranked:
        return Match("none", None, (), 0.0)
    best = ranked[0]
    chance = confidence(features(found))
    offered = tuple(c for c in ranked[:MAX_SUGGESTIONS] if c.fused >= SUGGEST_FUSED)
    if chance >= ANSWER_CONFIDENCE and answerable(best, found):
        alternatives = offered[1:] if chance < CLEAR_CONFIDENCE else ()
        return Match("answer", best, alternatives, chance)
    if chance >= SUGGEST_CONFIDENCE and offered:
        return Match("unsure", best, offered, chance)
    return Match("none", best, (), chance)
