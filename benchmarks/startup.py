"""Start-up: `python -m bot ask "…"` from a cold process, and a bot process's time to READY.

1. The median wall time of `python -m bot ask "Wann kam die Serie raus?"` over N runs, beside the
   baseline `python -c pass` run alternately in the same loop; two steps between them (importing
   the CLI, then loading the knowledge from the cache too) show where the time goes. `-X importtime` checks that
   the ask path does not import discord.py and names the costliest imports.
2. From spawning a bot process to the fake Discord's READY (identified) and to the bot being
   ready (guild received), ours beside the minimal discord.py bot.

    .venv/bin/python -m benchmarks.startup [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import PYTHON, ROOT, machine, median, ms, ratio, table

QUESTION = "Wann kam die Serie raus?"
TARGET_ASK = 0.400  # the answer-quality issue's target for a cold `ask`, numpy and the semantic retriever included
COMMANDS = {
    "python -c pass (baseline)": [PYTHON, "-c", "pass"],
    "import bot.cli": [PYTHON, "-c", "import bot.cli"],
    "import bot.cli + load the knowledge": [
        PYTHON,
        "-c",
        "import bot.cli; from bot.core.engine import Engine; from bot.core.cache import KnowledgeCache; "
        "from bot.config import DEFAULT_KNOWLEDGE_DIR as d, DEFAULT_CACHE_DIR as c; "
        "Engine.from_directory(d, cache=KnowledgeCache(c))",
    ],
    f'python -m bot ask "{QUESTION}"': [PYTHON, "-m", "bot", "ask", QUESTION],
}
READY_RUNS = 5


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def imports() -> tuple[bool, list[tuple[str, float]]]:
    """Whether the ask path imports discord, and its costliest top-level imports (seconds, cumulative)."""
    found = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "bot", "ask", QUESTION], cwd=ROOT, check=True, capture_output=True, text=True
    ).stderr.splitlines()
    rows = [line.split("|") for line in found if line.startswith("import time:") and line.count("|") == 2]
    modules = [(name.rstrip(), int(cumulative) / 1e6) for _, cumulative, name in rows[1:]]
    discord = any(name.strip() == "discord" or name.strip().startswith("discord.") for name, _ in modules)
    # " bot.cli" is imported at the top; "   bot.config" (two more spaces) by it, and so on
    top = [(name.strip(), seconds) for name, seconds in modules if len(name) - len(name.lstrip()) <= 3]
    return discord, sorted(top, key=lambda pair: pair[1], reverse=True)[:8]


async def to_ready(kind: str, scratch: Path) -> tuple[float, float]:
    from benchmarks.live import bot_process  # here: measuring `ask` must not load discord.py first

    async with bot_process(kind, scratch) as running:
        return running.to_ready_event, running.to_ready


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}")
    times: dict[str, list[float]] = {label: [] for label in COMMANDS}
    for _ in range(args.runs):  # alternately, so the machine's mood hits all of them alike
        for label, command in COMMANDS.items():
            times[label].append(wall(command))
    baseline = median(times["python -c pass (baseline)"])
    rows = [
        [
            label,
            ms(median(found)),
            ms(median(found) - baseline),
            f"≤ {ms(TARGET_ASK)}" if label.endswith(f'"{QUESTION}"') else "-",
            ratio(median(found), baseline),
        ]
        for label, found in times.items()
    ]
    print(
        table(
            f"Cold start (ms, median of {args.runs} runs each)",
            ["command", "median", "minus baseline", "target", "ratio"],
            rows,
        )
    )
    discord, top = imports()
    print(f"\nThe ask path imports discord.py: {'YES' if discord else 'no'}")
    print(
        table(
            "Costliest imports of the ask path (-X importtime, cumulative)",
            ["module", "ms"],
            [[m, ms(s)] for m, s in top],
        )
    )
    with tempfile.TemporaryDirectory() as scratch:
        ready = {
            kind: [asyncio.run(to_ready(kind, Path(scratch))) for _ in range(READY_RUNS)]
            for kind in ("minimal", "ours")
        }
    rows = []
    for step, label in enumerate(("READY sent by the fake", "bot ready (guild received)")):
        ours, theirs = median([r[step] for r in ready["ours"]]), median([r[step] for r in ready["minimal"]])
        rows.append([label, ms(ours), ms(theirs), ratio(ours, theirs)])
    print(
        table(
            f"From spawning the bot process to READY (ms, median of {READY_RUNS})",
            ["until", "ours", "minimal", "ratio"],
            rows,
        )
    )


if __name__ == "__main__":
    main()
