"""The options `update` and `delete` share: which records (`--ids`, `--filter`, `--search`) and
how a report is printed.

`--ids` names records (the app's selection); `--filter` and `--search` are the list's filter
expression and quick search, and may be given together. One of them is needed, so that a
command never acts on a whole module by omission: `--filter ''` is how to say "all records".
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from kafinea_tui.data.errors import UsageError

if TYPE_CHECKING:
    from kafinea_tui.data.bulk import BulkReport, Selection
    from kafinea_tui.sync.client import Client


def add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module", help="contacts, organizations, leads, products or salesorders")
    parser.add_argument("--ids", metavar="1,2,3", help="the records' ids, comma-separated")
    parser.add_argument("--filter", metavar="EXPR", help="e.g. 'mailing_city = \"Paris\"'")
    parser.add_argument("--search", metavar="TEXT", help="quick search, as in the list")
    parser.add_argument("--dry-run", action="store_true", help="report what would happen only")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def selection_from(args: Any) -> Selection:
    from kafinea_tui.data.bulk import Selection

    if args.ids is None and args.filter is None and args.search is None:
        raise UsageError(
            "Say which records: --ids 1,2,3, --filter EXPR or --search TEXT"
            " (--filter '' for every record)."
        )
    if args.ids is not None and (args.filter is not None or args.search is not None):
        raise UsageError("--ids names the records itself; give it without --filter or --search.")
    if args.ids is not None:
        from kafinea_tui.arguments import record_ids

        return Selection(ids=record_ids(args.ids))
    return Selection(filter=args.filter, search=args.search)


def selection_shape(selection: Selection) -> dict[str, Any]:
    """The selection as the API's bulk routes take it: {"ids": [...]} or filter and search."""
    if selection.ids is not None:
        return {"ids": list(selection.ids)}
    shape: dict[str, Any] = {}
    if selection.filter is not None:
        shape["filter"] = selection.filter
    if selection.search is not None:
        shape["search"] = selection.search
    return shape


def module_label(client: Client, name: str) -> str:
    """A module's label, as the workspace's owner knows it (its name if it has none)."""
    return next((m["label"] for m in client.modules() if m["name"] == name), name)


def print_details(report: BulkReport) -> None:
    """Failed records and warnings, one line each, after the summary line."""
    for error in report.errors:
        named = not error.field or error.reason.startswith(error.field)
        field = "" if named else f"{error.field}: "
        print(f"  record {error.id}: {field}{error.reason}")
    for warning in report.warnings:
        print(f"  warning: {warning}")
