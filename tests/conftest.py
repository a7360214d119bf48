"""Fixtures for every kind of test: one workspace and its store, both new for each test.

The family (other conftests and test modules build on it rather than opening stores their own way):

- `workspace`: an empty, prepared `Workspace` in a temporary folder of its own, beside the test's
  `tmp_path` (which stays empty for the files the test writes and lists).
- `store`: that workspace's database opened as a `Store` (schema made, no records: a copy of
  `empty_db`, made once a session), closed after the test. A module that needs records fills
  it in an autouse fixture of its own, so its tests keep asking for `store`.
- `tests/tui/conftest.py` adds `contacts_workspace`, `contacts_store` and `app`: the 120-contact
  workspace of `tests/tui/app_workspace.py`, copied from a database built once a session.

Data sets that tests only read are built once a module instead (`scope="module"`, e.g.
`query_store` in tests/data/test_query.py); a test that writes takes `store` and fills it.

Every test (autouse `private_default_workspace`) has its own default and demo workspace
(`$KAFINEA_WORKSPACE`), inherited by the commands it runs: none reads or writes the user's.

The xdist workers and the commands a test runs as processes of their own (`tests/commands.py`,
forked from one that imported the engines once, or new interpreters) write and read bytecode in
the usual `__pycache__` folders (`pytest_configure`), even where `PYTHONDONTWRITEBYTECODE` is
set: without it each of the suite's hundreds of processes compiled every module of the project
it imports, and pytest rewrote every test module, again.
The installed packages' bytecode is the one pip compiled as it installed them.

Tests run in parallel (pytest-xdist, `--dist worksteal`: a worker that runs out of tests takes
some of another's, so one long test at the end does not leave a core idle), two workers a core
(`pytest_xdist_auto_num_workers`): many tests wait on a subprocess, a server or the app's next
refresh, and a second worker uses the core meanwhile (on 2 cores: 231 s instead of 327 s for
the whole suite). Write only under `tmp_path` or the workspace, bind servers to port 0, and
mark scale and exhaustive tests (hundreds of thousands of rows, thousands of deliveries, the
OpenAPI coverage sweep, the commands compared through the owner) `@pytest.mark.slow`: `make
test` leaves them out, `make test-slow` and CI run them.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kafinea_tui.data.store.database import Store
from kafinea_tui.workspace import Workspace


@pytest.fixture
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """An empty workspace, its folders made, in a new temporary folder (never the user's)."""
    made = Workspace(tmp_path_factory.mktemp("workspace"))
    made.prepare()
    return made


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the schema made and no records, built once a session (once a worker):
    creating the schema costs twice what opening a copy of it does, in hundreds of tests."""
    path = tmp_path_factory.mktemp("empty") / "kafinea.duckdb"
    Store.open(path).close()
    return path


@pytest.fixture
def store(workspace: Workspace, empty_db: Path) -> Iterator[Store]:
    """The workspace's database, open for the test and closed after it (releasing its lock):
    a copy of `empty_db`, the database every new workspace starts as."""
    shutil.copyfile(empty_db, workspace.db_path)
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


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers a core (see above)."""
    return 2 * (os.cpu_count() or 1)


def pytest_configure(config: pytest.Config) -> None:
    """Bytecode written and read where Python keeps it (`__pycache__` beside each module): the
    xdist workers (started after this, inheriting the environment) and every command a test
    runs as a subprocess read the project's modules compiled once, and pytest's rewritten test
    modules, instead of compiling them again in each process (which `PYTHONDONTWRITEBYTECODE`
    forced). A cache elsewhere (`PYTHONPYCACHEPREFIX`, as this suite once used) leaves aside
    the bytecode pip compiled for the installed packages: in a new clone the first run compiled
    Textual's, DuckDB's and hypothesis's modules again (a worker's collection took 6.8 s
    instead of 2.3)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection built (pytest, Textual, DuckDB, hypothesis, schemathesis: the
    modules every test shares) so the collector's full passes stop walking it. A worker's heap
    is mostly those objects, and each full pass over them freed nothing: freezing them cut the
    suite's CPU by a fifth (383 → 307 CPU-seconds on 2 cores). The app does the same after its
    first page (`first_page._StartupGC`)."""
    gc.collect()
    gc.freeze()
