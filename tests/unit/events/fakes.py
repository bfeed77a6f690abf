"""In-memory unit of work for action planning: no database, no network."""

from __future__ import annotations

from typing import Any


class FakeRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Any] = {}

    async def get(self, id: str) -> Any:
        return self.rows.get(id)

    async def add(self, item: Any) -> None:
        self.rows[item.id] = item

    put = add

    async def list(self, key: str | None = None) -> list[Any]:
        return [
            i for i in self.rows.values() if key is None or key in (getattr(i, "state", None), getattr(i, "plan", None))
        ]

    async def on_day(self, day: Any) -> list[Any]:
        return [a for a in self.rows.values() if a.schedule.start and a.schedule.start.date() == day]

    async def clear(self) -> None:
        self.rows.clear()


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.groups, self.actions, self.items = FakeRepository(), FakeRepository(), FakeRepository()
        self.published: list[object] = []
        self.claimed: set[str] = set()
        self.keys: set[str] = set()
        self._pending_keys: set[str] = set()

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._pending_keys.clear()
        for repo in (self.actions, self.items):
            for item in repo.rows.values():
                item.events.clear()

    def emit(self, event: object) -> None:
        self.published.append(event)

    async def once(self, key: str) -> bool:
        if key in self.keys or key in self._pending_keys:
            return False
        self._pending_keys.add(key)
        return True

    async def claim(self, envelope: Any) -> bool:
        if str(envelope.event_id) in self.claimed:
            return False
        self.claimed.add(str(envelope.event_id))
        return True

    async def claim_many(self, envelopes: list[Any]) -> list[Any]:
        return [e for e in envelopes if await self.claim(e)]

    async def commit(self) -> None:
        self.keys |= self._pending_keys
        self._pending_keys.clear()
        for repo in (self.actions, self.items):
            for item in repo.rows.values():
                self.published.extend(item.events)
                item.events.clear()
