"""The knowledge as the core uses it: plain frozen records, built by the loader from the validated files.

What an admin may write, and its validation, is `fileformat.py` (pydantic); these records import no
validation library, so answering from an already validated, cached knowledge base never loads one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")

Topic = Literal[
    "series", "episodes", "cast", "crew", "release", "platform", "production", "race", "teams", "background"
]

# Discord's embed limits: title 256, description 4096; autocomplete choice names 100.
TITLE_MAX = 100
ANSWER_MAX = 4000
RELATED_MAX = 3  # what people most often ask next, shown as buttons under the answer

SourceKind = Literal["press", "review", "official", "reference", "blog"]
SourceLang = Literal["de", "en", "fr", "it"]


@dataclass(frozen=True, slots=True)
class Localized:
    """One text in both languages."""

    de: str
    en: str


@dataclass(frozen=True, slots=True)
class Phrases:
    """Phrases in both languages (example questions or keywords)."""

    de: list[str]
    en: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One publication that entries cite by id, so a reader sees who said it, when, and where to read it."""

    id: str
    publisher: str
    headline: str | None
    author: str | None
    date: str | None  # as precise as it is known: "2017", "2017-03" or "2017-06-09"
    url: str
    language: SourceLang
    kind: SourceKind


@dataclass(frozen=True, slots=True)
class Link:
    """A button under an answer (where to watch, the trailer, the organiser's page)."""

    label: Localized
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One answerable fact (or one honestly unknown one, `status: unknown`); `sources` are the ids
    it cites, `cited` those sources themselves."""

    id: str
    topic: Topic
    status: Literal["known", "unknown"]
    title: Localized
    answer: Localized
    questions: Phrases
    keywords: Phrases
    aliases: list[str]
    episode: int | None
    related: list[str]
    sources: list[str]
    links: list[Link]
    parity_exceptions: list[str]
    cited: tuple[Source, ...]
