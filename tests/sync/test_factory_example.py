"""Kafinea's example end to end, over real HTTP and SMTP on 127.0.0.1.

An order approved over the API is delivered, signed, to the factory, which calls the API back to
set it Manufactured; the customer then gets an email with the order number and their name. The
factory down at first, and the server stopped by SIGTERM between attempts, change nothing: the
delivery arrives, once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from kafinea_tui.sync.transports import tls_context
from kafinea_tui.workspace import Workspace
from tests.cli.run_cli import cli
from tests.sync.factory import SECRET, factory_config, seed
from tests.sync.servers import Factory, Mailbox, Serve, free_port, set_status, wait_for


def prepare(path: Path, factory: Factory, mailbox: Mailbox) -> str:
    (path / "config.toml").write_text(factory_config(factory.url, mailbox.port))
    store = Workspace(path).open_store()
    try:
        seed(store)
    finally:
        store.close()
    return cli(path, "token", "create", "factory").stdout.strip()


def new_order(api: str, token: str) -> int:
    answer = httpx.post(
        f"{api}/api/v1/salesorders/records",
        json={
            "order_number": "SO-42",
            "subject": "Bolts",
            "contact": "ann@x.fr",
            "status": "Created",
            "items": [{"product": "P-100", "quantity": 3, "list_price": 2.5}],
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        verify=tls_context(),
    )
    assert answer.status_code == 200, answer.text
    listed = httpx.get(
        f"{api}/api/v1/salesorders/records",
        params={"filter": 'order_number = "SO-42"'},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        verify=tls_context(),
    ).json()
    return int(listed["records"][0]["id"])


def order_status(api: str, token: str, order_id: int) -> str:
    answer = httpx.get(
        f"{api}/api/v1/salesorders/records/{order_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        verify=tls_context(),
    )
    return str(answer.json()["status"])


def deliveries(api: str, token: str, **params: Any) -> list[dict[str, Any]]:
    answer = httpx.get(
        f"{api}/api/v1/automation/deliveries",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        verify=tls_context(),
    )
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["deliveries"]
    return found


def test_approved_order_reaches_the_factory_and_the_customer_hears_of_it(tmp_path: Path) -> None:
    factory = Factory(SECRET)
    with Mailbox() as mailbox:
        token = prepare(tmp_path, factory, mailbox)
        serve = Serve(tmp_path).start()
        factory.callback = lambda d: set_status(
            serve.url, token, d["body"]["data"]["id"], "Manufactured"
        )
        factory.start()
        try:
            order = new_order(serve.url, token)
            set_status(serve.url, token, order, "Approved")
            wait_for(lambda: order_status(serve.url, token, order) == "Manufactured")
            wait_for(lambda: mailbox.messages)
        finally:
            serve.stop()
            factory.stop()
    assert factory.bad_signatures == 0
    assert [d["body"]["data"] for d in factory.received] == [
        {
            "id": order,
            "order_number": "SO-42",
            "items": [{"product": "P-100", "quantity": 3.0, "list_price": 2.5}],
        }
    ]
    mail = mailbox.messages[0]
    assert mail["To"] == "ann@x.fr"
    assert mail["Subject"] == "Order SO-42 is on its way"
    assert "Hello Ann, order SO-42" in mail.get_payload()


def test_factory_down_then_up_and_serve_restarted_between_attempts(tmp_path: Path) -> None:
    factory = Factory(SECRET, port=free_port())
    with Mailbox() as mailbox:
        token = prepare(tmp_path, factory, mailbox)
        serve = Serve(tmp_path).start()
        try:
            order = new_order(serve.url, token)
            set_status(serve.url, token, order, "Approved")
            # The factory is down: the delivery fails with the reason and waits for a retry.
            first = wait_for(
                lambda: [
                    d
                    for d in deliveries(serve.url, token)
                    if d["attempts"] >= 1 and d["status"] == "pending"
                ]
            )[0]
            assert "connection refused" in first["last_error"]
        finally:
            serve.stop()
        # Stopped between attempts: the delivery is still pending in the database.
        serve = Serve(tmp_path, port=serve.port).start()
        factory.start()
        try:
            done = wait_for(lambda: deliveries(serve.url, token, status="delivered"))
        finally:
            serve.stop()
            factory.stop()
    assert len(done) == 1 and done[0]["webhook_id"] == first["webhook_id"]
    assert len(factory.received) == 1
    assert factory.received[0]["key"] == first["webhook_id"]
