"""What one attempt gave, and when to try again (exponential backoff with jitter)."""

from __future__ import annotations

import random
from dataclasses import dataclass

MAX_DELAY = 3600.0  # seconds: a retry is never planned further than an hour away
ANSWER_CHARS = 2000  # of the receiver's answer kept in the log


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retryable: bool = False
    error: str | None = None
    answer: str | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header

    @classmethod
    def ok(cls, answer: str | None = None) -> Outcome:
        return cls(True, answer=answer)

    @classmethod
    def retry(cls, error: str, answer: str | None = None, after: float | None = None) -> Outcome:
        return cls(False, True, error, answer, after)

    @classmethod
    def fail(cls, error: str, answer: str | None = None) -> Outcome:
        return cls(False, False, error, answer)


def backoff(attempt: int, base: float, retry_after: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`: Retry-After when the receiver said, else
    `base * 2^(attempt-1)` with +-50% jitter, so that many deliveries to one endpoint that
    failed together do not all come back at the same moment."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), MAX_DELAY)
    delay: float = base * 2 ** max(attempt - 1, 0)
    return min(delay * random.uniform(0.5, 1.5), MAX_DELAY)


def excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= ANSWER_CHARS else text[:ANSWER_CHARS] + "…"
