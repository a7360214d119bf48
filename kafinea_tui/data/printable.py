"""Text as a terminal may be given it: control characters shown as their pictures, not sent.

A CRM value read from a CSV of unknown origin may hold ESC and the rest of a terminal sequence
(`\x1b[2J` clears the screen, an OSC sequence sets the title or the clipboard); shown as it is,
in the app or in a command's output, the terminal would obey it. `printable` shows each C0 and
C1 control as its Unicode picture (`␛`, `␇`; C1 as `�`); a tab stays a tab.
"""

from __future__ import annotations

_CONTROLS = {code: 0x2400 + code for code in range(0x20) if code != 0x09}
_CONTROLS |= {0x7F: 0x2421} | {code: 0xFFFD for code in range(0x80, 0xA0)}
_CONTROLS_BUT_NEWLINES = {code: shown for code, shown in _CONTROLS.items() if code != 0x0A}


def printable(text: str, *, newlines: bool = False) -> str:
    """`text` with its control characters shown as pictures (`newlines`: line breaks kept)."""
    return text.translate(_CONTROLS_BUT_NEWLINES if newlines else _CONTROLS)
