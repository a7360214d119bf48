"""API errors as JSON sentences, never tracebacks: which error gets which status, and why.

`KafineaError` from the data layer is 422 (the request was understood but cannot be done: a
mandatory field is empty, a key is taken), `UsageError` 400 (the request itself is wrong: an
unknown field or option), a filter that does not parse 400 with its position, an unknown module
or record 404 (`ApiError`, `NotFound`); anything unexpected is answered by `shield.Shield`.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kafinea_tui.data.errors import DiskFull, FilterError, KafineaError, NotFound, UsageError


class ApiError(Exception):
    """A sentence with its HTTP status (401, 403, 404) raised by a route."""

    def __init__(self, status: int, sentence: str) -> None:
        super().__init__(sentence)
        self.status = status


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return JSONResponse({"error": str(error)}, status_code=error.status)


async def _filter_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, FilterError)
    body = {
        "error": f"{error.reason} (at column {error.position + 1})",
        "position": error.position,
        "expression": error.expression,
    }
    return JSONResponse(body, status_code=400)


def error_status(error: KafineaError) -> int:
    """The status of a data layer's error (see the module's docstring)."""
    if isinstance(error, UsageError):
        return 400
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, DiskFull):
        return 507
    return 422


async def _kafinea_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, KafineaError)
    return JSONResponse({"error": str(error)}, status_code=error_status(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    sentences = {
        404: f"There is no route {request.url.path}; /openapi.json lists them.",
        405: f"{request.method} is not allowed on {request.url.path}.",
    }
    sentence = sentences.get(error.status_code, str(error.detail))
    # A 405 keeps Starlette's `Allow` header: the methods the path takes.
    return JSONResponse({"error": sentence}, status_code=error.status_code, headers=error.headers)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: _api_error,
    FilterError: _filter_error,
    KafineaError: _kafinea_error,
    HTTPException: _http_error,
}
