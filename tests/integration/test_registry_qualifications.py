"""Qualifications on a real database (SQLite and PostgreSQL): counsellors qualified through the inbox, person
qualifications stored, carried over and erased, and each notice staged in the outbox once."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from services.registry.adapters import orm
from services.registry.adapters.unit_of_work import RegistryUnitOfWork
from services.registry.domain import commands
from services.registry.domain.offices import Counsellor, Training
from services.registry.service_layer import handlers, views
from services.registry.service_layer import qualifications as use
from shared import privacy
from shared.clock import BERLIN, Clock
from shared.contracts import Envelope
from shared.contracts import events as ev
from shared.contracts.notifications import PersonErasedV1
from shared.db import upgrade
from shared.db.blocked import DEV_KEY
from tests.unit.registry.builders import register

TODAY = date(2026, 11, 29)
COURSE = Training(date(2026, 11, 28), "Multiplikator:innenschulung (online)")


@pytest.fixture
async def uow(database):
    await upgrade(database, "registry")
    clock = Clock(datetime(2026, 11, 29, 10, tzinfo=BERLIN))
    return lambda: RegistryUnitOfWork(database, orm.messaging, clock=clock)


def attended(until: date, **who: object) -> Envelope[ev.TrainingAttendedV1]:
    person = {"name": "Anna Beispiel", "email": "anna@example.org"} | who
    payload = ev.TrainingAttendedV1(
        training_id="t-1", kind="multiplikator", title=COURSE.title, on=COURSE.on, qualifies_for="erstberatung",
        until=until, **person,
    )  # fmt: skip
    return Envelope.wrap(payload)


def command(envelope: Envelope[ev.TrainingAttendedV1]):
    from services.registry.entrypoints.qualifications import attended as translate

    return translate(envelope)


async def outbox(database) -> list[str]:
    t = orm.messaging.outbox
    async with database.sessions() as session:
        return list((await session.execute(select(t.c.subject).order_by(t.c.position))).scalars())


async def test_a_counsellor_is_qualified_once_per_event_and_the_snapshot_carries_it(uow, database) -> None:
    await handlers.handle(register(), uow())
    envelope = attended(date(2027, 5, 31), counsellor_id="c-1", office_id="office-1")
    assert await use.attend_training(command(envelope), uow()) == 1
    assert await use.attend_training(command(envelope), uow()) == 0  # redelivered: the inbox knows it
    office = await views.office(uow(), "office-1")
    assert office.qualified_until == date(2027, 5, 31)
    assert office.counsellor("c-1").qualifies_for == "erstberatung" and COURSE in office.counsellor("c-1").trainings
    assert await outbox(database) == ["registry.office.registered.v1", "registry.counsellor.trained.v1"]


async def test_a_person_qualification_is_stored_carried_over_and_erased(uow, database) -> None:
    await handlers.handle(register(), uow())
    await use.attend_training(command(attended(date(2027, 5, 31), name="Dora Neu", email="Dora@example.org")), uow())
    await use.attend_training(command(attended(date(2027, 3, 31), name="Dora Neu", email="dora@example.org")), uow())
    rows, _ = await use.overview(uow(), TODAY)
    assert [(r.name, r.email, r.until, r.status, r.office_id) for r in rows] == [
        ("Dora Neu", "Dora@example.org", date(2027, 5, 31), "gueltig", None)
    ]
    await handlers.handle(commands.AddCounsellor("office-1", Counsellor("c-4", "Dora Neu", "dora@example.org")), uow())
    office = await views.office(uow(), "office-1")
    assert office.counsellor("c-4").qualified_until == date(2027, 5, 31)
    rows, _ = await use.overview(uow(), TODAY)
    assert [(r.name, r.office_id) for r in rows] == [("Dora Neu", "office-1")]

    await use.attend_training(command(attended(date(2027, 5, 31), name="Emil", email="emil@example.org")), uow())
    erased = Envelope.wrap(PersonErasedV1(fingerprint=privacy.fingerprint("EMIL@example.org", DEV_KEY)))
    assert await handlers.erase_person(erased, uow()) == privacy.Erased(1, "emil@example.org", ("Emil",))
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(orm.person_qualifications)) == 0


async def test_notices_are_staged_once(uow, database) -> None:
    await handlers.handle(register(), uow())
    await use.attend_training(command(attended(date(2026, 12, 31), counsellor_id="c-1")), uow())
    await use.attend_training(command(attended(date(2026, 12, 20), name="Dora", email="dora@example.org")), uow())
    assert await use.announce_expiring(TODAY, 42, uow()) == 1
    assert await use.announce_expiring(TODAY, 42, uow()) == 0
    assert await use.warn_lapsed_offices(date(2027, 1, 1), uow()) == 1
    assert await use.warn_lapsed_offices(date(2027, 1, 1), uow()) == 0
    subjects = await outbox(database)
    assert subjects.count("registry.qualification.expiring.v1") == 1
    assert subjects.count("registry.mail.requested.v1") == 1
