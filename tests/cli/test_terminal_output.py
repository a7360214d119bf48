"""A command writing to a terminal shows the control characters of the values it quotes as
pictures (an ESC from a CSV would otherwise reach the terminal as a command); written to a
pipe, its output stays exactly as it was."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli

BAD = "\x1b]0;owned\x07\x1b[2J"


def on_a_terminal(workspace: Workspace, *args: str) -> tuple[int, str]:
    """The command's exit status, and its output as a terminal receives it."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "kafinea_tui.cli", "--workspace", str(workspace.path)]
    process = subprocess.Popen(
        [*command, *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower
    )
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return process.wait(timeout=120), received.decode()


def test_values_quoted_on_a_terminal_show_their_control_characters(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / f"odd{BAD}.csv"  # a name is any bytes but / and NUL
    path.write_text("Last Name\nLee\x85\n", encoding="utf-8")  # a C1 control: refused
    status, shown = on_a_terminal(workspace, "import", "contacts", str(path))
    assert status == 1
    assert "\x1b" not in shown and "\x07" not in shown
    assert "odd␛]0;owned␇␛[2J.csv is not utf-8 text" in shown

    piped = cli(workspace, "import", "contacts", str(path))
    assert piped.returncode == 1 and f"odd{BAD}.csv is not utf-8 text" in piped.stderr
