"""The CSV export's failures: usage errors before any work, and a missing folder, a full disk,
an interruption or a refused write that leave no file and keep the previous one."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.data.exporter import run as exporter
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv, export_file
from kafinea_tui.data.store.database import Store
from tests.data.export_helpers import leftovers
from tests.fifo import fifo_read

# Every test starts from the same records, in its own store (conftest.py).
pytestmark = pytest.mark.usefixtures("export_records")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ExportOptions("widgets"), "unknown module"),
        (ExportOptions("contacts", fields=["nope"]), "no field 'nope'"),
        (ExportOptions("contacts", fields=["email", "Email"]), "named twice"),
        (ExportOptions("contacts", fields=[]), "at least one field"),
        (ExportOptions("salesorders", fields=["items.colour"]), "no column"),
        (ExportOptions("contacts", scope="ids"), "No records are selected"),
        (ExportOptions("contacts", scope="everything"), "Unknown export scope"),
        (ExportOptions("contacts", scope="page", page=0), "start at 1"),
        (ExportOptions("contacts", encoding="ebcdic"), "Cannot export in 'ebcdic'"),
        (ExportOptions("contacts", delimiter="colon"), "Unknown delimiter"),
        (ExportOptions("contacts", header="both"), "labels' or 'names'"),
        (ExportOptions("contacts", decimal="dot"), "'point' or 'comma'"),
        (ExportOptions("contacts", scope="filter", filter="nope = 1"), "unknown field"),
    ],
)
def test_usage_errors(store: Store, tmp_path: Path, options: ExportOptions, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        export_csv(store, options, tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_directory_missing_folder_and_unwritable(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        export_csv(store, ExportOptions("contacts"), tmp_path)
    with pytest.raises(KafineaError, match="does not exist"):
        export_csv(store, ExportOptions("contacts"), tmp_path / "nope" / "c.csv")
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(KafineaError, match="permission denied"):
        export_csv(store, ExportOptions("contacts"), locked / "c.csv")
    assert list(locked.iterdir()) == []


def test_full_disk_leaves_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "c.csv"
    target.write_bytes(b"previous export")

    def no_space(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(KafineaError, match="The disk is full"):
        export_csv(store, ExportOptions("contacts"), target)
    assert target.read_bytes() == b"previous export"
    assert leftovers(tmp_path) == []


def test_full_disk_while_transcoding(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.update("contacts", 3, {"last_name": "Ore"})

    def no_space(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exporter, "_transcode", no_space)
    with pytest.raises(KafineaError, match="The disk is full"):
        export_csv(store, ExportOptions("contacts", encoding="iso-8859-1"), tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []


def test_interrupted_export_leaves_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(exporter, "_copy", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []


def test_files_get_ordinary_permissions(store: Store, tmp_path: Path) -> None:
    export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv")
    mode = (tmp_path / "c.csv").stat().st_mode & 0o777
    assert mode & 0o044  # readable by others, as with any file the user creates (umask 022)


def test_permission_denied_while_writing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also runs as root, where a read-only folder would not stop the write."""

    def denied(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(KafineaError, match=r"Cannot write .*c\.csv: permission denied"):
        export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv")
    assert list(tmp_path.iterdir()) == []


def test_export_after_a_half_read_result_on_the_cursor(store: Store, tmp_path: Path) -> None:
    store.cursor().execute("SELECT id FROM contacts").fetchone()  # left unfinished
    assert export_csv(store, ExportOptions("contacts"), tmp_path / "c.csv").count == 3


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_a_named_pipe_is_written_into_not_replaced(
    store: Store, tmp_path: Path, format_: str
) -> None:
    """A device or a pipe (`-o /dev/null`, a FIFO another program reads) stays what it is:
    renaming the finished file over it replaced /dev/null with a file."""
    pipe = tmp_path / "pipe"
    with fifo_read(pipe) as received:
        result = export_file(store, ExportOptions("contacts", format=format_), pipe)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert result.path == pipe and result.count > 0
    assert received and received[0].startswith(b"PK" if format_ == "xlsx" else b"First Name")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
