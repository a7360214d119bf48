"""The typed answers of the records, import and changes routes (`Client`'s)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    total: int  # records matching, on every page
    records: list[dict[str, Any]]


@dataclass(frozen=True)
class RowError:
    line: int  # the object's 1-based index in a posted list, or the line of a CSV body
    column: str | None
    reason: str


@dataclass(frozen=True)
class Report:
    """What an import or a POST of records did; `batch` is what `kafinea-tui undo` takes."""

    batch: int | None
    total: int
    created: int
    updated: int
    merged: int
    skipped: int
    failed: int
    related_created: int
    errors: list[RowError]
    warnings: list[str]
    dry_run: bool
    unmapped: list[str]  # columns of a CSV body that went to no field
    looks_like: str | None  # "looks like a HubSpot contacts export", when the columns say so
    ids: tuple[int, ...] = ()  # records posted as JSON: the ids written, in the body's order
    # The answer as sent (with `details=True`, the file's columns and failed rows' cells: what
    # the CLI's `--errors FILE` writes through the workspace's owner).
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Report:
        errors = [RowError(e["line"], e.get("column"), e["reason"]) for e in data["errors"]]
        counts = ("total", "created", "updated", "merged", "skipped", "failed", "related_created")
        return cls(
            batch=data.get("batch"),
            **{name: int(data[name]) for name in counts},
            errors=errors,
            warnings=list(data["warnings"]),
            dry_run=bool(data["dry_run"]),
            unmapped=list(data.get("unmapped") or []),
            looks_like=data.get("looks_like"),
            ids=tuple(int(i) for i in data.get("ids") or ()),
            data=dict(data),
        )


@dataclass(frozen=True)
class Change:
    cursor: str
    op: str  # create, update, delete
    id: int
    source: str  # api, import, app, undo, ...
    fields: list[str]
    at: str  # ISO 8601, UTC
    batch: int | None
    token: str | None  # the name of the API token that made the change
