"""What the use cases need from outside, passed in by the composition root: the repositories and
unit of work (as Protocols: adapters/store.py is the real one, tests/unit/notifications/fakes.py the fake),
the mail composer, the link signer and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, Self

from services.notifications.domain.archive import AttachmentLimits
from services.notifications.domain.bounces import Bounce, BouncePolicy, return_path
from services.notifications.domain.inbound import Incoming
from services.notifications.domain.lists import AuditEntry, MailingList, Member, RateLimits, Request
from services.notifications.domain.news import Received
from services.notifications.domain.posting import HeldPost
from services.notifications.domain.tokens import Signer


class Lists(Protocol):
    async def get(self, list_id: str) -> MailingList | None: ...
    async def add(self, mailing_list: MailingList) -> None: ...
    async def put(self, mailing_list: MailingList) -> None: ...
    async def list(self, *, group_id: str | None = None) -> list[MailingList]: ...


class DeliveryRow(Protocol):
    """A queued mail as the delivery worker and the digests read it."""

    id: int
    recipient: str
    message: bytes | None
    attempts: int
    list_id: str | None
    event_id: str


class DigestItem(Protocol):
    id: int
    list_id: str
    summary: str
    created_at: datetime


@dataclass(frozen=True)
class Mailing:
    """A post to a list and how its deliveries stand (`digest`: collected for or sent in a digest)."""

    event_id: str
    list_id: str
    subject: str
    sender: str
    sent_at: datetime
    recipients: int
    sent: int = 0
    pending: int = 0
    failed: int = 0
    digest: int = 0


@dataclass(frozen=True)
class Failure:
    recipient: str
    reason: str
    attempts: int
    last_attempt: datetime | None = None


@dataclass(frozen=True)
class ArchivedPost:
    id: int
    list_id: str
    thread_id: int
    parent_id: int | None
    subject: str
    sender: str
    sender_name: str
    sent_at: datetime
    body: str
    attachments: list[dict]  # {"name", "type", "size", "kept"}


@dataclass(frozen=True)
class ThreadSummary:
    thread_id: int
    subject: str
    starter_name: str
    started_at: datetime
    last_at: datetime
    posts: int


class Posts(Protocol):
    """Posts by mail (issue 20); the real one is adapters/post_store.py, part of the store."""

    async def held_post(self, post_id: str) -> HeldPost | None: ...
    async def save_held_post(self, post: HeldPost) -> None: ...
    async def held_posts(self, list_id: str | None = None, open_only: bool = True) -> list[HeldPost]: ...
    async def held_count(self, list_id: str) -> int: ...
    async def trust(self, list_id: str, address: str, at: datetime, by: str) -> None: ...
    async def trusted(self, list_id: str, address: str) -> bool: ...
    async def keep_mail(self, **values: Any) -> bool: ...
    async def post_known(self, post_id: str) -> bool: ...
    async def has_posted(self, list_id: str, address: str) -> bool: ...


class Store(Posts, Protocol):
    """Members, requests, consent, audit, spent tokens, suppressions and deliveries of all lists."""

    async def member(self, list_id: str, address: str) -> Member | None: ...
    async def members(self, list_id: str, active_only: bool = False) -> list[Member]: ...
    async def members_named(self, list_id: str, name: str) -> list[Member]: ...
    async def members_page(
        self,
        list_id: str,
        *,
        search: str = "",
        status: str = "",
        role: str = "",
        delivery: str = "",
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[Member], int]:
        """Members by address, filtered (search: part of name or address, any case) and paged; with the total."""
        ...

    async def memberships(self, address: str) -> list[Member]:
        """The address's memberships in every list (any status), by list."""
        ...

    async def member_count(self, list_id: str) -> int: ...
    async def save_member(self, member: Member) -> None: ...
    async def delete_member(self, list_id: str, address: str) -> None: ...
    async def request(self, request_id: str) -> Request | None: ...
    async def save_request(self, request: Request) -> None: ...
    async def pending(self, list_id: str) -> list[Request]: ...
    async def recent_requests(self, since: datetime, address: str | None = None, list_id: str | None = None) -> int: ...
    async def record_consent(self, request: Request, text_version: str) -> None: ...
    async def confirm_consent(self, request_id: str, at: datetime, address: str | None = None) -> None: ...
    async def move_consents(self, list_id: str, old: str, new: str) -> None: ...
    async def audit(self, entry: AuditEntry) -> None: ...
    async def audit_log(self, list_id: str) -> list[AuditEntry]: ...
    async def audit_page(
        self,
        list_id: str,
        *,
        person: str = "",
        action: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[list[AuditEntry], int]:
        """Newest first; `person`: part of actor or subject, any case; `since` and `until` inclusive."""
        ...

    async def audit_actions(self, list_id: str) -> list[str]: ...
    async def token_spent(self, token_id: str) -> bool: ...
    async def count_link_requests(self, fingerprint: str, since: datetime) -> int: ...
    async def add_link_request(self, fingerprint: str, at: datetime) -> None:
        """Record a request for a "Meine Verteiler" link; requests older than an hour before `at` are forgotten."""
        ...

    async def spend_token(self, token_id: str, at: datetime) -> bool: ...
    async def suppress(self, fingerprint: str, at: datetime) -> None: ...
    async def suppressed(self, fingerprint: str) -> bool: ...
    async def suppressed_among(self, fingerprints: set[str]) -> set[str]: ...
    async def add_delivery(self, **values: Any) -> bool: ...
    async def add_deliveries(self, rows: list[dict[str, Any]]) -> int: ...
    async def mark_deliveries(self, marks: list[tuple[int, dict[str, Any]]]) -> None: ...
    async def due_deliveries(self, now: datetime, limit: int) -> list[DeliveryRow]: ...
    async def mark_delivery(self, delivery_id: int, **values: Any) -> None: ...
    async def digest_items(self, recipient: str) -> list[DigestItem]: ...
    async def digest_recipients(self) -> list[tuple[str, str]]: ...
    async def delivery_stats(self, event_id: str | None = None) -> dict[str, int]: ...
    async def record_post(self, mailing: Mailing) -> None: ...
    async def mailings(self, list_id: str, event_id: str | None = None) -> list[Mailing]:
        """The list's posts, newest first, with their deliveries counted."""
        ...

    async def failures(self, event_id: str) -> list[Failure]: ...
    async def everything_about(self, address: str) -> dict[str, list[dict]]: ...
    async def names_of(self, address: str) -> list[str]:
        """The display names the address was given as member or in a request."""
        ...

    async def erase(self, address: str, words: list[str]) -> dict[str, int]:
        """Delete the address's rows (its bounces and archived posts too); audit, posts, archived posts of others and
        mails to others keep no text naming it or `words`."""
        ...

    # bounces (adapters/bounce_store.py)
    async def add_bounce(self, bounce: Bounce) -> bool:
        """False if this mail's bounce for the membership was logged before (same `reference`)."""
        ...

    async def bounces_of(self, list_id: str, address: str) -> list[Bounce]: ...
    async def bounce_log(self, list_id: str, limit: int = 200) -> list[Bounce]: ...
    async def clear_bounces(self, list_id: str, address: str) -> None: ...

    # the archive (adapters/archive_store.py)
    async def archive(self, **values: Any) -> int | None:
        """Keep a post (a new thread if `thread_id` is None); None if its event is archived already."""
        ...

    async def archived_by_message_id(self, list_id: str, message_ids: list[str]) -> ArchivedPost | None: ...
    async def archive_threads(
        self, list_id: str, offset: int = 0, limit: int = 50
    ) -> tuple[list[ThreadSummary], int]: ...
    async def archive_search(self, list_id: str, words: list[str], limit: int = 100) -> list[ArchivedPost]: ...
    async def archive_thread(self, list_id: str, thread_id: int) -> list[ArchivedPost]: ...
    async def archive_messages(self, list_id: str) -> list[tuple[str, datetime, bytes]]: ...


class UnitOfWork(Protocol):
    lists: Lists
    store: Store

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc_info: object) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    def emit(self, event: object) -> None: ...
    async def forget_person(self, words: list[str], now: datetime) -> int:
        """Erasure in the messaging tables: outbox rows naming `words` go, the own streams are scrubbed later."""
        ...

    async def claim(self, event: Received) -> bool:
        """Record an incoming event as handled in this transaction; False if it already was."""
        ...


class PersonalCopies(Protocol):
    def message(self, to_address: str, to_name: str, unsubscribe_token: str, manage_token: str) -> tuple[str, bytes]:
        """(subject, bytes) of one member's copy — raises ValueError on header injection."""


class Composer(Protocol):
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
    ) -> PersonalCopies:
        """One mail to many members, composed once — raises ValueError on header injection."""

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
        """(subject, message bytes) — raises ValueError on header injection. `references`: a Message-ID the copy
        refers to (a list post's own id in the archive), so that a reply to any copy names it."""

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
        """A member's copy of a post by mail, with the list's headers and a personal footer."""

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
        """The headers a reader sees and the plain text of `message`, personal links (with `personal`) masked."""


@dataclass(frozen=True)
class Deps:
    uow: Callable[[], UnitOfWork]
    composer: Composer
    calendar: Callable[[Any, datetime], bytes]  # an action (ActionNews) and DTSTAMP as an .ics attachment
    signer: Signer
    now: Callable[[], datetime]
    secret: bytes
    public_url: str
    board_list: str = "landesvorstand"
    workplan_list: str = "lag-hartz-iv-sachsen"
    rate_limits: RateLimits = RateLimits()
    confirm_valid: timedelta = timedelta(hours=48)
    unsubscribe_valid: timedelta = timedelta(days=365)
    manage_valid: timedelta = timedelta(days=90)
    mail_domain: str = "beratungsnetz.example"  # the lists: <list>@mail_domain, and each list mail's VERP return path
    read_mail: Callable[[bytes, str], Incoming] | None = None  # the defensive reader (adapters/inbound_mail.py)
    held_remind_after: timedelta = timedelta(days=1)
    held_expire_after: timedelta = timedelta(days=14)
    bounce_policy: BouncePolicy = BouncePolicy()
    attachment_limits: AttachmentLimits = AttachmentLimits()

    def return_path(self, list_id: str | None, address: str) -> str | None:
        """The VERP envelope sender of a list mail, None for any other mail (the service's own address then)."""
        if not (self.mail_domain and list_id):
            return None
        return return_path(self.secret, list_id, address, self.mail_domain)

    def link(self, path: str, token: str) -> str:
        return f"{self.public_url.rstrip('/')}/{path}?token={token}"
