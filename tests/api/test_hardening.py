"""The API under what clients and attackers send: bodies past the limit, wrong methods, repeated
or empty parameters, errors on a keep-alive connection, and writes beside a long export.
One class per promise; all over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator

import httpx
import pytest

from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.sync.transports import tls_context
from tests.api.server import serve

API = "/api/v1"


@pytest.fixture(autouse=True)
def one_contact(store: Store) -> None:
    store.create("contacts", {"last_name": "Lee", "email": "ann@x.fr"})


def authorized(base: str, store: Store, name: str = "client") -> httpx.Client:
    token = create_token(store, name)
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=base, headers=headers, timeout=60, verify=tls_context())


def local_port(answer: httpx.Response) -> int:
    """The client's port of the connection an answer came on: the same port, the same
    connection."""
    stream = answer.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


class TestAnErrorKeepsTheConnection:
    def test_every_error_status_leaves_the_connection_usable(self, store: Store) -> None:
        with serve(store, max_body_mb=0.01) as base, authorized(base, store) as http:
            first = http.get(f"{API}/health")
            errors = [
                http.get(f"{API}/contacts/records", params={"limit": "x"}),  # 400
                http.get(f"{API}/contacts/records/999"),  # 404
                http.put(f"{API}/contacts/records/1", json={}),  # 405
                http.post(f"{API}/contacts/import", content=b"x" * 20_000),  # 413
                http.patch(f"{API}/contacts/records/1", json={"last_name": ""}),  # 422
            ]
            assert [e.status_code for e in errors] == [400, 404, 405, 413, 422]
            after = http.get(f"{API}/health")
            assert after.status_code == 200
            assert {local_port(a) for a in [first, *errors, after]} == {local_port(first)}

    def test_a_500_leaves_the_connection_usable(self, store: Store) -> None:
        with serve(store) as base, authorized(base, store) as http:
            first = http.get(f"{API}/health")
            # Something no client can cause: the records' table gone under the server.
            store.cursor().execute("DROP TABLE contacts")
            failed = http.get(f"{API}/contacts/records")
            assert failed.status_code == 500
            assert failed.json() == {
                "error": "The server failed unexpectedly; the details are in its log."
            }
            after = http.get(f"{API}/health")
            assert after.status_code == 200 and local_port(after) == local_port(first)


class TestBodiesHaveALimit:
    def test_a_declared_length_past_the_limit_is_refused_unread(self, store: Store) -> None:
        with serve(store, max_body_mb=1) as base, authorized(base, store) as http:
            answer = http.post(f"{API}/contacts/records", content=b"[" + b" " * 2**21 + b"]")
            assert answer.status_code == 413
            assert "1 MB" in answer.json()["error"] and "--max-body-mb" in answer.json()["error"]
            assert http.get(f"{API}/health").status_code == 200

    def test_a_streamed_body_is_cut_as_it_passes_the_limit(self, store: Store) -> None:
        chunks_sent = 0

        def chunks() -> Iterator[bytes]:
            nonlocal chunks_sent
            yield b"Last Name\n"
            for _ in range(64):  # 64 x 64 KiB = 4 MiB, no Content-Length
                chunks_sent += 1
                yield b"x" * 65_535 + b"\n"

        with serve(store, max_body_mb=1) as base, authorized(base, store) as http:
            answer = http.post(f"{API}/contacts/import", content=chunks())
            assert answer.status_code == 413
        assert store.count("contacts") == 1

    def test_a_body_under_the_limit_goes_through(self, store: Store) -> None:
        with serve(store, max_body_mb=1) as base, authorized(base, store) as http:
            body = [{"last_name": f"N{n}", "description": "d" * 1000} for n in range(500)]
            answer = http.post(f"{API}/contacts/records", json=body)
            assert answer.status_code == 200 and answer.json()["created"] == 500


class TestMethodNotAllowedSaysWhatIs:
    def test_405_carries_allow_with_every_method_of_the_path(self, store: Store) -> None:
        with serve(store) as base, authorized(base, store) as http:
            one = http.put(f"{API}/contacts/records/1", json={})
            assert one.status_code == 405 and "PUT" in one.json()["error"]
            assert set(one.headers["allow"].split(", ")) == {"GET", "HEAD", "PATCH", "DELETE"}
            many = http.delete(f"{API}/contacts/records")
            assert set(many.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
            export = http.delete(f"{API}/contacts/export")
            assert set(export.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


class TestParametersGivenTwiceOrEmpty:
    @pytest.mark.parametrize(
        "query",
        [
            "limit=5&limit=6",
            "offset=1&offset=1",
            "limit=",
            "offset=",
            "limit=1e3",
            "offset=99999999999999999999999",
            "filter=a&filter=b",
            "format=",
            "sort=",
            "sort=,",
            "sort=--last_name",
            "fields=",
        ],
    )
    def test_is_a_400_naming_the_parameter(self, store: Store, query: str) -> None:
        route = "export" if query.startswith(("format", "fields")) else "records"
        with serve(store) as base, authorized(base, store) as http:
            answer = http.get(f"{API}/contacts/{route}?{query}")
            assert answer.status_code == 400
            assert query.split("=")[0] in answer.json()["error"]

    def test_a_record_id_past_64_bits_is_a_400(self, store: Store) -> None:
        with serve(store) as base, authorized(base, store) as http:
            answer = http.get(f"{API}/contacts/records/{2**64}")
            assert answer.status_code == 400 and "record id" in answer.json()["error"]


class TestBodiesJsonAllowsButNothingCanHold:
    """Every route reading a JSON body refuses, as a 400 naming the place, what `json.loads`
    accepts but nothing after it can hold."""

    ROUTES = (
        ("POST", "/contacts/records", '{"last_name": %s}'),
        ("PATCH", "/contacts/records/1", '{"title": %s}'),
        ("POST", "/contacts/matching", '{"search": %s}'),
        ("POST", "/contacts/update", '{"filter": "", "values": {"title": %s}}'),
        ("POST", "/tokens", '{"name": %s}'),
    )

    def test_half_a_utf16_pair_is_a_400_naming_where(self, store: Store) -> None:
        with serve(store) as base, authorized(base, store) as http:
            for method, route, body in self.ROUTES:
                content = (body % '"Lee \\ud83d"').encode()  # the escape, as JSON writes it
                answer = http.request(method, f"{API}{route}", content=content)
                assert answer.status_code == 400, (route, answer.text)
                assert "\\ud83d, half of a UTF-16 pair" in answer.json()["error"], route
            named = http.post(f"{API}/contacts/records", content=b'[{}, {"title": "\\udc00"}]')
            assert "at [1].title holds" in named.json()["error"]
            # A whole pair is one character, kept.
            paired = http.post(
                f"{API}/contacts/records", content=b'{"last_name": "\\ud83d\\ude00"}'
            )
            assert paired.status_code == 200, paired.text
            assert store.cursor().execute(
                "SELECT count(*) FROM contacts WHERE last_name = '\U0001f600'"
            ).fetchall() == [(1,)]

    def test_nesting_past_the_parser_is_a_400(self, store: Store) -> None:
        deep = ("[" * 5000 + "]" * 5000).encode()
        with serve(store) as base, authorized(base, store) as http:
            for method, route, body in self.ROUTES:
                answer = http.request(
                    method, f"{API}{route}", content=(body % deep.decode()).encode()
                )
                assert answer.status_code == 400, (route, answer.text)
                assert answer.json()["error"] == "The body nests its arrays and objects too deeply."


class TestWhatANameCanBe:
    def test_a_token_name_with_a_slash_is_refused_as_its_revoking_path_cannot_hold_it(
        self, store: Store
    ) -> None:
        with serve(store) as base, authorized(base, store) as http:
            answer = http.post(f"{API}/tokens", json={"name": "a/b"})
            assert answer.status_code == 400 and "other than /" in answer.json()["error"]

    def test_a_missing_import_or_token_is_a_404(self, store: Store) -> None:
        with serve(store) as base, authorized(base, store) as http:
            assert http.post(f"{API}/imports/999/undo").status_code == 404
            assert http.delete(f"{API}/tokens/nobody").status_code == 404

    def test_matching_lists_the_keys_it_takes(self, store: Store) -> None:
        with serve(store) as base, authorized(base, store) as http:
            answer = http.post(f"{API}/contacts/matching", json={"ids": [1]})
            assert answer.status_code == 400
            assert answer.json()["error"] == (
                "The body has no key 'ids'; it takes filter, search, among."
            )


class TestTheDocumentNeedsNoToken:
    def test_openapi_and_health_answer_without_a_token(self, store: Store) -> None:
        with serve(store) as base:
            assert httpx.get(f"{base}/openapi.json").status_code == 200
            assert httpx.get(f"{base}{API}/health").status_code == 200
            assert httpx.get(f"{base}{API}/modules").status_code == 401


class TestAnImportNeverDisturbsOtherRequests:
    def test_creates_and_imports_beside_a_long_export(self) -> None:
        """While exports of 200,000 contacts run, single creates and CSV imports go on: no 5xx,
        and every export is complete and in id order."""
        store = Store.open(":memory:")
        with store.transaction() as cur:
            cur.execute(
                "INSERT INTO contacts (id, created_at, modified_at, last_name, email)"
                " SELECT i, now(), now(), 'Name' || i, 'p' || i || '@x.test'"
                " FROM range(1, 200001) t(i)"
            )
            cur.execute("CREATE OR REPLACE SEQUENCE contacts_id_seq START WITH 200001")
        statuses: list[int] = []
        exports: list[list[int]] = []
        with (
            serve(store) as base,
            authorized(base, store, "exporter") as reader,
            authorized(base, store, "writer") as writer,
        ):

            def export() -> None:
                answer = reader.get(f"{API}/contacts/export", params={"fields": "id"})
                statuses.append(answer.status_code)
                rows = list(csv.reader(io.StringIO(answer.text)))[1:]
                exports.append([int(r[0]) for r in rows])

            readers = [threading.Thread(target=export) for _ in range(2)]
            for thread in readers:
                thread.start()
            for n in range(8):
                created = writer.post(f"{API}/contacts/records", json={"last_name": f"C{n}"})
                imported = writer.post(
                    f"{API}/contacts/import", content=f"Last Name\nI{n}\n".encode()
                )
                statuses.extend([created.status_code, imported.status_code])
            for thread in readers:
                thread.join()
        assert set(statuses) == {200}
        for ids in exports:
            assert len(ids) >= 200_000 and ids == sorted(ids)
        assert store.count("contacts") == 200_016
        store.close()
