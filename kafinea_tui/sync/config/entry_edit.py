"""Adding a workflow or a schedule from the sync panel, written as the TOML of its table.

Workflows and schedules have too many shapes for a form of fields (filters, actions, templates,
cron or every), so the panel takes the entry's keys as the user would write them under
`[[workflows]]` or `[[schedules]]`, starting from an example. The entry is added only when the
whole config.toml then reads as `kafinea-tui automation check` reads it (the same
`parse_config`) with no new error; the other keys are kept; comments are not (tomli-w).
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any, Literal

import duckdb

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.schema import Schema
from kafinea_tui.sync.config.load import parse_config
from kafinea_tui.sync.config.write import load, save
from kafinea_tui.sync.workflows import compile_triggers
from kafinea_tui.workspace import MAPPINGS_DIR

Kind = Literal["workflows", "schedules"]
EXAMPLES: dict[str, str] = {
    "workflows": """name = "send approved orders to the factory"
module = "salesorders"
on = "create_or_update"
when = 'status = "Approved"'
changed = ["status"]
actions = [{ type = "send", endpoint = "factory", fields = ["order_number", "items"] }]
""",
    "schedules": """name = "pull shop orders"
every = "5m"
action = { type = "pull", url = "http://127.0.0.1:9001/orders", module = "salesorders", duplicates = "merge", match = ["order_number"] }
""",
}


def check(
    data: dict[str, Any],
    schema: Schema,
    cur: duckdb.DuckDBPyConnection,
    mappings: Path | None = None,
) -> list[str]:
    """What `kafinea-tui automation check` says of this config: its entries' errors, then the
    workflows' (values an update action sets, checked against the database's rules);
    `mappings` is the workspace's saved mappings folder."""
    config = parse_config(data, schema, mappings)
    return [*config.errors, *compile_triggers(config, schema, cur)[1]]


def add_entry(
    path: Path, schema: Schema, cur: duckdb.DuckDBPyConnection, kind: Kind, text: str
) -> str:
    """Append the entry `text` (TOML keys) to `kind` in config.toml and save; KafineaError
    with the check's sentences when the config would gain an error (the file is unchanged)."""
    try:
        entry = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise KafineaError(f"Not saved: the entry is not valid TOML ({error}).") from None
    data = load(path)
    mappings = path.with_name(MAPPINGS_DIR)
    before = set(check(copy.deepcopy(data), schema, cur, mappings))
    entries: Any = data.setdefault(kind, [])
    if not isinstance(entries, list):
        raise KafineaError(f"config.toml: {kind} is not an array of tables ([[{kind}]]).")
    entries.append(entry)
    where = f"{kind}[{len(entries)}]"
    errors = [
        e
        for e in check(copy.deepcopy(data), schema, cur, mappings)
        if e.startswith((f"{where}.", f"{where}:", f"{where} ")) or e not in before
    ]
    if errors:
        raise KafineaError("Not saved: " + "; ".join(errors))
    save(path, data)
    return f"{kind[:-1].capitalize()} {entry.get('name')!r} added to config.toml."
