"""`kafinea-tui import` as a subprocess, for what an import reads and says: guarded cells read
without their apostrophe unless `--no-formula-guard`, a dry run's wording, and a file in a wrong
encoding refused in one sentence before anything is written."""

from __future__ import annotations

import codecs
import io
import os
import pty
import threading
from pathlib import Path

import openpyxl

from kafinea_tui.data.store.database import Store
from tests.cli.run_cli import cli, report_of
from tests.import_helpers import rows, write


def phones(workspace: Path) -> list[tuple[object, ...]]:
    store = Store.open(workspace / "kafinea.duckdb")
    try:
        return rows(store, "SELECT last_name, phone FROM contacts ORDER BY id")
    finally:
        store.close()


class TestFormulaGuardOnImport:
    def test_read_off_by_default_kept_with_the_option(self, tmp_path: Path) -> None:
        ws = tmp_path / "ws"
        path = write(tmp_path / "c.csv", "Last Name,Phone\nRossi,'+39 011 42 74 54\n")
        report_of(cli(ws, "import", "contacts", str(path), "--json"))
        report_of(cli(ws, "import", "contacts", str(path), "--no-formula-guard", "--json"))
        assert phones(ws) == [("Rossi", "+39 011 42 74 54"), ("Rossi", "'+39 011 42 74 54")]


class TestADryRunSaysWouldBe:
    def test_picklist_warning(self, tmp_path: Path) -> None:
        ws = tmp_path / "ws"
        path = write(tmp_path / "c.csv", "Last Name,Lead Source\nA,Salon\n")
        result = cli(ws, "import", "contacts", str(path), "--dry-run")
        assert result.returncode == 0, result.stderr
        assert "warning: Lead Source: 'Salon' would be added to the list of values." in (
            result.stdout
        )
        assert report_of(cli(ws, "import", "contacts", str(path), "--json"))["warnings"] == [
            "Lead Source: 'Salon' added to the list of values."
        ]


class TestAWrongEncodingIsOneSentence:
    def test_utf32_read_as_utf16(self, tmp_path: Path) -> None:
        ws = tmp_path / "ws"
        path = tmp_path / "c.csv"
        path.write_bytes(codecs.BOM_UTF32_LE + "Last Name\nRossi\n".encode("utf-32-le"))
        result = cli(ws, "import", "contacts", str(path), "--encoding", "utf-16")
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            "kafinea-tui: c.csv is not utf-16 text: line 1 holds the control character U+0000;"
            " it looks like utf-32, try --encoding utf-32."
        ]
        report = report_of(cli(ws, "import", "contacts", str(path), "--json"))
        assert (report["created"], report["failed"]) == (1, 0)
        assert phones(ws) == [("Rossi", None)]


class TestStandardInput:
    """`import MODULE -` reads standard input, a pipe the importer cannot read twice: it is
    copied first, as CSV text or a workbook by its first bytes."""

    def _piped(self, ws: Path, content: bytes, *args: str) -> dict[str, object]:
        read, write_end = os.pipe()
        feeder = threading.Thread(target=_feed, args=(write_end, content), daemon=True)
        feeder.start()
        try:
            return report_of(cli(ws, "import", "contacts", *args, "--json", stdin=read))
        finally:
            os.close(read)
            feeder.join(timeout=30)

    def test_csv_and_a_workbook_from_a_pipe(self, tmp_path: Path) -> None:
        ws = tmp_path / "ws"
        text = b"Last Name,Email\nLee,lee@x.fr\nRay,bad@\n"
        report = self._piped(ws, text, "-")
        assert (report["created"], report["failed"], report["errors"]) == (
            1,
            1,
            [{"line": 3, "column": "Email", "reason": "not an email address: 'bad@'"}],
        )
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["Last Name", "Email"])
        sheet.append(["Kay", "kay@x.fr"])
        saved = io.BytesIO()
        book.save(saved)
        assert self._piped(ws, saved.getvalue(), "/dev/stdin")["created"] == 1
        listed = cli(ws, "imports").stdout
        assert "stdin.csv" in listed and "stdin.xlsx" in listed
        assert phones(ws) == [("Lee", None), ("Kay", None)]

    def test_a_terminal_as_standard_input_is_refused(self, tmp_path: Path) -> None:
        """Nothing would come until Ctrl-D: a person typed `-` at a prompt."""
        leader, follower = pty.openpty()
        try:
            done = cli(tmp_path / "ws", "import", "contacts", "-", stdin=follower, timeout=60)
        finally:
            os.close(follower)
            os.close(leader)
        assert done.returncode == 2
        assert done.stderr.startswith("kafinea-tui: - reads the file from this terminal: pipe")


def _feed(descriptor: int, content: bytes) -> None:
    with os.fdopen(descriptor, "wb") as pipe:
        pipe.write(content)
