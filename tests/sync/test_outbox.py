"""The outbox's rules against a real receiver on 127.0.0.1: what is retried, what fails at once."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from kafinea_tui.data.automation import outbox as table
from kafinea_tui.data.store.database import Store
from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.config.model import AutomationConfig
from kafinea_tui.sync.outbox import Outbox
from kafinea_tui.sync.signing import verify
from tests.sync.factory import SECRET, factory_config, open_workspace, seed
from tests.sync.receiver import Receiver, run_until_settled
from tests.sync.servers import Mailbox, free_port


def setup(
    tmp_path: Path, url: str, retries: int = 2, fmt: str = "json", timeout: float = 5
) -> tuple[Store, Outbox, AutomationConfig]:
    text = (
        factory_config(url)
        .replace("retries = 5", f"retries = {retries}")
        .replace("timeout = 5", f'timeout = {timeout}\nformat = "{fmt}"')
    )
    workspace, store = open_workspace(tmp_path, text)
    config = read_config(workspace.config_path, store.schema)
    assert config.errors == ()
    contact = seed(store)
    store.create(
        "salesorders",
        {
            "order_number": "SO-1",
            "subject": "s",
            "contact": contact,
            "status": "Approved",
            "items": [{"product": 1, "quantity": 2, "list_price": 5}],
        },
    )
    return store, Outbox(store, lambda: config), config


def test_a_delivery_is_signed_and_carries_its_idempotency_key(tmp_path: Path) -> None:
    with Receiver() as receiver:
        store, box, _ = setup(tmp_path, f"http://127.0.0.1:{receiver.port}/in")
        done = run_until_settled(store, box)
    assert done.status == "delivered" and done.attempts == 1 and done.answer == "200 OK: ok"
    headers, body = receiver.seen[0]["headers"], receiver.seen[0]["body"]
    assert headers["idempotency-key"] == headers["webhook-id"] == done.webhook_id
    assert verify(SECRET, headers, body)
    assert not verify("whsec_" + "A" * 32, headers, body)
    assert json.loads(body)["data"]["order_number"] == "SO-1"


def test_5xx_and_429_are_retried_with_the_same_id_then_delivered(tmp_path: Path) -> None:
    with Receiver() as receiver:
        receiver.script = [(503, {}, "down"), (429, {"Retry-After": "0"}, "slow down")]
        store, box, _ = setup(tmp_path, f"http://127.0.0.1:{receiver.port}/in", retries=3)
        done = run_until_settled(store, box)
    assert done.status == "delivered" and done.attempts == 3
    ids = {seen["headers"]["webhook-id"] for seen in receiver.seen}
    assert ids == {done.webhook_id}


def test_retries_spent_is_failed_and_kept_with_the_reason(tmp_path: Path) -> None:
    with Receiver() as receiver:
        receiver.script = [(500, {}, "boom")] * 3
        store, box, _ = setup(tmp_path, f"http://127.0.0.1:{receiver.port}/in", retries=2)
        done = run_until_settled(store, box)
    assert done.status == "failed" and done.attempts == 3
    assert (
        done.last_error
        == "the endpoint answered 500 Internal Server Error; gave up after 3 attempt(s)"
    )
    assert done.answer == "boom"


@pytest.mark.parametrize("status", [400, 404, 422])
def test_other_4xx_fail_at_once_with_the_answer(tmp_path: Path, status: int) -> None:
    with Receiver() as receiver:
        receiver.script = [(status, {}, "order_number is unknown here")]
        store, box, _ = setup(tmp_path, f"http://127.0.0.1:{receiver.port}/in", retries=5)
        done = run_until_settled(store, box)
    assert done.status == "failed" and done.attempts == 1
    assert done.last_error is not None and done.last_error.startswith(
        f"the endpoint refused the delivery: {status}"
    )
    assert done.answer == "order_number is unknown here"


def test_a_redirect_loop_fails_with_its_reason(tmp_path: Path) -> None:
    with Receiver() as receiver:
        store, box, _ = setup(tmp_path, f"http://127.0.0.1:{receiver.port}/loop")
        done = run_until_settled(store, box)
    assert done.status == "failed" and "redirects in a loop" in (done.last_error or "")


def test_a_timeout_is_retried(tmp_path: Path) -> None:
    with Receiver() as receiver:
        store, box, _ = setup(
            tmp_path, f"http://127.0.0.1:{receiver.port}/slow", retries=1, timeout=0.5
        )
        done = run_until_settled(store, box)
    assert done.status == "failed" and done.attempts == 2
    assert "did not answer within 0.5 s" in (done.last_error or "")


def test_a_failed_delivery_retried_by_hand_goes_out_again(tmp_path: Path) -> None:
    store, box, _ = setup(tmp_path, f"http://127.0.0.1:{free_port()}/in", retries=0)
    failed = run_until_settled(store, box)
    assert failed.status == "failed" and "connection refused" in (failed.last_error or "")
    with Receiver() as receiver:
        config = box.config()
        endpoint = replace(config.endpoints["factory"], url=f"http://127.0.0.1:{receiver.port}/in")
        moved = replace(config, endpoints={"factory": endpoint})
        box.config = lambda: moved
        with store.transaction() as cur:
            assert table.retry(cur, failed.id) is not None
        done = run_until_settled(store, box)
    assert done.status == "delivered" and done.webhook_id == failed.webhook_id


def test_csv_endpoints_get_one_line_per_item(tmp_path: Path) -> None:
    with Receiver() as receiver:
        store, box, _ = setup(tmp_path, f"http://127.0.0.1:{receiver.port}/in", fmt="csv")
        run_until_settled(store, box)
    seen = receiver.seen[0]
    assert seen["headers"]["content-type"].startswith("text/csv")
    assert seen["body"].decode() == (
        "id,order_number,items.product,items.quantity,items.list_price\n"
        '1,"SO-1","P-100",2.00,5.00\n'  # text quoted, numbers as stored
    )


def test_email_through_a_relay_that_is_down_is_retried_then_sent(tmp_path: Path) -> None:
    workspace, store = open_workspace(tmp_path, factory_config(smtp_port=free_port()))
    contact = seed(store)
    so = store.create(
        "salesorders",
        {"order_number": "SO-9", "subject": "s", "contact": contact, "status": "In Production"},
    )
    store.update("salesorders", so, {"status": "Manufactured"})
    config = read_config(workspace.config_path, store.schema)
    box = Outbox(store, lambda: config)
    box.round()
    waiting = table.get(store.cursor(), 1)
    assert waiting is not None and waiting.kind == "email" and waiting.status == "pending"
    assert "cannot send through the SMTP server" in (waiting.last_error or "")
    with Mailbox() as mailbox:
        text = workspace.config_path.read_text().replace(
            f"port = {config.smtp.port}", f"port = {mailbox.port}"
        )  # type: ignore[union-attr]
        workspace.config_path.write_text(text)
        fresh = read_config(workspace.config_path, store.schema)
        box.config = lambda: fresh
        done = run_until_settled(store, box)
        assert done.status == "delivered"
        assert mailbox.messages[0]["Subject"] == "Order SO-9 is on its way"
