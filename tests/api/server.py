"""A real uvicorn server on 127.0.0.1 for the API tests (and the client's), in a thread, on port 0
(tests in parallel never collide), and httpx clients for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.app import create_app
from kafinea_tui.sync.transports import tls_context


@contextmanager
def serve(store: Store, **options: Any) -> Iterator[str]:
    """Run the API over `store` on a free port (`options` go to `create_app`); yields its
    base URL."""
    config = uvicorn.Config(
        create_app(store, **options), host="127.0.0.1", port=0, log_level="warning"
    )
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


API = "/api/v1"


def client(base: str, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base, headers=headers, timeout=30, verify=tls_context())


@dataclass
class Api:
    """The `api` fixture (tests/api/conftest.py): a served store and a client for each token."""

    store: Store
    base: str
    http: httpx.Client  # with a read-write token
    reader: httpx.Client  # with a read-only token


def add_contacts(store: Store, count: int) -> None:
    """`count` contacts written in one statement: Zoé, "Name <i>", p<i>@example.test."""
    with store.transaction() as cur:
        cur.execute(
            "INSERT INTO contacts (id, created_at, modified_at, first_name, last_name, email)"
            " SELECT nextval('contacts_id_seq'), TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01',"
            " 'Zoé', 'Name ' || i, 'p' || i || '@example.test' FROM range(?) t(i)",
            [count],
        )
