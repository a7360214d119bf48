"""The row path's writes: one record (or related record, or order's lines) per statement, with
what a file import records beside them, so that the change log, past imports and undo cannot
tell which path wrote a record.

- A new record's id comes from `reserve_ids`, like every id (see `store.record_ids`).
- In a batch (a posted list), created records carry the batch in `batch_id`; a changed record
  is copied once to `<module>_prev` (its lines to `salesorder_items_prev`) and named in
  `kf_batch_rows`, which is what `undo` reads. A single-record write is no batch: it is in the
  change log only, like a change made in the app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from kafinea_tui.data.bulk.references import Referrer, referrers
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Module, Schema
from kafinea_tui.data.store.change_log import log_changes, utc_now
from kafinea_tui.data.store.record_ids import reserve_ids
from kafinea_tui.data.store.results import first_row


@dataclass
class Writer:
    cur: duckdb.DuckDBPyConnection
    source: str
    actor: str | None
    batch: int | None = None
    now: datetime = field(default_factory=utc_now)
    _saved: set[tuple[str, int]] = field(default_factory=set)

    def open_batch(self, module: Module, description: str) -> int:
        row = first_row(self.cur.execute("SELECT nextval('kf_batches_seq')"))
        self.batch = int(row[0]) if row else None
        self.cur.execute(
            "INSERT INTO kf_batches (id, module, source, file, started_at) VALUES (?, ?, ?, ?, ?)",
            [self.batch, module.name, self.source, description, self.now],
        )
        return int(self.batch or 0)

    def close_batch(self, summary: str) -> None:
        if self.batch is not None:
            self.cur.execute(
                "UPDATE kf_batches SET finished_at = ?, report = ? WHERE id = ?",
                [utc_now(), summary, self.batch],
            )

    def insert(self, module: Module, values: Mapping[str, Any], related: bool = False) -> int:
        """A new record with these column values; logged as a create."""
        record_id = reserve_ids(self.cur, module.table, 1)
        names = ["id", "created_at", "modified_at", "batch_id", *values]
        marks = ", ".join("?" for _ in names)
        self.cur.execute(
            f"INSERT INTO {module.table} ({', '.join(names)}) VALUES ({marks})",
            [record_id, self.now, self.now, self.batch, *values.values()],
        )
        fields = list(values) if related else None
        self._log(module, record_id, "create", fields)
        if related and self.batch is not None:
            self._batch_row(module, record_id, "related")
        return record_id

    def update(
        self, module: Module, record_id: int, values: Mapping[str, Any], fields: list[str], how: str
    ) -> None:
        """Set some columns (and, through `replace_items`, lines) of a record whose `fields`
        changed; `how` is 'updated' or 'merged', as the batch lists it."""
        self.save(module, record_id, how)
        sets = "".join(f", {name} = ?" for name in values)
        self.cur.execute(
            f"UPDATE {module.table} SET modified_at = ?{sets} WHERE id = ?",
            [self.now, *values.values(), record_id],
        )
        self._log(module, record_id, "update", fields)

    def save(self, module: Module, record_id: int, how: str) -> None:
        """Keep the record's values (and lines) before the batch first changes it, for undo."""
        if self.batch is None or (module.name, record_id) in self._saved:
            return
        self._saved.add((module.name, record_id))
        columns = ["id", "created_at", "modified_at", "batch_id", *(f.name for f in module.columns)]
        listed = ", ".join(columns)
        self.cur.execute(
            f"INSERT INTO {module.table}_prev (prev_batch_id, {listed})"
            f" SELECT ?, {listed} FROM {module.table} WHERE id = ?",
            [self.batch, record_id],
        )
        if module.name == "salesorders":
            self.cur.execute(
                f"INSERT INTO {LINE_ITEMS_TABLE}_prev SELECT ?, * FROM {LINE_ITEMS_TABLE}"
                " WHERE salesorder_id = ?",
                [self.batch, record_id],
            )
        self._batch_row(module, record_id, how)

    def replace_items(self, order_id: int, lines: Sequence[Sequence[Any]]) -> None:
        """An order's lines, in the order given (product id, quantity, list price)."""
        self.cur.execute(f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id = ?", [order_id])
        if lines:
            self.cur.executemany(
                f"INSERT INTO {LINE_ITEMS_TABLE} VALUES (?, ?, ?, ?, ?)",
                [[order_id, n, *line] for n, line in enumerate(lines, start=1)],
            )

    def items(self, order_id: int) -> list[tuple[Any, Any, Any]]:
        rows = self.cur.execute(
            f"SELECT product, quantity, list_price FROM {LINE_ITEMS_TABLE}"
            " WHERE salesorder_id = ? ORDER BY position",
            [order_id],
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def delete(self, module: Module, schema: Schema, record_id: int) -> None:
        """Delete a record (an order's lines with it), clearing the references to it first,
        as a mass delete does: the referring records stay, without it, logged as updates."""
        for referrer in referrers(schema, module):
            self._clear(referrer, record_id)
        self.cur.execute(f"DELETE FROM {module.table} WHERE id = ?", [record_id])
        if module.name == "salesorders":
            self.cur.execute(f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id = ?", [record_id])
        self._log(module, record_id, "delete", None)

    def _clear(self, referrer: Referrer, record_id: int) -> None:
        other = referrer.module
        if referrer.is_items:
            rows = self.cur.execute(
                f"UPDATE {LINE_ITEMS_TABLE} SET product = NULL WHERE product = ?"
                " RETURNING salesorder_id",
                [record_id],
            ).fetchall()
            fields = ["items"]
        else:
            refers = " OR ".join(f"{name} = $id" for name in referrer.fields)
            sets = ", ".join(
                f"{name} = CASE WHEN {name} = $id THEN NULL ELSE {name} END"
                for name in referrer.fields
            )
            rows = self.cur.execute(
                f"UPDATE {other.table} SET {sets}, modified_at = $now WHERE {refers} RETURNING id",
                {"id": record_id, "now": self.now},
            ).fetchall()
            fields = list(referrer.fields)
        changed = sorted({int(r[0]) for r in rows})
        if referrer.is_items and changed:
            self.cur.execute(
                f"UPDATE {other.table} SET modified_at = ? WHERE id IN (SELECT unnest(?))",
                [self.now, changed],
            )
        if changed:
            log_changes(
                self.cur,
                other.name,
                changed,
                "update",
                self.source,
                self.batch,
                fields,
                actor=self.actor,
            )

    def _batch_row(self, module: Module, record_id: int, action: str) -> None:
        self.cur.execute(
            "INSERT INTO kf_batch_rows VALUES (?, ?, ?, ?)",
            [self.batch, module.name, record_id, action],
        )

    def _log(self, module: Module, record_id: int, op: str, fields: list[str] | None) -> None:
        log_changes(
            self.cur,
            module.name,
            [record_id],
            op,
            self.source,
            self.batch,
            fields,
            actor=self.actor,
        )
