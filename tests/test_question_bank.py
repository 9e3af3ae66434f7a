"""Regression guard: several hundred labelled questions must keep landing on the right entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from tests.helpers import REAL_KNOWLEDGE

BANK = Path(__file__).parent / "data" / "question_bank.tsv"


def load() -> list[tuple[set[str], str]]:
    rows = []
    for line in BANK.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expected, question = line.split("\t")
            rows.append((set(expected.split("|")), question))
    return rows


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_directory(REAL_KNOWLEDGE)


def test_bank_questions_land_on_their_entries(engine: Engine) -> None:
    rows = load()
    wrong: list[str] = []
    missed: list[str] = []
    for expected, question in rows:
        answer = engine.ask(question)
        declined = answer.kind in ("unknown", "unsure", "none")
        if "ABSTAIN" in expected:
            ok = answer.kind != "answer"
        else:
            ok = answer.entry_id in expected if answer.kind in ("answer", "unknown") else False
            ok = ok or ("UNK" in expected and declined)
        if not ok:
            (wrong if answer.kind == "answer" else missed).append(f"{question!r} -> {answer.entry_id}")
    assert len(rows) > 500
    # Measured with the fused engine: 18 answered with another entry (most of them off-topic questions
    # about a known name or year), 3 declined; the lexical-only engine before it: 3 and 9.
    assert len(wrong) <= len(rows) * 3 // 100, wrong  # at most 3 % answered with another entry
    assert len(missed) <= len(rows) // 100, missed  # at most 1 % declined
