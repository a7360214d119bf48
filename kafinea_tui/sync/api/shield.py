"""What every request passes through before the routes: the body limit, and the last word on
failures nobody expected.

- Bodies are counted as they arrive: a Content-Length past the limit is refused before any of
  the body is read, and a body sent without one (chunked) is refused as soon as it passes the
  limit, so a 200 MB body never sits in the server's memory. 413, with a sentence.
- Versions: every answer says the server's version in a `Kafinea-Version` header, and a
  request that says another one is refused with 409: the CLI and the app speak to the owner of
  their workspace in the words of their own version, and a mismatch would misread options.
- An unexpected exception is logged with its traceback and answered with a 500 sentence here,
  where it stops. Starlette's own last-resort handler answers too, but then re-raises, and
  uvicorn closes a connection whose request raised: the client lost its keep-alive connection
  with the 500 (the next request on it met "connection reset").
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kafinea_tui import __version__

DEFAULT_MAX_BODY_MB = 100
VERSION_HEADER = "kafinea-version"
_VERSION = (VERSION_HEADER.encode(), __version__.encode())
LOG = logging.getLogger("kafinea_tui.api")


class BodyTooLarge(Exception):
    pass


class Shield:
    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY_MB * 2**20) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = _header(scope, VERSION_HEADER.encode())
        if asked is not None and asked != __version__:
            await _answer(send, 409, version_sentence(__version__, asked))
            return
        declared = _content_length(_header(scope, b"content-length"))
        if declared is not None and declared > self.max_body:
            await _answer(send, 413, self._too_large())
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", ()), _VERSION]}
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await _answer(send, 413, self._too_large())
        except Exception:
            LOG.exception("Unexpected failure on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                sentence = "The server failed unexpectedly; the details are in its log."
                await _answer(send, 500, sentence)

    def _too_large(self) -> str:
        limit = self.max_body / 2**20
        shown = f"{limit:g} MB" if limit >= 1 else f"{self.max_body} bytes"
        return (
            f"The request body is larger than this server takes ({shown}); send less at once "
            "(several requests), or start the server with a larger --max-body-mb."
        )


def version_sentence(server: str, client: str) -> str:
    return (
        f"The server runs kafinea-tui {server} and this is kafinea-tui {client}; "
        "use the same version on both sides."
    )


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return bytes(value).decode("latin-1")
    return None


def _content_length(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


async def _answer(send: Send, status: int, sentence: str) -> None:
    body = json.dumps({"error": sentence}).encode("utf-8")
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        _VERSION,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
