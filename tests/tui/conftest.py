"""Fixtures for the app tests: the 120-contact workspace of app_workspace.py and an app on it.

- `template_db` (session): that workspace's database, built once; each test gets a copy.
- `contacts_workspace`: the `workspace` fixture (tests/conftest.py) holding a copy of it.
- `contacts_store`: its database opened, closed after the test.
- `app`: a `KafineaApp` over `contacts_workspace` and `contacts_store`, not yet running.
- `serving`: a real `kafinea-tui serve` owning `contacts_workspace`, for the app as a client.
- `latin1_csv`: the import wizard's French contacts file (wizard_host.py), in the test's tmp_path.

A test that starts from an empty workspace (the import wizard's) takes `workspace` and `store`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kafinea_tui.app import KafineaApp
from kafinea_tui.data.store.database import Store
from kafinea_tui.workspace import Workspace
from tests.tui.app_workspace import fill
from tests.tui.served import Served
from tests.tui.wizard_host import write_latin1_contacts


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once a session (once a worker), copied for each test: all start from one state."""
    path = tmp_path_factory.mktemp("template") / "kafinea.duckdb"
    store = Store.open(path)
    try:
        fill(store)
    finally:
        store.close()
    return path


@pytest.fixture
def contacts_workspace(workspace: Workspace, template_db: Path) -> Workspace:
    shutil.copyfile(template_db, workspace.db_path)
    return workspace


@pytest.fixture
def contacts_store(contacts_workspace: Workspace) -> Iterator[Store]:
    opened = contacts_workspace.open_store()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def app(contacts_workspace: Workspace, contacts_store: Store) -> KafineaApp:
    return KafineaApp(workspace=contacts_workspace, store=contacts_store)


@pytest.fixture
def serving(contacts_workspace: Workspace) -> Iterator[Served]:
    server = Served(contacts_workspace).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def latin1_csv(tmp_path: Path) -> Path:
    return write_latin1_contacts(tmp_path / "contacts-fr.csv")
