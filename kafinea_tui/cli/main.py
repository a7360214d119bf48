"""The `kafinea-tui` entry point: parse arguments, open a workspace, run a command or the app.

Each headless command lives in `kafinea_tui/cli/<name>.py` with `register(subparsers)`, which
adds its parser and sets `handler(args, workspace) -> int`. Commands never import Textual, so
scripts pay nothing for the UI; only the app path imports it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kafinea_tui import __version__
from kafinea_tui.cli.terminal import show_on_terminals
from kafinea_tui.data.errors import KafineaError, UsageError, WorkspaceLocked
from kafinea_tui.workspace import DB_NAME, Workspace, default_path, demo_path

DB_WAL = DB_NAME + ".wal"

# Headless commands, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = (
    "modules",
    "fields",
    "import_file",
    "past_imports",
    "export",
    "update",
    "delete",
    "serve",
    "token",
    "automation",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kafinea-tui",
        description="Move CRM data in and out: CSV import and export, an API, from a terminal.",
    )
    parser.add_argument("--version", action="version", version=f"kafinea-tui {__version__}")
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        type=Path,
        help="workspace folder (default: $KAFINEA_WORKSPACE or ~/.local/share/kafinea-tui)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open (creating it once) a demo workspace"
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help="open the app on a Kafinea server (`serve`) elsewhere, e.g. through `ssh -L`;"
        " the token comes from --token-file or $KAFINEA_TOKEN",
    )
    parser.add_argument(
        "--token-file",
        metavar="FILE",
        type=Path,
        help="a file whose first line is the API token for --server",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"kafinea_tui.cli.{name}")
        module.register(subparsers)
    return parser


def resolve_workspace(args: argparse.Namespace) -> Workspace:
    if args.workspace is not None:
        return Workspace(args.workspace.expanduser())
    return Workspace(demo_path() if args.demo else default_path())


def run_app(workspace: Workspace, demo: bool) -> int:
    from kafinea_tui.first_page import BackgroundOpen
    from kafinea_tui.sync.owner import find_owner

    owner = find_owner(workspace)
    if owner is not None:  # open in `serve` or another app: the app becomes its client
        from kafinea_tui.cli.server_app import run_owner_app

        return run_owner_app(workspace, owner)
    if demo:
        ensure_demo(workspace)
    # Open the database and start the first page's query on a thread while Textual loads.
    opening = BackgroundOpen(workspace.open_store)
    from kafinea_tui.app import KafineaApp

    store, first_page = opening.result()
    try:
        KafineaApp(workspace=workspace, store=store, first_page=first_page).run()
    finally:
        store.close()
    return 0


def ensure_demo(workspace: Workspace) -> None:
    """Create the deterministic demo workspace once; later runs reopen it as it was left."""
    from kafinea_tui.data.demo.build import build_demo

    if workspace.exists():
        return
    store = workspace.open_store()
    try:
        build_demo(store, workspace.samples_dir)
    except BaseException:
        # The database was created just now and holds no demo: remove it, so that the next
        # `--demo` builds the demo again instead of reopening an empty workspace.
        store.close()
        for leftover in (workspace.db_path, workspace.db_path.with_name(DB_WAL)):
            leftover.unlink(missing_ok=True)
        raise
    store.close()


def run_command(args: argparse.Namespace, workspace: Workspace) -> int:
    """Through the workspace's owner when another process owns it (`cli.remote`), else alone.
    A command that meets the database's lock retries through an owner that is starting."""
    from kafinea_tui.cli.remote import run_through_owner

    through_owner = run_through_owner(args, workspace)
    if through_owner is not None:
        return through_owner
    if args.demo:
        ensure_demo(workspace)
    try:
        status: int = args.handler(args, workspace)
    except WorkspaceLocked:
        late = run_through_owner(args, workspace, wait=True)
        if late is None:
            raise
        return late
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is not None:
        show_on_terminals()
    try:
        workspace = resolve_workspace(args)
        if args.command is not None and args.server is not None:
            raise UsageError(
                "--server opens the app on a server; a command runs on a workspace"
                " (--workspace), or through the workspace's owner."
            )
        if args.command is None and args.server is not None:
            from kafinea_tui.cli.server_app import run_server_app

            return run_server_app(workspace, args.server, args.token_file)
        if args.command is None:
            return run_app(workspace, demo=args.demo)
        return run_command(args, workspace)
    except KafineaError as error:
        print(f"kafinea-tui: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        # Outside a command's cancellable work (Ctrl-C there is `Cancelled`): before it, when
        # nothing was written, or after it committed, while its report is printed.
        print(
            "kafinea-tui: interrupted; what had not finished was not written"
            " (`kafinea-tui imports` lists what was).",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        # The reader went away (`kafinea-tui modules | head`): stop quietly, as a shell tool
        # does, and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
