"""The loaded knowledge: entries plus their search index, immutable so a reload can swap it whole."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.core.matcher import Index
from bot.core.schema import Entry, Topic


class Knowledge:
    """A validated, indexed set of entries. Never mutated after construction."""

    __slots__ = ("by_id", "entries", "index")

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.entries = entries
        self.by_id: Mapping[str, Entry] = MappingProxyType({entry.id: entry for entry in entries})
        self.index = Index(entries)

    def __len__(self) -> int:
        return len(self.entries)

    def topic(self, topic: Topic) -> tuple[Entry, ...]:
        return tuple(entry for entry in self.entries if entry.topic == topic)

    def episodes(self) -> dict[int, Entry]:
        """The entry of each numbered episode, by number."""
        return {entry.episode: entry for entry in self.entries if entry.episode is not None}
