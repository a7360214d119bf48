"""`kafinea-tui modules [--json]`: the modules and their fields."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kafinea_tui.data.schema import module_as_dict
from kafinea_tui.workspace import Workspace


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("modules", help="list the modules and their fields")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    with workspace.opened_store() as store:
        modules = list(store.schema.modules.values())
    if args.json:
        print(json.dumps([module_as_dict(m) for m in modules], indent=2))
        return 0
    for module in modules:
        print(f"{module.name} ({module.label}), key: {module.key}")
        for f in module.fields:
            flags = "*" if f.mandatory else " "
            extra = f" -> {f.related}" if f.related else ""
            print(f"  {flags} {f.name:<18} {f.label:<20} {f.type.value}{extra}")
    return 0
