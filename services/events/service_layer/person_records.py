"""Art. 15 GDPR, action planning's part of the export across all services."""

from __future__ import annotations

from services.events.domain import person_records
from services.events.service_layer.unit_of_work import UnitOfWork


async def of_address(uow: UnitOfWork, address: str, names: list[str]) -> list[person_records.Record]:
    """Every record about the address, and the responsible-person mentions of the names it goes by."""
    async with uow:
        found = person_records.Found(
            groups=await uow.groups.list(),
            actions=await uow.actions.list(),
            items=await uow.items.list(),
            trainings=await uow.trainings.list(),
        )
    return person_records.records(address, names, found)
