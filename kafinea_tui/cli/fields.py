"""`kafinea-tui fields add MODULE --label LABEL --type TYPE [--values a,b,c]`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from kafinea_tui.data.schema import CUSTOM_FIELD_TYPES
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.sync.client import Client


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("fields", help="manage custom fields")
    actions = parser.add_subparsers(dest="fields_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a custom field to a module")
    add.add_argument("module")
    add.add_argument("--label", required=True)
    add.add_argument("--type", required=True, choices=[t.value for t in CUSTOM_FIELD_TYPES])
    add.add_argument("--values", default="", help="picklist values, comma-separated")
    add.set_defaults(handler=run_add, remote=run_add_remote)


def run_add(args: argparse.Namespace, workspace: Workspace) -> int:
    with workspace.opened_store() as store:
        field = store.add_custom_field(args.module, args.label, args.type, _values(args))
    return _added(args, field.name, field.label, field.type.value)


def run_add_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    field = client.add_field(args.module, args.label, args.type, _values(args))
    return _added(args, field["name"], field["label"], field["type"])


def _values(args: argparse.Namespace) -> list[str]:
    return [v for v in args.values.split(",") if v.strip()]


def _added(args: argparse.Namespace, name: str, label: str, type_: str) -> int:
    print(f"added {name} ({label}, {type_}) to {args.module}")
    return 0
