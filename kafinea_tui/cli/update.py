"""`kafinea-tui update MODULE (--ids|--filter|--search) --set FIELD=VALUE ... [--dry-run]
[--json]`: a mass edit from the command line, the app's `m` without the screen.

Values are read as an import reads a cell (`--date-format`, `--decimal` as for `import`); an
empty value clears the field. The edit is one batch in `imports`, taken back by `undo BATCH`.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from kafinea_tui.cli.selection_options import add_selection, print_details, selection_from
from kafinea_tui.data.errors import UsageError
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:  # the bulk engine (and DuckDB) loads when the command runs
    from kafinea_tui.data.bulk.report import BulkReport
    from kafinea_tui.sync.client import Client


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "update",
        help="set fields on many records (mass edit)",
        description="Set fields to one value on the records --ids, --filter or --search name.",
    )
    add_selection(parser)
    parser.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="the field (name or label) and its new value; empty clears it (repeatable)",
    )
    parser.add_argument("--date-format", default="dd/mm/yyyy", help="for non-ISO dates")
    parser.add_argument("--decimal", choices=("point", "comma"), default="point")
    parser.set_defaults(handler=run, remote=run_remote)


def _values(pairs: list[str]) -> dict[str, str]:
    if not pairs:
        raise UsageError("Say what to change with --set FIELD=VALUE.")
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set takes FIELD=VALUE, not {pair!r}.")
        values[name.strip()] = value
    return values


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.bulk import mass_update
    from kafinea_tui.data.values import ValueOptions

    selection = selection_from(args)
    values = _values(args.values)
    options = ValueOptions(args.decimal, args.date_format)
    with workspace.opened_store() as store:
        label = store.module(args.module).label
        report = mass_update(
            store,
            args.module,
            selection,
            values,
            dry_run=args.dry_run,
            source="cli",
            options=options,
        )
    return _reported(args, report, label)


def run_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    from kafinea_tui.cli.selection_options import module_label, selection_shape
    from kafinea_tui.data.bulk.report import BulkReport

    selection = selection_shape(selection_from(args))
    values = _values(args.values)
    shape = client.update_many(
        args.module,
        selection,
        values,
        dry_run=args.dry_run,
        date_format=args.date_format,
        decimal=args.decimal,
    )
    report = BulkReport.from_dict(shape)
    return _reported(args, report, module_label(client, report.module))


def _reported(args: argparse.Namespace, report: BulkReport, label: str) -> int:
    from kafinea_tui.data.bulk.report import counted

    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return 0
    verb = "Would update" if report.dry_run else "Updated"
    line = (
        f"{verb} {report.updated:,} of {counted(report.matched, label)}"
        f" ({report.unchanged:,} already set, {report.failed:,} failed)"
    )
    if report.batch is not None:
        line += f"; batch {report.batch}: `kafinea-tui undo {report.batch}` takes it back"
    elif report.dry_run:
        line += "; nothing was written"
    print(line + ".")
    print_details(report)
    return 0
