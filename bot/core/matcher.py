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

Speed (benchmarks/RESULTS.md): the shortlist of best-covered entries is found without scoring every
entry that shares a word with the question. Postings lists are read shortest first and those that
cannot lift an entry into the shortlist are skipped; long lists are scored in groups with set
operations; examples are compared only for entries that can still reach the top suggestions. Every
shortcut keeps the exact scores and order that scoring everything would give.
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
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

_FULL_STRENGTH = 1.0  # a word of the entry's example questions, keywords, aliases or title
_ANSWER_TEXT_STRENGTH = 0.4  # a word only the answer text uses is weaker evidence
_STRENGTHS = (_FULL_STRENGTH, _ANSWER_TEXT_STRENGTH)  # the two parts of a term's postings, in this order
_MIN_WEIGHT = 1.2  # even a word every entry uses says something when an entry lacks it
# A typo is one Levenshtein edit in five letters ("tandi"), or letters in a slightly different
# order ("mardenbourgh"); "weath"/"watch" is neither (0.6 and 0.8). Each scorer with its cutoff, its
# scale to 0..1 and how it bounds the similarity of words of lengths a and b (so words of far other
# lengths need no scoring): Levenshtein's is at most 1 - |a - b| / max(a, b), the ratio's 1 - |a - b| / (a + b).
_TYPO_SCORERS: tuple[tuple[Callable[..., float], float, float, Callable[[int, int], int]], ...] = (
    (Levenshtein.normalized_similarity, 0.79, 1.0, max),
    (fuzz.ratio, 85.0, 100.0, operator.add),
)
_AFFIX_SIMILARITY = 0.8  # "Produktionsfirma" meeting "produktion"
_MIN_AFFIX = 5
_RESCORE_RANGE = 0.35  # candidates this close to the best coverage get their examples compared
_RESCORE_MAX = 48
_COVERAGE_SHARE = 0.5
_BULK = 100  # postings lists this long are scored in groups (set operations), not entry by entry
_BULK_GROUP = 32  # groups this small are scored entry by entry
_SLACK = 1e-9  # float rounding room when skipping entries whose coverage cannot reach the shortlist
_PEOPLE_TOPICS = ("cast", "crew")  # their aliases are person names: a named person must be answered about


_Options = tuple[tuple[str, float], ...]  # known terms a question term may mean, with their similarity
_Matching = list[tuple[float, _Options]]  # (weight, options) of each question term that reaches a known term


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
    example_weights: tuple[float, ...]  # each example's summed IDF, the denominator of its precision
    example_terms: dict[str, int]  # each example term: the examples using it, as bits (1 << example number)


class Index:
    """An immutable search index over a fixed set of entries."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        languages: dict[str, set[Lang]] = defaultdict(set)
        parts = []
        for entry in entries:
            parts.append(_index_entry(entry))
            _note_languages(entry, languages)
        # per term: the positions of entries using it at full strength, then of those whose answer text only uses it
        postings: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for position, (strength, _) in enumerate(parts):
            for term, weight in strength.items():
                postings[term][weight != _FULL_STRENGTH].append(position)
        self._postings = dict(postings)
        vocabulary = [term for term in postings if _fuzzy_term(term)]
        self._affixes = frozenset(term for term in vocabulary if len(term) >= _MIN_AFFIX)
        self._by_length = _by_length(vocabulary)
        count = max(len(parts), 1)
        self._idf = {term: math.log(1 + count / (len(full) + len(weak))) for term, (full, weak) in postings.items()}
        self._items = tuple(
            _Indexed(
                entry,
                strength,
                examples,
                tuple(sum(self._idf[t] for t in example) for example in examples),
                _example_terms(examples),
            )
            for entry, (strength, examples) in zip(entries, parts, strict=True)
        )
        self._unknown_weight = math.log(1 + count / 0.7)
        self._expansions: dict[str, tuple[tuple[str, float], ...]] = {}
        # terms the knowledge uses in one language only: evidence of a question's language
        self.lexicon = {term: next(iter(langs)) for term, langs in languages.items() if len(langs) == 1}
        self._people = frozenset(
            term
            for entry in entries
            if entry.topic in _PEOPLE_TOPICS
            for alias in entry.aliases
            for term in terms(alias)
            if _fuzzy_term(term)
        )
        episodes: dict[int, set[int]] = defaultdict(set)
        for position, entry in enumerate(entries):
            if entry.episode is not None:
                episodes[entry.episode].add(position)
        self._episodes = {number: frozenset(positions) for number, positions in episodes.items()}  # by episode

    def rank(self, question: str) -> list[Scored]:
        """Entries that share anything with the question, best first."""
        return self._rank(question, None)

    def _rank(self, question: str, limit: int | None) -> list[Scored]:
        """rank(), or only its first `limit` entries: those need the examples of fewer entries compared."""
        question_terms = terms(question)
        if not question_terms:
            return []
        expanded = {term: self._expand(term) for term in question_terms}
        weights = {term: self._weight(term, expanded[term]) for term in question_terms}
        total = sum(weights.values())
        episode = next((int(t[3:]) for t in question_terms if t.startswith("#ep")), None)
        years = [t for t in question_terms if _is_year(t)]
        people = {known for options in expanded.values() for known, _ in options if known in self._people}
        matching = [(weights[t], options) for t, options in expanded.items() if options]
        covered = self._covered(matching, total, episode, years)
        floor = covered[0][0] - _RESCORE_RANGE if covered else 0.0
        shortlist = [(cov, pos) for cov, pos in covered if cov >= floor]
        reached: dict[str, float] = {}
        for options in expanded.values():
            for known, sim in options:
                reached[known] = max(reached.get(known, 0.0), sim)

        def score(cov: float, close: float) -> float:
            return 100 * (_COVERAGE_SHARE * cov + (1 - _COVERAGE_SHARE) * close)

        # Examples compared in order of the best score they could reach; with a `limit`, the rest are
        # skipped once they cannot beat the limit-th score. Ties keep the shortlist's order.
        if limit is None:
            order: Sequence[int] = range(len(shortlist))
            bounds = [math.inf] * len(shortlist)
        else:
            bounds = [score(cov, self._closeness_bound(self._items[pos], matching, total)) for cov, pos in shortlist]
            order = sorted(range(len(shortlist)), key=bounds.__getitem__, reverse=True)
        found: list[tuple[Scored, int]] = []
        best_scores: list[float] = []  # min-heap of the `limit` best scores so far
        for place in order:
            if limit is not None and len(best_scores) == limit and bounds[place] < best_scores[0] - _SLACK:
                break
            cov, pos = shortlist[place]
            item = self._items[pos]
            close = self._closeness(item, matching, reached, total)
            scored = Scored(item.entry, score(cov, close), cov, close, all(name in item.strength for name in people))
            found.append((scored, place))
            if limit is not None:
                heapq.heappush(best_scores, scored.score)
                if len(best_scores) > limit:
                    heapq.heappop(best_scores)
        found.sort(key=lambda pair: (-pair[0].score, pair[1]))
        return [scored for scored, _ in found[:limit]]

    def _closeness_bound(self, item: _Indexed, matching: _Matching, total: float) -> float:
        """The most closeness any example of `item` can have: an example's recall is at most the share
        of the question that the terms of all its examples explain, and F1 with recall R is at most
        2R / (1 + R)."""
        recall = 0.0
        for weight, options in matching:
            if len(options) == 1:  # the usual case, without a generator
                share = options[0][1] if options[0][0] in item.example_terms else 0.0
            else:
                share = max((sim for known, sim in options if known in item.example_terms), default=0.0)
            if share:
                recall += weight * share
        recall /= total
        return 2 * recall / (1 + recall) if recall else 0.0

    def _covered(
        self,
        matching: _Matching,
        total: float,
        episode: int | None,
        years: list[str],
    ) -> list[tuple[float, int]]:
        """The _RESCORE_MAX best (coverage, position) pairs, best first, as if every entry were scored.

        Coverage is a sum over the question's terms, so an entry found only in some postings lists
        (a term's entries using it at full strength, or only in their answer text) explains at most
        those lists' bounds. Short lists are read first, raising the bar (the best coverage less
        _RESCORE_RANGE, or the _RESCORE_MAX-th best); the longest lists whose bounds together stay
        below the bar are never read, as an entry found only in them cannot reach it. A list that must
        be read but is long is scored in groups (`_Bulk`).
        """
        unread = [
            (sum(len(self._postings[known][part]) for known, _ in options), bound, term, part)
            for term, (weight, options) in enumerate(matching)
            for part, strength in enumerate(_STRENGTHS)
            if (bound := weight * max(sim for _, sim in options) * strength / total)
        ]
        unread.sort(reverse=True)  # longest first
        shortlist = _Shortlist()
        seen: set[int] = set()
        bulk = _Bulk(self, matching, total, episode, years)
        while True:
            skipped = 0.0
            needed = []  # the lists an entry that can reach the bar must be in at least one of
            for place, (_, bound, _, _) in enumerate(unread):
                if skipped + bound < shortlist.bar() - _SLACK:
                    skipped += bound
                else:
                    needed.append(place)
            if not needed:
                return sorted(shortlist.pairs, reverse=True)
            length, _, term, part = unread.pop(needed[-1])  # the shortest
            if length >= _BULK:
                fresh = set().union(*(bulk.members(known, part) for known, _ in matching[term][1])) - seen
                seen |= fresh
                bulk.score(fresh, shortlist)
                continue
            for position in itertools.chain(*(self._postings[known][part] for known, _ in matching[term][1])):
                if position not in seen:
                    seen.add(position)
                    item = self._items[position]
                    if self._admits(item, episode, years):
                        shortlist.offer(self._coverage(item.strength, matching, 0, 0.0, total), position)

    def _admits(self, item: _Indexed, episode: int | None, years: list[str]) -> bool:
        """An entry about another episode, or never mentioning a year asked about, cannot answer."""
        if episode is not None and item.entry.episode not in (None, episode):
            return False
        return not years or all(year in item.strength for year in years)

    @staticmethod
    def _coverage(strength: dict[str, float], matching: _Matching, start: int, explained: float, total: float) -> float:
        """The share of the question an entry explains: `explained` by the first `start` terms, plus
        each later term's weight times its best option's similarity at the entry's strength."""
        for weight, options in matching[start:]:
            if len(options) == 1:  # the usual case, without a generator
                share = options[0][1] * strength.get(options[0][0], 0.0)
            else:
                share = max(sim * strength.get(other, 0.0) for other, sim in options)
            if share:
                explained += weight * share
        return explained / total

    def decide(self, question: str) -> Match:
        ranked = self._rank(question, MAX_SUGGESTIONS)
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

    def _closeness(self, item: _Indexed, matching: _Matching, reached: dict[str, float], total: float) -> float:
        """Weighted F1 between the question and the entry's closest example question; `reached` is the
        best similarity with which the question reaches each known term.

        An example that shares no term has precision and recall 0, and terms an example does not share
        add exactly 0 to its sums, so only sharing examples and their shared terms are read."""
        sharing = 0  # the examples sharing a term with the question, as bits
        for known in reached:
            sharing |= item.example_terms.get(known, 0)
        best = 0.0
        while sharing:
            number = (sharing & -sharing).bit_length() - 1
            sharing &= sharing - 1
            shared = [t for t in item.examples[number] if t in reached]
            precision = sum([self._idf[t] * reached[t] for t in shared]) / item.example_weights[number]
            recall = 0.0
            for weight, options in matching:
                if len(options) == 1:
                    share = options[0][1] if options[0][0] in shared else 0.0
                else:
                    share = max((sim for known, sim in options if known in shared), default=0.0)
                if share:
                    recall += weight * share
            recall /= total
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
            for scorer, cutoff, scale, norm in _TYPO_SCORERS:
                best: list[tuple[float, int, str]] = []
                for length, (known_terms, places) in self._by_length.items():
                    if 1 - abs(length - len(term)) / norm(length, len(term)) < cutoff / scale - _SLACK:
                        continue  # no word of this length can be similar enough
                    matches = process.extract(term, known_terms, scorer=scorer, score_cutoff=cutoff, limit=3)
                    best += [(-score, places[at], known) for known, score, at in matches]
                for negated, _, known in sorted(best)[:3]:  # as one extract over the whole vocabulary ranks them
                    found[known] = max(found.get(known, 0.0), -negated / scale)
            for known in _affixes_of(term, self._affixes):
                found.setdefault(known, _AFFIX_SIMILARITY)
            result = tuple(found.items())
        if len(self._expansions) < 100_000:
            self._expansions[term] = result
        return result


class _Shortlist:
    """The _RESCORE_MAX best (coverage, position) pairs offered so far, as a min-heap."""

    def __init__(self) -> None:
        self.pairs: list[tuple[float, int]] = []
        self.best = -math.inf

    def bar(self) -> float:
        """The least coverage an entry not yet offered needs to matter: the rescoring range below the
        best, and, once the shortlist is full, its worst."""
        worst = self.pairs[0][0] if len(self.pairs) == _RESCORE_MAX else -math.inf
        return max(self.best - _RESCORE_RANGE, worst)

    def offer(self, coverage: float, position: int) -> bool:
        """Keep the pair if it is among the best; ties in coverage go to the later position."""
        self.best = max(self.best, coverage)
        if len(self.pairs) < _RESCORE_MAX:
            heapq.heappush(self.pairs, (coverage, position))
        elif (coverage, position) > self.pairs[0]:
            heapq.heapreplace(self.pairs, (coverage, position))
        else:
            return False
        return True

    def offer_all(self, coverage: float, positions: set[int]) -> None:
        """Entries sharing one coverage: only the latest positions can be among the best."""
        self.best = max(self.best, coverage)
        if len(self.pairs) == _RESCORE_MAX and coverage < self.pairs[0][0]:
            return
        for position in sorted(positions, reverse=True)[:_RESCORE_MAX]:  # in C, unlike heapq.nlargest
            if not self.offer(coverage, position):
                return  # the rest are earlier positions with the same coverage


class _Bulk:
    """Scores a long postings list's entries group by group, with set operations: entries that the
    question's terms reach at the same levels (each term's best option at the entry's strength, or
    not at all) have the same coverage. A group is split term by term, in the question's order, so
    each group's coverage is the very sum scoring its entries one by one gives; small groups are
    scored one by one."""

    def __init__(self, index: Index, matching: _Matching, total: float, episode: int | None, years: list[str]) -> None:
        self.index, self.matching, self.total = index, matching, total
        self.episode, self.years = episode, years
        self.levels: dict[int, list[tuple[float, set[int]]]] = {}
        self.sets: dict[tuple[str, int], set[int]] = {}
        best_shares = [weight * max(sim for _, sim in options) for weight, options in matching]
        self.rest = [sum(best_shares[term:]) for term in range(len(matching) + 1)]  # the most the later terms add

    def score(self, positions: set[int], shortlist: _Shortlist) -> None:
        index = self.index
        if self.episode is not None:  # entries about another episode cannot answer
            positions = positions.difference(
                *(found for number, found in index._episodes.items() if number != self.episode)
            )
        for year in self.years:  # nor can entries that never mention a year asked about
            full, weak = index._postings.get(year, ([], []))
            positions = positions & {*full, *weak}
        groups = [(0, 0.0, positions)]
        while groups:
            term, explained, group = groups.pop()
            if (explained + self.rest[term]) / self.total < shortlist.bar() - _SLACK:
                continue  # nobody in the group can reach the bar
            if term == len(self.matching):
                shortlist.offer_all(explained / self.total, group)
            elif len(group) <= _BULK_GROUP:
                for position in group:
                    strength = index._items[position].strength
                    shortlist.offer(index._coverage(strength, self.matching, term, explained, self.total), position)
            else:
                levels = self.reached(term)
                split = [(explained + value, group & level) for value, level in levels]
                split.append((explained, group.difference(*(level for _, level in levels))))
                groups.extend((term + 1, sub_explained, sub) for sub_explained, sub in split if sub)

    def members(self, known: str, part: int) -> set[int]:
        """A postings list as a set, made once per question."""
        found = self.sets.get((known, part))
        if found is None:
            found = self.sets[known, part] = set(self.index._postings[known][part])
        return found

    def reached(self, term: int) -> list[tuple[float, set[int]]]:
        """The entries question term `term` reaches, in disjoint groups by what it adds to their
        coverage (its weight times its best option's similarity at the entry's strength), best first."""
        if term not in self.levels:
            weight, options = self.matching[term]
            combos = sorted(
                ((sim * strength, known, part) for known, sim in options for part, strength in enumerate(_STRENGTHS)),
                reverse=True,
            )
            levels: list[tuple[float, set[int]]] = []
            for share, known, part in combos:
                # An entry has one strength per term: one option's two parts never overlap.
                level = self.members(known, part)
                if len(options) > 1:
                    level = level.difference(*(better for _, better in levels))
                if level:
                    levels.append((weight * share, level))
            self.levels[term] = levels
        return self.levels[term]


def _by_length(vocabulary: Sequence[str]) -> dict[int, tuple[tuple[str, ...], tuple[int, ...]]]:
    """The fuzzy-matchable terms by length, each with its place in the vocabulary (to break ties as
    one search over the whole vocabulary would)."""
    found: dict[int, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
    for place, term in enumerate(vocabulary):
        found[len(term)][0].append(term)
        found[len(term)][1].append(place)
    return {length: (tuple(known), tuple(places)) for length, (known, places) in found.items()}


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


def _note_languages(entry: Entry, languages: dict[str, set[Lang]]) -> None:
    """Add the languages in which `entry` uses each of its words."""
    for lang in LANGS:
        for phrase in [*getattr(entry.questions, lang), *getattr(entry.keywords, lang), getattr(entry.answer, lang)]:
            for term in terms(phrase):
                if term[0] not in "?#" and not term.isdigit():
                    languages[term].add(lang)


def _example_terms(examples: Sequence[tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, example in enumerate(examples):
        for term in example:
            found[term] = found.get(term, 0) | 1 << number
    return found


def _index_entry(entry: Entry) -> tuple[dict[str, float], tuple[tuple[str, ...], ...]]:
    """The entry's terms with their strength, and its example questions as terms."""
    strength: dict[str, float] = {}
    for lang in LANGS:
        for term in terms(getattr(entry.answer, lang)):
            strength[term] = _ANSWER_TEXT_STRENGTH
    examples: list[tuple[str, ...]] = []
    for lang in LANGS:
        for phrase in getattr(entry.questions, lang):
            example = terms(phrase)
            if entry.episode is not None and f"#ep{entry.episode}" not in example:
                example = (f"#ep{entry.episode}", *example)
            if example:
                examples.append(example)
        for phrase in [*getattr(entry.keywords, lang), getattr(entry.title, lang)]:
            strength.update(dict.fromkeys(terms(phrase), _FULL_STRENGTH))
    for phrase in entry.aliases:
        strength.update(dict.fromkeys(terms(phrase), _FULL_STRENGTH))
    for example in examples:
        strength.update(dict.fromkeys(example, _FULL_STRENGTH))
    if entry.episode is not None:
        strength[f"#ep{entry.episode}"] = _FULL_STRENGTH
    return strength, tuple(dict.fromkeys(examples))
