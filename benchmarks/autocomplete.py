"""Autocomplete latency: /cast's person choices (`Engine.complete(…, topic="cast")`), on the real
knowledge and synthetic bases. (/episode offers fixed choices: Discord lists them without asking.)

Inputs are what a user types: prefixes of the base's cast titles and aliases, some with a typo.
Baseline, in the same run: rapidfuzz `extract` (WRatio, default processor, 25 choices) over a
prepared list of the same names.

    .venv/bin/python -m benchmarks.autocomplete [--sizes real,1000,10000,100000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process, utils

from benchmarks.common import KNOWLEDGE, machine, ms, percentile, ratio, table
from benchmarks.synthetic import engine as synthetic_engine
from bot.core.engine import Engine

TARGET_P99 = {"10000": 0.005}
REPEAT = {"real": 20, "1000": 10, "10000": 5, "100000": 2}


def typed(engine: Engine, count: int = 200) -> list[str]:
    """What users type into /cast's person option: prefixes of names, every fifth with a typo."""
    rng = random.Random(5)
    names = [name for e in engine.knowledge.topic("cast") for name in (e.title.en, *e.aliases)]
    found = []
    for number in range(count):
        name = rng.choice(names)
        prefix = name[: rng.randint(1, len(name))]
        if number % 5 == 0 and len(prefix) > 3:
            cut = rng.randrange(1, len(prefix))
            prefix = prefix[:cut] + prefix[cut + 1 :]
        found.append(prefix)
    return found


def cpu_times(action: Callable[[str], object], inputs: Sequence[str], repeat: int) -> list[float]:
    """CPU seconds per call (wall time on a shared machine mostly measures the neighbours)."""
    found = []
    for _ in range(repeat):
        for text in inputs:
            started = time.thread_time()
            action(text)
            found.append(time.thread_time() - started)
    return found


def row(name: str, kind: str, ours: list[float], theirs: list[float], size: int) -> list[object]:
    target = TARGET_P99.get(name) if kind == "/cast person" else None
    p50, p99, b50, b99 = (
        percentile(ours, 0.5),
        percentile(ours, 0.99),
        percentile(theirs, 0.5),
        percentile(theirs, 0.99),
    )
    return [
        f"{name} ({size})",
        kind,
        len(ours),
        ms(p50),
        ms(p99),
        f"≤ {ms(target)}" if target else "-",
        ms(b50),
        ms(b99),
        ratio(p50, b50),
        ratio(p99, b99),
    ]


def measure(name: str, engine: Engine) -> list[list[object]]:
    repeat = REPEAT.get(name, 2)
    inputs = typed(engine)
    names = [name for e in engine.knowledge.topic("cast") for name in (e.title.de, e.title.en, *e.aliases)]
    engine.complete("warm up", "en", topic="cast")  # the cleaned names are built on first use

    def naive(text: str) -> object:
        return process.extract(text, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=25)

    cast = cpu_times(lambda text: engine.complete(text, "en", topic="cast"), inputs, repeat)
    cast_baseline = cpu_times(naive, inputs, repeat)
    return [row(name, "/cast person", cast, cast_baseline, len(engine.knowledge))]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,1000,10000,100000", help="comma-separated: real and/or entry counts")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}")
    rows: list[list[object]] = []
    for name in args.sizes.split(","):
        started = time.perf_counter()
        engine = Engine.from_directory(KNOWLEDGE) if name == "real" else synthetic_engine(int(name))
        print(f"built {name} in {time.perf_counter() - started:.1f} s", flush=True)
        rows += measure(name, engine)
    headers = ["knowledge", "autocomplete", "n", "p50", "p99", "target p99", "baseline p50", "baseline p99"]
    print(table("Autocomplete latency (ms, CPU time per call)", [*headers, "ratio p50", "ratio p99"], rows))


if __name__ == "__main__":
    main()
