"""The factory example for the automation tests: its config.toml (a webhook endpoint, SMTP, two
workflows), a workspace opened with a config, and its records."""

from __future__ import annotations

from pathlib import Path

from kafinea_tui.data.store.database import Store
from kafinea_tui.workspace import Workspace

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def factory_config(
    url: str = "http://127.0.0.1:9/build", smtp_port: int = 9, extra: str = ""
) -> str:
    return f"""
[smtp]
host = "127.0.0.1"
port = {smtp_port}
sender = "orders@example.com"
retries = 2
backoff = 0.2

[[endpoints]]
name = "factory"
url = "{url}"
secret = "{SECRET}"
retries = 5
backoff = 0.2
timeout = 5

[[workflows]]
name = "send approved orders to the factory"
module = "salesorders"
on = "create_or_update"
when = 'status = "Approved"'
changed = ["status"]
actions = [{{ type = "send", endpoint = "factory", fields = ["order_number", "items"] }}]

[[workflows]]
name = "tell the customer"
module = "salesorders"
on = "update"
when = 'status = "Manufactured"'
changed = ["status"]
actions = [{{ type = "email", to = "{{contact.email}}", subject = "Order {{order_number}} is on its way", body = "Hello {{contact.first_name}}, order {{order_number}} has left the factory." }}]
{extra}
"""


def open_workspace(path: Path, config: str) -> tuple[Workspace, Store]:
    (path / "config.toml").write_text(config, encoding="utf-8")
    workspace = Workspace(path)
    return workspace, workspace.open_store()


def seed(store: Store) -> int:
    """A product and a contact; returns the contact's id."""
    store.create("products", {"product_code": "P-100", "name": "Widget"})
    return store.create("contacts", {"first_name": "Ann", "last_name": "Lee", "email": "ann@x.fr"})
