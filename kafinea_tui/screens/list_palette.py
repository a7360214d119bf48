"""The module list's entries in the command palette: titles naming the module, extra commands.

The palette lists every bound key from the registry by its title; on the list, a title names
what the command acts on (`Import into Leads`, `Go to Organizations`), so the palette reads as
the list's own menu. The list also offers commands no key runs: clearing the filter or the sort,
and each page size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial

from kafinea_tui import keys
from kafinea_tui.data.schema import MODULE_ORDER, Module
from kafinea_tui.screens.palette import PaletteCommand
from kafinea_tui.widgets.list_state import PAGE_SIZES


def list_title(modules: Mapping[str, Module], module_name: str, key: keys.Key) -> str | None:
    """The key's title on `module_name`'s list, or None for the registry's own."""
    label = modules[module_name].label
    if key.id.startswith("go_module_"):
        index = int(key.id.removeprefix("go_module_")) - 1
        if index < len(MODULE_ORDER):
            return f"Go to {modules[MODULE_ORDER[index]].label}"
    titles = {
        "import_records": f"Import into {label}",
        "export_records": f"Export {label}",
        "open_fields": f"Fields of {label}",
    }
    return titles.get(key.id)


def list_commands(
    clear_filter: Callable[[], None],
    clear_sort: Callable[[], None],
    set_page_size: Callable[[int], None],
) -> Iterator[PaletteCommand]:
    """The list's commands that no key runs (the keys' own come from the registry)."""
    yield PaletteCommand("Clear filter", "Show every record", clear_filter)
    yield PaletteCommand("Clear sort", "Back to the order records were created", clear_sort)
    for size in PAGE_SIZES:
        yield PaletteCommand(
            f"Page size {size}",
            f"Show {size} records a page",
            partial(set_page_size, size),
            "cycle_page_size",
        )
