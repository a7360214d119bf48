"""Commands on a workspace that `serve` owns run through its socket and say exactly what they
say alone: each scenario runs on two workspaces made alike, once alone and once beside a
running `serve`, and every step's stdout, stderr and exit status must match (times, which
differ between the runs, and the random token aside)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kafinea_tui.data.importer.undo import list_batches
from kafinea_tui.sync.owner import find_owner
from kafinea_tui.workspace import Workspace
from tests.cli.owner_server import serving
from tests.cli.run_cli import cli

CSV = (
    "First Name,Last Name,Email,Mailing City\n"
    "Ann,Lee,ann@x.fr,Paris\n"
    "Bob,,bob@,Lyon\n"
    "Cleo,Martin,cleo@x.fr,Paris\n"
)
CONFIG = """
[[endpoints]]
name = "factory"
url = "http://127.0.0.1:9/hook"

[[workflows]]
name = "broken"
module = "contacts"
on = "create"
when = 'no_such_field = "x"'
actions = [{ type = "send", endpoint = "factory" }]
"""

# Each step: the arguments ({dir} is the run's own folder, {csv} its file).
SCENARIOS: dict[str, list[list[str]]] = {
    "modules and fields": [
        ["modules"],
        ["fields", "add", "contacts", "--label", "Budget", "--type", "decimal"],
        ["fields", "add", "contacts", "--label", "Budget", "--type", "decimal"],
        ["modules", "--json"],
        ["fields", "add", "widgets", "--label", "X", "--type", "text"],
    ],
    "import and undo": [
        ["import", "contacts", "{csv}", "--errors", "{dir}/failed.csv"],
        ["import", "contacts", "{csv}", "--dry-run", "--json", "--duplicates", "merge"],
        ["import", "contacts", "{csv}", "--map", "Nope=last_name"],
        ["import", "nope", "{csv}"],
        ["import", "contacts", "{dir}/missing.csv"],
        ["imports"],
        ["imports", "--json"],
        ["undo", "1", "--json"],
        ["undo", "1"],
        ["undo", "99"],
    ],
    "export": [
        ["import", "contacts", "{csv}", "--json"],
        ["export", "contacts", "-o", "-"],
        ["export", "contacts", "-o", "{dir}/out.csv", "--json"],
        [
            "export",
            "contacts",
            "-o",
            "-",
            "--filter",
            'mailing_city = "Paris"',
            "--sort",
            "last_name:desc",
            "--fields",
            "last_name,email",
            "--delimiter",
            "semicolon",
        ],
        ["export", "contacts", "-o", "{dir}/out.xlsx"],
        ["export", "widgets", "-o", "-"],
        ["export", "contacts", "-o", "-", "--filter", "x =="],
    ],
    "mass edit and delete": [
        ["import", "contacts", "{csv}", "--json"],
        ["update", "contacts", "--filter", 'mailing_city = "Paris"', "--set", "title=Buyer"],
        ["update", "contacts", "--ids", "1,2", "--set", "birthdate=31/12/1990", "--json"],
        ["update", "contacts", "--ids", "1", "--set", "birthdate=soon"],
        ["delete", "contacts", "--ids", "2", "--dry-run", "--json"],
        ["delete", "contacts", "--filter", "", "--yes"],
        ["delete", "contacts", "--ids", "1"],
        ["undo", "4"],
        ["export", "contacts", "-o", "-", "--fields", "id,last_name,title,birthdate"],
    ],
    "tokens": [
        ["token", "create", "ci"],
        ["token", "create", "reader", "--read-only"],
        ["token", "create", "ci"],
        ["token", "list"],
        ["token", "list", "--json"],
        ["token", "revoke", "ci"],
        ["token", "revoke", "ci"],
    ],
    "automation": [
        ["automation", "check"],
        ["automation", "check", "--json"],
        ["automation", "deliveries"],
        ["automation", "deliveries", "--json", "--status", "failed"],
        ["automation", "retry", "12"],
        ["automation", "run", "nightly"],
    ],
}

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+00:00|Z)?")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{40,}$", re.MULTILINE)


def prepared(folder: Path, empty_db: Path) -> Workspace:
    """A new workspace (a copy of the suite's empty database) with CONFIG, and the CSV beside it."""
    folder.mkdir()
    (folder / "contacts.csv").write_text(CSV, encoding="utf-8")
    workspace = Workspace(folder / "workspace")
    workspace.prepare()
    workspace.config_path.write_text(CONFIG, encoding="utf-8")
    shutil.copyfile(empty_db, workspace.db_path)
    return workspace


def run_steps(workspace: Workspace, folder: Path, steps: list[list[str]]) -> list[str]:
    seen = []
    for step in steps:
        args = [a.format(dir=folder, csv=folder / "contacts.csv") for a in step]
        done = cli(workspace, *args)
        text = f"$ {' '.join(step)}\n[{done.returncode}]\n{done.stdout}\n--- stderr\n{done.stderr}"
        text = text.replace(str(folder), "{dir}")
        seen.append(_TOKEN.sub("<token>", _TIME.sub("<time>", text)))
    return seen


# `make test` runs the two scenarios that carry records (an import and its undo, a mass edit
# and a delete); the other four, each a dozen more commands run twice and a `serve` started,
# run with the slow tests (`make test-slow`, CI).
QUICK = ("import and undo", "mass edit and delete")


@pytest.mark.parametrize(
    "scenario",
    [name if name in QUICK else pytest.param(name, marks=pytest.mark.slow) for name in SCENARIOS],
)
def test_a_command_says_the_same_through_the_owner_as_alone(
    scenario: str, tmp_path: Path, empty_db: Path
) -> None:
    steps = SCENARIOS[scenario]
    alone = run_steps(prepared(tmp_path / "alone", empty_db), tmp_path / "alone", steps)
    owned = prepared(tmp_path / "owned", empty_db)
    with serving(owned):
        through = run_steps(owned, tmp_path / "owned", steps)
        assert find_owner(owned) is not None  # still serving: the commands went through it
    for one, other in zip(alone, through, strict=True):
        assert other == one
    # The steps did what they say, not just the same thing twice.
    assert any("[0]" in step for step in through)
    assert any("[1]" in step or "[2]" in step for step in through)
    # The files they wrote (failed rows, exports) are the same too, and no temporary one is
    # left; a workbook holds the time it was written: it is there, not empty.
    written = written_files(tmp_path / "alone")
    assert written_files(tmp_path / "owned") == written
    assert not [name for name in written if name.endswith(".part")]
    for name in written:
        mine, theirs = tmp_path / "owned" / name, tmp_path / "alone" / name
        if name.endswith(".xlsx"):
            assert mine.stat().st_size > 0
        else:
            assert mine.read_text() == theirs.read_text(), name


def written_files(folder: Path) -> list[str]:
    """What a scenario's steps wrote in its folder (besides its workspace and its CSV)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in ("workspace", "contacts.csv"))


def test_a_command_through_the_owner_loads_neither_the_engines_nor_a_terminal_library(
    tmp_path: Path, empty_db: Path
) -> None:
    """Through the owner a command is an HTTP client: it loads no DuckDB (the owner has the
    store; an import's report comes back whole) and none of the libraries httpx's own command
    line uses (click, rich)."""
    workspace = prepared(tmp_path / "w", empty_db)
    commands = [["modules"], ["import", "contacts", str(tmp_path / "w" / "contacts.csv"), "--json"]]
    code = (
        "import sys\n"
        "from kafinea_tui.cli import main\n"
        f"for args in {commands!r}:\n"
        f"    assert main(['--workspace', {str(workspace.path)!r}, *args]) == 0, args\n"
        "heavy = ('duckdb', 'pyarrow', 'click', 'rich', 'textual', 'starlette', 'uvicorn')\n"
        "loaded = sorted(m for m in heavy if m in sys.modules)\n"
        "assert loaded == [], loaded\n"
        "assert 'httpx' in sys.modules  # it did go through the owner\n"
    )
    with serving(workspace):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 0, done.stderr


def test_a_revoked_token_stops_working_on_the_next_request(tmp_path: Path, empty_db: Path) -> None:
    workspace = prepared(tmp_path / "w", empty_db)
    with serving(workspace) as served:
        created = cli(workspace, "token", "create", "laptop")
        assert created.returncode == 0, created.stderr
        headers = {"Authorization": f"Bearer {created.stdout.strip()}"}
        url = f"{served.base}/api/v1/contacts/records"
        with httpx.Client(headers=headers, timeout=30) as http:
            assert http.get(url).status_code == 200  # created while serving: works at once
            revoked = cli(workspace, "token", "revoke", "laptop")
            assert revoked.returncode == 0, revoked.stderr
            refused = http.get(url)  # the very next request, on the same connection
        assert refused.status_code == 401


def test_the_owner_killed_mid_import_leaves_nothing_and_a_sentence(
    tmp_path: Path, empty_db: Path
) -> None:
    workspace = prepared(tmp_path / "w", empty_db)
    marker = tmp_path / "held"
    big = tmp_path / "big.csv"
    big.write_text(
        "Last Name,Email\n" + "".join(f"N{n},n{n}@x.fr\n" for n in range(5000)), encoding="utf-8"
    )
    hold = {"KAFINEA_TEST_HOLD_AT": f"0.9:{marker}"}
    with serving(workspace, env=hold) as served:
        command = [sys.executable, "-m", "kafinea_tui.cli", "--workspace", str(workspace.path)]
        importing = subprocess.Popen(
            [*command, "import", "contacts", str(big)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while not marker.exists():  # the owner has written every row, not committed
            assert importing.poll() is None, importing.communicate()
            assert time.monotonic() < deadline, "the import never reached its hold"
            time.sleep(0.05)
        served.kill()
        out, err = importing.communicate(timeout=60)
    assert importing.returncode == 1
    assert out == ""
    assert err == (
        f"kafinea-tui: The workspace's owner, kafinea-tui serve (PID {served.process.pid}), "
        "stopped before answering; what it had not finished was not written "
        "(`kafinea-tui imports` lists what was).\n"
    )
    # The stale socket and record are ignored: the next command runs alone, finds nothing.
    assert workspace.socket_path.exists() and find_owner(workspace) is None
    listed = cli(workspace, "imports")
    assert listed.returncode == 0 and listed.stdout == "No imports yet.\n", listed.stderr
    with workspace.opened_store() as store:
        assert store.count("contacts") == 0 and list_batches(store) == []
    # And the next owner replaces them.
    with serving(workspace) as again:
        assert again.record.pid == again.process.pid
        assert cli(workspace, "modules").returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a socket to another user needs root")
def test_a_socket_of_another_user_is_one_sentence(tmp_path: Path, empty_db: Path) -> None:
    """The file system's permissions are the credential: a workspace whose owner's socket
    belongs to someone else is neither used nor taken for stale (the database stays locked)."""
    workspace = prepared(tmp_path / "w", empty_db)
    with serving(workspace) as served:
        os.chown(workspace.socket_path, 65534, 65534)  # nobody's now
        listed = cli(workspace, "modules")
        assert served.process.poll() is None
    assert listed.returncode == 1 and listed.stdout == ""
    assert listed.stderr == (
        f"kafinea-tui: The workspace {workspace.path} is open in kafinea-tui serve "
        f"(PID {served.process.pid}) of another user; its socket {workspace.socket_path} is "
        "not yours to use: ask them, or use another workspace.\n"
    )
