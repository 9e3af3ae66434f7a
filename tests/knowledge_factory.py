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
        "sources": ["seed 000_0823885388cc5827.txt"],
    }
    data.update(overrides)
    return data


def write(directory: Path, name: str, entries: list[dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
