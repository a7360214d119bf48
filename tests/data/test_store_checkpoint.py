"""The store holds no transaction open between statements, so DuckDB checkpoints as it should.

A result read with `fetchone()` stays open (DuckDB streams results) and holds its transaction
until its cursor runs another statement; the store's cursors live as long as their threads, and
while any transaction is open DuckDB checkpoints nothing. Opening a store left one open on its
main connection: the write-ahead log of a session grew without end (300 MB after a few mass
edits of a million contacts) and the next open replayed it all.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from kafinea_tui.data.bulk import Selection, mass_update
from kafinea_tui.data.query import ListQuery, count, fetch_page
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.settings import get_setting, set_setting

PACKAGE = Path(__file__).resolve().parents[2] / "kafinea_tui"


def wal_bytes(store_path: Path) -> int:
    wal = store_path.with_name(store_path.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def test_writes_are_checkpointed_after_reads_from_every_thread(tmp_path: Path) -> None:
    workspace_db = tmp_path / "kafinea.duckdb"
    Store.open(workspace_db).close()
    store = Store.open(workspace_db)  # an existing workspace, as every command opens it
    try:
        # A checkpoint after every commit, when nothing holds a transaction open.
        store.cursor().execute("SET checkpoint_threshold = '1B'")
        ids = [store.create("contacts", {"last_name": f"Name{i}"}) for i in range(3)]
        set_setting(store, "probe", "1")

        def reads() -> None:  # as a worker thread does, then idles with its cursor kept
            store.get("contacts", ids[0])
            get_setting(store, "probe")
            fetch_page(store, ListQuery("contacts"), 0, 10)
            count(store, ListQuery("contacts", filter='last_name ~ "Name"'))
            store.count("contacts")

        worker = threading.Thread(target=reads)
        worker.start()
        worker.join()
        reads()
        mass_update(store, "contacts", Selection(), {"title": "Buyer"})
        assert wal_bytes(workspace_db) == 0
        store.update("contacts", ids[1], {"title": "CTO"})
        assert wal_bytes(workspace_db) == 0
    finally:
        store.close()


def test_no_first_row_is_read_with_fetchone() -> None:
    """`first_row` (data/store/results.py) reads it and closes the result."""
    found = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "fetchone"
    ]
    assert found == []
