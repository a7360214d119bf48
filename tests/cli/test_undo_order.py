"""`kafinea-tui undo` as a subprocess: batches undone newest first are each undone completely,
and a record an import created that a later import refers to is kept and named."""

from __future__ import annotations

from pathlib import Path

from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli


def run(workspace: Workspace, *args: str) -> str:
    done = cli(workspace, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_undoing_the_newer_import_first_then_the_older(
    workspace: Workspace, tmp_path: Path
) -> None:
    first = tmp_path / "l0.csv"
    first.write_text("Last Name,Email,Title\nA,a@x.fr,T1\nB,b@x.fr,T1\n")
    second = tmp_path / "l1.csv"
    second.write_text("Last Name,Email,Title\nA,a@x.fr,T2\n")
    run(workspace, "import", "contacts", str(first))
    run(workspace, "import", "contacts", str(second), "--duplicates", "overwrite")
    assert run(workspace, "undo", "2") == "Undid import 2: 0 records removed, 1 restored.\n"
    assert run(workspace, "undo", "1") == "Undid import 1: 2 records removed, 0 restored.\n"


def test_an_organization_a_later_import_uses_is_kept(workspace: Workspace, tmp_path: Path) -> None:
    first = tmp_path / "r1.csv"
    first.write_text("Last Name,Organization Name\nA,Acme\n")
    second = tmp_path / "r2.csv"
    second.write_text("Last Name,Organization Name\nB,Acme\n")
    run(workspace, "import", "contacts", str(first))
    run(workspace, "import", "contacts", str(second))
    assert run(workspace, "undo", "1") == (
        "Undid import 1: 1 records removed, 0 restored.\n"
        "kept: Organizations 1 (created by the import) is referenced by 1 record since;"
        " left as it is.\n"
    )
    exported = run(workspace, "export", "contacts", "-o", "-", "--fields", "last_name,organization")
    assert exported.splitlines()[:2] == ["Last Name,Organization Name", "B,Acme"]
