"""Use cases of the register. Each handler owns its transaction; every change records one event."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from services.registry.domain import commands, events
from services.registry.domain.errors import Conflict, NotFound
from services.registry.domain.offices import Office
from services.registry.domain.regions import Coordinator, District, DistrictKind, RegionalGroup, ensure_not_blocked
from services.registry.domain.slugs import group_slug, readable
from services.registry.domain.validation import required, state
from services.registry.service_layer.qualifications import carried_over
from services.registry.service_layer.unit_of_work import UnitOfWork
from shared import privacy
from shared.slugs import candidates


def new_id() -> str:
    return str(uuid.uuid4())


async def find_group(uow: UnitOfWork, ref: str) -> RegionalGroup:
    """The group named by its id, a slug it holds or held, or its name (through the slug rule)."""
    if group := await uow.groups.get(ref) or await uow.groups.by_slug(ref) or await uow.groups.by_slug(readable(ref)):
        return group
    raise NotFound(f"Regionalgruppe „{ref}“ nicht gefunden.")


async def _free_slug(uow: UnitOfWork, name: str, group: RegionalGroup | None = None) -> str:
    """The slug for `name`: its own if it is free (or already this group's), else with a number (`-2`, `-3` …)."""
    for candidate in candidates(group_slug(name)):
        holder = await uow.groups.by_slug(candidate)
        if holder is None or (group is not None and holder.id == group.id):
            return candidate
    raise AssertionError("candidates() never ends")


async def _office(uow: UnitOfWork, office_id: str) -> Office:
    if office := await uow.offices.get(office_id):
        return office
    raise NotFound(f"Beratungsstelle {office_id} nicht gefunden.")


async def _check_coordinator(uow: UnitOfWork, coordinator: Coordinator | None) -> None:
    ensure_not_blocked(coordinator, bool(coordinator and await uow.blocked.holds(coordinator.email)))


async def _check_districts(uow: UnitOfWork, district_ids: tuple[str, ...]) -> None:
    for district_id in district_ids:
        if not await uow.districts.get(district_id):
            raise NotFound(f"Kreisverband/Bezirk {district_id} nicht gefunden.")


async def _created_before(repo, item_id: str | None, same: Callable[[Any], bool]) -> Any:  # noqa: ANN001
    """A create request repeated (e.g. after a timeout) returns what it made; another one under that id conflicts."""
    if not item_id or not (existing := await repo.get(item_id)):
        return None
    if same(existing):
        return existing
    raise Conflict(f"Kennung {item_id} ist schon an „{existing.name}“ vergeben.")


async def add_district(cmd: commands.AddDistrict, uow: UnitOfWork) -> District:
    kind = DistrictKind(cmd.kind)
    district = District(cmd.district_id or new_id(), required(cmd.name, "Name"), state(cmd.state), kind)
    async with uow:
        if existing := await _created_before(uow.districts, cmd.district_id, lambda d: d == district):
            return existing
        await uow.districts.add(district)
        uow.emit(events.DistrictAdded(district))
        await uow.commit()
    return district


async def form_group(cmd: commands.FormGroup, uow: UnitOfWork) -> RegionalGroup:
    async with uow:
        if existing := await _created_before(
            uow.groups, cmd.group_id, lambda g: (g.name, g.state) == (cmd.name, cmd.state)
        ):
            return existing
        await _check_districts(uow, cmd.district_ids)
        await _check_coordinator(uow, cmd.coordinator)
        name = required(cmd.name, "Name")
        group = RegionalGroup.form(
            cmd.group_id or new_id(),
            name,
            state(cmd.state),
            cmd.coordinator,
            cmd.district_ids,
            await _free_slug(uow, name),
        )
        await uow.groups.add(group)
        await uow.commit()
    return group


async def rename_group(cmd: commands.RenameGroup, uow: UnitOfWork) -> RegionalGroup:
    async with uow:
        group = await find_group(uow, cmd.group_id)
        name = required(cmd.name, "Name")
        group.rename(name, await _free_slug(uow, name, group) if name != group.name else None)
        await uow.commit()
    return group


async def change_coordinator(cmd: commands.ChangeCoordinator, uow: UnitOfWork) -> RegionalGroup:
    async with uow:
        group = await find_group(uow, cmd.group_id)
        await _check_coordinator(uow, cmd.coordinator)
        group.change_coordinator(cmd.coordinator)
        await uow.commit()
    return group


async def merge_groups(cmd: commands.MergeGroups, uow: UnitOfWork) -> RegionalGroup:
    async with uow:
        target = await find_group(uow, cmd.into_group_id)
        merged = {group.id: group for group in [await find_group(uow, g) for g in cmd.group_ids]}
        target.absorb(list(merged.values()))
        await uow.commit()
    return target


async def dissolve_group(cmd: commands.DissolveGroup, uow: UnitOfWork) -> RegionalGroup:
    async with uow:
        group = await find_group(uow, cmd.group_id)
        group.dissolve()
        await uow.commit()
    return group


async def register_office(cmd: commands.RegisterOffice, uow: UnitOfWork) -> Office:
    async with uow:
        if existing := await _created_before(uow.offices, cmd.office_id, lambda o: o.details == cmd.details):
            return existing
        await _check_districts(uow, (cmd.details.district_id,) if cmd.details.district_id else ())
        counsellors = [await carried_over(uow, counsellor) for counsellor in cmd.counsellors]
        office = Office.register(
            cmd.office_id or new_id(), cmd.details, cmd.status, counsellors, cmd.supervision, uow.today()
        )
        await uow.offices.add(office)
        await uow.commit()
    return office


async def update_office(cmd: commands.UpdateOffice, uow: UnitOfWork) -> Office:
    async with uow:
        office = await _office(uow, cmd.office_id)
        await _check_districts(uow, (cmd.details.district_id,) if cmd.details.district_id else ())
        office.update(cmd.details)
        await uow.commit()
    return office


async def _change(uow: UnitOfWork, office_id: str, change) -> Office:  # noqa: ANN001
    async with uow:
        office = await _office(uow, office_id)
        change(office)
        await uow.commit()
    return office


async def pause_office(cmd: commands.PauseOffice, uow: UnitOfWork) -> Office:
    return await _change(uow, cmd.office_id, lambda o: o.pause(cmd.reason))


async def reactivate_office(cmd: commands.ReactivateOffice, uow: UnitOfWork) -> Office:
    return await _change(uow, cmd.office_id, lambda o: o.reactivate(cmd.reason, uow.today()))


async def close_office(cmd: commands.CloseOffice, uow: UnitOfWork) -> Office:
    return await _change(uow, cmd.office_id, lambda o: o.close(cmd.reason, uow.today()))


async def add_counsellor(cmd: commands.AddCounsellor, uow: UnitOfWork) -> Office:
    async with uow:
        office = await _office(uow, cmd.office_id)
        office.add_counsellor(await carried_over(uow, cmd.counsellor))
        await uow.commit()
    return office


async def remove_counsellor(cmd: commands.RemoveCounsellor, uow: UnitOfWork) -> Office:
    return await _change(uow, cmd.office_id, lambda o: o.remove_counsellor(cmd.counsellor_id))


async def record_training(cmd: commands.RecordTraining, uow: UnitOfWork) -> Office:
    return await _change(uow, cmd.office_id, lambda o: o.record_training(cmd.counsellor_id, cmd.training))


async def change_supervision(cmd: commands.ChangeSupervision, uow: UnitOfWork) -> Office:
    return await _change(uow, cmd.office_id, lambda o: o.change_supervision(cmd.supervision))


async def erase_person(envelope: Any, uow: UnitOfWork) -> privacy.Erased:
    """Another service announced an erasure: forget the person everywhere in the register. If the person objected
    (`blocked`), keep the fingerprint: no coordinator, no survey recipient with that address from now on.

    The event carries the fingerprint of the address (an older one only the address): the records are found by
    computing it over the addresses held here. The answer: how many records were erased, the address as held here
    and the names that belonged to them (what the streams must lose)."""
    payload = envelope.payload
    async with uow:
        if not await uow.claim(envelope):
            return privacy.Erased()
        erasure = privacy.Erasure.of(payload.address, payload.fingerprint, uow.blocked.key)
        if payload.blocked and erasure.fingerprint:
            await uow.blocked.block(erasure.fingerprint, envelope.occurred_at)
        touched = await _forget(uow, erasure) if erasure.fingerprint else 0
        erased = erasure.result(touched)
        if erased.address:  # the outbox now, the own stream and dead letters once the relay is past them
            await uow.forget_person(privacy.naming_words(erased.address, erased.names), uow.now())
        await uow.commit()
    return erased


async def _forget(uow: UnitOfWork, erasure: privacy.Erasure) -> int:
    touched = 0
    for office in await uow.offices.list():  # its contact address and its counsellors
        held = [office.details.email, *(c.email for c in office.counsellors)]
        if not (theirs := {address for address in held if erasure.matches(address)}):
            continue
        erasure.named(*(c.name for c in office.counsellors if c.email in theirs))
        touched += any([office.forget(address) for address in theirs])
    for group in await uow.groups.list():
        if group.coordinator and erasure.matches(group.coordinator.email):
            erasure.named(group.coordinator.name)
            group.forget_coordinator()
            touched += 1
    for person in await uow.people.list():  # a trained person's qualification
        if erasure.matches(person.email):
            erasure.named(person.name)
            touched += await uow.people.remove(person.id)
    for address in await uow.recipients.addresses():  # survey recipients and their answers
        if not erasure.matches(address):
            continue
        for recipient in await uow.recipients.with_address(address):
            if recipient.office_id is None:  # a person asked (an office's recipient bears the office's name)
                erasure.named(recipient.name)
            recipient.forget()
            await uow.recipients.put(recipient)
            touched += 1
    return touched


HANDLERS = {
    commands.AddDistrict: add_district,
    commands.FormGroup: form_group,
    commands.RenameGroup: rename_group,
    commands.ChangeCoordinator: change_coordinator,
    commands.MergeGroups: merge_groups,
    commands.DissolveGroup: dissolve_group,
    commands.RegisterOffice: register_office,
    commands.UpdateOffice: update_office,
    commands.PauseOffice: pause_office,
    commands.ReactivateOffice: reactivate_office,
    commands.CloseOffice: close_office,
    commands.AddCounsellor: add_counsellor,
    commands.RemoveCounsellor: remove_counsellor,
    commands.RecordTraining: record_training,
    commands.ChangeSupervision: change_supervision,
}


async def handle(cmd: object, uow: UnitOfWork) -> object:
    """The message bus: one command, one handler."""
    return await HANDLERS[type(cmd)](cmd, uow)
