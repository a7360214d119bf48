"""Deliver the outbox: claim due deliveries, attempt them in parallel, settle each outcome.

The rows are claimed and settled on the calling thread (the engine's), each in its own short
transaction; only the network waits run on the pool's threads. A retryable failure comes back
after `backoff` (exponential, with jitter, or the receiver's Retry-After) until the endpoint's
`retries` are spent; then the delivery is failed and kept, and the sync panel, the API or
`kafinea-tui automation retry ID` can send it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

import httpx

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.automation.outbox import Delivery
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.model import AutomationConfig
from kafinea_tui.sync.delivery.email import send_mail
from kafinea_tui.sync.delivery.http import new_client, post
from kafinea_tui.sync.delivery.outcome import Outcome, backoff

WORKERS = 8
BATCH = 64


class Outbox:
    """Attempts due deliveries with the config the engine currently holds."""

    def __init__(
        self, store: Store, config: Callable[[], AutomationConfig], workers: int = WORKERS
    ) -> None:
        self.store = store
        self.config = config
        self.client: httpx.Client = new_client()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kafinea-delivery")
        self.lock = threading.Lock()  # one round at a time (the engine, a "send now" from the API)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()

    def release(self) -> int:
        """Deliveries left in flight by a process that stopped go back to pending."""
        with self.store.transaction() as cur:
            return table.release_claimed(cur)

    def round(self, limit: int = BATCH) -> int:
        """Attempt up to `limit` due deliveries; returns how many were attempted."""
        with self.lock:
            upcoming = table.next_due(self.store.cursor())
            if upcoming is None or upcoming > table.later(0):
                return 0  # nothing due: no write transaction for an idle poll
            with self.store.transaction() as cur:
                due = table.claim_due(cur, limit)
            if not due:
                return 0
            config = self.config()
            futures = {self.pool.submit(self.attempt, d, config): d for d in due}
            outcomes: list[tuple[Delivery, Outcome]] = []
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as error:  # a bug must not lose the delivery: retry it
                    outcome = Outcome.retry(f"unexpected error: {type(error).__name__}: {error}")
                outcomes.append((futures[future], outcome))
            # One statement in one transaction settles the round: a commit, or an UPDATE, per
            # delivery would cost more than the HTTP request itself.
            settled = [settled_as(d, outcome, config) for d, outcome in outcomes]
            with self.store.transaction() as cur:
                table.settle_all(cur, settled)
            return len(due)

    def attempt(self, delivery: Delivery, config: AutomationConfig) -> Outcome:
        if delivery.kind == "email":
            return send_mail(config.smtp, delivery.webhook_id, delivery.payload)
        endpoint = config.endpoints.get(delivery.target)
        if endpoint is None:
            return Outcome.fail(f"unknown endpoint {delivery.target!r}: it is not in config.toml")
        return post(self.client, endpoint, delivery.webhook_id, delivery.payload)


def settled_as(delivery: Delivery, outcome: Outcome, config: AutomationConfig) -> table.Settled:
    """What an attempt's outcome makes of the delivery: delivered, pending again after its
    backoff while the endpoint's retries last, or failed for good."""
    retries, base = _policy(delivery, config)
    if outcome.delivered:
        return table.Settled(delivery.id, "delivered", None, outcome.answer)
    if outcome.retryable and delivery.attempts <= retries:
        delay = backoff(delivery.attempts, base, outcome.retry_after)
        later = table.later(delay)
        return table.Settled(delivery.id, "pending", outcome.error, outcome.answer, later)
    error = outcome.error or "failed"
    if outcome.retryable:
        error += f"; gave up after {delivery.attempts} attempt(s)"
    return table.Settled(delivery.id, "failed", error, outcome.answer)


def _policy(delivery: Delivery, config: AutomationConfig) -> tuple[int, float]:
    if delivery.kind == "email":
        smtp = config.smtp
        return (smtp.retries, smtp.backoff) if smtp else (0, 1.0)
    endpoint = config.endpoints.get(delivery.target)
    return (endpoint.retries, endpoint.backoff) if endpoint else (0, 1.0)
