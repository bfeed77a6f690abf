"""Personal links to "Meine Schulungen": `/meine-schulungen/<token>`, signed by this service, bound to one person.

A token is base64url(JSON of the person) + "." + base64url(HMAC-SHA256 over that), with a key derived from the
service's secret. It carries no expiry: the person's page shows only their own entries and dates still open.
Signatures are compared in constant time; whatever does not verify is "Dieser Link ist ungültig.".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from services.events.domain.trainings import Person
from shared.errors import DomainError

LINK_PREFIX = "/meine-schulungen/"
LINK_LABEL = "Meine Schulungen"


class InvalidLink(DomainError):
    code = "link_ungueltig"

    def __init__(self) -> None:
        super().__init__("Dieser Link ist ungültig.")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TrainingLinks:
    """Issues and reads the personal tokens; one instance per service, made from its `secret_key`."""

    def __init__(self, secret: bytes | str, *previous: bytes) -> None:
        """`secret` signs; `previous` keys (a rotated secret's, shared/keys.py) only verify."""
        secret = secret.encode() if isinstance(secret, str) else secret
        if len(secret) < 16:
            raise ValueError("Der Schlüssel für Links ist zu kurz")
        self._keys = [
            hashlib.sha256(b"beratungsnetz-meine-schulungen\x00" + key).digest() for key in (secret, *previous)
        ]

    def _mac(self, payload: str, key: bytes | None = None) -> str:
        return _b64(hmac.new(key or self._keys[0], payload.encode(), hashlib.sha256).digest())

    def token(self, person: Person) -> str:
        body = {
            "name": person.name,
            "email": person.email,
            "counsellor_id": person.counsellor_id,
            "office_id": person.office_id,
            "office_name": person.office_name,
            "kinds": list(person.kinds),
        }
        payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
        return f"{payload}.{self._mac(payload)}"

    def path(self, person: Person) -> str:
        """The personal link's path for this person (the mailing service puts its public URL before it)."""
        return LINK_PREFIX + self.token(person)

    def read(self, token: str) -> Person:
        payload, _, signature = (token or "").partition(".")
        genuine = any(hmac.compare_digest(signature.encode(), self._mac(payload, k).encode()) for k in self._keys)
        if not payload or not genuine:
            raise InvalidLink()
        try:
            body = json.loads(_unb64(payload))
            person = Person(
                str(body["name"]),
                str(body["email"]),
                body.get("counsellor_id"),
                body.get("office_id"),
                str(body.get("office_name") or ""),
                tuple(str(k) for k in body.get("kinds") or ()),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidLink() from None
        if not person.email:
            raise InvalidLink()
        return person
