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
ENCODINGS: tuple[str, ...] = ("auto", "utf-8", "utf-8-sig", "iso-8859-1", "windows-1252", "utf-16")
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
