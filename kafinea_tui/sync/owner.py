"""Who owns a workspace: the owner's record (`owner.json`) and how another process finds it.

DuckDB lets one process write a workspace. That process (the app, or `serve`) is the owner: it
serves the API on `kafinea.sock` in the workspace and writes `owner.json` (PID, socket, TCP
address, version), which it removes when it exits cleanly. Every other process reads the record
and, when its PID lives and its socket answers a connection, works through the socket.

A record left by a killed owner is stale: its PID is gone, or the socket refuses connections.
A new owner holds the database's lock, so whatever record and socket it finds are stale and it
replaces them; a client ignores a stale record and opens the workspace itself.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from kafinea_tui import __version__
from kafinea_tui.data.errors import WorkspaceError
from kafinea_tui.workspace import Workspace

# sockaddr_un holds 108 bytes with the final NUL; longer paths are reached through /proc.
MAX_SOCKET_PATH = 100


@dataclass(frozen=True)
class OwnerRecord:
    pid: int
    kind: str  # "serve" or "app"
    socket: str  # the socket's path
    version: str  # the owner's kafinea-tui version
    tcp: str | None = None  # "http://127.0.0.1:8765" when the owner serves TCP too

    def describe(self) -> str:
        """How a client names the owner in a sentence: "kafinea-tui serve (PID 4190)"."""
        what = "kafinea-tui serve" if self.kind == "serve" else "the kafinea-tui app"
        return f"{what} (PID {self.pid})"


def write_record(workspace: Workspace, record: OwnerRecord) -> None:
    """Write the record whole (a temporary file renamed over it): a reader never sees half."""
    temporary = workspace.owner_path.with_name(f".{workspace.owner_path.name}.{os.getpid()}")
    data = json.dumps(asdict(record), indent=2).encode("utf-8")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, data)
    finally:
        os.close(descriptor)
    os.replace(temporary, workspace.owner_path)


def read_record(workspace: Workspace) -> OwnerRecord | None:
    """The record as written, or None when there is none or it cannot be read."""
    try:
        data = json.loads(workspace.owner_path.read_text(encoding="utf-8"))
        return OwnerRecord(
            pid=int(data["pid"]),
            kind=str(data["kind"]),
            socket=str(data["socket"]),
            version=str(data["version"]),
            tcp=data.get("tcp"),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_record(workspace: Workspace, pid: int | None = None) -> None:
    """Remove the record and the socket, if they are this owner's (`pid`, default this one)."""
    record = read_record(workspace)
    if record is not None and record.pid != (pid or os.getpid()):
        return
    workspace.owner_path.unlink(missing_ok=True)
    workspace.socket_path.unlink(missing_ok=True)


def new_record(workspace: Workspace, kind: str, tcp: str | None = None) -> OwnerRecord:
    return OwnerRecord(os.getpid(), kind, str(workspace.socket_path), __version__, tcp)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


def find_owner(workspace: Workspace) -> OwnerRecord | None:
    """The live owner of the workspace, or None (no record, or a stale one).

    A socket that exists but belongs to another user, or that this user may not connect to, is
    not stale: it is a sentence (`WorkspaceError`), since opening the workspace alone would only
    meet the database's lock."""
    record = read_record(workspace)
    if record is None or record.pid == os.getpid() or not pid_alive(record.pid):
        return None
    path = Path(record.socket)
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISSOCK(info.st_mode):
        return None
    if info.st_uid != os.getuid():
        raise WorkspaceError(
            f"The workspace {workspace.path} is open in {record.describe()} of another user; "
            f"its socket {path} is not yours to use: ask them, or use another workspace."
        )
    try:
        probe(path)
    except PermissionError:
        raise WorkspaceError(
            f"The workspace {workspace.path} is open in {record.describe()}, but its socket "
            f"{path} refuses this user (permission denied)."
        ) from None
    except OSError:
        return None  # connection refused: the owner is gone or going
    return record


def probe(path: Path) -> None:
    """Connect to the socket and hang up; OSError when nothing listens there."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(reachable(path))


def reachable(path: Path) -> str:
    """A name for `path` that fits in a socket address: itself, or for a long path (a workspace
    deep in a folder tree) the same file through `/proc/self/fd` of its folder, which this
    process holds open from then on (one descriptor a socket folder, kept for the process's
    life)."""
    text = str(path)
    if len(text.encode()) <= MAX_SOCKET_PATH:
        return text
    folder = str(path.parent)
    descriptor = _FOLDERS.get(folder)
    if descriptor is None:
        descriptor = os.open(folder, os.O_PATH | os.O_DIRECTORY)
        _FOLDERS[folder] = descriptor
    return f"/proc/self/fd/{descriptor}/{path.name}"


_FOLDERS: dict[str, int] = {}
