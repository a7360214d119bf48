"""The row path: a few records written directly, under the same rules as a file import.

    parse (the rows' cells -> typed values, one statement) -> lookups (references, matches,
    unique keys) -> write (records, related records, line items, undo data, change log)
    -> run (`write_rows`, `update_record`, `delete_record`: the entry points)
    via_file (a long list: the objects as a CSV file through the file importer)

Why a second path: the file importer stages a file and runs some thirty set statements, a fixed
cost of tens of milliseconds that a million rows share but one posted order pays alone. Here a
record costs a handful of statements. The rules (value parsing in `values`, reasons, match
fields and related records in `importer.rules`) are the file importer's own, and a test feeds
the same rows through both paths and compares records and reports field by field. Lists longer
than `ROW_PATH_LIMIT` take the file importer, whose per-row cost is far lower.
"""

from kafinea_tui.data.importer.rows.plan import ROW_PATH_LIMIT, RowPlan
from kafinea_tui.data.importer.rows.run import delete_record, update_record, write_rows

__all__ = ["ROW_PATH_LIMIT", "RowPlan", "delete_record", "update_record", "write_rows"]
