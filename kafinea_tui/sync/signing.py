"""Standard Webhooks 1.0 signatures (https://www.standardwebhooks.com), with the stdlib's hmac.

The signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the key is the base64 part of
the endpoint's `whsec_` secret; the header is `v1,` + base64(HMAC-SHA256). Receivers verify with
any Standard Webhooks library (or the few lines of `verify` below) and reject stale timestamps.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

PREFIX = "whsec_"
TOLERANCE = 5 * 60  # seconds a receiver accepts between the timestamp and its clock


def decode_secret(secret: str) -> bytes:
    """The key bytes of a `whsec_...` secret; ValueError with a sentence when it is not one."""
    body = secret[len(PREFIX) :] if secret.startswith(PREFIX) else secret
    try:
        key = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not a whsec_ secret: whsec_ followed by base64 text") from None
    if len(key) < 16:
        raise ValueError("the secret is shorter than 16 bytes; use at least 24 random bytes")
    return key


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    content = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(decode_secret(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str | None, webhook_id: str, body: bytes) -> dict[str, str]:
    """The headers of one attempt: the id (and idempotency key) always, the signature with a secret."""
    headers = {"webhook-id": webhook_id, "Idempotency-Key": webhook_id}
    if secret:
        timestamp = int(time.time())
        headers["webhook-timestamp"] = str(timestamp)
        headers["webhook-signature"] = sign(secret, webhook_id, timestamp, body)
    return headers


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> bool:
    """What a receiver does: a fresh timestamp and one matching `v1` signature."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        webhook_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        signatures = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE:
        return False
    expected = sign(secret, webhook_id, timestamp, body)
    return any(hmac.compare_digest(expected, s) for s in signatures)
