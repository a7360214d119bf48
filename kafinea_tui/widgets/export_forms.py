"""The options of an export: the file's (format, header, delimiter, encoding, decimal separator,
formula guard) and its fields (all, the list's columns, or a chosen list in a chosen order).

Forms of their own so the export dialog stays about scopes, the path and the run; they only fill
an `ExportOptions` (`apply_to`), the engine checks the values. Each also gives its choices as a
plain dict (`remembered`) and shows such a dict again (`restore`): the dialog keeps them per module
in the workspace, and a remembered value the form no longer offers is ignored. Compact widgets, one line each, so
the whole dialog fits in 80x24.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Label, RadioButton, RadioSet, Select

from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.query import page_fields
from kafinea_tui.data.schema import Module
from kafinea_tui.widgets.field_chooser import FieldChooser, chooser_fields
from kafinea_tui.widgets.plain import PlainSelect
from kafinea_tui.widgets.toggles import Check, Radio

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
FORMAT_CHOICES = [("CSV", "csv"), ("Excel .xlsx", "xlsx")]
# What a workbook does not use: it has cells, not delimiters, bytes or formula text.
CSV_ONLY = ("#export-delimiter", "#export-encoding", "#export-decimal", "#export-guard")
DECIMAL_CHOICES = [("Decimal point 1.5", "point"), ("Decimal comma 1,5", "comma")]
FIELD_CHOICES = {
    "all": "All fields",
    "visible": "Visible columns",
    "chosen": "Chosen fields, in the chosen order",
}


def visible_columns(module: Module, columns: Sequence[str] | None = None) -> list[str]:
    """The fields the module's list shows as columns, in its order: `columns`, the list's
    layout (None: every field). A sales order's items are left out: the list shows only how
    many lines an order has, and exporting them would write one line per item, not the list's
    rows."""
    return [field.name for field in page_fields(module, columns) if field.is_column]


class ExportOptionsForm(Vertical):
    """Two rows of choices and the formula guard, defaulting to the engine's defaults."""

    DEFAULT_CSS = """
    ExportOptionsForm { height: auto; }
    ExportOptionsForm .options { height: 1; margin-top: 1; }
    ExportOptionsForm .options Label { width: 10; }
    ExportOptionsForm .options .format-label { width: 7; }
    ExportOptionsForm .options Select { width: 1fr; margin-right: 2; }
    ExportOptionsForm #export-guard { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(classes="options"):
            yield Label("Header")
            yield _select(HEADER_CHOICES, "labels", "export-header")
            yield Label("Delimiter")
            yield _select(DELIMITER_CHOICES, "comma", "export-delimiter")
            yield Label("Format", classes="format-label")
            yield _select(FORMAT_CHOICES, "csv", "export-format")
        with Horizontal(classes="options"):
            yield Label("Encoding")
            yield _select(ENCODING_CHOICES, "utf-8", "export-encoding")
            yield Label("Numbers")
            yield _select(DECIMAL_CHOICES, "point", "export-decimal")
        yield Check(
            "Formula guard: prefix ' to text starting with = + - @",
            value=True,
            id="export-guard",
            compact=True,
        )

    @property
    def format(self) -> str:
        return self._value("#export-format")

    @on(Select.Changed, "#export-format")
    def _format_changed(self) -> None:
        """A workbook's cells are typed: the CSV-only choices are greyed out, not applied."""
        for selector in CSV_ONLY:
            self.query_one(selector).disabled = self.format == "xlsx"

    def apply_to(self, options: ExportOptions) -> None:
        """Write the chosen file options into `options` (scope and fields are the dialog's)."""
        options.format = self.format
        options.header = self._value("#export-header")
        options.delimiter = self._value("#export-delimiter")
        options.encoding = self._value("#export-encoding")
        options.decimal = self._value("#export-decimal")
        options.formula_guard = self.query_one("#export-guard", Checkbox).value

    def _value(self, selector: str) -> str:
        return str(self.query_one(selector, Select).value)

    def remembered(self) -> dict[str, Any]:
        """The file options as remembered: each select's value and the formula guard."""
        chosen: dict[str, Any] = {name: self._value(f"#export-{name}") for name in _SELECTS}
        chosen["formula_guard"] = self.query_one("#export-guard", Checkbox).value
        return chosen

    def restore(self, chosen: Mapping[str, Any]) -> None:
        """Show remembered file options; values no longer offered keep the defaults."""
        for name in _SELECTS:
            select: Select[str] = self.query_one(f"#export-{name}", Select)
            value = chosen.get(name)
            if isinstance(value, str) and any(value == v for _, v in select._options):
                select.value = value
        guard = chosen.get("formula_guard")
        if isinstance(guard, bool):
            self.query_one("#export-guard", Checkbox).value = guard


_SELECTS = ("format", "header", "delimiter", "encoding", "decimal")


def _select(choices: list[tuple[str, str]], value: str, id: str) -> PlainSelect:
    return PlainSelect(choices, value=value, allow_blank=False, id=id, compact=True)


class ExportFieldsForm(Vertical):
    """All fields (the engine's default), the list's columns, or the `FieldChooser`'s checked
    names in its order; the chooser is disabled unless "Chosen" is picked, so what it shows
    never silently applies. Posts `Changed` with a short summary for the dialog's tab label."""

    DEFAULT_CSS = """
    ExportFieldsForm { height: 1fr; }
    ExportFieldsForm RadioSet { width: 100%; height: auto; }
    ExportFieldsForm FieldChooser { height: 1fr; margin-top: 1; }
    """

    class Changed(Message):
        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    def __init__(
        self, module: Module, *, columns: Sequence[str] | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.visible_fields = visible_columns(module, columns)
        self.choices = chooser_fields(module)

    def compose(self) -> ComposeResult:
        with RadioSet(id="export-fields", compact=True):
            for choice, label in FIELD_CHOICES.items():
                yield Radio(label, value=choice == "all", id=f"fields-{choice}", compact=True)
        yield FieldChooser(self.choices, id="export-chooser", disabled=True)

    @property
    def choice(self) -> str:
        pressed = self.query_one("#export-fields", RadioSet).pressed_button
        return (pressed.id or "fields-all").removeprefix("fields-") if pressed else "all"

    @property
    def chooser(self) -> FieldChooser:
        return self.query_one(FieldChooser)

    @property
    def nothing_chosen(self) -> bool:
        """ "Chosen" is picked with no field checked: the dialog refuses to export."""
        return self.choice == "chosen" and not self.chooser.chosen

    @property
    def summary(self) -> str:
        if self.choice == "visible":
            return f"visible columns ({len(self.visible_fields)})"
        if self.choice == "chosen":
            return f"{len(self.chooser.chosen)} chosen"
        return "all"

    def remembered(self) -> dict[str, Any]:
        """The field choice as remembered: which of the three, and the chosen names in order."""
        return {"fields": self.choice, "chosen": self.chooser.chosen}

    def restore(self, chosen: Mapping[str, Any]) -> None:
        """Show a remembered field choice (the chosen names first, checked, in their order)."""
        names = chosen.get("chosen")
        if isinstance(names, list):
            self.chooser.show_chosen([str(n) for n in names])
        choice = chosen.get("fields")
        if isinstance(choice, str) and choice in FIELD_CHOICES:
            self.query_one(f"#fields-{choice}", RadioButton).value = True

    def apply_to(self, options: ExportOptions) -> None:
        """None for all fields (the engine's default: schema order, custom fields included)."""
        if self.choice == "visible":
            options.fields = list(self.visible_fields)
        elif self.choice == "chosen":
            options.fields = self.chooser.chosen
        else:
            options.fields = None

    @on(RadioSet.Changed, "#export-fields")
    @on(FieldChooser.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self.chooser.disabled = self.choice != "chosen"
        self.post_message(self.Changed(self.summary))
