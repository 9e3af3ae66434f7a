"""A question cut into what the retrievers read, once per ask.

Nothing here is cached: user text is unbounded, so every derived form lives exactly as long as the
question it came from (only text from the knowledge base is cached, by the indexes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.text import clean, is_year, stem, terms_of_cleaned

PREVIOUS_WEIGHT = 0.8  # a follow-up's borrowed words count less: the new question leads
_LEAST_BORROWED = 0.6  # words from more than two questions back are dropped, so a chain stays short


@dataclass(frozen=True, slots=True)
class Query:
    """`terms` for the lexical retriever, `words` for the semantic one; `weights` scale the terms
    and words borrowed from an earlier question (1.0 when absent)."""

    text: str
    cleaned: str
    terms: tuple[str, ...]
    words: tuple[str, ...]
    weights: dict[str, float] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Query:
        cleaned = clean(text)
        return cls(text, cleaned, terms_of_cleaned(cleaned), tuple(cleaned.split()))

    def weight(self, term_or_word: str) -> float:
        return self.weights.get(term_or_word, 1.0)

    @property
    def episode(self) -> int | None:
        return next((int(t[3:]) for t in self.terms if t.startswith("#ep")), None)

    @property
    def years(self) -> tuple[str, ...]:
        return tuple(t for t in self.terms if is_year(t))

    def with_context(self, previous: Query, replaced: frozenset[str] = frozenset()) -> Query:
        """This question read together with `previous`: its own terms lead, the earlier question's
        subject joins at a lower weight. An earlier question word ("?when") or episode gives way to
        this question's own, and so do the `replaced` terms (an earlier name this question names
        another of: "and Porsche?")."""
        own_kinds = {t[0] for t in self.terms if t[0] in "?#"}

        def kept(item: str) -> bool:
            return PREVIOUS_WEIGHT * previous.weight(item) >= _LEAST_BORROWED and item not in replaced

        borrowed = [t for t in previous.terms if t not in self.terms and t[0] not in own_kinds and kept(t)]
        words = [w for w in previous.words if w not in self.words and kept(w) and stem(w) not in replaced]
        weights = {item: PREVIOUS_WEIGHT * previous.weight(item) for item in (*borrowed, *words)}
        return Query(
            f"{previous.text} … {self.text}",
            f"{previous.cleaned} {self.cleaned}",
            (*self.terms, *borrowed),
            (*self.words, *words),
            weights,
        )
