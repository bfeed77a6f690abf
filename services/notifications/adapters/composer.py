"""Composer: a rendered template and the list's headers, as the bytes an SMTP server receives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy
from typing import Any

from services.notifications.adapters import mail
from services.notifications.adapters.rendering import render

MASK = "0MASKIERT0"  # stands in for a personal token in a preview and becomes "…"
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
