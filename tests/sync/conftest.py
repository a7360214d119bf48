"""Fixtures for the automation tests (their helpers are in factory.py):

- `factory_store`: a workspace with the factory example's config.toml and records, open.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kafinea_tui.data.store.database import Store
from tests.sync.factory import factory_config, open_workspace, seed


@pytest.fixture
def factory_store(tmp_path: Path) -> Iterator[Store]:
    _, store = open_workspace(tmp_path, factory_config())
    seed(store)
    yield store
    store.close()
