"""Signed, expiring tokens for confirmation, unsubscribe and "Meine Verteiler" links (HMAC-SHA256).

A token is `payload.signature`, both URL-safe base64. The payload names its purpose, list,
address and expiry and carries a random id; single use is enforced by recording that id when
the token is spent (confirmations; "verwalten", a member's address-wide link to their own page, is
used again and again until it expires). Signatures are compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.notifications.domain.errors import TokenRefused

PURPOSES = ("bestaetigen", "adresse_aendern", "abmelden", "verwalten")
SINGLE_USE = ("bestaetigen", "adresse_aendern")


@dataclass(frozen=True)
class Token:
    purpose: str
    list_id: str
    address: str
    expires: datetime
    token_id: str
    extra: str = ""  # e.g. the request id a confirmation belongs to


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, secret: bytes, *previous: bytes) -> None:
        """`secret` signs; `previous` keys (a rotated secret's, shared/keys.py) only verify."""
        if len(secret) < 16:
            raise ValueError("Der Schlüssel für Links ist zu kurz")
        self._keys = [hashlib.sha256(b"beratungsnetz-links\x00" + key).digest() for key in (secret, *previous)]

    def _mac(self, payload: str, key: bytes | None = None) -> str:
        return _b64(hmac.new(key or self._keys[0], payload.encode(), hashlib.sha256).digest())

    def _genuine(self, payload: str, signature: str) -> bool:
        return any(hmac.compare_digest(signature.encode(), self._mac(payload, key).encode()) for key in self._keys)

    def issue(self, purpose: str, list_id: str, address: str, now: datetime, valid: timedelta, extra: str = "") -> str:
        body = {
            "p": purpose,
            "l": list_id,
            "a": address,
            "e": int((now + valid).timestamp()),
            "i": secrets.token_hex(8),
            "x": extra,
        }
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str, purpose: str, now: datetime) -> Token:
        found = self.read(token, now)
        if found.purpose != purpose:
            raise TokenRefused("purpose")
        return found

    def read(self, token: str, now: datetime) -> Token:
        """A genuine, unexpired token of any of our purposes (spent or not: the caller asks the store)."""
        payload, _, signature = (token or "").partition(".")
        if not payload or not self._genuine(payload, signature):
            raise TokenRefused("signature")
        try:
            body = json.loads(_unb64(payload))
            found = Token(
                body["p"],
                body["l"],
                body["a"],
                datetime.fromtimestamp(body["e"], now.tzinfo),
                body["i"],
                body.get("x", ""),
            )
        except (ValueError, KeyError, TypeError):
            raise TokenRefused("payload") from None
        if found.purpose not in PURPOSES:
            raise TokenRefused("purpose")
        if found.expires < now:
            raise TokenRefused("expired")
        return found
