"""One knowledge reload for every process of the bot. No discord import.

With one process (no DATABASE_URL) a reload is `Engine.reload` in a thread (`LocalReloader`);
with PostgreSQL, `postgres.PostgresReloader` reloads here and then in every other process.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot import metrics
from bot.core.engine import Engine, ReloadReport
from bot.core.loader import KnowledgeError

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A reload that this process took: its report, and how many processes of how many took it.
    `failed` names the processes that kept their old knowledge, with their first problem."""

    report: ReloadReport
    took: int = 1
    processes: int = 1
    failed: tuple[str, ...] = ()
    silent: int = 0  # processes that did not answer in time
    shared: bool = False  # several processes may exist: the admin is told how many took it


class Reloader(Protocol):
    async def reload(self) -> Outcome:
        """Reload here, then everywhere; KnowledgeError (nothing changed anywhere) when invalid."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


async def reload_here(engine: Engine) -> ReloadReport:
    """Validate and swap in this process (in a thread: parsing takes tens of milliseconds)."""
    try:
        report = await asyncio.to_thread(engine.reload)
    except KnowledgeError:
        metrics.RELOADS.labels(result="failed").inc()
        raise
    metrics.RELOADS.labels(result="ok").inc()
    return report


class LocalReloader:
    """One process: nobody else to tell."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def reload(self) -> Outcome:
        return Outcome(await reload_here(self.engine))

    async def start(self) -> None:
        """Nothing to listen to."""

    async def stop(self) -> None:
        """Nothing to stop."""


def make_reloader(engine: Engine, settings: Settings) -> Reloader:
    """With DATABASE_URL every process's (psycopg is imported only then), else this process's alone."""
    if settings.database_url:
        from bot.reloads.postgres import PostgresReloader, process_name

        return PostgresReloader(engine, settings.database_url, process_name(settings.shard_ids))
    return LocalReloader(engine)
