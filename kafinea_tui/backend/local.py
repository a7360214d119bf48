"""The data layer of the workspace this process owns, behind the `Backend` interface.

Each method is the data-layer call the screens made themselves before there was a second
implementation: the same functions, the same transactions, the same reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kafinea_tui.backend.protocol import Progress
from kafinea_tui.data import bulk, list_layout, query, record_form, record_view
from kafinea_tui.data.bulk.report import BulkReport, DeleteImpact, UpdatePreview
from kafinea_tui.data.bulk.selection import Selection
from kafinea_tui.data.cancel import Cancellation
from kafinea_tui.data.errors import KafineaError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import ExportResult, count_scope, export_file
from kafinea_tui.data.importer import undo
from kafinea_tui.data.importer.plan import ImportPlan, ImportReport
from kafinea_tui.data.importer.rows import RowPlan, update_record, write_rows
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.importer.undo import BatchInfo, UndoReport
from kafinea_tui.data.list_layout import ColumnLayout
from kafinea_tui.data.query import ListQuery, Page
from kafinea_tui.data.record_view import RecordView
from kafinea_tui.data.schema import Field, Module, Schema
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.settings import (
    IMPORT_FOLDER,
    LAST_MODULE,
    export_choices_key,
    get_json_setting,
    get_setting,
    keep_json_setting,
    keep_setting,
    set_setting,
)

if TYPE_CHECKING:
    from kafinea_tui.backend.automation import Automation
    from kafinea_tui.sync.engine_host import EngineHost
    from kafinea_tui.workspace import Workspace


class LocalBackend:
    """`store` is open for writing in this process (it owns the workspace); `host`: the app's
    automation engine host, which the sync panel shows and steers."""

    def __init__(self, store: Store, host: Callable[[], EngineHost] | None = None) -> None:
        self.store = store
        self._host = host

    @property
    def schema(self) -> Schema:
        return self.store.schema

    @property
    def where(self) -> str | None:
        return None

    @property
    def read_only(self) -> bool:
        return False

    def module(self, name: str) -> Module:
        return self.store.module(name)

    def refresh_schema(self) -> Schema:
        return self.store.refresh_schema()

    def close(self) -> None:
        """The store belongs to whoever opened it (the CLI), which closes it."""

    def watch_connection(self, listener: Callable[[str], None]) -> None:
        """The store is in this process: there is no connection to lose."""

    # -- lists --------------------------------------------------------------------------------

    def page(self, list_query: ListQuery, offset: int, limit: int) -> Page:
        return query.fetch_page(self.store, list_query, offset, limit)

    def count_among(self, list_query: ListQuery, ids: Sequence[int]) -> int:
        return query.count_among(self.store, list_query, ids)

    def matching_ids(self, list_query: ListQuery) -> list[int]:
        return query.matching_ids(self.store, list_query)

    def last_module(self) -> str | None:
        try:
            return get_setting(self.store, LAST_MODULE)
        except KafineaError:
            return None

    def remember_module(self, name: str) -> None:
        set_setting(self.store, LAST_MODULE, name)

    # -- one record ---------------------------------------------------------------------------

    def record_view(self, module: str, record_id: int) -> RecordView | None:
        return record_view.record_view(self.store, module, record_id)

    def record_texts(self, module: str, record_id: int) -> dict[str, str] | None:
        return record_form.record_texts(self.store, module, record_id)

    def value_error(self, module: str, field: str, text: str) -> str | None:
        return record_form.value_error(self.store, module, field, text)

    def key_completions(self, module: str, field: str, prefix: str) -> list[str]:
        return record_form.key_completions(self.store, module, field, prefix)

    def create_record(
        self, module: str, texts: dict[str, str]
    ) -> tuple[int | None, list[tuple[str, str]]]:
        report = write_rows(self.store, RowPlan(module=module, source="app"), [dict(texts)])
        errors = [(e.column or "", e.reason) for e in report.errors]
        return (report.record_ids[0] if report.record_ids else None), errors

    def update_record(self, module: str, record_id: int, texts: dict[str, str]) -> None:
        update_record(self.store, RowPlan(module=module, source="app"), record_id, dict(texts))

    # -- fields and layouts -------------------------------------------------------------------

    def add_field(self, module: str, label: str, type: str, values: Sequence[str] = ()) -> Field:
        return self.store.add_custom_field(module, label, type, values)

    def layouts(self) -> dict[str, ColumnLayout]:
        return list_layout.read_layouts(self.store)

    def save_layout(self, module: str, layout: ColumnLayout) -> None:
        list_layout.save_layout(self.store, module, layout)

    # -- many records -------------------------------------------------------------------------

    def preview_update(
        self, module: str, selection: Selection, values: dict[str, str], limit: int
    ) -> UpdatePreview:
        return bulk.preview_update(self.store, module, selection, values, limit)

    def mass_update(
        self,
        module: str,
        selection: Selection,
        values: dict[str, str],
        progress: Progress | None = None,
    ) -> BulkReport:
        return bulk.mass_update(self.store, module, selection, values, progress=progress)

    def delete_impact(self, module: str, selection: Selection) -> DeleteImpact:
        return bulk.delete_impact(self.store, module, selection)

    def mass_delete(self, module: str, selection: Selection) -> BulkReport:
        return bulk.mass_delete(self.store, module, selection)

    # -- export -------------------------------------------------------------------------------

    def count_scope(self, options: ExportOptions) -> int:
        return count_scope(self.store, options)

    def export(
        self,
        options: ExportOptions,
        target: Path,
        progress: Progress | None = None,
        cancellation: Cancellation | None = None,
    ) -> ExportResult:
        return export_file(self.store, options, target, progress, cancellation)

    def export_choices(self, module: str) -> dict[str, Any] | None:
        return get_json_setting(self.store, export_choices_key(module))

    def remember_export_choices(self, module: str, choices: Mapping[str, Any]) -> None:
        keep_json_setting(self.store, export_choices_key(module), choices)

    # -- automation (the sync panel) ----------------------------------------------------------

    def automation(self, workspace: Workspace) -> Automation:
        from kafinea_tui.backend.automation.local import LocalAutomation

        if self._host is None:  # no app around (a screen tested alone): a host of its own
            from kafinea_tui.sync.engine_host import EngineHost

            own = EngineHost(self.store, workspace)
            self._host = lambda: own
        return LocalAutomation(self.store, workspace, self._host)

    # -- past imports -------------------------------------------------------------------------

    def batches(self) -> list[BatchInfo]:
        return undo.list_batches(self.store)

    def undo_preview(self, batch: int) -> UndoReport:
        return undo.undo_preview(self.store, batch)

    def undo(self, batch: int) -> UndoReport:
        return undo.undo_import(self.store, batch)

    # -- import -------------------------------------------------------------------------------

    def import_file(
        self,
        plan: ImportPlan,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancellation: Cancellation | None = None,
    ) -> ImportReport:
        return run_import(
            self.store, plan, dry_run=dry_run, progress=progress, cancellation=cancellation
        )

    def import_folder(self) -> Path | None:
        folder = get_setting(self.store, IMPORT_FOLDER)
        return Path(folder) if folder else None

    def remember_import_folder(self, folder: Path) -> None:
        keep_setting(self.store, IMPORT_FOLDER, str(folder.expanduser().absolute()))
