"""Where the screens get their data: one interface (`Backend`), two implementations.

`LocalBackend` runs the data layer on the workspace this process owns; `RemoteBackend` asks a
Kafinea server (the workspace's owner through its socket, or `--server URL`) through the typed
API client. Screens and widgets hold a `Backend` and never know which one it is; both answer
with the data layer's own types (`Page`, `RecordView`, `UpdatePreview`...), so a screen shows
the same thing either way. Every method blocks: the screens call them from thread workers.
"""

from kafinea_tui.backend.protocol import Backend, ConnectionLost, ReadOnly
from kafinea_tui.data.exporter.target import ExportResult
from kafinea_tui.data.importer.undo import BatchInfo, UndoReport

# BatchInfo, UndoReport (past imports) and ExportResult are the data layer's, named here so
# that the screens showing them need not import the engines.
__all__ = ["Backend", "BatchInfo", "ConnectionLost", "ExportResult", "ReadOnly", "UndoReport"]
