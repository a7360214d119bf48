"""The app as a client: of a Kafinea server elsewhere (`kafinea-tui --server URL`), or of the
process that owns its workspace (`serve`, or another app), through the workspace's socket.

The token comes from `--token-file FILE` (its first line) or `$KAFINEA_TOKEN`. The server and
the token are checked before the app starts (`RemoteBackend.connect`), so an unreachable
server, a refused token or another version is one sentence and exit status 1, not an app
that opens onto errors. TLS is the job of a proxy or an SSH tunnel (README, "A server
elsewhere").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from kafinea_tui.data.errors import KafineaError, UsageError
from kafinea_tui.workspace import Workspace

if TYPE_CHECKING:
    from kafinea_tui.backend.remote import RemoteBackend
    from kafinea_tui.sync.owner import OwnerRecord

TOKEN_VARIABLE = "KAFINEA_TOKEN"


def read_token(token_file: Path | None) -> str | None:
    """The token of `--token-file` (its first line), else `$KAFINEA_TOKEN`, else None."""
    if token_file is not None:
        try:
            lines = token_file.expanduser().read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise KafineaError(
                f"Cannot read the token file {token_file}: {error.strerror or error}."
            ) from None
        token = lines[0].strip() if lines else ""
        if not token:
            raise KafineaError(f"The token file {token_file} is empty.")
        return token
    return os.environ.get(TOKEN_VARIABLE, "").strip() or None


def server_url(url: str) -> str:
    """`URL` as given, checked: http:// or https://, host, optional port."""
    text = url.strip().rstrip("/")
    if not text.startswith(("http://", "https://")) or len(text.split("://", 1)[1]) == 0:
        raise UsageError(f"--server takes a URL such as http://127.0.0.1:8765, not {url!r}.")
    return text


def run_server_app(workspace: Workspace, url: str, token_file: Path | None) -> int:
    """Connect to the server, then run the app on it until it quits."""
    from kafinea_tui.backend.remote import RemoteBackend

    base = server_url(url)
    return run_client_app(workspace, RemoteBackend.connect(base, read_token(token_file), base))


def owner_name(owner: OwnerRecord) -> str:
    """How the footer names the workspace's owner: `server PID 4190`, `app PID 5120`."""
    return f"{'server' if owner.kind == 'serve' else 'app'} PID {owner.pid}"


def owner_backend(owner: OwnerRecord) -> RemoteBackend:
    """The workspace is open in another process: work through its socket, which gives full
    rights (the file system's permissions are the credential), so no token."""
    from kafinea_tui.backend.remote import RemoteBackend

    who = f"The workspace's owner, {owner.describe()},"
    return RemoteBackend.connect(
        "http://kafinea", None, owner_name(owner), who=who, socket=owner.socket
    )


def run_owner_app(workspace: Workspace, owner: OwnerRecord) -> int:
    return run_client_app(workspace, owner_backend(owner))


def run_client_app(workspace: Workspace, backend: RemoteBackend) -> int:
    try:
        from kafinea_tui.app import KafineaApp

        KafineaApp(workspace=workspace, backend=backend).run()
    finally:
        backend.close()
    return 0
