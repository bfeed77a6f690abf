"""A member's copy of a post (issue 20): the sender's mail, with the list's headers and a personal footer.

What a list adds (RFC 2369, RFC 2919, RFC 8058): List-Id, List-Post, List-Archive, List-Help, List-Unsubscribe
(https and mailto) with List-Unsubscribe-Post; X-Loop and Precedence: list so that no list sends it round again;
Sender is the list's bounce address. Headers that would mislead (an earlier list's, DKIM signatures the footer
breaks, delivery traces) are dropped. With `rewrite_from` the From becomes "Name über <Liste>" at the list's
address and the sender goes into Reply-To (DMARC: a provider with p=reject would refuse the copy otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes
from email.headerregistry import Address

from services.notifications.adapters.mail import POLICY

DROPPED = (
    "List-Id",
    "List-Post",
    "List-Archive",
    "List-Help",
    "List-Owner",
    "List-Subscribe",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "X-Loop",
    "Precedence",
    "Sender",
    "Errors-To",
    "Return-Path",
    "Delivered-To",
    "X-Original-To",
    "DKIM-Signature",
    "ARC-Seal",
    "ARC-Message-Signature",
    "ARC-Authentication-Results",
    "Authentication-Results",
)


@dataclass(frozen=True)
class CopyHeaders:
    list_id: str
    list_name: str
    domain: str
    archive_url: str
    unsubscribe_url: str
    manage_url: str
    rewrite_from: bool = False
    reply_to_list: bool = False

    @property
    def address(self) -> str:
        return f"{self.list_id}@{self.domain}"


def list_copy(raw: bytes, h: CopyHeaders) -> bytes:
    """Raises ValueError if the post cannot be written out again (the row is then kept as failed with the reason)."""
    msg = message_from_bytes(raw, policy=POLICY)
    for name in DROPPED:
        del msg[name]
    _subject(msg, h.list_name)
    _from(msg, h)
    msg["List-Id"] = f"{h.list_name} <{h.list_id}.{h.domain}>"
    msg["List-Post"] = f"<mailto:{h.address}>"
    msg["List-Archive"] = f"<{h.archive_url}>"
    msg["List-Help"] = f"<mailto:{h.list_id}-request@{h.domain}?subject=help>"
    msg["List-Unsubscribe"] = f"<{h.unsubscribe_url}>, <mailto:{h.list_id}-leave@{h.domain}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["X-Loop"] = h.address
    msg["Precedence"] = "list"
    msg["Sender"] = f"{h.list_id}-bounces@{h.domain}"
    _footer(msg, h)
    try:
        return msg.as_bytes(policy=POLICY)
    except Exception as exc:
        raise ValueError(f"Beitrag lässt sich nicht weitergeben ({type(exc).__name__}: {exc})") from exc


def _subject(msg, list_name: str) -> None:  # noqa: ANN001
    subject = str(msg["Subject"] or "").strip()
    prefix = f"[{list_name}]"
    if prefix not in subject:
        del msg["Subject"]
        msg["Subject"] = f"{prefix} {subject}".strip()


def _from(msg, h: CopyHeaders) -> None:  # noqa: ANN001
    original = msg["From"]
    sender = original.addresses[0] if original is not None and original.addresses else None
    if h.rewrite_from and sender is not None:
        shown = sender.display_name or sender.username
        del msg["From"]
        msg["From"] = Address(f"{shown} über {h.list_name}", addr_spec=h.address)
        if not h.reply_to_list and msg["Reply-To"] is None:
            msg["Reply-To"] = Address(sender.display_name, addr_spec=sender.addr_spec)
    if h.reply_to_list:
        del msg["Reply-To"]
        msg["Reply-To"] = Address(h.list_name, addr_spec=h.address)


def _footer(msg, h: CopyHeaders) -> None:  # noqa: ANN001
    footer = (
        f"-- \nVerteiler „{h.list_name}“ – {h.address}\n"
        f"Abmelden: {h.unsubscribe_url}\nMeine Verteiler (Zustellart, Adresse): {h.manage_url}\n"
    )
    if not msg.is_multipart() and msg.get_content_type() == "text/plain":
        try:
            text = msg.get_content()
        except (LookupError, ValueError):
            text = None
        if text is not None:
            msg.set_content(text.rstrip("\n") + "\n\n" + footer)
            return
    if msg.get_content_type() != "multipart/mixed":
        msg.make_mixed()
    msg.add_attachment(footer, disposition="inline")
