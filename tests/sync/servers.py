"""Real servers on 127.0.0.1 for the automation tests: a factory (HTTP) and a mailbox (SMTP).

The factory checks each delivery's Standard Webhooks signature with its own few lines of
hmac (not the sender's code), drops a repeated `Idempotency-Key`, and can call the Kafinea API
back to set the order Manufactured, as the factory's software does in Kafinea's example.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import uvicorn
from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


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
    """POST /build: verify, dedupe by Idempotency-Key, optionally call the API back."""

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
        app = Starlette(routes=[Route("/build", self.build, methods=["POST"])])
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/build"

    async def build(self, request: Request) -> Response:
        body = await request.body()
        with self.lock:
            self.attempts += 1
            if self.answer is not None:
                status, headers = self.answer
                return PlainTextResponse("busy", status_code=status, headers=headers)
            if not signature_ok(self.secret, request.headers, body):
                self.bad_signatures += 1
                return PlainTextResponse("bad signature", status_code=401)
            key = request.headers["idempotency-key"]
            assert key == request.headers["webhook-id"]
            if key in self.keys:
                return PlainTextResponse("already built", status_code=200)
            self.keys.add(key)
            delivery = {"key": key, "body": json.loads(body), "headers": dict(request.headers)}
            self.received.append(delivery)
        task = BackgroundTask(self.callback, delivery) if self.callback else None
        return PlainTextResponse("building", status_code=202, background=task)

    def start(self) -> Factory:
        self.server.should_exit = False
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_for(lambda: self.server.started, timeout=20)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=20)
        self.server = uvicorn.Server(self.server.config)


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
        import subprocess
        import sys

        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kafinea_tui.cli",
                "--workspace",
                str(self.workspace),
                "serve",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

        def up() -> bool:
            assert self.process.poll() is None, self.process.communicate()[1]
            try:
                return httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200
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
