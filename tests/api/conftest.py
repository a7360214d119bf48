"""Fixtures for the REST API tests, which talk HTTP to a real server on 127.0.0.1.

- `api`: the API over the test's `store` (tests/conftest.py), served on a free port (port 0, so
  tests in parallel never collide), with `http` (a read-write token) and `reader` (a read-only
  token) clients; an `Api` of tests/api/server.py. A module adds its records to `store` in an
  autouse fixture (or uses one of those below); the server reads the same store, so they show
  through the API.
- `two_organizations_and_four_people`: Acme and Globex, Ann, Bob, Chloé and Dan, in `store`.
- `listener`: the same store's owner API on the `workspace`'s Unix socket (no token), as the
  app and `serve` run it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.sync.api.listener import Listener
from kafinea_tui.workspace import Workspace
from tests.api.server import Api, client, serve


@pytest.fixture
def api(store: Store) -> Iterator[Api]:
    writer_token = create_token(store, "writer")
    reader_token = create_token(store, "reader", read_only=True)
    with (
        serve(store) as base,
        client(base, writer_token) as http,
        client(base, reader_token) as reader,
    ):
        yield Api(store, base, http, reader)


@pytest.fixture
def listener(store: Store, workspace: Workspace) -> Iterator[Listener]:
    served = Listener(store, workspace, "app")
    served.start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def two_organizations_and_four_people(store: Store) -> None:
    acme = store.create("organizations", {"name": "Acme", "employees": 120})
    store.create("organizations", {"name": "Globex", "employees": 8})
    people = [
        ("Ann", "Lee", "ann@x.fr", "Paris", acme),
        ("Bob", "Martin", "bob@x.fr", "Lyon", None),
        ("Chloé", "Dubois", "chloe@x.fr", "Paris", acme),
        ("Dan", "Ng", None, "Nice", None),
    ]
    for first, last, email, city, org in people:
        store.create(
            "contacts",
            {
                "first_name": first,
                "last_name": last,
                "email": email,
                "mailing_city": city,
                "organization": org,
            },
        )
