"""The sync panel (`y`, and the palette): the automation engine, the delivery log, workflows,
schedules, endpoints and API tokens, refreshed every two seconds.

It reads and acts through an `Automation` (kafinea_tui/backend/automation/): the workspace this
app owns and its engine, or, when the app is a client, the owner's API, so the panel then shows
the owner's engine. Its keys are the registry's "Sync panel" rows (kafinea_tui/keys.py): filter
the log by status, retry a failed delivery, turn a workflow or schedule on or off (saved to
config.toml), run a schedule now,
add or edit an endpoint (screens/endpoint_form.py) and queue a test delivery to one, start or
stop the API on TCP (widgets/api_server.py), create and revoke API tokens, read config.toml
again. A save or a reload starts the engine when config.toml
now describes automation (sync/engine_host.py). Every data call runs in a thread worker that
reports with a typed Message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static, TabbedContent, TabPane

from kafinea_tui import keys
from kafinea_tui.backend.automation import Automation
from kafinea_tui.sync.panel import FILTERS, EndpointRow, PanelView
from kafinea_tui.widgets.api_server import ApiServerLine
from kafinea_tui.widgets.key_footer import KeyFooter
from kafinea_tui.widgets.plain import PlainTable

if TYPE_CHECKING:
    from kafinea_tui.sync.config.entry_edit import Kind as EntryKind
    from kafinea_tui.sync.config.model import Endpoint

REFRESH = 2.0
TABLES = {
    "deliveries": (
        "#",
        "Status",
        "Kind",
        "To",
        "Attempts",
        "Created",
        "From",
        "Last error / answer",
    ),
    "workflows": ("Workflow", "Module", "On", "When", "State", "Last fired", "Fired"),
    "schedules": ("Schedule", "When", "Action", "Next run", "Last run", "Result"),
    "endpoints": ("Endpoint", "URL", "Format", "Retries", "Signed"),
    "tokens": ("Token", "Access", "Created"),
}


class SyncPanelScreen(Screen[None]):
    DEFAULT_CSS = """
    SyncPanelScreen #sync-title { height: 1; background: $primary; padding: 0 1; }
    SyncPanelScreen #sync-engine { height: auto; padding: 0 1; }
    SyncPanelScreen TabbedContent { height: 1fr; }
    SyncPanelScreen DataTable { height: 1fr; }
    SyncPanelScreen #sync-status { height: auto; max-height: 6; padding: 0 1; }
    SyncPanelScreen #sync-status.-error { color: $error; }
    SyncPanelScreen #sync-token-name { display: none; }
    SyncPanelScreen #sync-token-name.-shown { display: block; }
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "filter_deliveries",
        "retry_delivery",
        "toggle_workflow",
        "run_schedule",
        "test_endpoint",
        "add_endpoint",
        "edit_endpoint",
        "add_entry",
        "create_token",
        "revoke_token",
        "reload_config",
        "toggle_api_server",
        "close_screen",
    )

    class Loaded(Message):
        """A fresh view of the automation, from the loading worker."""

        def __init__(self, view: PanelView) -> None:
            super().__init__()
            self.view = view

    class Done(Message):
        """An action's sentence (or its error)."""

        def __init__(self, text: str, error: bool = False) -> None:
            super().__init__()
            self.text = text
            self.error = error

    def __init__(self, automation: Automation) -> None:
        super().__init__()
        self.automation = automation
        self.filter_index = 0
        self.view: PanelView | None = None

    def compose(self) -> ComposeResult:
        yield Static("Sync panel", id="sync-title")
        yield Static("…", id="sync-engine", markup=False)
        yield ApiServerLine(
            lambda: getattr(self.app, "listener", None), self.automation.serves_here
        )
        with TabbedContent(id="sync-tabs"):
            for name in TABLES:
                with TabPane(name.capitalize(), id=f"tab-{name}"):
                    if name == "tokens":
                        yield Input(
                            placeholder="Name of the new token, then Enter", id="sync-token-name"
                        )
                    yield PlainTable(id=f"sync-{name}", cursor_type="row", zebra_stripes=True)
        yield Static("Loading…", id="sync-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        for name, columns in TABLES.items():
            self.query_one(f"#sync-{name}", PlainTable).add_columns(*columns)
        self.query_one("#sync-deliveries", PlainTable).focus()
        self.load()
        self.set_interval(REFRESH, self.load)

    # -- loading -----------------------------------------------------------------------------

    @property
    def status_filter(self) -> str | None:
        return FILTERS[self.filter_index]

    @work(thread=True, exclusive=True, group="sync-load")
    def load(self) -> None:
        try:
            view = self.automation.view(self.status_filter)
        except Exception as error:
            self.post_message(self.Done(f"Cannot read the automation: {error}", True))
            return
        self.post_message(self.Loaded(view))

    def on_sync_panel_screen_loaded(self, message: Loaded) -> None:
        view = self.view = message.view
        counts = ", ".join(f"{n:,} {status}" for status, n in view.counts.items())
        shown = self.status_filter or "all"
        problems = "".join(f"\n  config.toml: {e}" for e in view.errors[:5])
        self.query_one("#sync-engine", Static).update(
            f"{view.engine}. Deliveries: {counts}. Log shows: {shown}.{problems}"
        )
        self.query_one(ApiServerLine).show()
        self._fill(
            "deliveries",
            [
                (
                    str(d.id),
                    d.status,
                    d.kind,
                    d.target,
                    str(d.attempts),
                    f"{d.created_at:%m-%d %H:%M:%S}",
                    d.workflow or d.schedule or "",
                    (d.last_error or d.answer or "")[:120],
                )
                for d in view.deliveries
            ],
        )
        self._fill(
            "workflows",
            [
                (
                    w.name,
                    self._module_label(w.module),
                    w.on,
                    w.when or "(any)",
                    "on" if w.enabled else "off",
                    f"{w.last_fired:%m-%d %H:%M:%S}" if w.last_fired else "never",
                    f"{w.fired:,}",
                )
                for w in view.workflows
            ],
        )
        self._fill(
            "schedules",
            [
                (
                    s.name,
                    s.when,
                    f"{s.action} {self._module_label(s.module)}",
                    "running"
                    if s.running
                    else (f"{s.next_run:%m-%d %H:%M:%S}" if s.next_run else "off"),
                    f"{s.last_started:%m-%d %H:%M:%S} {s.last_status}"
                    if s.last_started
                    else "never",
                    (s.last_result or "")[:100],
                )
                for s in view.schedules
            ],
        )
        self._fill(
            "endpoints",
            [
                (e.name, e.url, e.format, str(e.retries), "yes" if e.signed else "no")
                for e in view.endpoints
            ],
        )
        self._fill(
            "tokens",
            [
                (
                    t.name,
                    "read-only" if t.read_only else "read-write",
                    f"{t.created_at:%Y-%m-%d %H:%M}",
                )
                for t in view.tokens
            ],
        )

    def _module_label(self, name: str) -> str:
        """A module as the tabs name it (`Sales Orders`), not as config.toml does."""
        module = self.automation.schema.modules.get(name)
        return module.label if module else name

    def _fill(self, name: str, rows: list[tuple[str, ...]]) -> None:
        table = self.query_one(f"#sync-{name}", PlainTable)
        row = table.cursor_row
        table.clear()
        for cells in rows:
            table.add_row(*cells)
        if rows:
            table.move_cursor(row=min(max(row, 0), len(rows) - 1), animate=False)

    def on_sync_panel_screen_done(self, message: Done) -> None:
        status = self.query_one("#sync-status", Static)
        status.update(message.text)
        status.set_class(message.error, "-error")
        self.load()

    # -- actions ---------------------------------------------------------------------------

    def _selected(self, name: str) -> int | None:
        table = self.query_one(f"#sync-{name}", PlainTable)
        if self.query_one(TabbedContent).active != f"tab-{name}" or table.row_count == 0:
            return None
        return table.cursor_row

    def _ask(self, tab: str) -> None:
        self.post_message(
            self.Done(f"Open the {tab.capitalize()} tab and select a row first.", True)
        )

    @work(thread=True, group="sync-action")
    def _do(self, action: Callable[[], str]) -> None:
        try:
            self.post_message(self.Done(action()))
        except Exception as error:
            self.post_message(self.Done(str(error), True))

    def action_cycle_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self.load()

    def action_retry(self) -> None:
        row = self._selected("deliveries")
        if row is None or self.view is None:
            return self._ask("deliveries")
        delivery = self.view.deliveries[row]
        self._do(lambda: self.automation.retry_delivery(delivery.id))

    def action_toggle_workflow(self) -> None:
        """The workflow under the cursor, or the schedule on the Schedules tab."""
        automation = self.automation
        if (row := self._selected("schedules")) is not None and self.view is not None:
            schedule = self.view.schedules[row]
            self._do(
                lambda: automation.set_enabled("schedule", schedule.name, not schedule.enabled)
            )
            return None
        row = self._selected("workflows")
        if row is None or self.view is None:
            return self._ask("workflows")
        flow = self.view.workflows[row]
        self._do(lambda: automation.set_enabled("workflow", flow.name, not flow.enabled))
        return None

    def action_run_schedule(self) -> None:
        row = self._selected("schedules")
        if row is None or self.view is None:
            return self._ask("schedules")
        name = self.view.schedules[row].name
        self.post_message(self.Done(f"Running {name}…"))
        self._do(lambda: self.automation.run_schedule(name))

    def action_test_endpoint(self) -> None:
        row = self._selected("endpoints")
        if row is None or self.view is None:
            return self._ask("endpoints")
        name = self.view.endpoints[row].name
        self._do(lambda: self.automation.test_endpoint(name))

    def action_add_endpoint(self) -> None:
        self._endpoint_form(None)

    def action_edit_endpoint(self) -> None:
        row = self._selected("endpoints")
        if row is None or self.view is None:
            return self._ask("endpoints")
        self._endpoint_form(self.view.endpoints[row])

    def _endpoint_form(self, row: EndpointRow | None) -> None:
        """The form on the endpoint as config.toml has it (read in a worker)."""
        self._open_endpoint_form(row.name if row is not None else None)

    @work(thread=True, group="sync-action")
    def _open_endpoint_form(self, name: str | None) -> None:
        try:
            endpoint = None if name is None else self.automation.endpoint(name)
            note = None if name is None else self.automation.endpoint_note(name)
        except Exception as error:
            self.post_message(self.Done(str(error), True))
            return
        self.app.call_from_thread(self._push_endpoint_form, endpoint, note)

    def _push_endpoint_form(self, endpoint: Endpoint | None, note: str | None) -> None:
        from kafinea_tui.screens.endpoint_form import EndpointFormScreen

        form = EndpointFormScreen(self.automation, endpoint, note)
        self.app.push_screen(form, self._config_saved)

    def _config_saved(self, sentence: str | None) -> None:
        """A form saved config.toml: have whoever runs the engine read it again."""
        if sentence is not None:
            self._do(lambda: f"{sentence} {self.automation.reload()}")

    def action_add_entry(self) -> None:
        from kafinea_tui.screens.entry_form import EntryFormScreen

        tabs = self.query_one(TabbedContent).active
        kind: EntryKind = "schedules" if tabs == "tab-schedules" else "workflows"
        self.app.push_screen(EntryFormScreen(self.automation, kind), self._config_saved)

    def action_new_token(self) -> None:
        self.query_one(TabbedContent).active = "tab-tokens"
        field = self.query_one("#sync-token-name", Input)
        field.add_class("-shown")
        field.focus()

    @on(Input.Submitted, "#sync-token-name")
    def _create_token(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        event.input.value = ""
        event.input.remove_class("-shown")
        self.query_one("#sync-tokens", PlainTable).focus()

        self._do(lambda: self.automation.create_token(name))

    def action_revoke_token(self) -> None:
        row = self._selected("tokens")
        if row is None or self.view is None:
            return self._ask("tokens")
        name = self.view.tokens[row].name
        self._do(lambda: self.automation.revoke_token(name))

    def action_api_server(self) -> None:
        self.query_one(ApiServerLine).toggle()

    def on_api_server_line_said(self, message: ApiServerLine.Said) -> None:
        self.query_one(ApiServerLine).show()
        self.post_message(self.Done(message.text, message.error))

    def action_reload_config(self) -> None:
        self._do(self.automation.reload)

    def action_close(self) -> None:
        self.dismiss(None)
