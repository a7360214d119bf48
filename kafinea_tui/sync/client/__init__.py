"""A typed client of the Kafinea REST API, for scripts, and for the app and the CLI as clients of
a server or of the workspace's owner.

    from kafinea_tui.client import Client

    with Client("http://127.0.0.1:8765", token) as kafinea:
        report = kafinea.create("salesorders", {"order_number": "WEB-1", "subject": "Order"})
        feed = kafinea.changes("salesorders", since=cursor)
        for change in feed:          # every page, until `more` is false
            ...
        cursor = feed.cursor         # where the next run starts

        for delivery in kafinea.deliveries(status="failed").deliveries:
            kafinea.retry_delivery(delivery.id)     # same webhook-id: receivers drop repeats

It is written against the OpenAPI document the server serves (`/openapi.json`; a test checks
that every route it calls is described there) and imports nothing of the server: httpx only
(the automation routes' answers are typed in automation.py, the others in answers.py).
An error answer raises `ApiError` with the server's sentence and status; the connection pool of
one `Client` is safe to share between threads.
"""

from kafinea_tui.sync.client.answers import Change, Page, Report, RowError
from kafinea_tui.sync.client.calls import ApiError, Params
from kafinea_tui.sync.client.client import SPREADSHEETS, ChangeFeed, Client

__all__ = [
    "SPREADSHEETS",
    "ApiError",
    "Change",
    "ChangeFeed",
    "Client",
    "Page",
    "Params",
    "Report",
    "RowError",
]
