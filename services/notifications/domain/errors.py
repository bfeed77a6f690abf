"""Errors of the notifications service, with German messages for people."""

from __future__ import annotations

from shared.errors import DomainError, NotFound


class InvalidInput(DomainError):
    code = "ungueltige_eingabe"


class Conflict(DomainError):
    code = "konflikt"


class Forbidden(DomainError):
    code = "nicht_erlaubt"


class TokenRefused(DomainError):
    """Forged, expired, used, or for another purpose: the same German answer for all of them."""

    code = "link_ungueltig"

    def __init__(self, reason: str) -> None:
        super().__init__("Dieser Link ist ungültig oder abgelaufen. Bitte fordern Sie einen neuen an.")
        self.reason = reason  # for the log, never shown


class TooManyRequests(DomainError):
    code = "zu_viele_anfragen"


__all__ = ["Conflict", "DomainError", "Forbidden", "InvalidInput", "NotFound", "TokenRefused", "TooManyRequests"]
