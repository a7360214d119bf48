"""Files a command is given to write that are not regular files: `/dev/null`, `/dev/stdout`, a
named pipe another program reads. A whole-or-nothing write renames a finished temporary file
over its target, and a rename over one of these replaces the device or the pipe with a file
(run as root, `-o /dev/null` left every program on the machine without /dev/null). They are
written into instead, as a stream. Light on purpose: the API client imports it."""

from __future__ import annotations

from pathlib import Path


def is_special(target: Path) -> bool:
    """Whether `target` exists and is neither a regular file nor a folder (a device, a pipe,
    a socket): written into, never renamed over."""
    path = target.expanduser()
    return path.exists() and not path.is_file() and not path.is_dir()
