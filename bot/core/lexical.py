"""The lexical retriever: entries whose words the question uses, typos and compounds allowed.

Each entry is indexed by the terms of its example questions, keywords, aliases and title (full
strength) and of its answer text (weaker). A question's terms are expanded to known terms (exact,
then rapidfuzz for typos, then compound parts) and weighted by rarity (IDF). An entry's score mixes:

* coverage: how much of the question's weight the entry explains. Words no entry knows
  ("Hamilton", "2019", "engine") weigh as much as the rarest known word, so a question about
  something the knowledge base lacks cannot ride on one familiar name;
* closeness to the best example question (weighted F1 of shared terms), which separates
  neighbours such as "release date" and "release weekday".

Hard entity rules: an entry about another episode, or never mentioning a year asked about, is not
a candidate; `names_all_people` says whether it mentions every person the question names.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.core.query import CONTEXT_WEIGHT, Query
from bot.core.schema import LANGS, Entry, Lang
from bot.core.semantic import word_vectors
from bot.core.text import is_count, quantities, stem, terms

_FULL_STRENGTH = 1.0  # a word of the entry's example questions, keywords, aliases or title
_ANSWER_TEXT_STRENGTH = 0.4  # a word only the answer text uses is weaker evidence
_MIN_WEIGHT = 1.2  # even a word every entry uses says something when an entry lacks it
# A typo is one Levenshtein edit in five letters ("tandi"), or letters in a slightly different
# order ("mardenbourgh"); "weath"/"watch" is neither (0.6 and 0.8). Each scorer with its cutoff, its
# scale to 0..1 and how it bounds the similarity of words of lengths a and b (so words of far other
# lengths need no scoring): Levenshtein's is at most 1 - |a - b| / max(a, b), the ratio's 1 - |a - b| / (a + b).
_TYPO_SCORERS: tuple[tuple[Callable[..., float], float, float, Callable[[int, int], int]], ...] = (
    (Levenshtein.normalized_similarity, 0.79, 1.0, max),
    (fuzz.ratio, 85.0, 100.0, lambda a, b: a + b),
)
_AFFIX_SIMILARITY = 0.8  # "Produktionsfirma" meeting "produktion"
_COMPOUND_SIMILARITY = 0.9  # "Folgenlänge" meeting "Folge" and "Länge"
_MIN_COMPOUND_PART = 4  # letters of each part of a compound, as a term ("lang", "auto")
_MIN_AFFIX = 5
_CLOSENESS_CANDIDATES = 24  # the best-covered entries get their example questions compared
_COVERAGE_SHARE = 0.6
# Asked of an entry that never answers such a question, these are not its fact ("how tall is Lotterer").
_QUANTITIES = frozenset(("?age", "?count", "?duration", "?size", "?speed", "?weight", "?cost", "?born"))
_PEOPLE_TOPICS = ("cast", "crew")  # their aliases are person names: a named person must be answered about
_MOST_NAMING = 1 / 3  # the largest share of entries whose words an alias word may be and still name one
_NAMED_TOPICS = (*_PEOPLE_TOPICS, "teams")  # who a pronoun in the same question may stand for

_Options = tuple[tuple[str, float], ...]  # known terms a question term may mean, with their similarity
_Matching = list[tuple[float, _Options]]  # (weight, options) of each question term that reaches a known term


@dataclass(frozen=True, slots=True)
class LexicalHit:
    position: int  # the entry's place in the knowledge
    score: float  # 0..100
    coverage: float  # 0..1: share of the question's weight the entry explains
    closeness: float  # 0..1: weighted F1 with the entry's closest example question


@dataclass(frozen=True, slots=True)
class LexicalResult:
    """Every admitted entry sharing a term with the question, best first, and the constraints the
    question set (which the semantic candidates must meet too)."""

    hits: tuple[LexicalHit, ...]
    admitted: Callable[[int], bool]
    names_all_people: Callable[[int], bool]
    misses_question_word: Callable[[int], bool]  # the entry never answers the "how old/many/tall/…" asked
    unknown: tuple[tuple[str, float], ...]  # the asked terms no entry knows at all (numbers aside), with their weight
    unnamed_weight: float  # the weight of what the question asks besides person names
    names_someone: bool  # the question names a person of the cast or crew
    explains_besides_names: Callable[[int], float]  # 0..1: how much of what is asked besides names an entry explains
    only_question_words: bool  # nothing but "when", "und wo": no subject ("who's in it" has one: the series)


@dataclass(frozen=True, slots=True)
class _Indexed:
    strength: dict[str, float]
    examples: tuple[tuple[str, ...], ...]
    example_weights: tuple[float, ...]  # each example's summed IDF, the denominator of its precision
    example_terms: dict[str, int]  # each example term: the examples using it, as bits (1 << example number)


@functools.lru_cache(maxsize=1 << 16)
def _knowledge_terms(text: str) -> tuple[str, ...]:
    """`terms` of knowledge text, cached: a reload meets mostly unchanged text again. Only text
    from knowledge files comes here, never a user's."""
    return terms(text)


class LexicalIndex:
    """An immutable index over a fixed sequence of entries."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = entries
        languages: dict[str, set[Lang]] = defaultdict(set)
        parts = []
        for entry in entries:
            parts.append(_index_entry(entry))
            _note_languages(entry, languages)
        postings: dict[str, list[int]] = defaultdict(list)
        for position, (strength, _) in enumerate(parts):
            for term in strength:
                postings[term].append(position)
        # the same postings as slices of two flat arrays, for scoring every entry a term reaches in one step
        positions: list[int] = []
        strengths: list[float] = []
        self._spans: dict[str, tuple[int, int]] = {}
        for term, found in postings.items():
            start = len(positions)
            positions += found
            strengths += [parts[p][0][term] for p in found]
            self._spans[term] = (start, len(positions))
        self._positions = np.asarray(positions, dtype=np.intp)
        self._strengths = np.asarray(strengths)
        self._episode_of = np.asarray([entry.episode or 0 for entry in entries], dtype=np.intp)
        vocabulary = [term for term in postings if _fuzzy_term(term)]
        self._affixes = frozenset(term for term in vocabulary if len(term) >= _MIN_AFFIX)
        self._by_length = _by_length(vocabulary)
        count = max(len(parts), 1)
        self._idf = {term: math.log(1 + count / len(found)) for term, found in postings.items()}
        self._items = tuple(
            _Indexed(
                strength,
                examples,
                tuple(sum(self._idf[t] for t in example) for example in examples),
                _example_terms(examples),
            )
            for strength, examples in parts
        )
        self._unknown_weight = math.log(1 + count / 0.7)
        # terms the knowledge uses in one language only: evidence of a question's language
        self.lexicon = {term: next(iter(langs)) for term, langs in languages.items() if len(langs) == 1}
        named: dict[str, set[tuple[str, str]]] = defaultdict(set)  # each alias term: the (topic, entry) it names
        for entry in entries:
            for alias in entry.aliases:
                for term in _knowledge_terms(alias):
                    # a word most entries use names nothing in particular: "Le Mans" in "GT-R LM",
                    # "Racing" in "Rebellion Racing"
                    if _fuzzy_term(term) and len(postings[term]) <= count * _MOST_NAMING:
                        named[term].add((entry.topic, entry.id))
        self._named = {term: frozenset(owners) for term, owners in named.items()}
        self._people = self._naming(_PEOPLE_TOPICS)
        self._people_and_teams = self._naming(_NAMED_TOPICS)

    def replaced(self, terms: Sequence[str], earlier: Sequence[str]) -> frozenset[str]:
        """The `earlier` terms that name what one of `terms` names another of: in "and from Porsche?"
        after "which Audi boss is in it?", Porsche takes Audi's place (both name a team)."""
        named_now = {(topic, owner) for term in terms for topic, owner in self._named.get(term, ())}
        return frozenset(
            term
            for term in earlier
            if term not in terms
            and any(
                topic == own_topic and owner != own_owner
                for topic, owner in self._named.get(term, ())
                for own_topic, own_owner in named_now
            )
        )

    def names_someone(self, terms: Iterable[str]) -> bool:
        """Whether the terms name a person or a team."""
        return any(term in self._people_and_teams for term in terms)

    def _naming(self, topics: Sequence[str]) -> frozenset[str]:
        """The alias terms that name an entry of one of `topics`."""
        return frozenset(term for term, owners in self._named.items() if any(topic in topics for topic, _ in owners))

    def search(self, query: Query) -> LexicalResult:
        expanded: dict[str, _Options] = {}
        said: dict[str, str] = {}  # each term searched for: the question's term it comes from
        for term in query.terms:
            options = self._expand(term)
            parts = () if options else self._compound_parts(term)
            for part in parts or (term,):
                expanded.setdefault(part, ((part, _COMPOUND_SIMILARITY),) if parts else options)
                said.setdefault(part, term)
        weights = {term: self._weight(term, expanded[term], query) * query.weight(said[term]) for term in expanded}
        total = sum(weights.values()) or 1.0
        episode = query.episode
        # a year no entry mentions, in a yes/no question, is a claim to correct ("the first race was in 1950, right?")
        years = [year for year in query.years if year in self._spans or year not in query.checked]
        people = {known for options in expanded.values() for known, _ in options if known in self._people}
        # what is asked about a person: the words besides the names
        naming = {t for t, options in expanded.items() if any(known in self._people for known, _ in options)}
        unnamed = sum(weight for t, weight in weights.items() if t not in naming)
        # what no entry knows of what the question asks (or a follow-up borrows): a rare word in the
        # chatter around it ("my dog threw up on the rug") or in a claim beside it does not make it
        # about something else
        asked_here = {t for t in expanded if query.weight(said[t]) > CONTEXT_WEIGHT and said[t] not in query.disputed}
        unknown = tuple(
            (t, weights[t]) for t, options in expanded.items() if not options and not is_count(t) and t in asked_here
        )
        asked_unnamed = sum(weight for t, weight in weights.items() if t not in naming and t in asked_here)
        matching = [(weights[t], options) for t, options in expanded.items() if options]
        items = self._items
        either = query.either_years.intersection(years)
        allowed = self._admitted(episode, [year for year in years if year not in either], either)

        def admitted(position: int) -> bool:
            return bool(allowed[position])

        def names_all_people(position: int) -> bool:
            return all(name in items[position].strength for name in people)

        asked = [term for term in query.terms if term in _QUANTITIES and query.weight(term) == 1.0]

        def misses_question_word(position: int) -> bool:
            return any(term not in items[position].strength for term in asked)

        coverage = self._coverage(matching, total)
        # "how tall is Lotterer": the name alone must not carry the entry, so coverage without names too
        besides = [(weights[t], options) for t, options in expanded.items() if options and t not in naming]
        about = self._coverage(besides, unnamed) if unnamed else np.zeros(len(self._items))
        candidates = np.flatnonzero((coverage > 0) & allowed)
        if len(candidates) > _CLOSENESS_CANDIDATES:
            covered = coverage[candidates]
            # entries as well covered as the last one taken are taken too (up to twice as many), so
            # which of equals gets compared does not hang on the order of the knowledge files
            tied = covered >= np.partition(covered, -_CLOSENESS_CANDIDATES)[-_CLOSENESS_CANDIDATES]
            if np.count_nonzero(tied) <= 2 * _CLOSENESS_CANDIDATES:
                candidates = candidates[tied]
            else:
                candidates = candidates[np.argpartition(-covered, _CLOSENESS_CANDIDATES)[:_CLOSENESS_CANDIDATES]]
        reached: dict[str, float] = {}
        for options in expanded.values():
            for known, sim in options:
                reached[known] = max(reached.get(known, 0.0), sim)
        # each known term's share of an example's precision, worked out once for all the candidates
        gains = {known: self._idf[known] * sim for known, sim in reached.items()}
        recall = _Recall(matching, total)
        hits = []
        for position, cov in zip(candidates.tolist(), coverage[candidates].tolist(), strict=True):
            close = _closeness(items[position], gains, recall)
            score = 100 * (_COVERAGE_SHARE * cov + (1 - _COVERAGE_SHARE) * close)
            hits.append(LexicalHit(position, score, cov, close))
        hits.sort(key=lambda hit: (-hit.score, hit.position))
        only_asks = len(query.words) <= 2 and all(term[0] == "?" for term in query.terms)  # "und wo?", "when?"
        return LexicalResult(
            tuple(hits),
            admitted,
            names_all_people,
            misses_question_word,
            unknown,
            asked_unnamed,
            bool(people),
            lambda position: float(about[position]),
            only_asks,
        )

    def _coverage(self, matching: _Matching, total: float) -> npt.NDArray[np.float64]:
        """Each entry's share of the question explained: each term's weight times its best option's
        similarity at the entry's strength, summed. One array operation per term and option."""
        explained = np.zeros(len(self._items))
        for weight, options in matching:
            if len(options) == 1:
                ((known, sim),) = options
                positions, strengths = self._postings_of(known)
                explained[positions] += weight * sim * strengths
                continue
            best = np.zeros(len(self._items))
            for known, sim in options:
                positions, strengths = self._postings_of(known)
                best[positions] = np.maximum(best[positions], sim * strengths)
            explained += weight * best
        return explained / total

    def _postings_of(self, term: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """The entries using a known term, and the strength with which each uses it."""
        start, end = self._spans[term]
        return self._positions[start:end], self._strengths[start:end]

    def _admitted(
        self, episode: int | None, years: Sequence[str], either: frozenset[str] = frozenset()
    ) -> npt.NDArray[np.bool_]:
        """Which entries may answer: none about another episode, none that never mentions a year asked
        about, none that mentions none of the years asked about as alternatives (`either`)."""
        allowed = np.ones(len(self._items), dtype=bool)
        if episode is not None:
            allowed &= (self._episode_of == 0) | (self._episode_of == episode)
        for year in years:
            allowed &= self._mentioning((year,))
        if either:
            allowed &= self._mentioning(either)
        return allowed

    def _mentioning(self, terms: Iterable[str]) -> npt.NDArray[np.bool_]:
        """Which entries use at least one of `terms`."""
        mentions = np.zeros(len(self._items), dtype=bool)
        for term in terms:
            if term in self._spans:
                mentions[self._postings_of(term)[0]] = True
        return mentions

    def _weight(self, term: str, options: _Options, query: Query) -> float:
        if not options:
            # A number no entry has is a detail or a claim to check ("sieben Folgen, oder?"), not a
            # subject: it weighs nothing. A year no entry has is one (and excludes every entry, see `admitted`).
            if is_count(term):
                return 0.0
            unknown = max(self._unknown_weight * _rarity(term, query), _MIN_WEIGHT)
            # in a yes/no question it is more likely the claim to check ("Le Mans liegt in Belgien, oder?")
            return unknown * CONTEXT_WEIGHT if term in query.checked else unknown
        known, _ = max(options, key=lambda option: option[1])
        return max(self._idf[known], _MIN_WEIGHT)

    def _compound_parts(self, term: str) -> tuple[str, ...]:
        """The two known terms an unknown German compound is made of ("Folgenlänge": Folge, Länge;
        "Siegerauto": Sieger, Auto), the longest first part first; none if it is no such compound."""
        for cut in range(len(term) - _MIN_COMPOUND_PART, _MIN_COMPOUND_PART - 1, -1):
            head, tail = term[:cut], stem(term[cut:])
            if tail not in self._spans:
                continue
            for joint in ("", "s", "n", "en", "es"):  # the linking letters of "Produktionsfirma", "Folgenlänge"
                if joint and not head.endswith(joint):
                    continue
                first = stem(head.removesuffix(joint) if joint else head)
                if len(first) >= _MIN_COMPOUND_PART and first in self._spans and first[0] not in "?#":
                    return first, tail
        return ()

    def _expand(self, term: str) -> _Options:
        """Known terms this question term may mean, with a similarity in 0..1."""
        if term in self._spans:
            return ((term, 1.0),)
        if not _fuzzy_term(term):
            return ()
        found: dict[str, float] = {}
        for scorer, cutoff, scale, norm in _TYPO_SCORERS:
            best: list[tuple[float, int, str]] = []
            for length, (known_terms, places) in self._by_length.items():
                if 1 - abs(length - len(term)) / norm(length, len(term)) < cutoff / scale - 1e-9:
                    continue  # no word of this length can be similar enough
                matches = process.extract(term, known_terms, scorer=scorer, score_cutoff=cutoff, limit=3)
                best += [(-score, places[at], known) for known, score, at in matches]
            for negated, _, known in sorted(best)[:3]:  # as one extract over the whole vocabulary ranks them
                found[known] = max(found.get(known, 0.0), -negated / scale)
        for known in _affixes_of(term, self._affixes):
            found.setdefault(known, _AFFIX_SIMILARITY)
        return tuple(found.items())


class _Recall:
    """What an example's recall is summed from: each question term's weight times its best option
    among the terms the example shares, over the question's total. Terms with one option (nearly
    all) are summed per known term in advance."""

    __slots__ = ("several", "single", "total")

    def __init__(self, matching: _Matching, total: float) -> None:
        self.single: dict[str, float] = {}
        self.several: _Matching = []
        self.total = total
        for weight, options in matching:
            if len(options) == 1:
                known, sim = options[0]
                self.single[known] = self.single.get(known, 0.0) + weight * sim
            else:
                self.several.append((weight, options))


def _closeness(item: _Indexed, gains: dict[str, float], recall: _Recall) -> float:
    """Weighted F1 between the question and the entry's closest example question; `gains` holds each
    known term the question reaches with its IDF times the best similarity it is reached with. Only
    examples sharing a term are read (an example sharing none scores 0)."""
    sharing = 0
    for known in gains:
        sharing |= item.example_terms.get(known, 0)
    single, several = recall.single, recall.several
    best = 0.0
    while sharing:
        number = (sharing & -sharing).bit_length() - 1
        sharing &= sharing - 1
        example = item.examples[number]
        gained = found = 0.0  # summed in the example's order
        for term in example:
            gain = gains.get(term)
            if gain is not None:
                gained += gain
                found += single.get(term, 0.0)
        if several:
            shared = [term for term in example if term in gains]
            for weight, options in several:
                found += weight * max((sim for known, sim in options if known in shared), default=0.0)
        precision = gained / item.example_weights[number]
        recalled = found / recall.total
        close = 2 * precision * recalled / (precision + recalled)
        if close > best:
            best = close
    return best


def _example_terms(examples: Sequence[tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, example in enumerate(examples):
        for term in example:
            found[term] = found.get(term, 0) | 1 << number
    return found


def _by_length(vocabulary: Sequence[str]) -> dict[int, tuple[tuple[str, ...], tuple[int, ...]]]:
    """The fuzzy-matchable terms by length, each with its place in the vocabulary (to break ties as
    one search over the whole vocabulary would)."""
    found: dict[int, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
    for place, term in enumerate(vocabulary):
        found[len(term)][0].append(term)
        found[len(term)][1].append(place)
    return {length: (tuple(known), tuple(places)) for length, (known, places) in found.items()}


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
            for term in _knowledge_terms(phrase):
                if term[0] not in "?#" and not term.isdigit():
                    languages[term].add(lang)


def _index_entry(entry: Entry) -> tuple[dict[str, float], tuple[tuple[str, ...], ...]]:
    """The entry's terms with their strength, and its example questions as terms."""
    strength: dict[str, float] = {}
    for lang in LANGS:
        answer = getattr(entry.answer, lang)
        for term in (*_knowledge_terms(answer), *quantities(answer)):
            strength[term] = _ANSWER_TEXT_STRENGTH
    examples: list[tuple[str, ...]] = []
    for lang in LANGS:
        for phrase in getattr(entry.questions, lang):
            example = _knowledge_terms(phrase)
            if example:
                examples.append(example)
            # "What's the last episode about?" as written, and as asked by number
            if entry.episode is not None and f"#ep{entry.episode}" not in example:
                examples.append((f"#ep{entry.episode}", *example))
        for phrase in [*getattr(entry.keywords, lang), getattr(entry.title, lang)]:
            strength.update(dict.fromkeys(_knowledge_terms(phrase), _FULL_STRENGTH))
    for phrase in entry.aliases:
        strength.update(dict.fromkeys(_knowledge_terms(phrase), _FULL_STRENGTH))
    for example in examples:
        strength.update(dict.fromkeys(example, _FULL_STRENGTH))
    if entry.episode is not None:
        strength[f"#ep{entry.episode}"] = _FULL_STRENGTH
    return strength, tuple(dict.fromkeys(examples))


def _rarity(term: str, query: Query) -> float:
    """How much a word no entry knows says: little for an everyday word ("problem", "today"),
    much for a rare one ("Hamilton", "Gummistiefel") or one the general vocabulary lacks. The word
    table's weight of the word in general language, as the semantic retriever weighs it."""
    weights = [w for word in query.words if word.startswith(term) and (w := word_vectors().weight(word)) is not None]
    return min(weights, default=1.0)
