"""Reading an incoming mail defensively (issue 20): limits on size, headers and parts; broken MIME is refused
with a reason instead of an exception somewhere later."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.utils import getaddresses, parseaddr

from services.notifications.domain.inbound import Incoming, Unreadable

MAX_HEADER_LINES = 500
MAX_HEADER_BYTES = 256 * 1024
MAX_PARTS = 200
EXCERPT = 4000
_TAGS = re.compile(r"<[^>]*>")


def read(raw: bytes, envelope_sender: str = "", max_bytes: int = 10 * 1024 * 1024) -> Incoming:
    head, _, _ = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    fallback = parseaddr(envelope_sender)[1].lower()
    if len(raw) > max_bytes:
        raise Unreadable(f"Die Mail ist zu groß ({len(raw) // 1024} KB, höchstens {max_bytes // 1024} KB).", fallback)
    if len(head) > MAX_HEADER_BYTES or head.count(b"\n") > MAX_HEADER_LINES:
        raise Unreadable("Der Kopf der Mail ist zu lang (zu viele oder zu große Kopfzeilen).", fallback)
    try:
        msg = message_from_bytes(raw, policy=policy.default)
        headers = {k.lower(): str(v) for k, v in reversed(msg.items())}  # reversed: the first value wins
        x_loop = [str(v) for v in msg.get_all("X-Loop", [])]
    except Exception as exc:
        raise Unreadable(f"Die Kopfzeilen der Mail sind nicht lesbar ({type(exc).__name__}).", fallback) from exc
    sender, name = _sender(msg, fallback)
    parts = list(_walk(msg))
    if len(parts) > MAX_PARTS:
        raise Unreadable(f"Die Mail hat zu viele Teile ({len(parts)}, höchstens {MAX_PARTS}).", sender)
    recipients = len(getaddresses([*msg.get_all("To", []), *msg.get_all("Cc", [])]))
    return Incoming(
        sender=sender,
        sender_name=name,
        subject=" ".join(headers.get("subject", "").split())[:300],
        message_id=headers.get("message-id", "").strip()[:300],
        headers=headers,
        x_loop=x_loop,
        size=len(raw),
        attachments=any(_is_attachment(p) for p in parts),
        recipients=recipients,
        text=_text(msg),
    )


def _sender(msg, fallback: str) -> tuple[str, str]:  # noqa: ANN001
    try:
        found = msg["From"].addresses if msg["From"] is not None else ()
    except Exception:  # noqa: BLE001 - an unparsable From: the envelope sender stands in
        found = ()
    first: Address | None = found[0] if found else None
    address = (first.addr_spec if first else "").lower()
    if "@" not in address:  # no From, or one without a domain: the envelope sender stands in
        address, first = fallback, None
    if "@" not in address:
        raise Unreadable("Die Mail hat keinen lesbaren Absender (From).", fallback)
    return address, " ".join((first.display_name if first else "").split())[:100]


def _walk(msg):  # noqa: ANN001, ANN202
    try:
        yield from msg.walk()
    except Exception as exc:
        raise Unreadable(f"Der Aufbau der Mail (MIME) ist fehlerhaft ({type(exc).__name__}).") from exc


def _is_attachment(part) -> bool:  # noqa: ANN001
    if part.is_multipart():
        return False
    return part.get_content_disposition() == "attachment" or part.get_content_maintype() not in ("text", "message")


def _text(msg) -> str:  # noqa: ANN001
    try:
        body = msg.get_body(("plain", "html"))
        if body is None:
            return ""
        text = body.get_content()
    except Exception:  # noqa: BLE001 - an unknown charset or broken transfer encoding: no excerpt, the mail itself stays
        return ""
    if body.get_content_subtype() == "html":
        text = _TAGS.sub(" ", text)
    return text[:EXCERPT]
