"""The owner's socket (sync/api/listener.py, sync/owner.py): a real uvicorn on a real Unix socket.

What it holds: the socket is 0600 from the start and needs no token, TCP still needs one; the
owner's record says who serves and goes when it stops; a stale socket and record left by a
killed owner are recognised and replaced; another version is refused with a sentence; and
writes through the socket and writes made in the owner's own threads never conflict.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
import threading

import httpx
import pytest

from kafinea_tui import __version__
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.sync.api.listener import Listener, tcp_server_socket
from kafinea_tui.sync.owner import OwnerRecord, find_owner, reachable, write_record
from kafinea_tui.sync.transports import socket_transport
from kafinea_tui.workspace import Workspace

API = "/api/v1"


def over_socket(workspace: Workspace) -> httpx.Client:
    transport = socket_transport(reachable(workspace.socket_path))
    return httpx.Client(transport=transport, base_url="http://kafinea", timeout=30)


def test_the_socket_is_private_needs_no_token_and_is_recorded(
    listener: Listener, workspace: Workspace
) -> None:
    mode = workspace.socket_path.stat().st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600
    assert stat.S_IMODE(workspace.owner_path.stat().st_mode) == 0o600
    record = json.loads(workspace.owner_path.read_text())
    assert record == {
        "pid": os.getpid(),
        "kind": "app",
        "socket": str(workspace.socket_path),
        "version": __version__,
        "tcp": None,
    }
    with over_socket(workspace) as http:
        created = http.post(f"{API}/contacts/records", json={"last_name": "Martin"})
        assert created.status_code == 200, created.text
        assert created.headers["kafinea-version"] == __version__
        page = http.get(f"{API}/contacts/records").json()
    assert page["total"] == 1 and page["records"][0]["last_name"] == "Martin"


def test_tcp_started_at_run_time_needs_a_token(
    listener: Listener, workspace: Workspace, store: Store
) -> None:
    base = listener.start_tcp("127.0.0.1", 0)
    assert json.loads(workspace.owner_path.read_text())["tcp"] == base
    assert httpx.get(f"{base}{API}/modules").status_code == 401
    token = create_token(store, "reader", read_only=True)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{base}{API}/modules", headers=headers).status_code == 200
    listener.stop_tcp()
    assert json.loads(workspace.owner_path.read_text())["tcp"] is None
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{base}{API}/modules", headers=headers)


def test_stop_removes_the_socket_and_the_record(store: Store, workspace: Workspace) -> None:
    served = Listener(store, workspace, "serve")
    served.start()
    assert workspace.socket_path.exists() and workspace.owner_path.exists()
    served.stop()
    assert not workspace.socket_path.exists() and not workspace.owner_path.exists()


def test_a_stale_socket_and_record_are_ignored_then_replaced(
    store: Store, workspace: Workspace
) -> None:
    # What a killed owner leaves: a socket file nobody listens on, a record naming a dead PID.
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(reachable(workspace.socket_path))
    dead.close()
    gone = OwnerRecord(
        pid=_a_dead_pid(), kind="serve", socket=str(workspace.socket_path), version=__version__
    )
    write_record(workspace, gone)
    assert find_owner(workspace) is None
    # A live PID (ours, seen from a child) but a socket that refuses: stale too.
    write_record(workspace, OwnerRecord(os.getppid(), "serve", str(workspace.socket_path), "0"))
    assert find_owner(workspace) is None

    served = Listener(store, workspace, "serve")
    served.start()
    try:
        assert json.loads(workspace.owner_path.read_text())["pid"] == os.getpid()
        with over_socket(workspace) as http:
            assert http.get(f"{API}/modules").status_code == 200
    finally:
        served.stop()


def test_another_version_is_refused_with_a_sentence(
    listener: Listener, workspace: Workspace
) -> None:
    with over_socket(workspace) as http:
        answer = http.get(f"{API}/modules", headers={"Kafinea-Version": "0.0.1"})
    assert answer.status_code == 409
    assert answer.json()["error"] == (
        f"The server runs kafinea-tui {__version__} and this is kafinea-tui 0.0.1; "
        "use the same version on both sides."
    )


def test_writes_through_the_socket_and_in_the_owner_never_conflict(
    listener: Listener, workspace: Workspace, store: Store
) -> None:
    """The app's workers write on their own threads while socket clients write through the
    API's writer thread: one lock (the store's) keeps DuckDB from failing either with a
    write-write conflict."""
    failures: list[BaseException] = []

    def in_the_owner() -> None:
        try:
            for n in range(40):
                store.create("contacts", {"last_name": f"Owner {n}"})
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=in_the_owner)
    thread.start()
    with over_socket(workspace) as http:
        answers = [
            http.post(f"{API}/contacts/records", json=[{"last_name": f"Client {n}"}] * 2)
            for n in range(20)
        ]
    thread.join()
    assert not failures, failures
    assert [a.status_code for a in answers] == [200] * 20, [a.text for a in answers]
    assert store.count("contacts") == 80


def _a_dead_pid() -> int:
    """The PID of a child that has exited and been reaped: no process has it now."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_tcp_connections_send_small_answers_at_once() -> None:
    """asyncio (under uvicorn) turns Nagle's algorithm off on the connections of the TCP
    socket: an answer written in two parts then never waits for the client's delayed ACK
    (40 ms a request with a socket of `socket.create_server`, which has no protocol set)."""
    nodelay: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            nodelay.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def accept_one() -> None:
        server = await asyncio.get_running_loop().create_server(
            Probe, sock=tcp_server_socket("127.0.0.1", 0)
        )
        port = server.sockets[0].getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while not nodelay:
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(asyncio.wait_for(accept_one(), 30))
    assert nodelay and nodelay[0] != 0
