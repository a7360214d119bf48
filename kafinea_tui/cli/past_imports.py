"""`kafinea-tui imports [--json]` (past imports) and `kafinea-tui undo BATCH [--json]`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kafinea_tui.arguments import whole_number
from kafinea_tui.data.importer.undo import list_batches, undo_import
from kafinea_tui.workspace import Workspace


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser("imports", help="list past imports")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)
    undo = subparsers.add_parser("undo", help="undo an import")
    undo.add_argument("batch", type=whole_number(1), help="the batch number `imports` shows")
    undo.add_argument("--json", action="store_true", help="print JSON")
    undo.set_defaults(handler=run_undo)


def run_list(args: argparse.Namespace, workspace: Workspace) -> int:
    with workspace.opened_store() as store:
        batches = list_batches(store)
    if args.json:
        print(json.dumps([b.as_dict() for b in batches], ensure_ascii=False))
        return 0
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
    with workspace.opened_store() as store:
        report = undo_import(store, args.batch)
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
