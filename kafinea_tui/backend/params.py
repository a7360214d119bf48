"""The data layer's options in the API's words, for `RemoteBackend`: an export's query
parameters (the CLI's option names) and a selection as the bulk routes' body. (An import's
plan is `arguments.plan_params`, shared with the CLI.)"""

from __future__ import annotations

from typing import Any

from kafinea_tui.data.bulk.selection import Selection
from kafinea_tui.data.exporter.options import ExportOptions


def export_params(options: ExportOptions) -> dict[str, Any]:
    """The export's options as the export route's query parameters (the CLI's words)."""
    params: dict[str, Any] = {
        "scope": options.scope,
        "filter": options.filter or None,
        "search": options.search or None,
        "ids": ",".join(str(i) for i in options.ids) or None,
        "sort": [f"{name}:desc" if desc else name for name, desc in options.sort] or None,
        "fields": ",".join(options.fields) if options.fields else None,
        "header": options.header,
        "delimiter": options.delimiter,
        "encoding": options.encoding,
        "decimal": options.decimal,
        "no_formula_guard": not options.formula_guard,
        "format": options.format,
    }
    if options.scope == "page":
        params |= {"page": options.page, "page_size": options.page_size}
    return params


def selection_body(selection: Selection) -> dict[str, Any]:
    """A selection as the bulk routes' body."""
    if selection.ids is not None:
        return {"ids": list(selection.ids)}
    return {"filter": selection.filter or "", "search": selection.search or ""}
