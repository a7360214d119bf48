"""`Client`: one server, one token, a typed method a route (see the package's docstring)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, overload

import httpx

from kafinea_tui.data.special_files import is_special
from kafinea_tui.sync.client.answers import Change, Page, Report
from kafinea_tui.sync.client.calls import (
    BASE,
    COUNT_HEADER,
    VERSION_HEADER,
    Administration,
    ApiError,
    Params,
    _checked,
    _chunks,
    _error,
    _params,
    _same_version,
)
from kafinea_tui.sync.transports import socket_transport, tls_context

# The Content-Type a workbook is posted with, by its extension.
SPREADSHEETS = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@dataclass
class ChangeFeed:
    """The changes after a cursor, page after page until the server says there are no more;
    `cursor` is the last one seen (the one given, until a change arrives)."""

    client: Client
    module: str
    cursor: str | None
    page_size: int | None = None

    def __iter__(self) -> Iterator[Change]:
        while True:
            params: Params = [("since", self.cursor)] if self.cursor else []
            if self.page_size:
                params.append(("limit", str(self.page_size)))
            page = self.client.get_json(f"{BASE}/{self.module}/changes", params)
            for entry in page["changes"]:
                yield Change(**entry)
                self.cursor = str(entry["cursor"])
            self.cursor = str(page["cursor"]) if page["changes"] else self.cursor
            if not page["more"]:
                return


class Client(Administration):
    """One server, one token. Close it (or use `with`) to release its connections."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = 60.0,
        transport: httpx.BaseTransport | None = None,
        version: str | None = None,
        same_host: bool = False,
    ) -> None:
        """`version`: this program's version, sent in `Kafinea-Version`; a server of another
        version refuses the request (409), and an answer without it or with another one
        raises `ApiError` here (a server older than the header). `same_host`: the workspace's
        owner through its socket, which writes an export's file in place (`export_csv`)."""
        self.same_host = same_host
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        hooks: dict[str, list[Any]] = {}
        if version is not None:
            headers[VERSION_HEADER] = version
            hooks["response"] = [lambda answer: _same_version(answer, version)]
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=timeout,
            transport=transport,
            event_hooks=hooks,
            # The process's one certificate store (`transports`), unless a transport is given.
            verify=tls_context() if transport is None else True,
        )

    @classmethod
    def over_socket(cls, path: str, version: str | None = None, client: str = "") -> Client:
        """A client of a workspace's owner through its Unix socket (`kafinea.sock`): no token,
        the socket's file mode is the credential. No time limit on answers: an import of a
        million rows answers when it is done."""
        made = cls(
            "http://kafinea",
            transport=socket_transport(path),
            timeout=httpx.Timeout(None, connect=10.0),
            version=version,
            same_host=True,
        )
        if client:  # "cli": the owner logs the changes as the command alone would
            made.http.headers["Kafinea-Client"] = client
        return made

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    # -- reading ----------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return dict(self.get_json(f"{BASE}/health"))

    def modules(self) -> list[dict[str, Any]]:
        return list(self.get_json(f"{BASE}/modules"))

    def records(
        self,
        module: str,
        *,
        filter: str | None = None,
        search: str | None = None,
        sort: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Page:
        """One page of records (limit at most 1000, default 50)."""
        params = _params(filter=filter, search=search, sort=sort, limit=limit, offset=offset)
        page = self.get_json(f"{BASE}/{module}/records", params)
        return Page(int(page["total"]), list(page["records"]))

    def record(self, module: str, record_id: int) -> dict[str, Any]:
        return dict(self.get_json(f"{BASE}/{module}/records/{int(record_id)}"))

    def changes(
        self, module: str, since: str | None = None, page_size: int | None = None
    ) -> ChangeFeed:
        """Every change after `since` (from the start when None), oldest first; iterate it."""
        return ChangeFeed(self, module, since, page_size)

    @overload
    def export_csv(
        self,
        module: str,
        to: Path | str | IO[bytes],
        *,
        params: Params | None = None,
        extensions: dict[str, Any] | None = None,
        progress: Callable[[float], None] | None = None,
        **options: Any,
    ) -> int: ...

    @overload
    def export_csv(
        self,
        module: str,
        to: None = None,
        *,
        params: Params | None = None,
        extensions: dict[str, Any] | None = None,
        progress: Callable[[float], None] | None = None,
        **options: Any,
    ) -> bytes: ...

    def export_csv(
        self,
        module: str,
        to: Path | str | IO[bytes] | None = None,
        *,
        params: Params | None = None,
        extensions: dict[str, Any] | None = None,
        progress: Callable[[float], None] | None = None,
        **options: Any,
    ) -> bytes | int:
        """The module as CSV (or xlsx) with the CLI's export options (`filter=`, `fields=`,
        `sort=`..., or as query `params`), and the number of records exported: written to a
        path whole or not at all (by a `same_host` server itself, else received into a file
        beside it, renamed when complete), or to a binary file as it arrives; without `to`,
        the file's bytes. `extensions`: httpx's, for the request (a trace, a timeout);
        `progress`: called with the share done, as a `same_host` server reports it."""
        url = f"{BASE}/{module}/export"
        query = [*(params or []), *_params(**options)]
        extensions = extensions or {}
        if isinstance(to, str | Path) and self.same_host:
            absolute = os.path.abspath(Path(to).expanduser())
            return self.export_in_place(module, absolute, query, progress, extensions)
        if isinstance(to, str | Path) and is_special(Path(to)):
            # A device or a pipe (/dev/null, a named pipe): written into, never renamed over.
            with Path(to).expanduser().open("wb") as handle:
                return self.export_csv(module, handle, params=query, extensions=extensions)
        if isinstance(to, str | Path):
            path = Path(to).expanduser()
            partial = path.with_name(f".{path.name}.part")
            try:
                with partial.open("wb") as handle:
                    count = self.export_csv(module, handle, params=query, extensions=extensions)
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
            return count
        with self.http.stream("GET", url, params=query, extensions=extensions) as answer:
            if answer.is_error:
                answer.read()
                raise _error(answer)
            if to is None:
                return answer.read()
            for chunk in answer.iter_bytes(1 << 20):
                to.write(chunk)
            return int(answer.headers.get(COUNT_HEADER, "0"))

    def export_in_place(
        self,
        module: str,
        path: str,
        params: Params,
        progress: Callable[[float], None] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> int:
        """Have a `same_host` server write the export to `path` (absolute); the record count.
        With `progress`, the server's reports are followed as they come (JSON lines)."""
        url, body = f"{BASE}/{module}/export", {"path": path}
        if progress is None:
            answer = self.http.post(url, params=params, json=body, extensions=extensions or {})
            return int(_checked(answer)["count"])
        headers = {"Accept": "application/x-ndjson"}
        with self.http.stream(
            "POST", url, params=params, json=body, headers=headers, extensions=extensions or {}
        ) as answer:
            if answer.is_error:
                answer.read()
                raise _error(answer)
            for line in answer.iter_lines():
                event = json.loads(line) if line.strip() else {}
                if "error" in event:
                    raise ApiError(int(event.get("status", 500)), str(event["error"]))
                if "count" in event:
                    return int(event["count"])
                if "progress" in event:
                    progress(float(event["progress"]))
        raise ApiError(502, "The server stopped answering before the export was written.")

    # -- writing ----------------------------------------------------------------------------

    def create(
        self, module: str, records: Mapping[str, Any] | Sequence[Mapping[str, Any]], **options: Any
    ) -> Report:
        """Post one record or a list (one batch) with the import's options: `duplicates`,
        `match`, `dry_run`, `no_create_related`, `date_format`, `decimal`."""
        body = dict(records) if isinstance(records, Mapping) else [dict(r) for r in records]
        url = f"{BASE}/{module}/records"
        answer = self.http.post(url, params=_params(**options), json=body)
        return Report.from_json(_checked(answer))

    def update(
        self, module: str, record_id: int, values: Mapping[str, Any], **options: Any
    ) -> dict[str, Any]:
        """Set some fields of a record (null clears one); the record as it is now."""
        url = f"{BASE}/{module}/records/{int(record_id)}"
        answer = self.http.patch(url, params=_params(**options), json=dict(values))
        return dict(_checked(answer))

    def delete(self, module: str, record_id: int) -> None:
        _checked(self.http.delete(f"{BASE}/{module}/records/{int(record_id)}"))

    def import_csv(
        self, module: str, data: bytes | str | Path | IO[bytes], **options: Any
    ) -> Report:
        """Import CSV text (bytes, a str, a path, or a binary file, streamed) with the CLI's
        import options: `map={"Column": "field"}`, `match=[...]`, `duplicates="merge"`, ...
        A path to a workbook (.xlsx .xlsm .xls .ods) is sent as one (`import_file`)."""
        if isinstance(data, Path):
            return self.import_file(module, data, **options)
        content: Any = data.encode("utf-8") if isinstance(data, str) else data
        if not isinstance(content, bytes):
            content = _chunks(content)
        return Report.from_json(self.post_import(module, content, "text/csv", _params(**options)))

    def import_file(
        self,
        module: str,
        path: Path | str | IO[bytes],
        sheet: str | int | None = None,
        *,
        params: Params | None = None,
        **options: Any,
    ) -> Report:
        """Import a file, CSV or workbook by its extension (`sheet`: a workbook's sheet, by
        name or 1-based number), with the CLI's import options (or query `params`), streamed.
        An open binary file is named by a `filename` parameter, which picks its reader."""
        query = [*(params or []), *_params(sheet=sheet, **options)]
        if not isinstance(path, str | Path):
            return Report.from_json(self.post_import(module, _chunks(path), "text/csv", query))
        path = Path(path)
        kind = SPREADSHEETS.get(path.suffix.lower(), "text/csv")
        with path.open("rb") as handle:
            query = [*query, ("filename", path.name)]
            return Report.from_json(self.post_import(module, _chunks(handle), kind, query))

    def post_import(
        self,
        module: str,
        content: bytes | Iterator[bytes],
        kind: str,
        params: Params,
        *,
        headers: Mapping[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> Any:
        """`POST /{module}/import` of `content` (bytes, or pieces streamed) of media type
        `kind`; the server's report as JSON (with `details=true`, the failed rows' cells)."""
        answer = self.http.post(
            f"{BASE}/{module}/import",
            params=params,
            content=content,
            headers={"Content-Type": kind, **(headers or {})},
            extensions=extensions or {},
        )
        return _checked(answer)

    # -- what the app asks besides records ----------------------------------------------------

    def matching_ids(self, module: str, filter: str = "", search: str = "") -> list[int]:
        """Every id the filter and search match, in id order ("select all matching")."""
        body = {"filter": filter, "search": search}
        return [int(i) for i in self.post_json(f"{BASE}/{module}/matching", body)["ids"]]

    def count_among(
        self, module: str, ids: Sequence[int], filter: str = "", search: str = ""
    ) -> int:
        """How many of `ids` the filter and search match."""
        body = {"filter": filter, "search": search, "among": [int(i) for i in ids]}
        return int(self.post_json(f"{BASE}/{module}/matching", body)["count"])

    def preview_update(
        self, module: str, selection: Mapping[str, Any], values: Mapping[str, Any], limit: int = 5
    ) -> dict[str, Any]:
        """What a mass edit would do: count, a few records before and after, errors."""
        body = {**selection, "values": dict(values)}
        params: Params = [("limit", limit)]
        return dict(self.post_json(f"{BASE}/{module}/update/preview", body, params))

    def preview_delete(self, module: str, selection: Mapping[str, Any]) -> dict[str, Any]:
        """What a mass delete would do: count, and the references it clears."""
        return dict(self.post_json(f"{BASE}/{module}/delete/preview", dict(selection)))

    def completions(self, module: str, field: str, prefix: str) -> list[str]:
        """Keys of the related module of reference `field` that start with `prefix`."""
        params: Params = [("field", field), ("prefix", prefix)]
        return [str(k) for k in self.get_json(f"{BASE}/{module}/completions", params)["keys"]]
