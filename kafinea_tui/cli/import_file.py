"""`kafinea-tui import MODULE FILE [options] [--json]`: the three wizard steps as options.

Without `--map`, columns are mapped by `suggest` (our names and labels, then the export
vocabularies of other CRMs, then synonyms); the report names the columns that went nowhere.
Exit status: 0 when the import ran (even with failed rows), 2 for a usage error (unknown option
value, column or field), 1 when nothing could be imported (unreadable file, wrong encoding,
unknown module, malformed saved mapping); each with one sentence on stderr and nothing written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kafinea_tui.arguments import build_plan, plan_params
from kafinea_tui.cli.cancellable import run_cancellable
from kafinea_tui.cli.piped_file import piped_name, readable_copy, shown_name
from kafinea_tui.data.cancel import hold_for_tests
from kafinea_tui.data.csv_dialect import DELIMITERS, ENCODINGS
from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.importer.plan import Duplicates, ImportPlan, ImportReport
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.sync.client import Client, Params

SHOWN_ERRORS = 20


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import", help="import a CSV file or a spreadsheet (.xlsx .xlsm .xls .ods) into a module"
    )
    parser.add_argument("module", help="module name or label (contacts, organizations, ...)")
    parser.add_argument(
        "file", type=Path, help="the CSV file or spreadsheet; - reads standard input"
    )
    parser.add_argument(
        "--sheet", metavar="NAME|N", help="a spreadsheet's sheet, by name or number (default: 1)"
    )
    parser.add_argument("--encoding", help=", ".join([*ENCODINGS[1:], ENCODINGS[0]]))
    parser.add_argument(
        "--delimiter", help=f"{', '.join(DELIMITERS)}, auto, or the character itself"
    )
    parser.add_argument("--no-header", action="store_true", help="the first row is data")
    parser.add_argument("--duplicates", choices=[d.value for d in Duplicates])
    parser.add_argument("--match", action="append", metavar="FIELD", default=None)
    parser.add_argument(
        "--map",
        action="append",
        metavar="COLUMN=FIELD",
        default=None,
        help="FIELD may be full_name: a whole name split into first and last name",
    )
    parser.add_argument("--default", action="append", metavar="FIELD=VALUE", default=None)
    parser.add_argument("--reference-key", action="append", metavar="FIELD=KEY", default=None)
    parser.add_argument("--mapping", metavar="NAME", help="apply a saved mapping")
    parser.add_argument("--save-mapping", metavar="NAME", help="save these choices by name")
    parser.add_argument("--date-format", help="dd/mm/yyyy (default), mm/dd/yyyy, ...")
    parser.add_argument("--decimal", choices=["comma", "point"])
    parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
    parser.add_argument("--errors", type=Path, metavar="FILE", help="write failed rows as CSV")
    parser.add_argument(
        "--map-only",
        action="store_true",
        help="the columns --map does not name go nowhere (by default they are mapped as without it)",
    )
    parser.add_argument("--no-create-related", action="store_true")
    parser.add_argument(
        "--no-formula-guard",
        action="store_true",
        help="keep the ' of cells such as '=1 or '+33 (by default read off, as export writes it)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run, remote=run_remote)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    _check_errors_target(args)
    with readable_copy(args.file) as readable:
        return _run(args, replace_file(args, readable), workspace)


def _run(args: argparse.Namespace, reading: argparse.Namespace, workspace: Workspace) -> int:
    """`reading`: the arguments with a file the importer can read again (`piped_file`)."""
    plan = build_plan(reading, workspace)
    plan.description = piped_name(args.file, reading.file)
    # The engine (DuckDB, pyarrow: ~0.15 s) is imported when importing: not to build the
    # parser of every command, nor to refuse the options of this one.
    from kafinea_tui.data.importer.run import run_import
    from kafinea_tui.data.importer.saved_mappings import remember_mapping

    with workspace.opened_store() as store:
        try:
            module = store.module(plan.module)
        except UsageError as error:
            raise KafineaError(str(error)) from None
        plan.module = module.name
        report = run_cancellable(
            lambda cancellation: run_import(
                store,
                plan,
                dry_run=args.dry_run,
                progress=hold_for_tests(cancellation),
                cancellation=cancellation,
            )
        )
    if args.save_mapping:
        remember_mapping(workspace.mappings_dir, args.save_mapping, plan, report, module)
    return _reported(args, report)


def run_remote(args: argparse.Namespace, workspace: Workspace, client: Client) -> int:
    """The file goes to the workspace's owner, which imports it (and saves the mapping) as
    this command would; the report comes back with the failed rows' cells for `--errors`.
    No progress is shown either way (an import prints its report when done)."""
    from kafinea_tui.cli.remote import translated
    from kafinea_tui.sync.client import ApiError

    # The options' own errors (and a saved mapping's), as alone, before sending anything;
    # the server builds the same plan again from its parameters.
    _check_errors_target(args)
    with readable_copy(args.file) as readable:
        reading = replace_file(args, readable)
        plan = build_plan(reading, workspace)
        if not readable.exists():
            raise KafineaError(f"The file {args.file} does not exist.")
        try:
            handle = readable.open("rb")
        except OSError as error:
            raise KafineaError(f"Cannot read {args.file}: {error.strerror or error}.") from None
        params = import_params(args, plan, readable)
        try:
            with handle:
                shape = client.import_file(args.module, handle, params=params).data
        except ApiError as error:
            if error.status == 404:  # the module: as alone, nothing could be imported (exit 1)
                raise KafineaError(error.sentence) from None
            raise translated(error) from None
    return _reported(args, ImportReport.from_dict(shape))


def _check_errors_target(args: argparse.Namespace) -> None:
    """`--errors FILE` that cannot be written is refused before the import: found after it,
    the command would fail with the import already committed, and a retry import it twice."""
    if args.errors is not None:
        from kafinea_tui.data.exporter.run import check_target

        check_target(args.errors)


def replace_file(args: argparse.Namespace, file: Path) -> argparse.Namespace:
    """A copy of the arguments reading `file`."""
    return argparse.Namespace(**{**vars(args), "file": file})


def import_params(args: argparse.Namespace, plan: ImportPlan, readable: Path) -> Params:
    """The command's plan as the import route's query parameters (`plan_params`, the app's
    words too), with the file's name for past imports (a pipe's copy's, `readable`, whose
    suffix picks the reader), a mapping to save, and the report's details (the failed rows'
    cells, for `--errors FILE`)."""
    params: Params = [
        ("filename", piped_name(args.file, readable) or str(args.file)),
        ("details", "true"),
    ]
    if args.save_mapping:
        params.append(("save_mapping", args.save_mapping))
    return [*params, *plan_params(plan, dry_run=args.dry_run)]


def _reported(args: argparse.Namespace, report: ImportReport) -> int:
    if args.errors is not None:
        # With the engine (DuckDB, pyarrow), which a report from the owner needs for nothing else.
        from kafinea_tui.data.importer.run import failed_rows_csv

        failed_rows_csv(report, args.errors)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print_report(report, Path(shown_name(args.file)))
    return 0


def print_report(report: ImportReport, file: Path) -> None:
    what = "Dry run of" if report.dry_run else "Imported"
    batch = f" (batch {report.batch})" if report.batch is not None else ""
    print(
        f"{what} {file}{batch}: {report.total} row{'' if report.total == 1 else 's'},"
        f" {report.created} created, "
        f"{report.updated} updated, {report.merged} merged, {report.skipped} skipped, "
        f"{report.failed} failed, {report.related_created} related created."
    )
    if report.looks_like:
        print(f"The file {report.looks_like}.")
    if report.unmapped:
        names = ", ".join(report.unmapped)
        print(f"Not imported (mapped to no field): {names}.")
    for warning in report.warnings:
        print(f"warning: {warning}")
    for error in report.errors[:SHOWN_ERRORS]:
        column = f", {error.column}" if error.column else ""
        print(f"line {error.line}{column}: {error.reason}", file=sys.stdout)
    if len(report.errors) > SHOWN_ERRORS:
        print(f"... and {len(report.errors) - SHOWN_ERRORS} more; --errors FILE writes them all.")
