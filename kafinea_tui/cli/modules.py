"""`kafinea-tui modules [--json]`: the modules and their fields (alone, or through the
workspace's owner: both print the modules' JSON shape, `module_as_dict`)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from kafinea_tui.data.schema import module_as_dict
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.sync.client import Client


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("modules", help="list the modules and their fields")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run, remote=run_remote)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    with workspace.opened_store() as store:
        modules = [module_as_dict(m) for m in store.schema.modules.values()]
    return show(args, modules)


def run_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    return show(args, client.modules())


def show(args: argparse.Namespace, modules: list[dict[str, Any]]) -> int:
    if args.json:
        print(json.dumps(modules, indent=2))
        return 0
    for module in modules:
        print(f"{module['name']} ({module['label']}), key: {module['key']}")
        for f in module["fields"]:
            flags = "*" if f["mandatory"] else " "
            extra = f" -> {f['related']}" if f["related"] else ""
            print(f"  {flags} {f['name']:<18} {f['label']:<20} {f['type']}{extra}")
    return 0
