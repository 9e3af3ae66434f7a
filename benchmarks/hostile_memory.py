"""Memory under hostile questions: nothing a user types may stay in the process.

A flood of distinct 500-character questions (random words, some of them known ones, so every stage of
the engine runs) goes through `Engine.ask` and cast autocomplete, as mentions, DMs and typing would
send them. The resident set size is read after 100 of them (the baseline: caches of the knowledge
and the interpreter warm) and again at each checkpoint; after 100 000 it must stay within 10 MiB of
the baseline. Anything kept per question (a cache keyed by user text) grows it by about 6 KiB each,
i.e. hundreds of MiB.

    .venv/bin/python -m benchmarks.hostile_memory [--questions 100000] [--check]
"""

from __future__ import annotations

import argparse
import gc
import random
import string
from collections.abc import Iterator, Sequence

from benchmarks.common import KNOWLEDGE, machine, rss_kib, table
from bot.core.answers import MAX_QUESTION_LENGTH
from bot.core.engine import Engine

BASELINE_AT = 100
TARGET_MIB = 10.0
ALPHABET = string.ascii_lowercase + "äöüßéèàç0123456789"


def hostile(seed: int, known: Sequence[str]) -> Iterator[str]:
    """Distinct questions of exactly MAX_QUESTION_LENGTH characters: random words, a third of them
    words the knowledge uses, the question's number in it so no two are equal."""
    rng = random.Random(seed)
    for number in range(10**9):
        words = [str(number)]
        while sum(map(len, words)) + len(words) < MAX_QUESTION_LENGTH:
            length = rng.randint(2, 14)
            words.append(rng.choice(known) if rng.random() < 1 / 3 else "".join(rng.choices(ALPHABET, k=length)))
        yield " ".join(words)[:MAX_QUESTION_LENGTH]


def measure(engine: Engine, count: int) -> list[tuple[int, int]]:
    """(questions asked, RSS in KiB after a collection) at the baseline and each checkpoint."""
    known = sorted({word for entry in engine.knowledge.entries for word in entry.title.en.lower().split()})
    checkpoints = sorted({BASELINE_AT, *(n for n in (1_000, 10_000, 30_000, count) if BASELINE_AT < n <= count)})
    found = []
    for asked, question in enumerate(hostile(13, known), 1):
        engine.ask(question)
        engine.complete(question, "en", topic="cast")
        if asked in checkpoints:
            gc.collect()
            found.append((asked, rss_kib()))
            if asked == checkpoints[-1]:
                return found
    raise AssertionError("unreachable: the questions never end")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000, help="how many distinct questions (default 100 000)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the growth exceeds the target")
    args = parser.parse_args(argv)
    print(machine())
    engine = Engine.from_directory(KNOWLEDGE)
    found = measure(engine, args.questions)
    baseline = found[0][1]
    rows = [
        (
            f"{asked:,}",
            f"{kib / 1024:.1f}",
            f"{(kib - baseline) / 1024:+.1f}",
            f"{(kib - baseline) * 1024 / (asked - BASELINE_AT):.0f}" if asked > BASELINE_AT else "-",
        )
        for asked, kib in found
    ]
    print(
        table(
            "RSS while answering distinct 500-character questions",
            ["questions", "RSS MiB", "vs 100 (MiB)", "bytes/question"],
            rows,
        )
    )
    growth = (found[-1][1] - baseline) / 1024
    verdict = "within" if growth <= TARGET_MIB else "OVER"
    print(f"\nAfter {found[-1][0]:,} questions: {growth:+.1f} MiB over the baseline, {verdict} the target.")
    return 1 if args.check and growth > TARGET_MIB else 0


if __name__ == "__main__":
    raise SystemExit(main())
