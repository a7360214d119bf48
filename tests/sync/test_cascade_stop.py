"""A workflow cascade stopped after its last round is shown: in the automation status's
`errors` (GET /api/v1/automation/status), in the owner's sync panel and in a client's (which
reads that status), as a sentence naming its workflows; the workflows' counts stay the
records they really fired for.

Why: the stop was written to kf_workflow_fires with a note and then read by nothing (the
counts leave notes out), so two workflows setting each other off looked like ordinary firings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from kafinea_tui.app import KafineaApp
from kafinea_tui.backend.automation.remote import RemoteAutomation
from kafinea_tui.client import Client
from kafinea_tui.data.automation.triggers import MAX_DEPTH
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.screens.sync_panel import SyncPanelScreen
from kafinea_tui.sync import panel
from kafinea_tui.sync.engine import Engine
from kafinea_tui.workspace import Workspace
from tests.api.server import client, serve
from tests.import_helpers import rows
from tests.sync.factory import factory_config, open_workspace, seed
from tests.sync.servers import free_port
from tests.tui.pilot_helpers import settle
from tests.tui.sync_panel_steps import SIZE, until

T = TypeVar("T")
API = "/api/v1/automation"
PING_PONG = """
[[workflows]]
name = "ping"
module = "contacts"
on = "update"
when = 'title = "a"'
changed = ["title"]
actions = [{ type = "update", set = { title = "b" } }]

[[workflows]]
name = "pong"
module = "contacts"
on = "update"
when = 'title = "b"'
changed = ["title"]
actions = [{ type = "update", set = { title = "a" } }]

[[workflows]]
name = "stamp once"
module = "contacts"
on = "update"
when = 'title = "a"'
changed = ["title"]
actions = [{ type = "update", set = { department = "Seen" } }]
"""


@dataclass
class Owner:
    store: Store
    workspace: Workspace
    engine: Engine
    base: str
    token: str
    http: httpx.Client
    contact: int


@pytest.fixture
def owner(tmp_path: Path) -> Iterator[Owner]:
    """The workspace's owner: its engine and its API on a real port."""
    config = factory_config(f"http://127.0.0.1:{free_port()}/build", extra=PING_PONG)
    workspace, store = open_workspace(tmp_path, config)
    contact = seed(store)
    token = create_token(store, "t")
    engine = Engine(store, workspace, poll=0.05)
    engine.start()
    with serve(store, workspace=workspace, engine=engine) as base, client(base, token) as http:
        yield Owner(store, workspace, engine, base, token, http, contact)
    engine.stop()
    store.close()


def set_title_a(owner: Owner) -> None:
    """The change that starts the cascade, through the API as a script makes it."""
    answer = owner.http.patch(f"/api/v1/contacts/records/{owner.contact}", json={"title": "a"})
    assert answer.status_code == 200, answer.text


def status_errors(owner: Owner) -> list[str]:
    answer = owner.http.get(f"{API}/status")
    assert answer.status_code == 200, answer.text
    errors: list[str] = answer.json()["errors"]
    return errors


def remote_view(owner: Owner) -> panel.PanelView:
    """The panel of an app that is a client of this owner, as it reads the owner's API."""

    def call(method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return method(*args, **kwargs)

    with Client(owner.base, owner.token) as api:
        automation = RemoteAutomation(api, call, lambda: owner.store.schema, owner.base)
        return automation.view(None)


def test_a_stopped_cascade_is_in_the_status_and_both_panels(owner: Owner) -> None:
    assert status_errors(owner) == []
    set_title_a(owner)
    # ping at rounds 0, 2, 4, pong at 1, 3; "stamp once" with ping, but its update changes
    # the contact at round 0 only: it is not what kept the cascade going, the stop does not
    # name it.
    assert rows(
        owner.store, "SELECT workflow, sum(records) FROM kf_workflow_fires GROUP BY ALL ORDER BY 1"
    ) == [("ping", 3), ("ping, pong", 1), ("pong", 2), ("stamp once", 3)]
    errors = status_errors(owner)
    assert len(errors) == 1, errors
    sentence = errors[0]
    assert sentence.startswith(
        f"workflows ping, pong: a cascade was stopped after {MAX_DEPTH} rounds at "
    )
    assert "UTC: their updates keep changing records that fire them again" in sentence
    assert sentence.endswith("the last changes of 1 record fired nothing")
    # The counts stay those of real firings.
    flows = {w["name"]: w["fired"] for w in owner.http.get(f"{API}/workflows").json()["workflows"]}
    assert flows == {
        "send approved orders to the factory": 0,
        "tell the customer": 0,
        "ping": 3,
        "pong": 2,
        "stamp once": 3,
    }
    # The owner's panel and a client's say the same.
    local = panel.load_view(owner.store, owner.workspace, owner.engine, None)
    assert local.errors == [sentence]
    assert remote_view(owner).errors == [sentence]


def test_a_cascade_stopped_again_is_one_sentence_with_its_count(owner: Owner) -> None:
    set_title_a(owner)
    answer = owner.http.patch(f"/api/v1/contacts/records/{owner.contact}", json={"title": "z"})
    assert answer.status_code == 200, answer.text
    set_title_a(owner)
    errors = status_errors(owner)
    assert len(errors) == 1 and "(2 times in the last 24 hours)" in errors[0], errors


def test_a_stop_older_than_a_day_is_no_longer_shown(owner: Owner) -> None:
    set_title_a(owner)
    assert len(status_errors(owner)) == 1
    with owner.store.transaction() as cur:
        cur.execute(
            "UPDATE kf_workflow_fires SET fired_at = fired_at - INTERVAL 25 HOUR"
            " WHERE note IS NOT NULL"
        )
    assert status_errors(owner) == []
    assert panel.load_view(owner.store, owner.workspace, owner.engine, None).errors == []


async def test_the_sync_panel_shows_the_stopped_cascade(tmp_path: Path) -> None:
    config = factory_config(f"http://127.0.0.1:{free_port()}/build", extra=PING_PONG)
    workspace, store = open_workspace(tmp_path, config)
    contact = seed(store)
    store.update("contacts", contact, {"title": "a"})
    app = KafineaApp(workspace=workspace, store=store, module="contacts")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, SyncPanelScreen)
            line = await until(lambda: _engine_line(app), pilot)
            assert "workflows ping, pong: a cascade was stopped after 5 rounds" in line
    finally:
        store.close()


def _engine_line(app: KafineaApp) -> str:
    from textual.widgets import Static

    text = str(app.screen.query_one("#sync-engine", Static).render())
    return text if "cascade" in text else ""
