"""`kafinea-tui` run as a user runs it, for the command-line tests (and the automation's): a
process of its own (tests/commands.py), with its exit status, its output as text, and no
terminal on stdin; and the `--json` report such a run prints."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kafinea_tui.workspace import Workspace
from tests import commands


def cli(
    workspace: Workspace | Path | None,
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: int | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`kafinea-tui [--workspace W] ARGS`; `env` adds to (or replaces) this process's variables,
    `stdin` is a file descriptor to read from (none by default)."""
    command: list[str] = []
    if workspace is not None:
        folder = workspace.path if isinstance(workspace, Workspace) else workspace
        command += ["--workspace", str(folder)]
    environment = {**os.environ, **(env or {})}
    return commands.run([*command, *args], env=environment, stdin=stdin, timeout=timeout)


def report_of(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The `--json` report of a run that must have succeeded (its stderr is the failure's
    message)."""
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data
