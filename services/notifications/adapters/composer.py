"""Composer: a rendered template and the list's headers, as the bytes an SMTP server receives.

A mail to a whole list is composed once (`MailComposer.mailing`): the message is built with stand-ins for what
differs per member (the To header, the Message-ID, the personal unsubscribe and "Meine Verteiler" tokens), and each
member's copy is those bytes with the stand-ins replaced. Building a MIME message costs about 3 ms; replacing costs
microseconds. The first copy is checked against a message built the ordinary way for that member (same headers,
same decoded parts); if they differ (e.g. the body was encoded so that a stand-in got split), every copy is built the
ordinary way.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from services.notifications.adapters import mail
from services.notifications.adapters.list_copy import CopyHeaders, list_copy
from services.notifications.adapters.rendering import render
from shared.logging import get_logger

log = get_logger(__name__)

MASK = "0MASKIERT0"  # stands in for a personal token in a preview and becomes "…"
# Stand-ins for what differs per member in a mailing: ASCII letters and digits only, so that no header folding or
# body encoding changes them, and unlike anything a template or a member's data contains.
_TO = "empfaenger@platzhalter.invalid"
_UNSUBSCRIBE = "Zq7PLATZHALTERabmelden7qZ"
_MANAGE = "Zq7PLATZHALTERverwalten7qZ"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9]+( [A-Za-z0-9]+)*|")
_PLAIN_ADDRESS = re.compile(r"[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(\.[a-z0-9-]+)+")
_TOKEN = re.compile(r"[A-Za-z0-9_.-]+")  # what the signer issues (base64url and a dot)
SHOWN = ("From", "To", "Subject", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post")


class MailComposer:
    def __init__(self, sender: mail.Sender, public_url: str, now: Callable[[], datetime]) -> None:
        self.sender, self.public_url, self.now = sender, public_url.rstrip("/"), now

    def message(
        self,
        kind: str,
        *,
        to_address: str,
        to_name: str,
        event_id: str,
        context: dict[str, Any],
        list_id: str | None = None,
        list_name: str = "",
        unsubscribe_token: str | None = None,
        manage_token: str | None = None,
        attachments: tuple = (),
        references: str = "",
    ) -> tuple[str, bytes]:
        unsubscribe_url = f"{self.public_url}/abmelden?token={unsubscribe_token}" if unsubscribe_token else ""
        manage_url = f"{self.public_url}/meine-verteiler?token={manage_token}" if manage_token else ""
        mailto = (
            f"mailto:abmelden@{self.sender.domain}?subject=abmelden%20{unsubscribe_token}" if unsubscribe_token else ""
        )
        subject, text, html = render(
            kind,
            **({"list_name": list_name} | context) | {"unsubscribe_url": unsubscribe_url, "manage_url": manage_url},
        )
        outgoing = mail.Outgoing(
            to_address=to_address,
            to_name=to_name,
            subject=subject,
            text=text,
            html=html,
            event_id=event_id,
            list_id=list_id,
            list_name=list_name,
            unsubscribe_url=unsubscribe_url,
            unsubscribe_mailto=mailto,
            attachments=attachments,
            references=references,
        )
        return subject, bytes(mail.build(outgoing, self.sender, self.now()))

    def list_copy(
        self,
        raw: bytes,
        *,
        list_id: str,
        list_name: str,
        unsubscribe_token: str,
        manage_token: str,
        rewrite_from: bool = False,
        reply_to_list: bool = False,
    ) -> bytes:
        """A member's copy of a post by mail (adapters/list_copy.py); ValueError if it cannot be written out."""
        headers = CopyHeaders(
            list_id=list_id,
            list_name=list_name,
            domain=self.sender.domain,
            archive_url=f"{self.public_url}/verteiler/{list_id}/archiv",  # the archive page (gateway web/archive.py)
            unsubscribe_url=f"{self.public_url}/abmelden?token={unsubscribe_token}",
            manage_url=f"{self.public_url}/meine-verteiler?token={manage_token}",
            rewrite_from=rewrite_from,
            reply_to_list=reply_to_list,
        )
        return list_copy(raw, headers)

    def mailing(
        self,
        kind: str,
        *,
        event_id: str,
        context: dict[str, Any],
        list_id: str | None = None,
        list_name: str = "",
        attachments: tuple = (),
        references: str = "",
    ) -> Mailing:
        """One mail to many members, composed once: `Mailing.message` gives each member's copy."""
        return Mailing(self, kind, event_id, context, list_id, list_name, attachments, references)

    def preview(
        self,
        kind: str,
        *,
        to_address: str,
        to_name: str,
        context: dict[str, Any],
        list_id: str | None = None,
        list_name: str = "",
        personal: bool = False,
    ) -> tuple[list[tuple[str, str]], str]:
        _, raw = self.message(
            kind,
            to_address=to_address,
            to_name=to_name,
            event_id="vorschau",
            context=context,
            list_id=list_id,
            list_name=list_name,
            unsubscribe_token=MASK if personal else None,
            manage_token=MASK if personal else None,
        )
        parsed = message_from_bytes(raw, policy=email_policy.default)
        headers = [(name, str(parsed[name]).replace(MASK, "…")) for name in SHOWN if parsed[name] is not None]
        text = parsed.get_body(("plain",)).get_content().replace(MASK, "…")  # type: ignore[union-attr]
        return headers, text


def _parts(raw: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, bytes | str]]]:
    """What a mail program sees of a message: its headers and every part's type and decoded content (the date and
    the MIME boundaries aside, which differ between any two builds)."""
    parsed = message_from_bytes(raw, policy=email_policy.default)
    headers = [
        (name, parsed.get_content_type() if name == "Content-Type" else str(value))
        for name, value in parsed.items()
        if name != "Date"
    ]
    parts = [
        (
            part.get_content_type(),
            part.get_content() if part.get_content_maintype() == "text" else part.get_payload(decode=True),
        )
        for part in parsed.walk()
        if not part.is_multipart()
    ]
    return headers, parts


def _to_line(address: str, name: str) -> bytes:
    """The To header as `mail.build` writes it. A plain name and address (the usual case) is written directly,
    as the policy would; anything else goes through the policy itself (Address refuses a line break)."""
    line = f"To: {name} <{address}>\r\n" if name else f"To: {address}\r\n"
    if len(line) <= 80 and _PLAIN_NAME.fullmatch(name) and _PLAIN_ADDRESS.fullmatch(address):
        return line.encode()
    local, _, domain = address.partition("@")
    probe = EmailMessage(policy=mail.POLICY)
    probe["To"] = Address(name, local, domain)
    return probe.policy.fold_binary("To", probe["To"])


def _encoded(text: str, charset: str, transfer_encoding: str) -> bytes:
    """A text part's body as `email` would send it: quoted-printable or base64 (C codecs), CRLF line ends."""
    if transfer_encoding == "base64":  # `email` encodes the text with CRLF line ends inside
        return base64.encodebytes(text.encode(charset)).replace(b"\n", b"\r\n")
    return binascii.b2a_qp(text.replace("\r\n", "\n").encode(charset), istext=True).replace(b"\n", b"\r\n")


class Mailing:
    """One mail to many members of a list: built once with stand-ins, each member's copy by replacing them.

    Headers and unencoded (7bit/8bit) bodies carry the stand-ins literally. A quoted-printable or base64 body would
    split them, so such a part is kept decoded and, per copy, the tokens are put in and it is encoded again with
    Python's C codecs. The first copy is compared with an ordinarily built one; if they differ, all are built so."""

    def __init__(
        self,
        composer: MailComposer,
        kind: str,
        event_id: str,
        context: dict[str, Any],
        list_id: str | None,
        list_name: str,
        attachments: tuple,
        references: str = "",
    ) -> None:
        self.composer, self.kind, self.event_id = composer, kind, event_id
        self.options = {"context": context, "list_id": list_id, "list_name": list_name, "attachments": attachments}
        if references:
            self.options["references"] = references
        self.subject, self.template = composer.message(
            kind,
            to_address=_TO,
            to_name="",
            event_id=event_id,
            unsubscribe_token=_UNSUBSCRIBE,
            manage_token=_MANAGE,
            **self.options,
        )
        self._to_line = f"To: {_TO}\r\n".encode()
        self._message_id = mail.message_id(event_id, _TO, composer.sender.domain).encode()
        self._encoded_parts: list[tuple[bytes, str, str, str]] = []  # (as in the template, decoded, charset, cte)
        for part in message_from_bytes(self.template, policy=email_policy.default).walk():
            cte = str(part.get("Content-Transfer-Encoding", "7bit")).lower()
            if (
                part.is_multipart()
                or part.get_content_maintype() != "text"
                or cte not in ("quoted-printable", "base64")
            ):
                continue
            decoded = part.get_content()
            if _UNSUBSCRIBE in decoded or _MANAGE in decoded:
                raw = part.get_payload().encode("ascii", "surrogateescape")
                self._encoded_parts.append((raw, decoded, part.get_content_charset() or "utf-8", cte))
        unique = self.template.count(self._to_line) == 1 and all(
            self.template.count(raw) == 1 for raw, *_ in self._encoded_parts
        )
        self.checked: bool | None = None if unique else False

    def _built(self, to_address: str, to_name: str, unsubscribe_token: str, manage_token: str) -> tuple[str, bytes]:
        return self.composer.message(
            self.kind,
            to_address=to_address,
            to_name=to_name,
            event_id=self.event_id,
            unsubscribe_token=unsubscribe_token,
            manage_token=manage_token,
            **self.options,
        )

    def _filled(self, to_address: str, to_name: str, unsubscribe_token: str, manage_token: str) -> bytes:
        filled = self.template.replace(self._to_line, _to_line(to_address, to_name), 1)
        filled = filled.replace(
            self._message_id, mail.message_id(self.event_id, to_address, self.composer.sender.domain).encode(), 1
        )
        for raw, decoded, charset, cte in self._encoded_parts:
            personal = decoded.replace(_UNSUBSCRIBE, unsubscribe_token).replace(_MANAGE, manage_token)
            filled = filled.replace(raw, _encoded(personal, charset, cte), 1)
        return filled.replace(_UNSUBSCRIBE.encode(), unsubscribe_token.encode()).replace(
            _MANAGE.encode(), manage_token.encode()
        )

    def message(self, to_address: str, to_name: str, unsubscribe_token: str, manage_token: str) -> tuple[str, bytes]:
        """(subject, bytes) of one member's copy; raises ValueError as `MailComposer.message` does."""
        plain = all(_TOKEN.fullmatch(t) for t in (unsubscribe_token, manage_token))
        if self.checked is False or not plain:
            return self._built(to_address, to_name, unsubscribe_token, manage_token)
        filled = self._filled(to_address, to_name, unsubscribe_token, manage_token)
        if self.checked is None:  # the first copy: compared with one built the ordinary way
            subject, built = self._built(to_address, to_name, unsubscribe_token, manage_token)
            self.checked = _parts(filled) == _parts(built)
            if not self.checked:
                log.warning("mailing.template_unusable", kind=self.kind)
                return subject, built
        return self.subject, filled
