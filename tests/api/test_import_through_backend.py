"""The import wizard's plan sent to a server (`RemoteBackend.import_file`), over real HTTP.

An `ImportPlan` becomes the import route's parameters (`arguments.plan_params`) and the server
builds the same plan again from them (`params.import_plan`): every option round-trips, and a
plan imported through the server reports exactly what the same plan reports on the workspace
itself (the failed rows' cells included, which the wizard saves as a CSV). A client that goes
away mid-import (the wizard's Stop) leaves nothing: the server rolls back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from kafinea_tui.arguments import plan_params
from kafinea_tui.backend.local import LocalBackend
from kafinea_tui.backend.remote import RemoteBackend
from kafinea_tui.backend.remote_import import stopped_too_late
from kafinea_tui.data.cancel import Cancellation, Cancelled
from kafinea_tui.data.importer.plan import CsvOptions, Duplicates, ImportPlan, ImportReport
from kafinea_tui.data.importer.undo import list_batches
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.params import import_plan
from kafinea_tui.workspace import Workspace
from tests.api.server import Api

# Column names as files have them: spaces, accents, `=` (map splits at the last one), commas.
COLUMN = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda text: bool(text.strip()))
NAME = st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


def same_plan(plan: ImportPlan, again: ImportPlan) -> None:
    """What the importer reads of a plan (not source, actor, description: the server's)."""
    assert again.csv == plan.csv
    for name in (
        "module",
        "duplicates",
        "match",
        "mapping",
        "defaults",
        "reference_keys",
        "date_format",
        "decimal",
        "create_related",
        "formula_guard",
    ):
        assert getattr(again, name) == getattr(plan, name), name
    assert list(again.mapping) == list(plan.mapping)  # the file's order of columns


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mapping=st.dictionaries(COLUMN, NAME, max_size=5),
    defaults=st.dictionaries(NAME, TEXT, max_size=3),
    keys=st.dictionaries(NAME, NAME, max_size=2),
    match=st.lists(NAME, max_size=2),
    duplicates=st.sampled_from([None, *Duplicates]),
    encoding=st.sampled_from(["auto", "utf-8", "iso-8859-1", "windows-1252", "utf-16"]),
    delimiter=st.sampled_from(["auto", "comma", "semicolon", "tab", "|", ";"]),
    header=st.booleans(),
    sheet=st.sampled_from([None, "2", "People", "Ventes 2026"]),
    date_format=st.sampled_from(["dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd"]),
    decimal=st.sampled_from(["point", "comma"]),
    create_related=st.booleans(),
    formula_guard=st.booleans(),
    dry_run=st.booleans(),
)
def test_every_plan_option_round_trips_through_the_parameters(
    mapping: dict[str, str],
    defaults: dict[str, str],
    keys: dict[str, str],
    match: list[str],
    duplicates: Duplicates | None,
    encoding: str,
    delimiter: str,
    header: bool,
    sheet: str | None,
    date_format: str,
    decimal: str,
    create_related: bool,
    formula_guard: bool,
    dry_run: bool,
) -> None:
    path = Path("/tmp/upload/api-contacts.csv")
    plan = ImportPlan(
        module="contacts",
        csv=CsvOptions(path=path, encoding=encoding, delimiter=delimiter, header=header),
        duplicates=duplicates,
        match=match,
        mapping=mapping,
        defaults=defaults,
        reference_keys=keys,
        date_format=date_format,
        decimal=decimal,
        create_related=create_related,
        formula_guard=formula_guard,
    )
    plan.csv.sheet = sheet
    query = QueryParams(plan_params(plan, dry_run))
    again, again_dry = import_plan(query, "contacts", path, Workspace(path.parent))
    same_plan(plan, again)
    assert again_dry is dry_run


def token_of(api: Api) -> str:
    return str(api.http.headers["Authorization"]).removeprefix("Bearer ")


@pytest.fixture
def remote(api: Api) -> Iterator[RemoteBackend]:
    backend = RemoteBackend.connect(api.base, token_of(api), where=api.base)
    yield backend
    backend.close()


def comparable(report: ImportReport) -> dict[str, object]:
    return report.as_dict(details=True) | {"batch": None}


def contacts_file(tmp_path: Path) -> Path:
    """Latin-1, semicolons, no header; a formula-guarded cell, a comma decimal's neighbour
    (a month-first date), an unknown organization, a bad date, and a known person."""
    rows = [
        "Zoé;Lefèvre;zoe@exemple.fr;03/14/1988;'=chef;Acme Nîmes",
        "Hélène;Müller;helene@exemple.fr;02/31/1991;Dir;Acme Nîmes",
        "Søren;;soren@exemple.fr;08/17/1979;;",
        "Ann;Known;KNOWN@x.fr;01/02/1980;Boss;Other Org",
    ]
    path = tmp_path / "contacts.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("iso-8859-1"))
    return path


PLANS = {
    "merge, month first, no header, no related, no guard": dict(
        csv_options=dict(encoding="iso-8859-1", delimiter="semicolon", header=False),
        duplicates=Duplicates.MERGE,
        match=["email"],
        mapping={
            "1": "first_name",
            "2": "last_name",
            "3": "email",
            "4": "birthdate",
            "5": "title",
            "6": "organization",
        },
        defaults={"last_name": "Sans nom", "lead_source": "Web Site"},
        date_format="mm/dd/yyyy",
        create_related=False,
        formula_guard=False,
    ),
    "auto-detected, ignore, related created, guarded": dict(
        csv_options=dict(header=False),
        duplicates=Duplicates.IGNORE,
        match=["email"],
        mapping={"1": "first_name", "2": "last_name", "3": "email", "5": "title"},
        defaults={"last_name": "X"},
        date_format="mm/dd/yyyy",
    ),
    "overwrite, reference key, every row": dict(
        csv_options=dict(encoding="iso-8859-1", delimiter=";", header=False),
        duplicates=Duplicates.OVERWRITE,
        match=["email"],
        mapping={"2": "last_name", "3": "email", "6": "organization"},
        defaults={"last_name": "Y"},
        reference_keys={"organization": "name"},
    ),
}


@pytest.mark.parametrize("name", list(PLANS))
def test_a_plan_imported_through_the_server_reports_as_on_the_workspace(
    api: Api, remote: RemoteBackend, store: Store, tmp_path: Path, name: str
) -> None:
    store.create("contacts", {"last_name": "Known", "email": "known@x.fr", "title": "CEO"})
    store.create("organizations", {"name": "Acme Nîmes"})
    options = dict(PLANS[name])
    csv_options = options.pop("csv_options")
    path = contacts_file(tmp_path)
    plan = ImportPlan(module="contacts", csv=CsvOptions(path=path, **csv_options), **options)  # type: ignore[arg-type]
    local = LocalBackend(store)

    tested_here = local.import_file(plan, dry_run=True)
    tested_there = remote.import_file(plan, dry_run=True)
    assert comparable(tested_there) == comparable(tested_here)
    assert tested_there.dry_run and tested_there.batch is None
    assert store.count("contacts") == 1
    assert tested_here.failed == (2 if "month first" in name else 0)  # 31/02, Other Org

    seen: list[float] = []
    imported = remote.import_file(plan, progress=seen.append)
    assert comparable(imported) == comparable(tested_here) | {"dry_run": False}
    assert imported.batch is not None and seen[-1] == 1.0 and seen == sorted(seen)
    assert imported.columns == ["1", "2", "3", "4", "5", "6"]  # what the wizard saves as a CSV
    assert all(len(error.values or ()) == 6 for error in imported.errors)
    batch = list_batches(store)[0]
    assert (batch.id, batch.source, batch.file) == (imported.batch, "api", str(path))
    # A Stop that reached the server after this commit would say so, not "nothing imported".
    late = stopped_too_late(remote.batches(), imported.batch - 1, path)
    assert late is not None and f"as batch {imported.batch}." in str(late)
    assert stopped_too_late(remote.batches(), imported.batch, path) is None
    assert remote.undo(imported.batch).batch == imported.batch
    assert store.count("contacts") == 1
    assert stopped_too_late(remote.batches(), imported.batch - 1, path) is None  # undone


def test_the_import_folder_of_a_client_is_its_own(remote: RemoteBackend, store: Store) -> None:
    assert remote.import_folder() is None
    remote.remember_import_folder(Path("~/downloads"))
    assert remote.import_folder() == Path.home() / "downloads"
    assert LocalBackend(store).import_folder() is None  # not the server's setting


def test_a_client_that_stops_mid_import_leaves_nothing(
    api: Api, remote: RemoteBackend, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "held"
    monkeypatch.setenv("KAFINEA_TEST_HOLD_AT", f"0.9:{marker}")  # the server's hold (in process)
    path = tmp_path / "big.csv"
    path.write_text(
        "Last Name,Email\n" + "".join(f"N{n},n{n}@x.fr\n" for n in range(5000)), encoding="utf-8"
    )
    plan = ImportPlan(module="contacts", csv=CsvOptions(path=path))
    stop = Cancellation()
    outcome: list[BaseException | ImportReport] = []

    def run() -> None:
        try:
            outcome.append(remote.import_file(plan, cancellation=stop))
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 120
    while not marker.exists():  # every row written on the server, nothing committed
        assert worker.is_alive() and time.monotonic() < deadline, outcome
        time.sleep(0.05)
    stop.cancel()
    worker.join(60)
    assert not worker.is_alive()
    assert isinstance(outcome[0], Cancelled), outcome
    assert "nothing was imported" in str(outcome[0])

    # The server saw its client go and rolled back: the next write (queued behind the
    # stopped one) finds the workspace as it was.
    monkeypatch.delenv("KAFINEA_TEST_HOLD_AT")
    small = tmp_path / "small.csv"
    small.write_text("Last Name,Email\nOne,one@x.fr\n", encoding="utf-8")
    later: list[ImportReport] = []
    queued = threading.Thread(
        target=lambda: later.append(
            remote.import_file(ImportPlan(module="contacts", csv=CsvOptions(path=small)))
        ),
        daemon=True,
    )
    queued.start()
    queued.join(120)
    assert later, "the stopped import still holds the server's writes"
    after = later[0]
    assert after.created == 1
    assert store.count("contacts") == 1
    assert [b.id for b in list_batches(store)] == [after.batch]
