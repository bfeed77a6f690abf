"""The service's secret keys: one key per purpose, derived in this one place, and what counts as a strong secret.

`SECRET_KEY` is the one secret an operator sets; nothing signs with it directly. Each purpose gets its own key
(HMAC-SHA256 over the purpose's name), so that a value signed for one purpose never verifies for another:

- `LINKS`: links in mails (confirmation and unsubscribe links, survey links, "Meine Schulungen");
- `SESSIONS`: what the gateway signs for the browser (the one-time notices after a redirect).

Erasure fingerprints (shared/privacy.py `fingerprint_key`) stay on the secret's own bytes: the mailing service has
stored its suppressions (Art. 17/21 GDPR) with that key, and a derived one would make them unfindable. For the same
reason they never rotate: `FINGERPRINT_KEY` (default: `SECRET_KEY`) holds the old secret after `SECRET_KEY` changes
(shared/settings.py `fingerprints`).

Rotation: `SECRET_KEY_PREVIOUS` (optional) is the secret before the last change. New values are signed with the
current key only; values signed with the previous one still verify until it is removed, so changing the secret
does not invalidate every link and notice at once. Links signed before the keys were derived (with the secret itself)
verify too, for the same reason (`verifying`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections import Counter

LINKS = "links"
SESSIONS = "sitzungen"
PURPOSES = (LINKS, SESSIONS)

MIN_LENGTH = 32
MIN_DISTINCT = 10  # "a" * 32 has one; secrets.token_urlsafe(32) (43 characters) about 30, token_hex(16) about 14
MIN_BITS = 90.0  # Shannon estimate over the characters: "a" * 32 has 0; token_urlsafe(32) about 200, token_hex(16) 95+


def derive(secret: str, purpose: str) -> bytes:
    """The key for one purpose: HMAC-SHA256 with the secret over the purpose's name."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown key purpose: {purpose}")
    return hmac.new(secret.encode(), b"beratungsnetz-schluessel\x00" + purpose.encode(), hashlib.sha256).digest()


def verifying(purpose: str, secret: str, previous: str | None = None, *, legacy: bool = False) -> tuple[bytes, ...]:
    """The keys a value of `purpose` may be signed with: the current one first (it alone signs), then the previous
    secret's; with `legacy`, also the secret's own bytes (what links were signed with before keys were derived)."""
    keys = [derive(secret, purpose)]
    if previous:
        keys.append(derive(previous, purpose))
    if legacy:
        keys.append(secret.encode())
        if previous:
            keys.append(previous.encode())
    return tuple(keys)


def estimated_bits(value: str) -> float:
    """A rough estimate of a secret's entropy: length times the Shannon entropy of its characters."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def weakness(value: str, min_length: int = MIN_LENGTH) -> str | None:
    """Why `value` is no secret (German, for the production guard), or None if it looks generated."""
    if len(value) < min_length:
        return f"mindestens {min_length} Zeichen"
    if len(set(value)) < MIN_DISTINCT or estimated_bits(value) < MIN_BITS:
        return (
            "zu einfach (zu wenige verschiedene Zeichen); zufällig erzeugen, "
            "z. B. mit python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return None
