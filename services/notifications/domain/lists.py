"""Mailing lists, their members and pending requests, with Mailman's four subscription policies.

The rules live here: a list knows its policy and its moderators (`MailingList.may_decide` says who may
approve a subscription, and when); a request is confirmed, decided by the moderation and admits a member.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from services.notifications.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TokenRefused,
    TooManyRequests,
)
from services.notifications.domain.posting import PostingPolicy
from services.notifications.domain.words import (
    DELIVERY,
    POLICIES,
    ROLES,
    Decision,
    Delivery,
    ListStatus,
    MemberStatus,
    Policy,
    RequestKind,
    RequestState,
    Role,
    check_decision,
    check_delivery,
    check_policy,
    check_role,
)
from shared import slugs
from shared.clock import BERLIN

CONSENT_TEXT_VERSION = "2026-11-01"
CONSENT_TEXTS = {  # every version a subscribe page ever showed, as shown: a consent names the version it was given to
    CONSENT_TEXT_VERSION: (
        "Ich möchte die Nachrichten dieses Verteilers per E-Mail erhalten. Dafür werden meine E-Mail-Adresse, "
        "mein Name (falls angegeben), der Zeitpunkt meiner Anmeldung und meiner Bestätigung gespeichert. "
        "Ich kann mich jederzeit über den Link in jeder Nachricht oder unter „Meine Verteiler“ abmelden."
    ),
}
CONSENT_TEXT = CONSENT_TEXTS[CONSENT_TEXT_VERSION]
PRIVACY_NOTICE = (
    "Verantwortlich für diesen Verteiler ist der Landesverband; die Moderation des Verteilers sieht Ihre "
    "Adresse und Ihren Namen. Wir verwenden beides nur, um Ihnen die Nachrichten dieses Verteilers zu schicken, "
    "und geben nichts weiter. Unter „Meine Verteiler“ können Sie jederzeit sehen, was über Sie gespeichert ist, "
    "und sich abmelden; löschen lassen können Sie alle Ihre Angaben bei der Landesgeschäftsstelle."
)
_AWAITING_MODERATION = (RequestState.AWAITING_MODERATION, RequestState.DEFERRED)


def consent_version(version: str) -> str:
    """The consent text version a subscribe page showed: empty means the current one; an unknown one is refused."""
    if not version:
        return CONSENT_TEXT_VERSION
    if version not in CONSENT_TEXTS:
        raise InvalidInput(
            f"Die Einwilligungserklärung in der Fassung „{version}“ kennen wir nicht. Bitte laden Sie die Seite neu.",
            fields={"consent_version": version},
        )
    return version


def slugify(name: str) -> str:
    """A list's id is its slug, as the registry's groups have one: „Rente & Soziales“ → `rente-soziales`."""
    if not (slug := slugs.slugify(name)):
        raise InvalidInput(f"Aus „{name}“ lässt sich kein Listenname bilden.")
    return slug


def group_list_id(group_slug: str, group_name: str) -> str:
    """A regional group's list is named after the group's slug (`rg-vogtland`); events from before slugs carry only the name."""
    return f"rg-{group_slug}" if group_slug else slugify(f"rg {group_name}")


@dataclass(eq=False)
class MailingList:
    id: str
    name: str
    policy: Policy
    group_id: str | None = None
    status: ListStatus = ListStatus.ACTIVE
    description: str = ""
    group_sequence: int = 0  # registry stream position of the newest group event applied to this list
    welcome_text: str = ""  # the moderation's words in every welcome mail
    posting: PostingPolicy = field(default_factory=PostingPolicy)  # posts by mail (issue 20)
    archive_public: bool = False  # the archive is for members only unless the moderation opens it to everyone

    def __post_init__(self) -> None:
        self.policy, self.status = Policy(self.policy), ListStatus(self.status)
        self.posting = PostingPolicy.of(self.posting)  # a snapshot from before issue 20 has none: the defaults

    @property
    def slug(self) -> str:
        return self.id

    @property
    def active(self) -> bool:
        return self.status == ListStatus.ACTIVE

    def ensure_open(self) -> None:
        if not self.active:
            raise Conflict(f"Der Verteiler „{self.name}“ ist geschlossen.")

    def close(self) -> None:
        self.status = ListStatus.CLOSED

    def ensure_public(self) -> None:
        """The public subscribe page shows open lists only; a closed list is as unknown as a missing one."""
        if not self.active:
            raise NotFound(f"Verteiler „{self.id}“ nicht gefunden.")

    def change(self, name: str, description: str, policy: str, welcome_text: str) -> list[str]:
        """The moderation's settings; returns the German names of what changed (for the audit log)."""
        name = name.strip()
        if not name:
            raise InvalidInput("Der Name des Verteilers darf nicht leer sein.", fields={"name": "leer"})
        new = {
            "Name": name,
            "Beschreibung": description.strip(),
            "Richtlinie": check_policy(policy),
            "Willkommenstext": welcome_text.strip(),
        }
        old = {
            "Name": self.name,
            "Beschreibung": self.description,
            "Richtlinie": self.policy,
            "Willkommenstext": self.welcome_text,
        }
        self.name, self.description, self.policy, self.welcome_text = new.values()  # type: ignore[assignment]
        return [label for label in new if new[label] != old[label]]

    def change_posting(self, values: dict) -> list[str]:
        """The moderation's rules for posts by mail; returns the names of what changed (for the audit log)."""
        new = PostingPolicy.of(self.posting.as_data() | values)
        changed = [k for k, v in new.as_data().items() if self.posting.as_data()[k] != v]
        self.posting = new
        return changed

    @property
    def needs_confirmation(self) -> bool:
        return self.policy in (Policy.CONFIRM, Policy.CONFIRM_AND_MODERATE)

    @property
    def needs_moderation(self) -> bool:
        return self.policy in (Policy.MODERATE, Policy.CONFIRM_AND_MODERATE)

    def ensure_moderator(self, member: Member | None, admin: bool = False) -> None:
        """The list's moderation may act; so may the Landesbüro (`admin`, set by the gateway for admin tokens)."""
        if not admin and (member is None or member.list_id != self.id or not member.moderates):
            raise Forbidden(f"Nur die Moderation von „{self.name}“ darf das.")

    def may_decide(
        self, moderator: Member | None, request: Request | None, request_id: str, admin: bool = False
    ) -> Request:
        """Who may approve a subscription, and when: this list's moderation (or the Landesbüro), while the
        request is this list's and waits for the moderation (open or deferred). Refusals are checked in
        this order, so nobody but the moderation learns whether a request exists."""
        self.ensure_moderator(moderator, admin)
        if request is None:
            raise NotFound(f"Anfrage {request_id} nicht gefunden.")
        if request.list_id != self.id or request.state not in _AWAITING_MODERATION:
            raise Conflict("Diese Anfrage wartet nicht (mehr) auf die Moderation.")
        return request

    def open_archive(self, public: bool | None) -> list[str]:
        """The moderation opens the archive to everyone or closes it to members only (None: unchanged)."""
        if public is None or public == self.archive_public:
            return []
        self.archive_public = public
        return ["Archiv öffentlich" if public else "Archiv nur für Mitglieder"]

    def ensure_archive_reader(self, member: Member | None, admin: bool = False) -> None:
        """The archive is read by the list's members (a suspended one too), its moderation and the Landesbüro; by
        anyone only if the moderation made it public."""
        if self.archive_public or admin or (member is not None and member.list_id == self.id and member.active):
            return
        raise Forbidden(f"Das Archiv von „{self.name}“ lesen nur die Mitglieder des Verteilers.")

    def ensure_addable(self, existing: Member | None, blocked: bool) -> None:
        """The moderation may add an address unless it is blocked (the person objected), left by itself, or is in
        the list. An address erased without objection is simply new again."""
        ensure_not_blocked(blocked)
        if existing and existing.status == MemberStatus.UNSUBSCRIBED:
            raise Conflict("Diese Adresse hat sich selbst abgemeldet; sie kann sich nur selbst wieder eintragen.")
        if existing:
            raise Conflict("Diese Adresse kann nicht eingetragen werden.")

    def follow_group(self, name: str, sequence: int) -> bool:
        """A group event newer than the last one applied renames the list; False for old news."""
        if sequence < self.group_sequence:
            return False
        self.group_sequence, self.name = sequence, f"Regionalgruppe {name}"
        return True


BLOCKED = (
    "Diese Adresse ist gesperrt: Die Person hat der Verwendung ihrer Adresse widersprochen (Art. 21 DSGVO). "
    "Sie kann nicht eingetragen werden und erhält keine E-Mails mehr."
)


def ensure_not_blocked(blocked: bool) -> None:
    """Erased with an objection ("löschen und sperren"): no path may take the address in again."""
    if blocked:
        raise Conflict(BLOCKED)


@dataclass(eq=False)
class Member:
    list_id: str
    address: str
    display_name: str = ""
    role: Role = Role.MEMBER
    delivery: Delivery = Delivery.EACH
    status: MemberStatus = MemberStatus.ACTIVE
    since: datetime | None = None
    suspended_at: datetime | None = None  # delivery suspended after too many bounces; the membership stays

    def __post_init__(self) -> None:
        self.role, self.delivery, self.status = Role(self.role), Delivery(self.delivery), MemberStatus(self.status)

    @property
    def receives(self) -> bool:
        """Active and not suspended for bounces: only then does a list mail go to the address."""
        return self.active and self.suspended_at is None

    def suspend(self, now: datetime) -> bool:
        """Too many bounces: no more list mail until the moderation switches it on again; False if it already was."""
        if self.suspended_at is not None or not self.active:
            return False
        self.suspended_at = now
        return True

    def resume(self) -> bool:
        if self.suspended_at is None:
            return False
        self.suspended_at = None
        return True

    @property
    def active(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def moderates(self) -> bool:
        return self.active and self.role in (Role.MODERATION, Role.ADMINISTRATION)

    @property
    def wants_each_mail(self) -> bool:
        """Everyone else gets a line in the daily or weekly digest instead."""
        return self.delivery == Delivery.EACH

    def digest_cutoff(self, now: datetime) -> datetime:
        """A digest holds what came before the current day (daily) or week from Monday (weekly), Berlin time."""
        local = now.astimezone(BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)
        return local - timedelta(days=local.weekday()) if self.delivery == Delivery.WEEKLY else local

    def grant(self, role: str) -> None:
        self.role = check_role(role)

    def choose_delivery(self, delivery: str) -> None:
        self.delivery = check_delivery(delivery)

    def remove(self) -> None:
        self.status = MemberStatus.REMOVED

    def unsubscribe(self) -> bool:
        """By the member's own link; False if they were not (or no longer) active: twice is harmless."""
        if not self.active:
            return False
        self.status = MemberStatus.UNSUBSCRIBED
        return True

    def make_moderator(self) -> bool:
        """A group's coordinator moderates its list; an administrator stays one, a leaver stays gone."""
        if not (self.active and self.role == Role.MEMBER):
            return False
        self.role = Role.MODERATION
        return True

    def copy_to(self, list_id: str) -> Member:
        return replace(self, list_id=list_id, status=MemberStatus.ACTIVE, suspended_at=None)


@dataclass(eq=False)
class Request:
    """A subscription or address change waiting for the person's confirmation or the moderation."""

    id: str
    list_id: str
    kind: RequestKind
    address: str
    display_name: str
    state: RequestState
    created_at: datetime
    new_address: str = ""
    ip: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None

    def __post_init__(self) -> None:
        self.kind, self.state = RequestKind(self.kind), RequestState(self.state)

    @classmethod
    def subscription(
        cls, request_id: str, mailing_list: MailingList, address: str, name: str, now: datetime, ip: str = ""
    ) -> Request:
        """The list's policy says what comes first: the person's confirmation, the moderation, or nothing."""
        request = cls(request_id, mailing_list.id, RequestKind.SUBSCRIPTION, address, name, RequestState.ACCEPTED, now)
        request.ip = ip
        if mailing_list.needs_confirmation:
            request.state = RequestState.AWAITING_CONFIRMATION
        elif mailing_list.needs_moderation:
            request.state = RequestState.AWAITING_MODERATION
        else:
            request.decided_at = now
        return request

    @classmethod
    def address_change(cls, request_id: str, member: Member, new_address: str, actor: str, now: datetime) -> Request:
        """Confirmed at the new address, whoever asked (the member by their link, or the moderation)."""
        state = RequestState.AWAITING_CONFIRMATION
        kind = RequestKind.ADDRESS_CHANGE
        return cls(
            request_id, member.list_id, kind, member.address, member.display_name, state, now, new_address, "", actor
        )

    @property
    def pending(self) -> bool:
        return self.state in (RequestState.AWAITING_CONFIRMATION, *_AWAITING_MODERATION)

    @property
    def awaits_moderation(self) -> bool:
        return self.state == RequestState.AWAITING_MODERATION

    @property
    def admits(self) -> bool:
        """The person becomes a member now."""
        return self.state == RequestState.ACCEPTED

    def confirm(self, mailing_list: MailingList, address: str, now: datetime) -> None:
        """The person clicked their link: on to the moderation, or straight in."""
        if self.state != RequestState.AWAITING_CONFIRMATION or address != self.address:
            raise TokenRefused("state")
        if mailing_list.needs_moderation:
            self.state = RequestState.AWAITING_MODERATION
        else:
            self.state, self.decided_at = RequestState.ACCEPTED, now

    def decide(self, decision: str, moderator: str, now: datetime) -> Decision:
        """Accept, reject or defer — after `MailingList.may_decide` said this moderator may, now."""
        chosen = check_decision(decision)
        self.state = {
            Decision.ACCEPT: RequestState.ACCEPTED,
            Decision.REJECT: RequestState.REJECTED,
            Decision.DEFER: RequestState.DEFERRED,
        }[chosen]
        self.decided_by, self.decided_at = moderator, now
        return chosen

    def confirm_new_address(self, member: Member | None, address: str, now: datetime) -> None:
        """The new address answered: the member moves there (the caller moves their consent along)."""
        if self.state != RequestState.AWAITING_CONFIRMATION or member is None or address != self.new_address:
            raise TokenRefused("state")
        member.address = self.new_address
        self.state, self.decided_at = RequestState.CONFIRMED, now


@dataclass(frozen=True)
class AuditEntry:
    list_id: str
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str = ""


@dataclass(frozen=True)
class RateLimits:
    """Against subscription bombing: per address and per list, within an hour.

    The gateway counts the public form's requests per client first (10 an hour), then per address and per list with
    these same numbers: a list's limit is high, so that no single client can use it up for everyone else."""

    per_address: int = 3
    per_list: int = 300

    def check(self, by_address: int, by_list: int = 0) -> None:
        if by_address >= self.per_address or by_list >= self.per_list:
            raise TooManyRequests("Zu viele Anfragen. Bitte versuchen Sie es in einer Stunde erneut.")


__all__ = [
    "CONSENT_TEXT",
    "CONSENT_TEXTS",
    "CONSENT_TEXT_VERSION",
    "PRIVACY_NOTICE",
    "DELIVERY",
    "POLICIES",
    "ROLES",
    "AuditEntry",
    "MailingList",
    "Member",
    "RateLimits",
    "Request",
    "check_delivery",
    "check_policy",
    "check_role",
    "consent_version",
    "group_list_id",
    "slugify",
]
