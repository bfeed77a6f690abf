"""Who is asking (web/clients.py): the socket's peer, or behind a trusted proxy the right end of X-Forwarded-For.
(In tests/integration: the module reads Starlette requests, which the unit suite does not import.)"""

from __future__ import annotations

import pytest
from starlette.requests import Request

from services.gateway.entrypoints.web.clients import client_ip, client_key, trusted_networks

PROXIES = trusted_networks("10.0.0.1, 10.0.1.0/24 fd00::/8")


def request(peer: str | None, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "headers": headers, "client": (peer, 1234) if peer else None})


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.5", ["198.51.100.1"], "203.0.113.5"),  # no trusted proxy: the header is the client's own words
        ("10.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        ("10.0.0.1", ["1.2.3.4, 198.51.100.1"], "198.51.100.1"),  # left of the proxy's hop: the client's words
        ("10.0.0.1", ["1.2.3.4", "198.51.100.1, 10.0.1.9"], "198.51.100.1"),  # two headers, a chain of proxies
        ("10.0.0.1", ["10.0.1.8, 10.0.1.9"], "10.0.1.8"),  # only proxies: the farthest one
        ("10.0.0.1", ["198.51.100.1, kaputt"], "10.0.0.1"),  # garbage: the last hop believed
        ("10.0.0.1", [], "10.0.0.1"),
        ("10.0.0.1", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("10.0.0.1", ["198.51.100.1:5555"], "198.51.100.1"),
        ("::ffff:203.0.113.5", [], "203.0.113.5"),
        ("fd00::1", ["::ffff:198.51.100.2"], "198.51.100.2"),
    ],
)
def test_the_client_behind_trusted_proxies(peer: str, forwarded: list[str], expected: str) -> None:
    assert str(client_ip(request(peer, *forwarded), PROXIES)) == expected


def test_without_a_peer_or_trusted_proxies() -> None:
    assert client_ip(request(None, "198.51.100.1"), PROXIES) is None
    assert str(client_ip(request("10.0.0.1", "198.51.100.1"))) == "10.0.0.1"


def test_an_ipv6_line_is_one_key() -> None:
    first = client_key(client_ip(request("2001:db8:1:2::1")))
    assert first == client_key(client_ip(request("2001:db8:1:2:ffff::9"))) == "2001:db8:1:2::/64"
    assert first != client_key(client_ip(request("2001:db8:1:3::1")))
    assert client_key(client_ip(request("203.0.113.5"))) == "203.0.113.5"
