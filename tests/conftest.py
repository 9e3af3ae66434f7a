"""Fixtures the end-to-end test modules share: the log watch and the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from tests.e2e import TOKEN, LogRecorder
from tests.fakediscord import FakeDiscord


@pytest.fixture
def log() -> Iterator[LogRecorder]:
    """Fails the test if the bot, discord.py or asyncio logged an error or a traceback it did not expect."""
    with LogRecorder.installed() as recorder:
        yield recorder
    assert recorder.problems() == []


@pytest_asyncio.fixture
async def fake(log: LogRecorder) -> AsyncIterator[FakeDiscord]:
    """A fresh fake Discord; the test fails if the bot called a route the fake does not know."""
    async with FakeDiscord(token=TOKEN) as server:
        yield server
        assert [f"{c.method} {c.path}" for c in server.unhandled_calls()] == []
