"""Validate a knowledge directory's texts, reporting every problem with file, line and entry.

Entries cite sources by id from `sources.yaml`; what is odd but harmless (a source nobody cites) is
a warning carried on the `Knowledge`, not a problem. Reached through `loader.load_directory`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ValidationError

from bot.core import parity
from bot.core.fileformat import Entry, KnowledgeFile, Source, SourcesFile
from bot.core.knowledge import Knowledge
from bot.core.loader import SOURCES_FILE, File, KnowledgeError, Problem, Texts
from bot.core.text import fold

_FORMS = {  # what a field that failed its pattern should look like, for the problem message
    "date": "a date like 2017, 2017-06 or 2017-06-09",
    "url": "an address starting with http:// or https://",
    "id": "lowercase letters, digits and hyphens",
}
# Besides a page an entry cites, a link may lead to where the series streams.
PLATFORM_HOSTS = frozenset({"www.primevideo.com"})

_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)  # libyaml's, if PyYAML was built with it
_FAST_MAX_DEPTH = 200  # PyYAML's own composer runs out of Python stack a little deeper
_KINDS: dict[type, str] = {list: "a list", str: "plain text", int: "a number", float: "a number", bool: "true/false"}


@dataclass(frozen=True, slots=True)
class _Located:
    entry: Entry
    file: str
    node: yaml.Node

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def line_of(self, *loc: Any) -> int:
        return _line_of(self.node, loc) or self.line


@dataclass(frozen=True, slots=True)
class _Registry:
    """sources.yaml, read: the sources by id, and where each is written; `usable` is false when the
    file itself has problems, whose citations are then not checked against it."""

    file: str
    sources: dict[str, Source]
    lines: dict[str, int]
    usable: bool = True


def validate(texts: Texts) -> Knowledge:
    """Validate every file read and build the knowledge, or raise KnowledgeError."""
    registry, problems = _load_sources(texts)
    located: list[_Located] = []
    for file in texts.files:
        found, file_problems = _load_file(file)
        located.extend(found)
        problems.extend(file_problems)
    problems.extend(_cross_file_problems(located))
    problems.extend(_citation_problems(located, registry))
    if not problems:
        problems.extend(_related_problems(located))
    if problems:
        raise KnowledgeError(problems)
    sources = {source_id: source.record() for source_id, source in registry.sources.items()}
    entries = tuple(item.entry.record(tuple(sources[i] for i in item.entry.sources)) for item in located)
    known = parity.vocabulary(entries)
    problems.extend(
        Problem(item.file, item.line_of("answer"), entry.id, f"German and English differ: {difference}")
        for item, entry in zip(located, entries, strict=True)
        for difference in parity.differences(entry, known)
    )
    if problems:
        raise KnowledgeError(problems)
    cited = {source for entry in entries for source in entry.sources}
    warnings = tuple(
        str(Problem(registry.file, registry.lines[source_id], None, f"source {source_id!r} is cited by no entry"))
        for source_id in registry.sources
        if source_id not in cited
    )
    return Knowledge(entries, sources=tuple(sources.values()), warnings=warnings, fingerprint=texts.fingerprint)


def _load_sources(texts: Texts) -> tuple[_Registry, list[Problem]]:
    name = f"{texts.directory.name}/{SOURCES_FILE}"
    registry = _Registry(name, {}, {})
    if texts.sources is None:  # then every cited id is reported as unknown
        return registry, []
    node, parsed, problems = _read(texts.sources, SourcesFile, "sources")
    if parsed is None or node is None:
        return _Registry(name, {}, {}, usable=False), problems
    nodes = _value(node, "sources")
    assert isinstance(parsed, SourcesFile)
    assert nodes is not None
    for source, source_node in zip(parsed.sources, nodes.value, strict=True):
        line = source_node.start_mark.line + 1
        if source.id in registry.sources:
            first = registry.lines[source.id]
            problems.append(Problem(name, line, None, f"source {source.id!r} is listed twice (first at line {first})"))
            continue
        registry.sources[source.id] = source
        registry.lines[source.id] = line
    return registry, problems


def _load_file(file: File) -> tuple[list[_Located], list[Problem]]:
    node, parsed, problems = _read(file, KnowledgeFile, "entries")
    if parsed is None or node is None:
        return [], problems
    assert isinstance(parsed, KnowledgeFile)
    entry_nodes = _value(node, "entries")
    nodes = entry_nodes.value if entry_nodes is not None else []
    return [_Located(e, file.name, n) for e, n in zip(parsed.entries, nodes, strict=True)], problems


def _read(
    file: File, model: type[KnowledgeFile | SourcesFile], key: str
) -> tuple[yaml.Node | None, BaseModel | None, list[Problem]]:
    """One file parsed and validated against `model`, with every problem located."""
    name, text = file.name, file.text
    if text is None:
        return None, None, [Problem(name, None, None, file.unreadable)]
    try:
        node, data = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        return None, None, [Problem(name, line, None, f"YAML syntax error: {reason}")]
    except RecursionError:  # PyYAML composes recursively: "[[[[…" thousands deep
        return None, None, [Problem(name, None, None, "YAML nested too deeply")]
    if not isinstance(data, dict):  # e.g. empty while an editor is still writing it
        found = "nothing (the file is empty)" if data is None else _KINDS.get(type(data), type(data).__name__)
        line = node.start_mark.line + 1 if node is not None else None
        return None, None, [Problem(name, line, None, f"must be a mapping with the key {key!r}, found {found}")]
    problems = [Problem(name, line, None, message) for line, message in _duplicate_keys(node)]
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            entry = _entry_id(data, loc) if model is KnowledgeFile else None
            problems.append(Problem(name, _line_of(node, loc), entry, _describe(error)))
        return node, None, problems
    return node, parsed, problems


def _citation_problems(located: Iterable[_Located], registry: _Registry) -> list[Problem]:
    """Every cited id is in sources.yaml, and every link leads to a cited page or the platform."""
    problems: list[Problem] = []
    if not registry.usable:
        return problems
    for item in located:
        for place, source_id in enumerate(item.entry.sources):
            if source_id not in registry.sources:
                where = item.line_of("sources", place)
                problems.append(
                    Problem(item.file, where, item.entry.id, f"unknown source {source_id!r} (not in {registry.file})")
                )
        cited = [registry.sources[i] for i in item.entry.sources if i in registry.sources]
        for place, link in enumerate(item.entry.links):
            if not _allowed_link(link.url, cited):
                where = item.line_of("links", place, "url")
                message = f"link {link.url!r} is neither a cited source's page nor the streaming platform"
                problems.append(Problem(item.file, where, item.entry.id, message))
    return problems


def _allowed_link(url: str, cited: Iterable[Source]) -> bool:
    """A cited page itself, the site of a cited official source (the organiser's), or the platform."""
    host = urlsplit(url).hostname or ""
    if host in PLATFORM_HOSTS:
        return True
    return any(url == s.url or (s.kind == "official" and _site(host) == _site(urlsplit(s.url).hostname)) for s in cited)


def _site(host: str | None) -> str:
    return (host or "").removeprefix("www.")


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The file's node tree (for lines and duplicate keys) and its data.

    libyaml, when PyYAML has it, reads a file about 20 times faster, composing it once for both. Its
    composer recurses in C, where nesting thousands deep would crash the process instead of raising,
    so deeper files, and files it rejects (to word the problem as before), go to PyYAML's own loader.
    """
    if _FAST_LOADER is not None:
        with contextlib.suppress(yaml.YAMLError):
            if _depth(text) <= _FAST_MAX_DEPTH:
                loader = _FAST_LOADER(text)
                try:
                    node = loader.get_single_node()
                    return node, None if node is None else loader.construct_document(node)
                finally:
                    loader.dispose()
    return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)


def _depth(text: str) -> int:
    """How deep the collections nest, from libyaml's events (its parser does not recurse); counting
    stops past _FAST_MAX_DEPTH."""
    depth = deepest = 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > _FAST_MAX_DEPTH:
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def _cross_file_problems(located: Iterable[_Located]) -> list[Problem]:
    """Ids must be unique, and an alias may name only one entry, across all files."""
    problems: list[Problem] = []
    ids: dict[str, _Located] = {}
    aliases: dict[str, _Located] = {}
    for item in located:
        first = ids.setdefault(item.entry.id, item)
        if first is not item:
            problems.append(
                Problem(
                    item.file, item.line, item.entry.id, f"duplicate id (first defined at {first.file}:{first.line})"
                )
            )
        for alias in item.entry.aliases:
            owner = aliases.setdefault(fold(alias), item)
            if owner.entry.id != item.entry.id:
                problems.append(
                    Problem(
                        item.file, item.line, item.entry.id, f"alias {alias!r} already names entry {owner.entry.id!r}"
                    )
                )
    return problems


def _related_problems(located: Iterable[_Located]) -> list[Problem]:
    """`related` names other entries; checked only once every file loaded, so that one broken file
    is not reported again as every link into it."""
    items = list(located)
    ids = {item.entry.id for item in items}
    problems = []
    for item in items:
        for related in item.entry.related:
            if related not in ids or related == item.entry.id:
                reason = "is the entry itself" if related == item.entry.id else "is no entry's id"
                problems.append(Problem(item.file, item.line, item.entry.id, f"related {related!r} {reason}"))
    return problems


def _describe(error: Any) -> str:
    loc = error["loc"]
    field = ".".join(str(part) for part in (loc[2:] if len(loc) >= 2 else loc))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"missing key {field!r}"
    if error["type"] == "extra_forbidden":
        return f"unknown key {field!r}"
    if error["type"] == "string_pattern_mismatch":
        return f"{field}: expected {_FORMS.get(str(loc[-1]), _FORMS['id'])}"
    return f"{field}: {message}" if field else message


def _entry_id(data: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int) and isinstance(data, dict):
        entries = data.get("entries")
        if isinstance(entries, list) and loc[1] < len(entries) and isinstance(entries[loc[1]], dict):
            entry_id = entries[loc[1]].get("id")
            return str(entry_id) if entry_id is not None else f"#{loc[1] + 1}"
    return None


def _value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to the deepest line known."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = _value(node, str(part))
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _duplicate_keys(node: yaml.Node | None) -> list[tuple[int, str]]:
    """yaml.safe_load keeps the last of two equal keys silently; an admin wants to hear about it.

    Each node is visited once: an alias is the same node again, and following aliases anew would
    take exponential time on a "billion laughs" file."""
    found: list[tuple[int, str]] = []
    stack = [node] if node is not None else []
    visited: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                if key_node.value in seen:
                    found.append((key_node.start_mark.line + 1, f"duplicate key {key_node.value!r}"))
                seen.add(key_node.value)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(found)
