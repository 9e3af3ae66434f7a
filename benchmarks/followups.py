"""Follow-up dialogues: how many second turns are answered right, wrong or not at all in context.

Each dialogue's first question is asked, then its second in the same conversation, through the same
engine as `ask`; the second answer is judged by score.py's own rule. Prints one summary line (and
each miss with --show-failures, which a set measured untouched must not be given).

    python -m benchmarks.followups [tests/data/followups.yaml] [--show-failures]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import KNOWLEDGE, ROOT, judge
from bot.core.engine import Engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dialogues", nargs="?", type=Path, default=ROOT / "tests" / "data" / "followups.yaml")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    dialogues: list[dict[str, Any]] = yaml.safe_load(args.dialogues.read_text(encoding="utf-8"))
    engine, verdict, tally = Engine.from_directory(KNOWLEDGE), judge(), Counter[str]()
    for number, dialogue in enumerate(dialogues):
        first, second = dialogue["turns"]
        engine.ask(first["q"], conversation=str(number))
        answer = engine.ask(second["q"], conversation=str(number))
        reply = {"answered": answer.answered, "answer": answer.text, "entry": answer.entry_id}
        found = verdict(second | {"lang": dialogue["lang"]}, reply)
        tally[found] += 1
        if args.show_failures and found != "correct":
            print(f"[{found}] {first['q']!r} / {second['q']!r} -> {answer.entry_id}")
    print(
        f"{len(dialogues)} dialogues: second turn right {tally['correct']}, wrong {tally['wrong']}, "
        f"not answered {tally['missed']}"
    )


if __name__ == "__main__":
    main()
