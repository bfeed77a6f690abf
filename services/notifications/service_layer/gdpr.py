"""Art. 15 (export) and Art. 17 (erasure) GDPR for one address, across all lists and services."""

from __future__ import annotations

from services.notifications.domain import addresses, commands
from services.notifications.domain.events import PersonErased
from services.notifications.service_layer.ports import Deps


async def export(cmd: commands.ExportPerson, deps: Deps) -> dict[str, list[dict]]:
    address = addresses.address(cmd.address)
    async with deps.uow() as uow:
        return await uow.store.everything_about(address)


async def erase(cmd: commands.ErasePerson, deps: Deps) -> dict[str, int]:
    """Remove everything held about the address, keep a fingerprint so an opt-out stays honoured,
    and announce the erasure so the other services erase it too."""
    address = addresses.address(cmd.address)
    async with deps.uow() as uow:
        counts = await uow.store.erase(address)
        await uow.store.suppress(addresses.fingerprint(address, deps.secret), deps.now())
        uow.emit(PersonErased(address))
        await uow.commit()
    return counts
