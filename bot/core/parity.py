"""Do an entry's German and English answers say the same thing? A check on what can be compared
without translating: the numbers and the proper names each answer carries.

A "name" is a capitalised word that the English answers use mid-sentence, that some German answer
spells the same way, and that neither language writes in lower case: "Porsche", "Weissach", "WEC",
but not "June"/"Juni" or "German"/"deutsch", and not "The" or "Am". The list is learnt from the
whole knowledge base, so nobody maintains a lexicon. German inflection ("Audis", "Londoner") is
folded to the name. Numbers are compared without separators, so "2.209 km" matches "2,209 km" and
"13,6" matches "13.6".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.schema import Entry

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[“„\"(]\s*)$")
_GERMAN_ENDINGS = ("s", "er")  # Audis Serie, Londoner Firma


def vocabulary(entries: Iterable[Entry]) -> frozenset[str]:
    """The names the knowledge base writes alike in both languages."""
    english_names: set[str] = set()
    german: set[str] = set()
    lower: set[str] = set()
    for entry in entries:
        english = entry.answer.en
        for match in _WORD.finditer(english):
            word = match.group()
            if word[0].islower():
                lower.add(word)
            elif not _SENTENCE_START.search(english[: match.start()]):
                english_names.add(word)
        for word in _WORD.findall(entry.answer.de):
            (lower if word[0].islower() else german).add(word)
    return frozenset(word for word in english_names & german if word.lower() not in lower and len(word) > 1)


def numbers(text: str) -> set[str]:
    return {re.sub(r"[.,:]", "", found) for found in _NUMBER.findall(text)}


def names(text: str, known: frozenset[str]) -> set[str]:
    found: set[str] = set()
    for word in _WORD.findall(text):
        if word in known:
            found.add(word)
            continue
        stem = next(
            (word[: -len(end)] for end in _GERMAN_ENDINGS if word.endswith(end) and word[: -len(end)] in known), None
        )
        if stem is not None:
            found.add(stem)
    return found


def differences(entry: Entry, known: frozenset[str]) -> list[str]:
    """What one language's answer carries and the other's lacks, less the entry's listed exceptions,
    then any exception that is no longer needed (so the list cannot go stale)."""
    de, en = entry.answer.de, entry.answer.en
    exceptions = set(entry.parity_exceptions)
    found = {
        "German": (numbers(de) - numbers(en)) | (names(de, known) - names(en, known)),
        "English": (numbers(en) - numbers(de)) | (names(en, known) - names(de, known)),
    }
    problems = [
        f"only the {language} answer has {', '.join(map(repr, sorted(extra - exceptions)))}"
        for language, extra in found.items()
        if extra - exceptions
    ]
    stale = exceptions - found["German"] - found["English"]
    if stale:
        problems.append(f"parity_exceptions {', '.join(map(repr, sorted(stale)))} no longer differ between the answers")
    return problems
