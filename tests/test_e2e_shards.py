"""End to end past one process: two `lemans-bot run` processes, shards 0 and 1 of 2, one PostgreSQL,
and the fake Discord with one server on each shard.

Each process is the unmodified bot in its own interpreter (only discord.py's URLs point at the fake);
the fake sends each server's events only to the process that identified for its shard. Everything
is awaited (log lines, callbacks, rows), nothing slept.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from tests.e2e import LAUNCHER, PROJECT, TOKEN, fixture_engine, fixture_knowledge, only_embed
from tests.fakediscord import FakeDiscord, FakeGuild, SentInteraction
from tests.postgres import free_port

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

START_TIMEOUT = 60.0  # seconds for a process to start on a busy machine: imports, knowledge, gateway
UNKNOWABLE = {0: "What does the catering truck serve at midnight?", 1: "Which hotel did the mechanics sleep in?"}


class BotProcess:
    """One `lemans-bot run` process holding one shard; its log goes to a file the test reads."""

    def __init__(self, fake: FakeDiscord, directory: Path, shard: int, env: dict[str, str]) -> None:
        self.fake, self.shard, self.env = fake, shard, env
        self.directory = directory
        self.process: asyncio.subprocess.Process | None = None
        self.log_path = directory / f"shard-{shard}.log"
        self.starts = 0

    def log(self) -> str:
        return self.log_path.read_text("utf-8") if self.log_path.exists() else ""

    async def start(self) -> None:
        """Start, and wait until its shard is ready in the fake and it listens for reloads."""
        self.starts += 1
        self.log_path = self.directory / f"shard-{self.shard}.{self.starts}.log"
        session_before = self.fake.sessions.get(self.shard)
        with self.log_path.open("wb") as sink:  # a file, not a pipe: a full pipe would block the bot
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", LAUNCHER, cwd=self.directory, env=self.env, stdout=sink, stderr=sink
            )

        def ready() -> bool:
            session = self.fake.sessions.get(self.shard)
            new = session is not None and session is not session_before and session.ready
            log = self.log()  # on_shard_ready (which sets up the shard's metrics) comes after the fake's READY
            return new and "listening for reloads of the other processes" in log and f"shard {self.shard} of" in log

        try:
            await self.fake.wait_until(ready, START_TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"shard {self.shard} did not start:\n{self.log()}") from None

    async def stop(self, signum: int = signal.SIGTERM) -> int | None:
        """Signal the process and wait for its exit code (None: it never started)."""
        if self.process is None:
            return None
        if self.process.returncode is None:
            self.process.send_signal(signum)
        return await asyncio.wait_for(self.process.wait(), 30)


async def answered(fake: FakeDiscord, sent: SentInteraction) -> dict[str, Any]:
    return only_embed(await fake.wait_for_callback(sent, timeout=30))


async def followup(fake: FakeDiscord, sent: SentInteraction) -> dict[str, Any]:
    """The deferred private reply of an admin command."""
    path = f"/webhooks/{fake.application_id}/{sent.token}"
    call = await fake.wait_for(lambda c: c.method in ("POST", "PATCH") and c.path.startswith(path), timeout=30)
    assert call.status == 200, call.response
    body: dict[str, Any] = call.json
    return body


def stored(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT question, guild_id FROM questions ORDER BY id").fetchall()
    return [(question, guild_id) for question, guild_id in rows]


async def eventually(fake: FakeDiscord, predicate: Callable[[], bool]) -> None:
    await fake.wait_until(predicate, timeout=30)


@pytest.fixture
async def two_processes(tmp_path: Path, postgres_url: str) -> AsyncIterator[tuple[FakeDiscord, list[BotProcess]]]:
    knowledge = tmp_path / "knowledge"  # shared by both, as a volume or a network share would be
    shutil.copytree(fixture_knowledge(), knowledge)
    async with FakeDiscord(token=TOKEN, shard_count=2) as fake, AsyncExitStack() as stack:
        fake.add_guild(shard=1, shard_count=2)
        base = {key: value for key, value in os.environ.items() if not key.startswith(("DISCORD_", "FAKE_"))}
        base |= {"FAKE_API_BASE": fake.api_base, "FAKE_GATEWAY": fake.ws_url, "DISCORD_TOKEN": TOKEN}
        base |= {"KNOWLEDGE_DIR": str(knowledge), "DATABASE_URL": postgres_url, "SHARD_COUNT": "2"}
        base |= {"LOG_LEVEL": "DEBUG", "PYTHONPATH": str(PROJECT)}
        processes = []
        for shard in (0, 1):
            env = base | {"SHARD_IDS": str(shard), "METRICS_PORT": str(free_port())}
            process = BotProcess(fake, tmp_path, shard, env)
            stack.push_async_callback(process.stop, signal.SIGKILL)  # if the test failed midway
            processes.append(process)
        await asyncio.gather(*(process.start() for process in processes))
        yield fake, processes


async def test_two_processes_share_the_shards_the_store_and_the_reload(
    two_processes: tuple[FakeDiscord, list[BotProcess]], postgres_url: str, tmp_path: Path
) -> None:
    fake, (first, second) = two_processes
    guilds: dict[int, FakeGuild] = dict(enumerate(fake.guilds))
    assert [(s.shard_id, s.shard_count) for s in sorted(fake.sessions.values(), key=lambda s: s.shard_id)] == [
        (0, 2),
        (1, 2),
    ]

    # a question in a server of each shard is answered by the process holding that shard
    for shard, process in enumerate((first, second)):
        sent = await fake.send_command("ask", {"question": UNKNOWABLE[shard]}, guild=guilds[shard])
        assert (await answered(fake, sent))["description"]
        assert any(frame["d"] is sent.payload for frame in fake.sessions[shard].events)  # sent to this shard only
        assert UNKNOWABLE[shard] in process.log()
        assert UNKNOWABLE[shard] not in (second if process is first else first).log()
    released = await fake.send_command("ask", {"question": "When was it released?"}, guild=guilds[1])
    assert (await answered(fake, released))["title"] == fixture_engine().knowledge.by_id["release-date"].title.en
    await eventually(fake, lambda: len(stored(postgres_url)) == 2)
    expected = [(UNKNOWABLE[0], int(guilds[0].id)), (UNKNOWABLE[1], int(guilds[1].id))]
    assert sorted(stored(postgres_url)) == sorted(expected)  # two processes write: either may be first

    # /unanswered in either process lists what both stored; in a server without `everywhere`, that server's
    for shard in (0, 1):
        sent = await fake.send_command("unanswered", {"everywhere": True}, user=fake.users.owner, guild=guilds[shard])
        (embed,) = (await followup(fake, sent))["embeds"]
        assert UNKNOWABLE[0] in embed["description"]
        assert UNKNOWABLE[1] in embed["description"]
    sent = await fake.send_command("unanswered", user=fake.users.admin, guild=guilds[1])
    (embed,) = (await followup(fake, sent))["embeds"]
    assert UNKNOWABLE[1] in embed["description"]
    assert UNKNOWABLE[0] not in embed["description"]

    # /reload in one process reloads both
    release = tmp_path / "knowledge" / "test.yaml"
    document = yaml.safe_load(release.read_text("utf-8"))
    (entry,) = [entry for entry in document["entries"] if entry["id"] == "release-date"]
    entry["answer"] = {"de": entry["answer"]["de"] + " (Neu geladen.)", "en": entry["answer"]["en"] + " (Reloaded.)"}
    release.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    sent = await fake.send_command("reload", user=fake.users.admin, guild=guilds[0])
    (embed,) = (await followup(fake, sent))["embeds"]
    assert embed["title"] == "Knowledge reloaded"
    assert embed["description"].endswith("2 of 2 bot processes took the new knowledge.")
    assert "reloaded as another process asked" in second.log()
    released = await fake.send_command("ask", {"question": "When was it released?"}, guild=guilds[1])
    assert (await answered(fake, released))["description"].endswith("(Reloaded.)")

    # each process serves its own metrics
    metrics = await asyncio.to_thread(scrape, first.env["METRICS_PORT"])
    questions = {name: value for name, value in metrics.items() if name.startswith("lemans_questions_total")}
    assert sum(questions.values()) == 1  # shard 0's one question, declined or suggested
    assert metrics["lemans_answer_seconds_count"] == 1
    assert metrics['lemans_reloads_total{result="ok"}'] == 1
    assert 0 <= metrics['lemans_gateway_latency_seconds{shard="0"}'] < 60
    assert 'lemans_gateway_latency_seconds{shard="1"}' not in metrics  # the other process's
    assert metrics["lemans_store_write_drops_total"] == 0

    # killing one process loses nothing the other holds, and its restart resumes its shard
    assert await second.stop(signal.SIGKILL) == -signal.SIGKILL
    sent = await fake.send_command("ask", {"question": "When was it released?"}, guild=guilds[0])
    assert (await answered(fake, sent))["description"].endswith("(Reloaded.)")
    sent = await fake.send_command("unanswered", {"everywhere": True}, user=fake.users.owner, guild=guilds[0])
    (embed,) = (await followup(fake, sent))["embeds"]
    assert UNKNOWABLE[1] in embed["description"]  # what the killed process stored

    await second.start()
    assert fake.sessions[1].shard_id == 1
    again = "Which hotel did the drivers sleep in?"
    sent = await fake.send_command("ask", {"question": again}, guild=guilds[1])
    await answered(fake, sent)
    assert again in second.log()
    assert again not in first.log()
    await eventually(fake, lambda: (again, int(guilds[1].id)) in stored(postgres_url))

    for process in (first, second):
        assert await process.stop() == 0, process.log()
        assert "Traceback" not in process.log()


def scrape(port: str) -> dict[str, float]:
    """The samples of a process's /metrics, by name and labels."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        body: bytes = response.read()
    samples = (line.rsplit(" ", 1) for line in body.decode().splitlines() if line and not line.startswith("#"))
    return {name: float(value) for name, value in samples}
