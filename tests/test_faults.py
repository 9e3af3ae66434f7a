"""Faults in the knowledge files: every broken state is refused with a precise message while the old
knowledge keeps answering, through Engine.reload, /reload and the file watcher."""

from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from watchfiles import Change

from bot.client import LeMansBot
from bot.core.engine import Engine
from bot.core.loader import KnowledgeError
from bot.exts.admin import Admin
from bot.watch import _is_knowledge_file, watch_knowledge
from tests.helpers import (
    MockBot,
    MockInteraction,
    embed_of,
    entry_line,
    invoke,
    knowledge_entries,
    make_settings,
    write_knowledge,
)

OLD = "It came out on 9 June 2017 on Amazon Prime Video."
NEW = "It came out on Friday, 9 June 2017, on Amazon Prime Video."
QUESTION = "When did it come out?"
ENTRIES = len(knowledge_entries())


def new_text(directory: Path) -> None:
    entries = knowledge_entries()
    entries[0]["answer"]["en"] = NEW
    write_knowledge(directory, entries)


# A fault breaks the knowledge directory and returns what the problem message must contain, its
# lines worked out from what it wrote (never written down: the fixture may change).
Fault = Callable[[Path], str]


def truncate(size: Callable[[str], int]) -> Fault:
    """The new content, caught half-written: cut to `size(text)` characters."""

    def cut(directory: Path) -> str:
        new_text(directory)
        path = directory / "test.yaml"
        text = path.read_text(encoding="utf-8")[: size(path.read_text(encoding="utf-8"))]
        path.write_text(text, encoding="utf-8")
        if not text:
            return "test.yaml: must be a mapping with the key 'entries', found nothing (the file is empty)"
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        assert isinstance(root, yaml.MappingNode)
        last = root.value[0][1].value[-1]  # the entry the cut ran through
        entry_id = next(value.value for key, value in last.value if key.value == "id")
        return f"test.yaml:{last.start_mark.line + 1}: entry {entry_id!r}: missing key 'sources'"

    return cut


def before_a_middle_entrys_sources(text: str) -> int:
    return text.index("  sources:", len(text) // 2)


def inside_the_first_answer(text: str) -> int:
    answer = knowledge_entries()[0]["answer"]["de"]
    return text.index(answer) + len(answer) // 2


def unreadable(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Tests run as root, where chmod 000 blocks nothing: make reading the file fail instead."""

    def deny(directory: Path) -> None:
        new_text(directory)
        real = Path.read_text

        def read_text(path: Path, *args: object, **kwargs: object) -> str:
            if path.name == "test.yaml":
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "read_text", read_text)

    return deny


def put(name: str, content: str | bytes, expected: str) -> Fault:
    """One more file in the knowledge directory."""

    def fault(directory: Path) -> str:
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (directory / name).write_bytes(data)
        return expected

    return fault


def wrong_topic(directory: Path) -> str:
    write_knowledge(
        directory, [{**e, "topic": "gossip"} if e["id"] == "cast-webber" else e for e in knowledge_entries()]
    )
    line = entry_line((directory / "test.yaml").read_text(encoding="utf-8"), "cast-webber", "topic")
    return f"test.yaml:{line}: entry 'cast-webber': topic: Input should be 'series'"


def unchanged(action: Callable[[Path], object], expected: str) -> Fault:
    def fault(directory: Path) -> str:
        action(directory)
        return expected

    return fault


LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n" for n in range(7)
)  # 10^8 strings if every alias were followed anew

FAULTS: dict[str, Fault] = {
    "malformed-yaml": put(
        "extra.yaml", "entries:\n  - id: x\n    title: [unclosed\n", "extra.yaml:4: YAML syntax error"
    ),
    "schema-error": wrong_topic,
    "truncated-to-nothing": truncate(lambda text: 0),
    "truncated-mid-entry": truncate(before_a_middle_entrys_sources),
    "truncated-mid-string": truncate(inside_the_first_answer),
    "missing-directory": unchanged(shutil.rmtree, "knowledge: is not a directory"),
    "no-files-left": unchanged(lambda d: (d / "test.yaml").unlink(), "knowledge: holds no *.yaml files"),
    "directory-named-yaml": unchanged(
        lambda d: (d / "notes.yaml").mkdir(), "notes.yaml: cannot be read: [Errno 21] Is a directory"
    ),
    "not-utf-8": put("latin1.yaml", "entries: Größe".encode("latin-1"), "latin1.yaml: cannot be read: 'utf-8' codec"),
    "nested-too-deeply": put("deep.yaml", "[" * 5000 + "]" * 5000, "deep.yaml: YAML nested too deeply"),
    "billion-laughs": put("laughs.yaml", LAUGHS, "laughs.yaml:1: missing key 'entries'"),
    "a-list-not-a-mapping": put(
        "list.yaml", "- id: x\n", "list.yaml:1: must be a mapping with the key 'entries', found a list"
    ),
}


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "knowledge")


@pytest.fixture
def engine(directory: Path) -> Engine:
    return Engine.from_directory(directory)


def inject(name: str, directory: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if name == "unreadable-file":
        unreadable(monkeypatch)(directory)
        return "knowledge/test.yaml: cannot be read: [Errno 13] Permission denied"
    message = FAULTS[name](directory)
    return message if message.startswith("knowledge:") else f"knowledge/{message}"


NAMES = [*FAULTS, "unreadable-file"]


@pytest.mark.timeout(60)  # a followed billion laughs would never end; the slowest fault (5000 deep) takes seconds
@pytest.mark.parametrize("name", NAMES)
def test_engine_reload_refuses_the_fault_precisely_and_keeps_answering(
    name: str, directory: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = engine.knowledge
    expected = inject(name, directory, monkeypatch)

    with pytest.raises(KnowledgeError) as error:
        engine.reload()

    assert expected in str(error.value), str(error.value)
    assert engine.knowledge is before
    assert engine.ask(QUESTION).text == OLD


@pytest.mark.parametrize("name", NAMES)
async def test_the_reload_command_reports_the_fault_and_keeps_answering(
    name: str, directory: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = MockBot(engine, make_settings(directory))
    expected = inject(name, directory, monkeypatch)
    cog = Admin(bot)
    interaction = MockInteraction(bot, manage_guild=True)

    await invoke(cog.reload, cog, interaction)

    embed = embed_of(interaction.followup.send)
    assert embed.title == "Reload failed"
    description = (embed.description or "").replace("\\", "")  # markdown escaped for Discord
    assert description.startswith(f"The previous {ENTRIES} entries keep answering.")
    assert expected in description
    assert engine.ask(QUESTION).text == OLD


def test_reloads_racing_a_writer_swap_whole_knowledge_or_nothing(directory: Path, engine: Engine) -> None:
    """A writer keeps rewriting the file in pieces while reloads run: each reload swaps in a whole,
    validated knowledge or is refused, and answering never fails. (A file cut right after a complete
    entry is valid knowledge, just shorter: nothing in the file tells it from a deliberate edit.)"""
    old_entries, new_entries = knowledge_entries(), knowledge_entries()
    new_entries[0]["answer"]["en"] = NEW
    texts = [yaml.safe_dump({"entries": e}, allow_unicode=True, sort_keys=False) for e in (old_entries, new_entries)]
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            text = texts[n % 2]
            with (directory / "test.yaml").open("w", encoding="utf-8") as file:
                for start in range(0, len(text), 512):
                    file.write(text[start : start + 512])
                    file.flush()
            n += 1
            stop.wait(0.005)  # a complete file now and then, as between two saves

    writer = threading.Thread(target=write)
    writer.start()
    outcomes = {"swapped": 0, "refused": 0}
    try:
        for _ in range(200):
            try:
                engine.reload()
                outcomes["swapped"] += 1
            except KnowledgeError:
                outcomes["refused"] += 1
            knowledge = engine.knowledge
            assert set(knowledge.by_id) == {entry.id for entry in knowledge.entries}
            assert engine.ask(QUESTION).text in (OLD, NEW)
    finally:
        stop.set()
        writer.join()
    assert outcomes["swapped"] > 0
    assert outcomes["refused"] > 0
    engine.reload()
    assert len(engine.knowledge) == ENTRIES


# --- the watcher ---------------------------------------------------------------------------------


async def eventually(predicate: Callable[[], bool], *, repeat: Callable[[], object] | None = None) -> None:
    """Wait until `predicate` holds (pytest-timeout fails a test that waits forever). `repeat` is done
    again on every poll: a watch registers a moment after its task starts, and nothing says when, so
    a change is repeated until the watcher has seen it."""
    while not predicate():
        if repeat is not None:
            repeat()
        await asyncio.sleep(0.05)


def start_watching(engine: Engine) -> asyncio.Task[None]:
    return asyncio.create_task(watch_knowledge(engine, debounce_ms=100))


async def test_a_changed_file_is_picked_up_and_answered_from(
    directory: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.watch")
    task = start_watching(engine)
    try:
        await eventually(lambda: "knowledge files changed:" in caplog.text, repeat=lambda: new_text(directory))
        changed = f"knowledge files changed: {ENTRIES} entries, added (), removed (), changed ('release-date',)"
        assert changed in caplog.text
        assert engine.ask(QUESTION).text == NEW
    finally:
        task.cancel()
        await asyncio.wait({task})


async def test_a_broken_file_keeps_the_old_knowledge_until_it_is_fixed(
    directory: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.watch")
    task = start_watching(engine)
    broken = directory / "test.yaml"
    try:
        # The watcher may first see the file half-written (empty): wait for the state it ends in.
        syntax = "YAML syntax error"
        await eventually(lambda: syntax in caplog.text, repeat=lambda: broken.write_text("entries: [oops\n"))
        warning = next(
            r
            for r in caplog.records
            if r.name == "bot.watch" and r.levelno == logging.WARNING and syntax in r.getMessage()
        )
        assert f"the {ENTRIES} entries before keep answering" in warning.getMessage()
        assert "knowledge/test.yaml:2: YAML syntax error" in warning.getMessage()
        assert engine.ask(QUESTION).text == OLD

        # the fix is picked up too
        await eventually(lambda: "knowledge files changed:" in caplog.text, repeat=lambda: new_text(directory))
        assert engine.ask(QUESTION).text == NEW
    finally:
        task.cancel()
        await asyncio.wait({task})


@pytest.mark.parametrize(
    ("path", "watched"),
    [("k/test.yaml", True), ("k/notes.txt", False), ("k/.test.yaml.swp", False), ("k/test.yaml~", False)],
)
def test_only_knowledge_files_are_watched(path: str, watched: bool) -> None:
    assert all(_is_knowledge_file(change, path) is watched for change in Change)


async def test_a_vanished_directory_keeps_the_old_knowledge(
    directory: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    task = start_watching(engine)
    try:
        shutil.rmtree(directory)
        await eventually(lambda: "is not a directory" in caplog.text or task.done())
        assert engine.ask(QUESTION).text == OLD
    finally:
        task.cancel()
        await asyncio.wait({task})
    assert task.cancelled() or task.exception() is None


async def test_watching_a_missing_directory_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = Engine.from_directory(write_knowledge(tmp_path / "knowledge"))
    engine.directory = tmp_path / "elsewhere"

    await watch_knowledge(engine)  # returns at once

    assert f"stopped watching {tmp_path / 'elsewhere'}" in caplog.text


def watchers() -> list[asyncio.Task[object]]:
    return [task for task in asyncio.all_tasks() if task.get_name() == "watch-knowledge"]


async def test_the_admin_cog_watches_when_asked_and_stops_when_unloaded(
    directory: Path, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.watch")
    bot = LeMansBot(make_settings(directory, watch_knowledge=True), engine)
    async with bot:
        await bot.setup_hook()
        (watcher,) = watchers()
        await eventually(lambda: "knowledge files changed:" in caplog.text, repeat=lambda: new_text(directory))
        assert engine.ask(QUESTION).text == NEW

        await bot.unload_extension("bot.exts.admin")
        assert watcher.cancelled()
    assert watchers() == []


async def test_without_watch_knowledge_nothing_watches(directory: Path, engine: Engine) -> None:
    bot = LeMansBot(make_settings(directory, watch_knowledge=False), engine)
    async with bot:
        await bot.setup_hook()
        assert watchers() == []
