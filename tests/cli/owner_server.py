"""`kafinea-tui serve` as a subprocess for the tests of commands run through the workspace's
owner: started on a free port, waited for until its socket answers, stopped (or killed)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from kafinea_tui.sync.owner import OwnerRecord, find_owner
from kafinea_tui.workspace import Workspace
from tests import commands


@dataclass
class Served:
    process: commands.Command | subprocess.Popen[str]
    record: OwnerRecord

    @property
    def base(self) -> str:
        assert self.record.tcp is not None
        return self.record.tcp

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as when the machine or the OOM killer stops it."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def serving(workspace: Workspace, env: Mapping[str, str] | None = None) -> Iterator[Served]:
    command = ["--workspace", str(workspace.path), "serve", "--port", "0"]
    process = commands.start(command, env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + 60
        record = find_owner(workspace)
        while record is None or record.pid != process.pid or record.tcp is None:
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "serve did not come up in 60 s"
            time.sleep(0.05)
            record = find_owner(workspace)
        yield Served(process, record)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
