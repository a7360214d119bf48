"""The Textual app: opens the module list, holds the global keys and the command palette.

The screens reach the data through a `Backend`: the workspace's store when this process owns
it (`LocalBackend`), or a server (`RemoteBackend`: `--server URL`, or the workspace's owner).
As a client the list's footer says where the data lives, a read-only token makes the app
read-only, and a server that stops answering is said in one sentence with the key that
reconnects (ctrl+r).

Every key comes from the registry (keys.py), and a `[keymap]` table in the workspace's
config.toml rebinds them by id (`go_next_page = "n"`, `focus_filter = "ctrl+f,slash"`). The module to
open first (the one last used in this workspace) is read before the app starts, so the event
loop never waits on the database; its first page is fetched meanwhile (data/first_page.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import sys
import termios
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.notifications import SeverityLevel

from kafinea_tui import keys
from kafinea_tui.backend import Backend, ConnectionLost
from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.printable import printable
from kafinea_tui.data.schema import MODULE_ORDER
from kafinea_tui.data.store.database import Store
from kafinea_tui.first_page import (
    BackgroundPage,
    resume_gc,
    start_first_page,
    start_module,
)
from kafinea_tui.screens.module_list import ModuleListScreen
from kafinea_tui.screens.palette import KafineaCommands
from kafinea_tui.widgets.record_table import RecordTable
from kafinea_tui.work import WorkFailed, reports
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.sync.api.listener import Listener
    from kafinea_tui.sync.engine import Engine
    from kafinea_tui.sync.engine_host import EngineHost


AUTOMATION_KEYS = ("smtp", "endpoints", "workflows", "schedules")


class KafineaApp(App[None]):
    TITLE = "Kafinea"
    # Absolute, so that subclasses defined elsewhere (tests, benchmarks) find it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS: ClassVar[set[type[Provider] | Any]] = App.COMMANDS | {KafineaCommands}
    BINDINGS: ClassVar[list[BindingType]] = keys.bindings(
        "open_help", "open_palette", "open_past_imports", "quit_anywhere", "reconnect_server"
    )

    def __init__(
        self,
        workspace: Workspace,
        store: Store | None = None,
        module: str | None = None,
        first_page: BackgroundPage | None = None,
        backend: Backend | None = None,
    ) -> None:
        """`store`: the workspace, opened by this process (its owner); or `backend`, a server
        the app is a client of. `first_page`: the first page already being fetched (the CLI
        starts it before it imports Textual); without it, the app starts fetching it here."""
        super().__init__()
        if backend is None:
            if store is None:
                raise ValueError("KafineaApp needs a store or a backend")
            backend = LocalBackend(store, host=lambda: self.engine_host)
        self.workspace = workspace
        self.store = store
        self.backend: Backend = backend
        self.lost: str | None = None  # the sentence of a lost connection, until reconnected
        self._problems: list[str] = []
        config: dict[str, Any] = {}
        try:
            config = workspace.config()
            keymap, self._problems = keys.keymap_from_config(config)
        except KafineaError as error:
            keymap, self._problems = {}, [str(error)]
        # The app runs the automation engine when config.toml describes some automation.
        self.has_automation = store is not None and any(k in config for k in AUTOMATION_KEYS)
        self.keymap: dict[str, str] = keymap
        if "open_palette" in keymap:
            # The footer shows the palette's key by looking this key up: follow the keymap, or
            # a rebound palette would vanish from the footer.
            self.COMMAND_PALETTE_BINDING = keymap["open_palette"].split(",")[0]  # type: ignore[misc]
        if first_page is not None and module in (None, first_page.query.module):
            self.start_module = first_page.query.module
        elif store is not None:
            self.start_module = module or start_module(store)
            first_page = start_first_page(store, self.start_module)
        else:
            self.start_module = module if module in MODULE_ORDER else MODULE_ORDER[0]
        self._first_page: BackgroundPage | None = first_page
        self._engine_host: EngineHost | None = None
        self.listener: Listener | None = None

    def get_key_display(self, binding: Binding) -> str:
        """A registry key shows its first live key (`]`, not whichever of `]` and PageDown the
        footer met first), in Textual's short form (`^p`)."""
        if binding.id in keys.BY_ID:
            first = keys.live_keys(binding.id, self.keymap).split(",")[0]
            return super().get_key_display(Binding(first, binding.action))
        return super().get_key_display(binding)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text, whatever a caller asks: the app's messages quote
        people's values, labels and paths, which Textual would read as markup (`[/b]` in a
        value stopped the app), and their control characters as pictures. Widgets' `notify`
        come here too."""
        shown = printable(message, newlines=True)
        super().notify(shown, title=title, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        first, self._first_page = self._first_page, None
        screen = ModuleListScreen(self.backend, self.workspace, self.start_module, first)
        if self.backend.where:
            self.sub_title = f"via {self.backend.where}"
            self.backend.watch_connection(
                lambda sentence: self.call_from_thread(self.connection_lost, sentence)
            )
        self.push_screen(screen)
        for sentence in self._problems:
            self.notify(sentence, severity="warning", timeout=10)
        self.set_timer(5, resume_gc)  # in case no page ever answers
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            # SIGHUP: a hung-up terminal, or config.toml to read again (Unix, main thread only).
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hangup)
        if sys.__stdin__ is not None and sys.__stdin__.isatty():
            # A terminal can hang up without a SIGHUP reaching the app: only the session's
            # leader gets one, and a parent such as `make` does not pass it on.
            self.set_interval(1.0, self._quit_if_hung_up)
        if self.store is None:
            return  # a client: the workspace's owner runs its engine and serves its socket
        # After the first page: the engine (outbox, schedules) and the socket other processes
        # reach the workspace through are not what start-up waits for.
        self.set_timer(1.0 if self.has_automation else 0.3, self.start_owning)

    def start_owning(self) -> None:
        """Own the workspace while the app is open: the engine (when config.toml describes
        some automation), then the API on the workspace's socket, for the CLI and other apps."""
        host = self.engine_host  # made here, on the event loop: never two of them
        self.run_worker(lambda: self._start_owning(host), thread=True, group="owner")

    def _start_owning(self, host: EngineHost) -> None:
        assert self.store is not None  # only the owner starts owning
        if self.has_automation:
            self._reload_automation(host, say=False)
        if self.listener is None:
            from kafinea_tui.sync.api.listener import Listener

            # The API reads the engine each time: it may start later (config.toml gains some).
            listener = Listener(
                self.store, self.workspace, "app", lambda: host.engine, reload=host.reload
            )
            try:
                listener.start()
            except (KafineaError, OSError) as error:
                self.notify(
                    f"Other programs cannot reach this workspace while the app is open: {error}",
                    severity="warning",
                    timeout=10,
                )
                return
            self.listener = listener

    # -- the automation engine (this app owns the workspace while it is open) ----------------

    @property
    def engine_host(self) -> EngineHost:
        """Starts the engine when config.toml gains automation (sync/engine_host.py)."""
        if self._engine_host is None:
            # Imported here: start-up loads only what the first list needs.
            from kafinea_tui.sync.engine_host import EngineHost

            if self.store is None:
                raise KafineaError("The automation engine runs in the workspace's owner.")
            self._engine_host = EngineHost(self.store, self.workspace)
        return self._engine_host

    @property
    def engine(self) -> Engine | None:
        return None if self._engine_host is None else self._engine_host.engine

    def reload_automation(self, say: bool = False) -> None:
        """Read config.toml again in a thread: start the engine if it now has automation."""
        host = self.engine_host  # made here, on the event loop: never two of them
        self.run_worker(lambda: self._reload_automation(host, say), thread=True, group="engine")

    def _reload_automation(self, host: EngineHost, say: bool) -> None:
        try:
            errors = host.reload()
        except Exception as error:  # the app keeps running without its engine, and says why
            self.notify(f"The automation engine cannot start: {error}", severity="error")
            return
        for sentence in errors[:5]:
            self.notify(f"config.toml: {sentence}", severity="warning", timeout=10)
        if say:
            state = "running" if host.running else "not running (no automation)"
            self.notify(f"config.toml read again: {len(errors)} error(s); engine {state}.")

    def _hangup(self) -> None:
        """SIGHUP: the terminal hung up (an SSH connection dropped, the tmux pane closed), or a
        `kill -HUP` to read config.toml again, as for `serve`. A hung-up terminal answers EIO:
        then the app quits, closing the workspace, instead of running on with no screen (its
        input thread spinning on the dead terminal, the workspace held)."""
        if terminal_hung_up():
            self.exit()
        elif self.store is not None:  # a client's config is its owner's to read
            self.reload_automation(say=True)

    def _quit_if_hung_up(self) -> None:
        if terminal_hung_up():
            self.exit()

    def on_unmount(self) -> None:
        """Requests in flight through the socket finish, and deliveries in flight finish (or go
        back to pending), before the workspace closes."""
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        if self.listener is not None:
            self.listener.stop()
            self.listener = None
        if self._engine_host is not None:
            self._engine_host.stop()

    def on_work_failed(self, event: WorkFailed) -> None:
        """A worker failure no screen handled: say it, rather than lose it."""
        if isinstance(event.error, ConnectionLost):
            self.connection_lost(event.sentence, again=event.work == "_reconnect")
            return
        self.notify(event.sentence, severity="error", timeout=10)

    def connection_lost(self, sentence: str, again: bool = False) -> None:
        """The server stopped answering (the backend calls this from any screen's worker): say
        it once, with the key that reconnects; the screens stay as they were. `again`: a
        reconnection failed, which is said each time."""
        if self.lost is None or again:
            self.lost = sentence
            key = keys.live_keys("reconnect_server", self.keymap).split(",")[0]
            self.notify(f"{sentence} Press {key} to reconnect.", severity="error", timeout=30)

    def action_reconnect(self) -> None:
        if self.backend.where is None:
            self.notify("This app works on its own workspace: there is nothing to reconnect.")
            return
        self.notify(f"Connecting to {self.backend.where}…", timeout=3)
        self.run_worker(self._reconnect, thread=True, group="reconnect", exclusive=True)

    @reports
    def _reconnect(self) -> None:
        self.backend.refresh_schema()  # one request: the server answers again, or this raises
        self.call_from_thread(self._reconnected)

    def _reconnected(self) -> None:
        self.lost = None
        self.notify(f"Connected again to {self.backend.where}.", timeout=5)
        for screen in self.screen_stack:
            if isinstance(screen, ModuleListScreen):
                screen.refresh_records()

    def on_record_table_loaded(self, _event: RecordTable.Loaded) -> None:
        """The first page (or its error) is in: once it is painted, start-up is over."""
        self.call_after_refresh(resume_gc)

    def action_help(self) -> None:
        """The help screen: every key of the screen on top, with its live key."""
        from kafinea_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_past_imports(self) -> None:
        """Open the list of past imports, unless it is already the screen on top."""
        # Imported here: start-up loads only what the first list needs (bench/bench_startup.py).
        from kafinea_tui.screens.past_imports import PastImportsScreen

        if not isinstance(self.screen, PastImportsScreen):
            self.push_screen(PastImportsScreen(self.backend), self._after_past_imports)

    def _after_past_imports(self, _result: object = None) -> None:
        """An undo there may have removed or restored records: refresh the list below."""
        if isinstance(self.screen, ModuleListScreen):
            self.screen.refresh_records()


def terminal_hung_up() -> bool:
    """Whether the terminal the app runs in has hung up (its calls fail with EIO); a process
    without one (a test, a pipe) has not."""
    if sys.__stdin__ is None:
        return False
    try:
        termios.tcgetattr(sys.__stdin__.fileno())
    except termios.error as error:
        return bool(error.args) and error.args[0] == errno.EIO
    except (OSError, ValueError, AttributeError):
        return False
    return False
