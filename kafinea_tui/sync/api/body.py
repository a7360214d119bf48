"""A request's JSON body, read alike by every route: what `json.loads` accepts but the rest
cannot hold is refused here as a sentence (400), not found later as a 500.

Two such things: a body nested deeper than Python's recursion limit (`json.loads` raises
RecursionError), and a lone UTF-16 surrogate (`"\\ud83d"` without its pair), which JSON's
escapes allow, Python keeps in a `str`, and DuckDB and UTF-8 files refuse."""

from __future__ import annotations

import json
import re
from typing import Any

from kafinea_tui.data.errors import UsageError

# Where a surrogate can come from: an escape `\uD800`-`\uDFFF`, or its UTF-8-like bytes, which
# `json.loads` decodes with "surrogatepass". A body without either needs no walk.
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def parse_json(raw: bytes) -> Any:
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"The body is not valid JSON: {error}.") from None
    except RecursionError:
        raise UsageError("The body nests its arrays and objects too deeply.") from None
    if _MAYBE_SURROGATE.search(raw):
        _refuse_lone_surrogates(body)
    return body


def _refuse_lone_surrogates(body: Any) -> None:
    """UsageError naming the first text (a value or a key) holding half of a UTF-16 pair. A
    walk with its own stack: the body may nest as deep as `json.loads` allows."""
    stack: list[tuple[str, Any]] = [("", body)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                _check_text(key, where or "the body")
                stack.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            _check_text(value, where or "the body")


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        half = text[error.start]
        raise UsageError(
            f"The text at {where} holds \\u{ord(half):04x}, half of a UTF-16 pair without its"
            " other half: not a character."
        ) from None
