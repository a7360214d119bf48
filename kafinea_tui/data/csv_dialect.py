"""The words a CSV file's dialect is chosen with, shared by import and export: delimiter names,
encodings, date formats, and the one parser of a delimiter option.

Light on purpose (nothing but the errors module): the command line builds its parser from
these without loading an engine.
"""

from __future__ import annotations

from kafinea_tui.data.errors import UsageError

DELIMITERS: dict[str, str] = {
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "caret": "^",
    "tab": "\t",
}
# What an import reads ('auto': detected from the file). An export writes EXPORT_ENCODINGS.
ENCODINGS: tuple[str, ...] = (
    "auto",
    "utf-8",
    "utf-8-sig",
    "iso-8859-1",
    "windows-1252",
    "utf-16",
    "utf-32",
)
# The usual other spellings of ENCODINGS (after lower-casing, `_` read as `-`). The list is
# closed on purpose: a Python codec name such as rot13, base64 or utf-7 is not an encoding a
# CSV file is written in, and trying it only turns a typo into garbage or a crash.
ENCODING_ALIASES: dict[str, str] = {
    "utf8": "utf-8",
    "utf8-sig": "utf-8-sig",
    "utf-8-bom": "utf-8-sig",
    "iso8859-1": "iso-8859-1",
    "iso88591": "iso-8859-1",
    "latin-1": "iso-8859-1",
    "latin1": "iso-8859-1",
    "l1": "iso-8859-1",
    "cp1252": "windows-1252",
    "cp-1252": "windows-1252",
    "windows1252": "windows-1252",
    "win-1252": "windows-1252",
    "ansi": "windows-1252",
    "utf16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-16be": "utf-16-be",
    "utf32": "utf-32",
    "utf-32-le": "utf-32-le",
    "utf-32le": "utf-32-le",
    "utf-32-be": "utf-32-be",
    "utf-32be": "utf-32-be",
}
DATE_FORMATS: tuple[str, ...] = ("dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd", "dd.mm.yyyy")

# Characters no delimiter can be: the quote and the line ends.
_NOT_DELIMITERS = '"\r\n'


def delimiter_char(option: str, *, auto: bool = False) -> str:
    """A delimiter option -> its character: a name of DELIMITERS (any case, spaces around it
    ignored), `\\t` or `tabulation` for a tab, or one character other than a quote or a line
    end. `auto` (sniff the file) is kept when `auto` is true, which only reading allows.
    Anything else is a UsageError naming the choices."""
    value = option if option == "\t" else option.strip().lower()
    if auto and value == "auto":
        return value
    if value in DELIMITERS:
        return DELIMITERS[value]
    if value in DELIMITERS.values():
        return value
    if value in ("\\t", "tabulation"):
        return "\t"
    if len(option) == 1 and option not in _NOT_DELIMITERS:
        return option
    names = ", ".join([*DELIMITERS, "auto"] if auto else DELIMITERS)
    raise UsageError(f"Unknown delimiter {option!r}; use {names} or the character itself.")


def encoding_name(option: str, *, auto: bool = True) -> str:
    """An encoding option -> its name in ENCODINGS (an alias of ENCODING_ALIASES is read as
    its encoding; `auto` only where reading allows it). Anything else is a UsageError listing
    the names, whatever Python's codecs would make of it."""
    key = option.strip().lower().replace("_", "-")
    key = ENCODING_ALIASES.get(key, key)
    if (key in ENCODINGS and (auto or key != "auto")) or key in (
        "utf-16-le",
        "utf-16-be",
        "utf-32-le",
        "utf-32-be",
    ):
        return key
    names = [e for e in ENCODINGS if auto or e != "auto"]
    raise UsageError(
        f"Unknown encoding {option!r}; use {', '.join(names[1:] if auto else names)}"
        f"{' or auto' if auto else ''} (or latin-1, cp1252, utf8: the usual other names)."
    )
