"""Find the entry a question asks about, or admit that none fits.

Each entry is indexed by the terms of its example questions, keywords, aliases and title (full
strength) and of its answer text (weaker). A question's terms are expanded to known terms
(exact, then rapidfuzz for typos, then compound prefixes) and weighted by rarity (IDF).
An entry's score mixes two views:

* coverage: how much of the question's weight the entry explains. Words no entry knows
  ("Hamilton", "2019", "engine") weigh as much as the rarest known word, so a question about
  something the knowledge base lacks cannot ride on one familiar name;
* closeness to the best example question (weighted F1 of shared terms), which separates
  neighbours such as "release date" and "release weekday".

A decision needs the score, the coverage and a margin over the runner-up: a wrong answer is
worse than "I don't know".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.core.schema import LANGS, Entry, Lang
from bot.core.text import terms

ANSWER_SCORE = 62.0  # least score for a direct answer
ANSWER_COVERAGE = 0.72  # least share of the question's weight the answer must explain
MARGIN = 6.0  # least lead over the runner-up
SUGGEST_SCORE = 38.0  # least score for a "did you mean" suggestion
MAX_SUGGESTIONS = 3

_ANSWER_TEXT_STRENGTH = 0.4  # a word only the answer text uses is weaker evidence
_MIN_WEIGHT = 1.2  # even a word every entry uses says something when an entry lacks it
# A typo is one Levenshtein edit in five letters ("tandi"), or letters in a slightly different
# order ("mardenbourgh"); "weath"/"watch" is neither (0.6 and 0.8).
_TYPO_SCORERS = ((Levenshtein.normalized_similarity, 0.79, 1.0), (fuzz.ratio, 85.0, 100.0))
_AFFIX_SIMILARITY = 0.8  # "Produktionsfirma" meeting "produktion"
_MIN_AFFIX = 5
_RESCORE_RANGE = 0.35  # candidates this close to the best coverage get their examples compared
_RESCORE_MAX = 48
_COVERAGE_SHARE = 0.5
_PEOPLE_TOPICS = ("cast", "crew")  # their aliases are person names: a named person must be answered about


@dataclass(frozen=True, slots=True)
class Scored:
    entry: Entry
    score: float  # 0..100
    coverage: float  # 0..1: share of the question's weight the entry explains
    closeness: float  # 0..1: weighted F1 with the entry's closest example question
    names_all_people: bool  # mentions every person the question names


@dataclass(frozen=True, slots=True)
class Match:
    """What the matcher decided: answer `best`, offer `suggestions`, or nothing."""

    kind: Literal["answer", "unsure", "none"]
    best: Scored | None
    suggestions: tuple[Scored, ...]


@dataclass(frozen=True, slots=True)
class _Indexed:
    entry: Entry
    strength: dict[str, float]
    examples: tuple[tuple[str, ...], ...]


class Index:
    """An immutable search index over a fixed set of entries."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._items = tuple(_index_entry(entry) for entry in entries)
        postings: dict[str, list[int]] = defaultdict(list)
        for position, item in enumerate(self._items):
            for term in item.strength:
                postings[term].append(position)
        self._postings = dict(postings)
        self._vocabulary = tuple(term for term in postings if _fuzzy_term(term))
        self._affixes = frozenset(term for term in self._vocabulary if len(term) >= _MIN_AFFIX)
        count = max(len(self._items), 1)
        self._idf = {term: math.log(1 + count / len(ids)) for term, ids in postings.items()}
        self._unknown_weight = math.log(1 + count / 0.7)
        self._expansions: dict[str, tuple[tuple[str, float], ...]] = {}
        self.lexicon = _lexicon(entries)
        self._people = frozenset(
            term
            for entry in entries
            if entry.topic in _PEOPLE_TOPICS
            for alias in entry.aliases
            for term in terms(alias)
            if _fuzzy_term(term)
        )

    def rank(self, question: str) -> list[Scored]:
        """Entries that share anything with the question, best first."""
        question_terms = terms(question)
        if not question_terms:
            return []
        expanded = {term: self._expand(term) for term in question_terms}
        weights = {term: self._weight(term, expanded[term]) for term in question_terms}
        total = sum(weights.values())
        episode = next((int(t[3:]) for t in question_terms if t.startswith("#ep")), None)
        years = [t for t in question_terms if _is_year(t)]
        people = {known for options in expanded.values() for known, _ in options if known in self._people}
        candidates = {pos for options in expanded.values() for known, _ in options for pos in self._postings[known]}
        covered: list[tuple[float, int]] = []
        for position in candidates:
            item = self._items[position]
            if episode is not None and item.entry.episode not in (None, episode):
                continue
            if any(year not in item.strength for year in years):
                continue  # an entry that never mentions the year asked about cannot answer it
            explained = sum(
                weights[term] * max((sim * item.strength.get(known, 0.0) for known, sim in options), default=0.0)
                for term, options in expanded.items()
            )
            covered.append((explained / total, position))
        covered.sort(reverse=True)
        floor = covered[0][0] - _RESCORE_RANGE if covered else 0.0
        scored = []
        for cov, pos in covered[:_RESCORE_MAX]:
            if cov < floor:
                break
            item = self._items[pos]
            close = self._closeness(pos, expanded, weights)
            score = 100 * (_COVERAGE_SHARE * cov + (1 - _COVERAGE_SHARE) * close)
            scored.append(Scored(item.entry, score, cov, close, all(name in item.strength for name in people)))
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def decide(self, question: str) -> Match:
        ranked = self.rank(question)
        if not ranked:
            return Match("none", None, ())
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        confident = best.score >= ANSWER_SCORE and best.coverage >= ANSWER_COVERAGE and best.names_all_people
        if confident and best.score - runner_up >= MARGIN:
            return Match("answer", best, ())
        suggestions = tuple(s for s in ranked[:MAX_SUGGESTIONS] if s.score >= SUGGEST_SCORE)
        return Match("unsure" if suggestions else "none", best, suggestions)

    def _weight(self, term: str, options: tuple[tuple[str, float], ...]) -> float:
        if not options:
            return self._unknown_weight * (1.5 if term.isdigit() else 1.0)
        known, _ = max(options, key=lambda option: option[1])
        return max(self._idf[known], _MIN_WEIGHT)

    def _closeness(
        self, position: int, expanded: dict[str, tuple[tuple[str, float], ...]], weights: dict[str, float]
    ) -> float:
        """Weighted F1 between the question and the entry's closest example question."""
        reached: dict[str, float] = {}
        for options in expanded.values():
            for known, sim in options:
                reached[known] = max(reached.get(known, 0.0), sim)
        total = sum(weights.values())
        best = 0.0
        for example in self._items[position].examples:
            example_weight = sum(self._idf[t] for t in example)
            precision = sum(self._idf[t] * reached.get(t, 0.0) for t in example) / example_weight
            recall = (
                sum(
                    weights[term] * max((sim for known, sim in options if known in example), default=0.0)
                    for term, options in expanded.items()
                )
                / total
            )
            if precision + recall:
                best = max(best, 2 * precision * recall / (precision + recall))
        return best

    def _expand(self, term: str) -> tuple[tuple[str, float], ...]:
        """Known terms this question term may mean, with a similarity in 0..1."""
        cached = self._expansions.get(term)
        if cached is not None:
            return cached
        if term in self._postings:
            result: tuple[tuple[str, float], ...] = ((term, 1.0),)
        elif not _fuzzy_term(term):
            result = ()
        else:
            found: dict[str, float] = {}
            for scorer, cutoff, scale in _TYPO_SCORERS:
                for known, score, _ in process.extract(
                    term, self._vocabulary, scorer=scorer, score_cutoff=cutoff, limit=3
                ):
                    found[known] = max(found.get(known, 0.0), score / scale)
            for known in _affixes_of(term, self._affixes):
                found.setdefault(known, _AFFIX_SIMILARITY)
            result = tuple(found.items())
        if len(self._expansions) < 100_000:
            self._expansions[term] = result
        return result


def _is_year(term: str) -> bool:
    return len(term) == 4 and term.isdigit() and term[:2] in ("19", "20")


def _fuzzy_term(term: str) -> bool:
    """Concept terms, numbers and very short words must match exactly."""
    return len(term) >= 4 and term[0] not in "?#" and not term.isdigit()


def _affixes_of(term: str, affixes: frozenset[str]) -> list[str]:
    if len(term) < _MIN_AFFIX + 2:
        return []
    heads = [term[:end] for end in range(len(term) - 1, _MIN_AFFIX - 1, -1)]
    tails = [term[start:] for start in range(1, len(term) - _MIN_AFFIX + 1)]
    return [part for part in heads + tails if part in affixes]


def _lexicon(entries: Sequence[Entry]) -> dict[str, Lang]:
    """Terms the knowledge uses in one language only: evidence of a question's language."""
    seen: dict[str, set[Lang]] = defaultdict(set)
    for entry in entries:
        for lang in LANGS:
            phrases = [*getattr(entry.questions, lang), *getattr(entry.keywords, lang), getattr(entry.answer, lang)]
            for phrase in phrases:
                for term in terms(phrase):
                    if term[0] not in "?#" and not term.isdigit():
                        seen[term].add(lang)
    return {term: next(iter(langs)) for term, langs in seen.items() if len(langs) == 1}


def _index_entry(entry: Entry) -> _Indexed:
    strength: dict[str, float] = {}
    for lang in LANGS:
        for term in terms(getattr(entry.answer, lang)):
            strength[term] = _ANSWER_TEXT_STRENGTH
    examples: list[tuple[str, ...]] = []
    for lang in LANGS:
        for phrase in getattr(entry.questions, lang):
            example = tuple(terms(phrase))
            if entry.episode is not None and f"#ep{entry.episode}" not in example:
                example = (f"#ep{entry.episode}", *example)
            if example:
                examples.append(example)
        for phrase in [*getattr(entry.keywords, lang), getattr(entry.title, lang)]:
            strength.update(dict.fromkeys(terms(phrase), 1.0))
    for phrase in entry.aliases:
        strength.update(dict.fromkeys(terms(phrase), 1.0))
    for example in examples:
        strength.update(dict.fromkeys(example, 1.0))
    if entry.episode is not None:
        strength[f"#ep{entry.episode}"] = 1.0
    return _Indexed(entry, strength, tuple(dict.fromkeys(examples)))
