"""In-memory unit of work for action planning: no database, no network.

It behaves as `services/events/adapters/unit_of_work.py` does; tests/integration/test_repository_contracts.py
runs the same test bodies on both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support import test_clock
from tests.unit.fake_blocked import FakeBlockedAddresses
from tests.unit.fake_snapshots import FakeRepository
from tests.unit.fake_snapshots import FakeUnitOfWork as _FakeUnitOfWork


def _day(action: Any) -> date | None:
    start = action.schedule.start
    return start.date() if start else None


class GroupRepository(FakeRepository[Any]):
    columns = {"state": lambda group: group.state}

    async def list(self, state: str | None = None) -> list[Any]:
        return await self._list(state=state)

    async def preload(self, ids: set[str]) -> None:
        """The real repository reads these ahead in one query; in memory there is nothing to do."""


class ActionRepository(FakeRepository[Any]):
    columns = {"day": _day}

    async def list(self) -> list[Any]:
        return await self._list()

    async def on_day(self, day: date) -> list[Any]:
        """Actions starting on `day` (Berlin)."""
        return await self._list(day=day)


class WorkItemRepository(FakeRepository[Any]):
    columns = {"plan": lambda item: item.plan}

    async def list(self, plan: str | None = None) -> list[Any]:
        return await self._list(plan=plan)


class TrainingRepository(FakeRepository[Any]):
    columns = {"status": lambda t: str(t.status), "day": lambda t: t.day}

    async def list(self, status: str | None = None, day: date | None = None) -> list[Any]:
        return await self._list(status=status, day=day)


class CampaignRepository(FakeRepository[Any]):
    async def list(self) -> list[Any]:
        return sorted(await self._list(), key=lambda c: (c.ends_on, c.title, c.id))


class FakeUnitOfWork(_FakeUnitOfWork):
    stored = (*_FakeUnitOfWork.stored, "keys", "claimed")

    def __init__(self) -> None:
        self.groups, self.actions, self.items = GroupRepository(), ActionRepository(), WorkItemRepository()
        self.trainings = TrainingRepository()
        self.campaigns = CampaignRepository()
        super().__init__(self.groups, self.actions, self.items, self.trainings, self.campaigns)
        self.clock = test_clock()
        self.blocked = FakeBlockedAddresses()
        self.keys: set[str] = set()  # once-keys and processed event ids, committed
        self.claimed: set[str] = set()
        self._pending_keys: set[str] = set()
        self._pending_claims: set[str] = set()

    def _begin(self) -> None:
        self._pending_keys, self._pending_claims = set(), set()

    def _commit(self) -> None:
        self.keys |= self._pending_keys
        self.claimed |= self._pending_claims
        self._begin()

    def _collect_events(self) -> list[object]:
        collected = super()._collect_events()
        for repo in (self.actions, self.items, self.trainings):
            for item in repo.tracked():
                collected.extend(item.events)
                item.events.clear()
        return collected

    async def once(self, key: str) -> bool:
        if key in self.keys or key in self._pending_keys:
            return False
        self._pending_keys.add(key)
        return True

    async def claim(self, envelope: Any) -> bool:
        event_id = str(envelope.event_id)
        if event_id in self.claimed or event_id in self._pending_claims:
            return False
        self._pending_claims.add(event_id)
        return True

    async def claim_many(self, envelopes: list[Any]) -> list[Any]:
        return [e for e in envelopes if await self.claim(e)]
