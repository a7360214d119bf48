"""Reading a CSV file: what the wizard, the CLI and the importer call from file/.

`resolve` gives a file's dialect with 'auto' resolved (`sniff`), `preview` its first rows exactly
as the import will parse them, `stage` the whole file as a DuckDB table in one scan (`stage`,
with `lines` for line numbers). Every problem a person can fix is one `KafineaError` sentence,
before anything is written.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kafinea_tui.data.importer.file.encoding import (
    SAMPLE_BYTES,
    decode_sample,
    detect_encoding,
    normalize_encoding,
    python_codec,
    read_head,
)
from kafinea_tui.data.importer.file.line_ends import with_lf_rows
from kafinea_tui.data.importer.file.rejects import Reject, reject_reason
from kafinea_tui.data.importer.file.sniff import Resolved, resolve, sniff_delimiter
from kafinea_tui.data.importer.file.stage import (
    Staged,
    Transform,
    first_line,
    needs_lf_rows,
    read_csv_sql,
    read_params,
    stage,
)
from kafinea_tui.data.importer.file.transcode import temporary_csv
from kafinea_tui.data.importer.plan import CsvOptions

__all__ = [
    "Preview",
    "Reject",
    "Resolved",
    "Staged",
    "Transform",
    "detect_encoding",
    "normalize_encoding",
    "preview",
    "python_codec",
    "resolve",
    "sniff_delimiter",
    "stage",
]


@dataclass
class Preview:
    columns: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    header: bool
    problems: list[str] = field(default_factory=list)
    sheet: str | None = None  # a spreadsheet's sheet shown, and its sheets with row counts
    sheets: list[tuple[str, int]] = field(default_factory=list)
    # The line (a sheet's row) of the header, or of the first row without one: past 1 when
    # blank lines, a `sep=` hint or a report's title above are skipped.
    start_line: int = 1


def preview(options: CsvOptions, rows: int = 20) -> Preview:
    """The first `rows` records as the import will read them, from the first 256 KB only."""
    resolved = resolve(options)
    head = read_head(resolved.path)
    complete = len(head) < SAMPLE_BYTES
    text = decode_sample(resolved.path, head, resolved.encoding, complete)
    with temporary_csv("kafinea-preview-") as sample, contextlib.ExitStack() as stack:
        sample.write_text(text, encoding="utf-8", newline="")
        read = sample
        if needs_lf_rows(sample, resolved):  # rows ending in more than one way, as staged
            read = stack.enter_context(with_lf_rows(sample, resolved.delimiter))
        try:
            found, problems = _read_sample(read, resolved, rows)
        except duckdb.Error as error:
            found, problems = [], [first_line(error)]
    return Preview(
        resolved.columns,
        found,
        resolved.encoding,
        resolved.delimiter,
        resolved.header,
        problems,
        start_line=start_line(resolved),
    )


def start_line(resolved: Resolved) -> int:
    """`Preview.start_line`: `header_lines` counts the lines up to the header's end."""
    return resolved.header_lines if resolved.header else resolved.header_lines + 1


def _read_sample(sample: Path, resolved: Resolved, rows: int) -> tuple[list[list[str]], list[str]]:
    """The first `rows` records of the UTF-8 `sample` and its rows that were kept aside."""
    conn = duckdb.connect()
    try:
        query = f"SELECT * FROM {read_csv_sql(resolved)} LIMIT {int(rows)}"
        result = conn.execute(query, read_params(sample, resolved))
        found = [["" if v is None else str(v) for v in row] for row in result.fetchall()]
        problems = [
            f"line {line}: {_shown_reject(str(kind), str(text_), resolved)}"
            for line, kind, text_ in conn.execute(
                "SELECT line, error_type, csv_line FROM kf_rejects ORDER BY line LIMIT 20"
            ).fetchall()
        ]
    finally:
        conn.close()
    return found, problems


def _shown_reject(kind: str, text: str, resolved: Resolved) -> str:
    """The import's sentence for the record, with the start of its text to find it by."""
    text = text.lstrip("\r\n")  # DuckDB's text of a record includes the blank lines before it
    return f"{reject_reason(kind, text, resolved)} ({text[:60]!r})"
