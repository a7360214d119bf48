"""A command's output on a terminal shows control characters as pictures (data/printable.py):
its reports and error sentences quote values from files of unknown origin, and an ESC among
them would reach the terminal as a command. Output to a file or a pipe is left as written."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from kafinea_tui.data.printable import printable


class Shown:
    """A terminal's text stream whose writes show control characters as pictures."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text, newlines=True))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def show_on_terminals() -> None:
    """Wrap stdout and stderr where they are terminals."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and stream.isatty():
            setattr(sys, name, Shown(stream))
