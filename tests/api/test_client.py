"""`kafinea_tui.client` against a real server on 127.0.0.1: every call, its types, its errors,
and the shop scenario of the README (orders sent as they happen, changes pulled by cursor)."""

from __future__ import annotations

import csv
import io
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kafinea_tui.client import ApiError, Client, Report
from kafinea_tui.data.importer.undo import list_batches
from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from tests.api.server import serve
from tests.fifo import fifo_read


@pytest.fixture
def shop(store: Store) -> Iterator[tuple[Store, Client, Client]]:
    """A store with one product; clients with the tokens `shop` and `reader` (read-only)."""
    store.create("products", {"product_code": "P-100", "name": "Widget", "unit_price": "10"})
    shop_token = create_token(store, "shop")
    reader_token = create_token(store, "reader", read_only=True)
    with (
        serve(store) as base,
        Client(base, shop_token) as client,
        Client(base, reader_token) as reader,
    ):
        yield store, client, reader


def order(number: int) -> dict[str, object]:
    return {
        "order_number": f"WEB-{number}",
        "subject": f"Web order {number}",
        "contact": f"buyer{number % 7}@example.test",
        "status": "Approved",
        "items": [{"product": "P-100", "quantity": 1 + number % 3, "list_price": 10}],
    }


def test_create_read_update_delete(shop: tuple[Store, Client, Client]) -> None:
    store, client, _ = shop
    report = client.create("salesorders", order(1))
    assert isinstance(report, Report)
    assert (report.created, report.related_created, report.batch) == (1, 1, None)
    page = client.records("salesorders", filter='order_number = "WEB-1"')
    assert page.total == 1
    saved = page.records[0]
    assert saved["contact"] == "buyer1@example.test" and saved["items"][0]["quantity"] == 2.0
    assert client.record("salesorders", saved["id"]) == saved
    updated = client.update("salesorders", saved["id"], {"status": "Shipped"})
    assert updated["status"] == "Shipped"
    client.delete("salesorders", saved["id"])
    with pytest.raises(ApiError) as gone:
        client.record("salesorders", saved["id"])
    assert gone.value.status == 404 and "has no record" in gone.value.sentence
    assert store.count("salesorders") == 0


def test_errors_are_api_errors_with_the_servers_sentence(
    shop: tuple[Store, Client, Client],
) -> None:
    _, client, reader = shop
    with pytest.raises(ApiError) as bad_filter:
        client.records("contacts", filter='last_name = "x')
    assert bad_filter.value.status == 400 and bad_filter.value.position == 12
    with pytest.raises(ApiError) as read_only:
        reader.create("contacts", {"last_name": "X"})
    assert read_only.value.status == 403 and "read-only" in read_only.value.sentence
    with pytest.raises(ApiError) as refused:
        client.update("products", 1, {"product_code": ""})
    assert refused.value.status == 422 and "Product Code is mandatory" in refused.value.sentence
    failed = client.create("contacts", [{"last_name": "A"}, {"last_name": "B", "email": "b@"}])
    assert failed.failed == 1 and failed.errors[0].line == 2
    assert failed.errors[0].column == "email" and "not an email" in failed.errors[0].reason


def test_a_list_is_one_batch_described_in_past_imports(shop: tuple[Store, Client, Client]) -> None:
    store, client, _ = shop
    report = client.create("salesorders", [order(n) for n in range(3)])
    assert report.created == 3 and report.batch is not None
    batch = list_batches(store)[0]
    assert batch.id == report.batch and batch.file == (
        "3 Sales Orders records posted through the API by token 'shop'"
    )


def test_import_and_export_csv(shop: tuple[Store, Client, Client], tmp_path: Path) -> None:
    _, client, reader = shop
    report = client.import_csv(
        "contacts",
        "Nom;Courriel\nDupont;dupont@x.fr\nMartin;bad@\n",
        delimiter="semicolon",
        map={"Nom": "last_name", "Courriel": "email"},
    )
    assert (report.created, report.failed, report.errors[0].line) == (1, 1, 3)
    text = reader.export_csv("contacts", fields="last_name,email", sort="last_name")
    assert list(csv.reader(io.StringIO(text.decode()))) == [
        ["Last Name", "Email"],
        ["Dupont", "dupont@x.fr"],
    ]
    target = tmp_path / "contacts.csv"
    assert reader.export_csv("contacts", to=target, fields="last_name,email") == 1
    assert target.read_bytes() == text
    # A named pipe is written into, not replaced by a file renamed over it.
    pipe = tmp_path / "pipe"
    with fifo_read(pipe) as received:
        assert reader.export_csv("contacts", to=pipe, fields="last_name,email") == 1
    assert received == [text] and stat.S_ISFIFO(pipe.stat().st_mode)
    source = tmp_path / "again.csv"
    source.write_bytes(text)
    again = client.import_csv("contacts", source, duplicates="merge", match=["email"])
    assert (again.created, again.merged) == (0, 1)
    with pytest.raises(ApiError) as wrong:
        reader.export_csv("contacts", encoding="ebcdic")
    assert wrong.value.status == 400


def test_changes_iterate_every_page_and_keep_the_cursor(
    shop: tuple[Store, Client, Client],
) -> None:
    _, client, reader = shop
    feed = reader.changes("salesorders")
    assert list(feed) == [] and feed.cursor is None
    client.create("salesorders", [order(n) for n in range(5)])
    client.create("salesorders", order(5))
    feed = reader.changes("salesorders", page_size=2)
    seen = list(feed)
    assert [c.op for c in seen] == ["create"] * 6
    assert {c.token for c in seen} == {"shop"} and {c.source for c in seen} == {"api"}
    assert feed.cursor == seen[-1].cursor
    order_id = seen[0].id
    client.update("salesorders", order_id, {"status": "Shipped"})
    later = list(reader.changes("salesorders", since=feed.cursor))
    assert [(c.op, c.id, c.fields) for c in later] == [("update", order_id, ["status"])]


@pytest.mark.parametrize("orders", [200, pytest.param(1000, marks=pytest.mark.slow)])
def test_orders_from_twenty_threads_arrive_once(
    shop: tuple[Store, Client, Client], orders: int
) -> None:
    """The issue's "done when" (a thousand orders, `slow`: ~12 CPU-seconds; 200 in the usual
    run): all arrive once, and the feed has each once with its token."""
    store, client, reader = shop
    failures: list[BaseException] = []

    def send(first: int) -> None:
        try:
            for number in range(first, orders, 20):
                assert client.create("salesorders", order(number)).created == 1
        except BaseException as error:  # reported to the test's thread
            failures.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert store.count("salesorders") == orders
    creates = [c for c in reader.changes("salesorders") if c.op == "create"]
    assert len(creates) == len({c.id for c in creates}) == orders
    assert {c.token for c in creates} == {"shop"}
    assert list_batches(store) == []


def test_import_file_sends_a_workbook_and_its_sheet(
    shop: tuple[Store, Client, Client], tmp_path: Path
) -> None:
    import xlsxwriter

    store, client, _ = shop
    path = tmp_path / "products.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Empty")
    sheet = book.add_worksheet("Catalogue")
    sheet.write_row(0, 0, ["Product Code", "Product Name", "Unit Price"])
    sheet.write_row(1, 0, ["P-200", "Gadget", 12.5])
    sheet.write_row(2, 0, ["P-300", "Gizmo", 7])
    book.close()
    report = client.import_file("products", path, sheet="Catalogue")
    assert (report.created, report.failed, report.unmapped) == (2, 0, [])
    again = client.import_csv(
        "products", path, sheet=2, duplicates="ignore", match=["product_code"]
    )
    assert (again.skipped, again.created) == (2, 0)
    prices = store.cursor().execute(
        "SELECT product_code, unit_price FROM products ORDER BY product_code"
    )
    assert [(code, float(price)) for code, price in prices.fetchall()] == [
        ("P-100", 10.0),
        ("P-200", 12.5),
        ("P-300", 7.0),
    ]
