"""A real `kafinea-tui serve` subprocess on 127.0.0.1 over a copy of the app tests' workspace,
for the tests of the app as a client (tests/tui/test_app_client.py).

The server is started as a user starts it (the command line, its own process: tests/commands.py), on a port
found free just before, and waited for through `/api/v1/health`; `kill()` ends it at once
(SIGKILL: a server that dies, not one that shuts down), `restart()` starts it again on the
same port and workspace.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field

import httpx

from kafinea_tui.sync.transports import tls_context
from kafinea_tui.workspace import Workspace
from tests import commands

STARTUP_LIMIT = 120.0  # seconds a loaded machine may take to import and open the workspace


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    workspace: Workspace
    port: int = field(default_factory=free_port)
    process: commands.Command | subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Served:
        command = ["--workspace", str(self.workspace.path), "serve", "--port", str(self.port)]
        self.process = commands.start(command, capture=False, new_session=True)
        deadline = time.monotonic() + STARTUP_LIMIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}")
            try:
                health = httpx.get(f"{self.url}/api/v1/health", timeout=2, verify=tls_context())
                if health.status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("serve did not answer in time")

    def kill(self) -> None:
        """The server dies (SIGKILL): no shutdown, connections just go."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.kill()
        self.start()
