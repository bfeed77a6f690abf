"""What every service keeps of an erased person: a keyed fingerprint of the address, never the address.

One function for all services, so that a fingerprint computed by the mailing service when it erases is the one the
registry and action planning compute over the addresses they hold (to find them) and over an address someone adds
later (to refuse it when the person objected, Art. 21 GDPR). Without the key it cannot be reversed; the algorithm
is the one the mailing service stored its suppressions with, so those stay valid.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def normalised(address: str) -> str:
    """The form an address is compared in: no surrounding blanks, case folded (as the mailing service stores it)."""
    return address.strip().lower()


def fingerprint(address: str, key: bytes) -> str:
    """SHA-256 over key, a separator and the normalised address."""
    return hashlib.sha256(key + b"\x00" + normalised(address).encode()).hexdigest()


DEV_SECRET = "nur-fuer-die-entwicklung"  # noqa: S105 - the settings' default, refused outside development


def fingerprint_key(secret: str) -> bytes:
    """The fingerprint key every service derives from its `secret_key` setting (the same in all services).

    It is the secret's bytes, exactly as the mailing service has keyed its suppressions so far: a derived key would
    make the stored fingerprints unfindable. The one place to change it, with a migration of the stored ones.
    """
    return secret.encode()


def matches(address: str, fingerprint_: str, key: bytes) -> bool:
    """Whether a stored address is the one `fingerprint_` was computed over (blanks and case do not matter).

    The one rule by which the registry and action planning find an erased person's records: the erasure event
    carries only the fingerprint, each service computes it over the addresses it holds."""
    return bool(fingerprint_ and address and address.strip()) and fingerprint(address, key) == fingerprint_


def sought(address: str, fingerprint_: str, key: bytes) -> str:
    """The fingerprint an erasure event asks for: its own; an older event that carries only the address, its
    address's."""
    return fingerprint_ or (fingerprint(address, key) if address and address.strip() else "")


@dataclass(frozen=True)
class Erased:
    """What one service's erasure found: how many records it erased, the address as the service held it (the first
    that matched; "" when none did) and the names that belonged to those records (people's names, never an office's).
    Address and names are what the service's streams must lose (shared/messaging/erasure.py)."""

    count: int = 0
    address: str = ""
    names: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        """Address and names, without blanks and doubles: what a scrub looks for."""
        return tuple(dict.fromkeys(w.strip() for w in (self.address, *self.names) if w and w.strip()))


class Erasure:
    """One erasure in progress: which stored addresses are the person's (`matches`), and the names found with them."""

    def __init__(self, fingerprint_: str, key: bytes, address: str = "") -> None:
        self.fingerprint, self.key = fingerprint_, key
        self.address = address.strip()  # an older event's address: the answer when no record matched
        self._addresses: list[str] = []
        self._names: list[str] = []

    @classmethod
    def of(cls, address: str, fingerprint_: str, key: bytes) -> Erasure:
        """For an erasure event's `address` (older events) and `fingerprint` (from issue 18 on, alone)."""
        return cls(sought(address, fingerprint_, key), key, address)

    def matches(self, address: str | None) -> bool:
        """Whether `address` is the person's; the first that is becomes `Erased.address`."""
        if not address or not matches(address, self.fingerprint, self.key):
            return False
        if address.strip() not in self._addresses:
            self._addresses.append(address.strip())
        return True

    def named(self, *names: str | None) -> None:
        """Names that belonged to a matching record (blank ones are left out)."""
        for name in names:
            if name and name.strip() and name.strip() not in self._names:
                self._names.append(name.strip())

    def result(self, count: int) -> Erased:
        first = self._addresses[0] if self._addresses else self.address
        return Erased(count, first, tuple(self._names))


UNTIL_ERASED = "Bis Sie die Löschung verlangen (Art. 17 DSGVO)."


@dataclass(frozen=True)
class Record:
    """Art. 15: one record a service holds about a person, with purpose and retention, all in German."""

    kind: str
    data: dict[str, Any]
    purpose: str
    retention: str


GONE = "gelöschte Person"  # what a text says where it named an erased person


def names_any(text: str | None, words: Iterable[str]) -> bool:
    """Whether `text` contains one of `words`, in any case."""
    folded = (text or "").casefold()
    return any(w.casefold() in folded for w in words if w.strip())


def without(text: str | None, words: Iterable[str]) -> str | None:
    """`text` with each of `words` (in any case, longest first) replaced by "gelöschte Person"."""
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not text or not names_any(text, words):
        return text
    for word in words:
        text = re.sub(re.escape(word), GONE, text, flags=re.IGNORECASE)
    return text


def words_of(*values: str | None) -> list[str]:
    """The words that name a person (address, names), without blanks and doubles."""
    return sorted({v.strip() for v in values if v and v.strip()})


def naming_words(address: str, names: Iterable[str]) -> list[str]:
    """What identifies a person well enough to delete whole messages and rows for it: the address, and each name of
    at least two words ("Jana Zürich"). A single first name ("Gudrun") would also hit other people's events, which
    replicas and other services still need; where it stood beside the address, the address finds the message."""
    return words_of(address, *(n for n in names if len(n.split()) >= 2))


DEV_KEY = fingerprint_key(DEV_SECRET)  # the fingerprint key of the development secret: tests and `make dev`
