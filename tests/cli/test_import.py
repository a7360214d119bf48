"""`kafinea-tui import`, `imports` and `undo` as subprocesses: files in several encodings and
delimiters, --json reports, exit codes, one-sentence errors, and an import killed mid-way."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from kafinea_tui.data.store.database import Store
from tests.cli.run_cli import cli, report_of
from tests.import_helpers import snapshot, write


def state(workspace: Path) -> dict[str, list[tuple[Any, ...]]]:
    store = Store.open(workspace / "kafinea.duckdb")
    try:
        return snapshot(store)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("encoding", "delimiter", "option"),
    [
        ("utf-8", ",", "comma"),
        ("utf-8-sig", ";", "semicolon"),
        ("cp1252", ";", "auto"),
        ("iso-8859-1", "\t", "tab"),
        ("utf-16", "|", "pipe"),
    ],
)
def test_import_in_several_encodings_and_delimiters(
    tmp_path: Path, encoding: str, delimiter: str, option: str
) -> None:
    lines = [
        ["Prénom", "Nom", "E-mail", "Société"],
        ["Hélène", "Lefèvre", "helene@x.fr", "Café"],
        ["Zoë", "Brontë", "bob@", "Café"],
    ]
    path = write(tmp_path / "f.csv", "".join(delimiter.join(r) + "\r\n" for r in lines), encoding)
    declared = {"cp1252": "auto"}.get(encoding, encoding)
    result = cli(
        tmp_path / "ws",
        "import",
        "contacts",
        str(path),
        "--encoding",
        declared,
        "--delimiter",
        option,
        "--json",
    )
    report = report_of(result)
    assert {k: report[k] for k in ("total", "created", "failed", "related_created")} == {
        "total": 2,
        "created": 1,
        "failed": 1,
        "related_created": 1,
    }
    assert report["errors"] == [
        {"line": 3, "column": "E-mail", "reason": "not an email address: 'bob@'"}
    ]
    store = Store.open(tmp_path / "ws" / "kafinea.duckdb")
    assert store.cursor().execute("SELECT first_name, last_name FROM contacts").fetchall() == [
        ("Hélène", "Lefèvre")
    ]
    store.close()


def test_every_option_and_the_errors_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    path = write(tmp_path / "f.csv", "a@x.fr;Lee;12/31/1990;1 234,5\nb@;Brown;;\n")
    errors = tmp_path / "failed.csv"
    result = cli(
        ws,
        "import",
        "leads",
        str(path),
        "--no-header",
        "--delimiter",
        ";",
        "--map",
        "1=email",
        "--map",
        "2=last_name",
        "--map",
        "4=annual_revenue",
        "--default",
        "company=Unknown",
        "--default",
        "lead_status=Hot",
        "--date-format",
        "mm/dd/yyyy",
        "--decimal",
        "comma",
        "--errors",
        str(errors),
        "--save-mapping",
        "leads file",
        "--json",
    )
    report = report_of(result)
    assert (report["created"], report["failed"]) == (1, 1)
    assert report["warnings"] == ["Lead Status: 'Hot' added to the list of values."]
    with errors.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle))[1] == [
            "b@",
            "Brown",
            "",
            "",
            "1: not an email address: 'b@'",
        ]
    assert (ws / "mappings" / "leads file.toml").is_file()
    changed = write(tmp_path / "g.csv", "A@x.fr;Leeds;;\nb@;Brown;;\n")
    again = report_of(
        cli(
            ws,
            "import",
            "leads",
            str(changed),
            "--mapping",
            "leads file",
            "--duplicates",
            "merge",
            "--match",
            "email",
            "--json",
        )
    )
    assert (again["created"], again["merged"]) == (0, 1)
    batches = json.loads(cli(ws, "imports", "--json").stdout)
    assert [b["batch"] for b in batches] == [2, 1]
    undone = json.loads(cli(ws, "undo", "2", "--json").stdout)
    assert undone["restored"] == 1
    store = Store.open(ws / "kafinea.duckdb")
    found = store.cursor().execute("SELECT email, last_name, company, annual_revenue FROM leads")
    assert found.fetchall() == [("a@x.fr", "Lee", "Unknown", Decimal("1234.50"))]
    store.close()


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    path = write(tmp_path / "f.csv", "Last Name,Email\nA,a@x.fr\n")
    report_of(cli(ws, "import", "contacts", str(path), "--json"))
    before = state(ws)
    report = report_of(cli(ws, "import", "contacts", str(path), "--dry-run", "--json"))
    assert report["created"] == 1 and report["dry_run"] is True and report["batch"] is None
    assert state(ws) == before


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["contacts", "{file}", "--map", "Nope=email"], 2, "no column 'Nope'"),
        (["contacts", "{file}", "--map", "Email=shoe_size"], 2, "no field 'shoe_size'"),
        (["contacts", "{file}", "--map", "Email"], 2, "COLUMN=FIELD"),
        (["contacts", "{file}", "--duplicates", "sometimes"], 2, "invalid choice"),
        (["contacts", "{file}", "--delimiter", "colon"], 2, "Unknown delimiter"),
        (["spaceships", "{file}"], 1, "unknown module 'spaceships'"),
        (["contacts", "{missing}"], 1, "does not exist"),
        (["contacts", "{empty}"], 1, "is empty"),
        (["contacts", "{header}"], 1, "header but no rows"),
        (["contacts", "{latin}", "--encoding", "utf-8"], 1, "not valid utf-8: line 2"),
        (["contacts", "{file}", "--mapping", "broken"], 1, "broken.toml is not valid TOML"),
    ],
)
def test_errors_are_one_sentence_with_their_exit_code(
    tmp_path: Path, args: list[str], code: int, words: str
) -> None:
    ws = tmp_path / "ws"
    (ws / "mappings").mkdir(parents=True)
    (ws / "mappings" / "broken.toml").write_text("x = [\n", encoding="utf-8")
    files = {
        "file": write(tmp_path / "f.csv", "Last Name,Email\nA,a@x.fr\n"),
        "missing": tmp_path / "missing.csv",
        "empty": write(tmp_path / "e.csv", ""),
        "header": write(tmp_path / "h.csv", "Last Name,Email\n"),
        "latin": write(tmp_path / "l.csv", "Last Name\nLefèvre\n", "iso-8859-1"),
    }
    result = cli(ws, "import", *(a.format(**files) for a in args))
    assert result.returncode == code, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1
    store = Store.open(ws / "kafinea.duckdb")
    assert store.count("contacts") == 0
    store.close()


def test_killing_an_import_leaves_the_workspace_exactly_as_before(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    small = write(tmp_path / "s.csv", "Last Name,Email,Organization Name\nLee,ann@x.fr,Acme\n")
    report_of(cli(ws, "import", "contacts", str(small), "--json"))
    before = state(ws)
    big = tmp_path / "big.csv"
    conn = duckdb.connect()
    conn.execute(
        "COPY (SELECT 'Last' || i AS \"Last Name\", 'p' || i || '@x.fr' AS \"Email\","
        " 'Org ' || (i % 1000) AS \"Organization Name\" FROM range(300000) t(i))"
        f" TO '{big}' (HEADER, DELIMITER ',')"
    )
    conn.close()
    marker = tmp_path / "holding"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kafinea_tui.cli",
            "--workspace",
            str(ws),
            "import",
            "contacts",
            str(big),
            "--duplicates",
            "merge",
            "--match",
            "email",
        ],
        env={**os.environ, "KAFINEA_TEST_HOLD_AT": f"0.9:{marker}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not marker.exists():  # the import has written everything, and not committed
            assert process.poll() is None, "the import ended before it could be killed"
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert state(ws) == before


def test_saved_mapping_keeps_the_suggested_columns(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    path = write(tmp_path / "a.csv", "Prénom;Nom;E-mail\nZoé;Lefèvre;zoe@x.fr\n")
    report_of(cli(ws, "import", "contacts", str(path), "--save-mapping", "fr", "--json"))
    saved = tomllib.loads((ws / "mappings" / "fr.toml").read_text(encoding="utf-8"))
    assert saved["mapping"] == {"Prénom": "first_name", "Nom": "last_name", "E-mail": "email"}


def test_map_names_some_columns_and_the_others_are_mapped_as_without_it(tmp_path: Path) -> None:
    """The README's example: `--map` for the column no suggestion finds, the rest suggested."""
    ws = tmp_path / "ws"
    path = write(
        tmp_path / "a.csv", "Prénom;Nom;E-mail;Société;Ville\nJean;Dupont;jean@x.fr;Acme;Lyon\n"
    )
    report = report_of(
        cli(ws, "import", "contacts", str(path), "--map", "Société=organization", "--json")
    )
    assert (report["created"], report["failed"], report["unmapped"]) == (1, 0, [])
    # A field a named column takes is not suggested for another column too.
    report = report_of(
        cli(ws, "import", "contacts", str(path), "--map", "Ville=last_name", "--json")
    )
    assert report["created"] == 1 and report["unmapped"] == ["Nom"]
    # --map-only: what --map does not name goes nowhere.
    only = report_of(
        cli(ws, "import", "contacts", str(path), "--map", "Nom=last_name", "--map-only", "--json")
    )
    assert only["unmapped"] == ["Prénom", "E-mail", "Société", "Ville"]
    store = Store.open(ws / "kafinea.duckdb")
    found = store.cursor().execute(
        "SELECT first_name, last_name, email, mailing_city FROM contacts ORDER BY id"
    )
    assert found.fetchall() == [
        ("Jean", "Dupont", "jean@x.fr", "Lyon"),
        ("Jean", "Lyon", "jean@x.fr", None),
        (None, "Dupont", None, None),
    ]
    store.close()
