"""The fused engine (lexical + semantic) beside the lexical-only engine, in the same run.

For the real knowledge base and a synthetic one of 10 000 entries: answer time (CPU time of the
calling thread, as in the other benchmarks: on two shared cores wall time measures the neighbours) of the whole
decision (`Engine.ask`, p50/p99 over repeated asks of the dev set, our own questions and the blind
tune half), the reload (`Engine.reload`, warm) of unchanged files and after an edit (a comment
added to one file, so everything is validated and indexed again), and the RSS the semantic index
adds; for the real one also the blind tune half's accuracy (judged as score.py judges). The
lexical-only engine is the same engine with a semantic index that finds nothing. Then the cold
start of `python -m bot ask` with the knowledge cached, and as the first run after an edit (an
empty cache folder: it validates and fills the cache), beside `python -c pass` and `python -c
'import numpy'` (which the answer needs), run in turn. The
child processes run as Python does by default, keeping compiled bytecode (PYTHONDONTWRITEBYTECODE
is dropped from their environment); each command runs once before timing.

    .venv/bin/python -m benchmarks.retrievers [--sizes real,10000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.common import (
    KNOWLEDGE,
    PYTHON,
    ROOT,
    judge,
    machine,
    ms,
    percentile,
    question_items,
    questions,
    rss_kib,
    table,
)
from benchmarks.synthetic import engine as synthetic_engine
from bot.core.engine import Engine
from bot.core.knowledge import Knowledge
from bot.core.loader import SOURCES_FILE
from bot.core.query import Query

TUNE = ROOT / "tests" / "data" / "blind" / "tune.yaml"
TARGETS = {"real": 0.005, "10000": 0.050}  # p99 of the whole decision


class _NoSemantic:
    """A semantic index that finds nothing: the engine decides from the lexical ranking alone."""

    def __init__(self, count: int) -> None:
        self._count = count

    def similarities(self, query: Query) -> npt.NDArray[np.float32]:
        return np.zeros(self._count, dtype=np.float32)


def lexical_only(knowledge: Knowledge) -> Knowledge:
    knowledge._semantic = _NoSemantic(len(knowledge))  # type: ignore[assignment]
    return knowledge


def latencies(engine: Engine, asked: Sequence[str], repeats: int) -> list[float]:
    for question in asked:  # first pass: nothing measured
        engine.ask(question)
    found = []
    for _ in range(repeats):
        for question in asked:
            started = time.thread_time()
            engine.ask(question)
            found.append(time.thread_time() - started)
    return found


def accuracy(engine: Engine, items: list[dict[str, Any]]) -> str:
    verdict = judge()
    counts = {"correct": 0, "wrong": 0, "missed": 0}
    declined = offtopic = 0
    for item in items:
        reply = engine.ask(item["q"]).to_json()
        outcome = verdict(item, reply)
        if item.get("expect") == "abstain":
            offtopic += 1
            declined += outcome == "missed"
        else:
            counts[outcome] += 1
    inscope = sum(counts.values())
    return (
        f"{100 * counts['correct'] / inscope:.1f} % / {100 * counts['wrong'] / inscope:.1f} % / "
        f"{100 * declined / offtopic:.1f} %"
    )


def reload_times(repeats: int = 5) -> tuple[float, float]:
    """Median CPU time of a reload of unchanged files, and of one after an edit, on a copy of the
    real knowledge."""
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / KNOWLEDGE.name
        shutil.copytree(KNOWLEDGE, directory)
        engine = Engine.from_directory(directory)
        engine.prepare()
        edited = next(path for path in sorted(directory.glob("*.yaml")) if path.name != SOURCES_FILE)
        unchanged, after_edit = [], []
        for number in range(repeats):
            started = time.thread_time()
            engine.reload()
            unchanged.append(time.thread_time() - started)
            with edited.open("a", encoding="utf-8") as file:
                file.write(f"# edit {number}\n")
            started = time.thread_time()
            engine.reload()
            after_edit.append(time.thread_time() - started)
    return percentile(unchanged, 0.5), percentile(after_edit, 0.5)


def measure(name: str, build: Any, asked: list[str], repeats: int, tune: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for variant in ("fused", "lexical only"):
        engine: Engine = build()
        before = rss_kib()
        if variant == "lexical only":
            lexical_only(engine.knowledge)
        else:
            engine.prepare()
        added = (rss_kib() - before) / 1024
        found = latencies(engine, asked, repeats)
        quality = accuracy(engine, tune) if name == "real" and tune else "-"
        reload = reload_times() if variant == "fused" and name == "real" else None
        rows.append(
            [
                name,
                variant,
                ms(percentile(found, 0.5)),
                ms(percentile(found, 0.99)),
                ms(TARGETS[name]) if name in TARGETS else "-",
                "-" if reload is None else ms(reload[0]),
                "-" if reload is None else ms(reload[1]),
                f"{added:.1f}",
                quality,
            ]
        )
    return rows


def cold_start(runs: int = 7) -> list[list[str]]:
    ask = [PYTHON, "-m", "bot", "ask", "--knowledge", str(KNOWLEDGE), "Wann kam die Serie raus?"]
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    cached_label, edited_label = (
        "python -m bot ask … (knowledge cached)",
        "python -m bot ask … (first run after an edit)",
    )
    commands = {
        cached_label: ask,
        edited_label: ask,
        "python -c 'import numpy' (a floor for any numpy program)": [PYTHON, "-c", "import numpy"],
        "python -c pass": [PYTHON, "-c", "pass"],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(runs + 1):  # in turn, so the machine's mood hits all alike; the first run is not timed
            for label, command in commands.items():
                folder = Path(scratch) / ("cache" if label == cached_label else f"empty-{run}")
                started = time.perf_counter()
                subprocess.run(
                    command, cwd=ROOT, env=environment | {"CACHE_DIR": str(folder)}, capture_output=True, check=True
                )
                if run:
                    times[label].append(time.perf_counter() - started)
    return [
        [label, ms(percentile(found, 0.5)), "400 ms" if label == cached_label else "-"]
        for label, found in times.items()
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,10000", help="comma-separated: real and/or entry counts")
    args = parser.parse_args(argv)
    tune = question_items(TUNE) if TUNE.is_file() else []
    asked = questions() + [item["q"] for item in tune]
    rows = []
    for size in args.sizes.split(","):
        if size == "real":
            rows += measure("real", lambda: Engine.from_directory(KNOWLEDGE), asked, 5, tune)
        else:
            count = int(size)
            rows += measure(size, lambda count=count: synthetic_engine(count), asked, 1, tune)
    print(machine())
    headers = [
        "knowledge",
        "engine",
        "p50",
        "p99",
        "p99 target",
        "reload (unchanged)",
        "reload (after an edit)",
        "index MiB",
        "tune half",
    ]
    print(table("Answer time of the whole decision, reload, memory, accuracy", headers, rows))
    print(table("Cold start", ["command", "median", "target"], cold_start()))


if __name__ == "__main__":
    main()
