"""Mass delete: the selected records go, references to them are cleared, all in one batch.

What happens to the records that refer to deleted ones is `references`' rule: they stay, the
reference cleared. Everything the delete changes is saved first (the deleted records and a sales
order's lines in `<module>_prev`, listed 'deleted'; each referring record's previous row, listed
'updated'), so `undo` brings back the records and their references together.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from kafinea_tui.data.bulk.batch import finish_batch, open_batch, save_previous
from kafinea_tui.data.bulk.references import Referrer, impact, referrers
from kafinea_tui.data.bulk.report import BulkReport, DeleteImpact
from kafinea_tui.data.bulk.selection import BULK_IDS, Selection, select_into
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, Module
from kafinea_tui.data.store.change_log import log_id_set
from kafinea_tui.data.store.database import Store, utc_now

Progress = Callable[[float], None]


def delete_impact(store: Store, module: str, selection: Selection) -> DeleteImpact:
    """How many records a delete takes, and what it does to the records referring to them."""
    mod = store.module(module)
    with store.transaction(dry_run=True) as cur:
        selected = select_into(store, cur, mod, selection)
        found = DeleteImpact(selected.count, warnings=selected.warnings(mod))
        found.references = [impact(cur, r) for r in referrers(store.schema, mod)]
    return found


def mass_delete(
    store: Store,
    module: str,
    selection: Selection,
    *,
    dry_run: bool = False,
    source: str = "app",
    progress: Progress | None = None,
    actor: str | None = None,
) -> BulkReport:
    """Delete the selected records in one transaction, as one batch that undo takes back."""
    tick = progress or (lambda _f: None)
    mod = store.module(module)
    report = BulkReport("delete", mod.name, dry_run=dry_run)
    with store.transaction(dry_run) as cur:
        selected = select_into(store, cur, mod, selection)
        report.matched = report.deleted = selected.count
        report.warnings = selected.warnings(mod)
        found = [(r, impact(cur, r)) for r in referrers(store.schema, mod)]
        report.cleared = [i.sentence for _, i in found if i.count]
        tick(0.2)
        if not dry_run and selected.count:
            now = utc_now()
            batch = open_batch(cur, mod, source, f"mass delete ({selection.describe()})", now)
            for referrer, effect in found:
                if effect.count:
                    _clear(cur, referrer, batch, source, now, actor)
            tick(0.6)
            ids = f"SELECT id FROM {BULK_IDS}"
            save_previous(cur, mod, ids, batch, "deleted")
            log_id_set(cur, mod.name, ids, "delete", source, batch, None, actor)
            cur.execute(f"DELETE FROM {mod.table} WHERE id IN ({ids})")
            if mod.name == "salesorders":
                cur.execute(f"DELETE FROM {LINE_ITEMS_TABLE} WHERE salesorder_id IN ({ids})")
            report.batch = batch
            finish_batch(cur, batch, report.as_dict())
        cur.execute(f"DROP TABLE IF EXISTS {BULK_IDS}")
    tick(1.0)
    return report


def _clear(
    cur: duckdb.DuckDBPyConnection,
    referrer: Referrer,
    batch: int,
    source: str,
    now: object,
    actor: str | None,
) -> None:
    """Clear the references of one referring module, its records saved first for undo."""
    module: Module = referrer.module
    cur.execute(f"CREATE OR REPLACE TEMP TABLE kf_bulk_ref AS {referrer.ids_sql()}")
    ids = "SELECT id FROM kf_bulk_ref"
    save_previous(cur, module, ids, batch, "updated")
    if referrer.is_items:
        cur.execute(
            f"UPDATE {LINE_ITEMS_TABLE} SET product = NULL"
            f" WHERE product IN (SELECT id FROM {BULK_IDS})"
        )
        fields = ["items"]
    else:
        for name in referrer.fields:
            cur.execute(
                f"UPDATE {module.table} SET {name} = NULL WHERE {name} IN (SELECT id FROM {BULK_IDS})"
            )
        fields = list(referrer.fields)
    cur.execute(f"UPDATE {module.table} SET modified_at = ? WHERE id IN ({ids})", [now])
    log_id_set(cur, module.name, ids, "update", source, batch, fields, actor)
    cur.execute("DROP TABLE kf_bulk_ref")
