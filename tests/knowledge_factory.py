"""Small, valid knowledge directories for tests that must not depend on the real content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def entry(entry_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid entry as an admin would write it; override any field."""
    data: dict[str, Any] = {
        "id": entry_id,
        "topic": "release",
        "title": {"de": f"Titel {entry_id}", "en": f"Title {entry_id}"},
        "answer": {"de": f"Antwort zu {entry_id}.", "en": f"Answer about {entry_id}."},
        "questions": {"de": [f"Frage zu {entry_id}?"], "en": [f"Question about {entry_id}?"]},
        "sources": [SOURCE_ID],
    }
    data.update(overrides)
    return data


def director() -> dict[str, Any]:
    """The crew entry many tests ask about beside a release date: who directed the series."""
    return entry(
        "director",
        topic="crew",
        answer={"de": "James Erskine.", "en": "James Erskine."},
        questions={"de": ["Wer führte Regie?"], "en": ["Who directed it?"]},
        aliases=["James Erskine"],
    )


SOURCE_ID = "zeitung-2017-06-09"
SOURCES: list[dict[str, Any]] = [
    {
        "id": SOURCE_ID,
        "publisher": "Stuttgarter Nachrichten",
        "author": "Dominika Jaschek",
        "date": "2017-06-09",
        "url": "https://example.org/zeitung/le-mans",
        "language": "de",
        "kind": "press",
    },
    {
        "id": "review-2017-06",
        "publisher": "Review Site",
        "headline": "A review",
        "date": "2017-06",
        "url": "https://example.org/review",
        "language": "en",
        "kind": "review",
    },
]


def write_sources(directory: Path, sources: list[dict[str, Any]] | None = None) -> Path:
    """The sources.yaml every knowledge directory needs (the entries cite its ids)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "sources.yaml"
    data = {"sources": SOURCES if sources is None else sources}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write(directory: Path, name: str, entries: list[dict[str, Any]]) -> Path:
    """One knowledge file, and the default sources.yaml beside it unless there is one."""
    directory.mkdir(parents=True, exist_ok=True)
    if not (directory / "sources.yaml").exists():
        write_sources(directory)
    path = directory / name
    path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
