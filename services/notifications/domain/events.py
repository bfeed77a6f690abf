"""What the notifications service tells the others."""

from __future__ import annotations

from dataclasses import dataclass

from services.notifications.domain.lists import MailingList


@dataclass(frozen=True)
class ListCreated:
    mailing_list: MailingList


@dataclass(frozen=True)
class PersonErased:
    """Announced to the other services: only the fingerprint of the address, never the address (issue 18)."""

    fingerprint: str
    blocked: bool
