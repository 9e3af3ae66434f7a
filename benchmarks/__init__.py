"""Benchmarks: scripts that print figures, each beside a baseline measured in the same run.

Run them from the project root, e.g. `.venv/bin/python -m benchmarks.run_all`; see
benchmarks/RESULTS.md for the figures and the machine they were measured on.
"""
