"""An email's headers rendered from records: a line break or a control character in a value
becomes a space, so the email goes out, and a value never adds a header (no injection)."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from kafinea_tui.sync.config.load import read_config
from kafinea_tui.sync.config.model import Smtp
from kafinea_tui.sync.delivery.email import send_mail
from kafinea_tui.sync.outbox import Outbox
from tests.sync.factory import factory_config, open_workspace
from tests.sync.receiver import run_until_settled
from tests.sync.servers import free_port


class Relay:
    """An SMTP server keeping each message with its envelope's recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], Message]] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def __enter__(self) -> Relay:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def mail(relay: Relay, **data: str) -> tuple[Any, list[tuple[list[str], Message]]]:
    smtp = Smtp(host="127.0.0.1", port=relay.port, sender="Orders <orders@example.com>")
    return send_mail(smtp, "msg_1", json.dumps({"body": "b", **data})), relay.received


def test_a_subject_with_a_line_break_is_sent_on_one_line() -> None:
    with Relay() as relay:
        outcome, received = mail(
            relay, to="ann@x.fr", subject="Commande SO-1 Evil\r\nBcc: x@y\x00\x1b\u2028end"
        )
    assert outcome.delivered, outcome.error
    [(recipients, message)] = received
    assert recipients == ["ann@x.fr"]
    assert message["Subject"] == "Commande SO-1 Evil Bcc: x@y end"
    assert message["Bcc"] is None
    assert message["Message-ID"].endswith("@example.com>")


def test_a_display_name_with_a_line_break_adds_no_recipient() -> None:
    with Relay() as relay:
        outcome, received = mail(
            relay, to="Ann\r\nBcc: evil@x.fr\n <ann@x.fr>, bob@y.fr\r\n", subject="s"
        )
    assert outcome.delivered, outcome.error
    [(recipients, message)] = received
    assert recipients == ["ann@x.fr", "bob@y.fr"]
    assert message["Bcc"] is None
    assert message["To"] == '"Ann Bcc: evil@x.fr" <ann@x.fr>, bob@y.fr'


def test_a_recipient_that_is_no_address_fails_at_once() -> None:
    with Relay() as relay:
        outcome, received = mail(relay, to="ann@x.fr\r\nBcc: evil@x.fr", subject="s")
    assert not outcome.delivered and not outcome.retryable
    assert outcome.error == (
        "the recipient 'ann@x.fr Bcc: evil@x.fr' is not a list of email addresses"
    )
    assert received == []


def test_a_workflow_email_whose_record_holds_crlf_is_delivered(tmp_path: Path) -> None:
    """The reported case: a subject template with a record's value holding CR LF was retried six
    times, then failed with `ValueError: Header values may not contain linefeed...`."""
    with Relay() as relay:
        config_text = factory_config(smtp_port=relay.port).replace(
            "Order {order_number} is on its way", "Commande {order_number} {subject}"
        )
        workspace, store = open_workspace(tmp_path, config_text)
        try:
            contact = store.create(
                "contacts", {"first_name": "Ann", "last_name": "Lee", "email": "ann@x.fr"}
            )
            order = store.create(
                "salesorders",
                {
                    "order_number": "SO-1",
                    "subject": "Evil\r\nBcc: x@y",
                    "contact": contact,
                    "status": "In Production",
                },
            )
            store.update("salesorders", order, {"status": "Manufactured"})
            config = read_config(workspace.config_path, store.schema)
            assert config.errors == ()
            done = run_until_settled(store, Outbox(store, lambda: config))
        finally:
            store.close()
    assert done.status == "delivered" and done.attempts == 1, done.last_error
    [(recipients, message)] = relay.received
    assert recipients == ["ann@x.fr"]
    assert message["Subject"] == "Commande SO-1 Evil Bcc: x@y"
