"""`kafinea-tui` commands as processes for the tests: forked from tests/command_server.py, which
has started Python and imported DuckDB and the engines once (it says why), or started as a new
interpreter where the command's environment changes how Python itself starts.

`start(args, ...)` gives a `Command`, the part of `subprocess.Popen` the tests use (pid, poll,
wait, communicate, signals); `run(args, ...)` waits for it as `subprocess.run` does. A command
runs `python -m kafinea_tui.cli ARGS` either way; the few tests about the interpreter's start
itself (what a command imports) run `python -c` on their own. `KAFINEA_TEST_SPAWN=1` starts
every command as a new interpreter, to compare.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
# Variables Python reads as it starts (streams' encoding, paths, flags): a command whose
# environment differs from the server's in one of them is started as a new interpreter.
STARTUP = ("PYTHON", "LANG", "LC_", "TZ")


class _Server:
    """The command server of this test process, started at its first command."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="kafinea-commands-")
        self.path = os.path.join(self.folder, "socket")
        self.env = dict(os.environ)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.command_server", self.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=self.env,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline() != b"ready\n":
            raise RuntimeError("the command server did not start")
        atexit.register(self.close)

    def serves(self, env: Mapping[str, str]) -> bool:
        def startup(name: str) -> bool:
            return name.startswith(STARTUP)

        mine = {k: v for k, v in self.env.items() if startup(k)}
        return mine == {k: v for k, v in env.items() if startup(k)}

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)
        for name in os.listdir(self.folder):
            os.unlink(os.path.join(self.folder, name))
        os.rmdir(self.folder)


_server: _Server | None = None
_lock = threading.Lock()


def _the_server() -> _Server:
    global _server
    with _lock:
        if _server is None:
            _server = _Server()
        return _server


class Command:
    """A forked command: its pid, and how it ended once the server's helper says so."""

    def __init__(self, connection: socket.socket, outputs: tuple[IO[bytes] | None, ...]) -> None:
        self._connection = connection
        self._outputs = outputs
        self.pid = int(connection.recv(64))
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._connection.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                self._ended(self._connection.recv(64))
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self._connection.setblocking(True)
            self._connection.settimeout(timeout)
            try:
                self._ended(self._connection.recv(64))
            except TimeoutError:
                raise subprocess.TimeoutExpired("kafinea-tui", timeout or 0) from None
        assert self.returncode is not None
        return self.returncode

    def communicate(self, timeout: float | None = None) -> tuple[str | None, str | None]:
        """Wait, then the captured stdout and stderr as text (None where not captured)."""
        self.wait(timeout)
        out, err = (_text(stream) for stream in self._outputs)
        return out, err

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def _ended(self, answer: bytes) -> None:
        self.returncode = int(answer)
        self._connection.close()


def _text(stream: IO[bytes] | None) -> str | None:
    """What the command wrote, decoded as `subprocess`'s text mode does."""
    if stream is None:
        return None
    stream.seek(0)
    data = stream.read().decode()
    stream.close()
    return data.replace("\r\n", "\n").replace("\r", "\n")


def start(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdin: int | None = None,
    capture: bool = True,
    new_session: bool = False,
) -> Command | subprocess.Popen[str]:
    """`kafinea-tui ARGS` started in this folder: `env` is its whole environment (this process's
    by default), `stdin` a descriptor it reads (none by default), its output captured as text
    for `communicate()` or dropped."""
    environment = dict(os.environ if env is None else env)
    if os.environ.get("KAFINEA_TEST_SPAWN") or not _the_server().serves(environment):
        output = subprocess.PIPE if capture else subprocess.DEVNULL
        return subprocess.Popen(
            [sys.executable, "-m", "kafinea_tui.cli", *args],
            stdin=subprocess.DEVNULL if stdin is None else stdin,
            stdout=output,
            stderr=output,
            text=True,
            env=environment,
            start_new_session=new_session,
        )
    # Closed by `communicate` once read.
    outputs = (tempfile.TemporaryFile(), tempfile.TemporaryFile()) if capture else (None, None)  # noqa: SIM115
    with open(os.devnull, "r+b") as nothing:
        streams = [nothing.fileno() if stdin is None else stdin]
        streams += [nothing.fileno() if out is None else out.fileno() for out in outputs]
        request: dict[str, Any] = {
            "args": list(args),
            "env": environment,
            "cwd": os.getcwd(),
            "new_session": new_session,
        }
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        connection.connect(_the_server().path)
        socket.send_fds(connection, [json.dumps(request).encode()], streams)
    return Command(connection, outputs)


def run(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdin: int | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`kafinea-tui ARGS` run to its end, as `subprocess.run(..., capture_output=True,
    text=True)` runs it."""
    command = start(args, env=env, stdin=stdin)
    try:
        out, err = command.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        command.kill()
        command.wait()
        raise
    return subprocess.CompletedProcess(["kafinea-tui", *args], command.returncode or 0, out, err)
