"""The owner's API: the workspace's Unix socket always, TCP when asked, in background threads.

The process that owns a workspace (the app once it has opened the store, `serve`) serves the
API (`create_app`, one app over its store) on `kafinea.sock` in the workspace, with full rights
and no token: the socket's mode, 0600, is the credential. `start_tcp` serves the same app on a
TCP address as well, with tokens (`serve` does it at start, the sync panel on request).

The socket is bound under a private folder (0700) and made 0600 there, then renamed into the
workspace: no other user can connect in between, and a stale socket left by a killed owner is
replaced in one step. uvicorn's own `uds=` would make it 0666. The record (`sync.owner`) is
written once the socket listens and removed, with the socket, by `stop`.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, Literal

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.app import SOCKET_SCOPE, create_app
from kafinea_tui.sync.api.shield import DEFAULT_MAX_BODY_MB
from kafinea_tui.sync.engine import EngineSource
from kafinea_tui.sync.owner import new_record, reachable, remove_record, write_record
from kafinea_tui.workspace import Workspace

START_TIMEOUT = 20.0
GRACE = 10  # seconds requests in flight get to finish when the owner stops


class Listener:
    """One API app over `store`, served on the workspace's socket (`start`) and on TCP
    (`start_tcp`); `stop` ends both and removes the socket and the record."""

    def __init__(
        self,
        store: Store,
        workspace: Workspace,
        kind: str,
        engine: EngineSource = None,
        max_body_mb: float = DEFAULT_MAX_BODY_MB,
        reload: Callable[[], list[str]] | None = None,
    ) -> None:
        """`reload`: how the owner reads config.toml again when a client asks (the app's
        engine host, which also starts the engine when the file gains automation)."""
        self.workspace = workspace
        self.kind = kind
        self.app = create_app(
            store, workspace, max_body_mb=max_body_mb, engine=engine, reload=reload
        )
        self._socket: _Served | None = None
        self._tcp: _Served | None = None
        self.tcp_address: str | None = None

    @property
    def socket_path(self) -> Path:
        return self.workspace.socket_path

    def start(self) -> None:
        """Serve on the socket (replacing a stale one) and write the owner's record."""
        sock = bind_private_socket(self.socket_path)
        # The app's lifespan (its writer thread) lives with the socket, which lives longest.
        self._socket = _Served(_OnSocket(self.app), [sock], lifespan="on")
        self._write_record()

    def start_tcp(self, host: str = "127.0.0.1", port: int = 8765) -> str:
        """Serve the API on TCP too (tokens needed there); its base URL."""
        if self._tcp is not None:
            return self.tcp_address or ""
        try:
            sock = tcp_server_socket(host, port)
        except OSError as error:
            raise KafineaError(
                f"Cannot serve on {host}:{port}: {error.strerror or error}; is the port in use, "
                "or the address not this machine's?"
            ) from None
        self._tcp = _Served(self.app, [sock], lifespan="off")
        bound_host, bound_port = sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.tcp_address = f"http://{shown}:{bound_port}"
        self._write_record()
        return self.tcp_address

    def stop_tcp(self) -> None:
        if self._tcp is not None:
            self._tcp.stop()
            self._tcp = None
            self.tcp_address = None
            if self._socket is not None:
                self._write_record()

    def stop(self) -> None:
        """Stop TCP, then the socket (requests in flight get `GRACE` seconds); remove both
        the socket and the record, which no longer describe a live owner."""
        self.stop_tcp()
        if self._socket is not None:
            self._socket.stop()
            self._socket = None
            remove_record(self.workspace)

    def _write_record(self) -> None:
        write_record(self.workspace, new_record(self.workspace, self.kind, self.tcp_address))


def bind_private_socket(path: Path) -> socket.socket:
    """A listening Unix socket at `path`, mode 0600 before any other process can reach it."""
    folder = Path(tempfile.mkdtemp(prefix=".kafinea-", dir=path.parent))  # mode 0700
    staged = folder / "s"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(reachable(staged))
        os.chmod(staged, 0o600)
        sock.listen(128)
        os.replace(staged, path)  # over a stale socket, in one step
    except BaseException:
        sock.close()
        staged.unlink(missing_ok=True)
        raise
    finally:
        with suppress(OSError):
            folder.rmdir()
    return sock


class _OnSocket:
    """Marks requests that came through the socket: full rights (`app.SOCKET_SCOPE`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app({**scope, SOCKET_SCOPE: True}, receive, send)


class _Served:
    """A uvicorn server on open sockets, in a daemon thread of its own."""

    def __init__(
        self, app: Any, sockets: list[socket.socket], lifespan: Literal["on", "off"]
    ) -> None:
        config = uvicorn.Config(
            app, lifespan=lifespan, log_level="warning", timeout_graceful_shutdown=GRACE
        )
        self.server = uvicorn.Server(config)
        self.sockets = sockets
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": sockets}, daemon=True, name="kafinea-api"
        )
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise KafineaError("The API server could not start; its log says why.")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=GRACE + 5)
        for sock in self.sockets:
            sock.close()


def tcp_server_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket whose connections send small answers at once.

    Made with the protocol named (IPPROTO_TCP): asyncio turns Nagle's algorithm off
    (TCP_NODELAY) only on connections of such a socket, and `socket.create_server` leaves the
    protocol 0. With Nagle on, an answer written in two parts (uvicorn writes the headers, then
    the body) waited for the client's delayed acknowledgement: 40 ms a request on Linux, where
    a request through uvicorn's own socket took under 1 ms."""
    family = _family(host)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name == "posix":  # as create_server: a restarted server takes its port at once
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen()
    except BaseException:
        sock.close()
        raise
    return sock


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
