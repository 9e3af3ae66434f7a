"""Fit the answer decision's confidence model (bot/core/decide.py) on blind questions.

For each question of the blind sets tuned on (the tune half and the fresh sets already read, under
tests/data/blind/, written by people who never saw the knowledge or the engine; the hold-out half
and the fresh sets reported untouched stay unseen) it takes the engine's fused candidates and their features and
labels the top candidate: right when its answer contains what the question expects (the rule of
../shared/eval/score.py), and for an off-topic question right only when the top entry is an honest
"no source says" one. A logistic regression (L2, plain numpy) maps the features to the chance of
being right; then it prints the coefficients and, for a range of thresholds, what these sets
would score with chances from 5-fold cross-validation, so the thresholds in decide.py are chosen
for few wrong answers on questions the model was not fitted to.

    python scripts/calibrate.py [QUESTIONS.yaml ...]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.core import decide
from bot.core.loader import load_directory
from bot.core.query import Query
from bot.core.schema import Entry
from bot.core.text import fold

_L2 = 0.3
BLIND = Path("tests/data/blind")
# Fresh sets written by new blind writers are reported untouched, then join the sets tuned on: they
# bring ways of asking that the knowledge was not written for, which the tune half alone underrates.
TUNED = ("tune", "fresh", "fresh2", "fresh3", "fresh5", "fresh7", "fresh8", "fresh9", "fresh10", "fresh11", "fresh13")


def contains(answer: str, expected: str) -> bool:
    """score.py's rule: at the start of a word, a number standing alone, case and accents folded."""
    want = fold(expected)
    left = r"(?<!\w)" if want[:1].isalnum() else ""
    right = r"(?!\d)" if want[-1:].isdigit() else ""
    return re.search(left + re.escape(want) + right, fold(answer)) is not None


def right(item: dict[str, Any], entry: Entry) -> bool:
    """Whether answering from `entry` is right by score.py's rule: an off-topic question must get no
    fact, an in-scope one the expected fact, which an honest "no source says …" entry may hold too
    ("only a June 2017 snapshot: 4.5 of 5 stars")."""
    if item.get("expect") == "abstain":
        return entry.status == "unknown"
    text = getattr(entry.answer, item["lang"])
    if "expect_all" in item:
        return all(contains(text, s) for s in item["expect_all"])
    return any(contains(text, s) for s in item["expect_any"])


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression by Newton's method with an L2 penalty (not on the intercept)."""
    w = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * _L2
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w


def cross_validated(x: np.ndarray, y: np.ndarray, folds: int = 5) -> np.ndarray:
    """Each question's chance from a model fitted without its fold: what the threshold is chosen on,
    since a model judged on the questions it was fitted to looks surer than it is."""
    fold = np.random.default_rng(0).integers(0, folds, len(y))
    chances = np.zeros(len(y))
    for k in range(folds):
        held = fold == k
        chances[held] = 1 / (1 + np.exp(-(x[held] @ fit(x[~held], y[~held]))))
    return chances


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", type=Path, default=[BLIND / f"{name}.yaml" for name in TUNED])
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"))
    args = parser.parse_args()
    knowledge = load_directory(args.knowledge)
    items = [item for path in args.questions for item in yaml.safe_load(path.read_text(encoding="utf-8"))]

    rows, labels, ranked = [], [], []
    for item in items:
        query = Query.parse(item["q"])
        found = decide.candidates(query, knowledge.entries, knowledge.lexical, knowledge.semantic)
        if found.ranked:
            rows.append(decide.features(found))
            labels.append(float(right(item, found.ranked[0].entry)))
            ranked.append((item, found))
    x, y = np.array(rows), np.array(labels)
    w = fit(x, y)
    print("COEFFICIENTS = (" + ", ".join(f"{v:.3f}" for v in w) + ")")
    print(f"{len(items)} questions, {len(rows)} with candidates, top candidate right for {y.mean():.1%}")
    chances = cross_validated(x, y)
    inscope = sum(1 for i in items if i.get("expect") != "abstain")
    offtopic = len(items) - inscope
    # an off-topic question no entry matches at all is declined at any threshold
    unmatched = offtopic - sum(1 for item, _ in ranked if item.get("expect") == "abstain")
    print(f"5-fold cross-validated\n{'answer at':>10}{'correct':>9}{'wrong':>8}{'declined':>10}")
    for threshold in (0.6, 0.7, 0.8, 0.85, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.95):
        correct, wrong, declined = 0, 0, unmatched
        for (item, found), chance, good_top in zip(ranked, chances, y, strict=True):
            answers = chance >= threshold and decide.answerable(found.ranked[0], found)
            good = answers and bool(good_top)
            if item.get("expect") == "abstain":
                declined += not answers or good
            elif answers:
                correct += good
                wrong += not good
        print(f"{threshold:>10.2f}{correct / inscope:>9.1%}{wrong / inscope:>8.1%}{declined / offtopic:>10.1%}")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # the reader left (`… | head`): stop quietly, as the CLI does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)
