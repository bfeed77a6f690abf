"""What people (through the gateway) ask the mailing-list service to do.

`moderator` is the acting moderator's address; `admin` is the Landesbüro's flag that the gateway sets
for admin tokens (it may moderate every list). `token` is a person's own signed link.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CreateList:
    name: str
    policy: str
    description: str = ""
    group_id: str | None = None
    owner_address: str = ""
    owner_name: str = ""
    list_id: str | None = None


@dataclass(frozen=True)
class Subscribe:
    list_id: str
    address: str
    display_name: str = ""
    ip: str = ""
    consent_version: str = ""  # the consent text the page showed; empty: the current one


@dataclass(frozen=True)
class Confirm:
    token: str


@dataclass(frozen=True)
class Decide:
    list_id: str
    moderator: str
    request_id: str
    decision: str  # annehmen | ablehnen | zurueckstellen
    reason: str = ""
    admin: bool = False


@dataclass(frozen=True)
class AddMember:
    list_id: str
    moderator: str
    address: str
    display_name: str = ""
    role: str = "mitglied"
    delivery: str = "jede"
    admin: bool = False


@dataclass(frozen=True)
class RemoveMember:
    list_id: str
    moderator: str
    address: str
    admin: bool = False


@dataclass(frozen=True)
class SetRole:
    list_id: str
    moderator: str
    address: str
    role: str
    admin: bool = False


@dataclass(frozen=True)
class SetDelivery:
    """By the member's own link (`token`) or by the moderation (`moderator`)."""

    list_id: str
    address: str
    delivery: str
    token: str | None = None
    moderator: str | None = None
    admin: bool = False


@dataclass(frozen=True)
class ChangeAddress:
    """By the member's own link (`token`) or by the moderation; confirmed at the new address."""

    list_id: str
    address: str
    new_address: str
    token: str | None = None
    moderator: str | None = None
    admin: bool = False


@dataclass(frozen=True)
class ConfirmAddress:
    token: str


@dataclass(frozen=True)
class Unsubscribe:
    token: str


@dataclass(frozen=True)
class Post:
    list_id: str
    moderator: str
    subject: str
    text: str
    admin: bool = False


@dataclass(frozen=True)
class ExportPerson:
    address: str


@dataclass(frozen=True)
class ErasePerson:
    address: str
    block: bool = False  # "löschen und sperren": the person objected (Art. 21 GDPR), never take the address in again


@dataclass(frozen=True)
class UpdateList:
    """The moderation's settings of its list."""

    list_id: str
    moderator: str
    name: str
    description: str
    policy: str
    welcome_text: str = ""
    admin: bool = False
    archive_public: bool | None = None  # None: leave as it is


@dataclass(frozen=True)
class SendSignIn:
    """The gateway's sign-in link, mailed to an address it decided may sign in."""

    address: str
    link: str
    valid_minutes: int = 15


@dataclass(frozen=True)
class SendManageLink:
    """Someone asks for their "Meine Verteiler" link; mailed only if the address is on a list."""

    address: str
    ip: str = ""


@dataclass(frozen=True)
class MyDelivery:
    """By the member's "Meine Verteiler" link (`token`, purpose `verwalten`)."""

    token: str
    list_id: str
    delivery: str


@dataclass(frozen=True)
class MyAddress:
    """A new address for every list, confirmed at the new address."""

    token: str
    new_address: str


@dataclass(frozen=True)
class Leave:
    """Leave one list (`list_id`) or all of them (None)."""

    token: str
    list_id: str | None = None


@dataclass(frozen=True)
class DecidePost:
    """The moderation about a held post (issue 20): annehmen, annehmen_und_vertrauen, ablehnen, verwerfen,
    zurueckstellen; `reason` goes to the sender on rejection."""

    list_id: str
    moderator: str
    post_id: str
    decision: str
    reason: str = ""
    admin: bool = False


@dataclass(frozen=True)
class UpdatePosting:
    """The moderation's rules for posts by mail; only the given values change."""

    list_id: str
    moderator: str
    values: dict
    admin: bool = False


@dataclass(frozen=True)
class ResumeDelivery:
    """The moderation switches on again the delivery that bounces suspended (the bounces no longer count)."""

    list_id: str
    moderator: str
    address: str
    admin: bool = False
