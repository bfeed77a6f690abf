"""Mailing lists, their members and pending requests, with Mailman's four subscription policies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.notifications.domain.errors import Conflict, Forbidden, InvalidInput, TooManyRequests
from shared import slugs

POLICIES = {
    "offen": "offen",
    "bestaetigen": "Bestätigung per E-Mail (Double-Opt-in)",
    "moderiert": "Freigabe durch die Moderation",
    "bestaetigen_und_moderiert": "Bestätigung per E-Mail, dann Freigabe durch die Moderation",
}
ROLES = {"mitglied": "Mitglied", "moderation": "Moderation", "verwaltung": "Verwaltung"}
DELIVERY = {
    "jede": "jede Nachricht",
    "taeglich": "tägliche Zusammenfassung",
    "woechentlich": "wöchentliche Zusammenfassung",
}
CONSENT_TEXT_VERSION = "2026-11-01"


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
    policy: str
    group_id: str | None = None
    status: str = "aktiv"  # aktiv | geschlossen
    description: str = ""
    group_sequence: int = 0  # registry stream position of the newest group event applied to this list

    @property
    def slug(self) -> str:
        return self.id

    def ensure_open(self) -> None:
        if self.status != "aktiv":
            raise Conflict(f"Der Verteiler „{self.name}“ ist geschlossen.")

    @property
    def needs_confirmation(self) -> bool:
        return self.policy in ("bestaetigen", "bestaetigen_und_moderiert")

    @property
    def needs_moderation(self) -> bool:
        return self.policy in ("moderiert", "bestaetigen_und_moderiert")


@dataclass(eq=False)
class Member:
    list_id: str
    address: str
    display_name: str = ""
    role: str = "mitglied"
    delivery: str = "jede"
    status: str = "aktiv"  # aktiv | abgemeldet
    since: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status == "aktiv"

    @property
    def moderates(self) -> bool:
        return self.active and self.role in ("moderation", "verwaltung")


@dataclass(eq=False)
class Request:
    """A subscription or address change waiting for the person's confirmation or the moderation."""

    id: str
    list_id: str
    kind: str  # abonnement | adressaenderung
    address: str
    display_name: str
    state: str  # bestaetigung_offen | moderation_offen | zurueckgestellt | angenommen | abgelehnt | bestaetigt
    created_at: datetime
    new_address: str = ""
    ip: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.state in ("bestaetigung_offen", "moderation_offen", "zurueckgestellt")


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
    """Against subscription bombing: per address and per list, within an hour."""

    per_address: int = 3
    per_list: int = 30

    def check(self, by_address: int, by_list: int) -> None:
        if by_address >= self.per_address or by_list >= self.per_list:
            raise TooManyRequests("Zu viele Anfragen. Bitte versuchen Sie es in einer Stunde erneut.")


def ensure_moderator(member: Member | None, mailing_list: MailingList, admin: bool = False) -> Member | None:
    """The list's moderation may act; so may the Landesbüro (`admin`), which may do everything."""
    if admin:
        return member
    if member is None or not member.moderates:
        raise Forbidden(f"Nur die Moderation von „{mailing_list.name}“ darf das.")
    return member


def _one_of(value: str, allowed: dict[str, str], label: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{label} „{value}“ unbekannt (möglich: {', '.join(allowed)}).")
    return value


def check_policy(policy: str) -> str:
    return _one_of(policy, POLICIES, "Richtlinie")


def check_role(role: str) -> str:
    return _one_of(role, ROLES, "Rolle")


def check_delivery(delivery: str) -> str:
    return _one_of(delivery, DELIVERY, "Zustellart")
