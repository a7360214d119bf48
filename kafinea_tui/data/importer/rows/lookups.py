"""What the row path looks up per record: related records by key, the records a row matches,
and whether a unique value is taken. Keys compare as the file importer compares them: trimmed
and case-insensitive (`importer.sql.key_sql`).
"""

from __future__ import annotations

from typing import Any

import duckdb

from kafinea_tui.data.importer.sql import key_sql
from kafinea_tui.data.schema import Field, Module, Schema
from kafinea_tui.data.store.results import first_row


class Lookups:
    """Lookups of one request, on its transaction's cursor."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, schema: Schema) -> None:
        self.cur = cur
        self.schema = schema
        # (related module, key field, lower-cased key) -> ids; a created record is added here
        self.refs: dict[tuple[str, str, str], list[int]] = {}

    def related(self, reference: Field) -> tuple[Module, Field]:
        """The related module of a reference field and the key it is named by."""
        module = self.schema.module(reference.related or "")
        return module, module.field(module.key)

    def reference(self, reference: Field, key: str) -> list[int]:
        """Ids of the related records whose key is `key` (0, 1, or several: ambiguous)."""
        module, key_field = self.related(reference)
        slot = (module.name, key_field.name, key.lower())
        if slot not in self.refs:
            rows = self.cur.execute(
                f"SELECT id FROM {module.table} WHERE {key_sql([key_field.name])} = lower(?)"
                " ORDER BY id",
                [key],
            ).fetchall()
            self.refs[slot] = [int(r[0]) for r in rows]
        return self.refs[slot]

    def remember(self, reference: Field, key: str, record_id: int) -> None:
        module, key_field = self.related(reference)
        self.refs[(module.name, key_field.name, key.lower())] = [record_id]

    def matches(self, module: Module, match: list[str], mk: str) -> list[int]:
        """Ids of the records whose match fields give the key `mk`."""
        rows = self.cur.execute(
            f"SELECT id FROM {module.table} WHERE {key_sql(match)} = ? ORDER BY id", [mk]
        ).fetchall()
        return [int(r[0]) for r in rows]

    def taken(self, module: Module, unique: Field, value: Any, record_id: int | None) -> int | None:
        """The id of another record that already has this unique value, if any."""
        row = first_row(
            self.cur.execute(
                f"SELECT min(id) FROM {module.table} WHERE {key_sql([unique.name])}"
                " = lower(trim(CAST(? AS VARCHAR))) AND id IS DISTINCT FROM ?",
                [value, record_id],
            )
        )
        return None if row is None or row[0] is None else int(row[0])

    def stored(self, module: Module, record_id: int, names: list[str]) -> dict[str, Any] | None:
        """The stored values of some columns of a record (None when there is no such record)."""
        select = ", ".join(["id", *names])
        row = first_row(
            self.cur.execute(f"SELECT {select} FROM {module.table} WHERE id = ?", [record_id])
        )
        return None if row is None else dict(zip(["id", *names], row, strict=True))
