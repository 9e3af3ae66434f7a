"""The knowledge-file format: what an admin may write in `knowledge/*.yaml`.

Validation lives here (pydantic) so that a typo in a file is reported with its exact
place instead of surfacing later as a wrong answer. A validated model becomes the core's plain
record (`schema.py`) through its `record()`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from bot.core import schema
from bot.core.schema import ANSWER_MAX, RELATED_MAX, TITLE_MAX, SourceKind, SourceLang, Topic

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
SourceId = EntryId
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$")]
# A publication date as precise as it is known: "2017", "2017-03" or "2017-06-09".
PartialDate = Annotated[str, StringConstraints(pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Strict):
    """One text in both languages; both are required so no user gets a half-translated bot."""

    de: Text
    en: Text

    def record(self) -> schema.Localized:
        return schema.Localized(self.de, self.en)


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

    def record(self) -> schema.Phrases:
        return schema.Phrases(self.de, self.en)


class OptionalLocalizedList(_Strict):
    de: list[Text] = Field(default_factory=list)
    en: list[Text] = Field(default_factory=list)

    def record(self) -> schema.Phrases:
        return schema.Phrases(self.de, self.en)


class Source(_Strict):
    """One publication that entries cite by id, so a reader sees who said it, when, and where to read it."""

    id: SourceId
    publisher: Text
    headline: Text | None = None
    author: Text | None = None
    date: PartialDate | None = None
    url: Url
    language: SourceLang
    kind: SourceKind

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        """An unquoted 2017-06-09 reaches us as a date; it means the same as the quoted one."""
        return value.isoformat() if isinstance(value, datetime.date) else value

    def record(self) -> schema.Source:
        return schema.Source(
            id=self.id,
            publisher=self.publisher,
            headline=self.headline,
            author=self.author,
            date=self.date,
            url=self.url,
            language=self.language,
            kind=self.kind,
        )


class SourcesFile(_Strict):
    """`knowledge/sources.yaml`: a mapping with one key, `sources`."""

    sources: list[Source] = Field(min_length=1)


class Link(_Strict):
    """A button under an answer (where to watch, the trailer, the organiser's page)."""

    label: LocalizedTitle
    url: Url

    def record(self) -> schema.Link:
        return schema.Link(self.label.record(), self.url)


class Entry(_Strict):
    """One answerable fact (or one honestly unknown one, `status: unknown`).

    `sources` are ids from `sources.yaml`; the loader resolves them into the record's `cited`, which
    the YAML itself may not set. `parity_exceptions` lists numbers or names that one language's
    answer deliberately has and the other's lacks."""

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
    sources: list[SourceId]  # required even when empty, so a missing line is noticed
    links: list[Link] = Field(default_factory=list, max_length=3)
    parity_exceptions: list[Text] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _cited_is_not_written(cls, data: Any) -> Any:
        if isinstance(data, dict) and "cited" in data:
            raise ValueError("unknown key 'cited' (list source ids under 'sources')")
        return data

    @model_validator(mode="after")
    def _facts_have_sources(self) -> Entry:
        if self.status == "known" and not self.sources:
            raise ValueError("a known fact needs at least one source under 'sources'")
        if len(set(self.sources)) != len(self.sources):
            raise ValueError("the same source is listed twice")
        return self

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

    def record(self, cited: tuple[schema.Source, ...] = ()) -> schema.Entry:
        """The core's record of this entry; the loader passes `cited`, the sources its ids name."""
        return schema.Entry(
            id=self.id,
            topic=self.topic,
            status=self.status,
            title=self.title.record(),
            answer=self.answer.record(),
            questions=self.questions.record(),
            keywords=self.keywords.record(),
            aliases=self.aliases,
            episode=self.episode,
            related=self.related,
            sources=self.sources,
            links=[link.record() for link in self.links],
            parity_exceptions=self.parity_exceptions,
            cited=cited,
        )


class KnowledgeFile(_Strict):
    """A knowledge file is a mapping with one key, `entries`."""

    entries: list[Entry] = Field(min_length=1)
