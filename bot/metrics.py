"""Prometheus metrics, served on METRICS_PORT when it is set: what an operator of one or many
processes watches. No discord import: the Discord layer feeds the gateway latency.

The metrics always count (an increment is an integer add under a lock); only the endpoint is
optional. Each process serves its own; Prometheus adds them up across processes by `instance`.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from bot.core.answers import Kind

QUESTIONS = Counter("lemans_questions", "Questions by outcome", ["outcome"])
ANSWER_SECONDS = Histogram(
    "lemans_answer_seconds",
    "Seconds from a question's arrival to the reply sent",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
)
GATEWAY_LATENCY = Gauge("lemans_gateway_latency_seconds", "Heartbeat round trip to Discord per shard", ["shard"])
RELOADS = Counter("lemans_reloads", "Knowledge reloads in this process by result (ok, failed)", ["result"])
STORE_WRITE_DROPS = Counter("lemans_store_write_drops", "Unanswered questions and votes that were not stored")

# answered: from an entry; suggested: "did you mean"; declined: no answer (no match, or no source
# says it); refused: input the bot does not take (too long, empty)
OUTCOMES: dict[Kind, str] = {
    "answer": "answered",
    "unsure": "suggested",
    "none": "declined",
    "unknown": "declined",
    "invalid": "refused",
}


def count_answer(kind: Kind, seconds: float) -> None:
    """One question answered (whatever the outcome) after `seconds`."""
    QUESTIONS.labels(outcome=OUTCOMES[kind]).inc()
    ANSWER_SECONDS.observe(seconds)


def serve(port: int) -> Callable[[], None]:
    """Serve /metrics on every interface at `port` (in a thread); returns the function that stops it."""
    server, thread = start_http_server(port)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    return stop
