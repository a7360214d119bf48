"""Start-up: which module the app opens on, and its first page fetched on a background thread.

Most of the app's start-up is Python importing and building the UI. Starting the first page's
query before that (the CLI opens the store and starts it while it imports Textual) means the page is ready when
the list mounts, so the first frame already shows it (bench/bench_startup.py). No Textual here:
the CLI calls this before the UI is loaded.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from concurrent.futures import Future

from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.list_layout import ColumnLayout, list_columns, read_layouts
from kafinea_tui.data.query import ListQuery, Page, fetch_page
from kafinea_tui.data.schema import MODULE_ORDER
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.settings import LAST_MODULE, get_setting

DEFAULT_PAGE_SIZE = 50


def start_module(store: Store) -> str:
    """The module last used in this workspace, else Contacts (the first module)."""
    try:
        last = get_setting(store, LAST_MODULE)
    except KafineaError:
        last = None
    return last if last in MODULE_ORDER else MODULE_ORDER[0]


class BackgroundPage:
    """One page fetched on its own thread; `future` holds the Page or the exception.

    `layouts` are the workspace's list layouts, read before the page (its query shows the
    start module's columns), handed to the list so it needs no query of its own to know them.
    """

    def __init__(
        self,
        store: Store,
        query: ListQuery,
        offset: int,
        limit: int,
        layouts: dict[str, ColumnLayout] | None = None,
    ) -> None:
        self.query, self.offset, self.limit = query, offset, limit
        self.layouts: dict[str, ColumnLayout] = layouts or {}
        self.future: Future[Page] = Future()
        thread = threading.Thread(target=self._run, args=(store,), daemon=True)
        thread.start()

    def _run(self, store: Store) -> None:
        try:
            self.future.set_result(fetch_page(store, self.query, self.offset, self.limit))
        except BaseException as error:  # handed to whoever reads the future
            self.future.set_exception(error)


def start_first_page(store: Store, module: str | None = None) -> BackgroundPage:
    """Start fetching the first page of `module` (default: the start module), unfiltered, with
    the columns of its layout."""
    name = module or start_module(store)
    try:
        layouts = read_layouts(store)
    except KafineaError:
        layouts = {}
    query = ListQuery(name, columns=list_columns(store, layouts, name))
    return BackgroundPage(store, query, 0, DEFAULT_PAGE_SIZE, layouts)


class _StartupGC:
    """The cyclic garbage collector, paused while the app starts.

    Start-up allocates almost only objects that live as long as the process: modules, classes,
    styles, widgets. The collector's passes over them free nothing, yet with DuckDB and Textual
    loaded each full pass walks hundreds of thousands of objects, about a sixth of the time to
    the first frame (bench/bench_startup.py). So it is off from the start of the app until its
    first page is on screen; then what start-up built is frozen (later passes skip it, for the
    whole session) and collection resumes.
    """

    paused = False

    @classmethod
    def pause(cls) -> None:
        if gc.isenabled():
            gc.disable()
            cls.paused = True

    @classmethod
    def resume(cls) -> None:
        if cls.paused:
            cls.paused = False
            gc.freeze()
            gc.enable()


def resume_gc() -> None:
    """Collect garbage again, after start-up (see `_StartupGC`); a no-op unless it was paused."""
    _StartupGC.resume()


class BackgroundOpen:
    """Open the store and start its first page on a thread, while the caller imports the UI.

    Opening a DuckDB file and importing Textual take about as long as each other, and DuckDB
    releases the GIL while it reads; doing both at once saves most of the shorter one.
    `result()` returns (store, first page) or raises what opening raised (a WorkspaceError).
    Being the start of the app, it also pauses the garbage collector until the app's first
    frame (`_StartupGC`): the app calls `resume_gc` then, and a failed open resumes it here.
    """

    def __init__(self, open_store: Callable[[], Store]) -> None:
        _StartupGC.pause()
        self._future: Future[tuple[Store, BackgroundPage]] = Future()
        thread = threading.Thread(target=self._run, args=(open_store,), daemon=True)
        thread.start()

    def _run(self, open_store: Callable[[], Store]) -> None:
        try:
            store = open_store()
            self._future.set_result((store, start_first_page(store)))
        except BaseException as error:
            self._future.set_exception(error)

    def result(self) -> tuple[Store, BackgroundPage]:
        try:
            return self._future.result()
        except BaseException:
            resume_gc()  # no app will start to resume it
            raise
