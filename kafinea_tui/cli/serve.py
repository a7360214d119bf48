"""`kafinea-tui serve [--host 127.0.0.1] [--port 8765] [--max-body-mb 100]`: the API and the
automation engine (workflows, outbox, schedules from config.toml) over a workspace, no UI.

It binds 127.0.0.1 unless told otherwise: the API moves a CRM's data, and exposing it to a
network is a decision for the person starting it, not a default. DuckDB lets one process write a
workspace, so the app cannot open the same workspace while `serve` runs (and the reverse).
SIGHUP re-reads config.toml; SIGTERM or Ctrl-C stop the API, then the engine, whose deliveries
in flight finish (or go back to pending) before the process exits.
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from kafinea_tui.data.errors import KafineaError, UsageError
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
    import uvicorn

    from kafinea_tui.data.store.tokens import list_tokens
    from kafinea_tui.sync.api.app import create_app
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
        config = uvicorn.Config(
            create_app(store, workspace, max_body_mb=args.max_body_mb, engine=engine),
            host=args.host,
            port=args.port,
            log_level="info",
        )
        server = uvicorn.Server(config)
        # uvicorn shuts down gracefully on SIGINT or SIGTERM, then raises the signal again;
        # both mean "stop" here: close the workspace and exit 0 rather than die by the signal.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        hangup = signal.signal(signal.SIGHUP, lambda _s, _f: _reload(engine))
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        except SystemExit:
            # uvicorn exits on a failed start (it has logged why): end with our one sentence.
            if server.started:
                raise
            raise KafineaError(
                f"Cannot serve on {args.host}:{args.port} (see the error above); "
                "is the port in use, or the address not this machine's?"
            ) from None
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGHUP, hangup)
            engine.stop()
    return 0


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
