"""Reload the knowledge when its files change (WATCH_KNOWLEDGE=true), as /reload would.

It uses the same validated, atomic swap as /reload (in every process, with PostgreSQL): a broken file (a
half-written one nearly always is) changes nothing, the old knowledge keeps answering and the
problems go to the log; the next change (the finished write, the fix) is picked up again.
Changes are debounced, so saving several files at once reloads once.
"""

from __future__ import annotations

import logging

from watchfiles import Change, awatch

from bot.core.engine import Engine
from bot.core.loader import KnowledgeError
from bot.reloads import LocalReloader, Reloader

log = logging.getLogger(__name__)

DEBOUNCE_MS = 500  # changes this close together reload once


def _is_knowledge_file(change: Change, path: str) -> bool:
    return path.endswith(".yaml")


async def watch_knowledge(engine: Engine, reloader: Reloader | None = None, *, debounce_ms: int = DEBOUNCE_MS) -> None:
    """Reload on every change to a `*.yaml` file in the knowledge directory, until cancelled; with
    a `reloader` of several processes, every process reloads."""
    reloader = reloader or LocalReloader(engine)
    log.info("watching %s for changes", engine.directory)
    try:
        async for _ in awatch(engine.directory, watch_filter=_is_knowledge_file, debounce=debounce_ms, recursive=False):
            await reload(engine, reloader)
    except OSError as exc:  # the directory vanished or cannot be watched; /reload still works
        log.error("stopped watching %s: %s", engine.directory, exc)


async def reload(engine: Engine, reloader: Reloader) -> None:
    """One reload, its outcome logged: what changed, or every problem while the old knowledge stays."""
    try:
        outcome = await reloader.reload()
    except KnowledgeError as exc:
        log.warning(
            "knowledge files changed but are not valid; the %d entries before keep answering:\n%s",
            len(engine.knowledge),
            exc,
        )
        return
    report = outcome.report
    log.info(
        "knowledge files changed: %d entries, added %s, removed %s, changed %s%s",
        report.count,
        report.added,
        report.removed,
        report.changed,
        f"; {outcome.took} of {outcome.processes} processes took it" if outcome.shared else "",
    )
