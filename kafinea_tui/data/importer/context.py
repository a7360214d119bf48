"""What the steps of one import share: the `Context` they pass along and the names of the
temporary tables one step builds and the next reads.

Every step imports these from here, so no step imports another for a name (match and group
used to import each other). A scratch table that one module alone uses is named in that module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from kafinea_tui.data.importer.mapping import Target
from kafinea_tui.data.importer.plan import Duplicates
from kafinea_tui.data.schema import Module

# The staged rows, typed: `rn` (0-based position in the file), a column per target, the first
# unreadable cell (`err_col`, `err_reason`). A view over the staged table (validate).
TYPED = "kf_typed"
# kf_typed joined to the resolved references, with the match key `mk` (a view; match); for
# sales orders also `orn`, the row that starts the row's order (its own, or the order row above
# a line-only row).
ROWS = "kf_rows"
# A sales-order file's line-only rows (order columns empty, line item columns not), which
# continue the order on the row above: (rn, anchor, the anchor's order values) (match).
CONTINUED = "kf_cont"
# Every row that fails: (rn, col, reason) (match, then the checks and the writes add to it).
FAIL = "kf_fail"
# One row per record to write: action, id, mk, first_rn and the record's values (match/group).
RECS = "kf_recs"
# One row per match key of the file, and the existing records it meets (group).
GROUPS = "kf_groups"
# The groups that meet existing records: (mk, id, n) (a view of kf_groups; group).
MATCHES = "kf_matches"
# The narrow records table when the file names each record once: kf_recs is then a view of it.
IDS = "kf_ids"
# One narrow row per staged row in file order, read beside it by a POSITIONAL JOIN
# (ordered_rows).
KEEP = "kf_keep"

# What an import leaves behind, in an order that drops each view before the table it reads.
TEMP_TABLES = (RECS, IDS, KEEP, MATCHES, GROUPS, ROWS, CONTINUED, TYPED, FAIL)


@dataclass(frozen=True)
class RefTable:
    """The distinct keys of one reference target, resolved:
    `kf_ref_<n>(lk, k, first_rn, id, n, ids)` (validate.resolve_references)."""

    target: Target
    table: str
    related: Module
    key: str


@dataclass
class Context:
    """What the steps of one import share."""

    cur: duckdb.DuckDBPyConnection
    module: Module
    targets: list[Target]
    duplicates: Duplicates | None
    match: list[str]
    create_related: bool
    dry_run: bool
    refs: list[RefTable] = field(default_factory=list)
    defaults: dict[str, object] = field(default_factory=dict)  # field name -> typed default
    rows: int = 0  # staged rows: `rn` runs from 0 to rows - 1
    # The table that holds the records' ids: kf_recs, or kf_ids when kf_recs is a view of it
    # (the one-row-per-record path of `group`).
    ids_table: str = RECS

    @property
    def grouped(self) -> bool:
        """Rows are grouped by key when duplicates are matched, and always for sales orders."""
        return self.duplicates is not None or self.module.name == "salesorders"

    @property
    def record_targets(self) -> list[Target]:
        """Targets that are columns of kf_rows (mapped, or references fed by a default)."""
        return [
            t for t in self.targets if not t.is_item and (t.index is not None or t.is_reference)
        ]

    @property
    def item_targets(self) -> list[Target]:
        return [t for t in self.targets if t.is_item]
