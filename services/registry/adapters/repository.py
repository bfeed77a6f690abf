"""Repositories that load aggregates from their stored snapshot and write back what changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.adapters import mapping, orm
from services.registry.domain.errors import Conflict
from services.registry.domain.offices import Office
from services.registry.domain.regions import District, RegionalGroup

A = TypeVar("A")


class ConcurrentChange(Conflict):
    """Another transaction changed the aggregate since it was loaded; the caller may retry."""


class SnapshotRepository(Generic[A]):
    table: Table
    to_data: Callable[[A], dict]
    from_data: Callable[[dict], A]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.seen: dict[str, tuple[A, dict | None, int]] = {}  # id -> (aggregate, data as loaded, version)

    def _columns(self, item: A, data: dict) -> dict[str, Any]:
        return {"state": data["state"]}

    def _track(self, row: Any) -> A:
        if row.id not in self.seen:
            self.seen[row.id] = (type(self).from_data(row.data), row.data, row.version)
        return self.seen[row.id][0]

    async def get(self, id: str) -> A | None:  # noqa: A002
        if id in self.seen:
            return self.seen[id][0]
        row = (await self.session.execute(select(self.table).where(self.table.c.id == id))).first()
        return self._track(row) if row else None

    async def add(self, item: A) -> None:
        self.seen[item.id] = (item, None, 0)

    async def list(self, state: str | None = None) -> list[A]:
        query = select(self.table)
        if state and "state" in self.table.c:
            query = query.where(self.table.c.state == state)
        return [self._track(row) for row in await self.session.execute(query)]

    async def flush(self) -> None:
        """Insert new aggregates, update changed ones; unchanged ones cost nothing.

        Optimistic concurrency: an update applies only to the version that was loaded, so two
        transactions changing the same aggregate cannot silently overwrite each other.
        """
        for item, loaded, version in list(self.seen.values()):
            data = type(self).to_data(item)
            if data == loaded:
                continue
            values = {"data": data, "version": version + 1, **self._columns(item, data)}
            if loaded is None:
                await self.session.execute(insert(self.table).values(id=item.id, **values))
            else:
                table = self.table
                changed = await self.session.execute(
                    update(table).where(table.c.id == item.id, table.c.version == version).values(**values)
                )
                if changed.rowcount != 1:
                    raise ConcurrentChange(
                        f"„{item.name}“ wurde gerade gleichzeitig geändert; bitte erneut versuchen.", code="gleichzeitig_geaendert"
                    )
            self.seen[item.id] = (item, data, version + 1)


def _dump(snapshot_of: Callable) -> Callable:
    return staticmethod(lambda item: snapshot_of(item).model_dump(mode="json"))


class DistrictRepository(SnapshotRepository[District]):
    table = orm.districts
    to_data = _dump(mapping.district_snapshot)
    from_data = staticmethod(lambda data: mapping.district_domain(mapping.c.DistrictSnapshot.model_validate(data)))


class GroupRepository(SnapshotRepository[RegionalGroup]):
    table = orm.groups
    to_data = _dump(mapping.group_snapshot)
    from_data = staticmethod(lambda data: mapping.group_domain(mapping.c.GroupSnapshot.model_validate(data)))


class OfficeRepository(SnapshotRepository[Office]):
    table = orm.offices
    to_data = _dump(mapping.office_snapshot)
    from_data = staticmethod(lambda data: mapping.office_domain(mapping.c.OfficeSnapshot.model_validate(data)))

    def _columns(self, item: Office, data: dict) -> dict[str, Any]:
        return {"import_key": item.import_key, "updated_at": datetime.now(UTC)}

    async def by_import_key(self, key: str) -> Office | None:
        for item, _, _ in self.seen.values():
            if item.import_key == key:
                return item
        row = (await self.session.execute(select(self.table).where(self.table.c.import_key == key))).first()
        return self._track(row) if row else None
