"""The one entry point the CLI and the Discord cogs share: ask, look up, complete, reload."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.core.answers import MAX_QUESTION_LENGTH, Answer, Suggestion, compose, entry_answer, refusal
from bot.core.knowledge import Knowledge
from bot.core.loader import load_directory
from bot.core.schema import Lang, Topic
from bot.core.text import clean, detect_language

AUTOCOMPLETE_LIMIT = 25  # Discord's maximum number of choices


@dataclass(frozen=True, slots=True)
class ReloadReport:
    """What a reload changed, by entry id."""

    count: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


class Engine:
    """Answers questions from the current knowledge; `reload` swaps in new knowledge atomically."""

    def __init__(self, knowledge: Knowledge, directory: Path, default_lang: Lang = "en") -> None:
        self._knowledge = knowledge
        self.directory = directory
        self.default_lang: Lang = default_lang
        self._reload_lock = threading.Lock()

    @classmethod
    def from_directory(cls, directory: Path, default_lang: Lang = "en") -> Engine:
        """Load and validate `directory`; raises KnowledgeError listing every problem."""
        return cls(load_directory(directory), directory, default_lang)

    @property
    def knowledge(self) -> Knowledge:
        return self._knowledge

    def language(self, text: str, lang: Lang | None = None, fallback: Lang | None = None) -> Lang:
        """`lang` if forced, else the text's language, else `fallback`, else the default."""
        return lang or detect_language(text, fallback or self.default_lang, self._knowledge.index.lexicon)

    def ask(self, question: str, lang: Lang | None = None, fallback: Lang | None = None) -> Answer:
        # Only as much text as could be answered tells the language; longer input is refused anyway.
        language = self.language(question[:MAX_QUESTION_LENGTH], lang, fallback)
        refused = refusal(question, language)
        if refused is not None:
            return refused
        knowledge = self._knowledge  # one snapshot for the whole answer, even if a reload swaps meanwhile
        return compose(question, knowledge.index.decide(question), language)

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

    def reload(self) -> ReloadReport:
        """Re-read the directory and swap it in; on any problem raise KnowledgeError and keep the old."""
        with self._reload_lock:
            fresh = load_directory(self.directory)
            old = self._knowledge
            self._knowledge = fresh
        return ReloadReport(
            count=len(fresh),
            added=tuple(sorted(fresh.by_id.keys() - old.by_id.keys())),
            removed=tuple(sorted(old.by_id.keys() - fresh.by_id.keys())),
            changed=tuple(sorted(i for i in fresh.by_id.keys() & old.by_id.keys() if fresh.by_id[i] != old.by_id[i])),
        )
