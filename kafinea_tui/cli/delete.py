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
from typing import TYPE_CHECKING, Any

from kafinea_tui.cli.selection_options import add_selection, print_details, selection_from
from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:  # the bulk engine (and DuckDB) loads when the command runs
    from kafinea_tui.data.bulk.report import BulkReport
    from kafinea_tui.sync.client import Client


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "delete",
        help="delete many records (mass delete)",
        description="Delete the records --ids, --filter or --search name; undo brings them back.",
    )
    add_selection(parser)
    parser.add_argument("--yes", action="store_true", help="do not ask (needed off a terminal)")
    parser.set_defaults(handler=run, remote=run_remote)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.bulk import delete_impact, mass_delete

    selection = selection_from(args)
    with workspace.opened_store() as store:
        label = store.module(args.module).label
        if _asking(args):
            impact = delete_impact(store, args.module, selection)
            if not _confirmed(impact.count, impact.sentences(), label):
                return 0
        report = mass_delete(store, args.module, selection, dry_run=args.dry_run, source="cli")
    return _reported(args, report, label)


def run_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    """Through the workspace's owner: the question's counts come from a dry run there."""
    from kafinea_tui.cli.selection_options import module_label, selection_shape
    from kafinea_tui.data.bulk.report import BulkReport

    selection = selection_shape(selection_from(args))
    if _asking(args):
        preview = BulkReport.from_dict(client.delete_many(args.module, selection, dry_run=True))
        label = module_label(client, preview.module)
        if not _confirmed(preview.deleted, preview.cleared, label):
            return 0
    report = BulkReport.from_dict(client.delete_many(args.module, selection, dry_run=args.dry_run))
    return _reported(args, report, module_label(client, report.module))


def _asking(args: argparse.Namespace) -> bool:
    return not (args.yes or args.dry_run)


def _confirmed(count: int, sentences: list[str], label: str) -> bool:
    """Ask on the terminal; False (having said so) when nothing matches. Called once the
    selection is counted, so that a bad filter or module is said before a missing terminal."""
    from kafinea_tui.data.bulk.report import counted

    if not count:
        print(f"No {label} match; nothing was deleted.")
        return False
    if not sys.stdin.isatty():
        raise UsageError(
            f"delete asks before deleting {counted(count, label)}, and there is no terminal"
            " to ask on; add --yes to delete without asking (or --dry-run to see what would go)."
        )
    print(f"Delete {counted(count, label)}?")
    for sentence in sentences:
        print(f"  {sentence}.")
    print("  (`kafinea-tui undo BATCH` brings them back.)")
    answer = input("Delete? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise KafineaError("Nothing was deleted.")
    return True


def _reported(args: argparse.Namespace, report: BulkReport, label: str) -> int:
    from kafinea_tui.data.bulk.report import counted

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
