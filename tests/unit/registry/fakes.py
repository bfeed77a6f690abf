"""In-memory unit of work for the registry's handlers: no database, no network.

It behaves as `services/registry/adapters/unit_of_work.py` does; tests/integration/test_repository_contracts.py
runs the same test bodies on both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from tests.unit.fake_blocked import FakeBlockedAddresses
from tests.unit.fake_snapshots import FakeRepository
from tests.unit.fake_snapshots import FakeUnitOfWork as _FakeUnitOfWork


class _Repository(FakeRepository[Any]):
    stored = (*FakeRepository.stored, "items")

    def __init__(self) -> None:
        super().__init__()
        self.items = self.rows  # what is stored, by id (the name the registry's unit tests read it by)


class ByStateRepository(_Repository):
    columns = {"state": lambda item: item.state}

    async def list(self, state: str | None = None) -> list[Any]:
        return await self._list(state=state)


class GroupRepository(ByStateRepository):
    stored = (*ByStateRepository.stored, "slug_holders")

    def __init__(self) -> None:
        super().__init__()
        self.slug_holders: dict[str, str] = {}  # every slug a stored group holds or held: it is never given up

    def _store(self, item: Any, version: int) -> None:
        super()._store(item, version)
        for slug in item.slugs:
            self.slug_holders.setdefault(slug, item.id)

    async def by_slug(self, slug: str) -> Any:
        for item in self.tracked():
            if slug in item.slugs:
                return item
        holder = self.slug_holders.get(slug)
        return await self.get(holder) if holder else None


class OfficeRepository(_Repository):
    async def list(self, state: str | None = None) -> list[Any]:
        return await self._list()  # offices are not filtered by state (as in the real repository)

    async def by_import_key(self, key: str) -> Any:
        for item in self.tracked():
            if item.import_key == key:
                return item
        found = next((id for id, item in self.rows.items() if item.import_key == key), None)
        return await self.get(found) if found else None


class PersonQualifications:
    """Person qualifications by address key; changes of an open unit are kept apart until it commits."""

    def __init__(self) -> None:
        self.rows: dict[str, Any] = {}  # what is stored (committed)
        self.pending: dict[str, Any] | None = None  # an open unit's view

    def _view(self) -> dict[str, Any]:
        return self.rows if self.pending is None else self.pending

    async def get(self, key: str) -> Any:
        return self._view().get(key)

    async def list(self) -> list[Any]:
        return [self._view()[key] for key in sorted(self._view())]

    async def put(self, item: Any) -> None:
        self._view()[item.id] = item

    async def remove(self, key: str) -> int:
        return 1 if self._view().pop(key, None) is not None else 0


class CampaignRepository(_Repository):
    columns = {"state": lambda item: item.state}

    async def list(self, state: str | None = None) -> list[Any]:
        return await self._list(state=state)


class RecipientRepository(_Repository):
    columns = {"campaign_id": lambda item: item.campaign_id, "email": lambda item: item.email.casefold()}

    async def of_campaign(self, campaign_id: str) -> list[Any]:
        return sorted(await self._list(campaign_id=campaign_id), key=lambda r: (r.office_name, r.name, r.id))

    async def with_address(self, address: str) -> list[Any]:
        return await self._list(email=address.casefold())

    async def addresses(self) -> list[str]:
        return sorted({item.email.casefold() for item in await self._list()})


class FakeUnitOfWork(_FakeUnitOfWork):
    stored = (*_FakeUnitOfWork.stored, "people", "claimed", "keys")

    def __init__(self, day: date | None = None) -> None:
        self.districts, self.groups, self.offices = ByStateRepository(), GroupRepository(), OfficeRepository()
        self.campaigns, self.recipients = CampaignRepository(), RecipientRepository()
        super().__init__(self.districts, self.groups, self.offices, self.campaigns, self.recipients)
        self.day = day  # what the clock says today (None: no clock wired)
        self.people = PersonQualifications()
        self.blocked = FakeBlockedAddresses()  # written at once (a refusal after a block never rolls it back)
        self.claimed: set[str] = set()  # the inbox: event ids processed
        self.keys: set[str] = set()  # notices sent once per key
        self._begin()

    def _begin(self) -> None:
        if hasattr(self, "people"):
            self.people.pending = None
        self._pending_claims: set[str] = set()
        self._pending_keys: set[str] = set()

    async def __aenter__(self):
        entered = await super().__aenter__()
        self.people.pending = dict(self.people.rows)
        return entered

    def _commit(self) -> None:
        if self.people.pending is not None:
            self.people.rows = self.people.pending
        self.claimed |= self._pending_claims
        self.keys |= self._pending_keys
        self._begin()
        self.people.pending = dict(self.people.rows)  # the unit stays open after a commit

    async def claim(self, envelope: Any) -> bool:
        event_id = str(envelope.event_id)
        if event_id in self.claimed or event_id in self._pending_claims:
            return False
        self._pending_claims.add(event_id)
        return True

    async def once(self, key: str) -> bool:
        if key in self.keys or key in self._pending_keys:
            return False
        self._pending_keys.add(key)
        return True

    def today(self) -> date | None:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day or date(2026, 11, 29), time(12), tzinfo=UTC)

    def _collect_events(self) -> list[object]:
        collected = super()._collect_events()
        for repo in (self.groups, self.offices):
            for item in repo.tracked():
                collected.extend(item.events)
                item.events.clear()
        return collected


ClaimingUnitOfWork = FakeUnitOfWork  # the fake claims incoming events once (what an erasure handler needs)
