"""What a mass edit or delete reports, and what their confirmations show before they run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordError:
    """One record that could not be changed, and why (a sentence naming the value)."""

    id: int
    field: str | None  # the field's label
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "field": self.field, "reason": self.reason}


@dataclass
class BulkReport:
    """Counts of one mass edit (`updated`) or mass delete (`deleted`).

    `matched` records were selected; of those, `updated` changed, `unchanged` already had the
    values, `failed` could not be changed (each in `errors`). A delete also counts the records
    of other modules whose reference to a deleted one was cleared (`cleared`, one sentence each).
    `batch` is the past-imports entry that `undo` takes back (None for a dry run or no change).
    """

    operation: str  # 'update' or 'delete'
    module: str
    matched: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: int = 0
    related_created: int = 0
    cleared: list[str] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    batch: int | None = None
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "operation": self.operation,
            "module": self.module,
            "batch": self.batch,
            "matched": self.matched,
        }
        if self.operation == "update":
            data |= {
                "updated": self.updated,
                "unchanged": self.unchanged,
                "related_created": self.related_created,
            }
        else:
            data |= {"deleted": self.deleted, "cleared": list(self.cleared)}
        return data | {
            "failed": self.failed,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": list(self.warnings),
            "dry_run": self.dry_run,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BulkReport:
        """The report again from its JSON shape (an edit run by the workspace's owner), so that
        the CLI prints it with the same code either way."""
        return cls(
            operation=str(data["operation"]),
            module=str(data["module"]),
            matched=int(data["matched"]),
            updated=int(data.get("updated", 0)),
            unchanged=int(data.get("unchanged", 0)),
            deleted=int(data.get("deleted", 0)),
            failed=int(data["failed"]),
            related_created=int(data.get("related_created", 0)),
            cleared=[str(c) for c in data.get("cleared", [])],
            errors=[
                RecordError(int(e["id"]), e.get("field"), str(e["reason"])) for e in data["errors"]
            ],
            warnings=[str(w) for w in data["warnings"]],
            batch=data.get("batch"),
            dry_run=bool(data["dry_run"]),
        )


@dataclass(frozen=True)
class RecordChange:
    """One record of a preview: its key as the list shows it, and each edited field's display
    value before and after."""

    id: int
    title: str
    before: dict[str, str]
    after: dict[str, str]


@dataclass
class UpdatePreview:
    """What a mass edit would do, known before it runs: how many records, a few of them before
    and after, and the values that cannot be read (the edit is refused while there are any)."""

    count: int
    records: list[RecordChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "records": [
                {"id": r.id, "title": r.title, "before": r.before, "after": r.after}
                for r in self.records
            ],
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ReferenceImpact:
    """Records of another module (or a sales order's lines) that refer to deleted records."""

    module: str  # the referring module's name ('salesorders' for line items too)
    field: str  # the referring field's name ('items.product' for line items)
    count: int
    sentence: str  # "412 Contacts keep existing with Organization Name cleared"

    def as_dict(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "field": self.field,
            "count": self.count,
            "sentence": self.sentence,
        }


@dataclass
class DeleteImpact:
    count: int
    references: list[ReferenceImpact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def sentences(self) -> list[str]:
        return [r.sentence for r in self.references if r.count]

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "references": [r.as_dict() for r in self.references],
            "warnings": list(self.warnings),
        }


def counted(n: int, label: str) -> str:
    """`3 Sales Orders`, `1 Sales Order`: the built-in modules' labels are plurals in -s."""
    one = label[:-1] if label.endswith("s") else label
    return f"{n:,} {one if n == 1 else label}"
