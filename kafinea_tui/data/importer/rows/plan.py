"""What a write of posted records is asked to do: the import options that apply to records."""

from __future__ import annotations

from dataclasses import dataclass, field

from kafinea_tui.data.importer.plan import Duplicates

# Lists up to this many records take the row path; longer ones the file importer (`via_file`).
# Measured with bench/bench_api.py (DuckDB 2.0.1, 2 shared cores); see docs/architecture.md.
ROW_PATH_LIMIT = 40


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
