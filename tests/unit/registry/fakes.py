"""In-memory unit of work for the registry's handlers: no database, no network."""

from __future__ import annotations

from typing import Any


class FakeRepository:
    def __init__(self) -> None:
        self.items: dict[str, Any] = {}

    async def get(self, id: str) -> Any:
        return self.items.get(id)

    async def add(self, item: Any) -> None:
        self.items[item.id] = item

    async def list(self, state: str | None = None) -> list[Any]:
        return [i for i in self.items.values() if state is None or getattr(i, "state", None) == state]

    async def by_import_key(self, key: str) -> Any:
        return next((i for i in self.items.values() if i.import_key == key), None)

    async def by_slug(self, slug: str) -> Any:
        return next((i for i in self.items.values() if slug and slug in i.slugs), None)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.districts, self.groups, self.offices = FakeRepository(), FakeRepository(), FakeRepository()
        self.published: list[object] = []  # events of committed units, in order
        self.commits = 0
        self._emitted: list[object] = []

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._emitted.clear()
        for repo in (self.groups, self.offices):
            for item in repo.items.values():
                item.events.clear()  # uncommitted events are dropped, as a rollback would

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    async def commit(self) -> None:
        self.commits += 1
        self.published.extend(self._emitted)
        self._emitted.clear()
        for repo in (self.groups, self.offices):
            for item in repo.items.values():
                self.published.extend(item.events)
                item.events.clear()
