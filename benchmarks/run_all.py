"""Run every benchmark, each in a fresh process, and print their tables (about 9 minutes, and 20 more
for 100 000 hostile questions; --quick: about 5, without the 100 000-entry bases, the 10 000-entry
reload and with 10 000 hostile questions).

    .venv/bin/python -m benchmarks.run_all [--quick] | tee /tmp/benchmarks.md

The figures of the last full run, and the machine, are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import subprocess
import time
from collections.abc import Sequence

from benchmarks.common import PYTHON, ROOT


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the largest bases")
    args = parser.parse_args(argv)
    sizes = "real,1000,10000" if args.quick else "real,1000,10000,100000"
    runs = [
        ("Answer latency and accuracy", "answer_latency", ["--sizes", sizes]),
        ("Autocomplete", "autocomplete", ["--sizes", sizes]),
        ("Reload", "reload", ["--sizes", "real" if args.quick else "real,10000"]),
        ("Memory", "memory", []),
        ("Start-up", "startup", []),
        ("Interactions", "interactions", []),
        ("Shards: one process against two", "shards", ["--rounds", "1" if args.quick else "3"]),
        ("Store writes", "store_writes", ["--rows", "300" if args.quick else "1000"]),
        ("Memory under hostile questions", "hostile_memory", ["--questions", "10000" if args.quick else "100000"]),
    ]
    for title, module, arguments in runs:  # a process each: no benchmark measures another's heap
        print(f"\n## {title}\n", flush=True)
        started = time.perf_counter()
        subprocess.run([PYTHON, "-m", f"benchmarks.{module}", *arguments], cwd=ROOT, check=True)
        print(f"\n({title}: {time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
