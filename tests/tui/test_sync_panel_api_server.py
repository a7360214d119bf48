"""The sync panel starts and stops the API on TCP (the app's listener), shows its address, and
the API answers there with tokens; a wrong address is a sentence."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.screens.sync_panel import SyncPanelScreen
from kafinea_tui.sync.addresses import parse_address
from tests.sync.factory import open_workspace
from tests.sync.servers import free_port
from tests.tui.pilot_helpers import settle
from tests.tui.sync_panel_steps import SIZE, status_text, until


def test_addresses_as_typed() -> None:
    assert parse_address("") == ("127.0.0.1", 8765)
    assert parse_address("9000") == ("127.0.0.1", 9000)
    assert parse_address("0.0.0.0:9001") == ("0.0.0.0", 9001)
    assert parse_address("[::1]:9002") == ("::1", 9002)
    for wrong in ("host:", "host:99999", "::1:80", "[::1]", "a:b"):
        with pytest.raises(KafineaError):
            parse_address(wrong)


async def test_the_panel_starts_and_stops_the_api_on_tcp(tmp_path: Path) -> None:
    workspace, store = open_workspace(tmp_path, "")
    token = create_token(store, "panel")
    port = free_port()
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await until(lambda: getattr(app, "listener", None) is not None, pilot)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, SyncPanelScreen)
            line = lambda: str(app.screen.query_one("#api-line").render())  # noqa: E731
            assert "TCP is off" in line()

            await pilot.press("s")
            await settle(pilot)
            app.screen.query_one("#api-address").value = "127.0.0.1:99999"  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            assert "port is a number from 1 to 65535" in status_text(app)

            await pilot.press("s")
            await settle(pilot)
            app.screen.query_one("#api-address").value = f"127.0.0.1:{port}"  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            await until(lambda: f"http://127.0.0.1:{port}" in line(), pilot)
            assert f"listens on http://127.0.0.1:{port}" in status_text(app)
            base = f"http://127.0.0.1:{port}/api/v1"
            async with httpx.AsyncClient(timeout=30) as http:
                assert (await http.get(f"{base}/modules")).status_code == 401
                answer = await http.get(
                    f"{base}/modules", headers={"Authorization": f"Bearer {token}"}
                )
                assert answer.status_code == 200

                await pilot.press("s")  # stops it
                await settle(pilot)
                await until(lambda: "TCP is off" in line(), pilot)
                with pytest.raises(httpx.TransportError):
                    await http.get(f"{base}/health")
    finally:
        store.close()
