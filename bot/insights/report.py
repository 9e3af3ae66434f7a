"""The /unanswered report: near-duplicate questions grouped, and the entries users found unhelpful.

Questions are grouped with the core's own normalisation (`terms`: folded, stemmed, filler words
dropped) and rapidfuzz's token_sort_ratio, so "When does season 2 come out?" and "when will
season two come out" count as one question asked twice, as they would match the same entry.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.text import clean, terms
from bot.insights.store import Tally, Votes

SIMILAR = 85.0  # token_sort_ratio of the normalised texts at which two wordings are one question
SHOWN = 10  # question groups a report lists
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Near-duplicate wordings of one question: the most asked wording, their total count, how many."""

    question: str
    count: int
    wordings: int


@dataclass(frozen=True, slots=True)
class Report:
    days: int
    asked: int  # unanswered questions in the window, every wording counted
    groups: int  # different questions among them
    questions: tuple[QuestionGroup, ...]  # the most asked ones
    unhelpful: tuple[Votes, ...]


def readable(text: str) -> str:
    """One line an admin can read: no control characters, bidi overrides or runs of whitespace."""
    kept = (
        char
        for char in text
        if char.isspace() or (unicodedata.category(char) not in ("Cc", "Cs") and char not in _BIDI_CONTROLS)
    )
    return " ".join("".join(kept).split())


def _key(question: str) -> str:
    """What wordings are compared by: the core's terms, else the cleaned words, else the text itself
    (a question of only emoji has no words but still deserves a group of its own); words sorted,
    so that `fuzz.ratio` on keys is token_sort_ratio without sorting again on every comparison."""
    words = terms(question) or clean(question).split() or [readable(question).casefold()]
    return " ".join(sorted(words))


def group_questions(counts: Iterable[tuple[str, int]]) -> list[QuestionGroup]:
    """Each wording joins the first group, most asked first, whose first wording is similar enough."""
    keys: list[str] = []
    groups: list[list[tuple[str, int]]] = []
    for question, count in sorted(counts, key=lambda item: -item[1]):
        key = _key(question)
        found = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=SIMILAR)
        if found is None:
            keys.append(key)
            groups.append([(question, count)])
        else:
            groups[found[2]].append((question, count))
    merged = [QuestionGroup(readable(group[0][0]), sum(n for _, n in group), len(group)) for group in groups]
    return sorted(merged, key=lambda group: -group.count)


def build_report(tally: Tally, days: int) -> Report:
    groups = group_questions(tally.questions)
    return Report(
        days=days,
        asked=sum(count for _, count in tally.questions),
        groups=len(groups),
        questions=tuple(groups[:SHOWN]),
        unhelpful=tally.votes,
    )


def format_report(report: Report) -> str:
    """The report as plain text for a terminal (`python -m bot report`)."""
    lines = [f"Unanswered questions in the last {report.days} days: {report.asked} asked, {report.groups} different"]
    for group in report.questions:
        similar = f"  (+{group.wordings - 1} similar)" if group.wordings > 1 else ""
        lines.append(f"  {group.count:>4}×  {group.question}{similar}")
    lines.append("")
    if report.unhelpful:
        lines.append("Answers marked not helpful:")
        lines.extend(f"  {v.entry_id}: {v.not_helpful} not helpful, {v.helpful} helpful" for v in report.unhelpful)
    else:
        lines.append("No answer was marked not helpful.")
    return "\n".join(lines)
