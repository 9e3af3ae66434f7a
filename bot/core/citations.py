"""How a source is named to a reader: "Stuttgarter Nachrichten, 9. Juni 2017", in the asker's language.

Both surfaces (the CLI's plain text, Discord's masked links) build on these, so a source reads the
same everywhere. An entry lists its sources best first; an answer names only the first few.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from bot.core.schema import Lang, Source, SourceKind

SHOWN = 3  # sources named under an answer; the rest are one click away

MONTHS: dict[Lang, tuple[str, ...]] = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

LABEL: dict[Lang, tuple[str, str]] = {"de": ("Quelle", "Quellen"), "en": ("Source", "Sources")}

KIND_ORDER: tuple[SourceKind, ...] = ("press", "review", "official", "reference", "blog")


def label(count: int, lang: Lang) -> str:
    """ "Quelle" or "Quellen", "Source" or "Sources"."""
    return LABEL[lang][count > 1]


def date_text(date: str, lang: Lang) -> str:
    """ "2017-06-09" as "9. Juni 2017" or "9 June 2017"; a month or a year as far as it is known."""
    parts = [int(part) for part in date.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = MONTHS[lang][parts[1] - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{parts[2]}. {month} {parts[0]}" if lang == "de" else f"{parts[2]} {month} {parts[0]}"


def cite(source: Source, lang: Lang) -> str:
    """The short form under an answer: publisher and date."""
    return f"{source.publisher}, {date_text(source.date, lang)}" if source.date else source.publisher


def describe(source: Source, lang: Lang) -> str:
    """The long form for a full list: publisher, author, date and headline where known."""
    by = {"de": "von", "en": "by"}[lang]
    text = f"{source.publisher} ({by} {source.author})" if source.author else source.publisher
    if source.date:
        text += f", {date_text(source.date, lang)}"
    if source.headline:
        text += f": „{source.headline}“" if lang == "de" else f": “{source.headline}”"
    return text


def more(count: int, lang: Lang) -> str:
    """What the short list leaves out, said in one line."""
    if lang == "de":
        return f"… und {count} weitere" + (" Quelle" if count == 1 else " Quellen")
    return f"… and {count} more " + ("source" if count == 1 else "sources")


def shown(sources: Sequence[Source]) -> tuple[Source, ...]:
    return tuple(sources[:SHOWN])


def ranked(cited: Iterable[Sequence[Source]]) -> list[Source]:
    """The sources of several answers together (a digest), most often cited first, then in order."""
    counts: Counter[str] = Counter()
    first: dict[str, Source] = {}
    for sources in cited:
        for source in sources:
            counts[source.id] += 1
            first.setdefault(source.id, source)
    return sorted(first.values(), key=lambda source: -counts[source.id])


def by_kind(sources: Iterable[Source]) -> dict[SourceKind, int]:
    """How many sources of each kind, in a fixed order, kinds without any left out."""
    counts = Counter(source.kind for source in sources)
    return {kind: counts[kind] for kind in KIND_ORDER if counts[kind]}
