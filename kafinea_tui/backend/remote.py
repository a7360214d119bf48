"""A Kafinea server behind the `Backend` interface: the app as a client of the API.

The server is the workspace's owner (reached through its Unix socket) or `--server URL`. Every
question is one request answered by the function the local app would call (`sync.api`), so a
screen shows the same thing either way; a page and its count are one `GET .../records`.

Failures become the data layer's errors: a filter that does not parse is a `FilterError` with
its position, a refused token a `KafineaError`, a server that stopped answering
`ConnectionLost`, whose sentence the app shows with the key that reconnects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb
import httpx

from kafinea_tui import __version__
from kafinea_tui.backend import convert, remote_import
from kafinea_tui.backend.failures import FilterFailed, call, refuses_writes
from kafinea_tui.backend.hangup import Hangup
from kafinea_tui.backend.params import export_params, selection_body
from kafinea_tui.backend.protocol import ConnectionLost, Progress
from kafinea_tui.data.bulk.report import BulkReport, DeleteImpact, UpdatePreview
from kafinea_tui.data.bulk.selection import Selection
from kafinea_tui.data.cancel import Cancellation, Cancelled
from kafinea_tui.data.errors import KafineaError, NotFound, UsageError
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.target import CANCELLED, ExportResult
from kafinea_tui.data.importer.plan import ImportPlan, ImportReport
from kafinea_tui.data.importer.undo import BatchInfo, UndoReport
from kafinea_tui.data.list_layout import ColumnLayout
from kafinea_tui.data.query import ListQuery, Page, page_fields
from kafinea_tui.data.record_form import as_text, editable_fields, text_error
from kafinea_tui.data.record_view import RecordView
from kafinea_tui.data.schema import Field, Module, Schema
from kafinea_tui.sync.client import Client
from kafinea_tui.sync.transports import socket_transport

if TYPE_CHECKING:
    from kafinea_tui.backend.automation import Automation
    from kafinea_tui.workspace import Workspace

T = TypeVar("T")


class RemoteBackend:
    """One client, one server. `connect` checks the server and the token before the app opens."""

    def __init__(
        self,
        client: Client,
        where: str,
        schema: Schema,
        read_only: bool,
        who: str | None = None,
    ) -> None:
        """`where` names the server in the footer (`http://host:8765`, `server PID 4190`);
        `who` starts the sentences about it ("The server at http://host:8765")."""
        self.client = client
        self._where = where
        self._who = who or f"The server at {where}"
        self._schema = schema
        self._read_only = read_only
        self._checker = duckdb.connect()  # reads typed values for the form, no table needed
        self._checker_lock = threading.Lock()
        self._listeners: list[Callable[[str], None]] = []

    @classmethod
    def connect(
        cls,
        url: str,
        token: str | None,
        where: str,
        transport: httpx.BaseTransport | None = None,
        who: str | None = None,
        socket: str | None = None,
    ) -> RemoteBackend:
        """Reach the server at `url` (through the Unix `socket` when given): its version, the
        schema, and whether the token writes. Each way this fails is one sentence."""
        who = who or f"The server at {where}"
        if socket is not None and transport is None:
            transport = socket_transport(socket)
        same_host = socket is not None  # the owner writes an export's file in place
        client = Client(url, token, timeout=30.0, transport=transport, same_host=same_host)
        try:
            health = call(who, client.health)
            version = str(health.get("version", ""))
            if version != __version__:
                raise KafineaError(
                    f"{who} runs Kafinea {version or '(unknown)'}, this app"
                    f" {__version__}; use the same version on both sides."
                )
            schema = convert.schema_of(call(who, client.modules))
            read_only = refuses_writes(client, who, next(iter(schema.modules)))
        except BaseException:
            client.close()
            raise
        backend = cls(client, where, schema, read_only, who)
        if socket is not None or transport is None:  # for an import or an export (`Hangup`)
            backend._own_connection = lambda: Client(
                url,
                token,
                timeout=httpx.Timeout(None, connect=30.0),  # a big import answers when done
                transport=socket_transport(socket) if socket is not None else None,
                same_host=same_host,
            )
        return backend

    # -- the interface's properties -----------------------------------------------------------

    @property
    def schema(self) -> Schema:
        return self._schema

    @property
    def where(self) -> str | None:
        return self._where

    @property
    def read_only(self) -> bool:
        return self._read_only

    def module(self, name: str) -> Module:
        try:
            return self._schema.module(name)
        except KeyError as error:
            raise UsageError(error.args[0]) from None

    def refresh_schema(self) -> Schema:
        self._schema = convert.schema_of(self._call(self.client.modules))
        return self._schema

    def close(self) -> None:
        self.client.close()
        self._checker.close()

    def watch_connection(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def _call(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return call(self._who, method, *args, **kwargs)
        except ConnectionLost as lost:
            for listener in self._listeners:
                listener(str(lost))
            raise

    # -- lists --------------------------------------------------------------------------------

    def page(self, query: ListQuery, offset: int, limit: int) -> Page:
        module = self.module(query.module)
        sort = [f"{name}:desc" if descending else name for name, descending in query.sort]
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("limit", max(0, limit)),
            ("offset", max(0, offset)),
            *(("sort", s) for s in sort),
        ]
        params += [
            (name, text)
            for name, text in (("filter", query.filter), ("search", query.search))
            if text
        ]
        try:
            data = self._call(self.client.get_json, f"/api/v1/{module.name}/records", params)
        except FilterFailed as failed:
            raise failed.as_filter_error(query.filter) from None
        fields = page_fields(module, query.columns)
        return convert.page_of(module, fields, data, max(0, offset), max(0, limit))

    def count_among(self, query: ListQuery, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        try:
            return self._call(
                self.client.count_among, query.module, list(ids), query.filter, query.search
            )
        except FilterFailed as failed:
            raise failed.as_filter_error(query.filter) from None

    def matching_ids(self, query: ListQuery) -> list[int]:
        try:
            return self._call(self.client.matching_ids, query.module, query.filter, query.search)
        except FilterFailed as failed:
            raise failed.as_filter_error(query.filter) from None

    def last_module(self) -> str | None:
        return None  # the server's own app remembers its module; a client opens on the first

    def remember_module(self, name: str) -> None:
        """Not kept: the module last used is the owner's app's, not a client's."""

    def export_choices(self, module: str) -> dict[str, Any] | None:
        return None  # a client's dialogs open with the defaults: the workspace is the owner's

    def remember_export_choices(self, module: str, choices: Mapping[str, Any]) -> None:
        """Not kept, as the module last used is not."""

    # -- one record ---------------------------------------------------------------------------

    def _record(self, module: Module, record_id: int) -> dict[str, Any] | None:
        try:
            return self._call(self.client.record, module.name, record_id)
        except NotFound:
            return None

    def record_view(self, module_name: str, record_id: int) -> RecordView | None:
        module = self.module(module_name)
        record = self._record(module, record_id)
        if record is None:
            return None
        return convert.record_view(module, record, record_id, self._id_of)

    def _id_of(self, module_name: str, key: str) -> int | None:
        """The id of the record of `module_name` whose key is `key` (the detail follows it)."""
        module = self.module(module_name)
        escaped = key.replace("\\", "\\\\").replace('"', '\\"')
        page = self._call(
            self.client.records, module.name, filter=f'{module.key} = "{escaped}"', limit=2
        )
        exact = [r for r in page.records if str(r.get(module.key)) == key] or page.records
        return int(exact[0]["id"]) if exact else None

    def record_texts(self, module_name: str, record_id: int) -> dict[str, str] | None:
        module = self.module(module_name)
        record = self._record(module, record_id)
        if record is None:
            return None
        return {
            f.name: as_text(convert.typed(f.type, record.get(f.name)))
            for f in editable_fields(module)
        }

    def value_error(self, module: str, field: str, text: str) -> str | None:
        found = self.module(module).field(field)
        with self._checker_lock:
            return text_error(self._checker, found, text)

    def key_completions(self, module: str, field: str, prefix: str) -> list[str]:
        if not prefix.strip():
            return []
        return self._call(self.client.completions, module, field, prefix)

    def create_record(
        self, module: str, texts: dict[str, str]
    ) -> tuple[int | None, list[tuple[str, str]]]:
        report = self._call(self.client.create, module, dict(texts))
        errors = [(e.column or "", e.reason) for e in report.errors]
        return (report.ids[0] if report.ids and not errors else None), errors

    def update_record(self, module: str, record_id: int, texts: dict[str, str]) -> None:
        self._call(self.client.update, module, record_id, dict(texts))

    # -- fields and layouts -------------------------------------------------------------------

    def add_field(self, module: str, label: str, type: str, values: Sequence[str] = ()) -> Field:
        added = self._call(self.client.add_field, self.module(module).name, label, type, values)
        self.refresh_schema()
        return self.module(module).field(str(added["name"]))

    def layouts(self) -> dict[str, ColumnLayout]:
        found = self._call(self.client.layouts)
        return {name: ColumnLayout.from_dict(layout) for name, layout in found.items()}

    def save_layout(self, module: str, layout: ColumnLayout) -> None:
        self._call(self.client.save_layout, module, layout.order, sorted(layout.hidden))

    # -- many records -------------------------------------------------------------------------

    def preview_update(
        self, module: str, selection: Selection, values: dict[str, str], limit: int
    ) -> UpdatePreview:
        data = self._call(
            self.client.preview_update, module, selection_body(selection), values, limit
        )
        return convert.update_preview(data)

    def mass_update(
        self,
        module: str,
        selection: Selection,
        values: dict[str, str],
        progress: Progress | None = None,
    ) -> BulkReport:
        report = self._call(self.client.update_many, module, selection_body(selection), values)
        if progress is not None:
            progress(1.0)
        return convert.bulk_report(report)

    def delete_impact(self, module: str, selection: Selection) -> DeleteImpact:
        return convert.delete_impact(
            self._call(self.client.preview_delete, module, selection_body(selection))
        )

    def mass_delete(self, module: str, selection: Selection) -> BulkReport:
        return convert.bulk_report(
            self._call(self.client.delete_many, module, selection_body(selection))
        )

    # -- export -------------------------------------------------------------------------------

    def count_scope(self, options: ExportOptions) -> int:
        query = ListQuery(options.module, options.filter, options.search)
        if options.scope == "ids":
            return self.count_among(ListQuery(options.module), list(options.ids))
        total = self.page(query if options.scope != "all" else ListQuery(options.module), 0, 0)
        if options.scope != "page":
            return total.total
        first = (max(1, options.page) - 1) * options.page_size
        return max(0, min(options.page_size, total.total - first))

    def export(
        self,
        options: ExportOptions,
        target: Path,
        progress: Progress | None = None,
        cancellation: Cancellation | None = None,
    ) -> ExportResult:
        """The server's export written to `target` whole or not at all: by the workspace's
        owner in place (its progress followed), or streamed here into a file renamed when
        complete. A Stop hangs up the export's own connection, and the server stops: a stopped
        export leaves no file."""
        stop, path, hangup = cancellation or Cancellation(), target.expanduser(), Hangup()
        with ExitStack() as stack:
            client = self.client
            if self._own_connection is not None:
                client = stack.enter_context(self._own_connection())
            stack.enter_context(stop.watching(hangup, CANCELLED))
            export = partial(client.export_csv, extensions=hangup.extensions, progress=progress)
            count = self._call(export, options.module, path, **export_params(options))
        if progress is not None:
            progress(1.0)
        return ExportResult(path, count)

    # -- automation (the sync panel) ----------------------------------------------------------

    def automation(self, workspace: Workspace) -> Automation:
        from kafinea_tui.backend.automation.remote import RemoteAutomation

        return RemoteAutomation(self.client, self._call, lambda: self._schema, self._where)

    # -- past imports -------------------------------------------------------------------------

    def batches(self) -> list[BatchInfo]:
        found = self._call(self.client.imports)
        return [convert.batch_info(item) for item in found]

    def undo_preview(self, batch: int) -> UndoReport:
        return convert.undo_report(self._call(self.client.undo, batch, preview=True))

    def undo(self, batch: int) -> UndoReport:
        return convert.undo_report(self._call(self.client.undo, batch))

    # -- import -------------------------------------------------------------------------------

    _import_folder: Path | None = None  # this machine's: the server's would mean nothing here
    _own_connection: Callable[[], Client] | None = None  # a fresh connection (set by connect)

    def import_file(
        self,
        plan: ImportPlan,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancellation: Cancellation | None = None,
    ) -> ImportReport:
        stop = cancellation or Cancellation()
        after = None if dry_run else remote_import.last_batch(self.batches())
        try:
            if self._own_connection is None:  # the caller's transport: a stop ends the upload
                return self._call(
                    remote_import.import_file, self.client, plan, dry_run, progress, stop
                )
            with self._own_connection() as client:
                return self._call(remote_import.import_file, client, plan, dry_run, progress, stop)
        except Cancelled:
            late = after is not None and remote_import.stopped_too_late(
                self.batches(), after, plan.csv.path
            )
            if late:
                raise late from None
            raise

    def import_folder(self) -> Path | None:
        return self._import_folder

    def remember_import_folder(self, folder: Path) -> None:
        self._import_folder = folder.expanduser().absolute()
