"""Use cases of qualifications: an attended training grants or renews one; the periodic check announces what ends."""

from __future__ import annotations

from datetime import date

from services.registry.domain import coverage as cov
from services.registry.domain import qualifications as q
from services.registry.domain.offices import Counsellor, Office
from services.registry.service_layer.unit_of_work import UnitOfWork


async def attend_training(cmd: q.AttendTraining, uow: UnitOfWork) -> int:
    """Qualify the counsellor the event names, else those with its address, else keep a person qualification.
    Returns how many counsellors were trained."""
    async with uow:
        if not await uow.claim(cmd.event):
            return 0
        targets = await _counsellors(uow, cmd)
        for office, counsellor_id in targets:
            office.qualify(counsellor_id, cmd.training, cmd.qualifies_for, cmd.until)
        if not targets and cmd.email and cmd.qualifies_for and cmd.until:
            await _keep(uow, cmd)
        await uow.commit()
    return len(targets)


async def _counsellors(uow: UnitOfWork, cmd: q.AttendTraining) -> list[tuple[Office, str]]:
    """The counsellor named by id (in the office named, or any), else every counsellor with the e-mail address."""
    offices = await uow.offices.list()
    if cmd.counsellor_id:
        named = [o for o in offices if cmd.office_id in (None, o.id)]
        found = [(o, c.id) for o in named for c in o.counsellors if c.id == cmd.counsellor_id]
        if found:
            return found[:1]
    key = q.key_of(cmd.email)
    return [(o, c.id) for o in offices for c in o.counsellors if key and q.key_of(c.email) == key]


async def _keep(uow: UnitOfWork, cmd: q.AttendTraining) -> None:
    known = await uow.people.get(q.key_of(cmd.email))
    if known is None:
        person = q.PersonQualification(cmd.email.strip(), cmd.name, cmd.qualifies_for, cmd.until, cmd.training)
    else:
        person = known.renewed(cmd.name, cmd.training, cmd.qualifies_for, cmd.until)
    await uow.people.put(person)


async def carried_over(uow: UnitOfWork, counsellor: Counsellor) -> Counsellor:
    """A counsellor joining an office takes the qualification their address earned as a person (within `uow`)."""
    if not counsellor.email or (person := await uow.people.get(q.key_of(counsellor.email))) is None:
        return counsellor
    await uow.people.remove(person.id)
    return person.as_counsellor(counsellor)


async def overview(
    uow: UnitOfWork, today: date, warning_days: int = q.WARNING_DAYS, within_days: int | None = None
) -> tuple[list[q.Qualification], list[cov.Finding]]:
    async with uow:
        offices, people = await uow.offices.list(), await uow.people.list()
    rows = q.overview(offices, people, today, warning_days, within_days)
    return rows, cov.at_risk(offices, today, warning_days)


async def announce_expiring(today: date, warning_days: int, uow: UnitOfWork) -> int:
    """Each qualification ending within the warning period is announced once per person and end."""
    async with uow:
        rows = q.overview(await uow.offices.list(), await uow.people.list(), today, warning_days)
        announced = 0
        for item in q.expiring(rows, today, warning_days):
            if await uow.once(q.notice_key(item)):
                uow.emit(item)
                announced += 1
        await uow.commit()
    return announced


async def warn_lapsed_offices(today: date, uow: UnitOfWork) -> int:
    """An active office whose last valid qualification has lapsed is told so by mail, once per lapse."""
    async with uow:
        warned = 0
        for office, latest in q.lapsed(await uow.offices.list(), today):
            if office.details.email and await uow.once(q.lapse_key(office, latest)):
                uow.emit(q.lapse_mail(office))
                warned += 1
        await uow.commit()
    return warned
