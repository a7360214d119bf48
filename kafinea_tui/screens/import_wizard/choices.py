"""The choices of the file step and the one way the wizard turns a failure into a sentence."""

from __future__ import annotations

from kafinea_tui.data.errors import KafineaError

ENCODING_CHOICES: list[tuple[str, str]] = [
    ("Auto-detect", "auto"),
    ("UTF-8", "utf-8"),
    ("UTF-8 with BOM", "utf-8-sig"),
    ("ISO-8859-1", "iso-8859-1"),
    ("Windows-1252", "windows-1252"),
    ("UTF-16", "utf-16"),
]
DELIMITER_CHOICES: list[tuple[str, str]] = [
    ("Auto-detect", "auto"),
    ("Comma  ,", "comma"),
    ("Semicolon  ;", "semicolon"),
    ("Pipe  |", "pipe"),
    ("Caret  ^", "caret"),
    ("Tab", "tab"),
]
DECIMAL_CHOICES: list[tuple[str, str]] = [
    ("Point  1,234.50", "point"),
    ("Comma  1 234,50", "comma"),
]
PREVIEW_ROWS = 20


def describe_error(error: Exception) -> str:
    """The sentence to show for a failure: the KafineaError's own, else a plain summary."""
    if isinstance(error, KafineaError):
        return str(error)
    if isinstance(error, OSError):
        return f"Cannot read the file: {error.strerror or error}."
    return f"Unexpected error: {error}"
