"""Fixtures every test shares (a clean environment) and the ones of the end-to-end and store tests
(the log watch, the fake Discord, a throwaway PostgreSQL)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import discord.http
import discord.webhook.async_
import pytest
import pytest_asyncio

from bot.config import VARIABLES
from tests.e2e import TOKEN, LogRecorder
from tests.fakediscord import FakeDiscord
from tests.postgres import Cluster, PostgresMissing, server_binaries


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Nothing from the developer's shell or .env reaches a test: every variable the bot reads is unset,
    and each test runs in an empty working directory (where `.env`, `knowledge/` and `data/` are looked for).
    Nor does a test's `run` leave its garbage-collector tuning to the tests after it."""
    for name in VARIABLES:
        monkeypatch.setenv(name, "")  # recorded, so what a test sets (loading a .env, say) is undone after it
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.fixture
def restore_root_logging() -> Iterator[None]:
    """`run` and `sync` install discord.py's log handler on the root logger; take it away again."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


class _QuickAsyncio:
    """asyncio, except that sleep() is capped at 10 ms: discord.py backs off 1+3+5+7+9 s on a 5xx."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(min(delay, 0.01), result)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py's retries after a 5xx without their seconds of back-off."""
    monkeypatch.setattr(discord.webhook.async_, "asyncio", _QuickAsyncio())  # interaction callbacks, follow-ups
    monkeypatch.setattr(discord.http, "asyncio", _QuickAsyncio())  # channel messages


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


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One PostgreSQL server for the whole run (started on first use); missing PostgreSQL fails CI."""
    try:
        server_binaries()
    except PostgresMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    with Cluster.running() as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A fresh, empty database of its own for one test."""
    url = postgres_cluster.create_database()
    yield url
    postgres_cluster.drop_database(url)
