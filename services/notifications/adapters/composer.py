"""Composer: a rendered template and the list's headers, as the bytes an SMTP server receives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.notifications.adapters import mail
from services.notifications.adapters.rendering import render


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
        attachments: tuple = (),
    ) -> tuple[str, bytes]:
        unsubscribe_url = f"{self.public_url}/abmelden?token={unsubscribe_token}" if unsubscribe_token else ""
        mailto = (
            f"mailto:abmelden@{self.sender.domain}?subject=abmelden%20{unsubscribe_token}" if unsubscribe_token else ""
        )
        subject, text, html = render(
            kind, **({"list_name": list_name} | context | {"unsubscribe_url": unsubscribe_url})
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
        )
        return subject, bytes(mail.build(outgoing, self.sender, self.now()))
