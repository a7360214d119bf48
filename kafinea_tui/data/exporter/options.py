"""What an export is asked for, and the words its options take: light enough for the command
line to build its parser (choices, defaults) without loading the export engine or the filter
compiler; `plan` checks the options and turns them into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SCOPES = ("all", "filter", "ids", "page")
EXPORT_ENCODINGS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "iso-8859-1": "latin-1",
    "windows-1252": "cp1252",
}
DECIMALS = ("point", "comma")
FORMATS = ("csv", "xlsx")
HEADERS = ("labels", "names")


@dataclass
class ExportOptions:
    module: str
    scope: str = "all"  # all | filter | ids | page
    filter: str = ""
    ids: Sequence[int] = ()
    page: int = 1
    page_size: int = 50
    sort: Sequence[tuple[str, bool]] = ()
    fields: Sequence[str] | None = None
    header: str = "labels"  # labels | names
    delimiter: str = "comma"  # csv_dialect.delimiter_char's words
    encoding: str = "utf-8"
    decimal: str = "point"
    formula_guard: bool = True
    format: str = "csv"  # csv | xlsx (see exporter/xlsx.py)
    search: str = ""
