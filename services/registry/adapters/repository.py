"""The registry's repositories: districts, groups and offices stored as their wire snapshot."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

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

    async def by_slug(self, slug: str) -> RegionalGroup | None:
        if not SLUG.fullmatch(slug):  # what no slug can be is not looked up (nor sent to the database)
            return None
        for item in self.items():
            if slug in item.slugs:
                return item
        t = orm.group_slugs
        group_id = (await self.session.execute(select(t.c.group_id).where(t.c.slug == slug))).scalar()
        return await self.get(group_id) if group_id else None

    async def flush(self) -> None:
        """Besides the snapshots, record each slug a group took on (a slug is never given up)."""
        held = {id_: _slugs(loaded) for id_, (_, loaded, _) in self.seen.items()}
        await super().flush()
        rows = [{"slug": s, "group_id": g.id} for g in self.items() for s in g.slugs if s not in held.get(g.id, set())]
        if rows:
            await self.session.execute(insert(orm.group_slugs), rows)


SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def _slugs(data: dict | None) -> set[str]:
    return {data.get("slug") or "", *data.get("aliases", [])} - {""} if data else set()


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
