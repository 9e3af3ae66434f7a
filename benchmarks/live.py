"""A bot process (benchmarks.botproc) connected to a fake Discord in this process, for the start-up,
memory and interaction benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import PYTHON, ROOT
from tests.fakediscord import FakeDiscord

TOKEN = "benchmark-bot-token.abc.xyz"
READY_TIMEOUT = 60.0


@dataclass
class Running:
    """A connected bot process: its fake, its pid, and seconds from spawning it to the fake's READY
    (identified) and to the bot's own "ready" (guild received, commands served)."""

    fake: FakeDiscord
    pid: int
    to_ready_event: float
    to_ready: float


@contextlib.asynccontextmanager
async def bot_process(kind: str, scratch: Path) -> AsyncIterator[Running]:
    """`kind` is "ours" or "minimal"; the process is stopped (its standard input closed) afterwards."""
    async with FakeDiscord(token=TOKEN) as fake:
        loop = asyncio.get_running_loop()
        started = loop.time()
        process = await asyncio.create_subprocess_exec(
            PYTHON,
            "-m",
            "benchmarks.botproc",
            kind,
            fake.api_base,
            fake.ws_url,
            TOKEN,
            str(scratch / f"{kind}-insights.sqlite3"),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            await fake.wait_ready(timeout=READY_TIMEOUT)
            to_ready_event = loop.time() - started
            line = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT)
            if line.strip() != b"ready":
                raise RuntimeError(f"the {kind} bot process did not get ready (exit code {process.returncode})")
            yield Running(fake, process.pid, to_ready_event, loop.time() - started)
        finally:
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
