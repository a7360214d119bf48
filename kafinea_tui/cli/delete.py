"""`kafinea-tui delete MODULE (--ids|--filter|--search) [--dry-run] [--yes] [--json]`: a mass
delete from the command line.

It says how many records go and what becomes of the records referring to them, then asks on a
terminal; without a terminal it needs `--yes` (a script must say it means it). The delete is one
batch in `imports`: `undo BATCH` brings back the records and their references.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kafinea_tui.cli.selection_options import add_selection, print_details, selection_from
from kafinea_tui.data.bulk.report import counted
from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.workspace import Workspace


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "delete",
        help="delete many records (mass delete)",
        description="Delete the records --ids, --filter or --search name; undo brings them back.",
    )
    add_selection(parser)
    parser.add_argument("--yes", action="store_true", help="do not ask (needed off a terminal)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.bulk import delete_impact, mass_delete

    selection = selection_from(args)
    asking = not (args.yes or args.dry_run)
    if asking and not sys.stdin.isatty():
        raise UsageError(
            "delete asks before deleting, and there is no terminal to ask on;"
            " add --yes to delete without asking (or --dry-run to see what would go)."
        )
    with workspace.opened_store() as store:
        label = store.module(args.module).label
        if asking:
            impact = delete_impact(store, args.module, selection)
            if not impact.count:
                print(f"No {label} match; nothing was deleted.")
                return 0
            print(f"Delete {counted(impact.count, label)}?")
            for sentence in impact.sentences():
                print(f"  {sentence}.")
            print("  (`kafinea-tui undo BATCH` brings them back.)")
            answer = input("Delete? [y/N] ").strip().lower()
            if answer not in ("y", "yes"):
                raise KafineaError("Nothing was deleted.")
        report = mass_delete(store, args.module, selection, dry_run=args.dry_run, source="cli")
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return 0
    verb = "Would delete" if report.dry_run else "Deleted"
    line = f"{verb} {counted(report.deleted, label)}"
    if report.batch is not None:
        line += f"; batch {report.batch}: `kafinea-tui undo {report.batch}` brings them back"
    elif report.dry_run:
        line += "; nothing was written"
    print(line + ".")
    for sentence in report.cleared:
        print(f"  {sentence}.")
    print_details(report)
    return 0
