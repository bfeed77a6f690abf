"""Art. 15 GDPR, the mailing service's part of the export across all services: every row about an address as a
record with kind, data, purpose and retention — asked by the Landesbüro, or by the person through their own link."""

from __future__ import annotations

from services.notifications.domain import addresses, person_records
from services.notifications.service_layer.ports import Deps
from services.notifications.service_layer.selfservice import own_link


async def of_address(deps: Deps, address: str) -> tuple[list[person_records.Record], list[str]]:
    """The records and the display names stored with the address."""
    async with deps.uow() as uow:
        found = await uow.store.everything_about(addresses.address(address))
        list_names = {m.id: m.name for m in await uow.lists.list()}
    return person_records.records(found, list_names), person_records.names(found)


async def of_own_link(deps: Deps, token: str) -> tuple[str, list[person_records.Record], list[str]]:
    """The same for the address the member's "Meine Verteiler" link proves (an invalid link is refused)."""
    address = own_link(deps, token).address
    return address, *await of_address(deps, address)
