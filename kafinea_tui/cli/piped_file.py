"""`import MODULE -` (standard input) and a pipe given as the file (`/dev/stdin` in a pipeline, a
named pipe): the importer reads its file several times (the sniff, the count of line ends, the
staging), which a pipe allows once. What comes through it is copied into a temporary file
first, named for what it holds (a workbook by its first bytes, else CSV text): `stdin.csv` for
standard input, as past imports show it."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.special_files import is_special

STDIN = Path("-")
KNOWN_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
_CHUNK = 1 << 20


def shown_name(path: Path) -> str:
    """How the report and past imports name the source."""
    return "standard input" if path == STDIN else str(path)


def piped_name(path: Path, readable: Path) -> str | None:
    """The name past imports give the source when `readable` is `readable_copy`'s copy of
    `path` (`stdin.csv`), else None: the file's own name stands."""
    return readable.name if readable != path else None


@contextmanager
def readable_copy(path: Path) -> Iterator[Path]:
    """`path` itself when it is a file the importer can read again, else a temporary copy of
    what the pipe holds, removed afterwards."""
    if path != STDIN and not is_special(path):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="kafinea-piped-") as folder:
        try:
            source: BinaryIO = sys.stdin.buffer if path == STDIN else path.open("rb")
        except OSError as error:
            raise KafineaError(f"Cannot read {path}: {error.strerror or error}.") from None
        with source:
            if source.isatty():  # nothing would come until Ctrl-D
                raise UsageError(
                    f"{path} reads the file from this terminal: pipe the file in"
                    f" (cat people.csv | kafinea-tui import contacts {path}), or name it."
                )
            head = source.read(128)
            copy = Path(folder) / _copy_name(path, head)
            with copy.open("wb") as target:
                target.write(head)
                shutil.copyfileobj(source, target, _CHUNK)
        yield copy


def _copy_name(path: Path, head: bytes) -> str:
    stem = "stdin" if path == STDIN else path.name
    if Path(stem).suffix.lower() in KNOWN_SUFFIXES:
        return stem
    if head.startswith(b"PK\x03\x04"):  # a zip: an OpenDocument sheet names its mimetype first
        return f"{stem}.ods" if b"opendocument.spreadsheet" in head else f"{stem}.xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 compound file: Excel 97-2003
        return f"{stem}.xls"
    return f"{stem}.csv"
