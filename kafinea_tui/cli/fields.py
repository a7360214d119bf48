"""`kafinea-tui fields add MODULE --label LABEL --type TYPE [--values a,b,c]`."""

from __future__ import annotations

import argparse
from typing import Any

from kafinea_tui.data.schema import CUSTOM_FIELD_TYPES
from kafinea_tui.workspace import Workspace


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("fields", help="manage custom fields")
    actions = parser.add_subparsers(dest="fields_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a custom field to a module")
    add.add_argument("module")
    add.add_argument("--label", required=True)
    add.add_argument("--type", required=True, choices=[t.value for t in CUSTOM_FIELD_TYPES])
    add.add_argument("--values", default="", help="picklist values, comma-separated")
    add.set_defaults(handler=run_add)


def run_add(args: argparse.Namespace, workspace: Workspace) -> int:
    with workspace.opened_store() as store:
        values = [v for v in args.values.split(",") if v.strip()]
        field = store.add_custom_field(args.module, args.label, args.type, values)
    print(f"added {field.name} ({field.label}, {field.type.value}) to {args.module}")
    return 0
