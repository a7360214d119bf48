"""The foundation's command line, run as a user runs it: a subprocess with its exit status, its
output, and one sentence on stderr when something is wrong."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kafinea_tui import __version__
from tests.cli.run_cli import cli


@pytest.fixture
def ws(tmp_path: Path) -> str:
    return str(tmp_path / "ws")


def run(cli_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return cli(None, *args, env=cli_env)


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    """The error output is one line, `kafinea-tui: ...`, never a traceback."""
    message = result.stderr.strip()
    assert message.startswith("kafinea-tui: "), message
    assert "\n" not in message and "Traceback" not in message, message
    return message


def modules_json(cli_env: dict[str, str], ws: str) -> list[dict[str, Any]]:
    result = run(cli_env, "--workspace", ws, "modules", "--json")
    assert result.returncode == 0, result.stderr
    loaded: list[dict[str, Any]] = json.loads(result.stdout)
    return loaded


def test_version(cli_env: dict[str, str]) -> None:
    result = run(cli_env, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"kafinea-tui {__version__}"


def test_help_lists_the_commands_and_options(cli_env: dict[str, str]) -> None:
    result = run(cli_env, "--help")
    assert result.returncode == 0
    for word in ("modules", "fields", "--workspace", "--demo", "--version"):
        assert word in result.stdout


def test_modules_lists_the_five_modules(cli_env: dict[str, str], ws: str) -> None:
    result = run(cli_env, "--workspace", ws, "modules")
    assert result.returncode == 0, result.stderr
    for line in (
        "contacts (Contacts), key: email",
        "salesorders (Sales Orders), key: order_number",
    ):
        assert line in result.stdout
    assert "organization" in result.stdout and "-> organizations" in result.stdout
    assert Path(ws, "kafinea.duckdb").is_file()


def test_modules_json_shape(cli_env: dict[str, str], ws: str) -> None:
    modules = modules_json(cli_env, ws)
    assert [m["name"] for m in modules] == [
        "contacts",
        "organizations",
        "leads",
        "products",
        "salesorders",
    ]
    keys = {"name", "label", "type", "mandatory", "unique", "related", "values", "custom"}
    for module in modules:
        assert set(module) == {"name", "label", "key", "fields"}
        assert module["key"] in {f["name"] for f in module["fields"]}
        assert all(set(f) == keys for f in module["fields"])
    contacts = {f["name"]: f for f in modules[0]["fields"]}
    assert contacts["organization"] == {
        "name": "organization",
        "label": "Organization Name",
        "type": "reference",
        "mandatory": False,
        "unique": False,
        "related": "organizations",
        "values": [],
        "custom": False,
    }
    assert contacts["last_name"]["mandatory"] is True
    assert contacts["do_not_call"]["label"] == "Do Not Call"
    orders = {f["name"]: f for f in modules[4]["fields"]}
    assert orders["items"]["type"] == "line_items"
    assert orders["status"]["values"][:2] == ["Created", "Approved"]
    assert orders["order_number"]["unique"] is True


def test_fields_add_then_modules_shows_it(cli_env: dict[str, str], ws: str) -> None:
    result = run(
        cli_env, "--workspace", ws, "fields", "add", "contacts", "--label", "Loyalty tier",
        "--type", "picklist", "--values", "Gold, Silver,Bronze",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "cf_loyalty_tier" in result.stdout
    contacts = modules_json(cli_env, ws)[0]
    added = contacts["fields"][-1]
    assert (added["name"], added["label"], added["type"], added["custom"]) == (
        "cf_loyalty_tier",
        "Loyalty tier",
        "picklist",
        True,
    )
    assert added["values"] == ["Gold", "Silver", "Bronze"]


@pytest.fixture(scope="module")
def loyalty_tier(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """A workspace given the custom field "Loyalty tier" (text), and its modules as `modules
    --json` prints them: made once, each refusal below runs on a copy of it."""
    folder = tmp_path_factory.mktemp("loyalty")
    env = {**os.environ, "HOME": str(folder / "home"), "XDG_DATA_HOME": str(folder / "xdg")}
    made = str(folder / "ws")
    assert run(env, "--workspace", made, "fields", "add", "contacts", "--label", "Loyalty tier",
               "--type", "text").returncode == 0  # fmt: skip
    return Path(made), modules_json(env, made)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contacts", "--label", "E-mail", "--type", "text"], "already has a field 'Email'"),
        (["contacts", "--label", "loyalty TIER", "--type", "text"], "'Loyalty tier'"),
        (["invoices", "--label", "Budget", "--type", "decimal"], "unknown module 'invoices'"),
        (["contacts", "--label", "Budget", "--type", "money"], "invalid choice: 'money'"),
        (["contacts", "--label", "Size", "--type", "text", "--values", "S,M"], "picklist"),
    ],
)
def test_fields_add_refusals_exit_2_and_write_nothing(
    cli_env: dict[str, str],
    ws: str,
    loyalty_tier: tuple[Path, list[dict[str, Any]]],
    args: list[str],
    message: str,
) -> None:
    made, before = loyalty_tier
    shutil.copytree(made, ws)
    result = run(cli_env, "--workspace", ws, "fields", "add", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    if "invalid choice" not in message:  # argparse's own usage message has two lines
        one_sentence(result)
    assert modules_json(cli_env, ws) == before


def test_a_workspace_path_that_is_a_file(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("à garder\n")
    result = run(cli_env, "--workspace", str(path), "modules")
    assert result.returncode == 1
    assert "is a file, not a folder" in one_sentence(result)
    assert path.read_text() == "à garder\n"


def test_a_corrupt_database(cli_env: dict[str, str], tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    garbage = b"\x00\xffnot a database\n" * 500
    (ws / "kafinea.duckdb").write_bytes(garbage)
    result = run(cli_env, "--workspace", str(ws), "modules")
    assert result.returncode == 1
    assert "is not a DuckDB database, or it is damaged" in one_sentence(result)
    assert (ws / "kafinea.duckdb").read_bytes() == garbage


@pytest.fixture
def held(ws: str, cli_env: dict[str, str]) -> Iterator[int]:
    """The workspace open for writing in another process; yields that process's id."""
    assert run(cli_env, "--workspace", ws, "modules").returncode == 0
    script = (
        f"import sys, duckdb\nc = duckdb.connect({str(Path(ws, 'kafinea.duckdb'))!r})\n"
        "print('holding', flush=True)\nsys.stdin.read()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline().strip() == "holding"
    yield process.pid
    process.stdin.close()
    process.wait()


def test_a_workspace_open_in_another_process(cli_env: dict[str, str], ws: str, held: int) -> None:
    result = run(cli_env, "--workspace", ws, "modules")
    assert result.returncode == 1
    message = one_sentence(result)
    assert f"already open in another program (process {held})" in message


def test_demo_is_built_once_then_reopened(cli_env: dict[str, str], tmp_path: Path) -> None:
    first = run(cli_env, "--demo", "modules")
    assert first.returncode == 0, first.stderr
    demo = tmp_path / "default-demo"
    assert (demo / "samples" / "contacts-excel-fr.csv").is_file()
    assert not (tmp_path / "default").exists()  # the demo never touches the real workspace
    assert run(cli_env, "--demo", "modules").returncode == 0
    with duckdb.connect(str(demo / "kafinea.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM contacts").fetchone() == (2000,)


def assert_runs(code: str, cli_env: dict[str, str]) -> None:
    """`code` passes in a fresh interpreter, whose sys.modules shows what it alone loaded."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_headless_commands_do_not_import_textual(cli_env: dict[str, str], ws: str) -> None:
    code = (
        "import sys\n"
        "from kafinea_tui.cli import main\n"
        f"assert main(['--workspace', {ws!r}, 'modules']) == 0\n"
        f"assert main(['--workspace', {ws!r}, 'fields', 'add', 'leads', '--label', 'Budget',"
        " '--type', 'decimal']) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert not loaded, loaded\n"
    )
    assert_runs(code, cli_env)


def test_the_parser_does_not_load_the_import_export_or_api_engines(cli_env: dict[str, str]) -> None:
    """Every start of the app and every command builds the parser first; the engines, the
    database and the HTTP client load when a command runs (`--help` and a mistyped option
    answer without them, and a command through the owner never loads DuckDB for its parser)."""
    code = (
        "import sys\n"
        "from kafinea_tui.cli.main import build_parser\n"
        "build_parser()\n"
        "engines = ('kafinea_tui.data.importer.run', 'kafinea_tui.data.exporter.run',"
        " 'kafinea_tui.sync.api.app', 'kafinea_tui.data.store.database',"
        " 'kafinea_tui.data.bulk', 'duckdb', 'pyarrow', 'starlette', 'httpx', 'textual')\n"
        "loaded = sorted(m for m in engines if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    assert_runs(code, cli_env)


def test_a_csv_import_loads_no_workbook_reader(
    cli_env: dict[str, str], ws: str, tmp_path: Path
) -> None:
    """fastexcel and pyarrow read workbooks; a CSV import (most imports) starts without them."""
    csv = tmp_path / "contacts.csv"
    csv.write_text("Last Name,Email\nLee,ann@x.fr\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from kafinea_tui.cli import main\n"
        f"assert main(['--workspace', {ws!r}, 'import', 'contacts', {str(csv)!r}]) == 0\n"
        "loaded = sorted(m for m in ('fastexcel', 'pyarrow') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    assert_runs(code, cli_env)
