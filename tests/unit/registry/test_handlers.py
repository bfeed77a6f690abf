"""The register's use cases on a fake unit of work: state, and exactly one event per change."""

from __future__ import annotations

from datetime import date

import pytest

from services.registry.domain import commands, events
from services.registry.domain.errors import Conflict, InvalidInput, NotFound
from services.registry.domain.offices import Counsellor, Supervision, Training
from services.registry.domain.regions import Coordinator
from services.registry.service_layer import handlers
from tests.unit.registry.builders import details, register
from tests.unit.registry.fakes import FakeUnitOfWork


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


async def form(uow: FakeUnitOfWork, name: str, group_id: str, district_ids: tuple[str, ...] = ()):
    return await handlers.form_group(
        commands.FormGroup(name, "SN", district_ids, Coordinator("Kathrin", "k@example.org"), group_id), uow
    )


async def test_every_office_change_records_exactly_one_event_and_no_op_records_none(uow) -> None:
    await handlers.handle(register(), uow)
    steps = [
        (commands.UpdateOffice("office-1", details(phone="03741 555099")), events.OfficeUpdated),
        (commands.UpdateOffice("office-1", details(phone="03741 555099")), None),  # nothing changed
        (commands.PauseOffice("office-1"), events.OfficePaused),
        (commands.PauseOffice("office-1"), None),
        (commands.ReactivateOffice("office-1"), events.OfficeReactivated),
        (commands.AddCounsellor("office-1", Counsellor("c-3", "Clara")), events.CounsellorAdded),
        (
            commands.RecordTraining("office-1", "c-3", Training(date(2026, 10, 1), "Grundkurs")),
            events.CounsellorTrained,
        ),
        (commands.RecordTraining("office-1", "c-3", Training(date(2026, 10, 1), "Grundkurs")), None),
        (commands.RemoveCounsellor("office-1", "c-2"), events.CounsellorRemoved),
        (
            commands.ChangeSupervision("office-1", Supervision("RA K. Muster", True, date(2026, 6, 1))),
            events.SupervisionChanged,
        ),
        (commands.CloseOffice("office-1"), events.OfficeClosed),
    ]
    assert [type(e) for e in uow.published] == [events.OfficeRegistered]
    for command, expected in steps:
        before = len(uow.published)
        await handlers.handle(command, uow)
        new = uow.published[before:]
        assert [type(e) for e in new] == ([expected] if expected else []), command

    office = uow.offices.items["office-1"]
    assert office.status == "geschlossen" and office.details.phone == "03741 555099"
    assert [c.id for c in office.counsellors] == ["c-1", "c-3"]
    updated = next(e for e in uow.published if isinstance(e, events.OfficeUpdated))
    assert updated.changed == ("phone",) and updated.office.status == "aktiv"  # a snapshot from that moment


async def test_a_closed_office_refuses_changes(uow) -> None:
    await handlers.handle(register(), uow)
    await handlers.handle(commands.CloseOffice("office-1"), uow)
    with pytest.raises(Conflict, match="geschlossen"):
        await handlers.handle(commands.UpdateOffice("office-1", details(city="Oelsnitz")), uow)


async def test_unknown_references_are_not_found(uow) -> None:
    with pytest.raises(NotFound, match="Beratungsstelle nope"):
        await handlers.handle(commands.PauseOffice("nope"), uow)
    with pytest.raises(NotFound, match="Kreisverband/Bezirk kv-x"):
        await handlers.handle(register(district_id="kv-x"), uow)
    assert uow.published == [] and uow.commits == 0


def test_bad_input_names_every_problem_at_once() -> None:
    with pytest.raises(InvalidInput) as error:
        details(postcode="123", email="kein-at-zeichen", phone="12", hours=["immer"], operator_kind="Kirche")
    assert set(error.value.fields) == {"PLZ", "E-Mail", "Telefon", "Sprechzeiten", "Trägerart"}
    assert "Postleitzahl „123“" in error.value.message


async def test_registering_the_same_office_id_twice_is_idempotent_or_a_conflict(uow) -> None:
    await handlers.handle(register(), uow)
    again = await handlers.handle(register(), uow)
    assert again.id == "office-1" and len(uow.published) == 1
    with pytest.raises(Conflict, match="schon an"):
        await handlers.handle(register(name="Andere Stelle"), uow)


async def test_groups_form_rename_merge_and_dissolve_with_one_event_each(uow) -> None:
    for name, district in (("Leipzig", "kv-l"), ("Landkreis Leipzig", "kv-ll")):
        await handlers.handle(commands.AddDistrict(name, "SN", district_id=district), uow)
    await form(uow, "Leipzig", "g-l", ("kv-l",))
    await form(uow, "Leipzig-Land", "g-ll", ("kv-ll",))
    await form(uow, "Vogtland", "g-v")
    await handlers.handle(commands.RenameGroup("g-v", "Vogtland/Plauen"), uow)
    await handlers.handle(commands.RenameGroup("g-v", "Vogtland/Plauen"), uow)  # no-op
    await handlers.handle(commands.MergeGroups("g-l", ("g-ll",)), uow)
    await handlers.handle(commands.ChangeCoordinator("g-l", Coordinator("Thea", "thea@example.org")), uow)
    await handlers.handle(commands.DissolveGroup("g-v"), uow)

    kinds = [type(e).__name__ for e in uow.published]
    assert kinds == [
        "DistrictAdded",
        "DistrictAdded",
        "GroupFormed",
        "GroupFormed",
        "GroupFormed",
        "GroupRenamed",
        "GroupsMerged",
        "CoordinatorChanged",
        "GroupDissolved",
    ]
    merged = uow.groups.items["g-l"]
    assert merged.district_ids == ("kv-l", "kv-ll") and merged.coordinator.name == "Thea"
    assert (uow.groups.items["g-ll"].status, uow.groups.items["g-ll"].merged_into) == ("zusammengelegt", "g-l")
    with pytest.raises(Conflict, match="nicht mehr aktiv"):
        await handlers.handle(commands.RenameGroup("g-ll", "X"), uow)


async def test_a_group_cannot_absorb_itself_or_another_state(uow) -> None:
    await form(uow, "Leipzig", "g-l")
    with pytest.raises(Conflict, match="mit sich selbst"):
        await handlers.handle(commands.MergeGroups("g-l", ("g-l",)), uow)
    await handlers.handle(commands.FormGroup("Altona", "HH", group_id="g-a"), uow)
    with pytest.raises(Conflict, match="anderen Landesverband"):
        await handlers.handle(commands.MergeGroups("g-l", ("g-a",)), uow)
