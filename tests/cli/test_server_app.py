"""`kafinea-tui --server URL` refusing to start, each way in one sentence and exit status 1:
an unreachable server, a wrong token, a token file that cannot be read; and a command given
with --server is refused rather than run on the local workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli
from tests.tui.served import Served, free_port


@pytest.fixture
def served(workspace: Workspace) -> Iterator[Served]:
    store = workspace.open_store()
    try:
        create_token(store, "writer")
    finally:
        store.close()
    server = Served(workspace).start()
    try:
        yield server
    finally:
        server.stop()


def one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_an_unreachable_server_is_one_sentence(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = cli(None, "--server", url, env={"KAFINEA_TOKEN": "whatever"})
    assert done.returncode == 1
    assert one_sentence(done.stderr) == (
        f"kafinea-tui: The server at {url} does not answer (connection refused)."
    )


def test_a_wrong_token_is_one_sentence(served: Served, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("not-a-token\n")
    done = cli(None, "--server", served.url, "--token-file", str(token_file))
    assert done.returncode == 1
    sentence = one_sentence(done.stderr)
    assert sentence.startswith(f"kafinea-tui: The server at {served.url} refuses the token")
    no_token = cli(None, "--server", served.url, env={"KAFINEA_TOKEN": ""})
    assert no_token.returncode == 1 and "refuses the token" in one_sentence(no_token.stderr)


def test_token_file_and_url_mistakes(tmp_path: Path) -> None:
    missing = cli(None, "--server", "http://127.0.0.1:1", "--token-file", str(tmp_path / "no"))
    assert missing.returncode == 1
    assert "Cannot read the token file" in one_sentence(missing.stderr)
    empty = tmp_path / "empty"
    empty.write_text("\n")
    said = cli(None, "--server", "http://127.0.0.1:1", "--token-file", str(empty))
    assert said.returncode == 1 and "is empty" in one_sentence(said.stderr)
    bad_url = cli(None, "--server", "127.0.0.1:8765")
    assert bad_url.returncode == 2 and "takes a URL" in one_sentence(bad_url.stderr)
    command = cli(None, "--server", "http://127.0.0.1:1", "modules")
    assert command.returncode == 2 and "--server opens the app" in one_sentence(command.stderr)
