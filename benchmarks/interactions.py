"""Interaction round trip through the loopback fake Discord: INTERACTION_CREATE sent -> the bot's
initial callback received, for 1, 50 and 200 /ask interactions in flight at once.

Our bot (real knowledge, embeds, buttons, insights) runs in its own process; the baseline, in the
same run, is a minimal discord.py bot whose /ask replies with a constant string, so the ratio is
our overhead over discord.py itself. "edge" is our bot with each question's answer worked out
before the run (benchmarks.botproc): the same replies, without the matching, i.e. the Discord
edge's share (embeds, buttons, cooldowns, insights) of that overhead. Each interaction comes from
another user (the public cooldown is per user) and asks one of the dev questions; a batch is sent
back to back.

The bot keeps its last decisions for questions asked again (`Knowledge.match`), and the dev questions
repeat every 166 interactions, so "ours" answers most of them from there. "ours, new questions" is
the same bot asked only questions it has not seen: each dev question between a greeting and a thanks
("hey … thanks", "moin … bitte"; words that are no terms, but that the semantic retriever reads),
so every one is matched afresh.

The bots are measured in alternating rounds (minimal, edge, ours, minimal, …) and each level's
latencies are pooled over the rounds, so a neighbour's burst on the shared machine hits both alike.
Beside the wall-clock percentiles, the CPU time each bot process spent per interaction (from
/proc) is the steadier figure.

    .venv/bin/python -m benchmarks.interactions [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from benchmarks.common import machine, ms, percentile, questions, ratio, table
from benchmarks.live import Running, bot_process
from tests.fakediscord import EPHEMERAL, FakeUser, SentInteraction, snowflake

LEVELS = (1, 50, 200)
SAMPLES = 400  # interactions measured per level and round (whole batches)
WARM_UP = 20
TARGET_RATIO_P99 = {200: 1.3}  # ours / minimal, at 200 in flight
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

Level = tuple[list[float], int, float]  # latencies, private replies, CPU seconds per interaction
# Words around a question that change no term of it: each (opener, closer) makes every question new.
OPENERS = ("hey", "hi", "ok", "so", "hallo", "moin", "yo", "quick question")
CLOSERS = ("please", "thanks", "btw", "lol", "bitte", "danke", "thx", "cheers")
NEW = "ours, new questions"


def new_questions() -> Iterator[str]:
    """The dev questions, each with one opener and one closer, every combination once (over 10,000)."""
    for opener, closer in itertools.product(OPENERS, CLOSERS):
        for question in questions():
            yield f"{opener} {question} {closer}"


async def batches(running: Running, concurrency: int, samples: int, asked: Iterator[str]) -> list[SentInteraction]:
    """Send `samples` /ask interactions, `concurrency` at a time; each batch is answered before the next."""
    fake, done = running.fake, []
    for _ in range(max(1, samples // concurrency)):
        users = [FakeUser(snowflake(), f"asker-{snowflake()}") for _ in range(concurrency)]
        sent = await asyncio.gather(*(fake.send_command("ask", {"question": next(asked)}, user=u) for u in users))
        await fake.wait_until(lambda: all(i.responded_at is not None for i in sent), timeout=60)  # noqa: B023
        done += sent
    return done


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


async def measure(kind: str, scratch: Path) -> dict[int, Level]:
    """Latencies per level, how many first responses were private (ephemeral) notes (errors,
    cooldowns, or the "ask me something" note for a question of no words: "👍👍👍" in our set),
    and the bot's CPU time per interaction."""
    asked = new_questions() if kind == NEW else itertools.cycle(questions())
    found = {}
    async with bot_process("ours" if kind == NEW else kind, scratch) as running:
        running.fake.interaction_deadline = 60.0  # Discord's 3 s: on a busy machine the last of 200 can miss it
        await batches(running, 10, WARM_UP, asked)
        for level in LEVELS:
            before = cpu_seconds(running.pid)
            sent = await batches(running, level, SAMPLES if level > 1 else SAMPLES // 2, asked)
            cpu = (cpu_seconds(running.pid) - before) / len(sent)
            notes = sum(int(((i.response or {}).get("data") or {}).get("flags") or 0) & EPHEMERAL != 0 for i in sent)
            found[level] = ([i.latency for i in sent if i.latency is not None], notes, cpu)
    return found


def pooled(rounds: list[dict[int, Level]], level: int) -> Level:
    latencies = [x for r in rounds for x in r[level][0]]
    cpu = sum(r[level][2] for r in rounds) / len(rounds)
    return latencies, sum(r[level][1] for r in rounds), cpu


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each bot (default 3)")
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}")
    kinds = ("minimal", "edge", "ours", NEW)
    found: dict[str, list[dict[int, Level]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as scratch:
        for number in range(args.rounds):
            for kind in kinds:
                found[kind].append(asyncio.run(measure(kind, Path(scratch) / f"{kind}-{number}")))
    rows = []
    for level in LEVELS:
        base, _, base_cpu = pooled(found["minimal"], level)
        b99 = percentile(base, 0.99)
        for kind in ("ours", NEW, "edge"):
            mine, notes, cpu = pooled(found[kind], level)
            p50, p99 = percentile(mine, 0.5), percentile(mine, 0.99)
            target = TARGET_RATIO_P99.get(level) if kind != "edge" else None
            wall = [level, kind, len(mine), notes, ms(p50), ms(p99), ms(percentile(base, 0.5)), ms(b99)]
            rows.append(
                [*wall, ratio(p99, b99), f"≤ {target}" if target else "-", ms(cpu), ms(base_cpu), ratio(cpu, base_cpu)]
            )
    headers = ["in flight", "bot", "n", "private replies", "p50", "p99", "minimal p50", "minimal p99"]
    headers += ["ratio p99", "target ratio p99", "CPU / interaction", "minimal CPU", "ratio CPU"]
    title = f"Interaction round trip (ms, wall; {args.rounds} alternating rounds): /ask sent -> first callback"
    print(table(title, headers, rows))


if __name__ == "__main__":
    main()
