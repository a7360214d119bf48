"""`kafinea-tui` run as a user runs it, for the command-line tests (and the automation's): a
subprocess of this Python, with its exit status, its output as text, and no terminal on stdin;
and the `--json` report such a run prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kafinea_tui.workspace import Workspace


def cli(
    workspace: Workspace | Path | None,
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: int | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`kafinea-tui [--workspace W] ARGS`; `env` adds to (or replaces) this process's variables,
    `stdin` is a file descriptor to read from (none by default)."""
    command = [sys.executable, "-m", "kafinea_tui.cli"]
    if workspace is not None:
        folder = workspace.path if isinstance(workspace, Workspace) else workspace
        command += ["--workspace", str(folder)]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL if stdin is None else stdin,
        timeout=timeout,
    )


def report_of(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The `--json` report of a run that must have succeeded (its stderr is the failure's
    message)."""
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data
