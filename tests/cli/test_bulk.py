"""`kafinea-tui update` and `kafinea-tui delete` as subprocesses on a temporary workspace."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli


@pytest.fixture(scope="module")
def records_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Acme and five contacts (three in Paris, two of them at Acme), made once a module."""
    made = Workspace(tmp_path_factory.mktemp("records"))
    made.prepare()
    with made.opened_store() as store:
        acme = store.create("organizations", {"name": "Acme"})
        for i in range(1, 6):
            store.create(
                "contacts",
                {
                    "last_name": f"Jaurès{i}",
                    "email": f"c{i}@x.fr",
                    "mailing_city": "Paris" if i <= 3 else "Lyon",
                    "organization": acme if i <= 2 else None,
                },
            )
    return made.db_path


@pytest.fixture(autouse=True)
def records(workspace: Workspace, records_db: Path) -> None:
    """Each test changes its own copy of them."""
    shutil.copyfile(records_db, workspace.db_path)


def titles(workspace: Workspace) -> list[tuple[object, ...]]:
    store = workspace.open_store()
    try:
        return store.cursor().execute("SELECT id, title FROM contacts ORDER BY id").fetchall()
    finally:
        store.close()


def test_update_by_filter_then_undo(workspace: Workspace) -> None:
    done = cli(
        workspace, "update", "contacts", "--filter", "mailing_city = Paris", "--set", "Title=Buyer"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == (
        "Updated 3 of 3 Contacts (0 already set, 0 failed); batch 1:"
        " `kafinea-tui undo 1` takes it back."
    )
    assert [t for _, t in titles(workspace)] == ["Buyer"] * 3 + [None] * 2
    listed = cli(workspace, "imports", "--json")
    assert json.loads(listed.stdout)[0]["report"]["operation"] == "update"
    assert cli(workspace, "undo", "1").returncode == 0
    assert [t for _, t in titles(workspace)] == [None] * 5


def test_update_json_and_dry_run_writes_nothing(workspace: Workspace) -> None:
    done = cli(
        workspace,
        "update",
        "contacts",
        "--ids",
        "4,5,9",
        "--set",
        "title=CTO",
        "--set",
        "birthdate=31/01/1990",
        "--dry-run",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report | {"warnings": []} == {
        "operation": "update",
        "module": "contacts",
        "batch": None,
        "matched": 2,
        "updated": 2,
        "unchanged": 0,
        "related_created": 0,
        "failed": 0,
        "errors": [],
        "warnings": [],
        "dry_run": True,
    }
    assert report["warnings"] == ["1 selected id is not in Contacts (9)."]
    assert [t for _, t in titles(workspace)] == [None] * 5


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["--set", "title=x"],
            "kafinea-tui: Say which records: --ids 1,2,3, --filter EXPR or"
            " --search TEXT (--filter '' for every record).\n",
        ),
        (["--ids", "1"], "kafinea-tui: Say what to change with --set FIELD=VALUE.\n"),
        (["--ids", "1", "--set", "colour=red"], "kafinea-tui: Contacts has no field 'colour'.\n"),
        (
            ["--ids", "1", "--set", "birthdate=demain"],
            "kafinea-tui: Birthdate: not a date (dd/mm/yyyy or yyyy-mm-dd): 'demain'.\n",
        ),
        (
            ["--ids", "1,x", "--set", "title=a"],
            "kafinea-tui: --ids takes record ids (whole numbers from 1 to 9223372036854775807)"
            " separated by commas; 'x' is not one.\n",
        ),
    ],
)
def test_update_usage_errors_exit_2_with_one_sentence(
    workspace: Workspace, args: list[str], sentence: str
) -> None:
    done = cli(workspace, "update", "contacts", *args)
    assert (done.returncode, done.stderr, done.stdout) == (2, sentence, "")
    assert [t for _, t in titles(workspace)] == [None] * 5


def test_delete_off_a_terminal_needs_yes(workspace: Workspace) -> None:
    done = cli(workspace, "delete", "organizations", "--search", "acme")
    assert done.returncode == 2
    assert done.stderr == (
        "kafinea-tui: delete asks before deleting 1 Organization, and there is no terminal to"
        " ask on; add --yes to delete without asking (or --dry-run to see what would go).\n"
    )
    # A bad filter is said first: adding --yes would not have helped.
    bad = cli(workspace, "delete", "organizations", "--filter", 'nom ~ "a"')
    assert (bad.returncode, bad.stderr.splitlines()[0]) == (
        2,
        "kafinea-tui: unknown field 'nom' (at column 1)",
    )
    dry = cli(workspace, "delete", "organizations", "--search", "acme", "--dry-run")
    assert dry.returncode == 0
    assert dry.stdout == (
        "Would delete 1 Organization; nothing was written.\n"
        "  2 Contacts keep existing with Organization Name cleared.\n"
    )
    done = cli(workspace, "delete", "organizations", "--search", "acme", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["deleted"] == 1
    assert cli(workspace, "undo", "1", "--json").returncode == 0
    store = workspace.open_store()
    try:
        assert store.cursor().execute(
            "SELECT count(*) FROM contacts WHERE organization = 1"
        ).fetchall() == [(2,)]
    finally:
        store.close()


@pytest.mark.parametrize(("answer", "status", "left"), [("y\n", 0, 3), ("n\n", 1, 5)])
def test_delete_on_a_terminal_asks(
    workspace: Workspace, answer: str, status: int, left: int
) -> None:
    parent, child = os.openpty()
    try:
        os.write(parent, answer.encode())
        done = cli(workspace, "delete", "contacts", "--ids", "1,2", stdin=child)
    finally:
        os.close(child)
        os.close(parent)
    assert done.returncode == status, done.stderr
    assert done.stdout.startswith("Delete 2 Contacts?\n")
    assert len(titles(workspace)) == left
    if status:
        assert done.stderr == "kafinea-tui: Nothing was deleted.\n"


def test_search_and_filter_ignore_accents(workspace: Workspace) -> None:
    done = cli(workspace, "update", "contacts", "--search", "JAURES1", "--set", "title=A")
    assert done.returncode == 0, done.stderr
    done = cli(
        workspace,
        "update",
        "contacts",
        "--filter",
        "last_name = jaures2",
        "--set",
        "title=B",
        "--json",
    )
    assert json.loads(done.stdout)["updated"] == 1
    assert [t for _, t in titles(workspace)] == ["A", "B", None, None, None]
