"""The lexical index scores every entry with array operations; a plain per-entry scorer must agree.

On synthetic knowledge bases of realistic entries (so words are shared across many entries, typos
and compounds expand to several known terms), for the dev-style questions and the bases' own example
questions with typos: the coverage of every entry, and the ranking, are those a loop over the
entries gives.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from benchmarks.synthetic import generate
from bot.core.knowledge import Knowledge
from bot.core.lexical import LexicalIndex
from bot.core.query import Query

QUESTIONS = [
    "who directed the series",
    "wann kam die serie raus",
    "wie viele folgen hat die doku",
    "who won le mans in 2015",
    "what is episode 3 about",
    "mark webbr australian",
    "produktionsfirma london",
]


def plain_coverage(index: LexicalIndex, question: str) -> list[float]:
    """Each entry's share of the question, one entry and one term at a time."""
    query = Query.parse(question)
    expanded = {term: index._expand(term) for term in query.terms}
    weights = {term: index._weight(term, expanded[term], query) for term in query.terms}
    total = sum(weights.values()) or 1.0
    shares = []
    for item in index._items:
        explained = 0.0
        for term, options in expanded.items():
            if options:
                explained += weights[term] * max(sim * item.strength.get(known, 0.0) for known, sim in options)
        shares.append(explained / total)
    return shares


@pytest.fixture(scope="module", params=[200, 1200])
def knowledge(request: pytest.FixtureRequest) -> Knowledge:
    return Knowledge(generate(request.param, seed=request.param))


def questions_for(knowledge: Knowledge) -> list[str]:
    rng = random.Random(7)
    own = [rng.choice(entry.questions.en) for entry in rng.sample(list(knowledge.entries), 20)]
    typos = [q.replace(q[len(q) // 2], "", 1) for q in own]  # a letter dropped
    return QUESTIONS + own + typos


def test_vectorised_coverage_equals_a_plain_loop(knowledge: Knowledge) -> None:
    index = knowledge.lexical
    for question in questions_for(knowledge):
        query = Query.parse(question)
        expanded = {term: index._expand(term) for term in query.terms}
        weights = {term: index._weight(term, expanded[term], query) for term in query.terms}
        matching = [(weights[t], options) for t, options in expanded.items() if options]
        fast = index._coverage(matching, sum(weights.values()) or 1.0)
        assert np.allclose(fast, plain_coverage(index, question)), question


def test_the_best_covered_entries_are_the_ones_ranked(knowledge: Knowledge) -> None:
    """Only the best-covered admitted entries get their example questions compared: none left out is
    better covered than one kept."""
    index = knowledge.lexical
    for question in questions_for(knowledge):
        found = index.search(Query.parse(question))
        if not found.hits:
            continue
        coverage = plain_coverage(index, question)
        ranked = {hit.position for hit in found.hits}
        least = min(hit.coverage for hit in found.hits)
        for position, share in enumerate(coverage):
            if position not in ranked and share > 0 and found.admitted(position):
                assert share <= least + 1e-9, question
