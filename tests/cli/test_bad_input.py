"""Bad input on the command line gets one sentence and a usage status, never a traceback:
integers past 64 bits, deep or long filters, encodings outside the list, a full disk, and the
spill folder a killed process leaves behind. Each class is one kind of input."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli

HUGE = "99999999999999999999999"


def refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit 2 with one sentence naming `words`, and no traceback."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr


@pytest.fixture(scope="module")
def cities(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of four contacts in three cities, shared by the module's read-only tests."""
    path = tmp_path_factory.mktemp("ws")
    with Workspace(path).opened_store() as store:
        for city in ("Paris", "Lyon", "Nantes", "Lyon"):
            store.create("contacts", {"last_name": f"In {city}", "mailing_city": city})
    return path


class TestIntegersPast64Bits:
    @pytest.mark.parametrize(
        ("args", "named"),
        [
            (("export", "contacts", "-o", "-", "--ids", f"1,{HUGE}"), "--ids"),
            (("export", "contacts", "-o", "-", "--ids", "-3"), "--ids"),
            (("export", "contacts", "-o", "-", "--page", HUGE), "--page"),
            (("export", "contacts", "-o", "-", "--page", "2", "--page-size", HUGE), "--page-size"),
            (("undo", HUGE), "batch"),
            (("update", "contacts", "--ids", HUGE, "--set", "title=x"), "--ids"),
            (("delete", "contacts", "--ids", HUGE, "--yes"), "--ids"),
        ],
    )
    def test_is_a_usage_error_naming_the_option(
        self, cities: Path, args: tuple[str, ...], named: str
    ) -> None:
        refused(cli(cities, *args), named)


class TestDeepAndLongFilters:
    def test_a_flat_chain_of_a_thousand_terms_filters(self, cities: Path) -> None:
        names = ["Lyon", *(f"Nowhere {i}" for i in range(1500))]
        chain = " or ".join(f'mailing_city = "{c}"' for c in names)
        done = cli(cities, "export", "contacts", "-o", "-", "--filter", chain)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("In Lyon") == 2 and "In Paris" not in done.stdout

    def test_a_long_and_chain_filters_too(self, cities: Path) -> None:
        chain = " and ".join(f'mailing_city != "P{i}"' for i in range(200))
        done = cli(cities, "export", "contacts", "-o", "-", "--filter", chain, "--json")
        assert done.returncode == 0, done.stderr

    @pytest.mark.parametrize(
        "expression",
        [
            "(" * 5000 + 'mailing_city = "Lyon"' + ")" * 5000,
            "not " * 5000 + 'mailing_city = "Lyon"',
        ],
    )
    def test_nesting_past_the_limit_is_a_sentence_with_its_column(
        self, cities: Path, expression: str
    ) -> None:
        done = cli(cities, "export", "contacts", "-o", "-", "--filter", expression)
        refused(done, "nested more than 100 levels deep", "(at column ")
        assert len(done.stderr) < 500  # the expression is shown around the column, not whole


class TestEncodingsAreAClosedList:
    @pytest.mark.parametrize(
        "name", ["rot13", "base64", "zlib", "undefined", "utf-7", "unicode_escape", "bogus"]
    )
    def test_another_name_is_refused_listing_the_accepted_ones(
        self, cities: Path, tmp_path: Path, name: str
    ) -> None:
        path = tmp_path / "people.csv"
        path.write_text("Last Name\nDupont\n", encoding="utf-8")
        done = cli(cities, "import", "contacts", str(path), "--encoding", name, "--dry-run")
        refused(done, "Unknown encoding", "utf-8", "windows-1252", "iso-8859-1")

    @pytest.mark.parametrize("alias", ["latin-1", "LATIN1", "cp1252", "utf8", "ISO_8859_1"])
    def test_the_usual_aliases_are_read(self, cities: Path, tmp_path: Path, alias: str) -> None:
        path = tmp_path / "people.csv"
        path.write_bytes("Last Name\nDupré\n".encode("latin-1" if alias != "utf8" else "utf-8"))
        done = cli(cities, "import", "contacts", str(path), "--encoding", alias, "--dry-run")
        assert done.returncode == 0, done.stderr
        assert "1 created" in done.stdout


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs, or a skip where this machine cannot mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (needs root and mount rights)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def big_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("First Name,Last Name,Email,Description\n")
        for i in range(rows):
            handle.write(f"Jean{i},Dupont{i},p{i}@example.com,{'x' * 60}{i}\n")
    return path


class TestImportOptionsNameWhatExists:
    """An option naming nothing the import reads is refused before anything is read: ignored,
    it would leave the user believing it applied; unknown, it failed mid-import."""

    @pytest.mark.parametrize(
        ("option", "named"),
        [
            (("--reference-key", "organization=nofield"), "Organizations has no field 'nofield'"),
            (("--reference-key", "organization=id"), "has no field 'id' to find"),
            (("--reference-key", "nofield=name"), "no reference field 'nofield'"),
            (("--reference-key", "last_name=email"), "no reference field 'last_name'"),
            (
                ("--map", "Last Name=last_name", "--map", "Last Name=email"),
                "gives 'Last Name' twice",
            ),
        ],
    )
    def test_is_a_usage_error(
        self, cities: Path, tmp_path: Path, option: tuple[str, ...], named: str
    ) -> None:
        path = tmp_path / "people.csv"
        path.write_text("Last Name,Organization Name\nLee,Acme\n")
        refused(cli(cities, "import", "contacts", str(path), "--dry-run", *option), named)

    def test_an_errors_file_that_cannot_be_written_is_refused_before_the_import(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "people.csv"
        path.write_text("Last Name,Email\nLee,lee@x.fr\nKim,kim@\n")
        workspace = tmp_path / "ws"
        target = tmp_path / "missing" / "failed.csv"
        done = cli(workspace, "import", "contacts", str(path), "--errors", str(target))
        assert (
            done.returncode == 1 and "the folder" in done.stderr and "does not exist" in done.stderr
        )
        # Nothing imported: a retry once the folder exists imports the file once.
        assert "No imports yet" in cli(workspace, "imports").stdout

    def test_a_blank_default_is_no_default_not_a_blank_related_record(self, tmp_path: Path) -> None:
        path = tmp_path / "people.csv"
        path.write_text("Last Name,Organization Name\nLee,\nKim,Beta\n")
        workspace = tmp_path / "ws"
        done = cli(workspace, "import", "contacts", str(path), "--default", "organization=  ")
        assert done.returncode == 0, done.stderr
        with Workspace(workspace).opened_store() as store:
            names = store.cursor().execute("SELECT name FROM organizations").fetchall()
        assert names == [("Beta",)]


class TestAFullDisk:
    def test_an_import_is_one_sentence_and_the_workspace_stays_as_it_was(
        self, small_disk: Path, tmp_path: Path
    ) -> None:
        filler = small_disk / "filler"
        # What other files take on that disk: 2 MB stay free, half of what the big file needs.
        filler.write_bytes(b"\0" * 22 * 2**20)
        on_small_disk = small_disk / "ws"
        small = tmp_path / "small.csv"
        small.write_text("Last Name\nAvant\nAprès\n", encoding="utf-8")
        assert cli(on_small_disk, "import", "contacts", str(small)).returncode == 0

        done = cli(on_small_disk, "import", "contacts", str(big_csv(tmp_path / "big.csv", 40_000)))
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("kafinea-tui: The disk holding the workspace is full")

        filler.unlink()  # space is freed: the same workspace works on
        again = cli(on_small_disk, "import", "contacts", str(small), "--json")
        assert again.returncode == 0, again.stderr
        listed = cli(on_small_disk, "export", "contacts", "-o", "-", "--fields", "last_name")
        assert listed.stdout.splitlines() == ["Last Name", "Avant", "Après", "Avant", "Après"]


class TestSpillLeftovers:
    def test_the_spill_folder_of_a_killed_process_goes_at_the_next_open(self, cities: Path) -> None:
        spill = cities / "kafinea.duckdb.tmp"
        spill.mkdir(exist_ok=True)
        (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"\0" * 4096)
        assert cli(cities, "modules").returncode == 0
        assert not spill.exists()
        shutil.rmtree(spill, ignore_errors=True)
