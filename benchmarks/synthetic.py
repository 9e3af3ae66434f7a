"""Synthetic knowledge bases of any size, for measuring how the bot scales.

Each synthetic entry is a real entry (cycled through `knowledge/`) rewritten around a generated
subject: a person (cast, crew), a team, an event or a place, with a unique generated name. The
template's names become the subject's, its series nouns ("Serie", "show") the subject too, its
numbers new numbers, and about a third of its keywords words borrowed from other real entries.
So lengths, both languages, question shapes and word frequencies stay realistic while the
vocabulary grows with the size, as it would in a real, larger knowledge base.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.core import fileformat
from bot.core.engine import Engine
from bot.core.knowledge import Knowledge
from bot.core.loader import load_directory
from bot.core.schema import LANGS, TITLE_MAX, Entry, Lang

REAL_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

_SYLLABLES = (
    "ka ber lo mar den tan ri sel vo hul ken dro fel gar min to bau ler sto wi "
    "na pe ru sa li mo da ve go ni ta re bo fu ze lu ha ko me di"
).split()
_SURNAME_ENDINGS = ("er", "mann", "son", "ini", "ov", "berg", "ez", "ard", "el", "ow", "is")
_NAME_SPACE = len(_SYLLABLES) ** 3 * len(_SURNAME_ENDINGS)  # unique names for up to this many entries
_FIRST_NAMES = (
    "Mark André Nico Jann Nick Earl Sébastien Wolfgang Andreas James Victoria Conrad Pierre Neel "
    "Lukas Sofia Marco Elena Tom Kenji Ana Pascal Ines Timo Brendon Romain Marcel Loïc Olivier "
    "Jörg Katrin Hannah Felix Lena Mateo Yuki Aiko Rahel Jonas Clara Søren Benoît Zoë Émile"
).split()
_KINDS = {
    "teams": ("Racing", "Motorsport", "Engineering", "Competition", "Works Team"),
    "production": ("Films", "Studios", "Pictures", "Media", "Productions"),
    "race": ("Cup", "Trophy", "Grand Prix", "Classic", "Endurance"),
    "background": ("Circuit", "Ring", "Speedway", "Club", "Festival"),
}
_DEFAULT_KINDS = ("Series", "Show", "Stories", "Chronicles", "Diaries")
_PEOPLE_TOPICS = ("cast", "crew")
# Words that name what a question is about; the synthetic entry's subject takes their place.
_SERIES_NOUNS = re.compile(
    r"\b(?:Le Mans: Racing Is Everything|Racing Is Everything|die Serie|der Serie|die Doku|der Doku|"
    r"the series|the show|the documentary|the docuseries|Serie|Doku|series|show|documentary|Le Mans)\b"
)
_NUMBER = re.compile(r"\b\d{2,}\b")  # single digits are mostly episode numbers: kept
_WORD = re.compile(r"[^\W\d_]{4,}")


class _Words:
    """The real knowledge base's words per language, to borrow from."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.keywords: dict[Lang, list[str]] = {
            lang: sorted({k for e in entries for k in getattr(e.keywords, lang)}) for lang in LANGS
        }
        self.words = {
            lang: sorted({w for e in entries for q in getattr(e.questions, lang) for w in _WORD.findall(q)})
            for lang in LANGS
        }


def engine(count: int) -> Engine:
    """An engine over `count` synthetic entries (its directory is never reloaded)."""
    return Engine(Knowledge(generate(count)), Path("synthetic"))


def generate(count: int, seed: int = 2015, templates: Sequence[Entry] | None = None) -> tuple[Entry, ...]:
    """`count` valid entries with unique ids and aliases, the same for the same arguments."""
    return tuple(fileformat.Entry.model_validate(data).record() for data in generate_data(count, seed, templates))


def generate_data(count: int, seed: int = 2015, templates: Sequence[Entry] | None = None) -> Iterator[dict[str, Any]]:
    """The entries as an admin would write them (plain data), e.g. for YAML files."""
    real = tuple(templates) if templates is not None else load_directory(REAL_KNOWLEDGE).entries
    words = _Words(real)
    rng = random.Random(seed)
    for number in range(count):
        yield _rewrite(real[number % len(real)], number, rng, words)


def write_directory(entries: Sequence[dict[str, Any]], directory: Path, per_file: int = 500) -> Path:
    """Write entries as knowledge files of `per_file` entries each; returns `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(entries), per_file):
        chunk = {"entries": list(entries[start : start + per_file])}
        text = yaml.safe_dump(chunk, allow_unicode=True, sort_keys=False, width=200)
        (directory / f"synthetic-{start // per_file:04d}.yaml").write_text(text, encoding="utf-8")
    return directory


def _surname(number: int) -> str:
    """A unique pronounceable name per number below _NAME_SPACE: its digits as syllables."""
    rest, ending = divmod((number + 1) * 48_271 % _NAME_SPACE, len(_SURNAME_ENDINGS))  # coprime: a bijection
    parts = []
    for _ in range(3):
        rest, digit = divmod(rest, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
    return ("".join(parts) + _SURNAME_ENDINGS[ending]).capitalize()


def _rewrite(template: Entry, number: int, rng: random.Random, words: _Words) -> dict[str, Any]:
    surname = _surname(number)
    person = template.topic in _PEOPLE_TOPICS and bool(template.aliases)
    if person:
        subject = f"{rng.choice(_FIRST_NAMES)} {surname}"
        aliases = [subject, surname]
    else:
        subject = f"{surname} {rng.choice(_KINDS.get(template.topic, _DEFAULT_KINDS))}"
        aliases = [subject] if template.aliases else []
    names = sorted(
        {*template.aliases, *(part for a in template.aliases for part in a.split() if len(part) > 3)}, key=len
    )
    names_re = re.compile("|".join(re.escape(n) for n in reversed(names))) if names else None

    def swap(text: str, *, subject_for_series: bool = not person) -> str:
        if names_re is not None:
            text = names_re.sub(lambda m: subject if " " in m.group(0) else subject.split()[-1], text)
        if subject_for_series:
            text = _SERIES_NOUNS.sub(subject, text, count=1)
        return _NUMBER.sub(lambda m: _renumber(m.group(0), rng), text)

    def question(text: str, lang: Lang) -> str:
        swapped = swap(text)
        if subject in swapped or subject.split()[-1] in swapped:
            return swapped
        preposition = rng.choice(("bei", "in", "zu") if lang == "de" else ("in", "at", "about"))
        return f"{swapped.rstrip('?!. ')} {preposition} {subject}?"

    def keywords(lang: Lang) -> list[str]:
        own = [swap(k, subject_for_series=False) for k in getattr(template.keywords, lang)]
        borrowed = rng.sample(words.keywords[lang], k=min(len(own) // 3, len(words.keywords[lang])))
        kept = [k for k in own if rng.random() > 0.33]
        return list(dict.fromkeys([*kept, *borrowed, subject]))

    title = {lang: _title(subject, getattr(template.title, lang), person) for lang in LANGS}
    data: dict[str, Any] = {
        "id": f"{template.id}-{number}"[-64:].lstrip("-"),
        "topic": template.topic,
        "status": template.status,
        "title": title,
        "answer": {lang: swap(getattr(template.answer, lang)) for lang in LANGS},
        "questions": {lang: [question(q, lang) for q in getattr(template.questions, lang)] for lang in LANGS},
        "keywords": {lang: keywords(lang) for lang in LANGS},
        "aliases": aliases,
        "sources": list(template.sources),
    }
    if template.episode is not None:
        data["episode"] = template.episode
    return data


def _title(subject: str, title: str, person: bool) -> str:
    return subject if person else f"{subject}: {title}"[:TITLE_MAX]


def _renumber(digits: str, rng: random.Random) -> str:
    """Another number of the same shape: years stay years, small numbers stay small."""
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return str(rng.randint(1923, 2024))
    return str(rng.randint(1, 10 ** len(digits) - 1))
