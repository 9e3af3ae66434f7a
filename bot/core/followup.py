"""Follow-up questions: "and who produced it?" read together with the asker's previous question.

Memory only, bounded in count and time: one previous question per conversation (a user in a
channel, or a DM), forgotten after five minutes or when the oldest of many must make room.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

from bot.core.query import Query

FOLLOWUP_SECONDS = 300.0
_SHORT = 1  # content words or fewer: too short to name a subject of its own
MAX_CONVERSATIONS = 10_000

# Words that make a question lean on the one before: a leading "and", a pronoun, "there", "then".
_LEADS = (
    "and ",
    "und ",
    "but ",
    "aber ",
    "also ",
    "plus ",
    "what about ",
    "how about ",
    "was ist mit ",
    "wie ist es mit ",
)
_REFERENCES = frozenset(
    """it its he him his she her they them their those there
    er ihn ihm sein seine seinen seinem seiner ihr ihre ihren ihrem dort damals dabei davon dazu denen dessen
    deren""".split()
)


Leaning = Literal["explicit", "short"]


def leans_on_previous(query: Query, names_someone: bool = False) -> Leaning | None:
    """How the question reads as a follow-up: "explicit" when it starts with "and"/"und" or refers
    back with a pronoun ("and who produced it?"), "short" when it is too short to name a subject of
    its own ("which years?", "release?": maybe a follow-up, maybe a complete question), else None.
    A pronoun in a question that `names_someone` (a person or a team) of its own may stand for
    them ("When did Audi end its programme?")."""
    words = query.words
    if not words:
        return None
    refers_back = not names_someone and any(word in _REFERENCES for word in words)
    if f"{query.cleaned} ".startswith(_LEADS) or refers_back:
        return "explicit"
    return "short" if sum(term[0] not in "?#" for term in query.terms) <= _SHORT else None


class Conversations:
    """The previous question of each conversation, thread-safe (the Discord edge and a reload
    may run in different threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, capacity: int = MAX_CONVERSATIONS) -> None:
        self._clock = clock
        self._capacity = capacity
        self._turns: OrderedDict[str, tuple[float, Query]] = OrderedDict()
        self._lock = threading.Lock()

    def previous(self, conversation: str) -> Query | None:
        """The question asked before in this conversation, if it was asked within five minutes."""
        with self._lock:
            turn = self._turns.get(conversation)
            if turn is None:
                return None
            asked, query = turn
            if self._clock() - asked > FOLLOWUP_SECONDS:
                del self._turns[conversation]
                return None
            return query

    def remember(self, conversation: str, query: Query) -> None:
        with self._lock:
            self._turns[conversation] = (self._clock(), query)
            self._turns.move_to_end(conversation)
            while len(self._turns) > self._capacity:
                self._turns.popitem(last=False)

    def __len__(self) -> int:
        return len(self._turns)
