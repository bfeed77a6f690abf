"""Issue 18 in action planning: the erasure event carries only the fingerprint of the address. Coordinators in the
replica, participants and trainers of training dates are found by computing it over the addresses held here (in
whatever case they were typed) and blanked exactly as an erasure by address blanked them; the answer names the count,
the address as held here and the names of those records."""

from __future__ import annotations

import itertools
import types
import uuid
from dataclasses import replace

import pytest

from services.events.domain import training_commands as tc
from services.events.domain.commands import ForgetPerson, Received
from services.events.domain.trainings import Person
from services.events.entrypoints.translate import forget_person
from services.events.service_layer import trainings
from services.events.service_layer.replica import apply_group_events, erase_person
from shared import privacy
from shared.contracts import Envelope, notifications
from shared.privacy import DEV_KEY
from tests.support import test_clock
from tests.unit.events.fakes import FakeUnitOfWork
from tests.unit.events.test_replica import follow
from tests.unit.events.test_trainings import ANNA, LINKS, details, register

LENA = "lena.sommer@example.org"
SUBJECT = notifications.PersonErasedV1.subject
AT = test_clock().now()


async def world(monkeypatch: pytest.MonkeyPatch) -> FakeUnitOfWork:
    ids = itertools.count(1)  # the same ids in every world built
    monkeypatch.setattr(trainings, "uuid", types.SimpleNamespace(uuid4=lambda: uuid.UUID(int=next(ids))))
    uow = FakeUnitOfWork()
    uow.clock.now = lambda: AT  # time stands still: two worlds built alike are alike
    await apply_group_events(
        [
            follow("g1", 1, "e1", coordinator_name="L. Sommer", coordinator_email="Lena.Sommer@Example.org"),
            follow("g2", 2, "e2", coordinator_name="Anna", coordinator_email=ANNA.email),
        ],
        uow,
    )
    now = uow.clock.now()
    course = await trainings.handle(tc.PlanTraining(details(now, capacity=3), now), uow, LINKS)
    for person in (ANNA, Person("Lena Sommer", "LENA.sommer@example.org", office_name="Treff Plauen")):
        await register(uow, course, person)
    taught = replace(details(now, days=20), trainer_name="Lena S.", trainer_email=" lena.sommer@EXAMPLE.org")
    await trainings.handle(tc.PlanTraining(taught, now), uow, LINKS)
    other = replace(details(now, days=30), trainer_name="Anna", trainer_email=ANNA.email)
    await trainings.handle(tc.PlanTraining(other, now), uow, LINKS)
    uow.published.clear()
    return uow


async def stored(uow: FakeUnitOfWork) -> dict[str, str]:
    found = {}
    for kind in ("groups", "trainings", "actions", "items", "campaigns"):
        for item in await getattr(uow, kind)._list():
            found[f"{kind}:{item.id}"] = repr({k: v for k, v in vars(item).items() if k != "events"})
    return found


def forget(event_id: str, address: str = "", fingerprint: str = "", blocked: bool = False) -> ForgetPerson:
    return ForgetPerson(Received(event_id, SUBJECT), address, fingerprint, blocked)


async def test_only_the_fingerprint_blanks_what_the_address_blanked_and_nothing_else(monkeypatch) -> None:
    by_address, by_fingerprint = await world(monkeypatch), await world(monkeypatch)
    before = await stored(by_fingerprint)

    old = await erase_person(forget("x1", address="Lena.Sommer@Example.org"), by_address)  # an event from before
    new = await erase_person(forget("x1", fingerprint=privacy.fingerprint(LENA, DEV_KEY)), by_fingerprint)

    after = await stored(by_fingerprint)
    assert after == await stored(by_address)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {key for key, text in before.items() if "lena" in text.casefold()}
    assert len(changed) == 3  # the coordinator of g1, a participant of the course, the trainer of a date
    assert not any("lena" in text.casefold() for text in after.values())
    assert "anna@example.org" in after["groups:g2"]
    course = next(t for t in await by_fingerprint.trainings.list() if t.participants)
    assert [(p.name, p.email) for p in course.participants] == [(ANNA.name, ANNA.email), ("", "")]
    assert [str(p.status) for p in course.participants] == ["angemeldet", "angemeldet"]  # places stay as they were

    assert new.count == old.count == 3
    assert new.address.casefold() == LENA and new.address == "Lena.Sommer@Example.org"  # the first held: the group's
    assert set(new.names) == {"L. Sommer", "Lena Sommer", "Lena S."} and new.names == old.names
    assert by_fingerprint.published == [] and by_fingerprint.blocked.rows == {}


async def test_an_unknown_fingerprint_touches_nothing(monkeypatch) -> None:
    uow = await world(monkeypatch)
    before = await stored(uow)
    nobody = await erase_person(forget("x1", fingerprint=privacy.fingerprint("fremd@example.org", DEV_KEY)), uow)
    assert nobody == privacy.Erased() and await stored(uow) == before


async def test_the_event_without_an_address_becomes_a_command_with_the_fingerprint_alone() -> None:
    fingerprint = privacy.fingerprint(LENA, DEV_KEY)
    envelope = Envelope.wrap(notifications.PersonErasedV1(fingerprint=fingerprint, blocked=True))
    cmd = forget_person(envelope)
    assert (cmd.address, cmd.fingerprint, cmd.blocked) == ("", fingerprint, True)
    uow = FakeUnitOfWork()
    assert (await erase_person(cmd, uow)).count == 0
    assert list(uow.blocked.rows) == [fingerprint]
