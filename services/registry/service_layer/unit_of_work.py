"""The unit of work the handlers depend on; adapters provide the real one, tests a fake."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Generic, Protocol, Self, TypeVar

from services.registry.domain.campaigns import Campaign, Recipient
from services.registry.domain.offices import Office
from services.registry.domain.qualifications import PersonQualification
from services.registry.domain.regions import District, RegionalGroup

A = TypeVar("A")


class Repository(Protocol, Generic[A]):
    async def get(self, id: str) -> A | None: ...
    async def add(self, item: A) -> None: ...
    async def list(self, state: str | None = None) -> list[A]: ...


class OfficeRepository(Repository[Office], Protocol):
    async def by_import_key(self, key: str) -> Office | None: ...


class GroupRepository(Repository[RegionalGroup], Protocol):
    async def by_slug(self, slug: str) -> RegionalGroup | None:
        """The group that holds or held `slug` (slugs are never given to another group)."""


class RecipientRepository(Repository[Recipient], Protocol):
    async def put(self, item: Recipient) -> None: ...
    async def of_campaign(self, campaign_id: str) -> list[Recipient]: ...
    async def with_address(self, address: str) -> list[Recipient]:
        """The recipients with this address (any case), for an erasure."""

    async def addresses(self) -> list[str]:
        """Every recipient's address once (as stored: case folded), for an erasure by fingerprint."""


class CampaignRepository(Repository[Campaign], Protocol):
    async def put(self, item: Campaign) -> None: ...


class HistoryLog(Protocol):
    async def of(self, office_id: str) -> list:
        """An office's history entries, newest first."""

    async def by_actor(self, address: str) -> list[dict]:
        """The changes `address` made (any case), oldest first: {office_id, at, data} (Art. 15 GDPR)."""


class PersonQualifications(Protocol):
    """Qualifications of trained people who counsel at no office of the register (yet), by address key."""

    async def get(self, key: str) -> PersonQualification | None: ...
    async def put(self, item: PersonQualification) -> None: ...
    async def remove(self, key: str) -> int: ...
    async def list(self) -> list[PersonQualification]: ...


class BlockedAddresses(Protocol):
    """Fingerprints of people who objected (Art. 21 GDPR, "löschen und sperren"); see shared/db/blocked.py."""

    key: bytes  # shared.privacy.fingerprint_key of the service's secret: an erasure's fingerprint is computed with it

    def fingerprint(self, address: str) -> str: ...
    async def block(self, fingerprint: str, at: datetime) -> None: ...
    async def among(self, addresses: Iterable[str]) -> set[str]:
        """The given addresses that are blocked."""

    async def holds(self, address: str) -> bool: ...


class UnitOfWork(Protocol):
    districts: Repository[District]
    groups: GroupRepository
    offices: OfficeRepository
    history: HistoryLog
    people: PersonQualifications
    campaigns: CampaignRepository
    recipients: RecipientRepository
    blocked: BlockedAddresses

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc_info: object) -> None: ...
    async def commit(self) -> None: ...
    def today(self) -> date | None:
        """The injected clock's date: the day an office opens or closes (None where no clock is wired)."""

    def now(self) -> datetime:
        """The injected clock's time."""

    async def forget_person(self, words: list[str], now: datetime) -> int:
        """Erasure in the messaging tables: outbox rows naming `words` go now, the own streams are scrubbed later."""

    def emit(self, event: object) -> None:
        """Record an event that belongs to no aggregate with an event list (e.g. a new district)."""

    async def claim(self, envelope: object) -> bool:
        """Mark an incoming event processed in this transaction; False if it already was."""

    async def once(self, key: str) -> bool:
        """Claim `key` in this transaction (a notice sent once); False if it was claimed before."""
