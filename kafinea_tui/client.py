"""The typed API client, public as `kafinea_tui.client` (it lives in `kafinea_tui.sync.client`,
beside the other exchanges with software outside the workspace)."""

from kafinea_tui.sync.client import (
    ApiError,
    Change,
    ChangeFeed,
    Client,
    Page,
    Report,
    RowError,
)

__all__ = ["ApiError", "Change", "ChangeFeed", "Client", "Page", "Report", "RowError"]
