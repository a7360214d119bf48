"""A workspace is one folder: `kafinea.duckdb`, `config.toml` and `mappings/` (and, while a
process owns it, `kafinea.sock` and `owner.json`).

The default is `$KAFINEA_WORKSPACE`, else `~/.local/share/kafinea-tui`; `--workspace DIR` overrides
both. The demo workspace lives beside the default one, so trying the demo never touches real data.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kafinea_tui.data.collation import collation_for, environment_locale
from kafinea_tui.data.errors import WorkspaceError

if TYPE_CHECKING:  # DuckDB loads when a store opens, not when the command line is parsed
    from kafinea_tui.data.store.database import Store

DB_NAME = "kafinea.duckdb"
CONFIG_NAME = "config.toml"
MAPPINGS_DIR = "mappings"
SOCKET_NAME = "kafinea.sock"
OWNER_NAME = "owner.json"


def default_path() -> Path:
    env = os.environ.get("KAFINEA_WORKSPACE")
    if env:
        return Path(env).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "kafinea-tui"


def demo_path() -> Path:
    base = default_path()
    return base.with_name(base.name + "-demo")


@dataclass(frozen=True)
class Workspace:
    path: Path

    @property
    def db_path(self) -> Path:
        return self.path / DB_NAME

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG_NAME

    @property
    def mappings_dir(self) -> Path:
        return self.path / MAPPINGS_DIR

    @property
    def socket_path(self) -> Path:
        """Where the owner (the app, or `serve`) serves the API to this machine's processes."""
        return self.path / SOCKET_NAME

    @property
    def owner_path(self) -> Path:
        """The owner's record: its PID, socket, TCP address and version (`sync.owner`)."""
        return self.path / OWNER_NAME

    @property
    def samples_dir(self) -> Path:
        return self.path / "samples"

    def exists(self) -> bool:
        return self.db_path.is_file()

    def prepare(self) -> None:
        """Create the folder layout, with a sentence for a path that cannot hold a workspace."""
        if self.path.exists() and not self.path.is_dir():
            raise WorkspaceError(f"The workspace path {self.path} is a file, not a folder.")
        # Checked before anything is created in it: an unwritable folder is left as it was.
        if self.path.is_dir() and not os.access(self.path, os.W_OK | os.X_OK):
            raise WorkspaceError(f"The workspace folder {self.path} is not writable.")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.mappings_dir.mkdir(exist_ok=True)
        except OSError as error:
            raise WorkspaceError(
                f"Cannot create the workspace folder {self.path}: {error.strerror or error}."
            ) from None

    def open_store(self) -> Store:
        """The workspace's store, with config.toml's workflows firing in its writes."""
        from kafinea_tui.data.store.database import Store

        self.prepare()
        store = Store.open(self.db_path)
        try:
            store.collation = collation_for(store.cursor(), self.locale())
            self.install_workflows(store)
        except BaseException:
            store.close()
            raise
        return store

    def install_workflows(self, store: Store) -> list[str]:
        """(Re)read config.toml's workflows onto the store; the sentences of invalid entries.

        Every process that writes the workspace fires them, so a change made by a command run
        alone enqueues its deliveries too (the owner's engine sends them). Invalid entries are
        left out; `kafinea-tui automation check` and the sync panel show why.
        """
        if not self.config_path.is_file():
            store.set_commit_hook(None)
            return []
        from kafinea_tui.sync.config.load import read_config
        from kafinea_tui.sync.workflows import install

        config = read_config(self.config_path, store.schema)
        return [*config.errors, *install(store, config)]

    @contextmanager
    def opened_store(self) -> Iterator[Store]:
        """The store for one command, closed (releasing the file lock) however the command ends."""
        store = self.open_store()
        try:
            yield store
        finally:
            store.close()

    def locale(self) -> str:
        """config.toml's `locale` (text sorts by its collation), else the environment's."""
        value = self.config().get("locale")
        if isinstance(value, str) and value.strip():
            return value
        return environment_locale(os.environ)

    def config(self) -> dict[str, Any]:
        """The parsed config.toml, empty when there is none; a syntax error names the line."""
        if not self.config_path.is_file():
            return {}
        try:
            with self.config_path.open("rb") as handle:
                return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise WorkspaceError(f"{self.config_path} is not valid TOML: {error}.") from None
