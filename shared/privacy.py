"""What every service keeps of an erased person: a keyed fingerprint of the address, never the address.

One function for all services, so that a fingerprint computed by the mailing service when it erases is the one the
registry and action planning compute over the addresses they hold (to find them) and over an address someone adds
later (to refuse it when the person objected, Art. 21 GDPR). Without the key it cannot be reversed; the algorithm
is the one the mailing service stored its suppressions with, so those stay valid.
"""

from __future__ import annotations

import hashlib


def normalised(address: str) -> str:
    """The form an address is compared in: no surrounding blanks, case folded (as the mailing service stores it)."""
    return address.strip().lower()


def fingerprint(address: str, key: bytes) -> str:
    """SHA-256 over key, a separator and the normalised address."""
    return hashlib.sha256(key + b"\x00" + normalised(address).encode()).hexdigest()


def fingerprint_key(secret: str) -> bytes:
    """The fingerprint key every service derives from its `secret_key` setting (the same in all services).

    It is the secret's bytes, exactly as the mailing service has keyed its suppressions so far: a derived key would
    make the stored fingerprints unfindable. The one place to change it, with a migration of the stored ones.
    """
    return secret.encode()
