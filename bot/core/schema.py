"""The knowledge-file schema: what an admin may write in `knowledge/*.yaml`.

Validation lives here (pydantic) so that a typo in a file is reported with its exact
place instead of surfacing later as a wrong answer.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")

Topic = Literal[
    "series", "episodes", "cast", "crew", "release", "platform", "production", "race", "teams", "background"
]

# Discord's embed limits: title 256, description 4096; autocomplete choice names 100.
TITLE_MAX = 100
ANSWER_MAX = 4000
RELATED_MAX = 3  # what people most often ask next, shown as buttons under the answer

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Strict):
    """One text in both languages; both are required so no user gets a half-translated bot."""

    de: Text
    en: Text


class LocalizedTitle(Localized):
    de: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX)]
    en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX)]


class LocalizedAnswer(Localized):
    de: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ANSWER_MAX)]
    en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ANSWER_MAX)]


class LocalizedList(_Strict):
    """Phrases in both languages (example questions or keywords)."""

    de: list[Text] = Field(min_length=1)
    en: list[Text] = Field(min_length=1)


class OptionalLocalizedList(_Strict):
    de: list[Text] = Field(default_factory=list)
    en: list[Text] = Field(default_factory=list)


class Entry(_Strict):
    """One answerable fact (or one honestly unknown one, `status: unknown`)."""

    id: EntryId
    topic: Topic
    status: Literal["known", "unknown"] = "known"
    title: LocalizedTitle
    answer: LocalizedAnswer
    questions: LocalizedList
    keywords: OptionalLocalizedList = OptionalLocalizedList()
    aliases: list[Text] = Field(default_factory=list)
    episode: Annotated[int, Field(ge=1, le=99)] | None = None
    related: list[EntryId] = Field(default_factory=list, max_length=RELATED_MAX)
    sources: list[Text] = Field(min_length=1)

    @field_validator("related")
    @classmethod
    def _unique_related(cls, related: list[str]) -> list[str]:
        if len(set(related)) != len(related):
            raise ValueError("the same entry is listed twice")
        return related

    @field_validator("aliases")
    @classmethod
    def _unique_aliases(cls, aliases: list[str]) -> list[str]:
        folded = [a.casefold() for a in aliases]
        if len(set(folded)) != len(folded):
            raise ValueError("the same alias is listed twice")
        return aliases


class KnowledgeFile(_Strict):
    """A knowledge file is a mapping with one key, `entries`."""

    entries: list[Entry] = Field(min_length=1)
