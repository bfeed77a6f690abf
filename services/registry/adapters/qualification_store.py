"""The person qualifications' table (trained people who counsel at no office of the register yet)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select

from services.registry.adapters import orm
from services.registry.domain import qualifications as q
from services.registry.domain.offices import Training


class PersonQualificationRepository:
    """Rows written at once, within the unit of work's transaction (a rollback undoes them)."""

    table = orm.person_qualifications

    def __init__(self, session: Any) -> None:
        self.session = session

    async def get(self, key: str) -> q.PersonQualification | None:
        row = (await self.session.execute(select(self.table).where(self.table.c.id == key))).first()
        return _person(row) if row else None

    async def list(self) -> list[q.PersonQualification]:
        return [_person(row) for row in await self.session.execute(select(self.table).order_by(self.table.c.id))]

    async def put(self, item: q.PersonQualification) -> None:
        await self.remove(item.id)
        values = {
            "id": item.id,
            "email": item.email,
            "name": item.name,
            "qualifies_for": item.qualifies_for,
            "until": item.until,
            "training_title": item.training.title,
            "training_on": item.training.on,
        }
        await self.session.execute(insert(self.table).values(**values))

    async def remove(self, key: str) -> int:
        return (await self.session.execute(delete(self.table).where(self.table.c.id == key))).rowcount or 0


def _person(row: Any) -> q.PersonQualification:
    training = Training(row.training_on, row.training_title)
    return q.PersonQualification(row.email, row.name, row.qualifies_for, row.until, training)
