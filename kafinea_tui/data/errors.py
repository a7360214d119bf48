"""Errors that carry one sentence for a person: the CLI prints it, the app shows it, the API returns it."""

from __future__ import annotations


class KafineaError(Exception):
    """Something the user can act on. `str(error)` is the whole message; exit status 1."""

    exit_code = 1

    def on_screen(self) -> str:
        """The sentence as the app shows it, in the app's labels rather than command-line
        options; the same as `str(error)` unless the error names an option."""
        return str(self)


class UsageError(KafineaError):
    """The request itself is wrong (unknown module, field, option value); exit status 2."""

    exit_code = 2


class WorkspaceError(KafineaError):
    """The workspace cannot be opened: locked by another process, unwritable, corrupt."""


class FilterError(UsageError):
    """A filter expression that does not parse; `position` is the 0-based offset of the problem."""

    def __init__(self, message: str, expression: str = "", position: int = 0) -> None:
        self.expression = expression
        self.position = position
        pointer = f"\n  {expression}\n  {' ' * position}^" if expression else ""
        super().__init__(f"{message} (at column {position + 1}){pointer}")
        self.reason = message


class NotFound(KafineaError):
    """The record (or batch) named does not exist: 404 over the API."""
