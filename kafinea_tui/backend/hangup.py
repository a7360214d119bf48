"""How a Stop reaches a request that is waiting on the server (an import, an export).

The request has a connection of its own; a cancellation shuts its socket down, which ends the
upload or the wait for the answer at once, and the server, seeing its client gone, stops the
work and writes nothing (sync/api/disconnect.py).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Mapping
from typing import Any

CONNECTED = ("connection.connect_tcp.complete", "connection.connect_unix_socket.complete")


class Hangup:
    """The sockets of the request's connection, shut down on a cancellation (`interrupt`, as
    a DuckDB cursor is interrupted): a shutdown, unlike a close, wakes the thread blocked on
    it. Pass `extensions` to the request."""

    def __init__(self) -> None:
        self._sockets: list[socket.socket] = []
        self.extensions = {"trace": self.trace}

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpx's trace extension: keep the socket of each connection the request opens."""
        if event in CONNECTED and (stream := info.get("return_value")) is not None:
            found = stream.get_extra_info("socket")
            if isinstance(found, socket.socket):
                self._sockets.append(found)

    def interrupt(self) -> None:
        for found in list(self._sockets):
            with contextlib.suppress(OSError):
                found.shutdown(socket.SHUT_RDWR)
