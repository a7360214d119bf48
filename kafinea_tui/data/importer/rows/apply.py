"""One record of the row path: the import's checks in the import's order, then its writes.

The checks are those of the file importer (`importer.match.build_rows` / `check_records`,
`importer.group`), with the same sentences (`importer.rules`): unreadable values, references
(ambiguous, or missing without `create_related`), a match with several records, mandatory
fields, unique fields, line items without a product. Only when all pass is anything written:
the related records the row names, picklist values it brings, the record, its lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kafinea_tui.data.importer.mapping import Target
from kafinea_tui.data.importer.rows.lookups import Lookups
from kafinea_tui.data.importer.rows.parse import Line, Parsed
from kafinea_tui.data.importer.rows.write import Writer
from kafinea_tui.data.importer.rules import (
    ITEM_NEEDS_PRODUCT,
    MANDATORY_ABSENT,
    MANDATORY_EMPTY,
    MATCH_AMBIGUOUS,
    REF_AMBIGUOUS,
    REF_MISSING,
    REF_UNFIT,
    UNIQUE_TAKEN,
    action_of,
    reason,
    related_fill,
)
from kafinea_tui.data.schema import FieldType, Module
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.order_totals import ORDER_TOTAL_FIXED, ORDERS, lines_total
from kafinea_tui.data.values import ValueOptions, read_value

if TYPE_CHECKING:
    from kafinea_tui.data.importer.rows.plan import RowPlan

OUTCOMES = {"create": "created", "update": "updated", "merge": "merged", "skip": "skipped"}


class Failed(Exception):
    def __init__(self, column: str, why: str) -> None:
        super().__init__(why)
        self.column = column
        self.reason = why


@dataclass
class _Missing:
    """A related record to create once the row has passed every check."""

    target: Target
    key: str


@dataclass
class Apply:
    store: Store
    module: Module
    parsed: Parsed
    lookups: Lookups
    writer: Writer
    plan: RowPlan
    related_created: int = 0
    added: dict[str, list[str]] = field(default_factory=dict)  # picklist values added
    written: list[int] = field(default_factory=list)  # ids of the records written, in order

    def record(self, lines: list[Line]) -> str:
        """Check and write one posted record; its outcome (created, updated, merged, skipped)."""
        values, items = self._checked_values(lines)
        first = lines[0]
        action, record_id = "create", None
        if self.plan.duplicates is not None and first.mk is not None:
            ids = self.lookups.matches(self.module, self.parsed.match, first.mk)
            if len(ids) > 1:
                labels = ", ".join(self.module.field(m).label for m in self.parsed.match)
                listed = ", ".join(str(i) for i in ids)
                why = reason(MATCH_AMBIGUOUS, module=self.module.label, fields=labels, ids=listed)
                raise Failed(labels, why)
            if ids:
                action, record_id = action_of(self.plan.duplicates), ids[0]
        if action == "skip":
            return OUTCOMES[action]
        self._check_record(values, action, record_id)
        self._create_missing(values, items)
        self._extend_picklists(values)
        if record_id is None:
            if self.module.name == ORDERS and items:
                values["total"] = lines_total(self.writer.cur, items)
            record_id = self.writer.insert(self.module, values)
            if items:
                self.writer.replace_items(record_id, items)
        else:
            self._change(record_id, values, items, action, replace_items=bool(items))
        self.written.append(record_id)
        return OUTCOMES[action]

    def patch(self, lines: list[Line], record_id: int, items_given: bool) -> list[str]:
        """Check and write a PATCH of one record: given fields are set, null clears."""
        values, items = self._checked_values(lines)
        self._check_record(values, "update", record_id)
        self._create_missing(values, items)
        self._extend_picklists(values)
        return self._change(
            record_id, values, items, "update", replace_items=items_given, patch=True
        )

    # -- checks -----------------------------------------------------------------------------

    def _checked_values(self, lines: list[Line]) -> tuple[dict[str, Any], list[list[Any]]]:
        """The record's column values and its lines (product, quantity, price), references as
        ids (or `_Missing`); Failed at the first unreadable value or unusable reference."""
        for line in lines:
            if line.error is not None:
                raise Failed(*line.error)
        values = {t.field.name: lines[0].values[t.name] for t in self.parsed.record_targets}
        for target in self.parsed.record_targets:
            if target.is_reference and values[target.field.name] is not None:
                values[target.field.name] = self._reference(target, values[target.field.name])
        items: list[list[Any]] = []
        by_name = {t.field.name: t for t in self.parsed.item_targets}
        product = by_name.get("product")
        if product is not None:
            for line in lines:
                key = line.values[product.name]
                rest = [line.values[by_name[n].name] if n in by_name else None for n in _REST]
                if key is None:
                    if any(v is not None for v in rest):
                        raise Failed(product.column or product.name, ITEM_NEEDS_PRODUCT)
                    continue
                items.append([self._reference(product, key), *rest])
        return values, items

    def _reference(self, target: Target, key: str) -> int | _Missing:
        ids = self.lookups.reference(target.field, key)
        related, key_field = self.lookups.related(target.field)
        column = target.column or target.field.label
        if len(ids) > 1:
            listed = ", ".join(str(i) for i in ids)
            why = reason(
                REF_AMBIGUOUS, related=related.label, key=key_field.label, value=key, ids=listed
            )
            raise Failed(column, why)
        if ids:
            return ids[0]
        if not self.plan.create_related:
            raise Failed(
                column, reason(REF_MISSING, related=related.label, key=key_field.label, value=key)
            )
        # As the file importer: no record is created with a key its field refuses.
        _value, unfit = read_value(self.writer.cur, key_field, key, ValueOptions())
        if unfit is not None:
            why = reason(
                REF_UNFIT, related=related.label, key=key_field.label, value=key, why=unfit
            )
            raise Failed(column, why)
        return _Missing(target, key)

    def _check_record(self, values: dict[str, Any], action: str, record_id: int | None) -> None:
        """Mandatory fields (a merge keeps stored values, so it is not checked) and unique ones."""
        by_field = {t.field.name: t for t in self.parsed.record_targets}
        for f in self.module.columns:
            target = by_field.get(f.name)
            if f.mandatory and target is None and action == "create":
                raise Failed(f.label, reason(MANDATORY_ABSENT, field=f.label))
            updating = action in ("create", "update")
            if f.mandatory and target is not None and updating and values[f.name] is None:
                raise Failed(target.column or f.label, reason(MANDATORY_EMPTY, field=f.label))
            if f.unique and target is not None and values[f.name] is not None:
                other = self.lookups.taken(self.module, f, values[f.name], record_id)
                if other is not None:
                    why = reason(
                        UNIQUE_TAKEN,
                        field=f.label,
                        value=values[f.name],
                        module=self.module.label,
                        id=other,
                    )
                    raise Failed(target.column or f.label, why)

    # -- writes -----------------------------------------------------------------------------

    def _create_missing(self, values: dict[str, Any], items: list[list[Any]]) -> None:
        """Create the related records the row names and no record carries; ids in their place."""
        for name, value in list(values.items()):
            if isinstance(value, _Missing):
                values[name] = self._create_related(value)
        for line in items:
            if isinstance(line[0], _Missing):
                line[0] = self._create_related(line[0])

    def _create_related(self, missing: _Missing) -> int:
        found = self.lookups.reference(missing.target.field, missing.key)
        if found:  # created for an earlier field or line of this request
            return found[0]
        related, key_field = self.lookups.related(missing.target.field)
        names = related_fill(related, key_field)
        record_id = self.writer.insert(related, dict.fromkeys(names, missing.key), related=True)
        self.lookups.remember(missing.target.field, missing.key, record_id)
        self.related_created += 1
        return record_id

    def _extend_picklists(self, values: dict[str, Any]) -> None:
        for target in self.parsed.record_targets:
            f = target.field
            value = values[f.name]
            if f.type is not FieldType.PICKLIST or value is None:
                continue
            added = self.added.setdefault(f.name, [])
            known = {v.lower() for v in f.values}
            if str(value).lower() in known or str(value) in added:
                continue
            self.store.add_picklist_values(self.writer.cur, self.module.name, f.name, [value])
            added.append(str(value))
        for name in [n for n, v in self.added.items() if not v]:
            del self.added[name]

    def _change(
        self,
        record_id: int,
        values: dict[str, Any],
        items: list[list[Any]],
        action: str,
        replace_items: bool,
        patch: bool = False,
    ) -> list[str]:
        """Overwrite (null clears) or merge (null keeps) a matched record; match fields keep
        their stored text; an order with lines has their sum as total. Nothing is written when
        no stored value would change. A PATCH giving another total is refused: the posted
        records of an import take the sum whoever wrote it, but a PATCH of the total alone
        would otherwise answer 200 and change nothing."""
        if self.module.name == ORDERS:
            after = items if replace_items else self.writer.items(record_id)
            if after:
                total = lines_total(self.writer.cur, after)
                given = values.get("total")
                if patch and given is not None and given != total:
                    raise Failed(self.module.field("total").label, ORDER_TOTAL_FIXED)
                values = {**values, "total": total}
        names = [n for n in values if n not in self.parsed.match]
        if action == "merge":
            names = [n for n in names if values[n] is not None]
        stored = self.lookups.stored(self.module, record_id, names) or {}
        changed = [n for n in names if stored.get(n) != values[n]]
        lines = [tuple(line) for line in items]
        if replace_items and self.writer.items(record_id) != lines:
            changed.append("items")
        if not changed:
            return []
        how = "merged" if action == "merge" else "updated"
        sets = {n: values[n] for n in changed if n != "items"}
        self.writer.update(self.module, record_id, sets, changed, how)
        if "items" in changed:
            self.writer.replace_items(record_id, lines)
        return changed


_REST = ("quantity", "list_price")
