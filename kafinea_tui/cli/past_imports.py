"""`kafinea-tui imports [--json]` (past imports) and `kafinea-tui undo BATCH [--json]`."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from kafinea_tui.arguments import whole_number
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.data.importer.undo import UndoReport
    from kafinea_tui.sync.client import Client


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser("imports", help="list past imports")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list, remote=run_list_remote)
    undo = subparsers.add_parser("undo", help="undo an import")
    undo.add_argument("batch", type=whole_number(1), help="the batch number `imports` shows")
    undo.add_argument("--json", action="store_true", help="print JSON")
    undo.set_defaults(handler=run_undo, remote=run_undo_remote)


def run_list(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.importer.undo import list_batches

    with workspace.opened_store() as store:
        batches = [b.as_dict() for b in list_batches(store)]
    return _listed(args, batches)


def run_list_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    return _listed(args, client.imports())


def _listed(args: argparse.Namespace, shapes: list[dict[str, Any]]) -> int:
    """Past imports from their JSON shape, whoever read them (this process or the owner)."""
    from kafinea_tui.data.importer.undo import BatchInfo

    if args.json:
        print(json.dumps(shapes, ensure_ascii=False))
        return 0
    batches = [BatchInfo.from_dict(shape) for shape in shapes]
    if not batches:
        print("No imports yet.")
    for b in batches:
        r = b.report
        state = f"undone {b.undone_at:%Y-%m-%d %H:%M}" if b.undone_at else ""
        if r.get("operation") == "delete":
            counts = f"{r.get('deleted', 0)} deleted"
        elif r.get("operation") == "update":
            counts = f"{r.get('updated', 0)} updated, {r.get('failed', 0)} failed"
        else:
            counts = (
                f"{r.get('created', 0)} created, {r.get('updated', 0)} updated, "
                f"{r.get('merged', 0)} merged, {r.get('failed', 0)} failed"
            )
        print(
            f"{b.id:>5}  {b.started_at:%Y-%m-%d %H:%M}  {b.module:<13} {counts}  {b.file or ''} {state}"
        )
    return 0


def run_undo(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.importer.undo import undo_import

    with workspace.opened_store() as store:
        report = undo_import(store, args.batch)
    return _undone(args, report)


def run_undo_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    from kafinea_tui.cli.remote import missing_is_not_found
    from kafinea_tui.data.importer.undo import UndoReport

    with missing_is_not_found():
        undone = client.undo(args.batch)
    return _undone(args, UndoReport.from_dict(undone))


def _undone(args: argparse.Namespace, report: UndoReport) -> int:
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return 0
    brought = f", {report.recreated} brought back" if report.recreated else ""
    print(
        f"Undid import {report.batch}: {report.deleted} records removed, "
        f"{report.restored} restored{brought}."
    )
    for line in report.kept:
        print(f"kept: {line}")
    return 0
