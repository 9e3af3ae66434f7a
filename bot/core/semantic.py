"""The semantic retriever: entries whose example questions mean what the question means.

It bridges what no keyword list has: other words for the same thing ("gefilmt" ~ "gedreht",
"Kiwi" ~ "New Zealander") and German to English. A text's vector is the weighted mean of its
words' vectors from a static table (`bot/data/word_vectors/`, built once from Google's
multilingual Universal Sentence Encoder by `scripts/build_word_vectors.py`): no model runs at
answer time, and the table loads on first use, so commands that never match stay fast.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.core.query import Query
from bot.core.schema import LANGS, Entry
from bot.core.text import clean

TABLE = Path(__file__).resolve().parent.parent / "data" / "word_vectors"

Vector = npt.NDArray[np.float32]
SMOOTHING = 1e-4  # the "a" of a word's weight a / (a + frequency): lower weighs rare words more


class WordVectors:
    """The word table: a unit vector per text from the vectors of the words it knows.

    The vectors stay quantised (int8 and a scale per word), memory-mapped, until a text uses them: a
    question needs a few rows, and reading and decoding all 36 000 would cost a fresh process more
    than the answer. The table is plain files (`words.txt`, one word a line, and `.npy` arrays) so
    that nothing is unzipped."""

    def __init__(self, folder: Path) -> None:
        words = (folder / "words.txt").read_bytes().decode("utf-8").split("\n")
        self._quantised = np.load(folder / "vectors.npy", mmap_mode="r")
        self._scale = np.load(folder / "scale.npy")
        self._frequency = np.load(folder / "frequency.npy")
        self._weights = SMOOTHING / (SMOOTHING + self._frequency)  # smooth inverse frequency: "the" ~ 0
        self._row = dict(zip(words, range(len(words)), strict=True))
        self.dimensions = int(self._quantised.shape[1])

    def weight(self, word: str) -> float | None:
        """The word's smooth-inverse-frequency weight, if the table has it: near 0 for an everyday
        word ("the", "remember"), near 1 for a rare one ("Hamilton")."""
        row = self._row.get(word)
        return None if row is None else float(self._weights[row])

    def rows(self, words: Iterable[str]) -> tuple[tuple[str, int], ...]:
        """The words the table knows, with their rows."""
        return tuple((word, row) for word in words if (row := self._row.get(word)) is not None)

    def embed(self, rows: Sequence[tuple[str, int]], scale: Callable[[str], float]) -> Vector | None:
        """The mean of the rows' vectors, each weighted by its word's rarity in general language and by
        `scale`, unit length; None if nothing is left."""
        if not rows:
            return None
        weights = np.asarray([self._weights[row] * scale(word) for word, row in rows], dtype=np.float32)
        picked = [row for _, row in rows]
        vector: Vector = weights @ (self._quantised[picked].astype(np.float32) * self._scale[picked][:, None])
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else None


@functools.cache
def word_vectors() -> WordVectors:
    """The shared table, loaded once per process on first use."""
    return WordVectors(TABLE)


@functools.lru_cache(maxsize=1 << 16)
def _knowledge_rows(text: str) -> tuple[tuple[str, int], ...]:
    """A knowledge text's known words, cached by its text: a reload of unchanged text looks nothing
    up again. Only knowledge text comes here, never a user's."""
    return word_vectors().rows(clean(text).split())


class SemanticIndex:
    """Each entry's example questions, title, keywords and aliases as unit vectors; an entry's
    similarity to a question is that of its closest text.

    Words that many entries use ("Le Mans", "Serie") say little about which entry is meant, so
    each word's weight is also scaled by its rarity among the entries, on both sides."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._count = len(entries)
        texts = tuple((position, text) for position, entry in enumerate(entries) for text in _texts(entry))
        built = _built(texts)
        if built is None:
            built = _build(texts, self._count)
        self._rarity, self._matrix, self._entries_with_rows, self._first_rows = built

    def similarities(self, query: Query) -> npt.NDArray[np.float32]:
        """Each entry's cosine similarity to the question (0 where nothing compares)."""
        result = np.zeros(self._count, dtype=np.float32)
        if not len(self._first_rows):
            return result
        vector = word_vectors().embed(
            word_vectors().rows(query.words), lambda word: self._scale(word) * query.weight(word)
        )
        if vector is None:
            return result
        result[self._entries_with_rows] = np.maximum.reduceat(self._matrix @ vector, self._first_rows)
        return result

    def _scale(self, word: str) -> float:
        return self._rarity.get(word, 1.0)


_Built = tuple[dict[str, float], Vector, npt.NDArray[np.intp], npt.NDArray[np.intp]]
_last: tuple[tuple[tuple[int, str], ...], _Built] | None = None  # the index of the texts built last


def _built(texts: tuple[tuple[int, str], ...]) -> _Built | None:
    """What was built for exactly these texts before: a reload that changed no example question,
    title, keyword or alias rebuilds nothing."""
    last = _last
    return last[1] if last is not None and last[0] == texts else None


def _build(texts: tuple[tuple[int, str], ...], count: int) -> _Built:
    global _last
    found = [(position, _knowledge_rows(text)) for position, text in texts]
    used_by: dict[str, set[int]] = {}
    for position, rows in found:
        for word, _ in rows:
            used_by.setdefault(word, set()).add(position)
    top = math.log(1 + count)
    rarity = {word: math.log(1 + count / len(users)) / top for word, users in used_by.items()}
    matrix = np.empty((len(found), word_vectors().dimensions), dtype=np.float32)
    owners: list[int] = []
    for position, rows in found:
        vector = word_vectors().embed(rows, lambda word: rarity.get(word, 1.0))
        if vector is not None:
            matrix[len(owners)] = vector
            owners.append(position)
    # rows come grouped by entry: each entry's first row, for one maximum per group
    entries_with_rows, first_rows = np.unique(np.asarray(owners, dtype=np.intp), return_index=True)
    built = (rarity, matrix[: len(owners)].copy(), entries_with_rows, first_rows)
    _last = (texts, built)
    return built


def _texts(entry: Entry) -> list[str]:
    """Each distinct text that says what the entry is about."""
    texts = [entry.title.de, entry.title.en, *entry.aliases]
    for lang in LANGS:
        texts += getattr(entry.questions, lang)
        keywords = getattr(entry.keywords, lang)
        if keywords:
            texts.append(" ".join(keywords))  # one bag of words: a keyword alone says little
    return list(dict.fromkeys(texts))
