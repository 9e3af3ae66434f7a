"""One reload for every process that shares a PostgreSQL database, over LISTEN/NOTIFY.

The process where an admin reloads (or whose watcher saw a change) validates and swaps first; only
if its knowledge is valid does it NOTIFY the others. Each of them validates and swaps on its own,
keeping its old knowledge when its files are broken, and NOTIFYs back how it went, so the admin
learns how many processes took the new knowledge. Processes are counted by their listening
connections (`pg_stat_activity`), so a process that died is not waited for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any

import psycopg

from bot.core.engine import Engine
from bot.core.loader import KnowledgeError
from bot.reloads import Outcome, reload_here

log = logging.getLogger(__name__)

CHANNEL = "lemans_reload"  # "reload now", from the process that reloaded first
DONE_CHANNEL = "lemans_reload_done"  # each other process's result
LISTENER_NAME = "lemans-bot reloads"  # application_name of each process's listening connection
REPLY_TIMEOUT = 10.0  # seconds to wait for the other processes' results (a reload takes ~50 ms)
RETRY_DELAY = 5.0  # seconds between attempts to listen again after the connection was lost
PROBLEM_LIMIT = 300  # characters of a failed process's first problem in its result
_LISTENERS = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()"


def process_name(shard_ids: tuple[int, ...] | None) -> str:
    """How a process is named to the admin: host, pid and its shards."""
    shards = f" shards {','.join(map(str, shard_ids))}" if shard_ids is not None else ""
    return f"{socket.gethostname()}:{os.getpid()}{shards}"


@dataclass
class _Waiter:
    results: list[dict[str, Any]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class PostgresReloader:
    """Reloads every process that listens on the same PostgreSQL database."""

    def __init__(self, engine: Engine, url: str, name: str, *, reply_timeout: float = REPLY_TIMEOUT) -> None:
        self.engine = engine
        self.url = url
        self.name = name
        self.listening = asyncio.Event()  # set while this process listens (tests wait for it)
        self._reply_timeout = reply_timeout
        self._waiters: dict[str, _Waiter] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="reload-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task})
            self._task = None

    async def reload(self) -> Outcome:
        report = await reload_here(self.engine)  # KnowledgeError: nobody else is told
        reload_id, waiter = uuid.uuid4().hex, _Waiter()
        self._waiters[reload_id] = waiter
        try:
            others = await self._announce(reload_id)
            if others is None:
                return Outcome(report, took=1, processes=1, shared=True)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._reply_timeout):
                    while len(waiter.results) < others:
                        await waiter.changed.wait()
                        waiter.changed.clear()
        finally:
            del self._waiters[reload_id]
        failed = tuple(f"{r['process']}: {r['problem']}" for r in waiter.results if not r["ok"])
        took = 1 + sum(1 for r in waiter.results if r["ok"])
        silent = max(others - len(waiter.results), 0)
        return Outcome(report, took=took, processes=1 + others, failed=failed, silent=silent, shared=True)

    async def _announce(self, reload_id: str) -> int | None:
        """Tell the others to reload; how many are listening, or None when the database is unreachable."""
        try:
            async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as connection:
                cursor = await connection.execute(_LISTENERS, (LISTENER_NAME,))
                row = await cursor.fetchone()
                listeners = int(row[0]) if row else 0
                payload = json.dumps({"id": reload_id, "origin": self.name})
                await connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
        except psycopg.Error as exc:
            log.warning("reloaded here, but could not tell the other processes (%s)", exc)
            return None
        return max(listeners - (1 if self.listening.is_set() else 0), 0)

    async def _listen(self) -> None:
        """Listen until cancelled; after a lost connection, listen again and reload once, in case a
        reload was announced meanwhile."""
        lost = False
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True, application_name=LISTENER_NAME
                ) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    await connection.execute(f"LISTEN {DONE_CHANNEL}")
                    self.listening.set()
                    log.info("listening for reloads of the other processes as %s", self.name)
                    if lost:
                        log.info("listening for reloads again; reloading once to catch up")
                        await self._reload_for_others()
                    lost = False
                    async for notice in connection.notifies():
                        await self._received(notice.channel, notice.payload)
            except psycopg.Error as exc:
                self.listening.clear()
                if not lost:
                    log.warning("lost the reload channel (%s): retrying every %.0f s", exc, RETRY_DELAY)
                lost = True
                await asyncio.sleep(RETRY_DELAY)

    async def _received(self, channel: str, payload: str) -> None:
        try:
            message = json.loads(payload)
        except json.JSONDecodeError:
            log.warning("ignored a malformed notification on %s", channel)
            return
        if channel == DONE_CHANNEL:
            waiter = self._waiters.get(message.get("id", ""))
            if waiter is not None:
                waiter.results.append(message)
                waiter.changed.set()
        elif message.get("origin") != self.name:
            result = await self._reload_for_others()
            await self._report(message.get("id", ""), result)

    async def _reload_for_others(self) -> dict[str, Any]:
        try:
            report = await reload_here(self.engine)
        except KnowledgeError as exc:
            log.warning(
                "another process reloaded, but the knowledge here is not valid; the %d entries before keep "
                "answering:\n%s",
                len(self.engine.knowledge),
                exc,
            )
            first = str(exc.problems[0]) if exc.problems else str(exc)
            return {"ok": False, "problem": first[:PROBLEM_LIMIT]}
        log.info(
            "reloaded as another process asked: %d entries, added %s, removed %s, changed %s",
            report.count,
            report.added,
            report.removed,
            report.changed,
        )
        return {"ok": True, "count": report.count}

    async def _report(self, reload_id: str, result: dict[str, Any]) -> None:
        payload = json.dumps({"id": reload_id, "process": self.name} | result)
        try:
            async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as connection:
                await connection.execute("SELECT pg_notify(%s, %s)", (DONE_CHANNEL, payload))
        except psycopg.Error as exc:
            log.warning("reloaded, but could not report back (%s)", exc)
