"""The module list: one screen for all five modules, switched with tabs, keys 1-5 or the palette.

Each module keeps its own place (filter, sort, page, selection) while you look at another, so
switching is free and coming back finds the list as it was left. The screen wires keys to the
RecordTable and pushes the other screens (detail, fields, import, export; the mass changes and
what they act on are in bulk_actions.py, its palette entries in list_palette.py); it never
touches the database itself: the table's workers do, and the last module is saved in a worker
too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Tab, Tabs

from kafinea_tui import keys
from kafinea_tui.backend import Backend
from kafinea_tui.data.list_layout import ColumnLayout
from kafinea_tui.data.schema import MODULE_ORDER
from kafinea_tui.first_page import BackgroundPage
from kafinea_tui.screens import bulk_actions
from kafinea_tui.screens.access import writes_refused
from kafinea_tui.screens.list_palette import list_commands, list_title
from kafinea_tui.screens.palette import PaletteCommand
from kafinea_tui.widgets.filter_bar import FilterBar
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.list_state import ListState, in_force
from kafinea_tui.widgets.record_table import RecordTable
from kafinea_tui.work import reports
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.screens.layout_manager import LayoutChange


class ModuleListScreen(Screen[None]):
    # The list has the focus from the start: the footer then shows its keys once, not the
    # screen's first and the list's a moment later (two builds of a dozen keys on every start).
    AUTO_FOCUS = "PageTable"
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "focus_filter",
        "clear_selection",
        "import_records",
        "export_records",
        "open_fields",
        "open_sync",
        "new_record",
        "edit_selection",
        "delete_records",
        *(f"go_module_{n}" for n in range(1, len(MODULE_ORDER) + 1)),
        "quit_app",
    )

    def __init__(
        self,
        backend: Backend,
        workspace: Workspace,
        module_name: str,
        first_page: BackgroundPage | None = None,
    ) -> None:
        """Every screen it opens reaches the data through `backend`, so a client of the
        workspace's owner (or of `--server`) opens them all as the owner does."""
        super().__init__()
        self.backend = backend
        self.workspace = workspace
        # The column layouts were read with the first page (no query here); a module never
        # arranged shows every field.
        self.layouts: dict[str, ColumnLayout] = dict(first_page.layouts) if first_page else {}
        self.states = {name: ListState(name, columns=self._columns(name)) for name in MODULE_ORDER}
        self.module_name = module_name if module_name in self.states else MODULE_ORDER[0]
        self._first_page = first_page
        self._filter_asked = False  # a filter was applied and its first page is awaited

    def _columns(self, name: str) -> tuple[str, ...] | None:
        """The columns `name`'s list shows: its layout's, or None (every field)."""
        layout = self.layouts.get(name)
        module = self.backend.schema.modules.get(name)
        return None if layout is None or module is None else layout.shown(module)

    def compose(self) -> ComposeResult:
        modules = self.backend.schema.modules
        yield Tabs(
            *(
                Tab(f"{n} {modules[name].label}", id=f"tab-{name}")
                for n, name in enumerate(MODULE_ORDER, start=1)
            ),
            active=f"tab-{self.module_name}",
        )
        yield FilterBar(self.module_name)
        yield RecordTable(
            self.backend, self.states[self.module_name], first_page=self._first_page, id="records"
        )
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(Tabs).can_focus = False
        self.table.table.focus()
        if self._first_page is None:  # a client, or a list opened alone: ask for the layouts
            self._read_layouts()

    class LayoutsRead(Message):
        def __init__(self, layouts: dict[str, ColumnLayout]) -> None:
            super().__init__()
            self.layouts = layouts

    @work(thread=True, group="settings")
    @reports
    def _read_layouts(self) -> None:
        self.post_message(self.LayoutsRead(self.backend.layouts()))

    def on_module_list_screen_layouts_read(self, event: LayoutsRead) -> None:
        """The columns each module's list shows; the page shown is fetched again only when
        its module was arranged (a layout saved meanwhile here is newer: it stays)."""
        for name, layout in event.layouts.items():
            if name in self.states:
                self.layouts.setdefault(name, layout)
                self.states[name].columns = self._columns(name)
        if self.module_name in event.layouts:
            self.table.reload(keep_cursor=True)

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    @property
    def state(self) -> ListState:
        return self.states[self.module_name]

    # -- modules -------------------------------------------------------------------------

    def switch_module(self, name: str) -> None:
        if name == self.module_name or name not in self.states:
            return
        self.module_name = name
        self.query_one(Tabs).active = f"tab-{name}"
        bar = self.query_one(FilterBar)
        bar.set_module(name)
        bar.set_text(self.state.filter or self.state.search)
        bar.show_error(None)
        self.table.show_state(self.state)
        self.table.table.focus()
        self._remember_module(name)

    @work(thread=True, group="settings")
    @reports
    def _remember_module(self, name: str) -> None:
        self.backend.remember_module(name)

    def action_switch_module(self, index: int) -> None:
        self.switch_module(MODULE_ORDER[index])

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab.id:
            self.switch_module(event.tab.id.removeprefix("tab-"))

    # -- filter --------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one(FilterBar).input.focus()

    def apply_filter(self, filter_text: str, search: str) -> None:
        """Ask for the list under a new filter; it takes effect when its first page is in."""
        self._filter_asked = True
        self.table.load_query(filter_text, search)

    def on_filter_bar_applied(self, event: FilterBar.Applied) -> None:
        self.apply_filter(event.filter, event.search)
        self.table.table.focus()

    def on_record_table_loaded(self, event: RecordTable.Loaded) -> None:
        bar = self.query_one(FilterBar)
        asked, self._filter_asked = self._filter_asked, False
        if event.error is None:
            bar.show_error(None)
            if not bar.input.has_focus:
                bar.set_text(self.state.filter or self.state.search)
            return
        # The list, its page and its cursor stayed as they were: say what it still shows, and
        # put the focus back in the bar to fix the filter.
        bar.show_error(f"{event.error}\nThe list still shows {in_force(self.state)}.")
        if asked:
            bar.input.focus()

    def action_clear(self) -> None:
        """Escape: leave the filter input; else clear the selection; else clear the filter."""
        bar = self.query_one(FilterBar)
        if bar.input.has_focus:
            # Leaving the bar without applying: it shows the filter in force again.
            bar.set_text(self.state.filter or self.state.search)
            bar.show_error(None)
            self.table.table.focus()
        elif len(self.state.selected) > self.state.page_size:
            label = self.backend.schema.modules[self.module_name].label
            count = len(self.state.selected)
            bulk_actions.ask_to_clear(self, count, label, self.table.clear_selection)
        elif self.state.selected:
            self.table.clear_selection()
        elif self.state.filter or self.state.search:
            bar.set_text("")
            bar.show_error(None)
            self.apply_filter("", "")

    # -- other screens -------------------------------------------------------------------

    def on_record_table_open_record(self, event: RecordTable.OpenRecord) -> None:
        # Imported here, not at the top: the first page shows sooner when start-up loads only
        # what the list needs (bench/bench_startup.py).
        from kafinea_tui.screens.record_detail import RecordDetailScreen

        self.app.push_screen(
            RecordDetailScreen(self.backend, event.module, event.record_id), self._returned
        )

    def action_fields(self) -> None:
        if writes_refused(self, self.backend):
            return
        from kafinea_tui.screens.layout_manager import LayoutManagerScreen

        layout = self.layouts.get(self.module_name)
        screen = LayoutManagerScreen(self.backend, self.module_name, layout)
        self.app.push_screen(screen, self._fields_closed)

    def _fields_closed(self, change: LayoutChange | None) -> None:
        """Apply new columns at once (the page is fetched again with them) and keep them in
        the workspace for the next start."""
        name = self.module_name
        if change is not None and change.layout is not None:
            self.layouts[name] = change.layout
            self._save_layout(name, change.layout)
        # Also after a field was added: a module with a layout shows it at the end.
        self.state.columns = self._columns(name)
        self.refresh_records()

    @work(thread=True, group="settings")
    @reports
    def _save_layout(self, name: str, layout: ColumnLayout) -> None:
        self.backend.save_layout(name, layout)

    def action_import_records(self) -> None:
        if writes_refused(self, self.backend):
            return
        try:
            from kafinea_tui.screens.import_wizard import ImportWizard
        except ImportError:
            self.notify("The import wizard is not available in this build yet.", severity="warning")
            return
        wizard = ImportWizard(self.backend, self.workspace, self.module_name)
        self.app.push_screen(wizard, self._returned)

    def action_export_records(self) -> None:
        try:
            from kafinea_tui.screens.export_dialog import ExportDialog
        except ImportError:
            self.notify("The export dialog is not available in this build yet.", severity="warning")
            return
        state = self.state
        dialog = ExportDialog(
            self.backend,
            self.module_name,
            query=state.query,
            selected_ids=frozenset(state.selected),
            page=state.page,
            page_size=state.page_size,
        )
        self.app.push_screen(dialog, self._returned)

    # -- changing records ----------------------------------------------------------------

    def action_new_record(self) -> None:
        if writes_refused(self, self.backend):
            return
        from kafinea_tui.screens.record_form import RecordFormScreen

        self.app.push_screen(RecordFormScreen(self.backend, self.module_name), self._created)

    def _created(self, record_id: int | None) -> None:
        self.refresh_records()
        if record_id is not None:
            from kafinea_tui.screens.record_detail import RecordDetailScreen

            self.app.push_screen(
                RecordDetailScreen(self.backend, self.module_name, record_id), self._returned
            )

    def action_mass_edit(self) -> None:
        total = self.table.page.total if self.table.page else 0
        bulk_actions.mass_edit(self, self.backend, self.state, total, self._returned)

    def action_delete_records(self) -> None:
        cursor = self.table.table.cursor_id
        bulk_actions.delete(self, self.backend, self.state, cursor, self.refresh_records)

    def action_sync_panel(self) -> None:
        # Imported here: start-up loads only what the first list needs (bench/bench_startup.py).
        from kafinea_tui.screens.sync_panel import SyncPanelScreen

        automation = self.backend.automation(self.workspace)
        self.app.push_screen(SyncPanelScreen(automation), self._returned)

    def _returned(self, _result: Any = None) -> None:
        """Back from another screen: records or fields may have changed, so fetch again."""
        self.refresh_records()

    def refresh_records(self) -> None:
        """Fetch the current page again, keeping the cursor (records changed elsewhere)."""
        self.state.recount_hidden()
        self.table.reload(keep_cursor=True)

    # -- command palette -----------------------------------------------------------------

    def palette_title(self, key: keys.Key) -> str | None:
        """Name the module the command acts on: `Import into Leads`, `Go to Organizations`."""
        return list_title(self.backend.schema.modules, self.module_name, key)

    def palette_commands(self) -> Iterator[PaletteCommand]:
        return list_commands(self._clear_filter, self._clear_sort, self.table.set_page_size)

    def _clear_filter(self) -> None:
        self.query_one(FilterBar).set_text("")
        self.apply_filter("", "")

    def _clear_sort(self) -> None:
        self.state.sort = ()
        self.table.reload()
