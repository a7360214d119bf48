"""Start-up as the CLI does it: the store opened on a thread while the UI loads, the garbage
collector paused until the first page is painted, and collection back on afterwards."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.first_page import BackgroundOpen, resume_gc
from kafinea_tui.workspace import Workspace


async def test_the_collector_is_paused_until_the_first_page(contacts_workspace: Workspace) -> None:
    assert gc.isenabled()
    opening = BackgroundOpen(contacts_workspace.open_store)
    try:
        assert not gc.isenabled()
        store, first_page = opening.result()
        app = KafineaApp(workspace=contacts_workspace, store=store, first_page=first_page)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(20):
                await pilot.pause()
                if gc.isenabled():
                    break
            assert gc.isenabled()
            footer = str(app.screen.query_one("#table-footer").render())
            assert footer.startswith("1–50 of 120")
        store.close()
    finally:
        resume_gc()
    assert gc.isenabled()


def test_a_failed_open_turns_the_collector_back_on(tmp_path: Path) -> None:
    def fail() -> None:
        raise KafineaError("The workspace is open in another process.")

    opening = BackgroundOpen(fail)  # type: ignore[arg-type]
    with pytest.raises(KafineaError):
        opening.result()
    assert gc.isenabled()
