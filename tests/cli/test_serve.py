"""`kafinea-tui token` and `kafinea-tui serve` as subprocesses on a temporary workspace."""

from __future__ import annotations

import json
import socket
import subprocess
import time

import httpx
import pytest

from kafinea_tui.sync.transports import tls_context
from kafinea_tui.workspace import Workspace
from tests import commands
from tests.cli.run_cli import cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(autouse=True)
def one_contact(workspace: Workspace) -> None:
    with workspace.opened_store() as store:
        store.create("contacts", {"last_name": "Lee", "email": "ann@x.fr"})


def test_token_create_prints_the_token_once_and_stores_only_its_hash(workspace: Workspace) -> None:
    done = cli(workspace, "token", "create", "ci", "--read-only")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert len(token) >= 40 and "\n" not in token
    assert "cannot be shown again" in done.stderr
    listed = cli(workspace, "token", "list", "--json")
    assert json.loads(listed.stdout)[0] | {"created_at": None} == {
        "name": "ci",
        "read_only": True,
        "created_at": None,
    }
    assert token not in listed.stdout
    assert token.encode() not in workspace.db_path.read_bytes()
    again = cli(workspace, "token", "create", "ci")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert cli(workspace, "token", "revoke", "ci").returncode == 0
    assert json.loads(cli(workspace, "token", "list", "--json").stdout) == []
    missing = cli(workspace, "token", "revoke", "ci")
    assert missing.returncode == 1 and "no token named" in missing.stderr


def test_serve_help_says_it_runs_the_automation(workspace: Workspace) -> None:
    done = cli(workspace, "serve", "--help")
    assert done.returncode == 0 and "127.0.0.1" in done.stdout
    assert "workflows, deliveries and schedules" in " ".join(done.stdout.split())


def test_serve_answers_health_and_records_with_a_token(workspace: Workspace) -> None:
    token = cli(workspace, "token", "create", "test").stdout.strip()
    port = free_port()
    command = ["--workspace", str(workspace.path), "serve", "--port", str(port)]
    server = commands.start([*command, "--max-body-mb", "1"])
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                health = httpx.get(f"{base}/health", timeout=2, verify=tls_context())
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not answer in 30 s"
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
        denied = httpx.get(f"{base}/contacts/records", timeout=10)
        assert denied.status_code == 401
        records = httpx.get(
            f"{base}/contacts/records", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert records.status_code == 200
        assert records.json()["total"] == 1
        assert records.json()["records"][0]["email"] == "ann@x.fr"
        too_large = httpx.post(
            f"{base}/contacts/import",
            headers={"Authorization": f"Bearer {token}"},
            content=b"Last Name\n" + b"x" * 2**21,
            timeout=10,
        )
        assert too_large.status_code == 413 and "1 MB" in too_large.json()["error"]
    finally:
        server.terminate()
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
    assert server.returncode == 0
