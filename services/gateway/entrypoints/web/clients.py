"""Who is asking: the client's address that the public forms' limits count by.

The address is the socket's peer. Only when that peer is one of the configured trusted proxies (setting
TRUSTED_PROXIES, default none) is `X-Forwarded-For` read: from its right end, each hop a trusted proxy added is
believed, and the first address that is no trusted proxy is the client. Whatever stands further left was written
by the client itself and counts for nothing, so nobody chooses their own key by sending the header.

An IPv6 client holds a whole /64 network (every home line gets one); it counts as one client, else a single line
could ask as often as it has addresses.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.requests import Request

from services.gateway.entrypoints.web.context import web_of

Network = IPv4Network | IPv6Network
UNKNOWN = "unbekannt"


def trusted_networks(value: str) -> tuple[Network, ...]:
    """`"10.0.0.1 192.168.0.0/24, ::1"` → networks; ValueError on anything else."""
    return tuple(ip_network(item, strict=False) for item in value.replace(",", " ").split())


def _address(text: str) -> IPv4Address | IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.5:51234"
        text = text.split(":")[0]
    try:
        found = ip_address(text)
    except ValueError:
        return None
    if isinstance(found, IPv6Address) and found.ipv4_mapped:
        return found.ipv4_mapped
    return found


def client_key(found: IPv4Address | IPv6Address) -> str:
    if isinstance(found, IPv6Address):
        return str(ip_network(f"{found}/64", strict=False))
    return str(found)


def client_ip(request: Request, trusted: tuple[Network, ...] = ()) -> IPv4Address | IPv6Address | None:
    """The client's own address (for the consent record), from the socket or a trusted proxy's header."""
    peer = _address(request.client.host) if request.client else None
    if peer is None or not trusted:
        return peer

    def is_trusted(found: IPv4Address | IPv6Address) -> bool:
        return any(found.version == net.version and found in net for net in trusted)

    if not is_trusted(peer):
        return peer
    hops = [hop for header in request.headers.getlist("x-forwarded-for") for hop in header.split(",")]
    current = peer
    for hop in reversed(hops):
        found = _address(hop)
        if found is None:  # garbage: the last hop we believe is who we know
            break
        current = found
        if not is_trusted(found):
            break
    return current


def asking(request: Request) -> tuple[str, str]:
    """(the key the limits count by, the address for the consent record) of a web page's request."""
    found = client_ip(request, web_of(request).trusted_proxies)
    return (client_key(found), str(found)) if found is not None else (UNKNOWN, "")
