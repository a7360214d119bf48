"""API tokens: created once, stored only as a SHA-256 hash, checked on every API request.

A token is 32 random bytes (`secrets.token_urlsafe`), shown to the person who creates it and
never again. The workspace keeps its hash, a name to revoke it by, whether it may write, and
when it was made; so a leaked copy of the database (a backup, a shared demo) opens no API.
A token has enough entropy that looking its hash up with SQL is safe: there is no short secret
for a timing attack to guess byte by byte.
"""

from __future__ import annotations

import hashlib
import secrets
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kafinea_tui.data.errors import KafineaError, NotFound, UsageError
from kafinea_tui.data.store.database import Store, utc_now

TOKEN_BYTES = 32
MAX_NAME = 100


@dataclass(frozen=True)
class TokenInfo:
    name: str
    read_only: bool
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """The shape of `token list --json` and of the API's `/tokens`."""
        return {
            "name": self.name,
            "read_only": self.read_only,
            "created_at": self.created_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenInfo:
        return cls(
            str(data["name"]), bool(data["read_only"]), datetime.fromisoformat(data["created_at"])
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str, read_only: bool = False) -> str:
    """Store a new token under `name` and return it: the only time the token is ever seen."""
    name = name.strip()
    # No `/`: the name is the last part of the path that revokes it (DELETE /tokens/{name}).
    if not name or len(name) > MAX_NAME or not name.isprintable() or "/" in name:
        raise UsageError(
            f"A token name is 1 to {MAX_NAME} printable characters other than /, not {name!r}."
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.transaction() as cur:
        taken = cur.execute("SELECT count(*) FROM kf_tokens WHERE name = ?", [name]).fetchall()
        if taken[0][0]:
            raise KafineaError(
                f"A token named {name!r} already exists; revoke it first or choose another name."
            )
        cur.execute(
            "INSERT INTO kf_tokens VALUES (?, ?, ?, ?)",
            [name, token_hash(token), read_only, utc_now()],
        )
    _forget(store)
    return token


def list_tokens(store: Store) -> list[TokenInfo]:
    rows = (
        store.cursor()
        .execute("SELECT name, read_only, created_at FROM kf_tokens ORDER BY created_at, name")
        .fetchall()
    )
    return [TokenInfo(str(n), bool(r), c) for n, r, c in rows]


def revoke_token(store: Store, name: str) -> None:
    """Remove a token by name; requests carrying it are refused from the next one on."""
    with store.transaction() as cur:
        found = cur.execute("SELECT count(*) FROM kf_tokens WHERE name = ?", [name]).fetchall()
        if not found[0][0]:
            raise NotFound(f"There is no token named {name!r}; `token list` shows them.")
        cur.execute("DELETE FROM kf_tokens WHERE name = ?", [name])
    _forget(store)


def known_token(store: Store, token: str) -> TokenInfo | bool | None:
    """The token's entry as `check_token` last found it (None: not valid), or False when this
    process has not checked it yet. Exact, because every change to the tokens goes through
    `create_token` and `revoke_token`, which forget what was found, and DuckDB lets no other
    process write the workspace meanwhile. It spares a server a query per request."""
    return _found(store).get(token_hash(token), False)


def check_token(store: Store, token: str) -> TokenInfo | None:
    """The token's entry, or None when no stored token has this value."""
    if not token:
        return None
    found = _found(store)
    digest = token_hash(token)
    if digest in found:
        return found[digest]
    rows = (
        store.cursor()
        .execute(
            "SELECT name, read_only, created_at FROM kf_tokens WHERE token_sha256 = ?",
            [token_hash(token)],
        )
        .fetchall()
    )
    info = None
    if rows:
        name, read_only, created_at = rows[0]
        info = TokenInfo(str(name), bool(read_only), created_at)
    found[digest] = info
    return info


_FOUND: weakref.WeakKeyDictionary[Store, dict[str, TokenInfo | None]] = weakref.WeakKeyDictionary()


def _found(store: Store) -> dict[str, TokenInfo | None]:
    return _FOUND.setdefault(store, {})


def _forget(store: Store) -> None:
    _FOUND.pop(store, None)
