"""What the notifications service tells the others."""

from __future__ import annotations

from dataclasses import dataclass

from services.notifications.domain.lists import MailingList


@dataclass(frozen=True)
class ListCreated:
    mailing_list: MailingList


@dataclass(frozen=True)
class PersonErased:
    address: str
    fingerprint: str
    blocked: bool
