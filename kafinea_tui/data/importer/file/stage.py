"""Staging a CSV file into DuckDB: the whole file in one scan, as a temporary table.

Why DuckDB's reader: it is the fastest CSV parser we have and it runs set-based. UTF-8 files are
read in place; other encodings are transcoded to a temporary UTF-8 file in streamed chunks
(`transcode`), and a file whose rows end in more than one way is read from a copy (`line_ends`).
Ragged rows are kept aside as `Staged.rejects` (`rejects`: they fail, the others import), empty
rows at the end are dropped (`empty_rows`). Bytes that are not in the declared encoding stop the
import with one sentence naming the line and byte, unless the encoding was detected from an all
ASCII start: the file is then read again in the encoding it looks like.
"""

from __future__ import annotations

import contextlib
import csv
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.file.controls import (
    CONTROL_FLAG,
    control_error,
    control_flag_sql,
    first_control,
)
from kafinea_tui.data.importer.file.empty_rows import drop_empty_tail
from kafinea_tui.data.importer.file.encoding import (
    around,
    ascii_before,
    encoding_error,
    first_invalid,
    is_wide,
    normalize_encoding,
    python_codec,
    read_head,
)
from kafinea_tui.data.importer.file.line_ends import (
    MAX_LINE_BYTES,
    mixes_line_ends,
    refused,
    with_lf_rows,
)
from kafinea_tui.data.importer.file.lines import LineMap, blank_lines
from kafinea_tui.data.importer.file.rejects import Reject, read_rejects
from kafinea_tui.data.importer.file.sniff import Resolved, resolve
from kafinea_tui.data.importer.file.transcode import disappeared, utf8_source
from kafinea_tui.data.importer.plan import CsvOptions
from kafinea_tui.data.store.results import first_row


@dataclass(frozen=True)
class Transform:
    """A SELECT over `__SOURCE__` (the file's cells c1..cN) run in the scan that stages the
    file, its named parameters, and `cells`: column number -> the typed text column that holds
    that cell where its own column `c<n>` is NULL (see `validate.typed_query`)."""

    query: str
    params: dict[str, Any] = field(default_factory=dict)
    cells: dict[int, str] = field(default_factory=dict)


@dataclass
class Staged:
    """A file staged as `table` (rowid = file order); `cell_sql(i)` reads its cell i."""

    resolved: Resolved
    table: str
    rows: int
    rejects: list[Reject]
    line_map: LineMap
    base_rowid: int = 0  # rows staged inside a transaction are numbered from a large offset
    cells: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # how the file was read, for the report

    @property
    def rn_sql(self) -> str:
        """SQL for a staged row's 0-based position in the file (its `rn` everywhere else)."""
        return f"(rowid - {int(self.base_rowid)})"

    def cell_sql(self, index: int, alias: str = "") -> str:
        """SQL for the text of cell `index` (1-based) of a staged row, as the file has it."""
        prefix = f"{alias}." if alias else ""
        if index in self.cells:
            return f"coalesce({prefix}c{index}, {prefix}{self.cells[index]})"
        return f"{prefix}c{index}"

    def lines(self, cur: duckdb.DuckDBPyConnection, rowids: list[int]) -> dict[int, int]:
        """File line numbers of staged rows (by rowid)."""
        if not rowids:
            return {}
        good, _ = self.line_map.walk(self._multiline_rows(cur), set(rowids), set())
        return good

    def fix_reject_lines(self, cur: duckdb.DuckDBPyConnection) -> None:
        """DuckDB counts a reject's line without the breaks inside quoted cells: make it the
        file line, so a person finds the row in an editor."""
        if not self.rejects:
            return
        wanted = {r.line for r in self.rejects}
        _, lines = self.line_map.walk(self._multiline_rows(cur), set(), wanted)
        for reject in self.rejects:
            reject.line = lines.get(reject.line, reject.line)

    def _multiline_rows(self, cur: duckdb.DuckDBPyConnection) -> dict[int, int]:
        if not self.rows:
            return {}
        cols = [self.cell_sql(i) for i in range(1, len(self.resolved.columns) + 1)]
        breaks = " + ".join(
            f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)" for c in cols
        )
        rows = cur.execute(
            f"SELECT rn, n FROM (SELECT {self.rn_sql} AS rn, {breaks} AS n FROM {self.table})"
            " WHERE n > 0"
        ).fetchall()
        return {int(r): int(n) for r, n in rows}


def read_csv_sql(resolved: Resolved) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, len(resolved.columns) + 1))
    return (
        f"read_csv($kf_path, columns={{{columns}}}, auto_detect=false, header=$kf_header,"
        " skip=$kf_skip, delim=$kf_delim, quote='\"',"
        " escape='\"', strict_mode=true, null_padding=false, store_rejects=true,"
        f" rejects_table='kf_rejects', rejects_scan='kf_reject_scans', max_line_size={MAX_LINE_BYTES})"
    )


def drop_rejects(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("DROP TABLE IF EXISTS kf_rejects")
    cur.execute("DROP TABLE IF EXISTS kf_reject_scans")


def read_params(path: Path, resolved: Resolved) -> dict[str, Any]:
    return {
        "kf_path": str(path),
        "kf_header": resolved.header,
        "kf_skip": resolved.skip,
        "kf_delim": resolved.delimiter,
    }


def stage(
    cur: duckdb.DuckDBPyConnection,
    options: CsvOptions,
    table: str = "kf_stage",
    resolved: Resolved | None = None,
    transform: Transform | None = None,
) -> Staged:
    """Load the whole file into a TEMP all-VARCHAR table in one DuckDB scan.

    `transform` lets the importer parse the cells in the same scan, so the table holds the
    typed values and (once) the text, without a second pass over the file.

    Ragged rows and rows with bytes that are not UTF-8 come back in DuckDB's rejects table; the
    first are kept as failed rows, the second mean the file is not in its declared encoding.
    """
    resolved = resolved or resolve(options)
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    drop_rejects(cur)
    transform = transform or Transform("SELECT * FROM __SOURCE__")
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(utf8_source(resolved))
        try:
            relined = needs_lf_rows(source, resolved)
        except FileNotFoundError:
            raise disappeared(resolved.path) from None
        if relined:
            try:
                source = stack.enter_context(with_lf_rows(source, resolved.delimiter))
            except csv.Error as error:  # a cell longer than the reader takes
                size = f"a cell is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB"
                reason = size if "field larger" in str(error) else str(error)
                raise KafineaError(f"Cannot read {resolved.path.name}: {reason}.") from None
        try:
            _load(cur, table, resolved, transform, source)
        except duckdb.Error as error:
            raise _unreadable(resolved, source, error) from None
        rejects_raw = cur.execute(
            "SELECT line, byte_position, error_type, csv_line, column_idx FROM kf_rejects"
            " ORDER BY line, byte_position"
        ).fetchall()
        drop_rejects(cur)
        bad_bytes = [r for r in rejects_raw if r[2] == "INVALID ENCODING"]
        if bad_bytes:
            offset = first_invalid(resolved.path, python_codec(resolved.encoding))
            # Only a UTF-8 file has such bytes (others were transcoded): the offset is the file's.
            wrong = encoding_error(
                resolved.path, resolved.encoding, offset, around(resolved.path, offset)
            )
            # Detected as UTF-8 from its first 256 KB, all ASCII up to this byte: a legacy
            # export whose first accent comes late. Read it again in the encoding it looks
            # like, and say so. Past UTF-8 letters, the byte is a fault in a UTF-8 file.
            auto = normalize_encoding(options.encoding) == "auto"
            if not auto or wrong.likely is None or not ascii_before(resolved.path, offset):
                raise wrong
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            likely = wrong.likely
            again = stage(
                cur,
                replace(options, encoding=likely),
                table,
                replace(resolved, encoding=likely),
                transform,
            )
            again.notes.append(f"Read as {likely}: {wrong.where}.")
            return again
        counted = first_row(cur.execute(f"SELECT count(*), coalesce(min(rowid), 0) FROM {table}"))
        rows, first = (int(counted[0]), int(counted[1])) if counted else (0, 0)
        lines = LineMap(resolved.header_lines, resolved.header, resolved.path, skip=resolved.skip)
        if is_wide(resolved.encoding) or relined:
            # Line breaks are other bytes in UTF-16; a relined copy has the lines a person sees.
            lines.blanks = blank_lines(source)
        staged = Staged(resolved, table, rows, [], lines, first, dict(transform.cells))
        if rows:
            cells = [staged.cell_sql(i) for i in range(1, len(resolved.columns) + 1)]
            staged.rows = drop_empty_tail(cur, table, cells, first, rows)
        staged.rejects = read_rejects(rejects_raw, resolved, lines)
        _check_controls(cur, staged)
        if staged.rows == 0 and not staged.rejects:
            what = "has a header but no rows" if resolved.header else "has no rows"
            raise KafineaError(f"{resolved.path.name} {what}: there is nothing to import.")
        staged.fix_reject_lines(cur)
    return staged


def _load(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    resolved: Resolved,
    transform: Transform,
    source: Path,
) -> None:
    """Read `source` (UTF-8) into `table` through `transform`, in one scan."""
    # Each row's control-character flag is computed in this scan, while its cells are at hand:
    # a second scan of the staged table cost twice as much.
    flag = control_flag_sql(len(resolved.columns))
    source_sql = f"(SELECT *, {flag} AS {CONTROL_FLAG} FROM {read_csv_sql(resolved)})"
    cur.execute(
        f"CREATE TEMP TABLE {table} AS {transform.query.replace('__SOURCE__', source_sql)}",
        {**transform.params, **read_params(source, resolved)},
    )


def needs_lf_rows(source: Path, resolved: Resolved) -> bool:
    """Whether the UTF-8 `source` is read from a copy whose rows end in LF (`line_ends`): its
    line ends mix and DuckDB's strict reader refuses it, tried on a connection of its own (a
    refusal in the import's transaction would abort it). A line too long counts as a refusal:
    in a file mixing row ends, the reader lost the row after it."""
    if not mixes_line_ends(source):
        return False
    probe = duckdb.connect()
    try:
        first_row(
            probe.execute(
                f"SELECT count(*) FROM {read_csv_sql(resolved)}", read_params(source, resolved)
            )
        )
        too_long = first_row(
            probe.execute(
                "SELECT count(*) FROM kf_rejects WHERE error_type = 'LINE SIZE OVER MAXIMUM'"
            )
        )
        return bool(too_long and too_long[0])
    except duckdb.Error as error:
        return refused(error)
    finally:
        probe.close()


def _unreadable(resolved: Resolved, source: Path, error: duckdb.Error) -> KafineaError:
    if isinstance(error, duckdb.IOException) and not source.exists():
        return disappeared(resolved.path)
    return KafineaError(f"Cannot read {resolved.path.name}: {first_line(error)}")


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _check_controls(cur: duckdb.DuckDBPyConnection, staged: Staged) -> None:
    """No staged row is flagged (`CONTROL_FLAG`); the first that is is looked at alone, to
    name its line and character."""
    width = len(staged.resolved.columns)
    cells = ", ".join(staged.cell_sql(i) for i in range(1, width + 1))
    row = first_row(cur.execute(f"SELECT min(rowid) FROM {staged.table} WHERE {CONTROL_FLAG}"))
    if not row or row[0] is None:
        return
    rowid = int(row[0])
    values = first_row(cur.execute(f"SELECT {cells} FROM {staged.table} WHERE rowid = ?", [rowid]))
    char = first_control("".join(str(v) for v in values or () if v is not None))
    line = staged.lines(cur, [rowid - staged.base_rowid]).get(rowid - staged.base_rowid, 0)
    path = staged.resolved.path
    raise control_error(path, staged.resolved.encoding, line, char, read_head(path))
