"""Where an export writes: the file's path, with completion, following the format's extension.

A path ending .csv becomes .xlsx when the format changes to a workbook, and back; the path is
remembered as a pattern (today's date in it becomes a placeholder, so the next export is named
for its own day). The field checks nothing: the engine checks the target before any work.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from kafinea_tui.data.exporter.path_pattern import path_of, pattern_of
from kafinea_tui.widgets.path_suggester import PathSuggester

# Extensions a path may have that the format's own replaces when the format changes.
FILE_EXTENSIONS = (".csv", ".xlsx", ".tsv", ".txt")


class ExportPathField(Horizontal):
    """`File` and the path to write, with completion; the Input's id is `export-path`."""

    def __init__(self, default: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.default = default

    def compose(self) -> ComposeResult:
        yield Label("File")
        yield Input(str(self.default), suggester=PathSuggester(), id="export-path", compact=True)

    @property
    def input(self) -> Input:
        return self.query_one("#export-path", Input)

    @property
    def path(self) -> Path:
        """The path typed, `~` expanded; `Path()` when nothing is typed."""
        text = self.input.value.strip()
        return Path(os.path.expanduser(text)) if text else Path()

    def follow_format(self, fmt: str) -> None:
        """Give the file the format's extension, when it has a data file's extension."""
        field = self.input
        path = Path(field.value.strip())
        wanted = ".xlsx" if fmt == "xlsx" else ".csv"
        if field.value.strip() and path.suffix.lower() in FILE_EXTENSIONS:
            field.value = str(path.with_suffix(wanted))

    def remembered(self, today: date) -> str:
        """The path as a pattern to keep: today's date in it becomes `{date}`."""
        return pattern_of(self.input.value.strip(), today)

    def restore(self, pattern: object, today: date) -> None:
        """Show a remembered pattern as today's path (nothing when it is not a pattern)."""
        if isinstance(pattern, str) and pattern.strip():
            field = self.input
            field.value = path_of(pattern, today)
            field.cursor_position = len(field.value)
