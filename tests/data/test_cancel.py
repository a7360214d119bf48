"""Cancelling long work: an import rolls back entirely, an export leaves no file.

The import is cancelled at each point it reports progress (a callback that raises, or a
`Cancellation` set from the callback as another thread would set it) and, for the statement
running at that moment, by DuckDB's interruption; after each, the workspace is as it was: no
record, no related record, no batch in past imports, no picklist value added, no change logged.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kafinea_tui.data.cancel import Cancellation, Cancelled
from kafinea_tui.data.exporter.options import ExportOptions
from kafinea_tui.data.exporter.run import export_file
from kafinea_tui.data.importer.plan import CsvOptions, ImportPlan
from kafinea_tui.data.importer.run import run_import
from kafinea_tui.data.store.database import Store

ROWS = 3000


@pytest.fixture
def contacts_csv(tmp_path: Path) -> Path:
    """Rows naming a new organization each and a lead source the picklist does not have."""
    path = tmp_path / "contacts.csv"
    lines = ["First Name,Last Name,Email,Organization,Lead Source"]
    lines += [f"F{i},L{i},p{i}@x.test,Org {i % 50},Fair {i % 3}" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def state(store: Store) -> tuple[object, ...]:
    cur = store.cursor()

    def one(sql: str) -> object:
        row = cur.execute(sql).fetchone()
        return row[0] if row else None

    return (
        one("SELECT count(*) FROM contacts"),
        one("SELECT count(*) FROM organizations"),
        one("SELECT count(*) FROM kf_batches"),
        one("SELECT count(*) FROM kf_changes"),
        one("SELECT count(*) FROM kf_picklist_values"),
        store.module("contacts").field("lead_source").values,
    )


def plan_for(path: Path) -> ImportPlan:
    return ImportPlan(module="contacts", csv=CsvOptions(path=path))


def test_an_import_reports_progress_several_times(store: Store, contacts_csv: Path) -> None:
    seen: list[float] = []
    report = run_import(store, plan_for(contacts_csv), progress=seen.append)
    assert report.created == ROWS
    assert len(seen) >= 5 and seen == sorted(seen) and seen[-1] == 1.0


@pytest.mark.parametrize("at", [1, 2, 3, 4, 5])
def test_a_progress_callback_that_raises_cancels_the_whole_import(
    store: Store, contacts_csv: Path, at: int
) -> None:
    before = state(store)
    calls: list[float] = []

    def progress(fraction: float) -> None:
        calls.append(fraction)
        if len(calls) == at:
            raise Cancelled("stop")

    with pytest.raises(Cancelled, match="nothing was imported"):
        run_import(store, plan_for(contacts_csv), progress=progress)
    assert state(store) == before
    # The store works on: the same import, not cancelled, writes everything.
    assert run_import(store, plan_for(contacts_csv)).created == ROWS


@pytest.mark.parametrize("at", [0.5, 0.7, 0.8])
def test_a_cancellation_set_during_the_import_rolls_it_back(
    store: Store, contacts_csv: Path, at: float
) -> None:
    before = state(store)
    cancellation = Cancellation()

    def progress(fraction: float) -> None:
        if fraction >= at:
            cancellation.cancel()

    with pytest.raises(Cancelled):
        run_import(store, plan_for(contacts_csv), progress=progress, cancellation=cancellation)
    assert state(store) == before


def test_a_cancelled_dry_run_says_so(store: Store, contacts_csv: Path) -> None:
    cancellation = Cancellation()
    cancellation.cancel()
    with pytest.raises(Cancelled, match="test run was cancelled"):
        run_import(store, plan_for(contacts_csv), dry_run=True, cancellation=cancellation)


def test_a_cancellation_after_the_commit_comes_too_late(store: Store, contacts_csv: Path) -> None:
    cancellation = Cancellation()

    def progress(fraction: float) -> None:
        if fraction == 1.0:
            cancellation.cancel()

    report = run_import(store, plan_for(contacts_csv), progress=progress, cancellation=cancellation)
    assert report.created == ROWS and store.count("contacts") == ROWS


def test_a_cancellation_while_it_commits_comes_too_late(store: Store, contacts_csv: Path) -> None:
    """Pressed during the COMMIT (here in the commit hook just before it; in life also in the
    checkpoint DuckDB runs after a durable COMMIT), the import is reported as done: before,
    the interruption came out of the COMMIT as a cancellation of an import already written."""
    cancellation = Cancellation()

    def hook(cur: object, since: int) -> None:
        cancellation.cancel()
        store.cursor().execute("SELECT 1")  # interrupted, were the cancellation not too late

    store.set_commit_hook(hook)
    report = run_import(store, plan_for(contacts_csv), cancellation=cancellation)
    assert report.created == ROWS and store.count("contacts") == ROWS
    assert not cancellation.cancelled


def test_a_cancellation_before_the_seal_still_rolls_back() -> None:
    cancellation = Cancellation()
    cancellation.cancel()
    with pytest.raises(Cancelled):
        cancellation.seal()


def test_the_running_statement_is_interrupted(store: Store) -> None:
    """A statement that would run for hours ends as Cancelled once another thread cancels."""
    cancellation = Cancellation()
    done = threading.Event()

    def cancel_until_done() -> None:  # the first interrupt may come before the statement starts
        while not done.wait(0.05):
            cancellation.cancel()

    canceller = threading.Thread(target=cancel_until_done)
    canceller.start()
    try:
        with (
            pytest.raises(Cancelled, match="stopped"),
            store.transaction() as cur,
            cancellation.watching(cur, "stopped"),
        ):
            cur.execute("SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3")
    finally:
        done.set()
        canceller.join()
    assert store.cursor().execute("SELECT 42").fetchone() == (42,)


# -- exports ---------------------------------------------------------------------------------


@pytest.fixture
def many_contacts(store: Store) -> int:
    """Enough contacts for DuckDB's COPY to run a while and report its progress."""
    count = 2_000_000
    store.cursor().execute(
        "INSERT INTO contacts (id, first_name, last_name, email, created_at, modified_at)"
        " SELECT i, 'First ' || i, 'Last ' || i, 'p' || i || '@x.test', now(), now()"
        f" FROM range(1, {count + 1}) t(i)"
    )
    return count


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cancelled_export_leaves_no_file(store: Store, tmp_path: Path, fmt: str) -> None:
    store.create("contacts", {"last_name": "Dupont"})
    cancellation = Cancellation()
    target = tmp_path / f"contacts.{fmt}"
    with pytest.raises(Cancelled, match="no file was written"):
        export_file(
            store,
            ExportOptions("contacts", format=fmt),
            target,
            progress=lambda _f: cancellation.cancel(),
            cancellation=cancellation,
        )
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_export_keeps_the_file_it_would_replace(store: Store, tmp_path: Path) -> None:
    store.create("contacts", {"last_name": "Dupont"})
    target = tmp_path / "contacts.csv"
    target.write_text("keep me")

    def progress(_fraction: float) -> None:
        raise Cancelled("stop")

    with pytest.raises(Cancelled):
        export_file(store, ExportOptions("contacts", encoding="windows-1252"), target, progress)
    assert list(tmp_path.iterdir()) == [target]
    assert target.read_text() == "keep me"


@pytest.mark.slow
def test_cancelling_a_running_copy_interrupts_it(
    store: Store, tmp_path: Path, many_contacts: int
) -> None:
    """The callback cancels on DuckDB's first progress report, made while the COPY runs (in a
    thread of its own): the COPY is interrupted and its temporary file removed."""
    cancellation = Cancellation()
    reported: list[float] = []

    def progress(fraction: float) -> None:
        reported.append(fraction)
        if 0.0 < fraction < 0.9:
            cancellation.cancel()

    with pytest.raises(Cancelled):
        export_file(
            store,
            ExportOptions("contacts"),
            tmp_path / "c.csv",
            progress=progress,
            cancellation=cancellation,
        )
    assert any(0.0 < f < 0.9 for f in reported), "the COPY ended before it reported progress"
    assert list(tmp_path.iterdir()) == []
