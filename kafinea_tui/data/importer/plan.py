"""What an import is asked to do, and what it reports: the three wizard steps as one value.

The wizard builds an `ImportPlan` step by step, the CLI builds it from options, a saved mapping
stores it as TOML, and the API from query parameters; all of them then run the same importer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Duplicates(StrEnum):
    OVERWRITE = "overwrite"
    MERGE = "merge"
    IGNORE = "ignore"


@dataclass
class CsvOptions:
    """The wizard's step 1: how to read the file. 'auto' values are resolved by sniffing."""

    path: Path
    encoding: str = "auto"
    delimiter: str = "auto"  # csv_dialect.delimiter_char's words, or 'auto'
    header: bool = True
    sheet: str | None = None  # a spreadsheet's sheet, by name or 1-based number (default: first)


@dataclass
class ImportPlan:
    module: str
    csv: CsvOptions
    # The wizard's step 2 (optional): None means every row creates a record.
    duplicates: Duplicates | None = None
    match: list[str] = field(default_factory=list)
    # The wizard's step 3: column (header name, or 1-based index as text without a header) -> target field,
    # a field name, or `items.product` / `items.quantity` / `items.list_price` for sales orders.
    mapping: dict[str, str] = field(default_factory=dict)
    # The mapping names some columns only (the command line's --map): the others are mapped
    # as without it, unless their field is taken. False: the mapping is the whole choice.
    suggest_rest: bool = False
    defaults: dict[str, str] = field(default_factory=dict)
    # Reference field -> the key of the related module it is matched by (default: module key).
    reference_keys: dict[str, str] = field(default_factory=dict)
    date_format: str = "dd/mm/yyyy"
    decimal: str = "point"  # 'point' or 'comma'
    create_related: bool = True
    # A cell `'` + one of = + - @ tab CR (the export's formula guard) is read without the `'`.
    formula_guard: bool = True
    source: str = "import"  # change-log source: 'import', 'api', 'pull'
    actor: str | None = None  # who, within the source (the API token's name)
    description: str | None = None  # shown in past imports instead of the file's path


@dataclass
class RowError:
    line: int  # line number in the file (1-based, header counted)
    column: str | None
    reason: str
    values: list[str] | None = None  # the row's cells as read, for "save failed rows"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class ImportReport:
    batch: int | None
    total: int = 0
    created: int = 0
    updated: int = 0
    merged: int = 0
    skipped: int = 0
    failed: int = 0
    related_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    columns: list[str] = field(default_factory=list)  # the file's columns, for failed_rows_csv
    unmapped: list[str] = field(default_factory=list)  # the file's columns that went nowhere
    looks_like: str | None = None  # "looks like a HubSpot contacts export", when suggested
    # The records the row path wrote, in the order given (the app opens a record it created);
    # the file importer leaves it empty. Not part of the report's JSON.
    record_ids: list[int] = field(default_factory=list)

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        """The `--json` and API shape of DESIGN.md; `details` adds the file's `columns` and
        each failed row's `values` (what `--errors FILE` writes, for a client that asks)."""
        shape = {
            "batch": self.batch,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "merged": self.merged,
            "skipped": self.skipped,
            "failed": self.failed,
            "related_created": self.related_created,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": list(self.warnings),
            "dry_run": self.dry_run,
            "unmapped": list(self.unmapped),
            "looks_like": self.looks_like,
        }
        if details:
            shape["columns"] = list(self.columns)
            shape["errors"] = [{**e.as_dict(), "values": e.values} for e in self.errors]
        return shape

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        """The report again from its JSON shape (an import run by the workspace's owner), so
        that the CLI prints it with the same code either way."""
        return cls(
            batch=data.get("batch"),
            total=int(data["total"]),
            created=int(data["created"]),
            updated=int(data["updated"]),
            merged=int(data["merged"]),
            skipped=int(data["skipped"]),
            failed=int(data["failed"]),
            related_created=int(data["related_created"]),
            errors=[
                RowError(int(e["line"]), e.get("column"), str(e["reason"]), e.get("values"))
                for e in data["errors"]
            ],
            warnings=[str(w) for w in data["warnings"]],
            dry_run=bool(data["dry_run"]),
            columns=list(data.get("columns") or []),
            unmapped=list(data.get("unmapped") or []),
            looks_like=data.get("looks_like"),
        )
