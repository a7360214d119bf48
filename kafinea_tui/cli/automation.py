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

from kafinea_tui.data.errors import KafineaError, UsageError
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
    listing = actions.add_parser("deliveries", help="the outbox's deliveries, newest first")
    listing.add_argument("--status", choices=STATUSES, help="only deliveries in this status")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_deliveries)
    retry = actions.add_parser("retry", help="send a failed delivery again (same webhook-id)")
    retry.add_argument("id", type=int, help="the delivery's number")
    retry.set_defaults(handler=run_retry)
    run = actions.add_parser("run", help="run a schedule now and print its result")
    run.add_argument("schedule", help="the schedule's name in config.toml")
    run.add_argument("--json", action="store_true", help="print JSON")
    run.set_defaults(handler=run_schedule)


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


def run_deliveries(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.automation.outbox import deliveries

    with workspace.opened_store() as store:
        total, found = deliveries(store.cursor(), args.status, max(args.limit, 0))
    if args.json:
        print(json.dumps({"total": total, "deliveries": [d.as_dict() for d in found]}, indent=2))
        return 0
    if not found:
        print("No deliveries" + (f" {args.status}." if args.status else "."))
    for d in found:
        origin = d.workflow or d.schedule or ""
        print(
            f"{d.id:>6} {d.status:<9} {d.kind:<5} {d.target:<12} attempts {d.attempts:<3} "
            f"{d.created_at:%Y-%m-%d %H:%M:%S}  {origin}"
        )
        if d.last_error:
            print(f"       {d.last_error}")
    if total > len(found):
        print(f"({len(found)} of {total} shown; --limit N shows more)")
    return 0


def run_retry(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.automation.outbox import get, retry

    with workspace.opened_store() as store:
        with store.transaction() as cur:
            done = retry(cur, args.id)
        if done is None:
            found = get(store.cursor(), args.id)
            if found is None:
                raise UsageError(f"There is no delivery {args.id}.")
            raise KafineaError(
                f"Delivery {args.id} is {found.status}; only a failed or pending one is retried."
            )
    print(
        f"Delivery {args.id} is pending again; the workspace's engine (kafinea-tui serve, "
        "or the app) sends it."
    )
    return 0


def run_schedule(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.sync.config import read_config
    from kafinea_tui.sync.scheduler import Scheduler

    with workspace.opened_store() as store:
        config = read_config(workspace.config_path, store.schema)
        schedule = config.schedule(args.schedule)
        if schedule is None:
            known = ", ".join(s.name for s in config.schedules) or "none"
            raise UsageError(f"There is no schedule {args.schedule!r} (the schedules: {known}).")
        run = Scheduler(store, workspace.mappings_dir).run(schedule)
    assert run is not None  # a fresh scheduler runs nothing else
    if args.json:
        print(json.dumps({"schedule": run.schedule, "status": run.status, "result": run.result}))
    else:
        print(f"{run.schedule}: {run.status}: {run.result}")
    return 0 if run.status == "ok" else 1
