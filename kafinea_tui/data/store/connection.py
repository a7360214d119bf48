"""Opening a workspace database file, with DuckDB's errors turned into one sentence each."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb

from kafinea_tui.data.errors import WorkspaceError, WorkspaceLocked


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, turning lock and corruption errors into one sentence.

    DuckDB (1.x and 2.x) reports both as an `IOException`; the text tells them apart: "Could not
    set lock on file ...: Conflicting lock is held in <program> (PID n)" and "The file ... exists,
    but it is not a valid DuckDB database file!". The file itself is never touched.
    """
    try:
        connection = duckdb.connect(str(path))
    except duckdb.IOException as error:
        text = str(error)
        if re.search(r"could not set lock|conflicting lock", text, re.IGNORECASE):
            pid = re.search(r"PID (\d+)", text)
            who = f" (process {pid.group(1)})" if pid else ""
            raise WorkspaceLocked(
                f"The workspace database {path} is already open in another program{who}; "
                "close it there, or use another workspace with --workspace."
            ) from None
        if "not a valid duckdb database" in text.lower():
            raise WorkspaceError(
                f"{path} is not a DuckDB database, or it is damaged; it was left as it is: "
                "move it away, or use another workspace with --workspace."
            ) from None
        raise WorkspaceError(
            f"Cannot open the workspace database {path}: {first_line(text)}"
        ) from None
    except (duckdb.Error, OSError) as error:
        raise WorkspaceError(
            f"{path} is not a Kafinea workspace database or is damaged: {first_line(str(error))}"
        ) from None
    remove_spill_folder(Path(path))
    return connection


def remove_spill_folder(path: Path) -> None:
    """Remove `<database>.tmp`, where DuckDB spills what does not fit in memory: a process
    killed during a large import leaves it behind, and holding the database's lock now, this
    process is the only one that could be using it."""
    spill = path.with_name(path.name + ".tmp")
    if spill.is_dir() and not spill.is_symlink():
        shutil.rmtree(spill, ignore_errors=True)


def first_line(text: str) -> str:
    """DuckDB's messages run to several lines of context; a sentence needs the first."""
    return text.strip().splitlines()[0] if text.strip() else text
