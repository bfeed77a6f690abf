"""The registry's repositories: districts, groups and offices stored as their wire snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from services.registry.adapters import mapping, orm
from services.registry.domain.offices import Office
from services.registry.domain.regions import District, RegionalGroup
from shared.contracts import registry as c
from shared.db.snapshots import SnapshotRepository


class _ByState:
    def _columns(self, item: Any, data: dict) -> dict[str, Any]:
        return {"state": data["state"]}

    async def list(self, state: str | None = None) -> list:
        return await super().list(state=state)  # type: ignore[misc]


class DistrictRepository(_ByState, SnapshotRepository[District]):
    table = orm.districts
    to_data = staticmethod(lambda d: mapping.district_snapshot(d).model_dump(mode="json"))
    from_data = staticmethod(lambda data: mapping.district_domain(c.DistrictSnapshot.model_validate(data)))


class GroupRepository(_ByState, SnapshotRepository[RegionalGroup]):
    table = orm.groups
    to_data = staticmethod(lambda g: mapping.group_snapshot(g).model_dump(mode="json"))
    from_data = staticmethod(lambda data: mapping.group_domain(c.GroupSnapshot.model_validate(data)))


class OfficeRepository(SnapshotRepository[Office]):
    table = orm.offices
    to_data = staticmethod(lambda o: mapping.office_snapshot(o).model_dump(mode="json"))
    from_data = staticmethod(lambda data: mapping.office_domain(c.OfficeSnapshot.model_validate(data)))

    def _columns(self, item: Office, data: dict) -> dict[str, Any]:
        return {"import_key": item.import_key, "updated_at": datetime.now(UTC)}

    async def list(self, state: str | None = None) -> list[Office]:
        return await super().list()

    async def by_import_key(self, key: str) -> Office | None:
        for item in self.items():
            if item.import_key == key:
                return item
        row = (await self.session.execute(select(self.table).where(self.table.c.import_key == key))).first()
        return self._track(row) if row else None
