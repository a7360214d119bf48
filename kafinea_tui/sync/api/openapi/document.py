"""The OpenAPI 3.1 document served at `/openapi.json`, written by hand and built per workspace.

Hand-written because the routes are few and their query options are the CLI's, which no
framework could infer. It is exact, so that a client generated from it (or the typed client,
`kafinea_tui.client`) can trust it: `module` is an enum of this workspace's modules, record
schemas carry its custom fields, every parameter has its type and bounds as the server enforces
them (`params`), every answer its schema, every error the JSON shape of `errors`. Two tests hold
it to the code: every route is described and nothing else (tests/api/test_api.py), and a
schemathesis run over real HTTP finds no answer that breaks it and no request it forbids that
the server accepts (tests/api/test_openapi.py).
"""

from __future__ import annotations

from typing import Any

from kafinea_tui.arguments import MAX_INTEGER
from kafinea_tui.data.schema import Schema
from kafinea_tui.sync.api.admin import openapi_paths as admin_paths
from kafinea_tui.sync.api.automation.config import openapi_paths as config_paths
from kafinea_tui.sync.api.automation.control import openapi_paths as control_paths
from kafinea_tui.sync.api.automation.routes import openapi_paths as automation_paths
from kafinea_tui.sync.api.layouts import openapi_paths as layout_paths
from kafinea_tui.sync.api.openapi.schemas import components, error_answers, json_body, ref
from kafinea_tui.sync.api.params import FLAG_WORDS, MAX_LIMIT, SPREADSHEET_TYPES
from kafinea_tui.sync.api.screen_support import openapi_paths as screen_support_paths

BASE = "/api/v1"
_JSON = "application/json"

_INTEGER = {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER}
_FLAG = {"type": "string", "enum": list(FLAG_WORDS)}
_TEXT: dict[str, Any] = {"type": "string"}
_LIST = {"type": "array", "items": {"type": "string"}}


def _query(name: str, description: str, schema: dict[str, Any] = _TEXT) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def _between(low: int, high: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high}


_ROW_OPTIONS = [
    _query("date_format", "dates that are not ISO: dd/mm/yyyy, mm/dd/yyyy, yyyy-mm-dd..."),
    _query("decimal", "what a comma means in numbers", _enum("point", "comma")),
    _query("no_create_related", "fail instead of creating a missing related record", _FLAG),
]
_MATCHING = [
    _query("duplicates", "absent: every record is new", _enum("overwrite", "merge", "ignore")),
    _query("match", "a field identifying an existing record (repeatable)", _LIST),
    _query("dry_run", "report what would happen, change nothing", _FLAG),
]
_IMPORT_OPTIONS = [
    _query("encoding", "utf-8, utf-8-sig, iso-8859-1, windows-1252, utf-16, utf-32, auto"),
    _query("delimiter", "comma, semicolon, pipe, caret, tab, auto, or the character"),
    _query("no_header", "the first line is data", _FLAG),
    *_MATCHING,
    _query(
        "map",
        "COLUMN=FIELD (repeatable); the columns it does not name are mapped as without it",
        _LIST,
    ),
    _query("map_only", "the columns map does not name go nowhere", _FLAG),
    _query("default", "FIELD=VALUE used where a line has no value (repeatable)", _LIST),
    _query("reference_key", "FIELD=KEY: the related module's field to match on", _LIST),
    _query("mapping", "a saved mapping of the workspace"),
    *_ROW_OPTIONS,
    _query("no_formula_guard", "keep the ' of cells such as '=1 or '+33", _FLAG),
    _query("sheet", "a workbook's sheet, by name or number (default: the first)"),
    _query(
        "filename",
        "the posted file's name: its extension (.xlsx .xlsm .xls .ods) says it is a workbook"
        " when the Content-Type does not",
    ),
    _query("save_mapping", "save these choices as a mapping of the workspace, by this name"),
    _query("details", "add the file's columns and each failed row's cells to the report", _FLAG),
]
_EXPORT_OPTIONS = [
    _query("scope", "default: from the other options", _enum("all", "filter", "ids", "page")),
    _query("filter", "a filter expression"),
    _query("search", "quick search, as in the list"),
    _query("ids", "record ids, comma-separated"),
    _query("page", "page number, from 1", _between(1, MAX_INTEGER)),
    _query("page_size", "records a page (default 50)", _between(1, 100_000)),
    _query("sort", "FIELD, FIELD:desc or -FIELD (repeatable, or comma-separated)", _LIST),
    _query("fields", "fields and their order, comma-separated"),
    _query("header", "column titles", _enum("labels", "names")),
    _query("delimiter", "comma, semicolon, pipe, caret, tab, or the character"),
    _query("encoding", "utf-8, utf-8-sig, iso-8859-1, windows-1252"),
    _query("decimal", "decimal separator", _enum("point", "comma")),
    _query("no_formula_guard", "do not prefix ' to cells starting with = + - @", _FLAG),
    _query("format", "csv (default) or xlsx: a workbook with typed cells", _enum("csv", "xlsx")),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _operation(
    summary: str,
    ok: dict[str, Any],
    params: list[dict[str, Any]],
    errors: tuple[int, ...],
    **extra: Any,
) -> dict[str, Any]:
    answers: dict[str, Any] = {"200": ok}
    words = {
        400: "a wrong request: unknown or repeated parameter, bad value, bad filter",
        401: "no valid token",
        403: "a read-only token on a route that writes",
        404: "no such module or record",
        413: "a body past the server's --max-body-mb",
        422: "what the data refuses: a write it cannot make, a value a workbook cannot hold",
    }
    answers.update(error_answers(errors, words))
    return {"summary": summary, "parameters": params, "responses": answers, **extra}


_ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "field": {"type": ["string", "null"]},
            "reason": {"type": "string"},
        },
        "required": ["id", "field", "reason"],
        "additionalProperties": False,
    },
}


def _bulk_report(operation: str, counts: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "operation": {"type": "string", "const": operation},
        "module": _TEXT,
        "batch": {"type": ["integer", "null"], "description": "the batch undo takes back"},
        "matched": {"type": "integer"},
        **counts,
        "failed": {"type": "integer"},
        "errors": _ERRORS,
        "warnings": _LIST,
        "dry_run": {"type": "boolean"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _bulk_paths(module: dict[str, Any], errors: tuple[int, ...]) -> dict[str, Any]:
    """Mass edit and mass delete (`sync.api.bulk`): the records in the body, one batch."""
    ids = {"type": "array", "items": _INTEGER, "description": "the records' ids"}
    selection = {
        "ids": ids,
        "filter": {"type": "string", "description": 'a filter expression; "" for every record'},
        "search": {"type": "string", "description": "quick search, as in the list"},
    }
    values = {
        "type": "object",
        "description": "field (name or label) -> value, read as an import reads a cell",
        "additionalProperties": {"type": ["string", "number", "integer", "boolean", "null"]},
    }

    dry_run = _query("dry_run", "report what would happen, change nothing", _FLAG)
    integer = {"type": "integer"}
    updated = {"updated": integer, "unchanged": integer, "related_created": integer}
    deleted = {"deleted": integer, "cleared": _LIST}
    return {
        f"{BASE}/{{module}}/update": {
            "post": _operation(
                "Set fields to one value on the records ids, or filter and search, name "
                "(mass edit): one batch in past imports",
                _json("the mass edit's report", _bulk_report("update", updated)),
                [module, dry_run, *_ROW_OPTIONS[:2]],
                errors,
                requestBody=json_body({**selection, "values": values}, ["values"]),
            )
        },
        f"{BASE}/{{module}}/delete": {
            "post": _operation(
                "Delete the records ids, or filter and search, name, clearing the references "
                "to them (mass delete): one batch in past imports",
                _json("the mass delete's report", _bulk_report("delete", deleted)),
                [module, dry_run],
                errors,
                requestBody=json_body(selection, []),
            )
        },
    }


def openapi_document(version: str, schema: Schema) -> dict[str, Any]:
    """The document for a workspace of this schema."""
    module = {
        "name": "module",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(schema.modules)},
    }
    record_id = {"name": "id", "in": "path", "required": True, "schema": _INTEGER}
    read = (400, 401, 404)
    write = (400, 401, 403, 404, 413, 422)
    records = f"{BASE}/{{module}}/records"
    body = {"required": True, "content": {_JSON: {"schema": ref("RecordsInput")}}}
    patch_body = {"required": True, "content": {_JSON: {"schema": ref("RecordInput")}}}
    binary = {"schema": {"type": "string", "format": "binary"}}
    csv_body = {
        "required": True,
        "description": "a CSV file, or a workbook (by its Content-Type, or `filename`)",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            **{kind: binary for kind in SPREADSHEET_TYPES},
            "application/octet-stream": binary,
        },
    }
    paths: dict[str, Any] = {
        f"{BASE}/health": {
            "get": _operation(
                "Is the server up (no token needed)",
                _json("up", ref("Health")),
                [],
                (400,),
                security=[],
            )
        },
        f"{BASE}/modules": {
            "get": _operation(
                "Modules and their fields",
                _json("the modules", {"type": "array", "items": ref("Module")}),
                [],
                (400, 401),
            )
        },
        records: {
            "get": _operation(
                "A page of records: references as the related key, sales orders with items",
                _json("the page and the total", ref("Page")),
                [
                    module,
                    _query("filter", 'a filter expression, e.g. mailing_city = "Paris"'),
                    _query("search", "quick search over the text fields"),
                    _query(
                        "sort",
                        "FIELD, FIELD:desc or -FIELD (repeatable, or comma-separated)",
                        _LIST,
                    ),
                    _query("limit", "page size (default 50)", _between(0, MAX_LIMIT)),
                    _query("offset", "records to skip (default 0)", _INTEGER),
                ],
                read,
            ),
            "post": _operation(
                "Create records (or, with duplicates, update them) under the import's rules; "
                "a list is one batch in past imports",
                _json(
                    "the import report; an error's line is the object's 1-based index",
                    ref("Report"),
                ),
                [module, *_MATCHING, *_ROW_OPTIONS],
                write,
                requestBody=body,
            ),
        },
        f"{records}/{{id}}": {
            "get": _operation(
                "One record", _json("the record", ref("Record")), [module, record_id], read
            ),
            "patch": _operation(
                "Set the given fields (null clears one) under the import's rules",
                _json("the record as it is now", ref("Record")),
                [module, record_id, *_ROW_OPTIONS],
                write,
                requestBody=patch_body,
            ),
            "delete": _operation(
                "Delete a record",
                _json("what was deleted", ref("Deleted")),
                [module, record_id],
                (400, 401, 403, 404),
            ),
        },
        f"{BASE}/{{module}}/import": {
            "post": _operation(
                "Import a CSV body or a workbook (.xlsx .xlsm .xls .ods) with the command line's"
                " import options: one batch",
                _json("the import report; an error's line is the line in the file", ref("Report")),
                [module, *_IMPORT_OPTIONS],
                write,
                requestBody=csv_body,
            )
        },
        f"{BASE}/{{module}}/export": {
            "get": _operation(
                "Export as CSV (or, with format=xlsx, a workbook) with the command line's"
                " export options",
                {
                    "description": "the CSV file, or the workbook",
                    "content": {
                        "text/csv": {"schema": _TEXT},
                        XLSX: {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                [module, *_EXPORT_OPTIONS],
                (*read, 422),
            ),
            "post": _operation(
                "Through the workspace's socket only: the server writes the export to the"
                " body's path (its own machine's), whole or not at all",
                {
                    "description": "the file written and the records exported; with Accept:"
                    " application/x-ndjson, JSON lines of progress first",
                    "content": {
                        _JSON: {
                            "schema": {
                                "type": "object",
                                "properties": {"path": {"type": "string"}, "count": _INTEGER},
                                "required": ["path", "count"],
                            }
                        },
                        "application/x-ndjson": {"schema": _TEXT},
                    },
                },
                [module, *_EXPORT_OPTIONS],
                (*read, 403),
                requestBody=json_body({"path": {"type": "string"}}, ["path"]),
            ),
        },
        **_bulk_paths(module, write),
        f"{BASE}/{{module}}/changes": {
            "get": _operation(
                "Change-log entries after a cursor, oldest first",
                _json(
                    "a page of changes; ask again with its cursor until more is false",
                    ref("Changes"),
                ),
                [
                    module,
                    _query(
                        "since",
                        "the cursor of the previous page (default: the start)",
                        {"type": "string", "pattern": "^[0-9]{0,19}$"},
                    ),
                    _query("limit", "entries a page (default and most: 1000)", _between(1, 1000)),
                ],
                read,
            )
        },
    }
    paths |= automation_paths(BASE)
    paths |= control_paths(BASE)
    for path, operations in config_paths(BASE).items():  # beside GET .../workflows
        paths[path] = {**paths.get(path, {}), **operations}
    paths |= screen_support_paths(BASE, module)
    paths |= admin_paths(BASE, module)
    paths |= layout_paths(BASE, module)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kafinea TUI API", "version": version},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": components(schema),
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }
