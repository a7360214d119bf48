"""`kafinea-tui automation check | deliveries [--status S] | retry ID | run SCHEDULE`.

`check` reads config.toml as the engine does and prints each invalid entry as a sentence naming
the entry and the key; it exits 2 when there is one, a file that is not TOML included (its line
and column said), so a script or CI can gate a config change.
The other actions read and act on the workspace's outbox and schedules.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.data.automation.outbox import Delivery
    from kafinea_tui.sync.client import Client

MAX_PAGE = 1000  # the API's largest page of deliveries

STATUSES = ("pending", "sending", "delivered", "failed")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "automation", help="check the automation config; list, retry deliveries; run a schedule"
    )
    actions = parser.add_subparsers(dest="automation_action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate config.toml's automation (exit 2 on errors)")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(handler=run_check, remote=run_check_remote)
    listing = actions.add_parser("deliveries", help="the outbox's deliveries, newest first")
    listing.add_argument("--status", choices=STATUSES, help="only deliveries in this status")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_deliveries, remote=run_deliveries_remote)
    retry = actions.add_parser("retry", help="send a failed delivery again (same webhook-id)")
    retry.add_argument("id", type=int, help="the delivery's number")
    retry.set_defaults(handler=run_retry, remote=run_retry_remote)
    run = actions.add_parser("run", help="run a schedule now and print its result")
    run.add_argument("schedule", help="the schedule's name in config.toml")
    run.add_argument("--json", action="store_true", help="print JSON")
    run.set_defaults(handler=run_schedule, remote=run_schedule_remote)


def run_check(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.sync.config.check import check_summary, unreadable_summary

    # A file that is not TOML is an error of the check (exit 2), said before the workspace
    # opens: opening it reads config.toml too, and would stop at the same error with exit 1.
    unreadable = unreadable_summary(workspace)
    if unreadable is not None:
        return _checked(args, unreadable)
    with workspace.opened_store() as store:
        summary = check_summary(workspace, store)
    return _checked(args, summary)


def run_check_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    return _checked(args, client.automation_check())


def _checked(args: argparse.Namespace, summary: dict[str, Any]) -> int:
    errors = summary["errors"]
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for error in errors:
            print(f"kafinea-tui: {error}", file=sys.stderr)
        print(
            f"{len(summary['endpoints'])} endpoint(s), {len(summary['workflows'])} workflow(s), "
            f"{len(summary['schedules'])} schedule(s) ready; {len(errors)} error(s)."
        )
    return 2 if errors else 0


def run_deliveries(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.automation.outbox import deliveries

    with workspace.opened_store() as store:
        total, found = deliveries(store.cursor(), args.status, max(args.limit, 0))
    return _listed(args, total, found)


def run_deliveries_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    from dataclasses import asdict

    from kafinea_tui.data.automation.outbox import Delivery

    page = client.deliveries(args.status, min(max(args.limit, 0), MAX_PAGE))
    found = [Delivery.from_dict(asdict(d)) for d in page.deliveries]
    return _listed(args, page.total, found)


def _listed(args: argparse.Namespace, total: int, found: list[Delivery]) -> int:
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
    return _retried(args)


def run_retry_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    from kafinea_tui.sync.client import ApiError

    try:
        client.retry_delivery(args.id)
    except ApiError as error:  # the sentences of the command alone
        if error.status == 404:
            raise UsageError(error.sentence) from None
        raise KafineaError(error.sentence) from None
    return _retried(args)


def _retried(args: argparse.Namespace) -> int:
    print(
        f"Delivery {args.id} is pending again; the workspace's engine (kafinea-tui serve, "
        "or the app) sends it."
    )
    return 0


def run_schedule(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.sync.config.load import read_config
    from kafinea_tui.sync.scheduler import Scheduler

    with workspace.opened_store() as store:
        config = read_config(workspace.config_path, store.schema, workspace.mappings_dir)
        schedule = config.schedule(args.schedule)
        if schedule is None:
            known = ", ".join(s.name for s in config.schedules) or "none"
            raise UsageError(f"There is no schedule {args.schedule!r} (the schedules: {known}).")
        run = Scheduler(store, workspace.mappings_dir).run(schedule)
    assert run is not None  # a fresh scheduler runs nothing else
    return _ran(args, run.schedule, run.status, run.result)


def run_schedule_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    """The owner's engine runs it (and refuses while that schedule is running already)."""
    run = client.run_schedule(args.schedule)
    return _ran(args, run.schedule or args.schedule, run.status, run.result)


def _ran(args: argparse.Namespace, schedule: str, status: str, result: Any) -> int:
    if args.json:
        print(json.dumps({"schedule": schedule, "status": status, "result": result}))
    else:
        print(f"{schedule}: {status}: {result}")
    return 0 if status == "ok" else 1
