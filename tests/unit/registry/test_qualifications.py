"""Qualifications from attended trainings, on the fake unit of work: granting, renewal, carry-over, statuses,
offices at risk, and the periodic check's notices (each once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest

from services.registry.adapters import mapping
from services.registry.domain import commands, events
from services.registry.domain import qualifications as q
from services.registry.domain.coverage import FindingKind, as_text, coverage
from services.registry.domain.offices import Counsellor, Training
from services.registry.service_layer import handlers
from services.registry.service_layer import qualifications as use
from shared.contracts.envelope import Envelope
from shared.contracts.notifications import PersonErasedV1
from shared.contracts.registry import QualificationExpiringV1, RegistryMailRequestedV1
from tests.unit.registry.builders import register
from tests.unit.registry.fakes import FakeUnitOfWork

TODAY = date(2026, 11, 29)
COURSE = Training(date(2026, 11, 28), "Multiplikator:innenschulung (online)")
REFRESHER = Training(date(2027, 5, 2), "Auffrischung")


@dataclass(frozen=True)
class Delivered:
    """What the inbox needs of an incoming envelope."""

    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def attend(training: Training = COURSE, until: date | None = date(2027, 5, 31), **who: object) -> q.AttendTraining:
    person = {"name": "Anna Beispiel", "email": "anna@example.org"} | who
    return q.AttendTraining(Delivered(), training, qualifies_for="erstberatung" if until else "", until=until, **person)


@pytest.fixture
async def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork(TODAY)
    await handlers.handle(register(), uow)
    uow.published.clear()
    return uow


async def anna(uow: FakeUnitOfWork) -> Counsellor:
    return (await uow.offices.get("office-1")).counsellor("c-1")


async def test_a_named_counsellor_is_qualified_and_the_training_recorded_in_one_office_event(uow) -> None:
    assert await use.attend_training(attend(counsellor_id="c-1", office_id="office-1"), uow) == 1
    counsellor = await anna(uow)
    assert (counsellor.qualifies_for, counsellor.qualified_until) == ("erstberatung", date(2027, 5, 31))
    assert COURSE in counsellor.trainings and counsellor.last_trained == COURSE.on
    (event,) = uow.published
    assert isinstance(event, events.CounsellorTrained) and event.training == COURSE
    wire = mapping.event_contract(event)
    assert wire.office.qualified_until == date(2027, 5, 31)
    assert wire.office.counsellors[0].qualified_until == date(2027, 5, 31)
    assert wire.office.counsellors[1].qualified_until is None and wire.office.counsellors[1].qualifies_for == ""


async def test_the_same_event_delivered_twice_is_applied_once(uow) -> None:
    cmd = attend(counsellor_id="c-1", office_id="office-1")
    await use.attend_training(cmd, uow)
    assert await use.attend_training(cmd, uow) == 0
    assert len(uow.published) == 1


async def test_a_renewal_only_ever_moves_the_end_forward(uow) -> None:
    await use.attend_training(attend(REFRESHER, date(2027, 11, 30), counsellor_id="c-1"), uow)
    older = Training(date(2026, 11, 28), "Multiplikator:innenschulung (online)")
    await use.attend_training(attend(older, date(2027, 5, 31), counsellor_id="c-1"), uow)  # arrives late
    counsellor = await anna(uow)
    assert counsellor.qualified_until == date(2027, 11, 30)
    assert {REFRESHER, older} <= set(counsellor.trainings)  # the training itself is still recorded


async def test_without_a_counsellor_id_the_address_finds_the_counsellor_in_any_office(uow) -> None:
    await handlers.handle(
        commands.AddCounsellor("office-1", Counsellor("c-3", "Clara Muster", email="Clara@Example.org")), uow
    )
    await use.attend_training(attend(name="Clara Muster", email="clara@example.ORG"), uow)
    clara = (await uow.offices.get("office-1")).counsellor("c-3")
    assert clara.qualified_until == date(2027, 5, 31)
    assert await uow.people.list() == []


async def test_a_training_without_qualification_is_recorded_for_the_coverage_check(uow) -> None:
    seminar = Training(date(2026, 11, 20), "Seminartag für Berater:innen")
    await use.attend_training(attend(seminar, None, counsellor_id="c-2", office_id="office-1"), uow)
    bernd = (await uow.offices.get("office-1")).counsellor("c-2")
    assert seminar in bernd.trainings and bernd.qualified_until is None
    kinds = {f.kind for f in coverage([], [await uow.offices.get("office-1")], TODAY)}
    assert FindingKind.UNTRAINED not in kinds  # Bernd had no training before


async def test_a_person_qualification_is_carried_over_when_an_office_adds_them(uow) -> None:
    await use.attend_training(attend(name="Dora Neu", email="dora@example.org"), uow)
    (person,) = await uow.people.list()
    assert (person.name, person.until, person.training) == ("Dora Neu", date(2027, 5, 31), COURSE)
    assert uow.published == []  # no office changed

    await handlers.handle(commands.AddCounsellor("office-1", Counsellor("c-4", "Dora Neu", "DORA@example.org")), uow)
    dora = (await uow.offices.get("office-1")).counsellor("c-4")
    assert (dora.qualifies_for, dora.qualified_until, dora.trainings) == ("erstberatung", date(2027, 5, 31), (COURSE,))
    assert await uow.people.list() == []  # it lives with the counsellor now
    assert [type(e) for e in uow.published] == [events.CounsellorAdded]


async def test_a_new_office_takes_over_its_counsellors_person_qualifications() -> None:
    uow = FakeUnitOfWork(TODAY)
    await use.attend_training(attend(name="Dora Neu", email="dora@example.org"), uow)
    cmd = register()
    cmd = commands.RegisterOffice(
        cmd.details, "aktiv", (Counsellor("c-9", "Dora Neu", "dora@example.org"),), cmd.supervision, "office-2"
    )
    office = await handlers.handle(cmd, uow)
    assert office.qualified_until == date(2027, 5, 31) and await uow.people.list() == []


async def test_a_person_renewal_also_moves_only_forward_and_erasure_forgets_it(uow) -> None:
    await use.attend_training(attend(REFRESHER, date(2027, 11, 30), name="Dora", email="dora@example.org"), uow)
    await use.attend_training(attend(COURSE, date(2027, 5, 31), name="Dora Neu", email="dora@example.org"), uow)
    (person,) = await uow.people.list()
    assert (person.name, person.until, person.training) == ("Dora Neu", date(2027, 11, 30), REFRESHER)

    erased = await handlers.erase_person(Envelope.wrap(PersonErasedV1(address="Dora@example.org")), uow)  # older event
    assert (erased.count, erased.names) == (1, ("Dora Neu",))
    assert await uow.people.list() == []


@pytest.mark.parametrize(
    ("until", "expected"),
    [
        (date(2026, 11, 28), "abgelaufen"),
        (date(2026, 11, 29), "laeuft_ab"),  # the last day is still valid
        (date(2027, 1, 10), "laeuft_ab"),  # 42 days ahead
        (date(2027, 1, 11), "gueltig"),
    ],
)
def test_status_by_the_day(until: date, expected: str) -> None:
    assert q.status(until, TODAY, 42) == expected


async def test_overview_lists_counsellors_and_people_with_status_and_offices_at_risk(uow) -> None:
    await use.attend_training(attend(until=date(2026, 12, 31), counsellor_id="c-1"), uow)
    await use.attend_training(attend(until=date(2027, 5, 31), name="Dora", email="dora@example.org"), uow)
    rows, risks = await use.overview(uow, TODAY)
    assert [(r.name, r.status, r.office_name != "") for r in rows] == [
        ("Anna Beispiel", "laeuft_ab", True),
        ("Dora", "gueltig", False),
    ]
    assert rows[0].last_training == COURSE and rows[0].counsellor_id == "c-1"
    (risk,) = risks
    assert risk.kind == "qualifikation_laeuft_ab"
    assert risk.detail == "Qualifikation von Anna Beispiel endet am 31. Dezember 2026"
    rows, _ = await use.overview(uow, TODAY, within_days=60)
    assert [r.name for r in rows] == ["Anna Beispiel"]

    later = date(2027, 1, 1)
    _, risks = await use.overview(uow, later)
    assert [(r.kind, r.detail) for r in risks] == [
        ("ohne_gueltige_qualifikation", "Qualifikation von Anna Beispiel endete am 31. Dezember 2026")
    ]
    report = coverage([], [await uow.offices.get("office-1")], later)
    assert FindingKind.NO_VALID_QUALIFICATION in {f.kind for f in report}
    assert "Beratungsstellen ohne gültige Qualifikation (abgelaufen): 1" in as_text(report, later)


async def test_an_office_without_any_qualification_ever_is_not_at_risk(uow) -> None:
    _, risks = await use.overview(uow, TODAY)
    assert risks == []


async def test_an_ending_qualification_is_announced_once_per_person_and_end(uow) -> None:
    await use.attend_training(attend(until=date(2026, 12, 31), counsellor_id="c-1"), uow)  # Anna has no address
    await use.attend_training(attend(until=date(2026, 12, 20), name="Dora", email="dora@example.org"), uow)
    await use.attend_training(attend(until=date(2027, 7, 10), name="Emil", email="emil@example.org"), uow)
    uow.published.clear()
    assert await use.announce_expiring(TODAY, 42, uow) == 1
    assert await use.announce_expiring(TODAY, 42, uow) == 0
    (notice,) = uow.published
    assert (notice.name, notice.email, notice.until) == ("Dora", "dora@example.org", date(2026, 12, 20))
    wire = mapping.event_contract(notice)
    assert isinstance(wire, QualificationExpiringV1) and wire.qualifies_for == "erstberatung"
    assert all("dora" not in key for key in uow.keys)  # the address is not kept in the notices

    # renewed, and ending again later: announced again for the new end
    await use.attend_training(attend(REFRESHER, date(2027, 6, 20), name="Dora", email="dora@example.org"), uow)
    assert await use.announce_expiring(date(2027, 6, 1), 42, uow) == 2  # Dora's new end, and Emil's


async def test_an_office_whose_last_qualification_lapsed_is_warned_once_by_mail(uow) -> None:
    await use.attend_training(attend(until=date(2026, 12, 31), counsellor_id="c-1"), uow)
    uow.published.clear()
    assert await use.warn_lapsed_offices(date(2026, 12, 31), uow) == 0  # still valid on its last day
    assert await use.warn_lapsed_offices(date(2027, 1, 1), uow) == 1
    assert await use.warn_lapsed_offices(date(2027, 1, 2), uow) == 0
    (mail,) = uow.published
    wire = mapping.event_contract(mail)
    assert isinstance(wire, RegistryMailRequestedV1) and type(wire).subject == "registry.mail.requested.v1"
    assert (wire.to, wire.kind, wire.link_path) == ("buero@example.org", "stelle_ohne_qualifikation", "")
    assert "Sozialberatung im Bürgerbüro Plauen" in wire.text and "Anna Beispiel" in wire.text
    assert "31. Dezember 2026" in wire.text and "Landesgeschäftsstelle" in wire.text

    # renewed and lapsed again: a new lapse, a new warning
    await use.attend_training(attend(REFRESHER, date(2027, 6, 30), counsellor_id="c-1"), uow)
    assert await use.warn_lapsed_offices(date(2027, 7, 1), uow) == 1


async def test_an_office_without_address_or_not_active_is_not_mailed(uow) -> None:
    await use.attend_training(attend(until=date(2026, 12, 31), counsellor_id="c-1"), uow)
    await handlers.handle(commands.PauseOffice("office-1"), uow)
    assert await use.warn_lapsed_offices(date(2027, 1, 1), uow) == 0
