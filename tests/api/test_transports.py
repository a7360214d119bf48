"""The clients' TLS: one certificate store a process, loaded once, which still verifies."""

from __future__ import annotations

import ssl

from kafinea_tui.sync.client import Client
from kafinea_tui.sync.transports import tls_context


def test_every_client_shares_one_context_that_verifies_servers() -> None:
    context = tls_context()
    assert context is tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # the certificate authorities are loaded
    with Client("https://127.0.0.1:9", "token") as client:  # made with it, not a store of its own
        assert client.http.base_url.scheme == "https"
