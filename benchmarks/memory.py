"""Memory: the running bot's resident set size, and how the knowledge grows it per 10 000 entries.

1. Our bot (real knowledge, connected to the loopback fake Discord, in its own process) after READY
   and after answering 400 /ask interactions; baseline in the same run: the minimal discord.py bot.
2. A fresh process per knowledge base (the real one, a synthetic one of 10 000 entries) measures
   its RSS with the entries alone and then with the `Knowledge` built over them (the lexical and
   semantic indexes, the word table).
   The growth per 10 000 entries is the difference between the two processes, scaled; beside it,
   the knowledge's text itself (UTF-8 bytes of every string of the entries) as the baseline.

    .venv/bin/python -m benchmarks.memory
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import pickle
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import KNOWLEDGE, PYTHON, ROOT, machine, questions, ratio, rss_kib, table
from benchmarks.synthetic import generate
from bot.core.fileformat import KnowledgeFile
from bot.core.knowledge import Knowledge
from bot.core.loader import SOURCES_FILE
from bot.core.schema import Entry

TARGET_MIB = 90
SYNTHETIC = 10_000


async def bot_rss(kind: str, scratch: Path) -> tuple[int, int]:
    """KiB after READY and after 400 /ask interactions (50 at a time)."""
    from benchmarks.interactions import batches  # here: the child processes must not load discord.py
    from benchmarks.live import bot_process

    async with bot_process(kind, scratch) as running:
        ready = rss_kib(running.pid)
        await batches(running, 50, 400, itertools.cycle(questions()))
        return ready, rss_kib(running.pid)


def child(source: str) -> None:
    """In a fresh process: RSS with the entries alone, then with the Knowledge over them (printed as JSON)."""
    if source == "real":  # validated as the loader does, without building the Knowledge
        files = [path for path in sorted(KNOWLEDGE.glob("*.yaml")) if path.name != SOURCES_FILE]
        entries: tuple[Entry, ...] = tuple(
            e.record()
            for path in files
            for e in KnowledgeFile.model_validate(yaml.safe_load(path.read_text("utf-8"))).entries
        )
    else:
        entries = pickle.loads(Path(source).read_bytes())
    gc.collect()
    alone = rss_kib()
    knowledge = Knowledge(entries)
    _ = knowledge.semantic  # both retrievers, as a running bot has them
    gc.collect()
    text = sum(len(s.encode()) for entry in entries for s in _strings(asdict(entry)))
    print(json.dumps({"entries": len(knowledge), "alone": alone, "built": rss_kib(), "text": text}))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def in_child(source: str) -> dict[str, int]:
    found = subprocess.run(
        [PYTHON, "-m", "benchmarks.memory", "--child", source], cwd=ROOT, capture_output=True, text=True, check=True
    )
    figures: dict[str, int] = json.loads(found.stdout.strip().splitlines()[-1])
    return figures


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        ours = asyncio.run(bot_rss("ours", Path(scratch)))
        minimal = asyncio.run(bot_rss("minimal", Path(scratch)))
        pickled = Path(scratch) / "synthetic.pickle"
        pickled.write_bytes(pickle.dumps(generate(SYNTHETIC)))
        real, synthetic = in_child("real"), in_child(str(pickled))
    rows: list[list[object]] = [
        ["after READY", mib(ours[0]), f"≤ {TARGET_MIB}", mib(minimal[0]), ratio(ours[0], minimal[0])],
        ["after 400 /ask", mib(ours[1]), f"≤ {TARGET_MIB}", mib(minimal[1]), ratio(ours[1], minimal[1])],
    ]
    print(
        table(
            "Bot RSS (MiB): ours (real knowledge) vs the minimal discord.py bot",
            ["when", "ours", "target", "minimal", "ratio"],
            rows,
        )
    )
    rows = []
    for name, figures in (("real", real), (f"synthetic {SYNTHETIC}", synthetic)):
        index = figures["built"] - figures["alone"]
        rows.append(
            [
                name,
                figures["entries"],
                mib(figures["alone"]),
                mib(index),
                mib(figures["built"]),
                f"{figures['text'] / 2**20:.1f}",
            ]
        )
    scale = 10_000 / (synthetic["entries"] - real["entries"])
    growth = (synthetic["built"] - real["built"]) * scale
    entries_growth = (synthetic["alone"] - real["alone"]) * scale
    text_growth = (synthetic["text"] - real["text"]) * scale / 1024
    rows.append(
        [
            "growth per 10 000 entries",
            10_000,
            mib(entries_growth),
            mib(growth - entries_growth),
            mib(growth),
            f"{text_growth / 1024:.1f}",
        ]
    )
    headers = ["knowledge", "entries", "RSS with entries", "+ index", "RSS total", "baseline: text MiB"]
    print(table("Knowledge memory (MiB, one fresh process each)", headers, rows))
    share = ratio(growth, text_growth)
    print(
        f"\nGrowth per 10 000 entries: {mib(growth)} MiB RSS for {text_growth / 1024:.1f} MiB of text (ratio {share})"
    )


if __name__ == "__main__":
    main()
