"""Building messages: `email.message.EmailMessage` with `policy.SMTP`, no hand-made headers.

List mail carries `List-Id`, `List-Unsubscribe` (https and mailto) and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 2369, RFC 8058). The Message-ID is
derived from the event and recipient, so a message sent twice is recognisably the same message.

On the wire the RFC 2369 headers stay `<URI>, <URI>` as written (see `UriListHeader`); `MIME-Version`
stands once, at the top; a `text/calendar` part repeats its calendar's METHOD (RFC 6047).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import MIMEPart
from email.utils import format_datetime

from shared.ical import method_of

URI_LIST_HEADERS = ("List-Unsubscribe", "List-Post", "List-Archive", "List-Help")
MAX_LINE = 998  # RFC 5322 2.1.1: a hard limit (78 is a recommendation)


class UriListHeader(UnstructuredHeader):
    """An RFC 2369 header: angle-bracketed URIs that mail providers (and RFC 8058 one-click) read literally.

    The email package folds a word longer than a line by RFC 2047-encoding it (`=?utf-8?q?=3Chttp...`),
    which no RFC 2369 parser decodes; and folding at its spaces instead (a parse tree that forbids encoded
    words) leaves an empty line inside the header in Python 3.11. So these values go out unfolded, as
    written: the URIs are ASCII and far shorter than the hard line limit.
    """

    max_count = 1

    def fold(self, *, policy: policy.EmailPolicy) -> str:  # type: ignore[override]
        folded = super().fold(policy=policy.clone(max_line_length=None))
        if len(folded.rstrip("\r\n")) > MAX_LINE:
            raise ValueError(f"{self.name} ist länger als {MAX_LINE} Zeichen")
        return folded


def _policy() -> policy.EmailPolicy:
    registry = HeaderRegistry()
    for name in URI_LIST_HEADERS:
        registry.map_to_type(name, UriListHeader)
    return policy.SMTP.clone(header_factory=registry)


POLICY = _policy()


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
    references: str = ""  # the post's own Message-ID (a list post): replies to this copy name it, and thread


def message_id(event_id: str, recipient: str, domain: str) -> str:
    digest = hashlib.sha256(f"{event_id}\x00{recipient}".encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build(mail: Outgoing, sender: Sender, now: datetime) -> MIMEPart:
    """Raises ValueError if any header value would carry a line break (header injection).

    Built as `MIMEPart`, not `EmailMessage`: every part `add_alternative`/`add_attachment` makes is of the
    top part's type, and an `EmailMessage` part gives itself a `MIME-Version`, which belongs to the top only.
    """
    msg = MIMEPart(policy=POLICY)
    msg["From"] = Address(sender.name, addr_spec=sender.address)
    local, _, domain = mail.to_address.partition("@")
    msg["To"] = Address(mail.to_name, local, domain)
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(mail.event_id, mail.to_address, sender.domain)
    msg["Auto-Submitted"] = "auto-generated"
    if mail.references:
        msg["References"] = mail.references
    if mail.list_id:
        msg["List-Id"] = f"{mail.list_name} <{mail.list_id}.{sender.domain}>"
    if mail.unsubscribe_url:
        targets = [f"<{mail.unsubscribe_url}>"] + ([f"<{mail.unsubscribe_mailto}>"] if mail.unsubscribe_mailto else [])
        msg["List-Unsubscribe"] = ", ".join(targets)
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["MIME-Version"] = "1.0"
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    for filename, mime, content in mail.attachments:
        media, *rest = (p.strip() for p in mime.split(";"))
        params = {k.strip(): v.strip().strip('"') for k, _, v in (p.partition("=") for p in rest) if v}
        if media.lower() == "text/calendar":
            params = {k: v for k, v in params.items() if k.lower() != "method"} | _calendar_params(content)
        maintype, _, subtype = media.partition("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename, params=params)
    return msg


def _calendar_params(ics: bytes) -> dict[str, str]:
    """RFC 6047: the part repeats the calendar's METHOD (taken from the calendar, so both agree) and its charset."""
    method = method_of(ics)
    return ({"method": method} if method else {}) | {"charset": "utf-8"}
