"""Decoded text holding NUL or C1 controls: a file read in an encoding it is not in.

A UTF-32 file read as UTF-16, or a UTF-16 file read as Latin-1, decodes without a single error,
with a NUL inside every value; a Windows-1252 file read as Latin-1 turns its curly quotes and €
into C1 controls (U+0080-U+009F), as does UTF-8 read as Latin-1. Either is the sign of a wrong
encoding: the import stops with a sentence naming the line, the character and the encoding the
bytes look like, before anything is written. Other control characters are values, kept as they
are: no encoding makes them, and files hold them (FileMaker writes a line break inside a cell as
U+000B); the app and a terminal show them as pictures (data/printable.py). Two checks: the
sample the reading settings come from (the header and the first 256 KB, in Python, before
staging), and every row, flagged in the scan that stages it (`control_flag_sql`: one regular
expression over the row's cells joined) and looked up afterwards (`stage`, with
`first_control`).
"""

from __future__ import annotations

import re
from pathlib import Path

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.file.encoding import EncodingError, detect_encoding

# NUL and the C1 controls: what a wrong encoding decodes to.
_CONTROLS = re.compile("[\x00\x80-\x9f]")
_CONTROLS_SQL = "'[\\x00\\x{80}-\\x{9F}]'"
# The staged table's column that says a row holds one.
CONTROL_FLAG = "kf_control"


def control_error(path: Path, encoding: str, line: int, char: str, head: bytes) -> KafineaError:
    """An EncodingError: the CLI's sentence names the `--encoding` option, the app's the
    Encoding field."""
    likely = detect_encoding(path, head)
    same = likely == encoding or {likely, encoding} == {"utf-8", "utf-8-sig"}
    where = (
        f"{path.name} is not {encoding} text: line {line} holds the control character"
        f" U+{ord(char):04X}"
    )
    return EncodingError(where, None if same else likely)


def check_sample(path: Path, head: bytes, text: str, encoding: str) -> None:
    """The decoded sample (the header and the first lines) holds no control character."""
    found = _CONTROLS.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise control_error(path, encoding, line, found.group(), head)


def control_flag_sql(width: int) -> str:
    """SQL over the file's cells c1..c<width>: whether the row holds a control character."""
    cells = ", ".join(f"c{i}" for i in range(1, width + 1))
    return f"regexp_matches(concat({cells}), {_CONTROLS_SQL})"


def first_control(text: str) -> str:
    """The first control character of a flagged row's text (NUL if none is found)."""
    found = _CONTROLS.search(text)
    return found.group() if found else "\x00"
