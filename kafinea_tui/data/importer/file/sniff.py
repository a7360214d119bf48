"""A CSV file's dialect: encoding, delimiter and header sniffed, 'auto' resolved.

Everything here reads only the first 256 KB: the dialect is known before the file is staged,
so a wrong delimiter or encoding is one sentence, not a failed million-row scan.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kafinea_tui.data.csv_dialect import delimiter_char
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.file.controls import check_sample
from kafinea_tui.data.importer.file.encoding import (
    SAMPLE_BYTES,
    byte_order,
    check_not_binary,
    decode_sample,
    detect_encoding,
    normalize_encoding,
    read_head,
)
from kafinea_tui.data.importer.plan import CsvOptions

CANDIDATE_DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|", "^")
# At most this many title rows (blank ones included) above a header (see `title_rows`).
MAX_TITLE_ROWS = 4
# Excel's first line naming the delimiter (`sep=;`), which Excel reads and writes for a file
# whose delimiter is not the system's list separator.
SEPARATOR_HINT = re.compile(r"sep=([^\r\n\"])\r?\n", re.IGNORECASE)


@dataclass(frozen=True)
class Resolved:
    """A file's dialect with 'auto' resolved, and its column names."""

    path: Path
    encoding: str
    delimiter: str
    header: bool
    columns: list[str]
    header_lines: int  # physical lines up to the end of the header (the blank ones before it)
    # Lines before the header or first record (blank ones, Excel's `sep=` line, a title), which
    # DuckDB's reader would take for the header or a row: it skips them.
    skip: int = 0


def records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def sniff_delimiter(text: str) -> str:
    """The candidate that splits the sample into the most consistent number of cells (> 1)."""
    best, best_score = ",", (0.0, 0)
    for candidate in CANDIDATE_DELIMITERS:
        rows = records(text, candidate, 50)
        if not rows:
            continue
        # The most common width, not the first row's: a title line above the table has one.
        width = Counter(len(r) for r in rows).most_common(1)[0][0]
        if width < 2:
            continue
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _column_names(cells: list[str]) -> list[str]:
    names: list[str] = []
    seen: Counter[str] = Counter()
    for index, cell in enumerate(cells, start=1):
        name = cell.strip() or f"Column {index}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def resolve(options: CsvOptions) -> Resolved:
    """Resolve 'auto' encoding and delimiter and read the columns, from the first 256 KB."""
    path = Path(options.path).expanduser()
    if path.is_dir():
        raise KafineaError(f"{path} is a folder, not a CSV file.")
    head = read_head(path)
    complete = len(head) < SAMPLE_BYTES
    encoding = normalize_encoding(options.encoding)
    if encoding == "auto":
        encoding = detect_encoding(path, head)
    encoding = byte_order(path, head, encoding)
    check_not_binary(path, head, encoding)
    text = decode_sample(path, head, encoding, complete)
    check_sample(path, head, text, encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    hint = SEPARATOR_HINT.match(text)
    if hint:  # not a record: the lines below are read without it
        text = text[hint.end() :]
    if not text.strip():
        raise KafineaError(f"{path.name} is empty: there is nothing to import.")
    delimiter = delimiter_char(options.delimiter, auto=True)
    if delimiter == "auto":
        delimiter = hint.group(1) if hint else sniff_delimiter(text)
    rows = records(text, delimiter, 50)
    if not rows:
        raise KafineaError(f"{path.name} is empty: there is nothing to import.")
    titles = title_rows(rows) if options.header else 0
    before, first_end = _record_lines(text, delimiter, titles)
    hint_lines = 1 if hint else 0  # the `sep=` line, read off the text above
    skip = before + hint_lines
    if options.header:
        columns = _column_names(_header_cells(rows[titles:]))
        header_lines = first_end + hint_lines
    else:
        width = Counter(len(r) for r in rows).most_common(1)[0][0]
        columns = [str(i) for i in range(1, width + 1)]
        header_lines = skip
    return Resolved(path, encoding, delimiter, options.header, columns, header_lines, skip)


def _header_cells(rows: list[list[str]]) -> list[str]:
    """The header's cells, less the empty ones a trailing delimiter leaves at its end (`a;b;`)
    when no row of the sample reaches them: they are no columns."""
    header, data = rows[0], rows[1:]
    longest = max((len(r) for r in data), default=len(header))
    while len(header) > max(longest, 1) and not header[-1].strip():
        header = header[:-1]
    return header


def title_rows(rows: list[list[str]], widths: bool = True) -> int:
    """How many of the first `rows` (each row's cells) are a title above the header: a report's
    export starts with a line or two of one filled cell ("Contacts - November 2026") over a
    table, whose header is the first row that fills several.

    The rows below that header show whether it heads a table of several columns or is a stray
    delimiter in a one-column file, whose first line is its header: a table's rows fill cells
    of several columns between them (each row may fill one: a sparse export, Outlook's), and,
    with `widths` (a CSV file's rows, whose number of cells is the table's), most of them have
    several cells. 0 when no row fills several (a one-column file), nor when more than
    MAX_TITLE_ROWS lead."""
    index = next((i for i, row in enumerate(rows[: MAX_TITLE_ROWS + 1]) if filled(row) >= 2), -1)
    if index < 0:
        return 0
    below = [row for row in rows[index + 1 :] if filled(row)]
    if not index or not below:
        return index
    used = {i for row in below for i, cell in enumerate(row) if cell.strip()}
    if len(used) < 2:
        return 0
    if widths and Counter(len(row) for row in below).most_common(1)[0][0] < 2:
        return 0
    return index


def filled(cells: list[str]) -> int:
    """How many of a row's cells hold more than spaces."""
    return sum(1 for cell in cells if cell.strip())


def _record_lines(text: str, delimiter: str, index: int) -> tuple[int, int]:
    """The physical lines before the `index`-th record (blank lines skipped; 0 the first), and
    the line where it ends."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    seen = 0
    with contextlib.suppress(StopIteration, csv.Error):
        while True:
            before = reader.line_num
            if next(reader):
                if seen == index:
                    return before, reader.line_num
                seen += 1
    return 0, 1
