"""Load a knowledge directory: read every file once, then validate what was read (`validation.py`), or
take it from the cache when exactly these texts were validated before.

Nothing is half-loaded: `load_directory` either returns a complete `Knowledge` or raises
`KnowledgeError` listing all problems found, so a caller can keep serving what it had. The texts'
fingerprint travels with the `Knowledge`, so a reload can tell that nothing changed without
validating again. This module imports neither YAML nor pydantic: a cached load needs neither.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.cache import KnowledgeCache
    from bot.core.knowledge import Knowledge

SOURCES_FILE = "sources.yaml"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the knowledge directory, located as precisely as the file allows."""

    file: str
    line: int | None
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {f'entry {self.entry!r}: ' if self.entry else ''}{self.message}"


class KnowledgeError(Exception):
    """The directory is not usable; `problems` says why, every one of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the knowledge base:\n" + "\n".join(map(str, problems)))


@dataclass(frozen=True, slots=True)
class File:
    """One knowledge file as read: its name as problems name it ("knowledge/cast.yaml"), and its
    text, or why it could not be read."""

    name: str
    text: str | None
    unreadable: str = ""


@dataclass(frozen=True, slots=True)
class Texts:
    """A knowledge directory read once: validation, the cache and reloads all see the same text."""

    directory: Path
    files: tuple[File, ...]  # the entry files, `*.yaml` but sources.yaml, in name order
    sources: File | None  # sources.yaml, if there is one
    fingerprint: str  # of every file's name and text


def read_directory(directory: Path) -> Texts:
    """Every file the knowledge consists of, read once; KnowledgeError if there is none."""
    if not directory.is_dir():
        raise KnowledgeError([Problem(str(directory), None, None, "is not a directory")])
    paths = sorted(path for path in directory.glob("*.yaml") if path.name != SOURCES_FILE)
    if not paths:
        raise KnowledgeError([Problem(str(directory), None, None, "holds no *.yaml files")])
    files = tuple(_read(path, directory) for path in paths)
    sources = _read(directory / SOURCES_FILE, directory) if (directory / SOURCES_FILE).is_file() else None
    digest = hashlib.sha256()
    for file in (sources, *files) if sources else files:
        for part in (file.name, f"T{file.text}" if file.text is not None else f"E{file.unreadable}"):
            data = part.encode()
            digest.update(len(data).to_bytes(8, "little") + data)
    return Texts(directory, files, sources, digest.hexdigest())


def load_directory(directory: Path, cache: KnowledgeCache | None = None) -> Knowledge:
    """Validate every `*.yaml` file in `directory` and build the knowledge, or raise KnowledgeError;
    with a `cache`, texts validated before are not validated again."""
    return load_texts(read_directory(directory), cache)


def load_texts(texts: Texts, cache: KnowledgeCache | None = None) -> Knowledge:
    """The knowledge of texts read by `read_directory`, from the cache if it has them."""
    knowledge = cache.load(texts) if cache is not None else None
    if knowledge is None:
        from bot.core.validation import validate  # YAML and pydantic only when something is validated

        knowledge = validate(texts)
        if cache is not None:
            cache.store(texts, knowledge)
    return knowledge


def _read(path: Path, root: Path) -> File:
    name = f"{root.name}/{path.name}"
    try:
        return File(name, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return File(name, None, f"cannot be read: {exc}")
