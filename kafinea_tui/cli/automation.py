"""`kafinea-tui automation check | deliveries [--status S] | retry ID | run SCHEDULE`.

`check` reads config.toml as the engine does and prints each invalid entry as a sentence naming
the entry and the key; it exits 2 when there is one, so a script or CI can gate a config change.
The other actions read and act on the workspace's outbox and schedules.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kafinea_tui.workspace import Workspace

STATUSES = ("pending", "sending", "delivered", "failed")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "automation", help="check the automation config; list, retry deliveries; run a schedule"
    )
    actions = parser.add_subparsers(dest="automation_action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate config.toml's automation (exit 2 on errors)")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.sync.config import read_config
    from kafinea_tui.sync.workflows import compile_triggers

    with workspace.opened_store() as store:
        config = read_config(workspace.config_path, store.schema)
        errors = [*config.errors, *compile_triggers(config, store.schema, store.cursor())[1]]
    summary = {
        "endpoints": sorted(config.endpoints),
        "workflows": [w.name for w in config.workflows],
        "schedules": [s.name for s in config.schedules],
        "errors": errors,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for error in errors:
            print(f"kafinea-tui: {error}", file=sys.stderr)
        print(
            f"{len(config.endpoints)} endpoint(s), {len(config.workflows)} workflow(s), "
            f"{len(config.schedules)} schedule(s) ready; {len(errors)} error(s)."
        )
    return 2 if errors else 0
