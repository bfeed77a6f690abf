"""The registry's unit of work: aggregates, their events (via the outbox) and the inbox in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.registry.adapters import mapping
from services.registry.adapters.repository import DistrictRepository, GroupRepository, OfficeRepository
from shared.db.unit_of_work import SqlAlchemyUnitOfWork


class RegistryUnitOfWork(SqlAlchemyUnitOfWork):
    def __init__(self, *args: Any, changed: Callable[[], None] = lambda: None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._changed = changed  # after every commit, events or not (e.g. the published directory goes stale)

    def _start(self) -> None:
        self.districts = DistrictRepository(self.session)
        self.groups = GroupRepository(self.session)
        self.offices = OfficeRepository(self.session)
        self._emitted: list[object] = []

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    def _collect_events(self) -> list[object]:
        collected, self._emitted = self._emitted, []
        for repo in (self.groups, self.offices):
            for item in repo.items():
                collected.extend(item.events)
                item.events.clear()
        return collected

    async def commit(self) -> None:
        for repo in (self.districts, self.groups, self.offices):
            await repo.flush()
        for event in self._collect_events():
            await self.publish_event(mapping.event_contract(event))
        await super().commit()
        self._changed()
