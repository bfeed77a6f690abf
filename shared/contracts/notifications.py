"""Wire contracts produced by the notifications service: lists, subscriptions, moderation, GDPR."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from shared.contracts.catalogue import command, dead_letters, event, query
from shared.contracts.envelope import Contract, EventPayload
from shared.contracts.people import PersonQuery, PersonRecords
from shared.contracts.system import HealthReply, HealthRequest
from shared.contracts.text import SINGLE_LINE, DisplayName, Email, Flag, Id, MultiLine, Name, NonBlankText, SingleLine

HEALTH = query("notifications", "health", HealthRequest, HealthReply)
DEAD_LETTERS = dead_letters("notifications")

Policy = Literal["offen", "bestaetigen", "moderiert", "bestaetigen_und_moderiert"]
Role = Literal["mitglied", "moderation", "verwaltung"]
Delivery = Literal["jede", "taeglich", "woechentlich"]


class PostingV1(Contract):
    """A list's rules for posts by mail (issue 20)."""

    posters: Literal["mitglieder", "moderation", "alle"] = "mitglieder"
    strangers: Literal["zurueckhalten", "ablehnen", "verwerfen"] = "zurueckhalten"
    hold_first_posts: Flag = False
    max_kilobytes: Annotated[int, Field(ge=1, le=50_000)] = 512
    hold_attachments: Flag = False
    max_recipients: Annotated[int, Field(ge=1, le=1000)] = 10
    rewrite_from: Flag = False
    reply_to_list: Flag = False


class ListV1(Contract):
    list_id: str
    name: str
    policy: str
    group_id: str | None = None
    status: str
    description: str = ""
    members: int = 0
    welcome_text: str = ""  # sent to each new member with the welcome mail
    posting: PostingV1 | None = None  # issue 20; None from a producer that predates it
    address: str = ""  # where members write to the list (issue 20)
    archive_public: bool = False  # the archive is open to everyone, not only to the members (issue 20)


class MemberV1(Contract):
    address: str
    display_name: str = ""
    role: str
    delivery: str
    status: str
    since: datetime | None = None
    suspended_at: datetime | None = None  # delivery suspended after too many bounces (issue 20)


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
    """Art. 17 GDPR: every service erases what it holds about the person.

    `fingerprint` is `shared.privacy.fingerprint` of the address (each service finds its records by computing it over
    the addresses it holds). `blocked`: the person objected (Art. 21, "löschen und sperren"): no service may take the
    address in again, by any path. Without it the person may come back later with a new double opt-in.
    `address` is no longer sent (issue 18: it would stay in the stream); it is kept for the events already in the
    streams, whose consumers compute the fingerprint from it (`shared.privacy.sought`).
    """

    address: str = ""
    fingerprint: str = ""
    blocked: bool = False


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
    consent_version: SingleLine = ""  # the version of the consent text the page showed (empty: the current one)


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


class EraseInput(Contract):
    """Erase a person everywhere. `block` ("löschen und sperren", Art. 21 objection): never take the address in again."""

    address: Email
    block: Flag = False


class Export(Contract):
    address: str
    memberships: list[dict]
    requests: list[dict]
    consents: list[dict]
    audit: list[dict]
    deliveries: list[dict]
    held_posts: list[dict] = []  # posts by mail waiting or decided (issue 20), without their text
    kept_mail: list[dict] = []  # incoming mail kept with its reason, without its text
    trusted_senders: list[dict] = []


class Erased(Contract):
    address: str
    memberships: int
    requests: int
    consents: int
    deliveries: int
    bounces: int = 0
    archive: int = 0  # the person's own posts in the lists' archives


# --- queries -----------------------------------------------------------------------------


class ListsQuery(Contract):
    group_id: Id | None = None
    # Added tolerantly (issue 21): only this list. A page about one list need not count every list's members.
    list_id: Id | None = None


class Lists(Contract):
    lists: list[ListV1]


class ListQuery(ModeratorAction):
    pass


class MembersQuery(ModeratorAction):
    """Members of a list, filtered and paged (no limit: all of them, as before)."""

    search: SingleLine = ""  # part of the name or the address, case-insensitive
    status: SingleLine = ""  # e.g. "aktiv"; empty: every status
    role: Role | Literal[""] = ""
    delivery: Delivery | Literal[""] = ""
    offset: Annotated[int, Field(ge=0)] = 0
    limit: Annotated[int, Field(ge=1, le=1000)] | None = None


class AuditQuery(ModeratorAction):
    """The list's audit log, newest first, filtered and paged."""

    person: SingleLine = ""  # part of actor or subject
    action: SingleLine = ""  # exact action name, e.g. "annehmen"
    since: datetime | None = None
    until: datetime | None = None
    offset: Annotated[int, Field(ge=0)] = 0
    limit: Annotated[int, Field(ge=1, le=1000)] = 100


class Members(Contract):
    members: list[MemberV1]
    total: int = 0  # how many match the filter, before paging


class Pending(Contract):
    requests: list[RequestV1]


class Audit(Contract):
    entries: list[AuditV1]
    total: int = 0
    actions: list[str] = []  # every action name that occurs in this list's log, for a filter


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


# --- web interface (issue 14): roles from data, list pages, mailings, members' self-service ------


class RolesOf(Contract):
    address: Email


class ModeratedList(ListV1):
    pending: int = 0  # requests waiting for a moderator's decision
    held: int = 0  # posts by mail waiting for the moderation (issue 20)


class Roles(Contract):
    """What an address may do in this service, read from the data at the moment of asking."""

    moderates: list[ModeratedList]  # lists where the address is an active member with role `moderation`


class SignInMail(Contract):
    """The gateway asks for its sign-in link to be mailed (it has decided the address holds a role)."""

    address: Email
    link: Annotated[str, Field(max_length=2000, pattern=SINGLE_LINE)]
    valid_minutes: Annotated[int, Field(ge=1, le=1440)] = 15


class ListRef(Contract):
    list_id: Id


class PublicList(Contract):
    """What the public subscribe page shows; an unknown or closed list is `nicht_gefunden`."""

    list_id: str
    name: str
    description: str
    policy: str
    consent_text: str
    consent_version: str
    privacy_notice: str


class UpdateList(ModeratorAction):
    name: Name
    description: MultiLine = ""
    policy: Policy
    welcome_text: MultiLine = ""
    archive_public: bool | None = None  # None: as it is (issue 20)


class PreviewPost(ModeratorAction):
    subject: Annotated[Name, Field(max_length=100)]
    text: NonBlankText


class Preview(Contract):
    """The post exactly as a member receives it (for one sample member, their personal links masked)."""

    headers: list[tuple[str, str]]  # From, To, Subject, List-Id, List-Unsubscribe, …
    text: str  # the plain-text body as sent
    recipients: int


class MailingV1(Contract):
    event_id: str
    subject: str
    sent_at: datetime
    sender: str
    recipients: int
    sent: int
    pending: int
    failed: int
    digest: int


class Mailings(Contract):
    mailings: list[MailingV1]  # newest first


class MailingQuery(ModeratorAction):
    event_id: SingleLine


class FailedDelivery(Contract):
    address: str
    reason: str
    attempts: int
    last_attempt: datetime | None = None


class MailingDetail(Contract):
    mailing: MailingV1
    failures: list[FailedDelivery]


class ManageLinkRequest(Contract):
    """Someone asks for their "Meine Verteiler" link by mail; the answer never says whether the address is known."""

    address: Email
    ip: SingleLine = ""


class MySubscription(Contract):
    list_id: str
    name: str
    description: str = ""
    role: str
    delivery: str
    status: str
    since: datetime | None = None


class MyLists(Contract):
    """A member's own page, opened with their personal link (token purpose `verwalten`)."""

    address: str
    subscriptions: list[MySubscription]


class MemberDelivery(Contract):
    token: SingleLine
    list_id: Id
    delivery: Delivery


class MemberAddress(Contract):
    token: SingleLine
    new_address: Email


class Leave(Contract):
    token: SingleLine
    list_id: Id | None = None  # None: every list


class LinkInfo(Contract):
    """What a confirmation or unsubscribe page shows before the click, without spending the token."""

    purpose: str
    list_name: str
    address_hint: str


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
ERASE = command("notifications", "erase", EraseInput, Erased)

LISTS = query("notifications", "lists", ListsQuery, Lists)
MEMBERS = query("notifications", "members", MembersQuery, Members)
PENDING = query("notifications", "pending", ListQuery, Pending)
AUDIT = query("notifications", "audit", AuditQuery, Audit)
UNSUBSCRIBE_PAGE = query("notifications", "unsubscribe_page", TokenInput, UnsubscribePage)
DELIVERY_STATS = query("notifications", "delivery_stats", StatsQuery, DeliveryStats)

# web interface (issue 14)
ROLES_OF = query("notifications", "roles_of", RolesOf, Roles)
SEND_SIGN_IN = command("notifications", "send_sign_in", SignInMail, Message)
PUBLIC_LIST = query("notifications", "public_list", ListRef, PublicList)
UPDATE_LIST = command("notifications", "update_list", UpdateList, ListV1)
PREVIEW = query("notifications", "preview", PreviewPost, Preview)
MAILINGS = query("notifications", "mailings", ListQuery, Mailings)
MAILING = query("notifications", "mailing", MailingQuery, MailingDetail)
SEND_MANAGE_LINK = command("notifications", "send_manage_link", ManageLinkRequest, Message)
MY_LISTS = query("notifications", "my_lists", TokenInput, MyLists)
MY_DELIVERY = command("notifications", "my_delivery", MemberDelivery, MySubscription)
MY_ADDRESS = command("notifications", "my_address", MemberAddress, Message)
LEAVE = command("notifications", "leave", Leave, Message)
MY_EXPORT = query("notifications", "my_export", TokenInput, Export)
LINK_INFO = query("notifications", "link_info", TokenInput, LinkInfo)


# --- work-plan pages (issue 15) -------------------------------------------------------------------


class WorkPlanPerson(Contract):
    """Who an address is on the work-plan list (setting WORKPLAN_LIST), found as the reminders find people:
    by the display name of an active member; the list's moderation also hears of items nobody is named for."""

    list_id: str = ""  # "" when the work-plan list does not exist
    list_name: str = ""
    names: list[str] = []  # display names of the address's active membership there (none: not named by name)
    moderates: bool = False


WORKPLAN_PERSON = query("notifications", "workplan_person", RolesOf, WorkPlanPerson)


# --- Art. 15 across all services (issue 18) -------------------------------------------------------

PERSON_RECORDS = query("notifications", "person_records", PersonQuery, PersonRecords)
MY_PERSON_RECORDS = query("notifications", "my_person_records", TokenInput, PersonRecords)  # the member's own link


# --- posts by mail (issue 20) ----------------------------------------------------------------------------


class HeldPostV1(Contract):
    post_id: str
    sender: str
    sender_name: str = ""
    subject: str = ""
    reasons: list[str] = []
    state: str
    received_at: datetime
    reminded: bool = False
    excerpt: str = ""  # the start of the text, for the moderation to judge
    member: bool = False


class HeldPosts(Contract):
    posts: list[HeldPostV1]


class DecidePost(ModeratorAction):
    post_id: Id
    decision: Literal["annehmen", "annehmen_und_vertrauen", "ablehnen", "verwerfen", "zurueckstellen"]
    reason: MultiLine = ""


class UpdatePosting(ModeratorAction):
    posting: PostingV1


HELD_POSTS = query("notifications", "held_posts", ListQuery, HeldPosts)
DECIDE_POST = command("notifications", "decide_post", DecidePost, HeldPostV1)
UPDATE_POSTING = command("notifications", "update_posting", UpdatePosting, ListV1)


# --- bounces and the archive (issue 20) -----------------------------------------------------------


class BounceV1(Contract):
    address: str
    at: datetime
    severity: str  # "hart" | "weich"
    source: str  # "dsn" (a delivery status notification) | "text" (a plain-text report) | "smtp" (refused at delivery)
    status: str = ""  # "5.1.1" or "550"
    diagnostic: str = ""
    cleared: bool = False  # the moderation switched the delivery on again: no longer counted


class BounceLog(Contract):
    suspended: list[MemberV1]  # active members whose delivery is suspended
    entries: list[BounceV1]  # newest first
    rule: str  # when a delivery is suspended, in words


class ResumeDelivery(ModeratorAction):
    address: Email


class ArchiveQuery(Contract):
    """The archive of a list for `reader` (the signed-in person's address; empty: nobody signed in)."""

    list_id: Id
    reader: SingleLine = ""
    admin: Flag = False
    search: SingleLine = ""  # words, each to be found in subject or text
    offset: Annotated[int, Field(ge=0)] = 0
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class ArchiveThreadQuery(Contract):
    list_id: Id
    reader: SingleLine = ""
    admin: Flag = False
    thread_id: Annotated[int, Field(ge=1)]


class ArchivedAttachment(Contract):
    name: str
    type: str
    size: int
    kept: bool


class ArchivedPostV1(Contract):
    post_id: int
    thread_id: int
    parent_id: int | None = None
    subject: str
    sender_name: str = ""
    sender: str = ""
    sent_at: datetime
    text: str = ""
    attachments: list[ArchivedAttachment] = []


class ThreadV1(Contract):
    thread_id: int
    subject: str
    starter_name: str = ""
    started_at: datetime
    last_at: datetime
    posts: int


class Archive(Contract):
    list_id: str
    list_name: str
    public: bool = False
    threads: list[ThreadV1]
    total: int = 0  # threads in all
    hits: list[ArchivedPostV1] = []  # posts found by the search


class ArchiveThread(Contract):
    list_id: str
    list_name: str
    posts: list[ArchivedPostV1]


class Mbox(Contract):
    list_name: str
    posts: int
    content: str  # the mbox file, base64


BOUNCE_LOG = query("notifications", "bounce_log", ListQuery, BounceLog)
RESUME_DELIVERY = command("notifications", "resume_delivery", ResumeDelivery, MemberV1)
ARCHIVE = query("notifications", "archive", ArchiveQuery, Archive)
ARCHIVE_THREAD = query("notifications", "archive_thread", ArchiveThreadQuery, ArchiveThread)
ARCHIVE_MBOX = query("notifications", "archive_mbox", ListQuery, Mbox)
