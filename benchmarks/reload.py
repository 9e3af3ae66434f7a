"""Reload: the time to read, validate, index and swap in a knowledge directory (`Engine.reload`),
and whether questions asked from other threads meanwhile are all answered, and answered right.

For the real knowledge and a synthetic one of 10 000 entries written as YAML files (the real one
copied, so that it can be edited). "first load" is `Engine.from_directory` in a process that has
not read these texts before. A reload of unchanged files only reads and fingerprints them; "after an
edit" a comment is added to one file first, so everything is validated and indexed again (the
semantic index is reused while no example question, title, keyword or alias changed). Baseline, in
the same run: only parsing the same files with PyYAML's libyaml loader
(`yaml.load(text, Loader=yaml.CSafeLoader)`), no validation, no index. Questions asked meanwhile
from other threads are asked during reloads after edits.

    .venv/bin/python -m benchmarks.reload [--sizes real,10000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

from benchmarks.common import KNOWLEDGE, machine, median, ms, percentile, questions, ratio, table
from benchmarks.synthetic import generate_data, write_directory
from bot.core.engine import Engine
from bot.core.loader import SOURCES_FILE

TARGET = {"real": 0.100}
RELOADS = {"real": 30, "10000": 1}  # timed reloads
CONCURRENT_RELOADS = {"real": 10, "10000": 1}  # reloads while other threads ask
ASKERS = 2  # threads asking while the main thread reloads


def cpu(action: object) -> float:
    """CPU seconds of the calling thread for one call."""
    assert callable(action)
    started = time.thread_time()
    action()
    return time.thread_time() - started


def edit(directory: Path, number: int) -> None:
    """Add a comment to the first entry file: new bytes, the same knowledge."""
    path = next(path for path in sorted(directory.glob("*.yaml")) if path.name != SOURCES_FILE)
    with path.open("a", encoding="utf-8") as file:
        file.write(f"# edit {number}\n")


def asked_during_reloads(engine: Engine, reloads: int) -> tuple[int, int, float]:
    """Reload `reloads` times while ASKERS threads ask the dev questions over and over; returns how
    many were asked, how many came back as before the reloads (same kind, entry and score), and the
    slowest reload's wall time."""
    asked = questions()
    expected = {q: _outcome(engine, q) for q in asked}
    done = threading.Event()
    counts = [[0, 0] for _ in range(ASKERS)]

    def ask(tally: list[int]) -> None:
        while not done.is_set():
            for question in asked:
                try:
                    tally[1] += _outcome(engine, question) == expected[question]
                finally:
                    tally[0] += 1

    threads = [threading.Thread(target=ask, args=(tally,)) for tally in counts]
    for thread in threads:
        thread.start()
    slowest = 0.0
    try:
        for number in range(reloads):
            edit(engine.directory, number)
            started = time.perf_counter()
            engine.reload()
            slowest = max(slowest, time.perf_counter() - started)
    finally:
        done.set()
        for thread in threads:
            thread.join()
    return sum(c[0] for c in counts), sum(c[1] for c in counts), slowest


def _outcome(engine: Engine, question: str) -> tuple[str, str | None, float]:
    answer = engine.ask(question)
    return answer.kind, answer.entry_id, round(answer.score, 6)


def measure(name: str, directory: Path) -> tuple[list[object], list[object]]:
    files = sorted(directory.glob("*.yaml"))
    holder: list[Engine] = []
    first = cpu(lambda: holder.append(Engine.from_directory(directory)))
    engine = holder[0]
    unchanged = [cpu(engine.reload) for _ in range(RELOADS.get(name, 1))]
    reloads = []
    for number in range(RELOADS.get(name, 1)):
        edit(directory, number)
        reloads.append(cpu(engine.reload))
    texts = [path.read_text(encoding="utf-8") for path in files]
    parse = [cpu(lambda: [yaml.load(text, Loader=yaml.CSafeLoader) for text in texts]) for _ in range(len(reloads))]
    concurrent_reloads = CONCURRENT_RELOADS.get(name, 1)
    asked, right, slowest = asked_during_reloads(engine, concurrent_reloads)
    target = TARGET.get(name)
    timing = [
        f"{name} ({len(engine.knowledge)} entries, {len(files)} files)",
        ms(first),
        len(reloads),
        ms(median(unchanged)),
        ms(median(reloads)),
        ms(percentile(reloads, 0.99)),
        f"≤ {ms(target)}" if target else "-",
        ms(median(parse)),
        ratio(median(reloads), median(parse)),
    ]
    concurrent = [name, concurrent_reloads, ASKERS, asked, right, asked - right, ms(slowest)]
    return timing, concurrent


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,10000", help="comma-separated: real and/or entry counts")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}")
    timings, concurrency = [], []
    for name in args.sizes.split(","):
        with tempfile.TemporaryDirectory() as scratch:
            if name == "real":
                directory = Path(scratch) / KNOWLEDGE.name
                shutil.copytree(KNOWLEDGE, directory)
            else:
                directory = write_directory(list(generate_data(int(name))), Path(scratch) / "knowledge")
            timing, concurrent = measure(name, directory)
        timings.append(timing)
        concurrency.append(concurrent)
        print(f"measured {name}", flush=True)
    headers = [
        "knowledge",
        "first load",
        "reloads",
        "unchanged p50",
        "after an edit p50",
        "after an edit p99",
        "target (unchanged)",
        "baseline: parse only",
    ]
    print(
        table(
            "Reload (ms, CPU time): Engine.reload vs parsing the YAML alone",
            [*headers, "ratio after an edit / parse"],
            timings,
        )
    )
    headers = ["knowledge", "reloads", "threads", "asked", "answered as before", "failed", "slowest reload (wall)"]
    print(table("Questions asked from other threads during reloads", headers, concurrency))


if __name__ == "__main__":
    main()
