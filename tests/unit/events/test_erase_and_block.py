"""Issue 18 in action planning: after "löschen und sperren" the address is registered for no training again; after a
plain erasure it may be."""

from __future__ import annotations

import pytest

from services.events.domain.commands import ForgetPerson, Received
from services.events.domain.errors import Conflict
from services.events.service_layer.replica import erase_person
from shared import privacy
from shared.privacy import DEV_KEY
from tests.unit.events.fakes import FakeUnitOfWork
from tests.unit.events.test_trainings import BERT, planned, register

SUBJECT = "notifications.person.erased.v1"


def forget(event_id: str, blocked: bool, address: str = BERT.email) -> ForgetPerson:
    return ForgetPerson(Received(event_id, SUBJECT), address, privacy.fingerprint(BERT.email, DEV_KEY), blocked)


async def test_a_blocked_address_is_registered_for_no_training_again() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=3)
    await erase_person(forget("e1", blocked=True, address=""), uow)  # only the fingerprint: enough
    with pytest.raises(Conflict, match=r"gesperrt.*Art. 21 DSGVO"):
        await register(uow, t, BERT)
    assert (await uow.trainings.get(t.id)).participants == []


async def test_after_a_plain_erasure_the_person_may_register_again() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=3)
    await register(uow, t, BERT)
    await erase_person(forget("e1", blocked=False), uow)
    assert uow.blocked.rows == {}
    again = await register(uow, t, BERT)
    assert again.participant.email == BERT.email
