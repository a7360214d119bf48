"""The file options of an export: header, delimiter, encoding, decimal separator, formula guard.

A form of its own so the export dialog stays about scopes, the path and the run; it only fills an
`ExportOptions` (`apply_to`), the engine checks the values. Compact widgets, one line each, so
the whole dialog fits in 80x24.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Label, Select

from kafinea_tui.data.exporter import ExportOptions

DELIMITER_CHOICES = [
    ("Comma ,", "comma"),
    ("Semicolon ;", "semicolon"),
    ("Tab", "tab"),
    ("Pipe |", "pipe"),
    ("Caret ^", "caret"),
]
ENCODING_CHOICES = [
    ("UTF-8", "utf-8"),
    ("UTF-8 with BOM (Excel)", "utf-8-sig"),
    ("ISO-8859-1", "iso-8859-1"),
    ("Windows-1252", "windows-1252"),
]
HEADER_CHOICES = [("Labels", "labels"), ("Names", "names")]
DECIMAL_CHOICES = [("Decimal point 1.5", "point"), ("Decimal comma 1,5", "comma")]


class ExportOptionsForm(Vertical):
    """Two rows of choices and the formula guard, defaulting to the engine's defaults."""

    DEFAULT_CSS = """
    ExportOptionsForm { height: auto; }
    ExportOptionsForm .options { height: 1; margin-top: 1; }
    ExportOptionsForm .options Label { width: 10; }
    ExportOptionsForm .options Select { width: 1fr; margin-right: 2; }
    ExportOptionsForm #export-guard { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(classes="options"):
            yield Label("Header")
            yield _select(HEADER_CHOICES, "labels", "export-header")
            yield Label("Delimiter")
            yield _select(DELIMITER_CHOICES, "comma", "export-delimiter")
        with Horizontal(classes="options"):
            yield Label("Encoding")
            yield _select(ENCODING_CHOICES, "utf-8", "export-encoding")
            yield Label("Numbers")
            yield _select(DECIMAL_CHOICES, "point", "export-decimal")
        yield Checkbox(
            "Formula guard: prefix ' to text starting with = + - @",
            value=True,
            id="export-guard",
            compact=True,
        )

    def apply_to(self, options: ExportOptions) -> None:
        """Write the chosen file options into `options` (scope and fields are the dialog's)."""
        options.header = self._value("#export-header")
        options.delimiter = self._value("#export-delimiter")
        options.encoding = self._value("#export-encoding")
        options.decimal = self._value("#export-decimal")
        options.formula_guard = self.query_one("#export-guard", Checkbox).value

    def _value(self, selector: str) -> str:
        return str(self.query_one(selector, Select).value)


def _select(choices: list[tuple[str, str]], value: str, id: str) -> Select[str]:
    return Select(choices, value=value, allow_blank=False, id=id, compact=True)
