"""The workspace database: connection, migrations, transactions, record CRUD and the change log.

One `Store` owns one DuckDB connection. DuckDB connections are not shared between threads, so
each thread (a Textual worker, an API request) gets its own cursor through `store.cursor()`.
Values passed to and returned from the CRUD methods are typed Python values (str, int, Decimal,
date, bool, and the related record's id for references); parsing text is the importer's job.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from kafinea_tui.data.errors import KafineaError, UsageError, WorkspaceError
from kafinea_tui.data.migrations import SCHEMA_VERSION, current_version, migrate
from kafinea_tui.data.schema import (
    CUSTOM_FIELD_TYPES,
    LINE_ITEMS_TABLE,
    Field,
    FieldType,
    Module,
    Schema,
    build_schema,
    builtin_picklist_values,
    name_for_label,
    normalize_label,
)

Record = dict[str, Any]


def utc_now() -> datetime:
    """Timestamps are stored as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class LineItem:
    product: int | None
    quantity: Any = None
    list_price: Any = None


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, turning lock and corruption errors into one sentence.

    DuckDB (1.x and 2.x) reports both as an `IOException`; the text tells them apart: "Could not
    set lock on file ...: Conflicting lock is held in <program> (PID n)" and "The file ... exists,
    but it is not a valid DuckDB database file!". The file itself is never touched.
    """
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as error:
        text = str(error)
        if re.search(r"could not set lock|conflicting lock", text, re.IGNORECASE):
            pid = re.search(r"PID (\d+)", text)
            who = f" (process {pid.group(1)})" if pid else ""
            raise WorkspaceError(
                f"The workspace database {path} is already open in another program{who}; "
                "close it there, or use another workspace with --workspace."
            ) from None
        if "not a valid duckdb database" in text.lower():
            raise WorkspaceError(
                f"{path} is not a DuckDB database, or it is damaged; it was left as it is: "
                "move it away, or use another workspace with --workspace."
            ) from None
        raise WorkspaceError(
            f"Cannot open the workspace database {path}: {_first_line(text)}"
        ) from None
    except (duckdb.Error, OSError) as error:
        raise WorkspaceError(
            f"{path} is not a Kafinea workspace database or is damaged: {_first_line(str(error))}"
        ) from None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


class Store:
    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection
        self._local = threading.local()
        self._schema_lock = threading.Lock()
        try:
            version = current_version(connection)
            if version > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"This workspace was made by a newer Kafinea TUI (schema version {version}; "
                    f"this one knows up to {SCHEMA_VERSION}); upgrade kafinea-tui to open it."
                )
            migrate(connection)
            self._schema = self._load_schema()
        except duckdb.Error as error:
            connection.close()  # release the file lock: the caller gets a sentence, not a lock
            raise WorkspaceError(
                f"The workspace database cannot be opened or upgraded: {_first_line(str(error))}"
            ) from None
        except BaseException:
            connection.close()
            raise

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) a database file, or ':memory:' for tests."""
        return cls(connect(path))

    def close(self) -> None:
        self._connection.close()

    # -- connections and transactions -------------------------------------------------------

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the shared database."""
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._connection.cursor()
            self._local.cursor = cursor
        return cursor

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit on success, roll back on any exception (including Ctrl-C).

        Re-entrant on one thread: an inner `transaction()` (say `create` called by an import
        that already opened one) joins the outer one, which alone commits or rolls back.
        """
        cursor = self.cursor()
        depth: int = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield cursor
            finally:
                self._local.depth = depth
            return
        cursor.execute("BEGIN TRANSACTION")
        self._local.depth = 1
        try:
            yield cursor
            cursor.execute("COMMIT")
        except BaseException:
            with suppress(duckdb.Error):  # a failed COMMIT has already rolled back
                cursor.execute("ROLLBACK")
            with suppress(duckdb.Error):  # picklist values of the failed transaction go too
                self._schema = self._load_schema()
            raise
        finally:
            self._local.depth = 0

    # -- schema -----------------------------------------------------------------------------

    @property
    def schema(self) -> Schema:
        return self._schema

    def module(self, name: str) -> Module:
        try:
            return self._schema.module(name)
        except KeyError as error:
            raise UsageError(error.args[0]) from None

    def _load_schema(self) -> Schema:
        cur = self.cursor()
        custom = [
            (module, Field(name=name, label=label, type=FieldType(type_), custom=True))
            for module, name, label, type_ in cur.execute(
                "SELECT module, name, label, type FROM kf_custom_fields ORDER BY module, position"
            ).fetchall()
        ]
        values: dict[tuple[str, str], list[str]] = {}
        for module, field_name, value in cur.execute(
            "SELECT module, field, value FROM kf_picklist_values ORDER BY module, field, position"
        ).fetchall():
            values.setdefault((module, field_name), []).append(value)
        picklists = builtin_picklist_values()
        for key, stored in values.items():
            known = list(picklists.get(key, ()))
            picklists[key] = tuple(known + [v for v in stored if v not in known])
        return build_schema(custom, picklists)

    def refresh_schema(self) -> Schema:
        with self._schema_lock:
            self._schema = self._load_schema()
        return self._schema

    def add_custom_field(
        self, module_name: str, label: str, type_: str, values: Iterable[str] = ()
    ) -> Field:
        """Add a `cf_` column to a module (the layout manager, the import wizard, `fields add`)."""
        module = self.module(module_name)
        label = label.strip()
        if not label:
            raise UsageError("A custom field needs a label.")
        try:
            field_type = FieldType(type_.strip().lower())
        except ValueError:
            field_type = None
        if field_type not in CUSTOM_FIELD_TYPES:
            allowed = ", ".join(t.value for t in CUSTOM_FIELD_TYPES)
            raise UsageError(f"Unknown field type {type_!r}; a custom field is one of {allowed}.")
        assert field_type is not None
        name = name_for_label(label)
        if not name:
            raise UsageError(f"The label {label!r} has no letters or digits to name a field by.")
        clash = module.find_field(label) or module.find_field(name)
        if clash is not None or normalize_label(label) in {"id", "createdat", "modifiedat"}:
            existing = clash.label if clash else label
            raise UsageError(
                f"{module.label} already has a field {existing!r}; choose another label."
            )
        picklist = [v.strip() for v in values if v.strip()]
        if picklist and field_type is not FieldType.PICKLIST:
            raise UsageError("Only a picklist field takes values.")
        with self.transaction() as cur:
            position = cur.execute(
                "SELECT count(*) FROM kf_custom_fields WHERE module = ?", [module.name]
            ).fetchone()
            cur.execute(
                "INSERT INTO kf_custom_fields VALUES (?, ?, ?, ?, ?)",
                [module.name, name, label, field_type.value, position[0] if position else 0],
            )
            sql_type = Field(name, label, field_type).sql_type
            cur.execute(f"ALTER TABLE {module.table} ADD COLUMN {name} {sql_type}")
            cur.execute(f"ALTER TABLE {module.table}_prev ADD COLUMN {name} {sql_type}")
            self._insert_picklist_values(cur, module.name, name, picklist, start=0)
        return self.refresh_schema().module(module.name).field(name)

    def add_picklist_values(
        self, cur: duckdb.DuckDBPyConnection, module_name: str, field_name: str, values: list[str]
    ) -> list[str]:
        """Append values not yet in a picklist (inside the caller's transaction); returns the new ones."""
        known = set(self.module(module_name).field(field_name).values)
        fresh = list(dict.fromkeys(v for v in values if v and v not in known))
        if fresh:
            row = cur.execute(
                "SELECT count(*) FROM kf_picklist_values WHERE module = ? AND field = ?",
                [module_name, field_name],
            ).fetchone()
            self._insert_picklist_values(cur, module_name, field_name, fresh, row[0] if row else 0)
        return fresh

    @staticmethod
    def _insert_picklist_values(
        cur: duckdb.DuckDBPyConnection, module: str, field_name: str, values: list[str], start: int
    ) -> None:
        if values:
            cur.executemany(
                "INSERT INTO kf_picklist_values VALUES (?, ?, ?, ?)",
                [[module, field_name, v, start + i] for i, v in enumerate(values)],
            )

    # -- records ----------------------------------------------------------------------------

    def create(self, module_name: str, values: Mapping[str, Any], source: str = "app") -> int:
        module = self.module(module_name)
        columns, items = self._split_values(module, values)
        self._check_mandatory(module, columns)
        now = utc_now()
        with self.transaction() as cur:
            self._check_unique(cur, module, columns, record_id=None)
            self._extend_picklists(cur, module, columns)
            row = cur.execute(f"SELECT nextval('{module.table}_id_seq')").fetchone()
            assert row is not None
            record_id = int(row[0])
            names = ["id", "created_at", "modified_at", *columns]
            marks = ", ".join("?" for _ in names)
            cur.execute(
                f"INSERT INTO {module.table} ({', '.join(names)}) VALUES ({marks})",
                [record_id, now, now, *columns.values()],
            )
            if items is not None:
                self._write_items(cur, record_id, items)
            log_changes(cur, module.name, [record_id], "create", source, fields=list(values))
        return record_id

    def get(self, module_name: str, record_id: int) -> Record | None:
        """One record's stored values (references as ids), with `items` for sales orders."""
        module = self.module(module_name)
        cur = self.cursor()
        result = cur.execute(f"SELECT * FROM {module.table} WHERE id = ?", [record_id])
        row = result.fetchone()
        if row is None:
            return None
        names = [d[0] for d in result.description or []]
        record: Record = dict(zip(names, row, strict=True))
        if module.name == "salesorders":
            record["items"] = [
                {"product": p, "quantity": q, "list_price": lp}
                for p, q, lp in cur.execute(
                    f"SELECT product, quantity, list_price FROM {LINE_ITEMS_TABLE}"
                    " WHERE salesorder_id = ? ORDER BY position",
                    [record_id],
                ).fetchall()
            ]
        return record

    def update(
        self, module_name: str, record_id: int, values: Mapping[str, Any], source: str = "app"
    ) -> list[str]:
        """Set the given fields and return the names of those whose stored value changed.

        Fields not given keep their values; `items`, when given, replaces the order's lines.
        Changes are judged on the stored values, after DuckDB's casts, so writing `"12.5"` over
        `12.50` or `0.1` over `0.10` is no change: no `modified_at` bump and no change-log entry
        (workflows with `changed = [...]` read those entries, and must not fire for nothing).
        """
        module = self.module(module_name)
        columns, items = self._split_values(module, values)
        try:
            with self.transaction() as cur:
                before = self.get(module.name, record_id)
                if before is None:
                    raise KafineaError(f"{module.label} has no record {record_id}.")
                self._check_mandatory(module, {**before, **columns})
                self._check_unique(cur, module, columns, record_id=record_id)
                if columns:
                    assignments = ", ".join(f"{name} = ?" for name in columns)
                    cur.execute(
                        f"UPDATE {module.table} SET {assignments} WHERE id = ?",
                        [*columns.values(), record_id],
                    )
                if items is not None:
                    cur.execute(
                        f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id = ?", [record_id]
                    )
                    self._write_items(cur, record_id, items)
                after = self.get(module.name, record_id) or {}
                changed = [name for name in columns if before.get(name) != after.get(name)]
                if items is not None and before.get("items") != after.get("items"):
                    changed.append("items")
                if not changed:
                    raise _Unchanged
                self._extend_picklists(
                    cur, module, {name: columns[name] for name in changed if name in columns}
                )
                cur.execute(
                    f"UPDATE {module.table} SET modified_at = ? WHERE id = ?",
                    [utc_now(), record_id],
                )
                log_changes(cur, module.name, [record_id], "update", source, fields=changed)
        except _Unchanged:
            return []
        return changed

    def delete(self, module_name: str, record_id: int, source: str = "app") -> None:
        module = self.module(module_name)
        with self.transaction() as cur:
            row = cur.execute(f"SELECT count(*) FROM {module.table} WHERE id = ?", [record_id])
            found = row.fetchone()
            if not found or not found[0]:
                raise KafineaError(f"{module.label} has no record {record_id}.")
            cur.execute(f"DELETE FROM {module.table} WHERE id = ?", [record_id])
            if module.name == "salesorders":
                cur.execute(f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id = ?", [record_id])
            log_changes(cur, module.name, [record_id], "delete", source)

    def count(self, module_name: str) -> int:
        module = self.module(module_name)
        row = self.cursor().execute(f"SELECT count(*) FROM {module.table}").fetchone()
        return int(row[0]) if row else 0

    def find_by_key(self, module_name: str, value: str, key: str | None = None) -> list[int]:
        """Ids whose key field equals value, trimmed and case-insensitive (how imports match)."""
        module = self.module(module_name)
        field = module.field(key or module.key)
        rows = self.cursor().execute(
            f"SELECT id FROM {module.table} WHERE lower(trim(CAST({field.name} AS VARCHAR)))"
            " = lower(trim(?)) ORDER BY id",
            [value],
        )
        return [int(r[0]) for r in rows.fetchall()]

    # -- helpers ----------------------------------------------------------------------------

    def _split_values(
        self, module: Module, values: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[Any] | None]:
        columns: dict[str, Any] = {}
        items: list[Any] | None = None
        for key, value in values.items():
            field = module.find_field(key)
            if field is None:
                raise UsageError(f"{module.label} has no field {key!r}.")
            if field.type is FieldType.LINE_ITEMS:
                items = list(value or [])
            else:
                columns[field.name] = value
        return columns, items

    @staticmethod
    def _check_mandatory(module: Module, values: Mapping[str, Any]) -> None:
        missing = [
            f.label
            for f in module.columns
            if f.mandatory and (values.get(f.name) is None or str(values.get(f.name)).strip() == "")
        ]
        if missing:
            raise KafineaError(f"{module.label} needs a value for {', '.join(missing)}.")

    @staticmethod
    def _check_unique(
        cur: duckdb.DuckDBPyConnection,
        module: Module,
        columns: Mapping[str, Any],
        record_id: int | None,
    ) -> None:
        for field in module.columns:
            if field.unique and columns.get(field.name) is not None:
                row = cur.execute(
                    f"SELECT id FROM {module.table} WHERE lower(trim({field.name}))"
                    " = lower(trim(?)) AND id IS DISTINCT FROM ? LIMIT 1",
                    [str(columns[field.name]), record_id],
                ).fetchone()
                if row:
                    raise KafineaError(
                        f"{module.label} {row[0]} already has {field.label} "
                        f"{columns[field.name]!r}; it must be unique."
                    )

    def _extend_picklists(
        self, cur: duckdb.DuckDBPyConnection, module: Module, columns: Mapping[str, Any]
    ) -> None:
        grew = False
        for field in module.columns:
            value = columns.get(field.name)
            if field.type is FieldType.PICKLIST and value:
                grew |= bool(self.add_picklist_values(cur, module.name, field.name, [str(value)]))
        if grew:
            self._schema = self._load_schema()

    @staticmethod
    def _write_items(cur: duckdb.DuckDBPyConnection, record_id: int, items: list[Any]) -> None:
        rows = []
        for position, item in enumerate(items, start=1):
            product, quantity, list_price = _item_tuple(item)
            rows.append([record_id, position, product, quantity, list_price])
        if rows:
            cur.executemany(f"INSERT INTO {LINE_ITEMS_TABLE} VALUES (?, ?, ?, ?, ?)", rows)


class _Unchanged(Exception):
    """Raised inside `update` to roll back a write that changed no stored value."""


def _item_tuple(item: Any) -> tuple[Any, Any, Any]:
    if isinstance(item, LineItem):
        return item.product, item.quantity, item.list_price
    return item.get("product"), item.get("quantity"), item.get("list_price")


def log_changes(
    cur: duckdb.DuckDBPyConnection,
    module: str,
    record_ids: list[int] | str,
    op: str,
    source: str,
    batch_id: int | None = None,
    fields: list[str] | None = None,
    params: list[Any] | None = None,
) -> None:
    """Append to the change log. `record_ids` is a list, or a SQL query yielding one `id` column
    (with `params`) so that an import logs a million changes in one statement."""
    now = utc_now()
    if isinstance(record_ids, str):
        cur.execute(
            "INSERT INTO kf_changes SELECT nextval('kf_changes_seq'), ?, ?, q.id, ?, ?, ?, ?"
            f" FROM ({record_ids}) q",
            [now, module, op, source, batch_id, fields, *(params or [])],
        )
    elif record_ids:
        cur.executemany(
            "INSERT INTO kf_changes VALUES (nextval('kf_changes_seq'), ?, ?, ?, ?, ?, ?, ?)",
            [[now, module, rid, op, source, batch_id, fields] for rid in record_ids],
        )
