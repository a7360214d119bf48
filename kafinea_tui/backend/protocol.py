"""The interface the screens need from wherever the data lives, and its two errors.

Methods are the questions the screens ask (a page of a list, a record for the detail or the
form, a mass edit's preview...), each answered with the data layer's types. They block, and
are called from the screens' thread workers; a failure raises a `KafineaError` whose sentence
the screen shows (`work.reports`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kafinea_tui.data.bulk.report import BulkReport, DeleteImpact, UpdatePreview
from kafinea_tui.data.bulk.selection import Selection
from kafinea_tui.data.cancel import Cancellation
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.target import ExportResult
from kafinea_tui.data.importer.plan import ImportPlan, ImportReport
from kafinea_tui.data.importer.undo import BatchInfo, UndoReport
from kafinea_tui.data.list_layout import ColumnLayout
from kafinea_tui.data.query import ListQuery, Page
from kafinea_tui.data.record_view import RecordView
from kafinea_tui.data.schema import Field, Module, Schema

if TYPE_CHECKING:
    from kafinea_tui.backend.automation import Automation
    from kafinea_tui.workspace import Workspace

Progress = Callable[[float], None]


class ConnectionLost(KafineaError):
    """The server stopped answering (it was stopped, or the network went): one sentence, and
    the app offers to reconnect."""


class ReadOnly(KafineaError):
    """The token the app connected with may only read."""


class Backend(Protocol):
    """Everything the screens read and write, wherever the workspace is."""

    @property
    def schema(self) -> Schema:
        """The modules and their fields (custom fields and picklist values included)."""
        ...

    @property
    def where(self) -> str | None:
        """Where the data lives, for the header (`via http://host:8765`); None: this process."""
        ...

    @property
    def read_only(self) -> bool:
        """Whether writes are refused (a read-only token): the app disables its write keys."""
        ...

    def module(self, name: str) -> Module: ...

    def refresh_schema(self) -> Schema:
        """Read the schema again (a field was added, here or by another process)."""
        ...

    def close(self) -> None: ...

    def watch_connection(self, listener: Callable[[str], None]) -> None:
        """Call `listener` with the sentence when the server stops answering (from the thread
        that found out); a local backend never calls it."""
        ...

    # -- lists --------------------------------------------------------------------------------

    def page(self, query: ListQuery, offset: int, limit: int) -> Page:
        """One page of the list and the count of every record the query matches."""
        ...

    def count_among(self, query: ListQuery, ids: Sequence[int]) -> int:
        """How many of `ids` the query matches (the others, selected, it hides)."""
        ...

    def matching_ids(self, query: ListQuery) -> list[int]:
        """Every id the query matches, in id order ("select all matching")."""
        ...

    def last_module(self) -> str | None:
        """The module the app showed last, to open on it again."""
        ...

    def remember_module(self, name: str) -> None: ...

    # -- one record ---------------------------------------------------------------------------

    def record_view(self, module: str, record_id: int) -> RecordView | None:
        """The record as the detail screen shows it; None when it no longer exists."""
        ...

    def record_texts(self, module: str, record_id: int) -> dict[str, str] | None:
        """The record's editable fields as the form's text; None when it no longer exists."""
        ...

    def value_error(self, module: str, field: str, text: str) -> str | None:
        """Why `text` cannot be a value of the field, as the import would say; None if it can."""
        ...

    def key_completions(self, module: str, field: str, prefix: str) -> list[str]:
        """Keys of the reference field's related module that start with `prefix`."""
        ...

    def create_record(
        self, module: str, texts: dict[str, str]
    ) -> tuple[int | None, list[tuple[str, str]]]:
        """Create a record from the form's text: (its id, []) or (None, [(column, reason)])."""
        ...

    def update_record(self, module: str, record_id: int, texts: dict[str, str]) -> None:
        """Set the given fields from the form's text (the import's rules read them)."""
        ...

    # -- fields and layouts -------------------------------------------------------------------

    def add_field(self, module: str, label: str, type: str, values: Sequence[str] = ()) -> Field:
        """Add a custom field (`cf_` name) to the module; the schema is read again, so the
        new field is in `schema` when this returns. A refused label is a sentence."""
        ...

    def layouts(self) -> dict[str, ColumnLayout]:
        """Each arranged module's list columns (modules never arranged are absent)."""
        ...

    def save_layout(self, module: str, layout: ColumnLayout) -> None:
        """Keep the module's list columns for the next start (the workspace's, for every app
        on it)."""
        ...

    # -- many records -------------------------------------------------------------------------

    def preview_update(
        self, module: str, selection: Selection, values: dict[str, str], limit: int
    ) -> UpdatePreview: ...

    def mass_update(
        self,
        module: str,
        selection: Selection,
        values: dict[str, str],
        progress: Progress | None = None,
    ) -> BulkReport: ...

    def delete_impact(self, module: str, selection: Selection) -> DeleteImpact: ...

    def mass_delete(self, module: str, selection: Selection) -> BulkReport: ...

    # -- export -------------------------------------------------------------------------------

    def count_scope(self, options: ExportOptions) -> int:
        """How many records the export's scope covers (the dialog shows it by each scope)."""
        ...

    def export(
        self,
        options: ExportOptions,
        target: Path,
        progress: Progress | None = None,
        cancellation: Cancellation | None = None,
    ) -> ExportResult:
        """Write the export to `target` on this machine (a server's streams here); a
        cancellation stops it (`Cancelled`) and leaves no file."""
        ...

    def export_choices(self, module: str) -> dict[str, Any] | None:
        """The module's last export choices (the export dialog's), or None."""
        ...

    def remember_export_choices(self, module: str, choices: Mapping[str, Any]) -> None:
        """Keep them for the next export of the module (quietly not kept when it cannot be)."""
        ...

    # -- automation (the sync panel) ----------------------------------------------------------

    def automation(self, workspace: Workspace) -> Automation:
        """The sync panel's view and actions: this process's engine and config.toml, or the
        owner's through the API (`workspace`: the app's, the owner's too through a socket)."""
        ...

    # -- past imports -------------------------------------------------------------------------

    def batches(self) -> list[BatchInfo]:
        """Every import and mass change, newest first."""
        ...

    def undo_preview(self, batch: int) -> UndoReport: ...

    def undo(self, batch: int) -> UndoReport: ...

    # -- import -------------------------------------------------------------------------------

    def import_file(
        self,
        plan: ImportPlan,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancellation: Cancellation | None = None,
    ) -> ImportReport:
        """Run (or test) the import of `plan.csv.path`, a file on this machine: the importer
        here, or the file streamed to the server, which imports it. The report carries the
        file's columns and the failed rows' cells (the wizard saves them as a CSV); a
        cancellation stops it (`Cancelled`) and nothing is written."""
        ...

    def import_folder(self) -> Path | None:
        """The folder the import wizard found its last file in (on this machine), or None."""
        ...

    def remember_import_folder(self, folder: Path) -> None:
        """Keep it for the next wizard: the workspace's setting, or (a client: the path is
        this machine's, not the server's) for as long as this process runs."""
        ...
