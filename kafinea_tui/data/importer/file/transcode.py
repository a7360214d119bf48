"""A file in another encoding than UTF-8, transcoded for DuckDB's reader, which reads UTF-8.

The transcoding streams in chunks to a temporary file, so a large file never sits in memory; a
byte that is not in the declared encoding stops it with the sentence naming its line and byte.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.file.encoding import (
    CHUNK_BYTES,
    around,
    encoding_error,
    first_invalid,
    python_codec,
)
from kafinea_tui.data.importer.file.sniff import Resolved


@contextlib.contextmanager
def utf8_source(resolved: Resolved) -> Iterator[Path]:
    """The file itself when DuckDB can read it (UTF-8), else a streamed UTF-8 transcoding of it."""
    if resolved.encoding in ("utf-8", "utf-8-sig"):
        yield resolved.path
        return
    with temporary_csv() as target:
        _transcode(resolved.path, resolved.encoding, target)
        yield target


@contextlib.contextmanager
def temporary_csv(prefix: str = "kafinea-") -> Iterator[Path]:
    """The path of a temporary file for a copy of the file being read, removed afterwards."""
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".csv")
    os.close(handle)
    target = Path(name)
    try:
        yield target
    finally:
        target.unlink(missing_ok=True)


def disappeared(path: Path) -> KafineaError:
    return KafineaError(
        f"The file {path} disappeared while it was being read; nothing was imported."
    )


def _transcode(source: Path, encoding: str, target: Path) -> None:
    decoder = codecs.getincrementaldecoder(python_codec(encoding))()
    try:
        with source.open("rb") as inp, target.open("w", encoding="utf-8", newline="") as out:
            while True:
                chunk = inp.read(CHUNK_BYTES)
                final = not chunk
                try:
                    out.write(decoder.decode(chunk, final=final))
                except UnicodeDecodeError:
                    bad = first_invalid(source, python_codec(encoding))
                    raise encoding_error(source, encoding, bad, around(source, bad)) from None
                if final:
                    break
    except FileNotFoundError:
        raise disappeared(source) from None
