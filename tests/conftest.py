"""Fixtures for every kind of test: one workspace and its store, both new for each test.

The family (other conftests and test modules build on it rather than opening stores their own way):

- `workspace`: an empty, prepared `Workspace` in a temporary folder of its own, beside the test's
  `tmp_path` (which stays empty for the files the test writes and lists).
- `store`: that workspace's database opened as a `Store` (schema made, no records), closed after
  the test. A module that needs records fills it in an autouse fixture of its own, so its tests
  keep asking for `store`.
- `tests/tui/conftest.py` adds `contacts_workspace`, `contacts_store` and `app`: the 120-contact
  workspace of `tests/tui/app_workspace.py`, copied from a database built once a session.

Data sets that tests only read are built once a module instead (`scope="module"`, e.g.
`query_store` in tests/data/test_query.py); a test that writes takes `store` and fills it.

Every test (autouse `private_default_workspace`) has its own default and demo workspace
(`$KAFINEA_WORKSPACE`), inherited by the commands it runs: none reads or writes the user's.

Tests run in parallel (pytest-xdist): write only under `tmp_path` or the workspace, bind servers
to port 0, and mark tests that take many seconds `@pytest.mark.slow` (`-m "not slow"` leaves them
out; `make test` runs them).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kafinea_tui.data.store.database import Store
from kafinea_tui.workspace import Workspace


@pytest.fixture
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """An empty workspace, its folders made, in a new temporary folder (never the user's)."""
    made = Workspace(tmp_path_factory.mktemp("workspace"))
    made.prepare()
    return made


@pytest.fixture
def store(workspace: Workspace) -> Iterator[Store]:
    """The workspace's database, open for the test and closed after it (releasing its lock)."""
    opened = workspace.open_store()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(autouse=True)
def private_default_workspace(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run in parallel: a default (or demo) workspace shared between them would let one
    test see another's records, so each test, and each command it runs, gets its own."""
    monkeypatch.setenv("KAFINEA_WORKSPACE", str(tmp_path_factory.mktemp("default") / "kafinea"))
