"""One HTTP delivery attempt: POST the payload, signed (Standard Webhooks 1.0), with its
`Idempotency-Key`, and read the answer as the outbox's rules say.

Retried: a refused connection, a timeout, any network error, 408, 429 (after its Retry-After)
and 5xx. Failed at once, with the answer's text: any other 4xx, a redirect loop, an address
that is not HTTP. 2xx is delivered (3xx are followed, up to a few hops).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from kafinea_tui.sync.config.model import Endpoint
from kafinea_tui.sync.delivery.body import encode
from kafinea_tui.sync.delivery.outcome import Outcome, excerpt
from kafinea_tui.sync.signing import signed_headers
from kafinea_tui.sync.transports import tls_context

MAX_REDIRECTS = 5


def post(client: httpx.Client, endpoint: Endpoint, webhook_id: str, payload: str) -> Outcome:
    body, content_type = encode(payload, endpoint.format)
    headers = {
        "Content-Type": content_type,
        "User-Agent": "kafinea-tui",
        **endpoint.headers,
        **signed_headers(endpoint.secret, webhook_id, body),
    }
    try:
        answer = client.post(endpoint.url, content=body, headers=headers, timeout=endpoint.timeout)
    except httpx.TooManyRedirects:
        return Outcome.fail(
            f"{endpoint.url} redirects in a loop (more than {MAX_REDIRECTS} redirects)"
        )
    except httpx.TimeoutException:
        return Outcome.retry(f"{endpoint.url} did not answer within {endpoint.timeout:g} s")
    except httpx.ConnectError as error:
        return Outcome.retry(f"cannot connect to {endpoint.url}: {_reason(error)}")
    except httpx.UnsupportedProtocol as error:
        return Outcome.fail(f"{endpoint.url} cannot be reached: {error}")
    except httpx.HTTPError as error:
        return Outcome.retry(f"{endpoint.url}: {_reason(error)}")
    return judge(answer)


def judge(answer: httpx.Response) -> Outcome:
    text = excerpt(answer.text)
    said = f"{answer.status_code} {answer.reason_phrase}".strip()
    if answer.is_success:
        return Outcome.ok(f"{said}: {text}" if text else said)
    if answer.status_code in (408, 429) or answer.status_code >= 500:
        after = retry_after(answer.headers.get("retry-after"))
        return Outcome.retry(f"the endpoint answered {said}", text or None, after)
    return Outcome.fail(f"the endpoint refused the delivery: {said}", text or None)


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, or as an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if "refused" in text.lower():
        return "connection refused"
    return text


def new_client() -> httpx.Client:
    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        trust_env=False,
        verify=tls_context(trust_env=False),
    )
