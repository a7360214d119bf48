"""CSV export: a scope of records -> one CSV file, written set-based and atomically.

DuckDB writes the file (`COPY (SELECT ...) TO`, through the relation API so that the path is
an argument, never SQL text) into a temporary file beside the target; a legacy encoding is then
transcoded in streamed chunks; finally the temporary file is renamed over the target. To a
stream (standard output, an HTTP answer), the finished file is sent in `STREAM_CHUNK` pieces
(read behind the COPY, it had zeros where DuckDB had not written yet). Whatever fails (a full
disk, a character the encoding cannot hold, Ctrl-C, a `Cancellation`) removes the temporary
files, so a failed export never leaves a partial file behind nor touches an existing
one. A cancellation interrupts the running COPY; a progress callback that raises stops it too.

Quoting follows RFC 4180 (fields holding the delimiter, a quote or a line break are quoted,
quotes doubled); lines end with LF. See `sql` for how values are written.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import BinaryIO

import duckdb

from kafinea_tui.data.cancel import Cancellation, ticking
from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.exporter.encoding import unencodable
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.plan import ExportPlan, list_query, plan_export
from kafinea_tui.data.exporter.sql import scope_where
from kafinea_tui.data.exporter.target import (
    CANCELLED,
    CHUNK,
    ExportResult,
    Progress,
    check_target,
    os_error,
    temp_file,
)
from kafinea_tui.data.query import count_where
from kafinea_tui.data.special_files import is_special
from kafinea_tui.data.store.database import Store

# check_target and os_error: a front end writing an export it received elsewhere (the CLI
# through the workspace's owner) checks and reports its target as `export_file` does.
__all__ = [
    "CANCELLED",
    "ExportResult",
    "check_target",
    "count_scope",
    "export_csv",
    "export_file",
    "os_error",
]

Counted = Callable[[int], None]  # hears an export's record count before its file is written
Writer = Callable[[Store, ExportOptions, Path | BinaryIO, Progress], ExportResult]


# The pieces a stream gets: 1 MiB. Larger ones cost more over HTTP (uvicorn frames each piece
# of a chunked answer: 160 MB sent in 4 MiB pieces took 1.6 s, in 1 MiB pieces 0.9 s, measured).
STREAM_CHUNK = 1 << 20


def count_scope(store: Store, options: ExportOptions) -> int:
    """How many records a scope covers (the dialog shows it beside each scope)."""
    module = store.module(options.module)
    where, params = scope_where(
        store,
        module,
        options.scope,
        list_query(options),
        options.ids,
        options.page,
        options.page_size,
    )
    return count_where(store, module.table, where, params)


def export_file(
    store: Store,
    options: ExportOptions,
    target: Path | BinaryIO,
    progress: Progress | None = None,
    cancellation: Cancellation | None = None,
    *,
    counted: Counted | None = None,
) -> ExportResult:
    """Write the scope in the options' format: CSV here, a workbook in `exporter.xlsx`.
    `cancellation` stops it from another thread (`Cancelled`, no file written). `counted`
    (CSV only) hears the record count before the first byte is written: an HTTP answer sends
    it as a header before the file it streams."""
    writer: Writer
    if options.format == "xlsx":
        from kafinea_tui.data.exporter.xlsx import write_xlsx

        writer = write_xlsx
    elif options.format == "csv":
        writer = partial(_export_csv, counted=counted)
    else:
        raise UsageError(f"Unknown export format {options.format!r}; use csv or xlsx.")
    cancel = cancellation or Cancellation()
    with cancel.watching(store.cursor(), CANCELLED):
        if isinstance(target, Path) and is_special(target):
            path = target.expanduser()
            try:
                stream = path.open("wb")
            except OSError as error:
                raise os_error(error, path) from None
            with stream:
                counts = writer(store, options, stream, ticking(progress, cancel))
            result = replace(counts, path=path)
        else:
            result = writer(store, options, target, ticking(progress, cancel))
    if progress is not None:
        progress(1.0)  # the file is in place: a cancellation now comes too late
    return result


def export_csv(
    store: Store,
    options: ExportOptions,
    target: Path | BinaryIO,
    progress: Progress | None = None,
    cancellation: Cancellation | None = None,
    *,
    counted: Counted | None = None,
) -> ExportResult:
    """Write the scope as CSV to a path (atomically) or a binary stream (the finished file,
    sent in pieces); returns what was written."""
    options = replace(options, format="csv")
    return export_file(store, options, target, progress, cancellation, counted=counted)


def _export_csv(
    store: Store,
    options: ExportOptions,
    target: Path | BinaryIO,
    report: Progress,
    counted: Counted | None = None,
) -> ExportResult:
    plan = plan_export(store, options)
    report(0.0)
    count = count_where(store, store.module(options.module).table, *plan.where)
    if counted is not None:
        counted(count)
    stream: BinaryIO | None = None
    if isinstance(target, Path):
        final: Path | None = check_target(target)
        directory = target.expanduser().parent
    else:
        final, stream, directory = None, target, Path(tempfile.gettempdir())
    temporary: list[Path] = []
    try:
        written = _write(store, plan, directory, temporary, report)
        if stream is not None:
            with written.open("rb") as source:
                shutil.copyfileobj(source, stream, STREAM_CHUNK)
            stream.flush()
        elif final is not None:
            os.replace(written, final)
    except OSError as error:
        raise os_error(error, final) from None
    finally:
        for path in temporary:
            with contextlib.suppress(OSError):
                path.unlink()
    return ExportResult(path=final, count=count)


# -- writing ---------------------------------------------------------------------------------


def _write(
    store: Store,
    plan: ExportPlan,
    directory: Path,
    temporary: list[Path],
    report: Progress,
) -> Path:
    """Write the CSV into temporary files in `directory`; returns the finished one. A stream
    gets the finished file: reading it behind DuckDB's COPY instead sent zeros where the COPY
    had not written yet (it does not write a file strictly in order)."""
    utf8 = temp_file(directory, temporary)
    _copy(store, plan, utf8, report)
    report(0.9)
    if plan.codec == "utf-8" or plan.header_bom:
        return utf8
    encoded = temp_file(directory, temporary)
    _transcode(store, plan, utf8, encoded, report)
    return encoded


def _copy(store: Store, plan: ExportPlan, path: Path, report: Progress) -> None:
    cursor = store.cursor()
    stop = threading.Event()
    failed: list[Exception] = []  # what the progress callback raised, in the watcher's thread
    watcher = threading.Thread(target=_watch, args=(cursor, stop, report, failed), daemon=True)
    watcher.start()
    # A caller may have left a half-read result on this thread's cursor (`fetchone`); DuckDB 2
    # refuses relational calls until it is finished, and a new execute finishes it. DuckDB
    # measures a statement's progress only with its progress bar on (never printed here).
    cursor.execute("SET enable_progress_bar = true")
    cursor.execute("SET enable_progress_bar_print = false")
    try:
        relation = cursor.sql(plan.sql, params=plan.params)
        # Into `path` itself, not a file of DuckDB's renamed over it at the end (its default
        # for a file that exists): `path` is already our temporary file.
        relation.to_csv(
            str(path),
            sep=plan.delimiter,
            header=True,
            quotechar='"',
            na_rep="",
            use_tmp_file=False,
        )
    except duckdb.IOException as error:
        if not failed:
            raise _io_error(error, path) from None
    except duckdb.InterruptException:
        if not failed:
            raise
    finally:
        stop.set()
        watcher.join()
    if failed:
        raise failed[0]


def _watch(
    cursor: duckdb.DuckDBPyConnection,
    stop: threading.Event,
    report: Progress,
    failed: list[Exception],
) -> None:
    """Report DuckDB's own progress on the running COPY (0..90 %) every 0.2 s. When the
    callback raises (a cancellation), interrupt the COPY and leave the error to `_copy`."""
    while not stop.wait(0.2):
        try:
            percent = cursor.query_progress()
        except duckdb.Error:
            return
        if percent is not None and percent >= 0:
            try:
                report(min(0.9, percent / 100 * 0.9))
            except Exception as error:
                failed.append(error)
                cursor.interrupt()
                return


def _io_error(error: duckdb.IOException, path: Path) -> OSError:
    text = str(error)
    if "space" in text.lower():
        return OSError(errno.ENOSPC, "No space left on device", str(path))
    return OSError(errno.EIO, text.strip().splitlines()[0] if text.strip() else text, str(path))


def _transcode(
    store: Store, plan: ExportPlan, source: Path, target: Path, report: Progress
) -> None:
    """UTF-8 -> the chosen encoding in chunks; a character it cannot hold stops the export
    with the record and field that hold it (found with one SQL query, not a row loop)."""
    size = max(source.stat().st_size, 1)
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoder = codecs.getincrementalencoder(plan.codec)(errors="strict")
    with source.open("rb") as reader, target.open("wb") as writer:
        while True:
            chunk = reader.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            try:
                writer.write(encoder.encode(text, final=not chunk))
            except UnicodeEncodeError as error:
                raise unencodable(store, plan, error.object[error.start]) from None
            if not chunk:
                return
            report(0.9 + 0.1 * min(reader.tell() / size, 0.99))
