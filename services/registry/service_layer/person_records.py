"""Art. 15 GDPR, the register's part of the export across all services."""

from __future__ import annotations

from services.registry.domain import person_records
from services.registry.service_layer.unit_of_work import UnitOfWork


async def of_address(uow: UnitOfWork, address: str) -> tuple[list[person_records.Record], list[str]]:
    """Every record the register holds about the address, and the names it keeps with it."""
    async with uow:
        found = person_records.Found(
            groups=await uow.groups.list(),
            offices=await uow.offices.list(),
            qualifications=await uow.people.list(),
            recipients=await uow.recipients.with_address(address),
            changes=await uow.history.by_actor(address),
        )
        campaigns = {c.id: c.title for c in await uow.campaigns.list()}
    return person_records.records(address, found, campaigns), person_records.names(address, found)
