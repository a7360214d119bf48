"""An export to a stream (standard output, the API's answer): the same bytes as the file, in
many pieces; a stream that fails stops the export with its error and leaves no file."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter import run
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_csv
from kafinea_tui.data.store.database import Store

CONTACTS = 3000


@pytest.fixture(autouse=True)
def contacts(store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """CONTACTS contacts written set-based, pieces of 4 KiB, temporary files in the test's own
    folder (to see that none is left)."""
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO contacts (id, created_at, modified_at, first_name, last_name, email,"
            " description) SELECT nextval('contacts_id_seq'), TIMESTAMP '2026-01-01',"
            " TIMESTAMP '2026-01-01', 'Zoé', 'Name ' || i, 'p' || i || '@example.test',"
            " CASE WHEN i % 7 = 0 THEN 'Said \"hi\", then' || chr(10) || 'left' END"
            " FROM range(?) t(i)",
            [CONTACTS],
        )
    monkeypatch.setattr(run, "STREAM_CHUNK", 4096)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


class Pieces(io.BytesIO):
    """A stream that counts the writes it receives; `fail_after` of them, it raises."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__()
        self.writes = 0
        self.fail_after = fail_after

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.fail_after is not None and self.writes >= self.fail_after:
            raise BrokenPipeError(32, "Broken pipe")
        self.writes += 1
        return super().write(data)


def test_a_streamed_export_is_the_file_byte_for_byte(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    assert export_csv(store, ExportOptions("contacts"), target).count == CONTACTS
    stream = Pieces()
    assert export_csv(store, ExportOptions("contacts"), stream).count == CONTACTS
    assert stream.getvalue() == target.read_bytes()
    assert stream.writes > 10  # sent in pieces, as they were read
    assert [p.name for p in tmp_path.iterdir()] == ["contacts.csv"]


def test_a_legacy_encoding_is_streamed_once_transcoded(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    options = ExportOptions("contacts", encoding="windows-1252")
    export_csv(store, options, target)
    stream = Pieces()
    export_csv(store, options, stream)
    assert stream.getvalue() == target.read_bytes()
    assert "Zoé".encode("windows-1252") in stream.getvalue()


def test_a_stream_that_fails_stops_the_export_with_its_error(store: Store, tmp_path: Path) -> None:
    stream = Pieces(fail_after=2)
    with pytest.raises(KafineaError, match="Broken pipe"):
        export_csv(store, ExportOptions("contacts"), stream)
    assert stream.writes == 2
    assert list(tmp_path.iterdir()) == []  # no temporary file left
    # The store is usable: the interrupted COPY left nothing behind.
    assert export_csv(store, ExportOptions("contacts"), Pieces()).count == CONTACTS
