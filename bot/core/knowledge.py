"""The loaded knowledge: entries plus their search index, immutable so a reload can swap it whole."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import MappingProxyType

from bot.core.decide import Match, candidates, decide
from bot.core.lexical import LexicalIndex
from bot.core.query import Query
from bot.core.schema import Entry, Lang, Source, Topic
from bot.core.semantic import SemanticIndex
from bot.core.text import clean

# Decisions kept for questions asked again. Bounded, as the keys are users' words: this many questions
# of up to 500 characters are about 1.5 MiB (benchmarks.hostile_memory); the short ones people ask, far less.
DECISIONS_KEPT = 256
_Asked = tuple[tuple[str, ...], tuple[str, ...], frozenset[tuple[str, float]], frozenset[str], frozenset[str]]


class Knowledge:
    """A validated, indexed set of entries. Never mutated after construction (the lookups it caches
    are derived from the entries alone)."""

    __slots__ = (
        "_by_topic",
        "_decided",
        "_deciding",
        "_episodes",
        "_names",
        "_semantic",
        "by_id",
        "entries",
        "fingerprint",
        "lexical",
        "sources",
        "warnings",
    )

    def __init__(
        self,
        entries: tuple[Entry, ...],
        *,
        sources: tuple[Source, ...] = (),
        warnings: tuple[str, ...] = (),
        fingerprint: str = "",
        indexes: tuple[LexicalIndex, SemanticIndex] | None = None,
    ) -> None:
        """`indexes`: both built before over exactly these entries (by the cache), taken as they are."""
        self.entries = entries
        self.sources = sources  # the whole registry, cited or not
        self.warnings = warnings  # odd but harmless findings of the loader, e.g. a source nobody cites
        self.fingerprint = fingerprint  # of the files' texts it was loaded from ("" if not from files)
        self.by_id: Mapping[str, Entry] = MappingProxyType({entry.id: entry for entry in entries})
        self.lexical = LexicalIndex(entries) if indexes is None else indexes[0]
        self._semantic: SemanticIndex | None = None if indexes is None else indexes[1]
        by_topic: dict[Topic, list[Entry]] = {}
        for entry in entries:
            by_topic.setdefault(entry.topic, []).append(entry)
        self._by_topic = {topic: tuple(found) for topic, found in by_topic.items()}
        self._episodes = {entry.episode: entry for entry in entries if entry.episode is not None}
        self._names: dict[Topic | None, Names] = {}
        self._decided: dict[_Asked, Match] = {}  # oldest first
        self._deciding = threading.Lock()

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def lexicon(self) -> Mapping[str, Lang]:
        """Terms the knowledge uses in one language only: evidence of a question's language."""
        return self.lexical.lexicon

    @property
    def semantic(self) -> SemanticIndex:
        """Built on first use, so loading knowledge (and `check`) never reads the word table; two
        threads building it at once build the same thing."""
        if self._semantic is None:
            self._semantic = SemanticIndex(self.entries)
        return self._semantic

    def match(self, query: Query) -> Match:
        """The decision for one question, from both retrievers. The retrievers read only its terms,
        words, weights, guesses and claims, so a question asked again in those words gets the
        decision made before, without matching again."""
        key = (query.terms, query.words, frozenset(query.weights.items()), query.guesses, query.checked)
        found = self._decided.get(key)
        if found is None:
            found = decide(candidates(query, self.entries, self.lexical, self.semantic))
        with self._deciding:  # the most recently asked last; the least recently asked leaves first
            self._decided.pop(key, None)
            self._decided[key] = found
            if len(self._decided) > DECISIONS_KEPT:
                del self._decided[next(iter(self._decided))]
        return found

    def topic(self, topic: Topic) -> tuple[Entry, ...]:
        return self._by_topic.get(topic, ())

    def episodes(self) -> dict[int, Entry]:
        """The entry of each numbered episode, by number (a copy: callers may change it)."""
        return dict(self._episodes)

    def names(self, topic: Topic | None) -> Names:
        """The titles and aliases of `topic`'s entries (all entries for None), for autocomplete.

        Built on first use, as only some topics are ever completed; two threads building it at once
        build the same thing."""
        found = self._names.get(topic)
        if found is None:
            found = self._names[topic] = Names(self.topic(topic) if topic else self.entries)
        return found


class Names:
    """Each distinct title and alias once, in entry order, with its entry and its cleaned form, so
    that matching a typed name cleans only the typed text."""

    __slots__ = ("cleaned", "owners")

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        owners: dict[str, Entry] = {}
        for entry in entries:
            for name in (entry.title.de, entry.title.en, *entry.aliases):
                owners.setdefault(name, entry)
        self.cleaned = tuple(map(clean, owners))
        self.owners = tuple(owners.values())
