"""CSV export: a scope of records -> one CSV file, written set-based and atomically.

DuckDB writes the file (`COPY (SELECT ...) TO`, through the relation API so that the path is
an argument, never SQL text) into a temporary file beside the target; a legacy encoding is then
transcoded in streamed chunks; finally the temporary file is renamed over the target. Whatever
fails (a full disk, a character the encoding cannot hold, Ctrl-C) removes the temporary files,
so a failed export never leaves a partial file behind nor touches an existing one.

Quoting follows RFC 4180 (fields holding the delimiter, a quote or a line break are quoted,
quotes doubled); lines end with LF. See `export_sql` for how values are written.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import duckdb

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.export_sql import (
    Column,
    build_columns,
    choose_fields,
    export_query,
    scope_where,
)
from kafinea_tui.data.import_plan import DELIMITERS
from kafinea_tui.data.query import ListQuery, order_by, scalar_count
from kafinea_tui.data.store import Store

EXPORT_ENCODINGS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "iso-8859-1": "latin-1",
    "windows-1252": "cp1252",
}
DECIMALS = ("point", "comma")
HEADERS = ("labels", "names")
CHUNK = 4 * 1024 * 1024
BOM = "\ufeff"
# Files we create get the usual permissions (mkstemp makes them private); read once at import.
_UMASK = os.umask(0o022)
os.umask(_UMASK)

Progress = Callable[[float], None]


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
    delimiter: str = "comma"  # a DELIMITERS name or the character itself
    encoding: str = "utf-8"
    decimal: str = "point"
    formula_guard: bool = True
    search: str = ""


@dataclass(frozen=True)
class ExportResult:
    path: Path | None  # None when written to a stream (standard output)
    count: int  # records exported (sales orders, not their item lines)


@dataclass
class _Plan:
    options: ExportOptions
    columns: list[Column]
    sql: str
    params: list[Any]
    locate_sql: str
    delimiter: str
    codec: str
    module_label: str


def count_scope(store: Store, options: ExportOptions) -> int:
    """How many records a scope covers (the dialog shows it beside each scope)."""
    module = store.module(options.module)
    where, params = scope_where(
        store,
        module,
        options.scope,
        _list_query(options),
        options.ids,
        options.page,
        options.page_size,
    )
    return scalar_count(store, f"SELECT count(*) FROM {module.table} r WHERE {where}", params)


def export_csv(
    store: Store,
    options: ExportOptions,
    target: Path | BinaryIO,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the scope as CSV to a path (atomically) or a binary stream; returns what was written."""
    report = progress or (lambda _fraction: None)
    plan = _plan(store, options)
    report(0.0)
    count = count_scope(store, options)
    stream: BinaryIO | None = None
    if isinstance(target, Path):
        final: Path | None = _check_target(target)
        directory = target.expanduser().parent
    else:
        final, stream, directory = None, target, Path(tempfile.gettempdir())
    temporary: list[Path] = []
    try:
        written = _write(store, plan, directory, temporary, report)
        if stream is not None:
            with written.open("rb") as source:
                shutil.copyfileobj(source, stream, CHUNK)
            stream.flush()
        elif final is not None:
            os.replace(written, final)
    except OSError as error:
        raise _os_error(error, final) from None
    finally:
        for path in temporary:
            with contextlib.suppress(OSError):
                path.unlink()
    report(1.0)
    return ExportResult(path=final, count=count)


# -- planning --------------------------------------------------------------------------------


def _list_query(options: ExportOptions) -> ListQuery:
    return ListQuery(
        module=options.module,
        filter=options.filter,
        search=options.search,
        sort=tuple((name, bool(desc)) for name, desc in options.sort),
    )


def _plan(store: Store, options: ExportOptions) -> _Plan:
    module = store.module(options.module)
    if options.header not in HEADERS:
        raise UsageError(f"The header is 'labels' or 'names', not {options.header!r}.")
    if options.decimal not in DECIMALS:
        raise UsageError(f"The decimal separator is 'point' or 'comma', not {options.decimal!r}.")
    codec = EXPORT_ENCODINGS.get(options.encoding.strip().lower())
    if codec is None:
        known = ", ".join(EXPORT_ENCODINGS)
        raise UsageError(f"Cannot export in {options.encoding!r}; choose one of {known}.")
    delimiter = delimiter_char(options.delimiter)
    schema = store.schema
    chosen = choose_fields(module, options.fields)
    if not chosen:
        raise UsageError("Choose at least one field to export.")
    columns, joins, per_item = build_columns(
        module, schema, chosen, options.header, options.decimal, options.formula_guard
    )
    query = _list_query(options)
    where = scope_where(
        store, module, options.scope, query, options.ids, options.page, options.page_size
    )
    order = order_by(module, schema, query.sort)
    sql, params = export_query(module, columns, joins, per_item, where, order, headers=True)
    locate_sql, _ = export_query(module, columns, joins, per_item, where, order, headers=False)
    return _Plan(
        options=options,
        columns=columns,
        sql=sql,
        params=params,
        locate_sql=locate_sql,
        delimiter=delimiter,
        codec=codec,
        module_label=module.label,
    )


def delimiter_char(option: str) -> str:
    """A delimiter name (comma, semicolon, pipe, caret, tab) or the one character itself."""
    name = option.strip().lower() if len(option) > 1 else option
    if name in DELIMITERS:
        return DELIMITERS[name]
    if option in DELIMITERS.values():
        return option
    known = ", ".join(DELIMITERS)
    raise UsageError(f"Unknown delimiter {option!r}; choose one of {known}.")


# -- writing ---------------------------------------------------------------------------------


def _write(
    store: Store, plan: _Plan, directory: Path, temporary: list[Path], report: Progress
) -> Path:
    """Write the CSV into temporary files in `directory`; returns the finished one."""
    utf8 = _temp_file(directory, temporary)
    header_bom = plan.codec == "utf-8-sig" and not _needs_quotes(plan.columns[0].header, plan)
    if header_bom:
        # The BOM rides on the first header cell, so DuckDB writes the whole file in one pass.
        first = plan.columns[0]
        plan.sql = plan.sql.replace(
            f"AS {_quoted(first.header)}", f"AS {_quoted(BOM + first.header)}", 1
        )
    _copy(store, plan, utf8, report)
    report(0.9)
    if plan.codec == "utf-8" or header_bom:
        return utf8
    encoded = _temp_file(directory, temporary)
    _transcode(store, plan, utf8, encoded)
    return encoded


def _temp_file(directory: Path, temporary: list[Path]) -> Path:
    handle, name = tempfile.mkstemp(prefix=".kafinea-export-", suffix=".part", dir=directory)
    os.close(handle)
    path = Path(name)
    os.chmod(path, 0o666 & ~_UMASK)
    temporary.append(path)
    return path


def _quoted(header: str) -> str:
    return '"' + header.replace('"', '""') + '"'


def _needs_quotes(text: str, plan: _Plan) -> bool:
    return any(c in text for c in (plan.delimiter, '"', "\n", "\r")) or text == ""


def _copy(store: Store, plan: _Plan, path: Path, report: Progress) -> None:
    cursor = store.cursor()
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(cursor, stop, report), daemon=True)
    watcher.start()
    # A caller may have left a half-read result on this thread's cursor (`fetchone`); DuckDB 2
    # refuses relational calls until it is finished, and a new execute finishes it.
    cursor.execute("SELECT 1").fetchall()
    try:
        relation = cursor.sql(plan.sql, params=plan.params)
        relation.to_csv(str(path), sep=plan.delimiter, header=True, quotechar='"', na_rep="")
    except duckdb.IOException as error:
        raise _io_error(error, path) from None
    finally:
        stop.set()
        watcher.join()


def _watch(cursor: duckdb.DuckDBPyConnection, stop: threading.Event, report: Progress) -> None:
    """Report DuckDB's own progress on the running COPY (0..90 %) every 0.2 s."""
    while not stop.wait(0.2):
        try:
            percent = cursor.query_progress()
        except duckdb.Error:
            return
        if percent is not None and percent >= 0:
            report(min(0.9, percent / 100 * 0.9))


def _io_error(error: duckdb.IOException, path: Path) -> OSError:
    text = str(error)
    if "space" in text.lower():
        return OSError(errno.ENOSPC, "No space left on device", str(path))
    return OSError(errno.EIO, text.strip().splitlines()[0] if text.strip() else text, str(path))


def _transcode(store: Store, plan: _Plan, source: Path, target: Path) -> None:
    """UTF-8 -> the chosen encoding in chunks; a character it cannot hold stops the export
    with the record and field that hold it (found with one SQL query, not a row loop)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoder = codecs.getincrementalencoder(plan.codec)(errors="strict")
    with source.open("rb") as reader, target.open("wb") as writer:
        while True:
            chunk = reader.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            try:
                writer.write(encoder.encode(text, final=not chunk))
            except UnicodeEncodeError as error:
                raise _unencodable(store, plan, error.object[error.start]) from None
            if not chunk:
                return


def _unencodable(store: Store, plan: _Plan, char: str) -> KafineaError:
    encoding = plan.options.encoding
    for column in plan.columns:
        if _cannot_hold(column.header, plan.codec):
            return KafineaError(
                f"The header {column.header!r} holds {char!r}, which {encoding} cannot hold; "
                "export in UTF-8 or with field names as the header."
            )
    allowed = _allowed_pattern(plan.codec)
    tests = " OR ".join(
        f"NOT regexp_full_match(coalesce(c{i}, ''), ?)" for i in range(len(plan.columns))
    )
    firsts = ", ".join(
        f"NOT regexp_full_match(coalesce(c{i}, ''), ?)" for i in range(len(plan.columns))
    )
    sql = f"SELECT rid, [{firsts}], * FROM ({plan.locate_sql}) WHERE {tests} LIMIT 1"
    pattern_params = [allowed] * len(plan.columns)
    rows = store.cursor().execute(sql, [*pattern_params, *plan.params, *pattern_params]).fetchall()
    if not rows:
        return KafineaError(f"The export holds {char!r}, which {encoding} cannot hold.")
    row = rows[0]
    flags = list(row[1])
    index = flags.index(True)
    value = str(row[3 + index])
    bad = next((c for c in value if _cannot_hold(c, plan.codec)), char)
    return KafineaError(
        f"{plan.module_label} record {row[0]}: {plan.columns[index].label} holds {bad!r}, which "
        f"{encoding} cannot hold; export in UTF-8 or change the value."
    )


def _cannot_hold(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return True
    return False


def _allowed_pattern(codec: str) -> str:
    """An RE2 pattern matching text made only of characters `codec` can encode."""
    chars = sorted({bytes([b]).decode(codec, errors="ignore") for b in range(256)} - {""})
    ranges: list[str] = []
    for char in chars:
        ranges.append(f"\\x{{{ord(char):x}}}")
    return "(?s)[" + "".join(ranges) + "]*"


# -- the target path -------------------------------------------------------------------------


def _check_target(target: Path) -> Path:
    path = target.expanduser()
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the name of the file to write.")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise KafineaError(f"Cannot write {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise KafineaError(f"Cannot write {path}: permission denied.")
    return path


def _os_error(error: OSError, path: Path | None) -> KafineaError:
    where = str(path) if path is not None else "the export"
    if error.errno == errno.ENOSPC:
        return KafineaError(f"The disk is full: {where} was not written.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return KafineaError(f"Cannot write {where}: permission denied.")
    return KafineaError(f"Cannot write {where}: {error.strerror or error}.")
