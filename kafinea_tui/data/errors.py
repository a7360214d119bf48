"""Errors that carry one sentence for a person: the CLI prints it, the app shows it, the API returns it."""

from __future__ import annotations

import errno


class KafineaError(Exception):
    """Something the user can act on. `str(error)` is the whole message; exit status 1."""

    exit_code = 1
    screen: str | None = None

    def __init__(self, *args: object, screen: str | None = None) -> None:
        """`screen`: the sentence the app shows instead, when the message names a command."""
        super().__init__(*args)
        self.screen = screen

    def on_screen(self) -> str:
        """The sentence as the app shows it, in the app's labels rather than command-line
        options; the same as `str(error)` unless the error names an option."""
        return str(self) if self.screen is None else self.screen


class UsageError(KafineaError):
    """The request itself is wrong (unknown module, field, option value); exit status 2."""

    exit_code = 2


class WorkspaceError(KafineaError):
    """The workspace cannot be opened: locked by another process, unwritable, corrupt."""


class WorkspaceLocked(WorkspaceError):
    """Another process holds the workspace database's lock (its owner, or a command)."""


class FilterError(UsageError):
    """A filter expression that does not parse; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, expression: str = "", position: int = 0) -> None:
        self.expression = expression
        self.position = position
        pointer = _pointer(expression, position) if expression else ""
        super().__init__(f"{message} (at column {position + 1}){pointer}")
        self.reason = message


POINTER_CONTEXT = 40  # characters shown each side of an error in a long expression


def _pointer(expression: str, position: int) -> str:
    """The expression with a caret under `position`; a long one is cut to the part around it."""
    start = max(0, position - POINTER_CONTEXT)
    end = min(len(expression), position + POINTER_CONTEXT)
    before = "…" if start else ""
    after = "…" if end < len(expression) else ""
    shown = before + expression[start:end] + after
    return f"\n  {shown}\n  {' ' * (len(before) + position - start)}^"


class DiskFull(KafineaError):
    """The disk holding the workspace (or DuckDB's temporary folder) is full; the transaction
    was rolled back. 507 over the API."""


def is_disk_full(error: BaseException) -> bool:
    """Whether `error`, or an error it was raised while handling, is a full disk. DuckDB says
    it in an IOException's text; a clean-up statement run after it (a SET on the aborted
    transaction) may raise a second error that hides it, hence the walk along the chain."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        if "no space left on device" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class NotFound(KafineaError):
    """The record (or batch) named does not exist: 404 over the API."""
