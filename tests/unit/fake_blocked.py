"""In-memory `blocked_addresses` (shared/db/blocked.py) for the fake units of work: the same fingerprints."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from shared import privacy
from shared.privacy import DEV_KEY


class FakeBlockedAddresses:
    def __init__(self, key: bytes = DEV_KEY) -> None:
        self.key = key
        self.rows: dict[str, datetime] = {}

    def fingerprint(self, address: str) -> str:
        return privacy.fingerprint(address, self.key)

    async def block(self, fingerprint: str, at: datetime) -> None:
        self.rows.setdefault(fingerprint, at)

    async def among(self, addresses: Iterable[str]) -> set[str]:
        return {a for a in addresses if a and a.strip() and self.fingerprint(a) in self.rows}

    async def holds(self, address: str) -> bool:
        return bool(await self.among([address]))
