"""The services' secret keys: one key per purpose, each service only its own, and what counts as a strong secret.

Each service gets only the keys of the purposes it signs for (shared/settings.py `key_purposes`; in production the
guard refuses a missing key and a key that belongs to another service):

- `LINKS` (`LINK_KEY`): links in mails; registry (survey links), events ("Meine Schulungen") and notifications
  (confirmation and unsubscribe links) each have their own, since each verifies only the links it signed;
- `SESSIONS` (`SESSION_KEY`, gateway only): what the gateway signs for the browser (the one-time notices).

So a compromised service cannot forge another's links or the gateway's notices. Nothing signs with a configured
value directly: the key is HMAC-SHA256 over the purpose's name, so that a value signed for one purpose never
verifies for another even if an operator reused a value. Outside production a missing key is derived from
`SECRET_KEY` (development's one secret); in production `SECRET_KEY` is refused.

Erasure fingerprints (shared/privacy.py `fingerprint_key`) are keyed with `FINGERPRINT_KEY`, the same in all services
(each must recognise an erased address), and it never rotates: the mailing service has stored its suppressions
(Art. 17/21 GDPR) with it. Installations from before per-service keys set it to their former `SECRET_KEY`.

Rotation: `LINK_KEY_PREVIOUS` / `SESSION_KEY_PREVIOUS` hold the key before the last change, `SECRET_KEY_PREVIOUS` the
former shared secret. New values are signed with the current key only; values signed with a previous one still
verify until it is removed, so changing a key does not invalidate every link and notice at once. Links signed before
the keys were derived (with the secret itself) verify too, for the same reason (`verifying`).
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


def verifying(purpose: str, secret: str, *previous: str | None, legacy: bool = False) -> tuple[bytes, ...]:
    """The keys a value of `purpose` may be signed with: the current one first (it alone signs), then the previous
    secrets'; with `legacy`, also the secrets' own bytes (what links were signed with before keys were derived)."""
    earlier = [p for p in previous if p]
    keys = [derive(secret, purpose)] + [derive(p, purpose) for p in earlier]
    if legacy:
        keys += [s.encode() for s in (secret, *earlier)]
    return tuple(dict.fromkeys(keys))


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
