"""Naming the record and field that hold a character a legacy encoding cannot hold.

The transcoder only sees text; the message a person needs names the record and the field. One
SQL query over the export's rows (`ExportPlan.locate_sql`) finds the first row with a value
outside the encoding's repertoire, so no Python loop walks the records.
"""

from __future__ import annotations

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter.plan import ExportPlan
from kafinea_tui.data.store.database import Store


def unencodable(store: Store, plan: ExportPlan, char: str) -> KafineaError:
    """The error for `char`, found by the transcoder, naming where it is in the export."""
    encoding = plan.options.encoding
    for column in plan.columns:
        if cannot_hold(column.header, plan.codec):
            return KafineaError(
                f"The header {column.header!r} holds {char!r}, which {encoding} cannot hold; "
                "export in UTF-8 or with field names as the header."
            )
    allowed = _allowed_pattern(plan.codec)
    outside = [f"NOT regexp_full_match(coalesce(c{i}, ''), ?)" for i in range(len(plan.columns))]
    flags, tests = ", ".join(outside), " OR ".join(outside)
    sql = f"SELECT rid, [{flags}], * FROM ({plan.locate_sql}) WHERE {tests} LIMIT 1"
    pattern_params = [allowed] * len(plan.columns)
    rows = store.cursor().execute(sql, [*pattern_params, *plan.params, *pattern_params]).fetchall()
    if not rows:
        return KafineaError(f"The export holds {char!r}, which {encoding} cannot hold.")
    row = rows[0]
    index = list(row[1]).index(True)
    value = str(row[3 + index])
    bad = next((c for c in value if cannot_hold(c, plan.codec)), char)
    return KafineaError(
        f"{plan.module_label} record {row[0]}: {plan.columns[index].label} holds {bad!r}, which "
        f"{encoding} cannot hold; export in UTF-8 or change the value."
    )


def cannot_hold(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return True
    return False


def _allowed_pattern(codec: str) -> str:
    """An RE2 pattern matching text made only of characters `codec` can encode."""
    chars = sorted({bytes([b]).decode(codec, errors="ignore") for b in range(256)} - {""})
    return "(?s)[" + "".join(f"\\x{{{ord(char):x}}}" for char in chars) + "]*"
