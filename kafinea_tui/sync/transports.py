"""How the API clients reach a server: the certificate store, loaded once a process, and the
transport over a workspace owner's Unix socket, which needs none.

httpx loads the system's certificate authorities into a new TLS context for every client and
transport it makes, TLS or not: ~35 ms of CPU each, more than a small request costs. A command
run through the owner makes one client (over the socket, where no TLS is spoken); the app on a
server, the tests and the benches make many (over TCP, where https needs the store).
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def tls_context(trust_env: bool = True) -> ssl.SSLContext:
    """httpx's default TLS context (its certificate authorities; `SSL_CERT_FILE` and
    `SSL_CERT_DIR` honoured if `trust_env`, as a client with that setting does), made once and
    shared: a context is safe to share between clients and threads, and verifies each server
    as a new one would."""
    return httpx.create_ssl_context(trust_env=trust_env)


def socket_transport(path: str) -> httpx.HTTPTransport:
    """HTTP over the Unix socket at `path`. Its TLS context trusts no authority and loads
    none: the socket speaks plain HTTP, and a TLS connection, were one ever tried, would fail
    rather than go unverified."""
    return httpx.HTTPTransport(uds=path, verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
