"""Fixtures for the data-layer tests (the engine called directly, no UI, no subprocess).

Besides `workspace` and `store` (tests/conftest.py, new for each test):

- `demo_workspace` (module scope): a workspace holding the demo data set (thousands of linked
  records, accents, line items) and its sample files, built once for each module that asks.
- `demo_store` (module scope): its database, open. Tests only read it; one that writes builds its
  own records in `store`.
- `export_records`: the export tests' records (export_helpers.py), written in the test's own
  `store`; export test modules use it for every test.
- `query_store` (module scope): the small store of the query tests (query_records.py), in
  memory; read only, like `demo_store`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kafinea_tui.data.demo.build import build_demo
from kafinea_tui.data.store.database import Store
from kafinea_tui.workspace import Workspace
from tests.data.export_helpers import write_records
from tests.data.query_records import fill


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    made = Workspace(tmp_path_factory.mktemp("demo"))
    with made.opened_store() as store:
        build_demo(store, made.samples_dir)
    return made


@pytest.fixture(scope="module")
def demo_store(demo_workspace: Workspace) -> Iterator[Store]:
    opened = demo_workspace.open_store()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def query_store() -> Iterator[Store]:
    """Built once for each module that asks: its tests only read it (one that writes fills its
    own `store`)."""
    built = Store.open(":memory:")
    fill(built)
    yield built
    built.close()


@pytest.fixture
def export_records(store: Store) -> None:
    """Every export test starts from these records, in its own store: most tests change them."""
    write_records(store)
