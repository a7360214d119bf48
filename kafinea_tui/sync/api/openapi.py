"""The OpenAPI 3.1 document served at `/openapi.json`, written by hand.

Hand-written because the routes are few and their query options are the CLI's, which no
framework could infer; tests/test_api.py checks that every route of the app is described here
and nothing else is, so the document cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

BASE = "/api/v1"

_ERROR = {
    "description": "an error sentence",
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"error": {"type": "string"}}}
        }
    },
}
_REPORT = {
    "type": "object",
    "description": "the import report: counts, and errors whose line is the file line "
    "(CSV import) or the 1-based index of the object (POST records)",
    "properties": {
        name: {"type": "integer"}
        for name in (
            "batch",
            "total",
            "created",
            "updated",
            "merged",
            "skipped",
            "failed",
            "related_created",
        )
    }
    | {
        "errors": {"type": "array", "items": {"type": "object"}},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "dry_run": {"type": "boolean"},
    },
}
_MODULE = {
    "name": "module",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "contacts, organizations, leads, products, salesorders",
}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _query(name: str, description: str, type_: str = "string", repeat: bool = False) -> Any:
    schema: dict[str, Any] = {"type": type_}
    if repeat:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _json(description: str, schema: Any | None = None) -> Any:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema or {"type": "object"}}},
    }


def _operation(summary: str, ok: Any, params: list[Any], **extra: Any) -> Any:
    errors = {code: _ERROR for code in ("400", "401", "403", "404", "422")}
    return {"summary": summary, "parameters": params, "responses": {"200": ok, **errors}, **extra}


_IMPORT_OPTIONS = [
    _query("encoding", "utf-8, utf-8-sig, iso-8859-1, windows-1252, utf-16, auto"),
    _query("delimiter", "comma, semicolon, pipe, caret, tab, auto or the character"),
    _query("no_header", "the first row is data", "boolean"),
    _query("duplicates", "overwrite, merge or ignore; absent: every row creates a record"),
    _query("match", "a field identifying an existing record", repeat=True),
    _query("map", "COLUMN=FIELD", repeat=True),
    _query("default", "FIELD=VALUE used where the file has no value", repeat=True),
    _query("reference_key", "FIELD=KEY: the related module's key to match on", repeat=True),
    _query("mapping", "a saved mapping of the workspace"),
    _query("date_format", "dd/mm/yyyy (default), mm/dd/yyyy, ..."),
    _query("decimal", "comma or point"),
    _query("dry_run", "report, change nothing", "boolean"),
    _query("no_create_related", "fail rows whose related record is missing", "boolean"),
]
_EXPORT_OPTIONS = [
    _query("scope", "all, filter, ids or page (default: from the other options)"),
    _query("filter", "a filter expression"),
    _query("search", "quick search, as in the list"),
    _query("ids", "record ids, comma-separated"),
    _query("page", "page number from 1", "integer"),
    _query("page_size", "page size (default 50)", "integer"),
    _query("sort", "FIELD or FIELD:desc", repeat=True),
    _query("fields", "fields and their order, comma-separated"),
    _query("header", "labels or names"),
    _query("delimiter", "comma, semicolon, pipe, caret, tab or the character"),
    _query("encoding", "utf-8, utf-8-sig, iso-8859-1, windows-1252"),
    _query("decimal", "point or comma"),
    _query("no_formula_guard", "do not prefix ' to cells starting with = + - @", "boolean"),
]


def openapi_document(version: str, modules: list[str] | None = None) -> dict[str, Any]:
    records = f"{BASE}/{{module}}/records"
    paths: dict[str, Any] = {
        f"{BASE}/health": {
            "get": _operation("Is the server up (no token needed)", _json("ok"), [], security=[])
        },
        f"{BASE}/modules": {
            "get": _operation("Modules and their fields", _json("modules", {"type": "array"}), [])
        },
        records: {
            "get": _operation(
                "A page of records: references as the related key, sales orders with items",
                _json("{total, records}"),
                [
                    _MODULE,
                    _query("filter", 'a filter expression, e.g. city = "Paris"'),
                    _query("search", "quick search over the text fields"),
                    _query("sort", "FIELD or FIELD:desc, comma-separated", repeat=True),
                    _query("limit", "page size, default 50, at most 1000", "integer"),
                    _query("offset", "records to skip", "integer"),
                ],
            ),
            "post": _operation(
                "Create (or with duplicates= update) records through the importer: one batch",
                _json("the import report", _REPORT),
                [
                    _MODULE,
                    _query("duplicates", "overwrite, merge or ignore"),
                    _query("match", "a field identifying an existing record", repeat=True),
                    _query("dry_run", "report, change nothing", "boolean"),
                    _query("no_create_related", "fail when a related record is missing", "boolean"),
                    _query("date_format", "for non-ISO dates"),
                    _query("decimal", "point (default) or comma"),
                ],
                requestBody={"required": True, "content": {"application/json": {}}},
            ),
        },
        f"{records}/{{id}}": {
            "get": _operation("One record", _json("the record"), [_MODULE, _ID]),
            "patch": _operation(
                "Change the given fields (references by key); returns the record",
                _json("the record"),
                [_MODULE, _ID, _query("date_format", ""), _query("decimal", "")],
                requestBody={"required": True, "content": {"application/json": {}}},
            ),
            "delete": _operation("Delete a record", _json("{id, deleted}"), [_MODULE, _ID]),
        },
        f"{BASE}/{{module}}/import": {
            "post": _operation(
                "Import a CSV body with the CLI's import options",
                _json("the import report", _REPORT),
                [_MODULE, *_IMPORT_OPTIONS],
                requestBody={"required": True, "content": {"text/csv": {}}},
            )
        },
        f"{BASE}/{{module}}/export": {
            "get": _operation(
                "Export as CSV with the CLI's export options",
                {"description": "the CSV file", "content": {"text/csv": {}}},
                [_MODULE, *_EXPORT_OPTIONS],
            )
        },
        f"{BASE}/{{module}}/changes": {
            "get": _operation(
                "Change-log entries after a cursor, oldest first",
                _json("{changes: [{cursor, op, id, source, fields, at, batch}], cursor, more}"),
                [
                    _MODULE,
                    _query("since", "the cursor of the previous page (default: the start)"),
                    _query("limit", "at most 1000 (the default)", "integer"),
                ],
            )
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kafinea TUI API", "version": version},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }
