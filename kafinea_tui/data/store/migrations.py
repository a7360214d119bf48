"""Versioned schema migrations.

Each entry upgrades a workspace database by one version. A workspace records its version in
`kf_meta`; opening it runs the missing steps in one transaction, so a database made by any earlier
version opens in this one. Never edit a released step: append a new one.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from kafinea_tui.data.schema import LINE_ITEMS_TABLE, builtin_modules
from kafinea_tui.data.store.results import first_row

Migration = Callable[[duckdb.DuckDBPyConnection], None]

# Every change after the cursor `since`, one row each, in the columns of the old `kf_changes`
# table: the single changes, then the sets that reach past `since`, expanded from the first id
# whose cursor is past it (contiguous sets by `range`, listed ones by their ids). As released
# in schema version 5: a later change to it is a new migration re-creating the macro.
CHANGES_AFTER = """
SELECT cursor, changed_at, module, record_id, op, source, batch_id, fields, actor
FROM kf_change_rows WHERE cursor > since
UNION ALL
SELECT s.cursor + r.record_id - s.id_low, s.changed_at, s.module, r.record_id, s.op, s.source,
    s.batch_id, s.fields, s.actor
FROM kf_change_sets s, range(greatest(s.id_low, since - s.cursor + s.id_low + 1), s.id_high + 1)
    r(record_id)
WHERE NOT s.listed AND s.last_cursor > since
UNION ALL
SELECT s.cursor + i.record_id - s.id_low, s.changed_at, s.module, i.record_id, s.op, s.source,
    s.batch_id, s.fields, s.actor
FROM kf_change_sets s JOIN kf_change_set_ids i ON i.cursor = s.cursor
WHERE s.listed AND s.last_cursor > since AND i.record_id > since - s.cursor + s.id_low
"""


def _v1_initial(conn: duckdb.DuckDBPyConnection) -> None:
    for module in builtin_modules().values():
        columns = ", ".join(f"{f.name} {f.sql_type}" for f in module.columns)
        conn.execute(
            f"CREATE TABLE {module.table} (id BIGINT NOT NULL, created_at TIMESTAMP NOT NULL, "
            f"modified_at TIMESTAMP NOT NULL, batch_id BIGINT, {columns})"
        )
        conn.execute(f"CREATE SEQUENCE {module.table}_id_seq")
    conn.execute(
        f"CREATE TABLE {LINE_ITEMS_TABLE} (salesorder_id BIGINT NOT NULL, position INTEGER NOT NULL,"
        " product BIGINT, quantity DECIMAL(18,2), list_price DECIMAL(18,2))"
    )
    conn.execute(
        "CREATE TABLE kf_custom_fields (module VARCHAR NOT NULL, name VARCHAR NOT NULL,"
        " label VARCHAR NOT NULL, type VARCHAR NOT NULL, position INTEGER NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE kf_picklist_values (module VARCHAR NOT NULL, field VARCHAR NOT NULL,"
        " value VARCHAR NOT NULL, position INTEGER NOT NULL)"
    )
    # The change log: every create, update and delete, in cursor order, with its source
    # ('app', 'api', 'import', 'pull', ...) and the batch of an import.
    conn.execute("CREATE SEQUENCE kf_changes_seq")
    conn.execute(
        "CREATE TABLE kf_changes (cursor BIGINT NOT NULL, changed_at TIMESTAMP NOT NULL,"
        " module VARCHAR NOT NULL, record_id BIGINT NOT NULL, op VARCHAR NOT NULL,"
        " source VARCHAR NOT NULL, batch_id BIGINT, fields VARCHAR[])"
    )
    # Import batches: one row per import; what each created or changed is in kf_batch_rows,
    # the values it overwrote in the <module>_prev tables, so that undo can restore them.
    conn.execute("CREATE SEQUENCE kf_batches_seq")
    conn.execute(
        "CREATE TABLE kf_batches (id BIGINT NOT NULL, module VARCHAR NOT NULL,"
        " source VARCHAR NOT NULL, file VARCHAR, started_at TIMESTAMP NOT NULL,"
        " finished_at TIMESTAMP, undone_at TIMESTAMP, report JSON)"
    )
    conn.execute(
        "CREATE TABLE kf_batch_rows (batch_id BIGINT NOT NULL, module VARCHAR NOT NULL,"
        " record_id BIGINT NOT NULL, action VARCHAR NOT NULL)"
    )
    for module in builtin_modules().values():
        columns = ", ".join(f"{f.name} {f.sql_type}" for f in module.columns)
        conn.execute(
            f"CREATE TABLE {module.table}_prev (prev_batch_id BIGINT NOT NULL, id BIGINT NOT NULL,"
            f" created_at TIMESTAMP, modified_at TIMESTAMP, batch_id BIGINT, {columns})"
        )
    conn.execute(
        f"CREATE TABLE {LINE_ITEMS_TABLE}_prev (prev_batch_id BIGINT NOT NULL,"
        " salesorder_id BIGINT NOT NULL, position INTEGER NOT NULL, product BIGINT,"
        " quantity DECIMAL(18,2), list_price DECIMAL(18,2))"
    )
    conn.execute("CREATE TABLE kf_settings (key VARCHAR NOT NULL, value VARCHAR)")


def _v2_api_tokens(conn: duckdb.DuckDBPyConnection) -> None:
    # API tokens: only the SHA-256 of a token is kept, so a copy of the database never
    # lets anyone call the API; the token itself is shown once, when it is created.
    conn.execute(
        "CREATE TABLE kf_tokens (name VARCHAR NOT NULL, token_sha256 VARCHAR NOT NULL,"
        " read_only BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL)"
    )


def _v3_automation(conn: duckdb.DuckDBPyConnection) -> None:
    # The outbox: each delivery (a workflow's send or email, a schedule's send) is a row before
    # it is attempted, written in the transaction of the change that fired it. `webhook_id` is
    # fixed at that moment, so every retry carries the same id and idempotency key.
    conn.execute("CREATE SEQUENCE kf_outbox_seq")
    conn.execute(
        "CREATE TABLE kf_outbox (id BIGINT NOT NULL, webhook_id VARCHAR NOT NULL,"
        " kind VARCHAR NOT NULL, target VARCHAR NOT NULL, workflow VARCHAR, schedule VARCHAR,"
        " module VARCHAR, record_id BIGINT, change_cursor BIGINT, payload JSON,"
        " status VARCHAR NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TIMESTAMP,"
        " last_attempt_at TIMESTAMP, last_error VARCHAR, answer VARCHAR,"
        " created_at TIMESTAMP NOT NULL, delivered_at TIMESTAMP)"
    )
    # Workflows fired (for the panel's "last fired, count") and schedule runs with their result;
    # a run's `cursor` is the change-log position a `since_last_run` send starts after next time.
    conn.execute(
        "CREATE TABLE kf_workflow_fires (workflow VARCHAR NOT NULL, fired_at TIMESTAMP NOT NULL,"
        " records BIGINT NOT NULL, depth INTEGER NOT NULL, note VARCHAR)"
    )
    conn.execute("CREATE SEQUENCE kf_schedule_runs_seq")
    conn.execute(
        "CREATE TABLE kf_schedule_runs (id BIGINT NOT NULL, schedule VARCHAR NOT NULL,"
        " started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, status VARCHAR NOT NULL,"
        " result VARCHAR, cursor BIGINT)"
    )


def _v4_change_actor(conn: duckdb.DuckDBPyConnection) -> None:
    # Who made a change, beside its source: the API token's name for `api` changes (NULL for
    # the app, the CLI and older entries), so a feed reader knows which client sent a record.
    conn.execute("ALTER TABLE kf_changes ADD COLUMN actor VARCHAR")


def _v5_change_sets(conn: duckdb.DuckDBPyConnection) -> None:
    # A set operation (an import, a mass edit or delete, an undo) logs one `kf_change_sets` row
    # instead of one row per record: its records are the ids id_low..id_high, or when they are
    # not contiguous (`listed`) the ids in `kf_change_set_ids`; a record's cursor is the set's
    # `cursor + record_id - id_low`. Single changes stay rows, in `kf_change_rows` (the old
    # table, renamed). `kf_changes_after(since)` reads both, one row per change, expanding only
    # the sets past `since`; the view `kf_changes` is every change (see change_log.py).
    # Adding a column to the change log means adding it to both tables and re-creating both.
    conn.execute("ALTER TABLE kf_changes RENAME TO kf_change_rows")
    conn.execute(
        "CREATE TABLE kf_change_sets (cursor BIGINT NOT NULL, last_cursor BIGINT NOT NULL,"
        " id_low BIGINT NOT NULL, id_high BIGINT NOT NULL, listed BOOLEAN NOT NULL,"
        " changed_at TIMESTAMP NOT NULL, module VARCHAR NOT NULL, op VARCHAR NOT NULL,"
        " source VARCHAR NOT NULL, batch_id BIGINT, fields VARCHAR[], actor VARCHAR)"
    )
    conn.execute(
        "CREATE TABLE kf_change_set_ids (cursor BIGINT NOT NULL, record_id BIGINT NOT NULL)"
    )
    conn.execute(f"CREATE MACRO kf_changes_after(since) AS TABLE {CHANGES_AFTER}")
    conn.execute("CREATE VIEW kf_changes AS SELECT * FROM kf_changes_after(-1)")


# The outbox as the delivery log reads it, one row per delivery in the columns of the old
# `kf_outbox` table: what every delivery of one enqueue shares (kind, target, workflow, module,
# the time, a JSON envelope around the payloads, a random prefix of the webhook ids) is kept once
# in `kf_outbox_batches`; a row keeps only its own part. A row nobody has attempted yet has no
# status (pending, due since it was queued) and no attempts. As released in schema version 6.
OUTBOX_VIEW_6 = """
SELECT r.id, coalesce(r.webhook_id, b.webhook_prefix || CAST(r.id AS VARCHAR)) AS webhook_id,
    b.kind, b.target, b.workflow, b.schedule, b.module, r.record_id, r.change_cursor,
    b.payload_head || r.payload || b.payload_tail AS payload,
    coalesce(r.status, 'pending') AS status, coalesce(r.attempts, 0) AS attempts,
    CASE WHEN r.status IS NULL THEN b.created_at ELSE r.next_attempt_at END AS next_attempt_at,
    r.last_attempt_at, r.last_error, r.answer, b.created_at, r.delivered_at
FROM kf_outbox_rows r JOIN kf_outbox_batches b ON b.id = r.batch
"""


def _v6_outbox_batches(conn: duckdb.DuckDBPyConnection) -> None:
    # A workflow fired by an import of 100,000 records queues 100,000 deliveries in one
    # statement: writing the same kind, endpoint, workflow name, time and envelope 100,000 times
    # (and a random id each) cost more than building the payloads. They are written once per
    # enqueue now, in `kf_outbox_batches`; `kf_outbox` is the view of both (OUTBOX_VIEW).
    # The old rows become batches of one, keeping their webhook ids (a retry must carry the
    # same id as the attempts before it).
    conn.execute(
        "CREATE TABLE kf_outbox_batches (id BIGINT NOT NULL, kind VARCHAR NOT NULL,"
        " target VARCHAR NOT NULL, workflow VARCHAR, schedule VARCHAR, module VARCHAR,"
        " webhook_prefix VARCHAR NOT NULL, payload_head VARCHAR NOT NULL,"
        " payload_tail VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE kf_outbox_rows (id BIGINT NOT NULL, batch BIGINT NOT NULL,"
        " record_id BIGINT, change_cursor BIGINT, payload VARCHAR, status VARCHAR,"
        " attempts INTEGER, next_attempt_at TIMESTAMP, last_attempt_at TIMESTAMP,"
        " last_error VARCHAR, answer VARCHAR, delivered_at TIMESTAMP, webhook_id VARCHAR)"
    )
    conn.execute(
        "INSERT INTO kf_outbox_batches SELECT id, kind, target, workflow, schedule, module,"
        " '', '', '', created_at FROM kf_outbox"
    )
    conn.execute(
        "INSERT INTO kf_outbox_rows SELECT id, id, record_id, change_cursor,"
        " CAST(payload AS VARCHAR), status, attempts, next_attempt_at, last_attempt_at,"
        " last_error, answer, delivered_at, webhook_id FROM kf_outbox"
    )
    row = first_row(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM kf_outbox"))
    conn.execute(f"CREATE SEQUENCE kf_outbox_batches_seq START WITH {int(row[0]) if row else 1}")
    conn.execute("DROP TABLE kf_outbox")
    conn.execute(f"CREATE VIEW kf_outbox AS {OUTBOX_VIEW_6}")


# The outbox's view since schema version 7: a delivery's attempts (status, times, the last error
# and answer) are in `kf_outbox_state`, from its first claim on; a delivery without a state row
# is pending, never attempted, due since it was queued.
OUTBOX_VIEW = """
SELECT r.id, coalesce(s.webhook_id, b.webhook_prefix || CAST(r.id AS VARCHAR)) AS webhook_id,
    b.kind, b.target, b.workflow, b.schedule, b.module, r.record_id, r.change_cursor,
    b.payload_head || r.payload || b.payload_tail AS payload,
    coalesce(s.status, 'pending') AS status, coalesce(s.attempts, 0) AS attempts,
    CASE WHEN s.id IS NULL THEN b.created_at ELSE s.next_attempt_at END AS next_attempt_at,
    s.last_attempt_at, s.last_error, s.answer, b.created_at, s.delivered_at
FROM kf_outbox_rows r JOIN kf_outbox_batches b ON b.id = r.batch
LEFT JOIN kf_outbox_state s ON s.id = r.id
"""
STATE_COLUMNS = (
    "status, attempts, next_attempt_at, last_attempt_at, last_error, answer, delivered_at,"
    " webhook_id"
)


def _v7_outbox_state(conn: duckdb.DuckDBPyConnection) -> None:
    # A queued delivery's eight attempt columns were all empty, and writing 100,000 rows of
    # empty columns still cost a tenth of the import that queued them. They live in
    # `kf_outbox_state` now, a row written when a delivery is first claimed (or retried); a
    # queued delivery is only its id, batch, record, change cursor and payload.
    conn.execute(
        "CREATE TABLE kf_outbox_state (id BIGINT NOT NULL, status VARCHAR NOT NULL,"
        " attempts INTEGER NOT NULL, next_attempt_at TIMESTAMP, last_attempt_at TIMESTAMP,"
        " last_error VARCHAR, answer VARCHAR, delivered_at TIMESTAMP, webhook_id VARCHAR)"
    )
    conn.execute(
        f"INSERT INTO kf_outbox_state SELECT id, {STATE_COLUMNS} FROM kf_outbox_rows"
        " WHERE status IS NOT NULL"
    )
    conn.execute("DROP VIEW kf_outbox")
    for column in STATE_COLUMNS.split(", "):
        conn.execute(f"ALTER TABLE kf_outbox_rows DROP COLUMN {column.strip()}")
    conn.execute(f"CREATE VIEW kf_outbox AS {OUTBOX_VIEW}")


def _v8_outbox_render(conn: duckdb.DuckDBPyConnection) -> None:
    # A workflow's deliveries may be queued as references (record id and change cursor, no
    # payload) with the payload's SQL kept once in their batch, rendered before the next write
    # can change what they show (data/store/outbox_render.py). A batch with `render_sql` still
    # set has its rows' payloads to render. A later migration that changes records, their
    # tables or the outbox must first render them (outbox_render.render_pending).
    conn.execute("ALTER TABLE kf_outbox_batches ADD COLUMN render_sql VARCHAR")
    conn.execute("ALTER TABLE kf_outbox_batches ADD COLUMN render_params VARCHAR[]")


MIGRATIONS: tuple[Migration, ...] = (
    _v1_initial,
    _v2_api_tokens,
    _v3_automation,
    _v4_change_actor,
    _v5_change_sets,
    _v6_outbox_batches,
    _v7_outbox_state,
    _v8_outbox_render,
)
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    """The schema version, 0 for a new database. kf_meta is read, not first looked up in
    information_schema, whose view binds every catalog: ~10 ms of each open, and every command
    and test opens a store."""
    try:
        row = first_row(conn.execute("SELECT value FROM kf_meta WHERE key = 'schema_version'"))
    except duckdb.CatalogException:  # no kf_meta: nothing made yet
        return 0
    return int(row[0]) if row else 0


def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Bring the database to SCHEMA_VERSION; returns the version it was at."""
    version = current_version(conn)
    if version >= SCHEMA_VERSION:
        return version
    conn.execute("BEGIN TRANSACTION")
    try:
        if version == 0:
            conn.execute("CREATE TABLE kf_meta (key VARCHAR NOT NULL, value VARCHAR)")
            conn.execute("INSERT INTO kf_meta VALUES ('schema_version', '0')")
        for step in MIGRATIONS[version:]:
            step(conn)
        conn.execute(
            "UPDATE kf_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version
