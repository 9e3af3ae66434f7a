"""Questions per second with one bot process against two, in the same run: the fake Discord with a
server on each of two shards, one PostgreSQL, and `lemans-bot run` processes holding the shards,
either one process both shards (SHARD_COUNT=2) or one process each (SHARD_IDS=0 / 1).

Each round sends --questions /ask interactions, alternating between the servers, IN_FLIGHT kept
outstanding, each from its own user (the public cooldown is per user), asking the dev and own
questions in turn (some are declined, so the store writes too), and times them from the first sent
to the last answered. The rounds alternate between the two set-ups, so both see the same machine;
the median round counts. The fake Discord runs in this process and takes its share of the two
cores, so the CPU seconds per 1 000 questions of the bots and of the fake are printed beside it.

    .venv/bin/python -m benchmarks.shards [--rounds 3] [--questions 1200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import KNOWLEDGE, PYTHON, ROOT, machine, questions, table
from tests.e2e import LAUNCHER
from tests.fakediscord import FakeDiscord, FakeGuild, FakeUser, SentInteraction, snowflake
from tests.postgres import Cluster

TOKEN = "benchmark-bot-token.abc.xyz"
IN_FLIGHT = 150  # enough to keep the bots busy: throughput, not latency
START_TIMEOUT = 120.0


@contextlib.asynccontextmanager
async def bots(fake: FakeDiscord, url: str, shard_sets: list[str | None], scratch: Path) -> AsyncIterator[list[int]]:
    """One `lemans-bot run` process per entry of `shard_sets` (its SHARD_IDS; None: every shard),
    connected and ready; stopped with SIGTERM afterwards."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DISCORD_")}
    env |= {"FAKE_API_BASE": fake.api_base, "FAKE_GATEWAY": fake.ws_url, "DISCORD_TOKEN": TOKEN}
    env |= {"KNOWLEDGE_DIR": str(KNOWLEDGE), "DATABASE_URL": url, "SHARD_COUNT": "2", "LOG_LEVEL": "WARNING"}
    env |= {"PYTHONPATH": str(ROOT)}
    before = {shard: fake.sessions.get(shard) for shard in (0, 1)}
    processes: list[asyncio.subprocess.Process] = []
    try:
        for shards in shard_sets:
            extra = {"SHARD_IDS": shards} if shards is not None else {}
            with (scratch / f"bot-{len(processes)}.log").open("ab") as sink:
                processes.append(
                    await asyncio.create_subprocess_exec(
                        PYTHON, "-c", LAUNCHER, cwd=scratch, env=env | extra, stdout=sink, stderr=sink
                    )
                )

        def ready() -> bool:
            return all(
                (s := fake.sessions.get(shard)) is not None and s is not before[shard] and s.ready for shard in (0, 1)
            )

        await fake.wait_until(ready, START_TIMEOUT)
        yield [process.pid for process in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            await asyncio.wait_for(process.wait(), 30)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Round:
    rate: float  # questions per second
    bots_cpu: float  # CPU seconds the bot processes used per 1 000 questions
    fake_cpu: float  # CPU seconds this process (the fake Discord) used per 1 000 questions


async def one_round(
    fake: FakeDiscord, guilds: list[FakeGuild], count: int, asked: itertools.cycle[str], pids: list[int]
) -> Round:
    """`count` interactions alternating servers, IN_FLIGHT kept outstanding (a new one as each is
    answered), timed from the first sent to the last answered."""
    pending: list[SentInteraction] = []
    sent = 0
    bots_before, fake_before = sum(map(cpu_seconds, pids)), time.process_time()
    started = time.perf_counter()
    while sent < count or pending:
        while sent < count and len(pending) < IN_FLIGHT:
            user, guild = FakeUser(snowflake(), f"fan-{sent}"), guilds[sent % 2]
            pending.append(await fake.send_command("ask", {"question": next(asked)}, user=user, guild=guild))
            sent += 1
        await fake.wait_until(lambda: any(i.responded_at is not None for i in pending), timeout=120)  # noqa: B023
        pending = [i for i in pending if i.responded_at is None]
    elapsed = time.perf_counter() - started
    per_thousand = 1000 / count
    return Round(
        count / elapsed,
        (sum(map(cpu_seconds, pids)) - bots_before) * per_thousand,
        (time.process_time() - fake_before) * per_thousand,
    )


async def measure(rounds: int, count: int, scratch: Path) -> dict[str, list[Round]]:
    asked = itertools.cycle(questions())
    found: dict[str, list[Round]] = {"one process": [], "two processes": []}
    setups: dict[str, list[str | None]] = {"one process": [None], "two processes": ["0", "1"]}
    with Cluster.running(durable=True) as cluster:
        url = cluster.create_database()
        async with FakeDiscord(token=TOKEN, shard_count=2, interaction_deadline=60.0) as fake:
            guilds = [fake.guild, fake.add_guild(shard=1, shard_count=2)]
            for _ in range(rounds):
                for name, shard_sets in setups.items():
                    async with bots(fake, url, shard_sets, scratch) as pids:
                        await one_round(fake, guilds, IN_FLIGHT * 4, asked, pids)  # warm up
                        found[name].append(await one_round(fake, guilds, count, asked, pids))
                    print(f"  {name}: {found[name][-1].rate:.0f} questions/s", file=sys.stderr, flush=True)
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--questions", type=int, default=1200, help="per round and set-up")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        found = asyncio.run(measure(args.rounds, args.questions, Path(scratch)))
    rows = []
    for name, label in (
        ("one process", "one process, shards 0 and 1 (baseline)"),
        ("two processes", "two processes, a shard each"),
    ):
        runs = found[name]
        rows.append(
            [
                label,
                f"{statistics.median(r.rate for r in runs):.0f}",
                ", ".join(f"{r.rate:.0f}" for r in runs),
                f"{statistics.median(r.bots_cpu for r in runs):.2f}",
                f"{statistics.median(r.fake_cpu for r in runs):.2f}",
            ]
        )
    one, two = (statistics.median(r.rate for r in found[name]) for name in ("one process", "two processes"))
    rows.append(["ratio two / one", f"{two / one:.2f}", "", "", ""])
    headers = ["set-up", "questions/s (median)", "rounds", "bot CPU s / 1000 q", "fake Discord CPU s / 1000 q"]
    title = f"/ask throughput: {args.questions} questions a round, {IN_FLIGHT} in flight, PostgreSQL store"
    print(table(title, headers, rows))


if __name__ == "__main__":
    main()
