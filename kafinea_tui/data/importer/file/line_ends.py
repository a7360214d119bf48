"""Files whose rows end in more than one way, read as a text editor shows them.

DuckDB's strict reader takes one kind of row end per file, and a file mixing them (CRLF rows
with a few LF ones appended, a lone CR, the CR CR LF a program writes when it sends CRLF
through a text-mode file) stops it with "The CSV Parser state machine reached an invalid
state", in the middle of the import's transaction. So the file's line ends are counted first
(one pass at C speed, and only a search for CR when it has none, the common case). When they
mix, which also counts the line breaks inside quoted cells (an Excel file's LF in CRLF rows,
which DuckDB reads), the strict reader tries the file on a connection of its own; only a file
it refuses is read from a copy whose rows end in LF, written by Python's csv module: its
reader takes any row end and keeps quoted cells as they are (a CR inside a cell stays a CR).
The copy has the lines a text editor shows, so failed rows keep the line numbers a person sees.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path

import duckdb

from kafinea_tui.data.importer.file.encoding import CHUNK_BYTES
from kafinea_tui.data.importer.file.transcode import temporary_csv

MAX_LINE_BYTES = 16 * 1024 * 1024


def mixes_line_ends(path: Path) -> bool:
    """Whether the UTF-8 file ends its lines in more than one way (CRLF, LF, CR), quoted
    cells included."""
    crlf = lf = cr = 0
    carry = b""  # a CR ending a chunk may be the first half of a CRLF
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            data = carry + chunk
            if not (crlf or cr) and b"\r" not in data:
                lf, carry = 1 if b"\n" in data else lf, b""
                continue
            carry = b"\r" if data.endswith(b"\r") else b""
            data = data[: len(data) - len(carry)]
            pairs = data.count(b"\r\n")
            crlf += pairs
            lf += data.count(b"\n") - pairs
            cr += data.count(b"\r") - pairs
    cr += len(carry)
    return (crlf > 0) + (lf > 0) + (cr > 0) > 1


def refused(error: duckdb.Error) -> bool:
    """Whether DuckDB's strict reader refused a file for the way its rows end."""
    return "state machine reached an invalid state" in str(error)


@contextlib.contextmanager
def with_lf_rows(source: Path, delimiter: str) -> Iterator[Path]:
    """A temporary copy of the UTF-8 CSV file `source` whose rows end in LF."""
    # A cell longer than DuckDB's reader takes a line (`stage.read_csv_sql`) is copied, for the
    # reader to name its row; only one far longer stops the copy.
    csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_LINE_BYTES))
    with temporary_csv() as target:
        # Bytes that are not UTF-8 are copied as they are, for the reader to name them.
        with (
            source.open(encoding="utf-8", errors="surrogateescape", newline="") as inp,
            target.open("w", encoding="utf-8", errors="surrogateescape", newline="") as out,
        ):
            reader = csv.reader(inp, delimiter=delimiter, quotechar='"')
            writer = csv.writer(out, delimiter=delimiter, quotechar='"', lineterminator="\n")
            writer.writerows(reader)  # a blank line is an empty row, written as an empty line
        yield target
