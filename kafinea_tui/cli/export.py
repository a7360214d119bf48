"""`kafinea-tui export MODULE -o FILE|- [options] [--json]`: a CSV export from the command line.

The options are the export dialog's: scope, filter, ids, page, sort, fields, header, delimiter,
encoding, decimal separator and the formula guard. Without `--scope`, the scope follows from
what is given (`--ids` -> ids, `--page` -> page, `--filter` -> filter, else all). With `-o -`
the CSV goes to standard output and messages (and `--json`) to standard error, so a pipe
receives the CSV alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kafinea_tui.arguments import options_from_args, whole_number
from kafinea_tui.cli.cancellable import run_cancellable, test_hold
from kafinea_tui.data.csv_dialect import DELIMITERS
from kafinea_tui.data.exporter.options import (
    DECIMALS,
    EXPORT_ENCODINGS,
    FORMATS,
    HEADERS,
    SCOPES,
)
from kafinea_tui.workspace import Workspace


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export records as CSV or a spreadsheet (.xlsx)",
        description="Export a module's records as CSV or .xlsx (to a file, or to standard output"
        " with -o -).",
    )
    parser.add_argument("module", help="contacts, organizations, leads, products or salesorders")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="file to write, - for stdout"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="csv or xlsx (default: from the file name's extension, else csv)",
    )
    parser.add_argument("--scope", choices=SCOPES, help="which records (default: from the options)")
    parser.add_argument(
        "--filter", default="", metavar="EXPR", help="e.g. 'mailing_city = \"Paris\"'"
    )
    parser.add_argument("--search", default="", metavar="TEXT", help="quick search, as in the list")
    parser.add_argument("--ids", default=None, metavar="1,2,3", help="record ids for --scope ids")
    parser.add_argument(
        "--page", type=whole_number(1), default=None, metavar="N", help="page number (from 1)"
    )
    parser.add_argument(
        "--page-size", type=whole_number(1), default=50, metavar="K", help="page size (default 50)"
    )
    parser.add_argument(
        "--sort", action="append", default=[], metavar="FIELD[:desc]", help="sort (repeatable)"
    )
    parser.add_argument("--fields", default=None, metavar="a,b", help="fields and their order")
    parser.add_argument("--header", choices=HEADERS, default="labels")
    parser.add_argument(
        "--delimiter", default="comma", help=f"{', '.join(DELIMITERS)} (or the character)"
    )
    parser.add_argument("--encoding", choices=list(EXPORT_ENCODINGS), default="utf-8")
    parser.add_argument("--decimal", choices=DECIMALS, default="point")
    parser.add_argument(
        "--no-formula-guard",
        dest="formula_guard",
        action="store_false",
        help="do not prefix ' to text cells starting with = + - @",
    )
    parser.add_argument("--json", action="store_true", help='print {"path": ..., "count": ...}')
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    from kafinea_tui.data.exporter.run import export_file  # the engine, only when exporting

    options = options_from_args(args)
    to_stdout = args.output == "-"
    target = sys.stdout.buffer if to_stdout else Path(args.output)
    with workspace.opened_store() as store:
        result = run_cancellable(
            lambda cancellation: export_file(
                store, options, target, test_hold(cancellation), cancellation
            )
        )
    out = sys.stderr if to_stdout else sys.stdout
    if args.json:
        path = str(result.path.resolve()) if result.path is not None else None
        print(json.dumps({"path": path, "count": result.count}), file=out)
    else:
        where = "standard output" if result.path is None else str(result.path)
        noun = "record" if result.count == 1 else "records"
        print(f"exported {result.count} {noun} to {where}", file=out)
    return 0
