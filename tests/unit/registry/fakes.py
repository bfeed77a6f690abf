"""In-memory unit of work for the registry's handlers: no database, no network.

It behaves as `services/registry/adapters/unit_of_work.py` does; tests/integration/test_repository_contracts.py
runs the same test bodies on both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

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


class FakeUnitOfWork(_FakeUnitOfWork):
    def __init__(self, day: date | None = None) -> None:
        self.districts, self.groups, self.offices = ByStateRepository(), GroupRepository(), OfficeRepository()
        self.campaigns, self.recipients = CampaignRepository(), RecipientRepository()
        super().__init__(self.districts, self.groups, self.offices, self.campaigns, self.recipients)
        self.day = day  # what the clock says today (None: no clock wired)

    def today(self) -> date | None:
        return self.day

    def _collect_events(self) -> list[object]:
        collected = super()._collect_events()
        for repo in (self.groups, self.offices):
            for item in repo.tracked():
                collected.extend(item.events)
                item.events.clear()
        return collected


class ClaimingUnitOfWork(FakeUnitOfWork):
    """With the inbox's claim: each incoming event once (what an erasure handler needs)."""

    stored = (*FakeUnitOfWork.stored, "claimed")

    def __init__(self, day: date | None = None) -> None:
        super().__init__(day)
        self.claimed: set[str] = set()

    async def claim(self, envelope: Any) -> bool:
        key = str(envelope.event_id)
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True
