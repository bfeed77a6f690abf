"""SQL for the bounce log of the lists (a part of the Store)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select, update

from services.notifications.adapters import orm
from services.notifications.domain.bounces import Bounce


class BounceQueries:
    session: Any
    _insert: Any

    async def add_bounce(self, bounce: Bounce) -> bool:
        """Log a bounce; False if this mail's bounce for this membership was logged before (a report sent twice)."""
        t = orm.bounces
        if bounce.reference:
            seen = select(func.count()).where(
                t.c.list_id == bounce.list_id, t.c.address == bounce.address, t.c.reference == bounce.reference
            )
            if await self.session.scalar(seen):
                return False
        await self.session.execute(self._insert(t).values(**asdict(bounce)))
        return True

    async def bounces_of(self, list_id: str, address: str) -> list[Bounce]:
        t = orm.bounces
        query = select(t).where(t.c.list_id == list_id, t.c.address == address).order_by(t.c.at, t.c.id)
        return [_bounce(row) for row in await self.session.execute(query)]

    async def bounce_log(self, list_id: str, limit: int = 200) -> list[Bounce]:
        t = orm.bounces
        query = select(t).where(t.c.list_id == list_id).order_by(t.c.at.desc(), t.c.id.desc()).limit(limit)
        return [_bounce(row) for row in await self.session.execute(query)]

    async def clear_bounces(self, list_id: str, address: str) -> None:
        t = orm.bounces
        await self.session.execute(update(t).where(t.c.list_id == list_id, t.c.address == address).values(cleared=True))


def _bounce(row: Any) -> Bounce:
    return Bounce(**{k: v for k, v in row._mapping.items() if k != "id"})
