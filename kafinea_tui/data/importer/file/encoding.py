"""Which encoding a CSV file is in, and a sentence naming the line and byte when it is not.

A BOM decides; valid UTF-8 is UTF-8; otherwise charset-normalizer chooses between the two
single-byte encodings French exports use. Every pass over a whole file is streamed in 4 MB
chunks at C speed, so a large file never sits in a Python string.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from kafinea_tui.data.csv_dialect import encoding_name
from kafinea_tui.data.errors import KafineaError

SAMPLE_BYTES = 256 * 1024
CHUNK_BYTES = 4 * 1024 * 1024

_CODECS = {"iso-8859-1": "latin-1", "windows-1252": "cp1252"}


def normalize_encoding(name: str) -> str:
    """The canonical name of an encoding option, or a UsageError listing the choices."""
    return encoding_name(name)


def python_codec(encoding: str) -> str:
    return _CODECS.get(encoding, encoding)


def read_head(path: Path, size: int = SAMPLE_BYTES) -> bytes:
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
    """A BOM decides (the longest first: UTF-32's begins with UTF-16's); else the zero bytes
    of UTF-32 or UTF-16 text; else valid UTF-8 is UTF-8; else charset-normalizer's best guess
    among the encodings people export CSV in (Windows-1252 when its extra letters such as € or
    œ appear)."""
    head = read_head(path) if head is None else head
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        return _wide_encoding(head) or "utf-8"  # binary: `check_not_binary` names it
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return guess_legacy(head)


def byte_order(path: Path, head: bytes, encoding: str) -> str:
    """The encoding to read a file declared `encoding` in. `utf-16` or `utf-32` without a BOM
    (which Python's codecs refuse outright) is read in the byte order its zero bytes show; a
    file showing neither is not such text, and the sentence says what it looks like."""
    if encoding not in ("utf-16", "utf-32"):
        return encoding
    marks = _BOMS[encoding]
    if head.startswith(marks):
        return encoding
    wide = _wide_encoding(head)
    if wide is not None and wide.startswith(encoding):
        return wide
    likely = detect_encoding(path, head)
    raise EncodingError(
        f"{path.name} is not {encoding} text: it has neither the byte order mark nor the zero"
        " bytes of such text",
        likely if likely != encoding else None,
    )


_BOMS = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


def _bom_encoding(data: bytes) -> str | None:
    """The encoding a byte order mark at the start of `data` names."""
    for name in ("utf-32", "utf-16"):  # UTF-32's little-endian mark begins with UTF-16's
        if data.startswith(_BOMS[name]):
            return name
    return "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else None


def _wide_encoding(head: bytes) -> str | None:
    """UTF-32 or UTF-16 (little or big endian) from where the zero bytes of mostly Latin text
    fall, or None."""
    for width, name in ((4, "utf-32"), (2, "utf-16")):
        lanes = [head[i::width] for i in range(width)]
        zero = [lane.count(0) > len(lane) * 0.3 for lane in lanes]
        rare = [lane.count(0) < len(lane) * 0.05 for lane in lanes]
        if rare[0] and all(zero[1:]):
            return f"{name}-le"
        if rare[-1] and all(zero[:-1]):
            return f"{name}-be"
    return None


def guess_legacy(data: bytes) -> str:
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


class EncodingError(KafineaError):
    """A file that is not valid in the encoding it is read as. `likely` is the encoding it
    looks like (None when that is the same one): the CLI names its option, the app its field."""

    def __init__(self, where: str, likely: str | None) -> None:
        self.where = where
        self.likely = likely
        hint = f"; it looks like {likely}, try --encoding {likely}" if likely else ""
        super().__init__(f"{where}{hint}.")

    def on_screen(self) -> str:
        hint = f"; it looks like {self.likely}: choose it as the Encoding" if self.likely else ""
        return f"{self.where}{hint}."


def encoding_error(path: Path, encoding: str, offset: int, data: bytes) -> EncodingError:
    """One sentence naming the line and byte of the first byte that is not `encoding`."""
    line = _count_newlines(path, offset) + 1
    likely = _bom_encoding(data) or _wide_encoding(data)
    if likely is None:
        likely = guess_legacy(data) if encoding.startswith("utf-8") else _likely_other(data)
    where = f"{path.name} is not valid {encoding}: line {line}, byte offset {offset}"
    return EncodingError(where, likely if likely != encoding else None)


def _likely_other(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return guess_legacy(data)


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


def is_wide(encoding: str) -> bool:
    """UTF-16 and UTF-32, whose line breaks and zero bytes are not those of other text."""
    return encoding.startswith(("utf-16", "utf-32"))


def check_not_binary(path: Path, head: bytes, encoding: str) -> None:
    """Zero bytes that are not UTF-16 or UTF-32 text (declared, or by their pattern)."""
    if not is_wide(encoding) and b"\x00" in head and _wide_encoding(head) is None:
        raise KafineaError(f"{path.name} looks like a binary file, not a CSV text file.")


def decode_sample(path: Path, head: bytes, encoding: str, complete: bool) -> str:
    """The head decoded, cut after its last whole line unless the head is the whole file."""
    if not complete:
        wide = is_wide(encoding)
        cut = _wide_last_newline(head, encoding) if wide else head.rfind(b"\n") + 1
        if cut > 0:
            head = head[:cut]
    try:
        return codecs.getincrementaldecoder(python_codec(encoding))().decode(head, final=complete)
    except UnicodeDecodeError:
        offset = first_invalid(path, python_codec(encoding))
        raise encoding_error(path, encoding, offset, head) from None


def _wide_last_newline(head: bytes, encoding: str) -> int:
    """Where the last whole line of UTF-16 or UTF-32 bytes ends."""
    width = 4 if encoding.startswith("utf-32") else 2
    boms = {2: codecs.BOM_UTF16_BE, 4: codecs.BOM_UTF32_BE}
    be = encoding.endswith("-be") or (not encoding.endswith("-le") and head.startswith(boms[width]))
    zeros = b"\x00" * (width - 1)
    mark = zeros + b"\n" if be else b"\n" + zeros
    pos = head.rfind(mark)
    while pos > 0 and pos % width:
        pos = head.rfind(mark, 0, pos)
    return pos + width if pos >= 0 else 0


def first_invalid(path: Path, codec: str) -> int:
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


def ascii_before(path: Path, offset: int) -> bool:
    """Whether the file's bytes before `offset` are all ASCII: nothing there tells UTF-8 from a
    legacy encoding (a streamed C-speed pass)."""
    done = 0
    with path.open("rb") as handle:
        while done < offset:
            chunk = handle.read(min(CHUNK_BYTES, offset - done))
            if not chunk:
                break
            if not chunk.isascii():
                return False
            done += len(chunk)
    return True


def around(path: Path, offset: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(max(offset - SAMPLE_BYTES // 2, 0))
        return handle.read(SAMPLE_BYTES)
