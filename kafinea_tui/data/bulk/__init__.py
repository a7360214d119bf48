"""Mass edit and mass delete of a selection (ids, or a filter's and quick search's matches).

    selection -> edit_values (the import's value rules) -> update / delete -> one batch
    batch: transaction, past-imports entry, undo data; failures, references, related_key

Both run set-based in one transaction and are batches in past imports, which `undo` takes back
(records, values and references together). The screens, the CLI and the API call these names.
"""

from kafinea_tui.data.bulk.delete import delete_impact, mass_delete
from kafinea_tui.data.bulk.report import (
    BulkReport,
    DeleteImpact,
    RecordChange,
    RecordError,
    ReferenceImpact,
    UpdatePreview,
    counted,
)
from kafinea_tui.data.bulk.selection import Selection
from kafinea_tui.data.bulk.update import mass_update, preview_update

__all__ = [
    "BulkReport",
    "DeleteImpact",
    "RecordChange",
    "RecordError",
    "ReferenceImpact",
    "Selection",
    "UpdatePreview",
    "counted",
    "delete_impact",
    "mass_delete",
    "mass_update",
    "preview_update",
]
