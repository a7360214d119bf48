"""The process the tests' `kafinea-tui` commands are forked from (started by tests/commands.py).

Why: a command run as `python -m kafinea_tui.cli` spends most of a short run starting Python
and importing DuckDB's library (0.15 of 0.3 CPU-seconds for `modules`), and the suite runs
hundreds. This process does that once (and freezes what it imported, so the collector of each
command leaves it alone), then forks a child for each command: the child takes the command's
standard streams, environment, folder and arguments, and runs the module as `python -m` would
(`runpy`), ending as that interpreter ends (its exit status, its traceback, DuckDB's clean
close). The command is still a process of its own that a test can signal, kill or wait for.
`modules` takes 0.07 CPU-seconds so, an import of 50 rows 0.15 instead of 0.35.

Protocol, one Unix-socket connection (messages kept whole) a command: the client sends a JSON
request with the three stream descriptors attached (SCM_RIGHTS); a helper forked for it forks
the command, answers its pid, waits for it and answers its `waitstatus_to_exitcode`. The server
ends when its standard input (a pipe from the test process) closes.
"""

from __future__ import annotations

import gc
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import time
from typing import Any

PRELOADED = (
    "duckdb",
    "kafinea_tui.cli.main",
    "kafinea_tui.data.importer.run",
    "kafinea_tui.data.exporter.run",
    "kafinea_tui.data.bulk.update",
    "kafinea_tui.data.bulk.delete",
    "kafinea_tui.cli.server_app",
)
MAX_REQUEST = 1 << 20


def serve(path: str) -> dict[str, Any]:
    """Serve forks until stdin closes; returns only in a forked command, with its request."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # helpers are reaped by the kernel
    events = selectors.DefaultSelector()
    events.register(listener, selectors.EVENT_READ)
    events.register(sys.stdin.fileno(), selectors.EVENT_READ)
    print("ready", flush=True)
    while True:
        for key, _ in events.select():
            if key.fileobj is not listener:
                sys.exit(0)  # the test process is gone
            connection, _ = listener.accept()
            message, descriptors, _, _ = socket.recv_fds(connection, MAX_REQUEST, 3)
            if os.fork() == 0:
                listener.close()
                events.close()
                return helper(connection, json.loads(message), descriptors)
            connection.close()
            for descriptor in descriptors:
                os.close(descriptor)


def helper(connection: socket.socket, request: dict[str, Any], streams: list[int]) -> Any:
    """Fork the command, tell its pid, wait for it and tell how it ended."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    pid = os.fork()
    if pid == 0:
        connection.close()
        for target, descriptor in enumerate(streams):
            os.dup2(descriptor, target)
            os.close(descriptor)
        return request
    for descriptor in streams:
        os.close(descriptor)
    connection.sendall(f"{pid}\n".encode())
    _, status = os.waitpid(pid, 0)
    connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
    os._exit(0)


def run(request: dict[str, Any]) -> None:
    """The command as `python -m kafinea_tui.cli ARGS` runs it, in this environment and folder."""
    if request["new_session"]:
        os.setsid()
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.chdir(request["cwd"])
    sys.argv = ["kafinea_tui.cli", *request["args"]]
    runpy.run_module("kafinea_tui.cli", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    for module in PRELOADED:
        __import__(module)
    gc.freeze()
    sys.stdout.flush()
    run(serve(sys.argv[1]))
