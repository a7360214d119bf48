"""The app owns the workspace while it is open: its socket answers other processes (a command
run beside it reaches the app's data), and it goes, with the owner's record, when the app
closes."""

from __future__ import annotations

import asyncio
import json
import os
import stat

from kafinea_tui.app import KafineaApp
from kafinea_tui.sync.owner import find_owner
from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli


async def test_the_app_serves_its_workspace_on_a_socket_while_it_runs(
    app: KafineaApp, contacts_workspace: Workspace
) -> None:
    socket_path = contacts_workspace.socket_path
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):  # the socket comes after the first page, on a worker thread
            await pilot.pause(0.05)
            if app.listener is not None:
                break
        assert app.listener is not None
        assert stat.S_IMODE(socket_path.stat().st_mode) == 0o600
        record = json.loads(contacts_workspace.owner_path.read_text())
        assert record["pid"] == os.getpid() and record["kind"] == "app"
        # A command in another process works through the app rather than meeting its lock.
        done = await asyncio.to_thread(cli, contacts_workspace, "export", "contacts", "-o", "-")
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.splitlines()) == 121
        assert done.stderr == "exported 120 records to standard output\n"
    assert not socket_path.exists() and not contacts_workspace.owner_path.exists()
    assert find_owner(contacts_workspace) is None
