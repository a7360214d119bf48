"""`kafinea-tui export` as a subprocess on a temporary workspace."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli


@pytest.fixture(scope="module")
def seven_contacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace built once for the module: the commands export from it (one test changes a
    record and puts it back)."""
    path = tmp_path_factory.mktemp("ws")
    store = Workspace(path).open_store()
    try:
        acme = store.create("organizations", {"name": "Acme"})
        for i in range(1, 8):
            store.create(
                "contacts",
                {
                    "first_name": f"Person {i}",
                    "last_name": "Éclair" if i == 3 else f"L{i}",
                    "mailing_city": "Paris" if i % 2 else "Lyon",
                    "organization": acme if i < 4 else None,
                    "phone": "+33 1" if i == 1 else None,
                },
            )
    finally:
        store.close()
    return path


def run(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(workspace, "export", *args)


def read(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def test_export_all_to_a_file_with_json(seven_contacts: Path, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    done = run(seven_contacts, "contacts", "-o", str(target), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"path": str(target.resolve()), "count": 7}
    rows = read(target)
    assert rows[0][:3] == ["First Name", "Last Name", "Email"]
    assert rows[1][7] == "Acme" and rows[1][3] == "'+33 1"
    assert len(rows) == 8


def test_export_to_stdout(seven_contacts: Path) -> None:
    done = run(
        seven_contacts,
        "contacts",
        "-o",
        "-",
        "--fields",
        "id,last_name,organization",
        "--header",
        "names",
        "--filter",
        'mailing_city = "paris"',
        "--sort",
        "last_name:desc",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["id", "last_name", "organization"]
    # Collated: É sorts with E (before L), not after z as its code point would.
    assert [r[1] for r in rows[1:]] == ["L7", "L5", "L1", "Éclair"]
    assert json.loads(done.stderr) == {"path": None, "count": 4}


def test_scopes_ids_and_page(seven_contacts: Path, tmp_path: Path) -> None:
    target = tmp_path / "c.csv"
    done = run(seven_contacts, "contacts", "-o", str(target), "--ids", "2,5", "--fields", "id")
    assert done.returncode == 0, done.stderr
    assert read(target)[1:] == [["2"], ["5"]]
    assert "exported 2 records to" in done.stdout
    done = run(
        seven_contacts,
        "contacts",
        "-o",
        str(target),
        "--page",
        "2",
        "--page-size",
        "3",
        "--fields",
        "id",
    )
    assert done.returncode == 0, done.stderr
    assert read(target)[1:] == [["4"], ["5"], ["6"]]


def test_semicolon_bom_decimal_and_no_guard(seven_contacts: Path, tmp_path: Path) -> None:
    target = tmp_path / "excel.csv"
    done = run(
        seven_contacts,
        "contacts",
        "-o",
        str(target),
        "--delimiter",
        "semicolon",
        "--encoding",
        "utf-8-sig",
        "--decimal",
        "comma",
        "--no-formula-guard",
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"\xef\xbb\xbfFirst Name;Last Name;")
    rows = read(target, ";", "utf-8-sig")
    assert rows[1][3] == "+33 1" and rows[3][1] == "Éclair"


def test_latin1(seven_contacts: Path, tmp_path: Path) -> None:
    target = tmp_path / "latin.csv"
    done = run(seven_contacts, "contacts", "-o", str(target), "--encoding", "iso-8859-1")
    assert done.returncode == 0, done.stderr
    assert "Éclair".encode("latin-1") in target.read_bytes()


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (["widgets", "-o", "{dir}/x.csv"], 2, "unknown module"),
        (["contacts", "-o", "{dir}/x.csv", "--fields", "nope"], 2, "no field 'nope'"),
        (["contacts", "-o", "{dir}/x.csv", "--filter", "citty = 1"], 2, "unknown field"),
        (["contacts", "-o", "{dir}/x.csv", "--scope", "ids"], 2, "No records are selected"),
        (["contacts", "-o", "{dir}/x.csv", "--ids", "1,two"], 2, "--ids takes record ids"),
        (["contacts", "-o", "{dir}/x.csv", "--sort", "id:up"], 2, "--sort takes"),
        (["contacts", "-o", "{dir}/x.csv", "--delimiter", "colon"], 2, "Unknown delimiter"),
        (["contacts", "-o", "{dir}"], 2, "is a folder"),
        (["contacts", "-o", "{dir}/missing/x.csv"], 1, "does not exist"),
        (["contacts", "-o", "{dir}/x.csv", "--encoding", "ebcdic"], 2, "invalid choice"),
        (["contacts"], 2, "required"),
    ],
)
def test_errors_are_one_sentence(
    seven_contacts: Path, tmp_path: Path, args: list[str], status: int, words: str
) -> None:
    done = run(seven_contacts, *(a.replace("{dir}", str(tmp_path)) for a in args))
    assert done.returncode == status
    assert words in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_unencodable_character_fails_with_record_and_field(
    seven_contacts: Path, tmp_path: Path
) -> None:
    store = Workspace(seven_contacts).open_store()
    try:
        store.update("contacts", 6, {"description": "€ 5 ☃"})
    finally:
        store.close()
    try:
        done = run(
            seven_contacts, "contacts", "-o", str(tmp_path / "x.csv"), "--encoding", "iso-8859-1"
        )
        assert done.returncode == 1
        assert "record 6: Description holds '€'" in done.stderr
        assert done.stderr.count("\n") == 1
        assert list(tmp_path.iterdir()) == []
    finally:
        store = Workspace(seven_contacts).open_store()
        try:
            store.update("contacts", 6, {"description": None})
        finally:
            store.close()
