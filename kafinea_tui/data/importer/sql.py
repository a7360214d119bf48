"""Small SQL helpers the import steps share: match keys, schema labels, temporary objects."""

from __future__ import annotations

import duckdb

from kafinea_tui.data.store.results import first_row


def key_sql(columns: list[str]) -> str:
    """The match key of some columns: each trimmed and lower-cased, joined by a unit separator;
    NULL when one of them is empty, so an empty key never matches anything."""
    parts = [f"lower(trim(CAST({c} AS VARCHAR)))" for c in columns]
    if len(parts) == 1:
        return parts[0]
    nulls = " OR ".join(f"{p} IS NULL" for p in parts)
    return f"CASE WHEN {nulls} THEN NULL ELSE concat_ws(chr(31), {', '.join(parts)}) END"


def lit(text: str) -> str:
    """A schema label as SQL text (labels come from the schema, never from the file)."""
    return "'" + text.replace("'", "''") + "'"


def drop_temp(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a temporary table or view of that name, whichever it is."""
    row = first_row(
        cur.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND temporary", [name])
    )
    cur.execute(f"DROP {'VIEW' if row and row[0] else 'TABLE'} IF EXISTS {name}")
