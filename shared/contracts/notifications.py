"""Wire contracts produced by the notifications service: lists, subscriptions, moderation, GDPR."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from shared.contracts.catalogue import command, dead_letters, event, query
from shared.contracts.envelope import Contract, EventPayload
from shared.contracts.system import HealthReply, HealthRequest
from shared.contracts.text import DisplayName, Email, Flag, Id, MultiLine, Name, NonBlankText, SingleLine

HEALTH = query("notifications", "health", HealthRequest, HealthReply)
DEAD_LETTERS = dead_letters("notifications")

Policy = Literal["offen", "bestaetigen", "moderiert", "bestaetigen_und_moderiert"]
Role = Literal["mitglied", "moderation", "verwaltung"]
Delivery = Literal["jede", "taeglich", "woechentlich"]


class ListV1(Contract):
    list_id: str
    name: str
    policy: str
    group_id: str | None = None
    status: str
    description: str = ""
    members: int = 0


class MemberV1(Contract):
    address: str
    display_name: str = ""
    role: str
    delivery: str
    status: str
    since: datetime | None = None


class RequestV1(Contract):
    request_id: str
    kind: str
    address: str
    display_name: str = ""
    new_address: str = ""
    state: str
    created_at: datetime


class AuditV1(Contract):
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str = ""


class Message(Contract):
    """A German answer meant for the person who asked (the same whatever the state, where that matters)."""

    message: str
    list_name: str = ""


# --- events ------------------------------------------------------------------------------


@event("notifications", "list", "created", 1)
class ListCreatedV1(ListV1, EventPayload):
    pass


@event("notifications", "person", "erased", 1)
class PersonErasedV1(EventPayload):
    """Art. 17 GDPR: every service erases what it holds about `address`."""

    address: str


# --- commands ----------------------------------------------------------------------------


class CreateList(Contract):
    name: Name
    policy: Policy = "bestaetigen_und_moderiert"
    description: MultiLine = ""
    group_id: Id | None = None
    owner_address: Email | None = None
    owner_name: DisplayName = ""


class Subscribe(Contract):
    list_id: Id
    address: Email
    display_name: DisplayName = ""
    ip: SingleLine = ""


class TokenInput(Contract):
    token: SingleLine


class ModeratorAction(Contract):
    list_id: Id
    moderator: SingleLine  # the moderator's address (the gateway fills it from the token)
    admin: Flag = False  # the Landesbüro acts (set by the gateway for admin tokens): no moderator role needed


class Decide(ModeratorAction):
    request_id: Id
    decision: Literal["annehmen", "ablehnen", "zurueckstellen"]
    reason: MultiLine = ""


class AddMember(ModeratorAction):
    address: Email
    display_name: DisplayName = ""
    role: Role = "mitglied"
    delivery: Delivery = "jede"


class RemoveMember(ModeratorAction):
    address: Email


class SetRole(ModeratorAction):
    address: Email
    role: Role


class SetDelivery(Contract):
    list_id: Id
    address: Email
    delivery: Delivery
    moderator: SingleLine | None = None
    admin: Flag = False
    token: SingleLine | None = None  # the member's own link


class ChangeAddress(Contract):
    list_id: Id
    address: Email
    new_address: Email
    moderator: SingleLine | None = None
    admin: Flag = False
    token: SingleLine | None = None  # the member's own link proves the old address


class Post(ModeratorAction):
    subject: Annotated[Name, Field(max_length=100)]  # one line: it becomes the mail's Subject
    text: NonBlankText


class Posted(Contract):
    recipients: int
    event_id: str


class AddressInput(Contract):
    address: Email


class Export(Contract):
    address: str
    memberships: list[dict]
    requests: list[dict]
    consents: list[dict]
    audit: list[dict]
    deliveries: list[dict]


class Erased(Contract):
    address: str
    memberships: int
    requests: int
    consents: int
    deliveries: int


# --- queries -----------------------------------------------------------------------------


class ListsQuery(Contract):
    group_id: Id | None = None


class Lists(Contract):
    lists: list[ListV1]


class ListQuery(ModeratorAction):
    pass


class Members(Contract):
    members: list[MemberV1]


class Pending(Contract):
    requests: list[RequestV1]


class Audit(Contract):
    entries: list[AuditV1]


class UnsubscribePage(Contract):
    list_name: str
    address_hint: str  # "k…@example.org"


class DeliveryStats(Contract):
    pending: int
    sent: int
    failed: int
    digest: int


class StatsQuery(Contract):
    event_id: SingleLine | None = None


CREATE_LIST = command("notifications", "create_list", CreateList, ListV1)
SUBSCRIBE = command("notifications", "subscribe", Subscribe, Message)
CONFIRM = command("notifications", "confirm", TokenInput, Message)
UNSUBSCRIBE = command("notifications", "unsubscribe", TokenInput, Message)
CONFIRM_ADDRESS = command("notifications", "confirm_address", TokenInput, Message)
DECIDE = command("notifications", "decide", Decide, RequestV1)
ADD_MEMBER = command("notifications", "add_member", AddMember, MemberV1)
REMOVE_MEMBER = command("notifications", "remove_member", RemoveMember, MemberV1)
SET_ROLE = command("notifications", "set_role", SetRole, MemberV1)
SET_DELIVERY = command("notifications", "set_delivery", SetDelivery, MemberV1)
CHANGE_ADDRESS = command("notifications", "change_address", ChangeAddress, Message)
POST = command("notifications", "post", Post, Posted)
EXPORT = command("notifications", "export", AddressInput, Export)
ERASE = command("notifications", "erase", AddressInput, Erased)

LISTS = query("notifications", "lists", ListsQuery, Lists)
MEMBERS = query("notifications", "members", ListQuery, Members)
PENDING = query("notifications", "pending", ListQuery, Pending)
AUDIT = query("notifications", "audit", ListQuery, Audit)
UNSUBSCRIBE_PAGE = query("notifications", "unsubscribe_page", TokenInput, UnsubscribePage)
DELIVERY_STATS = query("notifications", "delivery_stats", StatsQuery, DeliveryStats)
