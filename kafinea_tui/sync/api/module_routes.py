"""What every group of a module's routes holds, so each group is only its handlers.

The workspace's store; how a request names its module (`/api/v1/{module}/...`, refused with
the API's 404 sentence when it names none); and the queue writes take, one writer with group
commit (`writes.py`), so a route never writes beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request

from kafinea_tui.data.schema import Module
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.writes import WriteQueue


@dataclass
class ModuleRoutes:
    store: Store
    module_of: Callable[[Request], Module]
    writes: WriteQueue
