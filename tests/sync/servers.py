"""Real servers on 127.0.0.1 for the automation tests: a factory (HTTP) and a mailbox (SMTP).

The factory checks each delivery's Standard Webhooks signature with its own few lines of
hmac (not the sender's code), drops a repeated `Idempotency-Key`, and can call the Kafinea API
back to set the order Manufactured, as the factory's software does in Kafinea's example.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http import HTTPStatus
from typing import Any

import httpx
from aiosmtpd.controller import Controller

from kafinea_tui.sync.transports import tls_context


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(check: Callable[[], Any], timeout: float = 60.0, every: float = 0.1) -> Any:
    """Poll until `check()` is truthy (its value), failing the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s: {check}")
        time.sleep(every)


def signature_ok(secret: str, headers: Any, body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(f"v1,{expected}", s) for s in headers["webhook-signature"].split()
    )


class Factory:
    """POST /build: verify, dedupe by Idempotency-Key, optionally call the API back.

    A small HTTP/1.1 server of its own on asyncio (keep-alive, Content-Length bodies, which is
    what the sender writes) rather than uvicorn and Starlette: a test delivers ten thousand
    orders to it, and its few lines cost a tenth of their time a request."""

    def __init__(self, secret: str, port: int | None = None) -> None:
        self.secret = secret
        self.port = port or free_port()
        self.received: list[dict[str, Any]] = []  # every delivery accepted, once per key
        self.attempts = 0
        self.keys: set[str] = set()
        self.bad_signatures = 0
        self.answer: tuple[int, dict[str, str]] | None = None  # force a status (and headers)
        self.callback: Callable[[dict[str, Any]], None] | None = None
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)  # notified at each delivery accepted
        self.thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.server: asyncio.Server | None = None
        self.connections: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/build"

    def build(self, path: str, method: str, headers: dict[str, str], body: bytes) -> Reply:
        """The factory's answer to one request, and the delivery to call back with, if any
        (`headers` by lower-case name)."""
        if path != "/build":
            return Reply(404, "not found")
        if method != "POST":
            return Reply(405, "method not allowed", {"Allow": "POST"})
        with self.lock:
            self.attempts += 1
            if self.answer is not None:
                status, extra = self.answer
                return Reply(status, "busy", extra)
            if not signature_ok(self.secret, headers, body):
                self.bad_signatures += 1
                return Reply(401, "bad signature")
            key = headers["idempotency-key"]
            assert key == headers["webhook-id"]
            if key in self.keys:
                return Reply(200, "already built")
            self.keys.add(key)
            delivery = {"key": key, "body": json.loads(body), "headers": headers}
            self.received.append(delivery)
            self.arrived.notify_all()
        return Reply(202, "building", delivery=delivery)

    def wait_received(self, count: int, timeout: float) -> None:
        """Until `count` deliveries have been accepted (woken at each one, not polling), failing
        the test after `timeout` seconds."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} of {count} deliveries in {timeout} s")

    async def serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.connections.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *lines = head.decode("latin-1").split("\r\n")
                method, path, _ = request_line.split(" ", 2)
                headers = {}
                for line in lines:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                reply = self.build(path, method, headers, body)
                writer.write(reply.encoded())
                await writer.drain()
                if reply.delivery is not None and self.callback is not None:
                    # After the answer, as the factory's software does: the sender has its 202.
                    asyncio.get_running_loop().run_in_executor(None, self.callback, reply.delivery)
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.connections.discard(writer)
            writer.close()

    def start(self) -> Factory:
        started = threading.Event()

        async def run() -> None:
            self.loop = asyncio.get_running_loop()
            self.server = await asyncio.start_server(
                self.serve_connection, "127.0.0.1", self.port, reuse_address=True
            )
            started.set()
            async with self.server:
                await self.server.serve_forever()

        def main() -> None:
            with contextlib.suppress(asyncio.CancelledError):
                asyncio.run(run())

        self.thread = threading.Thread(target=main, daemon=True)
        self.thread.start()
        wait_for(started.is_set, timeout=20)
        return self

    def stop(self) -> None:
        """Stop listening and close every open connection, as a factory going down does."""
        loop, server = self.loop, self.server
        if loop is not None and server is not None:

            def close() -> None:
                server.close()
                for writer in list(self.connections):
                    writer.close()
                for task in asyncio.all_tasks(loop):
                    task.cancel()

            with contextlib.suppress(RuntimeError):  # its loop has ended already
                loop.call_soon_threadsafe(close)
        if self.thread is not None:
            self.thread.join(timeout=20)
        self.loop = self.server = self.thread = None


@dataclass
class Reply:
    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)
    delivery: dict[str, Any] | None = None

    def encoded(self) -> bytes:
        body = self.text.encode()
        lines = [
            f"HTTP/1.1 {self.status} {HTTPStatus(self.status).phrase}",
            "Content-Type: text/plain; charset=utf-8",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in self.headers.items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Mailbox:
    """An SMTP server keeping the messages it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def set_status(api: str, token: str, order_id: int, status: str) -> None:
    answer = httpx.patch(
        f"{api}/api/v1/salesorders/records/{order_id}",
        json={"status": status},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        verify=tls_context(),
    )
    answer.raise_for_status()


class Serve:
    """`kafinea-tui serve` as a subprocess on a workspace; stopped with SIGTERM."""

    def __init__(self, workspace: Any, port: int | None = None) -> None:
        self.workspace = workspace
        self.port = port or free_port()
        self.process: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Serve:
        from tests import commands

        command = ["--workspace", str(self.workspace), "serve", "--port", str(self.port)]
        self.process = commands.start(command)

        def up() -> bool:
            assert self.process.poll() is None, self.process.communicate()[1]
            try:
                health = httpx.get(f"{self.url}/api/v1/health", timeout=2, verify=tls_context())
                return health.status_code == 200
            except httpx.TransportError:
                return False

        wait_for(up, timeout=60)
        return self

    def stop(self) -> str:
        """SIGTERM, wait, and return what the server wrote on stderr."""
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=60)
        except Exception:
            self.process.kill()
            _, err = self.process.communicate()
        assert self.process.returncode == 0, err
        return str(err)
