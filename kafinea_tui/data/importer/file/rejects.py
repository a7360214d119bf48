"""Rows DuckDB's CSV reader kept aside, each with the sentence a person reads in the report.

The reader keeps aside a record it cannot split into the file's columns: too many or too few
cells, a stray quote, a line longer than it takes. Each becomes a failed row naming its line
(DuckDB's count, which the line map turns into the file's line) and, for a stray quote, the
column where the reader stopped. A line of spaces is no row, though its line still counts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from kafinea_tui.data.importer.file.empty_rows import blank_text
from kafinea_tui.data.importer.file.line_ends import MAX_LINE_BYTES
from kafinea_tui.data.importer.file.lines import LineMap
from kafinea_tui.data.importer.file.sniff import Resolved


@dataclass
class Reject:
    """A row the reader could not split into the file's columns (too many or too few cells, a
    stray quote); `column` names the cell where the reader stopped, when it says."""

    line: int
    reason: str
    text: str
    column: str | None = None


# A quote DuckDB's reader could not place: a quoted cell never closed, or a quote inside one
# not written twice (a backslash before it, as some exports write, escapes nothing).
UNQUOTED = (
    'a stray quote: a quoted cell ends with a quote, and a quote inside it is written twice ("")'
)


def read_rejects(raw: list[tuple[object, ...]], resolved: Resolved, lines: LineMap) -> list[Reject]:
    """The records DuckDB's reader kept aside (`raw`: line, byte, kind, text, column index),
    each with its reason; the line breaks they hold go to `lines`."""
    expected = len(resolved.columns)
    seen: set[int] = set()
    rejects: list[Reject] = []
    for line, _byte, kind, text, column_idx in raw:
        record = int(str(line))
        if record in seen:
            continue
        seen.add(record)
        # DuckDB's text of a rejected record starts with the blank lines before it, which
        # are neither its cells nor line breaks inside it (the line map counts them apart).
        text_s = str(text or "").lstrip("\r\n")
        lines.reject_extra[record] = text_s.count("\n")
        if blank_text(text_s, resolved.delimiter):
            continue  # a line of spaces is no row (its line still counts)
        reason = reject_reason(str(kind), text_s, resolved)
        index = int(str(column_idx)) if column_idx is not None else 0
        column = resolved.columns[index - 1] if 0 < index <= expected else None
        rejects.append(Reject(record, reason, text_s, column if kind == "UNQUOTED VALUE" else None))
    return rejects


def reject_reason(kind: str, text: str, resolved: Resolved) -> str:
    """The sentence for a record the reader kept aside as `kind` (DuckDB's error type), the
    same in the wizard's preview as in the import's report; `text` is the record's."""
    expected = len(resolved.columns)
    cells = next(csv.reader(io.StringIO(text, newline=""), delimiter=resolved.delimiter), [])
    found = f"{len(cells)} cell{'' if len(cells) == 1 else 's'}"
    width = "the header has" if resolved.header else "the other rows have"
    if kind == "TOO MANY COLUMNS":
        return f"{found} where {width} {expected}: too many"
    if kind == "MISSING COLUMNS":
        return f"{found} where {width} {expected}: too few"
    if kind == "UNQUOTED VALUE":
        return UNQUOTED
    if kind == "LINE SIZE OVER MAXIMUM":
        return f"longer than {MAX_LINE_BYTES // (1024 * 1024)} MB"
    return f"cannot be read ({kind.lower()})"
