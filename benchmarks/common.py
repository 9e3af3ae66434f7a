"""What the benchmarks share: paths, question sets, percentiles, tables, the machine's description."""

from __future__ import annotations

import importlib.util
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
OWN_QUESTIONS = ROOT / "tests" / "questions.yaml"
SHARED_EVAL = ROOT.parent / "shared" / "eval"  # the shared dev set, beside the clone as in CI
DEV_QUESTIONS = SHARED_EVAL / "dev_questions.yaml"
PYTHON = sys.executable


def question_items(path: Path) -> list[dict[str, Any]]:
    """A question set's items, each question on one line as score.py sends it."""
    items: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [item | {"q": " ".join(str(item["q"]).split())} for item in items]


def questions() -> list[str]:
    """The dev questions (when ../shared is there) and our own, in that order."""
    sets = [path for path in (DEV_QUESTIONS, OWN_QUESTIONS) if path.is_file()]
    return [item["q"] for path in sets for item in question_items(path)]


def judge() -> Callable[[dict[str, Any], dict[str, Any]], str]:
    """score.py's own verdict ("correct", "wrong", "missed") for an item and a reply, so accuracy here
    is judged exactly as the shared evaluation judges it."""
    spec = importlib.util.spec_from_file_location("shared_eval_score", SHARED_EVAL / "score.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(SHARED_EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    verdict: Callable[[dict[str, Any], dict[str, Any]], str] = module.judge
    return verdict


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` in 0..1): a value that was measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timings(action: Callable[[], object], repeat: int) -> list[float]:
    """Seconds per call of `action`, `repeat` times."""
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        found.append(time.perf_counter() - started)
    return found


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    """Milliseconds with three significant figures, e.g. "0.123", "12.3", "123"."""
    value = seconds * 1000
    return (
        f"{value:.3f}"
        if value < 1
        else f"{value:.2f}"
        if value < 10
        else f"{value:.1f}"
        if value < 100
        else f"{value:.0f}"
    )


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.3g}" if baseline else "-"


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, so the printout can be pasted into RESULTS.md as it is."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(str(h)), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    line = "| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    return "\n".join([f"\n### {title}\n", line, rule, *body])


def machine() -> str:
    """CPU, cores, memory, Python and the load when measured: figures mean little without them."""
    model = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")), "?"
    )
    memory = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), "?"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({model}), RAM {memory}, Python {platform.python_version()} on {platform.system()}, "
        f"load average {load}"
    )


def rss_kib(pid: int | str = "self") -> int:
    """The resident set size of a process (Linux), in KiB."""
    for line in _lines(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
