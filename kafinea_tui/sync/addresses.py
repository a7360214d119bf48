"""A TCP address as a person types it for the API server: `127.0.0.1:8765`, `[::1]:8765`,
`0.0.0.0:9000`, or a port alone (on 127.0.0.1, this machine only: exposing the API to a
network is a choice to type, never a default)."""

from __future__ import annotations

from kafinea_tui.data.errors import KafineaError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def parse_address(text: str) -> tuple[str, int]:
    """(host, port); a KafineaError sentence for anything else."""
    text = text.strip()
    if not text:
        return DEFAULT_HOST, DEFAULT_PORT
    host, port_text = DEFAULT_HOST, text
    if text.startswith("["):  # [IPv6]:port
        inside, bracket, rest = text[1:].partition("]")
        if not bracket or not inside or not rest.startswith(":"):
            raise KafineaError(f"Write an IPv6 address as [::1]:8765, not {text!r}.")
        host, port_text = inside, rest[1:]
    elif ":" in text:
        host, _, port_text = text.rpartition(":")
        if ":" in host or not host:
            raise KafineaError(
                f"Write the address as host:port (e.g. 127.0.0.1:8765), not {text!r}."
            )
    if not port_text.isdigit() or not 0 < int(port_text) <= 65535:
        raise KafineaError(f"The port is a number from 1 to 65535, not {port_text!r}.")
    return host, int(port_text)
