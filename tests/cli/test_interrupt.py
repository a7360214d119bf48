"""Ctrl-C (SIGINT) during `import` and `export`: exit status 130, one sentence, nothing left.

The command is held at a known point by KAFINEA_TEST_HOLD_AT (an import: its rows written, not
committed; an export: the file written under its temporary name), which it signals by touching
a marker file; then it gets SIGINT as a terminal's Ctrl-C sends it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from kafinea_tui.data.store.database import Store
from tests.cli.run_cli import cli
from tests.import_helpers import snapshot, write

HELD = 60.0  # seconds a held command may take to reach its hold point (a loaded machine)


def state(workspace: Path) -> dict[str, list[tuple[Any, ...]]]:
    store = Store.open(workspace / "kafinea.duckdb")
    try:
        return snapshot(store)
    finally:
        store.close()


def interrupted(workspace: Path, marker: Path, at: float, *args: str) -> tuple[int, str]:
    """Run `kafinea-tui ARGS` held at `at`, send SIGINT once held; its status and stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kafinea_tui.cli", "--workspace", str(workspace), *args],
        env={**os.environ, "KAFINEA_TEST_HOLD_AT": f"{at}:{marker}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        while not marker.exists():
            assert process.poll() is None, f"the command ended first: {process.stderr.read()}"  # type: ignore[union-attr]
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.05)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=HELD)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, err


def test_ctrl_c_during_an_import_rolls_it_back(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    first = write(tmp_path / "a.csv", "Last Name,Email,Organization Name\nLee,ann@x.fr,Acme\n")
    done = cli(ws, "import", "contacts", str(first))
    assert done.returncode == 0, done.stderr
    before = state(ws)
    rows = [
        f"Last{i},p{i}@x.fr,Org {i % 40},Trade fair {i % 3},Lee" for i in range(5000)
    ]  # new organizations, a lead source the picklist lacks, an update of Lee's contact
    big = write(
        tmp_path / "big.csv",
        "Last Name,Email,Organization Name,Lead Source,Title\n" + "\n".join(rows) + "\n",
    )
    status, err = interrupted(ws, tmp_path / "held", 0.55, "import", "contacts", str(big))
    assert status == 130, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "cancelled" in err and "nothing was imported" in err
    assert state(ws) == before


def test_ctrl_c_during_an_export_leaves_no_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    source = write(tmp_path / "a.csv", "Last Name,Email\nLee,ann@x.fr\nKim,kim@x.fr\n")
    assert cli(ws, "import", "contacts", str(source)).returncode == 0
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "old.csv"
    existing.write_text("keep me\n")
    for target in (out / "new.csv", existing):
        marker = tmp_path / f"held-{target.name}"
        status, err = interrupted(
            ws, marker, 0.9, "export", "contacts", "-o", str(target), "--encoding", "utf-8"
        )
        assert status == 130, err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert "no file was written" in err
        assert sorted(p.name for p in out.iterdir()) == ["old.csv"]  # no temporary file either
    assert existing.read_text() == "keep me\n"
