"""The workspace database: connection, migrations, transactions, record CRUD and the change log.

One `Store` owns one DuckDB connection. DuckDB connections are not shared between threads, so
each thread (a Textual worker, an API request) gets its own cursor through `store.cursor()`.
Values passed to and returned from the CRUD methods are typed Python values (str, int, Decimal,
date, bool, and the related record's id for references); parsing text is the importer's job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from kafinea_tui.data.collation import ROOT_COLLATION
from kafinea_tui.data.errors import (
    DiskFull,
    KafineaError,
    UsageError,
    WorkspaceError,
    is_disk_full,
)
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Field, FieldType, Module, Schema
from kafinea_tui.data.store.change_log import log_changes, top_cursor, utc_now
from kafinea_tui.data.store.connection import connect, first_line
from kafinea_tui.data.store.custom_fields import (
    append_picklist_values,
    load_schema,
    new_custom_field,
    write_custom_field,
)
from kafinea_tui.data.store.migrations import SCHEMA_VERSION, current_version, migrate
from kafinea_tui.data.store.order_totals import ORDERS, sum_totals
from kafinea_tui.data.store.outbox_render import render_pending
from kafinea_tui.data.store.record_ids import reserve_ids
from kafinea_tui.data.store.record_rules import (
    LineItem,
    check_mandatory,
    check_unique,
    split_values,
    write_items,
)
from kafinea_tui.data.store.results import first_row

# Re-exported: callers build records and log changes through the store's names.
__all__ = ["LineItem", "Record", "Store", "connect", "log_changes", "utc_now"]

Record = dict[str, Any]
# Called before a transaction commits with its cursor and the change-log position it began at.
CommitHook = Callable[[duckdb.DuckDBPyConnection, int], None]


class Store:
    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection
        self._local = threading.local()
        self._schema_lock = threading.Lock()
        # One writer at a time in this process, whoever it is: the app's workers, the API's
        # writer thread (the owner's socket and TCP clients), the automation engine. DuckDB
        # would otherwise fail one of two concurrent writers with a conflict, and the change
        # log's cursors must become visible in order for the changes feed never to skip one.
        self.write_lock = threading.RLock()
        self._commit_hook: CommitHook | None = None
        # Whether deliveries queued as references may be waiting for their payloads: only a
        # commit hook (the workflows) queues them, so once a write without one has rendered
        # them and committed, no write needs to look again (a look costs ~1 ms a write).
        self._render_due = True
        # The ICU collation text sorts by (data.collation); the workspace sets its locale's.
        # None sorts lower-cased code points (the order before collations; benchmarks).
        self.collation: str | None = ROOT_COLLATION
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
                f"The workspace database cannot be opened or upgraded: {first_line(str(error))}"
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

    def set_commit_hook(self, hook: CommitHook | None) -> None:
        """What runs inside every write transaction just before it commits (the workflows'
        triggers: their deliveries commit with the changes that fired them, or neither does)."""
        self._commit_hook = hook

    @contextmanager
    def transaction(self, dry_run: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit on success, roll back on any exception (including Ctrl-C).

        Re-entrant on one thread: an inner `transaction()` (say `create` called by an import
        that already opened one) joins the outer one, which alone commits or rolls back.
        A dry run runs every statement the real thing would, so its counts and failures are the
        real ones, then rolls back whatever happens; it fires no workflow.
        Deliveries queued as references get their payloads first, before anything this
        transaction writes can change the records they show (data/store/outbox_render.py).
        """
        cursor = self.cursor()
        depth: int = getattr(self._local, "depth", 0)
        if depth:
            if dry_run:
                raise RuntimeError("a dry run cannot join a transaction that will commit")
            self._local.depth = depth + 1
            try:
                yield cursor
            finally:
                self._local.depth = depth
            return
        self.write_lock.acquire()
        try:
            cursor.execute("BEGIN TRANSACTION")
        except BaseException:
            self.write_lock.release()
            raise
        self._local.depth = 1
        try:
            rendered = not dry_run and self._render_due
            if rendered:
                render_pending(cursor)
            hook = None if dry_run else self._commit_hook
            since = top_cursor(cursor) if hook is not None else 0
            yield cursor
            if dry_run:
                self._roll_back(cursor)
                return
            if hook is not None:
                hook(cursor, since)
                self._render_due = True  # its firings may have queued references
            cursor.execute("COMMIT")
            if rendered and hook is None:
                self._render_due = False
        except BaseException as error:
            self._roll_back(cursor)
            if is_disk_full(error):
                raise DiskFull(
                    "The disk holding the workspace is full; nothing was written (the "
                    "workspace is as it was). Free some space and try again."
                ) from None
            raise
        finally:
            self._local.depth = 0
            self.write_lock.release()

    @contextmanager
    def snapshot(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Reads that must agree with each other (a page and its total) in one committed
        snapshot, rolled back after: it takes no write lock, so readers never wait for a
        writer (an import, a mass edit) nor for each other. Inside a transaction, that one."""
        cursor = self.cursor()
        if getattr(self._local, "depth", 0):
            yield cursor
            return
        cursor.execute("BEGIN TRANSACTION")
        self._local.depth = 1
        try:
            yield cursor
        finally:
            self._local.depth = 0
            with suppress(duckdb.Error):
                cursor.execute("ROLLBACK")

    def _roll_back(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with suppress(duckdb.Error):  # a failed COMMIT has already rolled back
            cursor.execute("ROLLBACK")
        with suppress(duckdb.Error):  # picklist values of the transaction go too
            self._schema = self._load_schema()

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
        return load_schema(self.cursor())

    def refresh_schema(self) -> Schema:
        with self._schema_lock:
            self._schema = self._load_schema()
        return self._schema

    def add_custom_field(
        self, module_name: str, label: str, type_: str, values: Iterable[str] = ()
    ) -> Field:
        """Add a `cf_` column to a module (the layout manager, the import wizard, `fields add`)."""
        module = self.module(module_name)
        field = new_custom_field(module, label, type_, values)
        with self.transaction() as cur:
            write_custom_field(cur, module, field)
        return self.refresh_schema().module(module.name).field(field.name)

    def add_picklist_values(
        self, cur: duckdb.DuckDBPyConnection, module_name: str, field_name: str, values: list[str]
    ) -> list[str]:
        """Append values not yet in a picklist (inside the caller's transaction); returns the new ones."""
        field = self.module(module_name).field(field_name)
        return append_picklist_values(cur, field, module_name, values)

    # -- records ----------------------------------------------------------------------------

    def create(self, module_name: str, values: Mapping[str, Any], source: str = "app") -> int:
        module = self.module(module_name)
        columns, items = split_values(module, values)
        check_mandatory(module, columns)
        now = utc_now()
        with self.transaction() as cur:
            check_unique(cur, module, columns, record_id=None)
            self._extend_picklists(cur, module, columns)
            # A reservation rather than a bare nextval: beside an import's open reservation a
            # bare nextval would draw an id inside that range; this conflicts loudly instead.
            try:
                record_id = reserve_ids(cur, module.table, 1)
            except duckdb.TransactionException:
                raise KafineaError(
                    f"{module.label} are being imported right now; "
                    "create the record again when the import is done."
                ) from None
            names = ["id", "created_at", "modified_at", *columns]
            marks = ", ".join("?" for _ in names)
            cur.execute(
                f"INSERT INTO {module.table} ({', '.join(names)}) VALUES ({marks})",
                [record_id, now, now, *columns.values()],
            )
            if items is not None:
                write_items(cur, record_id, items)
                sum_totals(cur, "SELECT ?", [record_id])
            log_changes(cur, module.name, [record_id], "create", source, fields=list(values))
        return record_id

    def get(self, module_name: str, record_id: int) -> Record | None:
        """One record's stored values (references as ids), with `items` for sales orders."""
        module = self.module(module_name)
        cur = self.cursor()
        result = cur.execute(f"SELECT * FROM {module.table} WHERE id = ?", [record_id])
        row = first_row(result)
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
        columns, items = split_values(module, values)
        try:
            with self.transaction() as cur:
                before = self.get(module.name, record_id)
                if before is None:
                    raise KafineaError(f"{module.label} has no record {record_id}.")
                check_mandatory(module, {**before, **columns})
                check_unique(cur, module, columns, record_id=record_id)
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
                    write_items(cur, record_id, items)
                if module.name == ORDERS and (items is not None or "total" in columns):
                    sum_totals(cur, "SELECT ?", [record_id])
                after = self.get(module.name, record_id) or {}
                changed = [name for name in columns if before.get(name) != after.get(name)]
                if items is not None and before.get("items") != after.get("items"):
                    changed.append("items")
                # Then the fields the rules derive from those (an order's total).
                derived = (f.name for f in module.columns if f.name not in columns)
                changed.extend(n for n in derived if before.get(n) != after.get(n))
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
            found = first_row(row)
            if not found or not found[0]:
                raise KafineaError(f"{module.label} has no record {record_id}.")
            cur.execute(f"DELETE FROM {module.table} WHERE id = ?", [record_id])
            if module.name == "salesorders":
                cur.execute(f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id = ?", [record_id])
            log_changes(cur, module.name, [record_id], "delete", source)

    def count(self, module_name: str) -> int:
        module = self.module(module_name)
        rows = self.cursor().execute(f"SELECT count(*) FROM {module.table}").fetchall()
        return int(rows[0][0])

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


class _Unchanged(Exception):
    """Raised inside `update` to roll back a write that changed no stored value."""
