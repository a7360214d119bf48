"""The app in a real terminal (a pseudo-terminal) that hangs up, as when an SSH connection
drops or a tmux pane is closed: the app quits and gives the workspace back (its socket and
owner record gone), instead of running on with no screen and the workspace held."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

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


def test_the_app_quits_when_its_terminal_hangs_up(contacts_workspace: Workspace) -> None:
    pid, master = pty.fork()
    if pid == 0:  # the child: the app, on the pseudo-terminal as its controlling terminal
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        command = ["-m", "kafinea_tui.cli", "--workspace", str(contacts_workspace.path)]
        os.execv(sys.executable, [sys.executable, *command])
    try:
        deadline = time.monotonic() + 60
        while find_owner(contacts_workspace) is None:  # up: it owns the workspace
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
    assert find_owner(contacts_workspace) is None
    assert not contacts_workspace.socket_path.exists()
