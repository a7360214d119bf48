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
from kafinea_tui.sync.client.automation import (
    Delivery,
    DeliveryPage,
    ScheduleRun,
    ScheduleState,
    WorkflowState,
)

__all__ = [
    "ApiError",
    "Change",
    "ChangeFeed",
    "Client",
    "Delivery",
    "DeliveryPage",
    "Page",
    "Report",
    "RowError",
    "ScheduleRun",
    "ScheduleState",
    "WorkflowState",
]
