"""A real uvicorn server on 127.0.0.1 in a background thread, for the API tests.

The tests talk HTTP to it with httpx, as a client would: a test of the ASGI app in process would
not see what the network sees (headers, status lines, streamed CSV bodies, the event loop
blocked by a DuckDB call).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from kafinea_tui.data.store import Store
from kafinea_tui.sync.api import create_app


@contextmanager
def serve(store: Store) -> Iterator[str]:
    """Run the API over `store` on a free port; yields its base URL."""
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def client(base: str, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base, headers=headers, timeout=30)
