"""`kafinea-tui serve [--host 127.0.0.1] [--port 8765] [--max-body-mb 100]`: the API and the
automation engine (workflows, outbox, schedules from config.toml) over a workspace, no UI.

It binds 127.0.0.1 unless told otherwise: the API moves a CRM's data, and exposing it to a
network is a decision for the person starting it, not a default. DuckDB lets one process write a
workspace, so the app and the CLI work through the socket while `serve` runs.
It owns the workspace: besides TCP it serves the API on the workspace's Unix socket
(`kafinea.sock`, full rights, for the CLI and the app on this machine; `sync.api.listener`)
and records itself in `owner.json`. SIGHUP re-reads config.toml; SIGTERM or Ctrl-C stop the
API, then the engine, whose deliveries in flight finish (or go back to pending) before the
process exits.
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from kafinea_tui.data.errors import UsageError
from kafinea_tui.workspace import Workspace

DESCRIPTION = (
    "Serve the REST API (base /api/v1, OpenAPI at /openapi.json) over the workspace until "
    "interrupted, and run the workflows, deliveries and schedules of config.toml. Requests "
    "need a token from `kafinea-tui token create NAME`. SIGHUP re-reads config.toml."
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the REST API (no UI)", description=DESCRIPTION
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this machine)"
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument(
        "--max-body-mb",
        type=float,
        default=100,
        metavar="N",
        help="refuse request bodies larger than N megabytes with 413 (default 100)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.store.tokens import list_tokens
    from kafinea_tui.sync.api.listener import Listener
    from kafinea_tui.sync.engine import Engine

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port is between 0 and 65535, not {args.port}.")
    if not 0 < args.max_body_mb <= 1_000_000:
        raise UsageError(f"--max-body-mb is a size in megabytes above 0, not {args.max_body_mb}.")
    with workspace.opened_store() as store:
        if not list_tokens(store):
            print(
                "kafinea-tui: no API token yet; `kafinea-tui token create NAME` makes one.",
                file=sys.stderr,
            )
        engine = Engine(store, workspace)
        engine.start()
        for error in engine.errors:
            print(f"kafinea-tui: config.toml: {error}", file=sys.stderr)
        listener = Listener(store, workspace, "serve", engine, max_body_mb=args.max_body_mb)
        # SIGTERM and Ctrl-C both mean "stop": the servers finish their requests in flight,
        # the socket and the owner's record go, then the engine stops and the store closes.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        hangup = signal.signal(signal.SIGHUP, lambda _s, _f: _reload(engine))
        try:
            listener.start()
            address = listener.start_tcp(args.host, args.port)
            print(
                f"kafinea-tui: serving {address}/api/v1 and {workspace.socket_path} "
                "(Ctrl-C stops).",
                file=sys.stderr,
                flush=True,
            )
            _wait_for_a_signal()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGHUP, hangup)
            try:
                listener.stop()
            finally:
                engine.stop()
    return 0


def _wait_for_a_signal() -> None:
    """Sleep in the main thread, where Python runs signal handlers, until one interrupts."""
    while True:
        signal.pause()


def _reload(engine: Any) -> None:
    errors = engine.reload()
    print(
        f"kafinea-tui: config.toml re-read; {len(errors)} error(s).",
        *(f"kafinea-tui: config.toml: {e}" for e in errors),
        sep="\n",
        file=sys.stderr,
    )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
