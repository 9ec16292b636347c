"""The Prometheus metrics of the webhook server (``GET /metrics``). Only ``python -m bot webhook``
(and ``web``) make them: a bot that polls serves no /metrics and does not load prometheus_client."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The process's Prometheus metrics, in their own registry (nothing global)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "bot_updates_total",
            "Updates handled, by kind and outcome",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "bot_update_latency_seconds",
            "Time to handle one update",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.answers = Counter(
            "bot_answers_total",
            "Answers to questions, by whether the plan covered them",
            ["confident"],
            registry=self.registry,
        )
        self.unanswered_ratio = Gauge(
            "bot_unanswered_ratio", "Share of questions the plan did not answer", registry=self.registry
        )
        self.outbox = Gauge(
            "bot_outbox_deliveries", "Outbox deliveries by status", ["status"], registry=self.registry
        )
        self.send_errors = Counter(
            "bot_send_errors_total", "Errors answering updates, by kind", ["kind"], registry=self.registry
        )
        self.worker = Gauge(
            "bot_outbox_worker_events",
            "This instance's outbox worker: deliveries by outcome, rate_limited and lease_lost events; "
            "window, in_window and most_in_window (deliveries a crash would send again)",
            ["event"],
            registry=self.registry,
        )
        self.chat_state = Gauge(
            "bot_chat_state",
            "Buffered per-chat writes: waiting, questions dropped, failed flushes in a row, rows rejected",
            ["measure"],
            registry=self.registry,
        )
        self.database_up = Gauge(
            "bot_database_up",
            "1 when the last look at the database (for /metrics) succeeded, 0 when it failed",
            registry=self.registry,
        )
        self._answered = 0
        self._unconfident = 0

    def observe_answer(self, confident: bool) -> None:
        self.answers.labels(confident=str(confident).lower()).inc()
        self._answered += 1
        self._unconfident += 0 if confident else 1
        self.unanswered_ratio.set(self._unconfident / self._answered)

    def observe_send_error(self, kind: str) -> None:
        self.send_errors.labels(kind=kind).inc()

    def render(
        self,
        outbox_counts: dict[str, int] | None,
        worker_stats: dict[str, int] | None = None,
        chat_state: dict[str, int] | None = None,
    ) -> bytes:
        """The exposition text; ``outbox_counts`` None: the database could not be read."""
        self.database_up.set(0 if outbox_counts is None else 1)
        for status, count in (outbox_counts or {}).items():
            self.outbox.labels(status=status).set(count)
        for event, count in (worker_stats or {}).items():
            self.worker.labels(event=event).set(count)
        for measure, value in (chat_state or {}).items():
            self.chat_state.labels(measure=measure).set(value)
        return generate_latest(self.registry)
