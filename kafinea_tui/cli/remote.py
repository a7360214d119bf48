"""A command on a workspace another process owns runs through that owner's socket.

DuckDB lets one process write a workspace; while the app or `serve` has it open (its owner,
`sync.owner`), a command asks the owner to do its work over the owner's Unix socket, with the
typed client, and prints what it would have printed alone: the same lines, JSON, sentences and
exit status. A command module sets `remote=run_remote(args, workspace, client)` beside its
`handler`; both render the same report objects with the same code.

Faults are sentences: the owner stopping mid-request (nothing it had not committed is written:
its transaction dies with it), a socket of another user, an owner of another version.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kafinea_tui import __version__
from kafinea_tui.data.errors import FilterError, KafineaError, NotFound, UsageError
from kafinea_tui.sync.owner import OwnerRecord, find_owner, reachable
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:  # httpx is imported only when an owner is found
    from kafinea_tui.sync.client import ApiError, Client

Remote = Callable[[argparse.Namespace, Workspace, "Client"], int]
STARTING = 5.0  # seconds to wait for an owner that holds the lock but has no socket yet


def run_through_owner(
    args: argparse.Namespace, workspace: Workspace, wait: bool = False
) -> int | None:
    """The command's exit status if the workspace has a live owner and the command can run
    through it; None to run it alone. `wait`: the database was found locked, so an owner may be
    starting; give its socket a few seconds to appear."""
    remote: Remote | None = getattr(args, "remote", None)
    if remote is None:
        return None
    record = find_owner(workspace)
    deadline = time.monotonic() + STARTING
    while record is None and wait and time.monotonic() < deadline:
        time.sleep(0.1)
        record = find_owner(workspace)
    if record is None:
        return None
    with connected(record) as client:
        return remote(args, workspace, client)


@contextmanager
def connected(record: OwnerRecord) -> Iterator[Client]:
    """A client of the owner's socket; its errors and faults come out as `KafineaError`s."""
    import httpx

    from kafinea_tui.sync.client import ApiError, Client

    client = Client.over_socket(reachable(Path(record.socket)), __version__, client="cli")
    try:
        yield client
    except ApiError as error:
        raise translated(error) from None
    except httpx.TransportError:
        raise KafineaError(
            f"The workspace's owner, {record.describe()}, stopped before answering; what it "
            "had not finished was not written (`kafinea-tui imports` lists what was)."
        ) from None
    finally:
        client.close()


@contextmanager
def missing_is_not_found() -> Iterator[None]:
    """Around a call whose 404 means that what the command names is missing (an import, a
    token), not that the request is wrong: NotFound (exit 1), as the command alone raises."""
    from kafinea_tui.sync.client import ApiError

    try:
        yield
    except ApiError as error:
        if error.status == 404:
            raise NotFound(error.sentence) from None
        raise


def translated(error: ApiError) -> KafineaError:
    """The owner's answer as the error the command alone would have raised: a request it calls
    wrong (400) or naming nothing it has (404) is a usage error (exit 2), the rest exit 1."""
    if error.status == 400 and error.position is not None and error.expression is not None:
        reason = error.sentence.rsplit(" (at column", 1)[0]
        return FilterError(reason, error.expression, error.position)
    if error.status in (400, 404):
        return UsageError(error.sentence)
    return KafineaError(error.sentence)
