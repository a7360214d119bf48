"""Steps shared by the sync panel's tests: the terminal size they run at, waiting for the
engine's threads, and reading (the status line, a tab's table) or filling (the endpoint form)
what the panel shows."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TextArea

from kafinea_tui.app import KafineaApp

SIZE = (120, 40)


async def until(check: Callable[[], Any], pilot: Pilot[Any], timeout: float = 60) -> Any:
    """Let the app run until `check()` is truthy (deliveries travel on the engine's threads)."""
    for _ in range(int(timeout / 0.1)):
        value = check()
        if value:
            return value
        await pilot.pause()
        await asyncio.sleep(0.1)
    raise AssertionError(f"still waiting after {timeout} s: {check}")


def status_text(app: KafineaApp) -> str:
    """The panel's status line as the user reads it."""
    return str(app.screen.query_one("#sync-status", Static).render())


def fill(app: KafineaApp, **values: str) -> None:
    """Set the endpoint form's fields by name (`headers` is its text area, the rest inputs)."""
    for name, value in values.items():
        if name == "headers":
            app.screen.query_one("#endpoint-headers", TextArea).text = value
        else:
            app.screen.query_one(f"#endpoint-{name}", Input).value = value


def cells(app: KafineaApp, name: str) -> list[list[str]]:
    """The rows of the panel's `name` table (deliveries, schedules...) as text."""
    grid = app.screen.query_one(f"#sync-{name}", DataTable)
    return [[str(c) for c in grid.get_row_at(i)] for i in range(grid.row_count)]
