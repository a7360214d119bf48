"""Group commit (`sync.api.writes.WriteQueue`): small writes that wait together share one
transaction, and a failing one costs the others nothing (the group is rolled back and each
write run again alone). The queue is driven directly: which writes wait together is made
certain by holding the writer thread with a first write until the others are queued."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from kafinea_tui.data.errors import UsageError
from kafinea_tui.data.importer.plan import ImportReport
from kafinea_tui.data.importer.rows import RowPlan, write_rows
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.api.writes import WriteQueue

PLAN = RowPlan("contacts", actor="shop")


async def _queued_behind_a_held_writer(
    queue: WriteQueue, works: list[tuple[Any, bool]]
) -> list[Any]:
    """Hold the writer with a first write, queue `works` (work, group) in order, release it;
    their results (an exception for one that raised), in order."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        held.set()
        release.wait(30)

    first = asyncio.ensure_future(queue.run(hold))
    await asyncio.to_thread(held.wait, 30)
    waiting = [asyncio.ensure_future(queue.run(work, group=group)) for work, group in works]
    await asyncio.sleep(0)  # every `run` has put its write in the queue
    release.set()
    await first
    return list(await asyncio.gather(*waiting, return_exceptions=True))


def _create(store: Store, last_name: str) -> Any:
    return lambda: write_rows(store, PLAN, [{"last_name": last_name, "email": "a@b.fr"}])


@pytest.fixture
def queue(store: Store) -> Any:
    commits: list[int] = []
    store.set_commit_hook(lambda cur, since: commits.append(since))
    writes = WriteQueue(store)
    yield writes, commits
    writes.close()
    store.set_commit_hook(None)


async def test_small_writes_waiting_together_commit_once(queue: Any, store: Store) -> None:
    writes, commits = queue
    results = await _queued_behind_a_held_writer(
        writes, [(_create(store, f"Name{n}"), True) for n in range(6)]
    )
    assert [r.created for r in results if isinstance(r, ImportReport)] == [1] * 6
    assert (writes.groups, len(commits)) == (1, 1)
    names = store.cursor().execute("SELECT last_name FROM contacts ORDER BY id").fetchall()
    assert [n for (n,) in names] == [f"Name{n}" for n in range(6)]
    changes = store.cursor().execute("SELECT count(*), min(actor) FROM kf_changes").fetchone()
    assert changes == (6, "shop")


async def test_a_failing_write_leaves_the_others_of_its_group_written(
    queue: Any, store: Store
) -> None:
    writes, commits = queue

    def refused() -> ImportReport:
        return write_rows(store, PLAN, [{"id": 7, "last_name": "Nope"}])

    works = [(_create(store, "Ann"), True), (refused, True), (_create(store, "Bob"), True)]
    results = await _queued_behind_a_held_writer(writes, works)
    assert isinstance(results[1], UsageError) and "id is kept by the workspace" in str(results[1])
    assert [r.created for r in (results[0], results[2])] == [1, 1]
    assert writes.groups == 0 and len(commits) == 2  # rolled back, then each alone
    names = store.cursor().execute("SELECT last_name FROM contacts ORDER BY id").fetchall()
    assert names == [("Ann",), ("Bob",)]


async def test_a_write_that_may_not_share_runs_alone_in_its_turn(queue: Any, store: Store) -> None:
    writes, commits = queue
    works = [
        (_create(store, "Ann"), True),
        (_create(store, "Bob"), False),
        (_create(store, "Cid"), True),
    ]
    results = await _queued_behind_a_held_writer(writes, works)
    assert [r.created for r in results] == [1, 1, 1]
    assert writes.groups == 0 and len(commits) == 3
    names = store.cursor().execute("SELECT last_name FROM contacts ORDER BY id").fetchall()
    assert names == [("Ann",), ("Bob",), ("Cid",)]
