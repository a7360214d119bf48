"""The workspace folder: where it lives by default, its layout, and each way opening it can fail,
each with one sentence and nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from kafinea_tui.data.errors import WorkspaceError
from kafinea_tui.workspace import Workspace, default_path, demo_path


def test_default_path_follows_kafinea_workspace(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KAFINEA_WORKSPACE", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "mine"
    assert demo_path() == tmp_path / "mine-demo"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KAFINEA_WORKSPACE", "~/crm")
    assert default_path() == tmp_path / "crm"


def test_default_path_follows_xdg_then_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KAFINEA_WORKSPACE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "kafinea-tui"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path() == tmp_path / ".local" / "share" / "kafinea-tui"
    assert demo_path() == tmp_path / ".local" / "share" / "kafinea-tui-demo"


def test_opening_creates_the_layout(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "a" / "b")
    assert not workspace.exists()
    store = workspace.open_store()
    store.close()
    assert workspace.exists()
    assert workspace.db_path == tmp_path / "a" / "b" / "kafinea.duckdb"
    assert workspace.mappings_dir.is_dir()
    assert workspace.config() == {}


def test_a_path_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("mes notes\n")
    with pytest.raises(WorkspaceError, match=r"notes.txt is a file, not a folder"):
        Workspace(path).open_store()
    assert path.read_text() == "mes notes\n"


def test_a_path_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(
        WorkspaceError, match=r"Cannot create the workspace folder .*Not a directory"
    ):
        Workspace(tmp_path / "file" / "ws").open_store()


def test_an_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root every folder is writable, so the permission check itself is made to say no."""
    folder = tmp_path / "ro"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda p, mode, **kw: False if Path(p) == folder else real_access(p, mode, **kw),
    )
    with pytest.raises(WorkspaceError, match="ro is not writable"):
        Workspace(folder).open_store()
    assert list(folder.iterdir()) == []


def test_a_corrupt_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    garbage = bytes(range(256)) * 64
    workspace.db_path.write_bytes(garbage)
    with pytest.raises(WorkspaceError) as caught:
        workspace.open_store()
    message = str(caught.value)
    assert "is not a DuckDB database, or it is damaged" in message
    assert "\n" not in message and "Traceback" not in message
    assert workspace.db_path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kafinea.duckdb", "mappings"]


def test_an_empty_database_file_is_reported(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.db_path.write_bytes(b"")
    with pytest.raises(WorkspaceError, match="not a DuckDB database"):
        workspace.open_store()
    assert workspace.db_path.read_bytes() == b""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that holds the workspace database open for writing until told to stop."""
    Workspace(tmp_path).open_store().close()
    script = (
        "import sys, duckdb\n"
        f"conn = duckdb.connect({str(tmp_path / 'kafinea.duckdb')!r})\n"
        "print('holding', flush=True)\n"
        "sys.stdin.read()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "holding"
    yield process
    assert process.stdin is not None
    process.stdin.close()
    process.wait()


def test_a_workspace_locked_by_another_process(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(WorkspaceError) as caught:
        Workspace(tmp_path).open_store()
    message = str(caught.value)
    assert "is already open in another program" in message
    assert f"(process {holder.pid})" in message
    assert "\n" not in message and "IO Error" not in message


def test_config_toml(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    workspace.config_path.write_text('[smtp]\nhost = "127.0.0.1"\nport = 2525\n')
    assert workspace.config() == {"smtp": {"host": "127.0.0.1", "port": 2525}}
    workspace.config_path.write_text("[smtp\nhost = 1\n")
    with pytest.raises(WorkspaceError, match=r"config.toml is not valid TOML.*line 1"):
        workspace.config()


def test_damage_is_not_mistaken_for_a_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DuckDB's corruption texts can hold the letters "lock" (a block checksum): not a lock."""

    def damaged(path: str) -> None:
        raise duckdb.IOException("Corrupt database file: block checksum mismatch in block 12")

    monkeypatch.setattr(duckdb, "connect", damaged)
    with pytest.raises(WorkspaceError) as caught:
        Workspace(tmp_path).open_store()
    assert "another program" not in str(caught.value)
    assert "block checksum mismatch" in str(caught.value)
