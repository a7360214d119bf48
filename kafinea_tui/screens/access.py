"""What a read-only connection refuses, said once for every screen that writes.

An app connected to a server with a read-only token keeps its write keys (new, edit, mass
edit, delete, import, fields, undo): pressing one says why nothing happens, rather than doing
nothing silently, and the server would refuse the write anyway.
"""

from __future__ import annotations

from textual.widget import Widget

from kafinea_tui.backend import Backend

READ_ONLY = (
    "This app is connected with a read-only token: records can be read and exported, not changed."
)


def writes_refused(node: Widget, backend: Backend) -> bool:
    """True (and the sentence shown) when `backend` may not write."""
    if backend.read_only:
        node.notify(READ_ONLY, severity="warning", timeout=6)
        return True
    return False
