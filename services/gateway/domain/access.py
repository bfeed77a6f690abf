"""Roles of API tokens and what each may do. The gateway checks these; the services check their own rules."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from shared.errors import DomainError

ROLES = {
    "admin": "Landesbüro: alles",
    "board": "Landesvorstand: alles lesen",
    "moderator": "Moderation eines Verteilers",
    "coordinator": "Koordination einer Regionalgruppe",
}


class Unauthenticated(DomainError):
    code = "nicht_angemeldet"


class NotAllowed(DomainError):
    code = "nicht_erlaubt"


@dataclass(frozen=True)
class ApiToken:
    id: str
    name: str
    role: str
    scope: str | None  # list id (moderator) or group id (coordinator)
    address: str  # who acts: used as moderator / actor towards the services
    token_hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    def allows(self, need: str, scope: str | None = None) -> bool:
        """`need` is read | board | admin | moderate | coordinate; scope is the list or group concerned."""
        if self.revoked_at is not None:
            return False
        if self.role == "admin":
            return True
        if need == "read":
            return True
        if need == "board":  # what the Landesvorstand reads (its progress reports): the board and the Landesbüro
            return self.role == "board"
        if need == "moderate":
            return self.role == "moderator" and self.scope == scope
        if need == "coordinate":
            return self.role == "coordinator" and self.scope == scope
        return False


def new_secret() -> str:
    return "bn_" + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """Tokens are long random strings: a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(secret.encode()).hexdigest()


def check_role(role: str, scope: str | None) -> None:
    if role not in ROLES:
        raise DomainError(f"Rolle „{role}“ unbekannt (möglich: {', '.join(ROLES)}).", code="ungueltige_eingabe")
    if role in ("moderator", "coordinator") and not scope:
        raise DomainError(
            "Für diese Rolle bitte den Verteiler bzw. die Regionalgruppe angeben.", code="ungueltige_eingabe"
        )
