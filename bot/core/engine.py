"""The one entry point the CLI and the Discord cogs share: ask, look up, complete, reload."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.core import premise
from bot.core.answers import MAX_QUESTION_LENGTH, Answer, Suggestion, compose, entry_answer, refusal
from bot.core.followup import Conversations, leans_on_previous
from bot.core.knowledge import Knowledge
from bot.core.loader import load_directory, load_texts, read_directory
from bot.core.query import Query
from bot.core.schema import Entry, Lang, Topic
from bot.core.text import clean, detect_language

if TYPE_CHECKING:
    from bot.core.cache import KnowledgeCache

AUTOCOMPLETE_LIMIT = 25  # Discord's maximum number of choices
PERSON_CUTOFF = 90  # a typed name names a person only this close (rapidfuzz ratio) to one of their names


@dataclass(frozen=True, slots=True)
class Cast:
    """Who is in the series: the overview entry (the cast entry that names nobody), and one answer a person."""

    overview: Answer | None
    people: tuple[Answer, ...]


@dataclass(frozen=True, slots=True)
class ReloadReport:
    """What a reload changed, by entry id."""

    count: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


class Engine:
    """Answers questions from the current knowledge; `reload` swaps in new knowledge atomically."""

    def __init__(
        self, knowledge: Knowledge, directory: Path, default_lang: Lang = "en", cache: KnowledgeCache | None = None
    ) -> None:
        self._knowledge = knowledge
        self.directory = directory
        self.default_lang: Lang = default_lang
        self._cache = cache
        self._reload_lock = threading.Lock()
        self.conversations = Conversations()

    @classmethod
    def from_directory(cls, directory: Path, default_lang: Lang = "en", cache: KnowledgeCache | None = None) -> Engine:
        """Load and validate `directory` (or take what `cache` kept for the same texts); raises
        KnowledgeError listing every problem."""
        return cls(load_directory(directory, cache), directory, default_lang, cache)

    @property
    def knowledge(self) -> Knowledge:
        return self._knowledge

    def ask(
        self, question: str, lang: Lang | None = None, fallback: Lang | None = None, conversation: str | None = None
    ) -> Answer:
        """Answer one question. With a `conversation` (e.g. a user in a channel), a question that
        leans on the one before ("and who produced it?") is read together with it."""
        # Only as much text as could be answered is read; longer input is refused anyway.
        query = Query.parse(question[:MAX_QUESTION_LENGTH])
        knowledge = self._knowledge  # one snapshot for the whole answer, even if a reload swaps meanwhile
        language = lang or detect_language(
            query.text, fallback or self.default_lang, knowledge.lexicon, query.cleaned, query.terms
        )
        refused = refusal(question, query.cleaned, language)
        if refused is not None:
            return refused
        match = knowledge.match(query)
        previous = self.conversations.previous(conversation) if conversation else None
        leaning = (
            leans_on_previous(query, knowledge.lexical.names_someone(query.terms)) if previous is not None else None
        )
        if previous is not None and leaning is not None:
            together = query.with_context(previous, knowledge.lexical.replaced(query.terms, previous.terms))
            joined = knowledge.match(together)
            if leaning == "explicit":  # "and who produced it?": together, unless only alone it clearly answers
                use_joined = joined.kind == "answer" or not (match.kind == "answer" and not match.suggestions)
            else:  # "release?" may be complete: alone, unless only together it finds an answer
                use_joined = match.kind != "answer" and joined.kind == "answer"
            if use_joined:
                match, query = joined, together
        if conversation:
            self.conversations.remember(conversation, query)
        answer = compose(question, match, language)
        verdict = premise.lead(query, answer.text, language) if answer.answered else None
        return replace(answer, text=f"{verdict} {answer.text}") if verdict else answer

    def answer_entry(self, entry_id: str, lang: Lang, question: str = "") -> Answer | None:
        """The answer of one entry, e.g. a pressed suggestion, or None if a reload removed it."""
        entry = self._knowledge.by_id.get(entry_id)
        return entry_answer(question or getattr(entry.title, lang), entry, lang) if entry else None

    def complete(self, text: str, lang: Lang, topic: Topic | None = None) -> list[Suggestion]:
        """Autocomplete choices: entries of `topic` whose title or alias resembles `text`."""
        knowledge = self._knowledge
        typed = clean(text)
        if not typed:
            entries = knowledge.topic(topic) if topic else knowledge.entries
            return [Suggestion(e.id, getattr(e.title, lang)) for e in entries[:AUTOCOMPLETE_LIMIT]]
        names = knowledge.names(topic)
        seen: dict[str, Suggestion] = {}
        for _, _, place in process.extract(typed, names.cleaned, scorer=fuzz.WRatio, score_cutoff=60, limit=None):
            entry = names.owners[place]
            seen.setdefault(entry.id, Suggestion(entry.id, getattr(entry.title, lang)))
            if len(seen) == AUTOCOMPLETE_LIMIT:
                break
        return list(seen.values())

    def topic(self, lang: Lang, *topics: Topic) -> list[Answer]:
        """The answer of every entry of `topics` (of every entry, without any), in knowledge order."""
        knowledge = self._knowledge
        entries = [entry for topic in topics for entry in knowledge.topic(topic)] if topics else knowledge.entries
        return [_shown(entry, lang) for entry in entries]

    def episodes(self, lang: Lang) -> dict[int, Answer]:
        """The answer of each numbered episode, by number, in order."""
        return {number: _shown(entry, lang) for number, entry in sorted(self._knowledge.episodes().items())}

    def episode(self, number: int, lang: Lang) -> Answer | None:
        entry = self._knowledge.episodes().get(number)
        return _shown(entry, lang) if entry else None

    def cast(self, lang: Lang) -> Cast:
        """Entries about one person have aliases (their names); the cast's overview has none."""
        entries = self._knowledge.topic("cast")
        overview = next((_shown(entry, lang) for entry in entries if not entry.aliases), None)
        return Cast(overview, tuple(_shown(entry, lang) for entry in entries if entry.aliases))

    def examples(self, lang: Lang, topics: Iterable[Topic]) -> list[str]:
        """One example question for each of `topics` that has an entry: its first entry's first."""
        knowledge = self._knowledge
        return [getattr(entries[0].questions, lang)[0] for entries in map(knowledge.topic, topics) if entries]

    def related(self, entry_id: str, lang: Lang) -> list[Suggestion]:
        """The entries an entry names as related (the loader checked they exist), in its order; none
        for an entry a reload removed."""
        knowledge = self._knowledge
        entry = knowledge.by_id.get(entry_id)
        related = [knowledge.by_id[other] for other in entry.related] if entry else []
        return [Suggestion(other.id, getattr(other.title, lang)) for other in related]

    def titles(self, lang: Lang) -> dict[str, str]:
        """Every entry's title, by id."""
        return {entry.id: getattr(entry.title, lang) for entry in self._knowledge.entries}

    def person(self, name: str, lang: Lang) -> Answer | None:
        """The answer about the person `name` names, or None: a wrong person is worse than none.

        `name` is an autocomplete choice (the entry id), one of the person's names as written in the
        knowledge (title or alias; case and accents aside), or a typo within PERSON_CUTOFF of one.
        Unlike `complete`, a partial or merely similar name ("a", "Rosberg") names nobody."""
        knowledge = self._knowledge
        entry = knowledge.by_id.get(name)
        if entry is None or entry.topic != "cast":
            names = knowledge.names("cast")
            best = process.extractOne(clean(name), names.cleaned, scorer=fuzz.ratio, score_cutoff=PERSON_CUTOFF)
            entry = names.owners[best[2]] if best else None
        return _shown(entry, lang) if entry else None

    def prepare(self) -> None:
        """Build what the first question would otherwise wait for: the semantic index and its word
        table. A long-running bot calls this once at start; a one-shot CLI does not need to."""
        _ = self._knowledge.semantic

    def reload(self) -> ReloadReport:
        """Re-read the directory and swap it in, fully built; on any problem raise KnowledgeError and
        keep the old. Texts identical to the current knowledge's keep it as it is (nothing changed)."""
        with self._reload_lock:
            old = self._knowledge
            texts = read_directory(self.directory)
            if texts.fingerprint == old.fingerprint:
                return ReloadReport(len(old), (), (), ())
            fresh = load_texts(texts, self._cache)
            _ = fresh.semantic
            self._knowledge = fresh
        return ReloadReport(
            count=len(fresh),
            added=tuple(sorted(fresh.by_id.keys() - old.by_id.keys())),
            removed=tuple(sorted(old.by_id.keys() - fresh.by_id.keys())),
            changed=tuple(sorted(i for i in fresh.by_id.keys() & old.by_id.keys() if fresh.by_id[i] != old.by_id[i])),
        )


def _shown(entry: Entry, lang: Lang) -> Answer:
    """An entry shown without a question (browsed, not asked): its title stands for the question."""
    return entry_answer(getattr(entry.title, lang), entry, lang)
