"""Interaction round trip through the loopback fake Discord: INTERACTION_CREATE sent -> the bot's
initial callback received, for 1, 50 and 200 /ask interactions in flight at once.

Our bot (real knowledge, embeds, buttons, insights) runs in its own process; the baseline, in the
same run, is a minimal discord.py bot whose /ask replies with a constant string, so the ratio is
our overhead over discord.py itself. Each interaction comes from another user (the public
cooldown is per user) and asks one of the dev questions; a batch is sent back to back.

    .venv/bin/python -m benchmarks.interactions
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import machine, ms, percentile, questions, ratio, table
from benchmarks.live import Running, bot_process
from tests.fakediscord import EPHEMERAL, FakeUser, SentInteraction, snowflake

LEVELS = (1, 50, 200)
SAMPLES = 400  # interactions measured per level (whole batches)
WARM_UP = 20
TARGET_P99 = {200: 0.025}


async def batches(
    running: Running, concurrency: int, samples: int, asked: itertools.cycle[str]
) -> list[SentInteraction]:
    """Send `samples` /ask interactions, `concurrency` at a time; each batch is answered before the next."""
    fake, done = running.fake, []
    for _ in range(max(1, samples // concurrency)):
        users = [FakeUser(snowflake(), f"asker-{snowflake()}") for _ in range(concurrency)]
        sent = await asyncio.gather(*(fake.send_command("ask", {"question": next(asked)}, user=u) for u in users))
        await fake.wait_until(lambda: all(i.responded_at is not None for i in sent), timeout=60)  # noqa: B023
        done += sent
    return done


async def measure(kind: str, scratch: Path) -> dict[int, tuple[list[float], int]]:
    """Latencies per level, and how many first responses were private (ephemeral) notes: errors,
    cooldowns, or the "ask me something" note for a question of no words ("👍👍👍" in our set)."""
    asked = itertools.cycle(questions())
    found = {}
    async with bot_process(kind, scratch) as running:
        await batches(running, 10, WARM_UP, asked)
        for level in LEVELS:
            sent = await batches(running, level, SAMPLES if level > 1 else SAMPLES // 2, asked)
            notes = sum(int(((i.response or {}).get("data") or {}).get("flags") or 0) & EPHEMERAL != 0 for i in sent)
            found[level] = ([i.latency for i in sent if i.latency is not None], notes)
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        minimal = asyncio.run(measure("minimal", Path(scratch)))
        ours = asyncio.run(measure("ours", Path(scratch)))
    rows = []
    for level in LEVELS:
        (mine, notes), (theirs, _) = ours[level], minimal[level]
        p50, p99, b50, b99 = (percentile(x, p) for x in (mine, theirs) for p in (0.5, 0.99))
        target = TARGET_P99.get(level)
        rows.append(
            [
                level,
                len(mine),
                notes,
                ms(p50),
                ms(p99),
                f"≤ {ms(target)}" if target else "-",
                ms(b50),
                ms(b99),
                ratio(p50, b50),
                ratio(p99, b99),
            ]
        )
    headers = ["in flight", "n", "private replies", "p50", "p99", "target p99", "minimal p50", "minimal p99"]
    print(
        table(
            "Interaction round trip (ms, wall): /ask sent -> first callback", [*headers, "ratio p50", "ratio p99"], rows
        )
    )


if __name__ == "__main__":
    main()
