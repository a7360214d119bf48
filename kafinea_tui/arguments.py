"""Named options -> an `ImportPlan` or `ExportOptions`, shared by the CLI and the API.

The command line (argparse) and the API (query parameters, turned into the same namespace) both
call these, so an option means the same thing in a shell and over HTTP, and a fix to one is a
fix to both. `args` is any object with the option names as attributes (an argparse namespace).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from kafinea_tui.data.csv_dialect import delimiter_char, encoding_name
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.importer.plan import CsvOptions, Duplicates, ImportPlan
from kafinea_tui.workspace import Workspace


def _pairs(values: list[str] | None, what: str, right: bool = False) -> dict[str, str]:
    result: dict[str, str] = {}
    for value in values or []:
        left, sep, rest = value.rpartition("=") if right else value.partition("=")
        if not sep or not left.strip():
            raise UsageError(
                f"{what} takes {'COLUMN=FIELD' if right else 'FIELD=VALUE'}, not {value!r}."
            )
        key, given = (left, rest.strip()) if right else (left.strip(), rest)
        if key in result and result[key] != given:
            raise UsageError(f"{what} gives {key!r} twice ({result[key]!r} and {given!r}).")
        result[key] = given
    return result


def build_plan(args: argparse.Namespace, workspace: Workspace) -> ImportPlan:
    plan = ImportPlan(module=args.module, csv=CsvOptions(path=args.file))
    if args.mapping:
        from kafinea_tui.data.importer.saved_mappings import apply_mapping, load_mapping

        plan = apply_mapping(plan, load_mapping(workspace.mappings_dir, args.mapping))
    # A wrong encoding or delimiter is refused here, with the sentence reading the file would
    # give, before the command loads the import engine.
    if args.encoding:
        encoding_name(args.encoding)
        plan.csv.encoding = args.encoding
    if args.delimiter:
        delimiter_char(args.delimiter, auto=True)
        plan.csv.delimiter = args.delimiter
    if args.no_header:
        plan.csv.header = False
    if getattr(args, "sheet", None):
        plan.csv.sheet = str(args.sheet)
    if args.duplicates:
        plan.duplicates = Duplicates(args.duplicates)
    if args.match:
        plan.match = list(args.match)
    if args.map:
        # On a saved mapping, --map changes its columns; else it names the columns whose
        # field the suggestions would not choose, and the rest are suggested as without it.
        plan.mapping = {**plan.mapping, **_pairs(args.map, "--map", right=True)}
        plan.suggest_rest = not args.mapping and not getattr(args, "map_only", False)
    if args.default:
        plan.defaults = {**plan.defaults, **_pairs(args.default, "--default")}
    if args.reference_key:
        plan.reference_keys = {
            **plan.reference_keys,
            **_pairs(args.reference_key, "--reference-key"),
        }
    if args.date_format:
        plan.date_format = args.date_format
    if args.decimal:
        plan.decimal = args.decimal
    if args.no_create_related:
        plan.create_related = False
    if args.no_formula_guard:
        plan.formula_guard = False
    return plan


def plan_params(plan: ImportPlan, dry_run: bool = False) -> list[tuple[str, str]]:
    """The plan as the import route's query parameters (the CLI's option names), from which
    the server's `build_plan` makes the same plan again: how the CLI and the app hand an import
    to a server. Every option is sent, defaults included, so the server's own defaults never
    decide; a column holding `=` is fine (`map` splits at the last one, fields have none)."""
    options = plan.csv
    params = [
        ("encoding", options.encoding),
        ("delimiter", options.delimiter),
        ("date_format", plan.date_format),
        ("decimal", plan.decimal),
    ]
    if options.sheet:
        params.append(("sheet", str(options.sheet)))
    if plan.duplicates is not None:
        params.append(("duplicates", Duplicates(plan.duplicates).value))
    params += [("match", name) for name in plan.match]  # also groups a sales order's lines
    params += [("map", f"{column}={target}") for column, target in plan.mapping.items()]
    params += [("default", f"{name}={value}") for name, value in plan.defaults.items()]
    params += [("reference_key", f"{name}={key}") for name, key in plan.reference_keys.items()]
    flags = {
        "no_header": not options.header,
        "dry_run": dry_run,
        "no_create_related": not plan.create_related,
        "no_formula_guard": not plan.formula_guard,
        # The wizard's mapping (or a saved one) is the whole choice: what it leaves out stays out.
        "map_only": bool(plan.mapping) and not plan.suggest_rest,
    }
    return params + [(name, "true") for name, on in flags.items() if on]


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    ids = record_ids(args.ids) if args.ids is not None else ()
    scope = args.scope
    if scope is None:
        if args.ids is not None:
            scope = "ids"
        elif args.page is not None:
            scope = "page"
        elif args.filter or args.search:
            scope = "filter"
        else:
            scope = "all"
    return ExportOptions(
        module=args.module,
        scope=scope,
        filter=args.filter,
        search=args.search,
        ids=ids,
        page=args.page if args.page is not None else 1,
        page_size=args.page_size,
        sort=sort_terms(args.sort),
        fields=field_list(args.fields),
        header=args.header,
        delimiter=args.delimiter,
        encoding=args.encoding,
        decimal=args.decimal,
        formula_guard=args.formula_guard,
        format=export_format(getattr(args, "output", None), getattr(args, "format", None)),
    )


def field_list(text: str | None, option: str = "--fields") -> list[str] | None:
    """`name,email` -> [name, email]; None when not given (every field). Given but naming
    none (`--fields ""`) is refused, not read as every field."""
    if text is None:
        return None
    names = [f.strip() for f in text.split(",") if f.strip()]
    if not names:
        raise UsageError(f"{option} names the fields to write, as FIELD,FIELD; it is empty.")
    return names


def export_format(output: str | None, wanted: str | None) -> str:
    """csv or xlsx: `--format` when given, else the file name's extension (.xlsx), else csv.
    A file name whose extension says another format than `--format` is a UsageError."""
    named = ""
    if output and output != "-":
        suffix = output.rsplit(".", 1)[-1].lower() if "." in output.rsplit("/", 1)[-1] else ""
        named = {"xlsx": "xlsx", "csv": "csv", "tsv": "csv", "txt": "csv"}.get(suffix, "")
        if suffix in ("xls", "xlsm", "ods"):
            raise UsageError(
                f"Cannot export to {output}: the spreadsheet format written is .xlsx; "
                "name the file .xlsx."
            )
    fmt = (wanted or named or "csv").strip().lower()
    if fmt not in ("csv", "xlsx"):
        raise UsageError(f"Unknown export format {wanted!r}; use csv or xlsx.")
    if wanted and named and named != fmt:
        raise UsageError(
            f"The file name {output} says {named} but --format says {fmt}; "
            f"make them agree (name the file .{fmt}, or drop --format)."
        )
    return fmt


MAX_INTEGER = 2**63 - 1  # DuckDB's BIGINT: ids, pages and offsets past it are refused, not sent


def record_ids(text: str, option: str = "--ids") -> tuple[int, ...]:
    """`1,2, 3` -> (1, 2, 3); anything but whole numbers from 1 to MAX_INTEGER is a sentence
    naming `option` (`--ids` on the command line, `ids` in a URL)."""
    ids: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= MAX_INTEGER:
            raise UsageError(
                f"{option} takes record ids (whole numbers from 1 to {MAX_INTEGER}) separated"
                f" by commas; {part!r} is not one."
            )
        ids.append(int(part))
    return tuple(ids)


def whole_number(low: int) -> Callable[[str], int]:
    """An argparse `type` for a whole number from `low` to MAX_INTEGER, refused in a sentence."""

    def parse(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= MAX_INTEGER:
            raise argparse.ArgumentTypeError(
                f"a whole number from {low} to {MAX_INTEGER} is needed, not {text!r}"
            )
        return int(text)

    return parse


def sort_terms(specs: list[str], option: str = "--sort") -> tuple[tuple[str, bool], ...]:
    """`name,city:desc` (or the option repeated) -> ((field, descending), ...); `-city` is
    descending too, as many web APIs write it (a field's name never starts with `-`). A bad
    direction is refused in a sentence naming `option` (`--sort` on the command line, `sort`
    in a URL)."""
    result: list[tuple[str, bool]] = []
    for spec in specs:
        if not spec.replace(",", "").strip():
            raise UsageError(f"{option} names a field: FIELD, FIELD:desc or -FIELD, not {spec!r}.")
        for part in spec.split(","):
            name, _, direction = part.strip().partition(":")
            name, direction = name.strip(), direction.strip().lower()
            if not name:
                continue
            signed = name[0] in "+-"
            twice = signed and name[1:].lstrip()[:1] in ("+", "-")
            if direction not in ("", "asc", "desc") or (signed and direction) or twice:
                raise UsageError(
                    f"{option} takes FIELD, FIELD:desc or -FIELD, not {part.strip()!r}."
                )
            descending = direction == "desc" or name.startswith("-")
            result.append((name[1:].strip() if signed else name, descending))
    return tuple(result)
