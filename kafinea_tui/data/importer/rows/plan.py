"""What a write of posted records is asked to do: the import options that apply to records."""

from __future__ import annotations

from dataclasses import dataclass, field

from kafinea_tui.data.importer.plan import Duplicates

# Lists up to this many records take the row path; longer ones the file importer (`via_file`).
# Measured in one process on a workspace file (DuckDB 2.0.1, 2 busy shared cores), contacts
# with an organization by name, median of 3: the row path took 68 ms for 1 record, 143 for 5,
# 339 for 10, 488 for 20, 1,007 for 40; the file importer 290-400 ms whatever the count up to 80
# (its cost is the staging's fixed statements). They meet near 10 records.
ROW_PATH_LIMIT = 10


@dataclass
class RowPlan:
    module: str
    duplicates: Duplicates | None = None
    match: list[str] = field(default_factory=list)
    date_format: str = "yyyy-mm-dd"
    decimal: str = "point"
    create_related: bool = True
    source: str = "api"
    actor: str | None = None  # the API token's name, in the change log
    description: str | None = None  # set: the write is a batch, listed in past imports
