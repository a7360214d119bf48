"""The choices of the file step: encodings, delimiters and decimal marks, with their labels."""

from __future__ import annotations

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
