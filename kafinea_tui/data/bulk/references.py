"""What refers to the records of a module: the reference fields of other modules, and a sales
order's lines for products.

A CRM user deleting an organization expects its contacts to stay, without the organization;
deleting a contact keeps its sales orders, without the contact; deleting a product keeps the
sales orders' lines that sold it, with their quantity and price (an order is a record of what
was sold, and its total does not change), the product cleared. Nothing but the selected records
is ever deleted, and undo brings back the references with the records.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from kafinea_tui.data.bulk.report import ReferenceImpact, counted
from kafinea_tui.data.bulk.selection import BULK_IDS
from kafinea_tui.data.schema import LINE_ITEMS_TABLE, FieldType, Module, Schema

ITEMS = "items.product"


@dataclass(frozen=True)
class Referrer:
    """Records of `module` whose `fields` point at the deleted module (`items.product`: the
    lines of sales orders)."""

    module: Module
    fields: tuple[str, ...]

    @property
    def is_items(self) -> bool:
        return self.fields == (ITEMS,)

    def ids_sql(self) -> str:
        """The referring records (the orders, for lines) as one `id` column."""
        if self.is_items:
            return (
                f"SELECT DISTINCT salesorder_id AS id FROM {LINE_ITEMS_TABLE}"
                f" WHERE product IN (SELECT id FROM {BULK_IDS})"
            )
        refers = " OR ".join(f"{f} IN (SELECT id FROM {BULK_IDS})" for f in self.fields)
        return f"SELECT id FROM {self.module.table} WHERE {refers}"


def referrers(schema: Schema, module: Module) -> list[Referrer]:
    found: list[Referrer] = []
    for other in schema.modules.values():
        names = tuple(
            f.name
            for f in other.columns
            if f.type is FieldType.REFERENCE and f.related == module.name
        )
        if names:
            found.append(Referrer(other, names))
        if any(f.type is FieldType.LINE_ITEMS and f.related == module.name for f in other.fields):
            found.append(Referrer(other, (ITEMS,)))
    return found


def impact(cur: duckdb.DuckDBPyConnection, referrer: Referrer) -> ReferenceImpact:
    module = referrer.module
    if referrer.is_items:
        rows = cur.execute(
            f"SELECT count(*), count(DISTINCT salesorder_id) FROM {LINE_ITEMS_TABLE}"
            f" WHERE product IN (SELECT id FROM {BULK_IDS})"
        ).fetchall()
        lines, orders = (int(v) for v in rows[0])
        sentence = (
            f"{counted(lines, 'lines')} of {counted(orders, module.label)}"
            f" {'keeps its' if lines == 1 else 'keep their'} quantity and price with the"
            " product cleared"
        )
        return ReferenceImpact(module.name, ITEMS, lines, sentence)
    rows = cur.execute(f"SELECT count(*) FROM ({referrer.ids_sql()})").fetchall()
    n = int(rows[0][0])
    labels = " and ".join(module.field(f).label for f in referrer.fields)
    verb = "keeps" if n == 1 else "keep"
    sentence = f"{counted(n, module.label)} {verb} existing with {labels} cleared"
    return ReferenceImpact(module.name, ",".join(referrer.fields), n, sentence)
