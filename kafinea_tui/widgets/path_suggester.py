"""Completion for a file path Input, from the listing of the directory being typed.

Textual's `Input` shows a suggestion inline and accepts it with the right arrow; this suggester
completes the last path component against the entries of its directory, so a user can walk to a
file over SSH without a mouse. It reads the directory on each request (no cache): files appear
while the user is typing, and a stale listing would complete to paths that are gone.
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester


class PathSuggester(Suggester):
    """Suggest the first entry of the typed directory that starts with the typed name."""

    def __init__(self, suffixes: tuple[str, ...] = (".csv", ".txt", ".tsv")) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = suffixes

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value, self.suffixes)


def complete_path(value: str, suffixes: tuple[str, ...] = ()) -> str | None:
    """The completed path for `value`, directories ending with a separator, or None.

    Folders and files with one of `suffixes` come first; hidden entries only when the typed name
    starts with a dot.
    """
    if not value:
        return None
    expanded = os.path.expanduser(value)
    folder, _, partial = expanded.rpartition(os.sep)
    directory = Path(folder or (os.sep if expanded.startswith(os.sep) else "."))
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name.casefold())
    except OSError:
        return None

    def rank(entry: os.DirEntry[str]) -> int:
        if entry.is_dir():
            return 0
        return 1 if entry.name.lower().endswith(suffixes) else 2

    candidates = [
        e
        for e in entries
        if e.name.startswith(partial)
        and e.name != partial
        and (partial.startswith(".") or not e.name.startswith("."))
    ]
    if not candidates:
        return None
    best = min(candidates, key=rank)
    completion = best.name[len(partial) :] + (os.sep if best.is_dir() else "")
    return value + completion
