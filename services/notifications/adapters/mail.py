"""Building messages: `email.message.EmailMessage` with `policy.SMTP`, no hand-made headers.

List mail carries `List-Id`, `List-Unsubscribe` (https and mailto) and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 2369, RFC 8058). The Message-ID is
derived from the event and recipient, so a message sent twice is recognisably the same message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime


@dataclass(frozen=True)
class Sender:
    address: str  # "verteiler@beratungsnetz.example"
    name: str = "Beratungsnetz"
    domain: str = "beratungsnetz.example"  # for List-Id and Message-ID


@dataclass(frozen=True)
class Outgoing:
    to_address: str
    to_name: str
    subject: str
    text: str
    html: str
    event_id: str
    list_id: str | None = None
    list_name: str = ""
    unsubscribe_url: str = ""
    unsubscribe_mailto: str = ""
    attachments: tuple[tuple[str, str, bytes], ...] = field(default=())  # (filename, mime type, content)


def message_id(event_id: str, recipient: str, domain: str) -> str:
    digest = hashlib.sha256(f"{event_id}\x00{recipient}".encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build(mail: Outgoing, sender: Sender, now: datetime) -> EmailMessage:
    """Raises ValueError if any header value would carry a line break (header injection)."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = Address(sender.name, addr_spec=sender.address)
    local, _, domain = mail.to_address.partition("@")
    msg["To"] = Address(mail.to_name, local, domain)
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(mail.event_id, mail.to_address, sender.domain)
    msg["Auto-Submitted"] = "auto-generated"
    if mail.list_id:
        msg["List-Id"] = f"{mail.list_name} <{mail.list_id}.{sender.domain}>"
    if mail.unsubscribe_url:
        targets = [f"<{mail.unsubscribe_url}>"] + ([f"<{mail.unsubscribe_mailto}>"] if mail.unsubscribe_mailto else [])
        msg["List-Unsubscribe"] = ", ".join(targets)
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    for filename, mime, content in mail.attachments:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype.split(";")[0], filename=filename)
    return msg
