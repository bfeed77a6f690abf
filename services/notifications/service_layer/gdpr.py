"""Art. 15 (export) and Art. 17 (erasure) GDPR for one address, across all lists and services."""

from __future__ import annotations

from services.notifications.domain import addresses, commands
from services.notifications.domain.events import PersonErased
from services.notifications.service_layer.ports import Deps
from shared.privacy import naming_words


async def export(cmd: commands.ExportPerson, deps: Deps) -> dict[str, list[dict]]:
    address = addresses.address(cmd.address)
    async with deps.uow() as uow:
        return await uow.store.everything_about(address)


async def erase(cmd: commands.ErasePerson, deps: Deps) -> dict[str, int]:
    """Remove everything held about the address and announce the erasure so the other services erase it too.

    "Löschen" keeps nothing: the person may come back later with a new double opt-in. "Löschen und sperren"
    (`block`, an objection under Art. 21 GDPR) keeps the address's fingerprint, and no path takes it in or mails it
    again, here or (told by the event) in the other services."""
    address = addresses.address(cmd.address)
    fingerprint = addresses.fingerprint(address, deps.secret)
    async with deps.uow() as uow:
        words = naming_words(address, await uow.store.names_of(address))
        counts = await uow.store.erase(address, words)
        await uow.forget_person(words, deps.now())  # the outbox now, the own stream and dead letters a little later
        if cmd.block:
            await uow.store.suppress(fingerprint, deps.now())
        uow.emit(PersonErased(fingerprint, cmd.block))  # the other services find the person by it
        await uow.commit()
    return counts
