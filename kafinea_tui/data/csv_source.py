"""Reading CSV files: encoding, delimiter, header, preview, and staging into DuckDB.

Public names (used by the import wizard, the CLI and the importer):

- `resolve(options) -> Resolved`: the encoding, delimiter and columns of a file, 'auto' resolved.
- `detect_encoding(path) -> str`, `sniff_delimiter(text) -> str`: the two sniffers on their own.
- `preview(options, rows=20) -> Preview`: the first rows exactly as the import will parse them.
- `stage(cur, options, table) -> Staged`: the whole file as an all-VARCHAR DuckDB table
  (columns `c1..cN`, file order in `rowid`), ragged rows kept aside as `Staged.rejects`.
- `Staged.lines(cur, rowids) -> dict[rowid, line]`: the file line numbers of staged rows.

Why DuckDB's reader: it is the fastest CSV parser we have and it runs set-based. UTF-8 files are
read in place; other encodings are transcoded to a temporary UTF-8 file in streamed chunks, so
a large file never sits in a Python string. Every problem a person can fix is raised as one
`KafineaError` sentence, before anything is written.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.import_plan import DELIMITERS, CsvOptions

SAMPLE_BYTES = 256 * 1024
CHUNK_BYTES = 4 * 1024 * 1024
CANDIDATE_DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|", "^")

# What people type for an encoding -> the Python codec we use and the name we show.
_ENCODING_NAMES: dict[str, str] = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "iso-8859-1": "iso-8859-1",
    "iso8859-1": "iso-8859-1",
    "latin-1": "iso-8859-1",
    "latin1": "iso-8859-1",
    "windows-1252": "windows-1252",
    "cp1252": "windows-1252",
    "utf-16": "utf-16",
    "utf16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-16be": "utf-16-be",
}
_CODECS = {"iso-8859-1": "latin-1", "windows-1252": "cp1252"}


@dataclass(frozen=True)
class Resolved:
    """A file's reading settings with 'auto' resolved, and its column names."""

    path: Path
    encoding: str
    delimiter: str
    header: bool
    columns: list[str]
    header_lines: int  # physical lines the header record takes (0 without a header)


@dataclass
class Preview:
    columns: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    header: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class Reject:
    """A row the reader could not split into the file's columns (too many or too few cells)."""

    line: int
    reason: str
    text: str


@dataclass
class Staged:
    """A file staged as `table` (columns c1..cN in `resolved.columns` order, rowid = file order)."""

    resolved: Resolved
    table: str
    rows: int
    rejects: list[Reject]
    _reject_extra: dict[int, int] = field(default_factory=dict, repr=False)
    _blanks: list[int] | None = field(default=None, repr=False)
    base_rowid: int = 0  # rows staged inside a transaction are numbered from a large offset

    @property
    def rn_sql(self) -> str:
        """SQL for a staged row's 0-based position in the file (its `rn` everywhere else)."""
        return f"(rowid - {int(self.base_rowid)})"

    def lines(self, cur: duckdb.DuckDBPyConnection, rowids: list[int]) -> dict[int, int]:
        """File line numbers of staged rows (by rowid).

        Plain arithmetic when the file has no multi-line records, blank lines or ragged rows;
        otherwise one sparse pass over the staged cells and a walk over those few events.
        """
        good, _ = self._walk(cur, set(rowids), set())
        return good

    def _walk(
        self, cur: duckdb.DuckDBPyConnection, wanted: set[int], rejected: set[int]
    ) -> tuple[dict[int, int], dict[int, int]]:
        line_start = self.resolved.header_lines + 1
        if not wanted and not rejected:
            return {}, {}
        multi = self._multiline_rows(cur) if self.rows else {}
        blanks = set(self.blank_lines())
        all_rejected = set(self._reject_extra)
        if not multi and not blanks and not all_rejected:
            return {r: line_start + r for r in wanted}, {}
        last_good = max(wanted, default=-1)
        last_reject = max(rejected, default=-1)
        good_lines: dict[int, int] = {}
        reject_lines: dict[int, int] = {}
        line = line_start  # the file line where the next record starts
        record = 2 if self.resolved.header else 1  # DuckDB's count, which skips quoted breaks
        good = 0
        while good <= last_good or record <= last_reject:
            if line in blanks:
                line += 1
                record += 1
            elif record in all_rejected:
                if record in rejected:
                    reject_lines[record] = line
                line += 1 + self._reject_extra[record]
                record += 1
            else:
                if good in wanted:
                    good_lines[good] = line
                line += 1 + multi.get(good, 0)
                record += 1
                good += 1
        return good_lines, reject_lines

    def fix_reject_lines(self, cur: duckdb.DuckDBPyConnection) -> None:
        """DuckDB counts a reject's line without the breaks inside quoted cells: make it the
        file line, so a person finds the row in an editor."""
        if not self.rejects:
            return
        _, lines = self._walk(cur, set(), {r.line for r in self.rejects})
        for reject in self.rejects:
            reject.line = lines.get(reject.line, reject.line)

    def blank_lines(self) -> list[int]:
        if self._blanks is None:
            self._blanks = _blank_lines(self.resolved.path)
        return self._blanks

    def _multiline_rows(self, cur: duckdb.DuckDBPyConnection) -> dict[int, int]:
        cols = [f"c{i}" for i in range(1, len(self.resolved.columns) + 1)]
        breaks = " + ".join(
            f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)" for c in cols
        )
        rows = cur.execute(
            f"SELECT rn, n FROM (SELECT {self.rn_sql} AS rn, {breaks} AS n FROM {self.table})"
            " WHERE n > 0"
        ).fetchall()
        return {int(r): int(n) for r, n in rows}


# -- encodings ------------------------------------------------------------------------------


def normalize_encoding(name: str) -> str:
    """The canonical name of an encoding option, or a UsageError listing the choices."""
    key = name.strip().lower().replace("_", "-")
    if key == "auto":
        return "auto"
    if key in _ENCODING_NAMES:
        return _ENCODING_NAMES[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        raise UsageError(
            f"Unknown encoding {name!r}; use utf-8, utf-8-sig, iso-8859-1, windows-1252, "
            "utf-16 or auto."
        ) from None


def python_codec(encoding: str) -> str:
    return _CODECS.get(encoding, encoding)


def _read_head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except FileNotFoundError:
        raise KafineaError(f"The file {path} does not exist.") from None
    except IsADirectoryError:
        raise KafineaError(f"{path} is a folder, not a CSV file.") from None
    except OSError as error:
        raise KafineaError(f"Cannot read {path}: {error.strerror or error}.") from None


def detect_encoding(path: Path, head: bytes | None = None) -> str:
    """A BOM decides; else valid UTF-8 is UTF-8; else charset-normalizer's best guess among the
    encodings people export CSV in (Windows-1252 when its extra letters such as € or œ appear)."""
    head = _read_head(path) if head is None else head
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
            return "utf-16-be"
        return "utf-8"  # binary: `_check_not_binary` names it
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _guess_legacy(head)


def _guess_legacy(data: bytes) -> str:
    """charset-normalizer's choice among the single-byte encodings CSV exports use here:
    Windows-1252 when its extra letters (€, œ, curly quotes in 0x80-0x9F) decode, else Latin-1."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:SAMPLE_BYTES], cp_isolation=["cp1252", "latin_1"]).best()
    guess = best.encoding if best else "cp1252"
    if guess == "cp1252" or re.search(rb"[\x80-\x9f]", data):
        try:
            data.decode("cp1252")
            return "windows-1252"
        except UnicodeDecodeError:
            return "iso-8859-1"
    return "iso-8859-1"


def _encoding_error(path: Path, encoding: str, offset: int, data: bytes) -> KafineaError:
    """One sentence naming the line and byte of the first byte that is not `encoding`."""
    line = _count_newlines(path, offset) + 1
    likely = _guess_legacy(data) if encoding.startswith("utf-8") else _likely_other(data)
    hint = f"; it looks like {likely}, try --encoding {likely}" if likely != encoding else ""
    return KafineaError(
        f"{path.name} is not valid {encoding}: line {line}, byte offset {offset}{hint}."
    )


def _likely_other(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return _guess_legacy(data)


def _count_newlines(path: Path, end: int) -> int:
    count = 0
    with path.open("rb") as handle:
        done = 0
        while done < end:
            chunk = handle.read(min(CHUNK_BYTES, end - done))
            if not chunk:
                break
            count += chunk.count(b"\n")
            done += len(chunk)
    return count


def _check_not_binary(path: Path, head: bytes, encoding: str) -> None:
    if not encoding.startswith("utf-16") and b"\x00" in head:
        raise KafineaError(f"{path.name} looks like a binary file, not a CSV text file.")


def _decode_sample(path: Path, head: bytes, encoding: str, complete: bool) -> str:
    """The head decoded, cut after its last whole line unless the head is the whole file."""
    if not complete:
        if encoding.startswith("utf-16"):
            cut = _utf16_last_newline(head, encoding)
        else:
            cut = head.rfind(b"\n") + 1
        if cut > 0:
            head = head[:cut]
    try:
        return codecs.getincrementaldecoder(python_codec(encoding))().decode(head, final=complete)
    except UnicodeDecodeError:
        offset = _first_invalid(path, python_codec(encoding))
        raise _encoding_error(path, encoding, offset, head) from None


def _utf16_last_newline(head: bytes, encoding: str) -> int:
    be = encoding == "utf-16-be" or (encoding == "utf-16" and head.startswith(codecs.BOM_UTF16_BE))
    mark = b"\x00\n" if be else b"\n\x00"
    pos = head.rfind(mark)
    while pos > 0 and pos % 2:
        pos = head.rfind(mark, 0, pos)
    return pos + 2 if pos >= 0 else 0


# -- delimiter and header -------------------------------------------------------------------


def delimiter_char(option: str) -> str:
    """'semicolon' -> ';', a single character as is, 'auto' kept; anything else is a UsageError."""
    value = option if option in ("\t",) else option.strip().lower()
    if value == "auto" or value in DELIMITERS.values():
        return value
    if value in DELIMITERS:
        return DELIMITERS[value]
    if value in ("\\t", "tabulation"):
        return "\t"
    if len(option) == 1 and option not in '"\r\n':
        return option
    names = ", ".join(DELIMITERS)
    raise UsageError(f"Unknown delimiter {option!r}; use {names}, auto or the character itself.")


def _records(text: str, delimiter: str, limit: int) -> list[list[str]]:
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
        rows = _records(text, candidate, 50)
        if not rows:
            continue
        width = len(rows[0])
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
    head = _read_head(path)
    complete = len(head) < SAMPLE_BYTES
    encoding = normalize_encoding(options.encoding)
    if encoding == "auto":
        encoding = detect_encoding(path, head)
    _check_not_binary(path, head, encoding)
    text = _decode_sample(path, head, encoding, complete)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise KafineaError(f"{path.name} is empty: there is nothing to import.")
    delimiter = delimiter_char(options.delimiter)
    if delimiter == "auto":
        delimiter = sniff_delimiter(text)
    rows = _records(text, delimiter, 50)
    if not rows:
        raise KafineaError(f"{path.name} is empty: there is nothing to import.")
    if options.header:
        columns = _column_names(rows[0])
        header_lines = _first_record_lines(text, delimiter)
    else:
        width = Counter(len(r) for r in rows).most_common(1)[0][0]
        columns = [str(i) for i in range(1, width + 1)]
        header_lines = 0
    return Resolved(path, encoding, delimiter, options.header, columns, header_lines)


def _first_record_lines(text: str, delimiter: str) -> int:
    """Physical lines up to the end of the header record (blank lines before it included)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    with contextlib.suppress(StopIteration, csv.Error):
        while True:
            if next(reader):
                return reader.line_num
    return 1


# -- reading with DuckDB --------------------------------------------------------------------


def _read_csv_sql(resolved: Resolved) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, len(resolved.columns) + 1))
    return (
        f"read_csv($kf_path, columns={{{columns}}}, auto_detect=false, header=$kf_header,"
        " delim=$kf_delim, quote='\"',"
        " escape='\"', strict_mode=true, null_padding=false, store_rejects=true,"
        " rejects_table='kf_rejects', rejects_scan='kf_reject_scans', max_line_size=16777216)"
    )


@contextlib.contextmanager
def utf8_source(resolved: Resolved) -> Iterator[Path]:
    """The file itself when DuckDB can read it (UTF-8), else a streamed UTF-8 transcoding of it."""
    if resolved.encoding in ("utf-8", "utf-8-sig"):
        yield resolved.path
        return
    handle, name = tempfile.mkstemp(prefix="kafinea-", suffix=".csv")
    os.close(handle)
    target = Path(name)
    try:
        _transcode(resolved.path, resolved.encoding, target)
        yield target
    finally:
        target.unlink(missing_ok=True)


def _transcode(source: Path, encoding: str, target: Path) -> None:
    decoder = codecs.getincrementaldecoder(python_codec(encoding))()
    offset = 0
    try:
        with source.open("rb") as inp, target.open("w", encoding="utf-8", newline="") as out:
            while True:
                chunk = inp.read(CHUNK_BYTES)
                final = not chunk
                try:
                    out.write(decoder.decode(chunk, final=final))
                except UnicodeDecodeError:
                    bad = _first_invalid(source, python_codec(encoding))
                    raise _encoding_error(source, encoding, bad, _around(source, bad)) from None
                offset += len(chunk)
                if final:
                    break
    except FileNotFoundError:
        raise KafineaError(
            f"The file {source} disappeared while it was being read; nothing was imported."
        ) from None


def _drop_rejects(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("DROP TABLE IF EXISTS kf_rejects")
    cur.execute("DROP TABLE IF EXISTS kf_reject_scans")


def _read_params(path: Path, resolved: Resolved) -> dict[str, Any]:
    return {"kf_path": str(path), "kf_header": resolved.header, "kf_delim": resolved.delimiter}


def stage(
    cur: duckdb.DuckDBPyConnection,
    options: CsvOptions,
    table: str = "kf_stage",
    resolved: Resolved | None = None,
    transform: tuple[str, dict[str, Any]] | None = None,
) -> Staged:
    """Load the whole file into a TEMP all-VARCHAR table in one DuckDB scan.

    `transform` is (a SELECT over `__SOURCE__`, its named parameters): the importer parses the
    cells in the same scan, so the table holds the text and the typed values without a second
    copy of the file.

    Ragged rows and rows with bytes that are not UTF-8 come back in DuckDB's rejects table; the
    first are kept as failed rows, the second mean the file is not in its declared encoding.
    """
    resolved = resolved or resolve(options)
    cur.execute(f"DROP TABLE IF EXISTS {table}")
    _drop_rejects(cur)
    with utf8_source(resolved) as source:
        try:
            query, params = transform or ("SELECT * FROM __SOURCE__", {})
            source_sql = f"(SELECT * FROM {_read_csv_sql(resolved)})"
            cur.execute(
                f"CREATE TEMP TABLE {table} AS {query.replace('__SOURCE__', source_sql)}",
                {**params, **_read_params(source, resolved)},
            )
        except duckdb.IOException as error:
            if not source.exists():
                raise KafineaError(
                    f"The file {resolved.path} disappeared while it was being read; "
                    "nothing was imported."
                ) from None
            raise KafineaError(f"Cannot read {resolved.path.name}: {_first_line(error)}") from None
        except duckdb.Error as error:
            raise KafineaError(f"Cannot read {resolved.path.name}: {_first_line(error)}") from None
        rejects_raw = cur.execute(
            "SELECT line, byte_position, error_type, csv_line, error_message FROM kf_rejects"
            " ORDER BY line, byte_position"
        ).fetchall()
        _drop_rejects(cur)
        bad_bytes = [r for r in rejects_raw if r[2] == "INVALID ENCODING"]
        if bad_bytes:
            offset = _first_invalid(resolved.path, python_codec(resolved.encoding))
            raise _encoding_error(resolved.path, resolved.encoding, offset, _around(source, offset))
        rows_row = cur.execute(f"SELECT count(*) FROM {table}").fetchone()
        rows = int(rows_row[0]) if rows_row else 0
        base = cur.execute(f"SELECT coalesce(min(rowid), 0) FROM {table}").fetchone()
        staged = Staged(resolved, table, rows, [], base_rowid=int(base[0]) if base else 0)
        _attach_rejects(staged, rejects_raw)
        if rows == 0 and not staged.rejects:
            what = "has a header but no rows" if resolved.header else "has no rows"
            raise KafineaError(f"{resolved.path.name} {what}: there is nothing to import.")
        if resolved.encoding.startswith("utf-16"):
            staged._blanks = _blank_lines(source)  # line breaks are other bytes in UTF-16
        staged.fix_reject_lines(cur)
    return staged


def _attach_rejects(staged: Staged, raw: list[tuple[object, ...]]) -> None:
    expected = len(staged.resolved.columns)
    seen: set[int] = set()
    for line, _byte, kind, text, _message in raw:
        record = int(str(line))
        if record in seen:
            continue
        seen.add(record)
        text_s = str(text or "")
        cells = next(
            csv.reader(io.StringIO(text_s, newline=""), delimiter=staged.resolved.delimiter), []
        )
        found = len(cells)
        if kind == "TOO MANY COLUMNS":
            reason = f"{found} cells where the header has {expected}: too many"
        elif kind == "MISSING COLUMNS":
            reason = f"{found} cells where the header has {expected}: too few"
        else:
            reason = f"cannot be read ({str(kind).lower()})"
        staged._reject_extra[record] = text_s.count("\n")
        staged.rejects.append(Reject(record, reason, text_s))


def _first_invalid(path: Path, codec: str) -> int:
    """The offset of the first byte that does not decode: a streamed C-speed pass."""
    decoder = codecs.getincrementaldecoder("utf-8" if codec == "utf-8-sig" else codec)()
    offset = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                return max(offset - pending + error.start, 0)
            if not chunk:
                return offset
            offset += len(chunk)


def _around(path: Path, offset: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(max(offset - SAMPLE_BYTES // 2, 0))
        return handle.read(SAMPLE_BYTES)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


_BLANK = re.compile(rb"\n(?=\r?\n)")


def _blank_lines(path: Path | None) -> list[int]:
    """File line numbers of empty lines (DuckDB skips them): a streamed scan at C speed."""
    if path is None:
        return []
    found: list[int] = []
    line = 1
    carry = b""
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            if not chunk:
                break
            data = carry + chunk
            keep = max(len(data) - 2, 0) if len(chunk) == CHUNK_BYTES else len(data)
            start = 0
            for match in _BLANK.finditer(data):
                if match.start() >= keep:
                    break
                line += data.count(b"\n", start, match.start() + 1)
                start = match.start() + 1
                found.append(line)
            line += data.count(b"\n", start, keep)
            carry = data[keep:]
    return found


def preview(options: CsvOptions, rows: int = 20) -> Preview:
    """The first `rows` records as the import will read them, from the first 256 KB only."""
    resolved = resolve(options)
    head = _read_head(resolved.path)
    complete = len(head) < SAMPLE_BYTES
    text = _decode_sample(resolved.path, head, resolved.encoding, complete)
    handle, name = tempfile.mkstemp(prefix="kafinea-preview-", suffix=".csv")
    os.close(handle)
    sample = Path(name)
    try:
        sample.write_text(text, encoding="utf-8", newline="")
        conn = duckdb.connect()
        try:
            query = f"SELECT * FROM {_read_csv_sql(resolved)} LIMIT {int(rows)}"
            result = conn.execute(query, _read_params(sample, resolved))
            found = [["" if v is None else str(v) for v in row] for row in result.fetchall()]
            problems = [
                f"line {line}: {_reject_reason(kind, str(text_))}"
                for line, kind, text_ in conn.execute(
                    "SELECT line, error_type, csv_line FROM kf_rejects ORDER BY line LIMIT 20"
                ).fetchall()
            ]
        except duckdb.Error as error:
            found, problems = [], [_first_line(error)]
        finally:
            conn.close()
    finally:
        sample.unlink(missing_ok=True)
    return Preview(
        resolved.columns, found, resolved.encoding, resolved.delimiter, resolved.header, problems
    )


def _reject_reason(kind: str, text: str) -> str:
    if kind == "TOO MANY COLUMNS":
        return f"too many cells ({text[:60]!r})"
    if kind == "MISSING COLUMNS":
        return f"too few cells ({text[:60]!r})"
    return kind.lower()
