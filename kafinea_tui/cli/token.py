"""`kafinea-tui token create NAME [--read-only]`, `token list [--json]`, `token revoke NAME`.

`create` prints the new token alone on standard output (so `TOKEN=$(kafinea-tui token create
ci)` captures it) and a reminder on standard error: the workspace keeps only its hash, so this
is the one time it can be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:  # the store (and DuckDB) loads when the command runs
    from kafinea_tui.data.store.tokens import TokenInfo
    from kafinea_tui.sync.client import Client


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("token", help="manage API tokens (create, list, revoke)")
    actions = parser.add_subparsers(dest="token_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a token and print it once")
    create.add_argument("name", help="a name to recognise and revoke the token by")
    create.add_argument(
        "--read-only", action="store_true", help="the token may read but never write"
    )
    create.set_defaults(handler=run_create, remote=run_create_remote)
    listing = actions.add_parser("list", help="list the tokens (names, never the tokens)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list, remote=run_list_remote)
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")
    revoke.set_defaults(handler=run_revoke, remote=run_revoke_remote)


def run_create(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.store.tokens import create_token

    with workspace.opened_store() as store:
        token = create_token(store, args.name, read_only=args.read_only)
    return _created(args, token)


def run_create_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    return _created(args, client.create_token(args.name, read_only=args.read_only)["token"])


def _created(args: argparse.Namespace, token: str) -> int:
    print(token)
    access = "read-only" if args.read_only else "read-write"
    print(
        f"Created the {access} API token {args.name.strip()!r}. Copy it now: it is not stored "
        "and cannot be shown again.",
        file=sys.stderr,
    )
    return 0


def run_list(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.store.tokens import list_tokens

    with workspace.opened_store() as store:
        tokens = list_tokens(store)
    return _listed(args, tokens)


def run_list_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    from kafinea_tui.data.store.tokens import TokenInfo

    return _listed(args, [TokenInfo.from_dict(t) for t in client.tokens()])


def _listed(args: argparse.Namespace, tokens: list[TokenInfo]) -> int:
    if args.json:
        print(json.dumps([t.as_dict() for t in tokens], indent=2))
        return 0
    if not tokens:
        print("No API tokens; `kafinea-tui token create NAME` makes one.")
    for t in tokens:
        access = "read-only" if t.read_only else "read-write"
        print(f"{t.name:<24} {access:<10} created {t.created_at:%Y-%m-%d %H:%M} UTC")
    return 0


def run_revoke(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.store.tokens import revoke_token

    with workspace.opened_store() as store:
        revoke_token(store, args.name)
    print(f"Revoked the API token {args.name!r}.")
    return 0


def run_revoke_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    from kafinea_tui.cli.remote import missing_is_not_found

    with missing_is_not_found():
        client.revoke_token(args.name)
    print(f"Revoked the API token {args.name!r}.")
    return 0
