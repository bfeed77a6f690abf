"""Errors of action planning, with German messages for people."""

from __future__ import annotations

from shared.errors import DomainError, NotFound


class InvalidInput(DomainError):
    code = "ungueltige_eingabe"


class Conflict(DomainError):
    code = "konflikt"


__all__ = ["Conflict", "DomainError", "InvalidInput", "NotFound"]
