"""Fixtures for the command-line tests, which run `kafinea-tui` as a process of its own, as a user
does (tests/commands.py).

- `cli_env`: the environment for such a subprocess: the test's own HOME, XDG data folder and
  default workspace (`tmp_path / "default"`, the demo beside it as `default-demo`).

The workspace a command works on is usually `workspace` (tests/conftest.py), filled beforehand
through `workspace.opened_store()` and closed again: DuckDB lets one process at a time write the
file, so a test never holds `store` open while a command runs on the same workspace.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "KAFINEA_WORKSPACE": str(tmp_path / "default"),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
    }
