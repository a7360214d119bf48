"""One table of `config.toml` read with its types checked, each mistake a sentence naming the
entry and the key (`workflows[2].when: unknown field 'statuss' (at column 1)`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class Invalid(Exception):
    """Keys of one entry are wrong: one sentence each (`args`), naming the entry and the key."""


class Entry:
    """Typed access to one table of the config, naming `where` in every error."""

    def __init__(self, where: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise Invalid(f"{where}: expected a table, not {type(data).__name__}")
        self.where = where
        self.data: dict[str, Any] = data
        self.mistakes: list[str] = []

    def each(self, check: Callable[[], T], fallback: T) -> T:
        """`check()`, or `fallback` with its mistakes noted: the entry's other keys are then
        checked too, and `done` says every mistake at once rather than one per `check`."""
        try:
            return check()
        except Invalid as error:
            self.mistakes.extend(str(m) for m in error.args)
            return fallback

    def note(self, key: str, message: str) -> None:
        """A mistake found in a loop over the key's items, the others still checked."""
        self.mistakes.append(str(self.fail(key, message)))

    def done(self, keys: Sequence[str]) -> None:
        """Raise the mistakes `each` noted, and one for each key of the table that is not one
        of `keys` (a misspelt `chnaged` or `secrett` was ignored, its entry running without
        it); the entry is built only when there are none."""
        known = ", ".join(keys)
        for key in self.data:
            if key not in keys:
                self.mistakes.append(f"{self.where}.{key}: unknown key; the keys are {known}")
        if self.mistakes:
            raise Invalid(*self.mistakes)

    def fail(self, key: str, message: str) -> Invalid:
        return Invalid(f"{self.where}.{key}: {message}")

    def get(self, key: str, kind: type[T], default: T | None = None, required: bool = False) -> T:
        if key not in self.data:
            if required:
                raise Invalid(f"{self.where}: missing key {key!r}")
            return default  # type: ignore[return-value]
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(key, f"expected {_KIND_WORDS.get(kind, kind.__name__)}, not {value!r}")
        return value

    def seconds(self, key: str, default: float, low: float = 0.0, high: float = 3600.0) -> float:
        """A time in seconds (a timeout, a backoff) above `low` and at most `high`: a
        timeout of 0 or below fails every delivery, and httpx refuses it only at send time."""
        value = self.get(key, float, default)
        if not (low < value <= high):  # also NaN, which TOML allows
            raise self.fail(key, f"more than {low:g} and at most {high:g} seconds, not {value:g}")
        return value

    def text(self, key: str, required: bool = False, default: str | None = None) -> str:
        value = self.get(key, str, default, required)
        if required and not str(value).strip():
            raise self.fail(key, "must not be empty")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, list, [])
        if not all(isinstance(v, str) for v in value):
            raise self.fail(key, "expected a list of strings")
        return tuple(value)

    def mapping(self, key: str) -> dict[str, str]:
        value = self.get(key, dict, {})
        if not all(isinstance(v, str) for v in value.values()):
            raise self.fail(key, "expected a table of strings")
        return dict(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, required=default is None, default=default)
        if value not in choices:
            raise self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value


_KIND_WORDS: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
}
