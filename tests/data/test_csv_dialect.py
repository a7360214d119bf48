"""One delimiter parser for import and export: the same words give the same character, and
only reading accepts 'auto'."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kafinea_tui.data.csv_dialect import DELIMITERS, delimiter_char
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.importer.file.csv_source import resolve
from kafinea_tui.data.importer.plan import CsvOptions
from kafinea_tui.data.store.database import Store


@pytest.mark.parametrize(
    ("option", "char"),
    [
        *DELIMITERS.items(),
        ("Semicolon", ";"),
        ("  pipe ", "|"),
        (" ; ", ";"),
        ("\t", "\t"),
        ("\\t", "\t"),
        ("tabulation", "\t"),
        (":", ":"),
        ("€", "€"),
    ],
)
def test_import_and_export_read_a_delimiter_alike(option: str, char: str) -> None:
    assert delimiter_char(option) == char
    assert delimiter_char(option, auto=True) == char


def test_auto_is_a_reading_word_only() -> None:
    assert delimiter_char("auto", auto=True) == "auto"
    assert delimiter_char(" AUTO ", auto=True) == "auto"
    with pytest.raises(UsageError, match="use comma, semicolon, pipe, caret, tab or the char"):
        delimiter_char("auto")


@pytest.mark.parametrize("option", ["colon", '"', "\n", "\r", "", ";;"])
def test_anything_else_is_one_sentence(option: str) -> None:
    with pytest.raises(UsageError, match=re.escape(f"Unknown delimiter {option!r}; use comma,")):
        delimiter_char(option)
    with pytest.raises(UsageError, match="tab, auto or the character itself"):
        delimiter_char(option, auto=True)


def test_export_writes_any_delimiter_the_import_reads(tmp_path: Path) -> None:
    store = Store.open(":memory:")
    store.create("contacts", {"first_name": "Ana:Lu", "last_name": "Lee"})
    path = tmp_path / "c.csv"
    export_csv(store, ExportOptions("contacts", delimiter=":", fields=["first_name"]), path)
    assert path.read_text(encoding="utf-8") == 'First Name\n"Ana:Lu"\n'
    export_csv(store, ExportOptions("contacts", delimiter=":"), path)
    assert resolve(CsvOptions(path, delimiter=":")).delimiter == ":"
    with path.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle, delimiter=":"))[:2] == ["First Name", "Last Name"]


def test_export_refuses_a_delimiter_its_encoding_cannot_hold(tmp_path: Path) -> None:
    store = Store.open(":memory:")
    options = ExportOptions("contacts", delimiter="€", encoding="iso-8859-1")
    with pytest.raises(UsageError, match="delimiter '€' cannot be written in iso-8859-1"):
        export_csv(store, options, tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(UsageError, match="Unknown delimiter 'auto'"):
        export_csv(store, ExportOptions("contacts", delimiter="auto"), tmp_path / "c.csv")
