"""The sync panel's API server line: where the owner's API listens, and TCP on or off.

The app serves the API on the workspace's socket while it is open (sync/api/listener.py);
this line starts the same API on TCP at an address the user types (tokens needed there,
created in the Tokens tab), stops it, and shows the address. Binding runs in a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from kafinea_tui.sync.addresses import DEFAULT_HOST, DEFAULT_PORT, parse_address

if TYPE_CHECKING:
    from kafinea_tui.sync.api.listener import Listener


class ApiServerLine(Vertical):
    DEFAULT_CSS = """
    ApiServerLine { height: auto; padding: 0 1; }
    ApiServerLine #api-address { display: none; }
    ApiServerLine #api-address.-shown { display: block; }
    """

    class Said(Message):
        """What starting or stopping did (or why it could not)."""

        def __init__(self, text: str, error: bool = False) -> None:
            super().__init__()
            self.text = text
            self.error = error

    def __init__(self, listener: Callable[[], Listener | None], serves_here: bool = True) -> None:
        """`serves_here`: this app owns the workspace; False: it is a client of the owner,
        which serves the API (and its TCP) itself."""
        super().__init__(id="api-server")
        self.listener = listener
        self.serves_here = serves_here

    def compose(self) -> ComposeResult:
        yield Static("", id="api-line", markup=False)
        yield Input(
            placeholder=f"host:port to serve the API on (Enter: {DEFAULT_HOST}:{DEFAULT_PORT})",
            id="api-address",
            disabled=True,  # hidden until asked for: never takes the focus (and the keys) meanwhile
        )

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        listener = self.listener()
        if not self.serves_here:
            line = "API server: the workspace's owner serves it; this app is its client."
        elif listener is None:
            line = "API server: not running in this app (another program owns the workspace?)."
        elif listener.tcp_address:
            line = f"API server: {listener.tcp_address} (tokens needed) and the workspace's socket."
        else:
            line = "API server: on the workspace's socket only; TCP is off."
        self.query_one("#api-line", Static).update(line)

    def toggle(self) -> None:
        """Stop TCP when it runs; else ask for the address to start it on."""
        if not self.serves_here:
            self.post_message(
                self.Said("The workspace's owner serves the API: start or stop it there.", True)
            )
            return
        listener = self.listener()
        if listener is not None and listener.tcp_address:
            self._stop(listener)
            return
        field = self.query_one("#api-address", Input)
        field.disabled = False
        field.add_class("-shown")
        field.focus()

    @on(Input.Submitted, "#api-address")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.remove_class("-shown")
        event.input.disabled = True
        text, event.input.value = event.value, ""
        try:
            host, port = parse_address(text)
        except Exception as error:
            self.post_message(self.Said(str(error), True))
            return
        listener = self.listener()
        if listener is None:
            self.post_message(self.Said("No API runs in this app to serve on TCP.", True))
            return
        self._start(listener, host, port)

    @work(thread=True, exclusive=True, group="api-server")
    def _start(self, listener: Listener, host: str, port: int) -> None:
        try:
            address = listener.start_tcp(host, port)
        except Exception as error:
            self.post_message(self.Said(str(error), True))
            return
        self.post_message(self.Said(f"The API listens on {address}; requests need a token."))

    @work(thread=True, exclusive=True, group="api-server")
    def _stop(self, listener: Listener) -> None:
        listener.stop_tcp()
        self.post_message(self.Said("The API no longer listens on TCP (the socket stays)."))
