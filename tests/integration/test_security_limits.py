"""The public forms' limits cannot be used up by one client for everyone else (issue 19, "Limits and the edges").

Before: 30 random addresses an hour from one client blocked a list's subscriptions for everybody, and the client's
address was whatever uvicorn made of `X-Forwarded-For`. Now a client (its address, an IPv6 /64) has 10 an hour; a
list's 300 count only what passed the client's limit; `X-Forwarded-For` counts only from a configured trusted proxy,
and only its right end; the consent record keeps that same address.

The gateway in-process against a real nats-server, the real notifications and registry services, a real SMTP server
and the notifications service's real SQLite file (tests/web.py).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3

import httpx
import pytest

from services.gateway.entrypoints.web.joining import SUBSCRIBE_PER_CLIENT
from shared.contracts import notifications as n
from tests.web import ORIGIN, WebSystem, form_post, web_system

LAG = "lag-hartz-iv-sachsen"
OWNER = "kathrin@example.org"
SUBSCRIBE = f"/abonnieren/{LAG}"
PROXY = "10.0.0.1"


def browser(system: WebSystem, ip: str) -> httpx.AsyncClient:
    """A browser whose connection comes from `ip` (the socket's peer, as the ASGI server reports it)."""
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app, client=(ip, 40000)), base_url=ORIGIN)
    system._clients.append(client)
    return client


async def with_list(system: WebSystem) -> WebSystem:
    await system.ask(n.CREATE_LIST, n.CreateList(name="LAG Hartz IV Sachsen", owner_address=OWNER, owner_name="K"))
    return system


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path) as running:
        yield await with_list(running)


@pytest.fixture
async def proxied(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, trusted_proxies=f"{PROXY} 10.0.1.0/24") as running:
        yield await with_list(running)


async def subscribe(http: httpx.AsyncClient, address: str, **headers: str) -> int:
    form = await http.get(SUBSCRIBE)
    version = re.search(r'name="consent_version" value="([^"]+)"', form.text).group(1)
    data = {"adresse": address, "name": "", "consent_version": version}
    return (await form_post(http, SUBSCRIBE, data, headers=headers)).status_code


def consent_ips(system: WebSystem) -> dict[str, str]:
    with sqlite3.connect(system.tmp_path / "notifications.sqlite3") as db:
        return dict(db.execute("SELECT address, ip FROM consents"))


async def test_one_client_cannot_block_a_list_for_anyone_else(system: WebSystem) -> None:
    attacker = browser(system, "203.0.113.7")
    answers = [await subscribe(attacker, f"opfer{i}@example.net") for i in range(SUBSCRIBE_PER_CLIENT + 5)]
    assert answers == [200] * SUBSCRIBE_PER_CLIENT + [429] * 5, answers
    # Typing a forwarded address of one's own does not make another client: no proxy is trusted.
    spoofed = await subscribe(attacker, "noch.einer@example.net", **{"X-Forwarded-For": "198.51.100.99"})
    assert spoofed == 429

    # Another person on another line subscribes as if nothing had happened, and her confirmation mail comes: the
    # notifications service's own per-list limit was not used up either.
    assert await subscribe(browser(system, "198.51.100.23"), "anna@example.org") == 200
    await system.app.state.web.background.settle()
    confirmation = await system.mail("anna@example.org", "Bitte bestätigen")
    assert "/bestaetigen?token=" in confirmation.text
    assert consent_ips(system)["anna@example.org"] == "198.51.100.23"


async def test_an_ipv6_line_is_one_client_however_many_addresses_it_has(system: WebSystem) -> None:
    answers = [
        await subscribe(browser(system, f"2001:db8:1:2::{i + 1:x}"), f"v6-{i}@example.net")
        for i in range(SUBSCRIBE_PER_CLIENT + 1)
    ]
    assert answers == [200] * SUBSCRIBE_PER_CLIENT + [429], answers
    assert await subscribe(browser(system, "2001:db8:1:3::1"), "nachbar@example.net") == 200  # another /64


async def test_one_address_is_mailed_three_times_an_hour_at_most(system: WebSystem) -> None:
    """Whoever types an address, from however many lines: three confirmation mails an hour, then no more."""
    answers = [await subscribe(browser(system, f"198.51.100.{i}"), "opfer@example.net") for i in range(1, 6)]
    assert answers == [200, 200, 200, 429, 429], answers
    await system.app.state.web.background.settle()
    await system.mail("opfer@example.net", "Bitte bestätigen")
    for _ in range(100):
        if len(system.smtp.mailbox.to("opfer@example.net")) >= 3:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # mails go out every 0.1 s: a fourth would be here by now
    assert len(system.smtp.mailbox.to("opfer@example.net")) == 3


async def test_behind_a_trusted_proxy_the_forwarded_client_counts_and_only_its_right_end(proxied: WebSystem) -> None:
    proxy = browser(proxied, PROXY)
    # The proxy appends the peer it saw; what the client wrote to the left of it counts for nothing.
    answers = [
        await subscribe(proxy, f"p{i}@example.net", **{"X-Forwarded-For": f"192.0.2.{i}, 203.0.113.50"})
        for i in range(SUBSCRIBE_PER_CLIENT + 1)
    ]
    assert answers == [200] * SUBSCRIBE_PER_CLIENT + [429], answers
    # A chain of trusted proxies (10.0.1.0/24 behind 10.0.0.1) is walked through to the first one not trusted.
    chained = {"X-Forwarded-For": "192.0.2.1, 203.0.113.51, 10.0.1.7"}
    assert await subscribe(proxy, "kette@example.net", **chained) == 200
    # Two clients behind the proxy have a limit each; the proxy itself is nobody's limit.
    assert await subscribe(proxy, "anna@example.org", **{"X-Forwarded-For": "198.51.100.23"}) == 200
    # The same header from a peer that is no trusted proxy is ignored: that peer is the client.
    stranger = browser(proxied, "203.0.113.50")
    assert await subscribe(stranger, "direkt@example.net", **{"X-Forwarded-For": "198.51.100.24"}) == 429
    await proxied.app.state.web.background.settle()
    await proxied.mail("anna@example.org", "Bitte bestätigen")
    ips = consent_ips(proxied)
    assert ips["anna@example.org"] == "198.51.100.23" and ips["kette@example.net"] == "203.0.113.51"
    assert ips["p0@example.net"] == "203.0.113.50"


async def test_sign_in_and_link_requests_count_by_the_real_client_too(system: WebSystem) -> None:
    spoofing = browser(system, "203.0.113.8")
    statuses = [
        (
            await form_post(
                spoofing, "/anmelden", {"adresse": f"a{i}@example.net"}, headers={"X-Forwarded-For": f"192.0.2.{i}"}
            )
        ).status_code
        for i in range(21)
    ]
    assert statuses == [200] * 20 + [429], statuses
    links = [
        (
            await form_post(
                spoofing,
                "/meine-verteiler/link",
                {"adresse": f"b{i}@example.net"},
                headers={"X-Forwarded-For": f"192.0.2.{i}"},
            )
        ).status_code
        for i in range(11)
    ]
    assert links == [200] * 10 + [429], links
    assert (await form_post(browser(system, "198.51.100.5"), "/anmelden", {"adresse": OWNER})).status_code == 200


def test_trusted_proxies_is_checked_in_german() -> None:
    from services.gateway.config import GatewaySettings

    assert GatewaySettings(trusted_proxies="10.0.0.1, 192.168.0.0/24  ::1").trusted_proxies == (
        "10.0.0.1/32 192.168.0.0/24 ::1/128"
    )
    assert GatewaySettings().trusted_proxies == ""
    with pytest.raises(ValueError, match="TRUSTED_PROXIES: IP-Adressen oder Netze"):
        GatewaySettings(trusted_proxies="proxy.example")
