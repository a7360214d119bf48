"""How the API client's answers become the data layer's errors, for `RemoteBackend`.

A filter that does not parse is a `FilterError` with its position (the list's filter bar puts
the cursor there), a refused token a `KafineaError`, a read-only one `ReadOnly`, a server that
stopped answering `ConnectionLost`: each a sentence that starts with who the server is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from kafinea_tui.backend.protocol import ConnectionLost, ReadOnly
from kafinea_tui.data.errors import FilterError, KafineaError, NotFound, UsageError
from kafinea_tui.sync.client import ApiError, Client

T = TypeVar("T")


class FilterFailed(UsageError):
    """A 400 naming a position: the list's filter did not parse."""

    def __init__(self, sentence: str, position: int) -> None:
        super().__init__(sentence)
        self.position = position

    def as_filter_error(self, expression: str) -> UsageError:
        reason = str(self).rsplit(" (at column ", 1)[0]
        return FilterError(reason, expression, self.position) if expression else self


def call(who: str, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one client call; its failure as the data layer's error with a sentence that
    starts with `who` ("The server at http://host:8765") when it is about the server."""
    try:
        return method(*args, **kwargs)
    except ApiError as error:
        raise _translated(error, who) from None
    except httpx.TransportError as error:
        raise ConnectionLost(f"{who} does not answer ({_reason(error)}).") from None


def _translated(error: ApiError, who: str) -> KafineaError:
    if error.status == 400 and error.position is not None:
        return FilterFailed(error.sentence, error.position)
    if error.status == 401:
        return KafineaError(f"{who} refuses the token: {error.sentence}")
    if error.status == 403:
        return ReadOnly(error.sentence)
    if error.status == 404:
        return NotFound(error.sentence)
    if error.status == 400:
        return UsageError(error.sentence)
    return KafineaError(error.sentence)


def _reason(error: httpx.TransportError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "connection refused"
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    return type(error).__name__


def refuses_writes(client: Client, who: str, module: str) -> bool:
    """Whether the token is read-only: a delete preview of no record asks for write rights
    and changes nothing."""
    try:
        call(who, client.preview_delete, module, {"ids": []})
    except ReadOnly:
        return True
    return False
