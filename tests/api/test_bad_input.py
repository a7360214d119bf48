"""Bad input over HTTP gets a JSON sentence and a 4xx (or 507 for a full disk), never a 500:
integers past 64 bits, deep filters, encodings outside the list, a full disk. Real HTTP on
127.0.0.1, one class per kind of input."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kafinea_tui.data.store.database import Store
from kafinea_tui.data.store.tokens import create_token
from kafinea_tui.sync.transports import tls_context
from tests.api.server import serve

API = "/api/v1"
HUGE = "99999999999999999999999"


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    store = Store.open(":memory:")
    store.create("contacts", {"last_name": "Lee", "mailing_city": "Lyon"})
    token = create_token(store, "client")
    headers = {"Authorization": f"Bearer {token}"}
    with (
        serve(store) as base,
        httpx.Client(base_url=base, headers=headers, timeout=60, verify=tls_context()) as client,
    ):
        yield client
    store.close()


def sentence(answer: httpx.Response, status: int = 400) -> str:
    assert answer.status_code == status, answer.text
    text = answer.json()["error"]
    assert isinstance(text, str) and "Traceback" not in text
    return text


class TestIntegersPast64Bits:
    @pytest.mark.parametrize(
        ("path", "params", "named"),
        [
            (f"{API}/contacts/records/{HUGE}", {}, "record id"),
            (f"{API}/contacts/records", {"offset": HUGE}, "offset"),
            (f"{API}/contacts/records", {"limit": HUGE}, "limit"),
            (f"{API}/contacts/export", {"ids": f"1,{HUGE}"}, "ids"),
            (f"{API}/contacts/export", {"page": HUGE}, "page"),
            (f"{API}/contacts/export", {"page": "1", "page_size": HUGE}, "page_size"),
        ],
    )
    def test_is_a_400_naming_the_parameter(
        self, http: httpx.Client, path: str, params: dict[str, str], named: str
    ) -> None:
        assert named in sentence(http.get(path, params=params))


class TestDeepAndLongFilters:
    def test_a_thousand_or_terms_filter(self, http: httpx.Client) -> None:
        chain = " or ".join(f'mailing_city = "City {i}"' for i in range(999))
        answer = http.get(
            f"{API}/contacts/records", params={"filter": chain + " or mailing_city = Lyon"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == 1

    @pytest.mark.parametrize("opener", ["(", "not "])
    def test_deep_nesting_is_a_400_at_the_level_too_deep(
        self, http: httpx.Client, opener: str
    ) -> None:
        closer = ")" if opener == "(" else ""
        expression = opener * 5000 + "mailing_city = 1" + closer * 5000
        answer = http.get(f"{API}/contacts/records", params={"filter": expression})
        assert "nested more than 100 levels deep" in sentence(answer)
        assert answer.json()["position"] == 100 * len(opener)  # the 101st opener


class TestEncodingsAreAClosedList:
    @pytest.mark.parametrize("name", ["rot13", "base64", "zlib", "utf-7", "unicode_escape"])
    def test_another_name_is_a_400(self, http: httpx.Client, name: str) -> None:
        answer = http.post(
            f"{API}/contacts/import",
            params={"encoding": name},
            content=b"Last Name\nDupont\n",
            headers={"Content-Type": "text/csv"},
        )
        assert "Unknown encoding" in sentence(answer)

    def test_an_alias_is_read(self, http: httpx.Client) -> None:
        answer = http.post(
            f"{API}/contacts/import",
            params={"encoding": "latin-1"},
            content="Last Name\nDupré\n".encode("latin-1"),
            headers={"Content-Type": "text/csv"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["created"] == 1


class TestAFullDisk:
    def test_an_import_is_a_507_and_the_workspace_stays_usable(self, tmp_path: Path) -> None:
        disk = tmp_path / "disk"
        disk.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)], capture_output=True
        )
        if mounted.returncode != 0:
            pytest.skip("a small tmpfs cannot be mounted here (needs root and mount rights)")
        try:
            filler = disk / "filler"
            filler.write_bytes(b"\0" * 22 * 2**20)  # 2 MB free, half of the 4 MB body
            store = Store.open(disk / "kafinea.duckdb")
            token = create_token(store, "client")
            body = "".join(
                f"Jean{i},Dupont{i},p{i}@example.com,{'x' * 60}{i}\n" for i in range(40_000)
            )
            with (
                serve(store) as base,
                httpx.Client(
                    base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
                ) as client,
            ):
                answer = client.post(
                    f"{API}/contacts/import",
                    content=("First Name,Last Name,Email,Description\n" + body).encode(),
                    headers={"Content-Type": "text/csv"},
                )
                assert "disk holding the workspace is full" in sentence(answer, 507)
                filler.unlink()
                again = client.post(f"{API}/contacts/records", json={"last_name": "Après"})
                assert again.status_code in (200, 201), again.text
                listed = client.get(f"{API}/contacts/records").json()
                assert listed["total"] == 1
            store.close()
        finally:
            subprocess.run(["umount", "-l", str(disk)], capture_output=True)
