"""The status words of the mailing-list service. Their values are the German words on the wire and in the tables."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from services.notifications.domain.errors import InvalidInput


class Policy(StrEnum):
    """Mailman's four subscription policies."""

    OPEN = "offen"
    CONFIRM = "bestaetigen"
    MODERATE = "moderiert"
    CONFIRM_AND_MODERATE = "bestaetigen_und_moderiert"


class Role(StrEnum):
    MEMBER = "mitglied"
    MODERATION = "moderation"
    ADMINISTRATION = "verwaltung"


class Delivery(StrEnum):
    EACH = "jede"
    DAILY = "taeglich"
    WEEKLY = "woechentlich"


class ListStatus(StrEnum):
    ACTIVE = "aktiv"
    CLOSED = "geschlossen"


class MemberStatus(StrEnum):
    ACTIVE = "aktiv"
    UNSUBSCRIBED = "abgemeldet"  # left by their own link: only they can come back
    REMOVED = "entfernt"  # taken off by the moderation


class RequestKind(StrEnum):
    SUBSCRIPTION = "abonnement"
    ADDRESS_CHANGE = "adressaenderung"


class RequestState(StrEnum):
    AWAITING_CONFIRMATION = "bestaetigung_offen"
    AWAITING_MODERATION = "moderation_offen"
    DEFERRED = "zurueckgestellt"
    ACCEPTED = "angenommen"
    REJECTED = "abgelehnt"
    CONFIRMED = "bestaetigt"  # an address change, confirmed at the new address


class Decision(StrEnum):
    ACCEPT = "annehmen"
    REJECT = "ablehnen"
    DEFER = "zurueckstellen"


POLICIES = {
    Policy.OPEN: "offen",
    Policy.CONFIRM: "Bestätigung per E-Mail (Double-Opt-in)",
    Policy.MODERATE: "Freigabe durch die Moderation",
    Policy.CONFIRM_AND_MODERATE: "Bestätigung per E-Mail, dann Freigabe durch die Moderation",
}
ROLES = {Role.MEMBER: "Mitglied", Role.MODERATION: "Moderation", Role.ADMINISTRATION: "Verwaltung"}
DELIVERY = {
    Delivery.EACH: "jede Nachricht",
    Delivery.DAILY: "tägliche Zusammenfassung",
    Delivery.WEEKLY: "wöchentliche Zusammenfassung",
}


W = TypeVar("W", bound=StrEnum)


def _one_of(value: str, words: type[W], label: str) -> W:
    try:
        return words(value)
    except ValueError:
        raise InvalidInput(f"{label} „{value}“ unbekannt (möglich: {', '.join(words)}).") from None


def check_policy(policy: str) -> Policy:
    return _one_of(policy, Policy, "Richtlinie")


def check_role(role: str) -> Role:
    return _one_of(role, Role, "Rolle")


def check_delivery(delivery: str) -> Delivery:
    return _one_of(delivery, Delivery, "Zustellart")


def check_decision(decision: str) -> Decision:
    try:
        return Decision(decision)
    except ValueError:
        raise InvalidInput(f"Entscheidung „{decision}“ unbekannt (annehmen, ablehnen, zurueckstellen).") from None
