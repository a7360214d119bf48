"""The app in a real terminal (a pseudo-terminal) that hangs up, as when an SSH connection
drops or a tmux pane is closed: the app quits and gives the workspace back (its socket and
owner record gone), instead of running on with no screen and the workspace held."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shlex
import shutil
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from kafinea_tui.sync.owner import find_owner
from kafinea_tui.workspace import Workspace


def drain(master: int) -> None:
    """Read what the app drew, so that it never blocks on a full terminal."""
    while select.select([master], [], [], 0)[0]:
        try:
            if not os.read(master, 65536):
                return
        except OSError:
            return


def running(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize(
    "under_make",
    [False, True],
    ids=["the app leads the session (it gets SIGHUP)", "under make, as `make run` (it gets none)"],
)
def test_the_app_quits_when_its_terminal_hangs_up(
    contacts_workspace: Workspace, tmp_path: Path, under_make: bool
) -> None:
    app = [sys.executable, "-m", "kafinea_tui.cli", "--workspace", str(contacts_workspace.path)]
    command = app
    if under_make:
        makefile = tmp_path / "Makefile"
        makefile.write_text(f"run:\n\t{shlex.join(app)}\n", encoding="utf-8")
        command = [shutil.which("make") or "make", "-s", "-f", str(makefile), "run"]
    pid, master = pty.fork()
    if pid == 0:  # the child, on the pseudo-terminal as its controlling terminal
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        os.execv(command[0], command)
    try:
        deadline = time.monotonic() + 60
        while (owner := find_owner(contacts_workspace)) is None:  # up: it owns the workspace
            assert time.monotonic() < deadline, "the app never came up"
            drain(master)
            time.sleep(0.05)
    finally:
        os.close(master)  # the terminal hangs up: the app gets SIGHUP, its terminal EIO
    deadline = time.monotonic() + 30
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise AssertionError("the app still ran 30 s after its terminal hung up")
        time.sleep(0.05)
    # Under make, make is what ended (its SIGHUP): the app, its child, follows; once gone,
    # it has removed its socket.
    while running(owner.pid):
        if time.monotonic() > deadline:
            os.kill(owner.pid, 9)
            raise AssertionError("the app still ran 30 s after its terminal hung up")
        time.sleep(0.05)
    assert find_owner(contacts_workspace) is None
    assert not contacts_workspace.socket_path.exists()
