"""`kafinea-tui update MODULE (--ids|--filter|--search) --set FIELD=VALUE ... [--dry-run]
[--json]`: a mass edit from the command line, the app's `m` without the screen.

Values are read as an import reads a cell (`--date-format`, `--decimal` as for `import`); an
empty value clears the field. The edit is one batch in `imports`, taken back by `undo BATCH`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from kafinea_tui.cli.selection_options import add_selection, print_details, selection_from
from kafinea_tui.data.bulk.report import counted
from kafinea_tui.data.errors import UsageError
from kafinea_tui.workspace import Workspace


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
    parser.set_defaults(handler=run)


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
