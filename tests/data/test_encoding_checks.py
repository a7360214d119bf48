"""A wrong encoding never imports silently: byte-order marks are recognised longest first
(UTF-32 before UTF-16), and decoded text holding NUL or a C1 control fails as a wrong encoding,
naming its line and the likely encoding, before anything is written, whether it shows in the
first lines or deep in the file. Other control characters are values."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.importer.file.csv_source import resolve
from kafinea_tui.data.importer.plan import CsvOptions
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store
from tests.import_helpers import plan, rows, snapshot

TEXT = "Last Name,Email\nÉclair,e@x.fr\nZoë,z@x.fr\n"


def refused(store: Store, path: Path, **options: object) -> str:
    """The sentence of an import that must write nothing."""
    before = snapshot(store)
    with pytest.raises(KafineaError) as caught:
        run_import(store, plan("contacts", path, **options))  # type: ignore[arg-type]
    assert snapshot(store) == before
    return str(caught.value)


class TestAWrongEncodingNeverImportsSilently:
    @pytest.mark.parametrize(
        ("bom", "codec"),
        [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")],
    )
    def test_utf32_with_its_bom_is_read_as_utf32(
        self, store: Store, tmp_path: Path, bom: bytes, codec: str
    ) -> None:
        path = tmp_path / "c.csv"
        path.write_bytes(bom + TEXT.encode(codec))
        assert resolve(CsvOptions(path)).encoding == "utf-32"
        report = run_import(store, plan("contacts", path))
        assert (report.created, report.failed) == (2, 0)
        assert rows(store, "SELECT last_name, email FROM contacts ORDER BY id") == [
            ("Éclair", "e@x.fr"),
            ("Zoë", "z@x.fr"),
        ]

    def test_utf32_without_a_bom_is_detected(self, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "c.csv"
        path.write_bytes(TEXT.encode("utf-32-le"))
        assert resolve(CsvOptions(path)).encoding == "utf-32-le"

    def test_utf32_read_as_utf16_is_refused_naming_the_likely_encoding(
        self, store: Store, tmp_path: Path
    ) -> None:
        path = tmp_path / "c.csv"
        path.write_bytes(codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"))
        sentence = refused(store, path, encoding="utf-16")
        assert sentence == (
            "c.csv is not utf-16 text: line 1 holds the control character U+0000;"
            " it looks like utf-32, try --encoding utf-32."
        )

    def test_utf16_read_as_latin1(self, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "c.csv"
        path.write_bytes(TEXT.encode("utf-16-le"))
        sentence = refused(store, path, encoding="iso-8859-1")
        assert sentence.startswith("c.csv is not iso-8859-1 text: line 1 holds")
        assert sentence.endswith("it looks like utf-16-le, try --encoding utf-16-le.")

    @pytest.mark.parametrize(("control", "shown"), [("\x00", "U+0000"), ("\x85", "U+0085")])
    def test_a_control_character_deep_in_the_file(
        self, store: Store, tmp_path: Path, control: str, shown: str
    ) -> None:
        """Past the first 256 KB that the reading settings come from: the staged rows."""
        lines = [f"Name{i},p{i}@x.fr" for i in range(30_000)]
        lines[25_000] = f"Bad{control}Name,bad@x.fr"
        path = tmp_path / "c.csv"
        path.write_bytes(("Last Name,Email\n" + "\n".join(lines) + "\n").encode())
        assert path.stat().st_size > 256 * 1024
        sentence = refused(store, path)
        assert sentence == (
            f"c.csv is not utf-8 text: line 25002 holds the control character {shown}."
        )

    def test_a_c1_control_in_latin1_looks_like_windows_1252(
        self, store: Store, tmp_path: Path
    ) -> None:
        path = tmp_path / "c.csv"
        path.write_bytes("Last Name,Title\nA,x\nB,Caf\x85 \x80 5\n".encode("latin-1"))
        sentence = refused(store, path, encoding="iso-8859-1")
        assert sentence == (
            "c.csv is not iso-8859-1 text: line 3 holds the control character U+0085;"
            " it looks like windows-1252, try --encoding windows-1252."
        )

    def test_other_control_characters_are_values(self, store: Store, tmp_path: Path) -> None:
        """No encoding makes them; FileMaker writes a line break in a cell as U+000B."""
        path = tmp_path / "c.csv"
        path.write_bytes(b'Last Name,Description\nA,"one\x0btwo"\nB,x\x01\x1b[1my\x7f\n')
        report = run_import(store, plan("contacts", path))
        assert (report.created, report.failed) == (2, 0)
        assert rows(store, "SELECT description FROM contacts ORDER BY id") == [
            ("one\x0btwo",),
            ("x\x01\x1b[1my\x7f",),
        ]

    def test_tabs_and_line_breaks_inside_cells_are_text(self, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "c.csv"
        path.write_bytes(b'Last Name,Description\nA,"one\ttwo\r\nthree\nfour"\n')
        report = run_import(store, plan("contacts", path))
        assert (report.created, report.failed) == (1, 0)
