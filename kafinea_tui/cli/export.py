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
from typing import TYPE_CHECKING, Any

from kafinea_tui.arguments import options_from_args, whole_number
from kafinea_tui.cli.cancellable import run_cancellable
from kafinea_tui.data.cancel import hold_for_tests
from kafinea_tui.data.csv_dialect import DELIMITERS
from kafinea_tui.data.exporter.options import (
    DECIMALS,
    EXPORT_ENCODINGS,
    FORMATS,
    HEADERS,
    SCOPES,
)
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.sync.client import Client


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
    parser.set_defaults(handler=run, remote=run_remote)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    options = options_from_args(args)  # its refusals come before the engine loads
    from kafinea_tui.data.exporter.run import export_file  # the engine, only when exporting

    to_stdout = args.output == "-"
    target = sys.stdout.buffer if to_stdout else Path(args.output)
    with workspace.opened_store() as store:
        result = run_cancellable(
            lambda cancellation: export_file(
                store, options, target, hold_for_tests(cancellation), cancellation
            )
        )
    return _reported(args, result.path, result.count)


def run_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    """The workspace's owner exports: to -o, which it writes in place as this command would
    (whole or not at all), or to standard output, streamed back through the socket."""
    options = options_from_args(args)  # the options' own errors, as alone
    params = export_params(args, options.format)
    if args.output == "-":
        count = client.export_csv(args.module, sys.stdout.buffer, params=params)
        sys.stdout.buffer.flush()
        return _reported(args, None, count)
    from kafinea_tui.data.exporter.run import check_target, os_error

    path = check_target(Path(args.output))
    try:
        count = client.export_csv(args.module, path, params=params)
    except OSError as error:
        raise os_error(error, path) from None
    return _reported(args, path, count)


def export_params(args: argparse.Namespace, format: str) -> list[tuple[str, Any]]:
    """The command's options as the export route's query parameters (the same names)."""
    params: list[tuple[str, Any]] = [("format", format)]
    for name in ("scope", "filter", "search", "ids", "page", "fields", "header"):
        value = getattr(args, name)
        if value not in (None, ""):
            params.append((name, str(value)))
    params += [
        ("page_size", str(args.page_size)),
        ("delimiter", args.delimiter),
        ("encoding", args.encoding),
        ("decimal", args.decimal),
        *(("sort", term) for term in args.sort),
    ]
    if not args.formula_guard:
        params.append(("no_formula_guard", "true"))
    return params


def _reported(args: argparse.Namespace, path: Path | None, count: int) -> int:
    out = sys.stderr if path is None else sys.stdout
    if args.json:
        shown = str(path.resolve()) if path is not None else None
        print(json.dumps({"path": shown, "count": count}), file=out)
    else:
        where = "standard output" if path is None else str(path)
        noun = "record" if count == 1 else "records"
        print(f"exported {count} {noun} to {where}", file=out)
    return 0
