"""Read side of the register: lists, the public directory and the coverage report."""

from __future__ import annotations

from datetime import date

from services.registry.domain import coverage as cov
from services.registry.domain.directory import PublicOffice, directory
from services.registry.domain.errors import InvalidInput, NotFound
from services.registry.domain.offices import Office, openings_and_closings
from services.registry.domain.regions import District, RegionalGroup
from services.registry.service_layer.handlers import find_group
from services.registry.service_layer.unit_of_work import UnitOfWork


async def districts(uow: UnitOfWork, state: str | None = None) -> list[District]:
    async with uow:
        return sorted(await uow.districts.list(state), key=lambda d: (d.state, d.name))


async def groups(uow: UnitOfWork, state: str | None = None) -> list[RegionalGroup]:
    async with uow:
        return sorted(await uow.groups.list(state), key=lambda g: (g.state, g.name))


async def group(uow: UnitOfWork, ref: str) -> RegionalGroup:
    """The group a link or an argument names (id, slug, earlier slug or name); a merged group leads to its survivor."""
    async with uow:
        found = await find_group(uow, ref)
        for _ in range(100):  # merges form a chain; the bound only guards against a damaged register
            if found.merged_into is None or not (survivor := await uow.groups.get(found.merged_into)):
                break
            found = survivor
        return found


async def offices(uow: UnitOfWork, state: str | None = None) -> list[Office]:
    async with uow:
        found = await uow.offices.list()
        if state:
            in_state = {d.id for d in await uow.districts.list(state)}
            found = [o for o in found if o.details.district_id in in_state]
        return sorted(found, key=lambda o: (o.details.city, o.name))


async def office(uow: UnitOfWork, office_id: str) -> Office:
    async with uow:
        if found := await uow.offices.get(office_id):
            return found
    raise NotFound(f"Beratungsstelle {office_id} nicht gefunden.")


async def office_history(uow: UnitOfWork, office_id: str) -> list:
    async with uow:
        if not await uow.offices.get(office_id):
            raise NotFound(f"Beratungsstelle {office_id} nicht gefunden.")
        return await uow.history.of(office_id)


async def public_directory(uow: UnitOfWork, state: str | None = None) -> list[PublicOffice]:
    by_id = {d.id: d for d in await districts(uow)}
    return directory(await offices(uow, state), by_id)


async def coverage(
    uow: UnitOfWork, today: date, state: str | None = None, warning_days: int = cov.WARNING_DAYS
) -> list[cov.Finding]:
    return cov.coverage(await districts(uow, state), await offices(uow, state), today, warning_days)


async def office_changes(uow: UnitOfWork, since: date, until: date) -> list[tuple[str, int, int]]:
    """Offices opened and closed per month of the period (the board's dashboard)."""
    if until < since:
        raise InvalidInput("Der Zeitraum endet vor seinem Beginn.")
    if (until.year - since.year) * 12 + until.month - since.month >= 120:
        raise InvalidInput("Der Zeitraum darf höchstens zehn Jahre umfassen.")
    return openings_and_closings(await offices(uow), since, until)
