"""Query parameters -> the options the CLI's own code understands.

The API's import and export take the CLI's option names (`no_header`, `match`, `map`, ...;
`no-header` is accepted too) and hand them, as the namespace argparse would have made, to the
same functions the CLI uses (`options.build_plan`, `options.options_from_args`). So an option
means the same thing on the command line and over HTTP, and a fix to one is a fix to both.
Unknown parameters are refused by name: a misspelt `duplicate=merge` silently ignored would
create duplicates.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request

from kafinea_tui.arguments import (
    MAX_INTEGER,
    build_plan,
    field_list,
    options_from_args,
    sort_terms,
)
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.importer.plan import Duplicates, ImportPlan
from kafinea_tui.workspace import Workspace

TRUE_WORDS = ("", "1", "true", "yes", "on")  # a bare `?dry_run` is true
FALSE_WORDS = ("0", "false", "no", "off")
FLAG_WORDS = (*TRUE_WORDS, *FALSE_WORDS)
_WHOLE = re.compile(r"(0|[1-9][0-9]*)")

IMPORT_TEXT = (
    "encoding",
    "delimiter",
    "duplicates",
    "mapping",
    "date_format",
    "decimal",
    "sheet",
)
# What a posted file is, by its Content-Type (else by the `filename` parameter's extension, or
# a Content-Disposition's filename): a spreadsheet, or (anything else) a CSV file.
SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.12": ".xlsm",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_DISPOSITION_NAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)
IMPORT_LISTS = ("match", "map", "default", "reference_key")
IMPORT_FLAGS = ("no_header", "dry_run", "no_create_related", "no_formula_guard", "map_only")
# Not options of the plan: a mapping to save, the report's details (the file's columns and the
# failed rows' cells, for the CLI's `--errors FILE`).
IMPORT_EXTRAS = ("save_mapping", "details")
IMPORT_PARAMS = (*IMPORT_TEXT, *IMPORT_LISTS, *IMPORT_FLAGS, "filename", *IMPORT_EXTRAS)
RECORDS_POST = ("duplicates", "match", "dry_run", "no_create_related", "date_format", "decimal")
RECORD_PATCH = ("no_create_related", "date_format", "decimal")
EXPORT_TEXT = (
    "scope",
    "filter",
    "search",
    "ids",
    "page",
    "page_size",
    "fields",
    "header",
    "delimiter",
    "encoding",
    "decimal",
    "format",
)
EXPORT_PARAMS = (*EXPORT_TEXT, "sort", "no_formula_guard")
LIST_PARAMS = ("filter", "search", "sort", "limit", "offset")
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


class Params:
    """The query string, names normalised (`no-header` -> `no_header`) and checked."""

    def __init__(self, query: QueryParams, allowed: Iterable[str]) -> None:
        self._items = [(name.replace("-", "_"), value) for name, value in query.multi_items()]
        known = tuple(allowed)
        for name, _ in self._items:
            if name not in known:
                listed = ", ".join(known) or "none"
                raise UsageError(f"Unknown query parameter {name!r}; this route takes {listed}.")

    def text(self, name: str, default: str | None = None) -> str | None:
        """A parameter that takes one value: given twice is an error, not a guess."""
        values = self.all(name)
        if len(values) > 1:
            raise UsageError(f"The parameter {name} is given {len(values)} times; give it once.")
        return values[-1] if values else default

    def all(self, name: str) -> list[str]:
        return [value for key, value in self._items if key == name]

    def flag(self, name: str) -> bool:
        value = self.text(name)
        if value is None:
            return False
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        raise UsageError(f"The parameter {name} is true or false, not {value!r}.")

    def integer(self, name: str, default: int, low: int = 0, high: int = MAX_INTEGER) -> int:
        """A whole number between `low` and `high`; absent is the default, empty an error."""
        value = self.text(name)
        if value is None:
            return default
        if not _WHOLE.fullmatch(value):
            raise UsageError(f"The parameter {name} is a whole number from {low}, not {value!r}.")
        number = int(value)
        if number < low or number > high:
            raise UsageError(f"The parameter {name} is between {low} and {high}, not {number}.")
        return number

    def duplicates(self) -> str | None:
        return self.choice("duplicates", [d.value for d in Duplicates])

    def choice(self, name: str, choices: list[str]) -> str | None:
        """One of `choices`, or None when absent (empty is not absent: it is refused)."""
        value = self.text(name)
        if value is not None and value not in choices:
            listed = (
                f"{', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else choices[0]
            )
            raise UsageError(f"{name} is {listed}, not {value!r}.")
        return value


def decimal(params: Params) -> str:
    """The `decimal` parameter: point (default) or comma."""
    return params.choice("decimal", ["point", "comma"]) or "point"


def record_id(request: Request) -> int:
    """The record id of the path, refused past DuckDB's BIGINT rather than failing there."""
    number = int(request.path_params["id"])
    if number > MAX_INTEGER:
        raise UsageError(f"The record id is at most {MAX_INTEGER}, not {number}.")
    return number


def import_suffix(query: QueryParams, content_type: str, disposition: str) -> str:
    """The extension of a posted file: a spreadsheet's by its Content-Type, else by the
    `filename` parameter or the Content-Disposition's filename; `.csv` for anything else."""
    params = Params(query, IMPORT_PARAMS)
    kind = content_type.partition(";")[0].strip().lower()
    by_type = {name.lower(): suffix for name, suffix in SPREADSHEET_TYPES.items()}
    if kind in by_type:
        return by_type[kind]
    named = params.text("filename")
    if named is None:
        found = _DISPOSITION_NAME.search(disposition)
        named = found.group(1) if found else ""
    suffix = Path(named.strip()).suffix.lower()
    return suffix if suffix in SPREADSHEET_SUFFIXES else ".csv"


def import_plan(
    query: QueryParams, module: str, path: Path, workspace: Workspace | None
) -> tuple[ImportPlan, bool]:
    """The import options of a query string as a plan (via the CLI's `build_plan`) and dry_run."""
    params = Params(query, IMPORT_PARAMS)
    decimal(params)
    if params.text("mapping") and workspace is None:
        raise UsageError("This server has no workspace folder, so it has no saved mappings.")
    args = argparse.Namespace(
        module=module,
        file=path,
        duplicates=params.duplicates(),
        **{name: params.text(name) or None for name in IMPORT_TEXT if name != "duplicates"},
        **{name: params.all(name) or None for name in IMPORT_LISTS},
        **{name: params.flag(name) for name in IMPORT_FLAGS},
    )
    # `build_plan` reads the workspace only for `mapping`, refused above when there is none.
    plan = build_plan(args, workspace or Workspace(path.parent))
    plan.source = "api"
    return plan, bool(args.dry_run)


@dataclass(frozen=True)
class ImportExtras:
    file_name: str | None  # as the client named it (`filename`): past imports show it
    save_mapping: str | None
    details: bool


def import_extras(query: QueryParams) -> ImportExtras:
    """`filename` (past imports show it), `save_mapping` and `details` (the file's columns and
    the failed rows' cells in the report, for `--errors FILE`)."""
    params = Params(query, IMPORT_PARAMS)
    return ImportExtras(
        file_name=params.text("filename") or None,
        save_mapping=params.text("save_mapping") or None,
        details=params.flag("details"),
    )


def export_options(query: QueryParams, module: str) -> ExportOptions:
    """The export options of a query string, through the CLI's `options_from_args`."""
    params = Params(query, EXPORT_PARAMS)
    values: dict[str, Any] = {name: params.text(name) for name in EXPORT_TEXT}
    values["scope"] = params.choice("scope", ["all", "filter", "ids", "page"])
    values["header"] = params.choice("header", ["labels", "names"])
    values["decimal"] = decimal(params)
    values["format"] = params.choice("format", ["csv", "xlsx"])
    page = values["page"]
    # Checked here to be refused in the URL's words (`sort`, not the command's `--sort`).
    field_list(values["fields"], "The parameter fields")
    sort_terms(params.all("sort"), "sort")
    args = argparse.Namespace(
        module=module,
        scope=values["scope"] or None,
        filter=values["filter"] or "",
        search=values["search"] or "",
        ids=values["ids"],
        page=params.integer("page", 1, low=1) if page is not None else None,
        page_size=params.integer("page_size", 50, low=1, high=100_000),
        sort=params.all("sort"),
        fields=values["fields"],
        header=values["header"] or "labels",
        delimiter=values["delimiter"] or "comma",
        encoding=values["encoding"] or "utf-8",
        decimal=values["decimal"] or "point",
        formula_guard=not params.flag("no_formula_guard"),
        format=values["format"] or None,
    )
    return options_from_args(args)
