"""Answer latency of the core (question -> decided Answer, `Engine.ask`) and its accuracy.

On the real knowledge base and on synthetic ones of 1 000, 10 000 and 100 000 entries, beside a
naive baseline over the same example questions: rapidfuzz `extractOne` with WRatio. "first pass"
is each question's first ask on a fresh engine (typo expansions not cached yet); p50/p99 are over
the later, repeated asks. On synthetic bases a second set asks the bases' own example questions,
half of them with a typo. Accuracy: the shared dev set judged as score.py judges it; for the
baseline, "answered" is its best match's entry answer in the question's language.

    .venv/bin/python -m benchmarks.answer_latency [--sizes real,1000,10000,100000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from benchmarks.common import (
    DEV_QUESTIONS,
    KNOWLEDGE,
    judge,
    machine,
    ms,
    percentile,
    question_items,
    questions,
    ratio,
    table,
)
from benchmarks.synthetic import engine as synthetic_engine
from bot.core.engine import Engine
from bot.core.schema import LANGS, Entry

TARGET_P99 = {"real": 0.001, "10000": 0.010, "100000": 0.050}
# (repeats of the question set for us, for the baseline, share of questions the baseline asks)
REPEATS = {"real": (30, 10, 1), "1000": (10, 3, 1), "10000": (5, 1, 2), "100000": (3, 1, 24)}


@dataclass(frozen=True)
class Base:
    """An engine and the baseline's view of the same knowledge: every example question, with its entry."""

    name: str
    engine: Engine
    strings: list[str]
    owners: list[Entry]
    built: float  # seconds to generate (synthetic) and index, 0 if this process built it before


def build(name: str) -> Base:
    started = time.perf_counter()
    engine = Engine.from_directory(KNOWLEDGE) if name == "real" else synthetic_engine(int(name))
    built = time.perf_counter() - started
    pairs = [(q, e) for e in engine.knowledge.entries for lang in LANGS for q in getattr(e.questions, lang)]
    return Base(name, engine, [q for q, _ in pairs], [e for _, e in pairs], built)


def own_questions(base: Base, count: int = 100) -> list[str]:
    """Example questions of random entries of `base`, every second one with a letter dropped."""
    rng = random.Random(7)
    picked = [rng.choice(base.strings) for _ in range(count)]
    return [q if i % 2 else _drop_letter(q, rng) for i, q in enumerate(picked)]


def _drop_letter(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    cut = rng.choice(letters) if letters else 0
    return text[:cut] + text[cut + 1 :]


def measure(base: Base, asked: Sequence[str], label: str) -> list[object]:
    """One table row: our first pass, our repeated p50/p99, the baseline's p50/p99 and the ratios."""
    repeat, baseline_repeat, every = REPEATS.get(base.name, (3, 1, 4))
    engine = base.engine
    first = [_time(engine.ask, q) for q in asked]
    ours = [_time(engine.ask, q) for _ in range(repeat) for q in asked]
    sample = asked[::every]

    def naive(question: str) -> object:
        return process.extractOne(question, base.strings, scorer=fuzz.WRatio, processor=utils.default_process)

    theirs = [_time(naive, q) for _ in range(baseline_repeat) for q in sample]
    p50, p99, b50, b99 = (
        percentile(ours, 0.5),
        percentile(ours, 0.99),
        percentile(theirs, 0.5),
        percentile(theirs, 0.99),
    )
    target = TARGET_P99.get(base.name)
    return [
        f"{base.name} ({len(engine.knowledge)})",
        label,
        len(ours),
        ms(percentile(first, 0.99)),
        ms(p50),
        ms(p99),
        f"≤ {ms(target)}" if target else "-",
        len(theirs),
        ms(b50),
        ms(b99),
        ratio(p50, b50),
        ratio(p99, b99),
    ]


def accuracy(base: Base) -> list[list[object]]:
    """In-scope correct / wrong and off-topic declined on the dev set, ours beside the baseline's."""
    verdict, items = judge(), question_items(DEV_QUESTIONS)
    rows: list[list[object]] = []
    for who in ("ours", "baseline"):
        tally: dict[tuple[str, str], int] = {}
        for item in items:
            if who == "ours":
                reply = base.engine.ask(item["q"]).to_json()
            else:
                found = process.extractOne(item["q"], base.strings, scorer=fuzz.WRatio, processor=utils.default_process)
                entry = base.owners[found[2]] if found else None
                reply = {"answered": entry is not None, "answer": getattr(entry.answer, item["lang"]) if entry else ""}
            scope = "offtopic" if item.get("expect") == "abstain" else "inscope"
            key = (scope, verdict(item, reply))
            tally[key] = tally.get(key, 0) + 1
        inscope = sum(n for (scope, _), n in tally.items() if scope == "inscope")
        offtopic = sum(n for (scope, _), n in tally.items() if scope == "offtopic")
        rows.append(
            [
                who,
                inscope,
                f"{100 * tally.get(('inscope', 'correct'), 0) / inscope:.1f}%",
                f"{100 * tally.get(('inscope', 'wrong'), 0) / inscope:.1f}%",
                offtopic,
                f"{100 * tally.get(('offtopic', 'missed'), 0) / offtopic:.1f}%",
            ]
        )
    return rows


def _time(action: object, question: str) -> float:
    """CPU seconds of one call: on a shared machine, wall time would mostly measure the neighbours."""
    assert callable(action)
    started = time.thread_time()
    action(question)
    return time.thread_time() - started


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,1000,10000,100000", help="comma-separated: real and/or entry counts")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}")
    asked = questions()
    rows: list[list[object]] = []
    accuracy_rows: list[list[object]] = []
    for name in args.sizes.split(","):
        base = build(name)
        print(f"built {name}: {len(base.engine.knowledge)} entries in {base.built:.1f} s", flush=True)
        rows.append(measure(base, asked, "dev+own"))
        if name == "real":
            accuracy_rows = accuracy(base) if DEV_QUESTIONS.is_file() else []
        else:
            rows.append(measure(base, own_questions(base), "from the base"))
    headers = ["knowledge", "questions", "n", "first pass p99", "p50", "p99", "target p99"]
    headers += ["baseline n", "baseline p50", "baseline p99", "ratio p50", "ratio p99"]
    print(table("Answer latency (ms): Engine.ask vs extractOne(WRatio) over all example questions", headers, rows))
    if accuracy_rows:
        headers = ["who", "in-scope", "correct", "wrong", "off-topic", "declined"]
        print(table("Accuracy on the shared dev set (score.py's judge)", headers, accuracy_rows))


if __name__ == "__main__":
    main()
