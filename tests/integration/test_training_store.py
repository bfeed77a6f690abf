"""Training dates on a real database (SQLite and PostgreSQL): round trip, outbox events and mails, once-keys."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from services.events.adapters import orm
from services.events.adapters.unit_of_work import EventsUnitOfWork
from services.events.domain import training_commands as tc
from services.events.domain.commands import ForgetPerson, Received
from services.events.service_layer import trainings
from services.events.service_layer.replica import erase_person
from shared import privacy
from shared.db import upgrade
from shared.db.blocked import DEV_KEY
from tests import support
from tests.unit.events.test_trainings import ANNA, BERT, LINKS, details


async def outbox(database) -> list[tuple[str, dict]]:
    async with database.sessions() as session:
        t = orm.messaging.outbox
        rows = await session.execute(select(t.c.subject, t.c.body).order_by(t.c.position))
        return [(row.subject, json.loads(row.body)) for row in rows]


async def test_a_training_round_trips_and_each_step_is_in_the_outbox(database) -> None:
    await upgrade(database, "events")
    clock = support.test_clock()
    uow = lambda: EventsUnitOfWork(database, orm.messaging, clock)  # noqa: E731
    now = clock.now()
    t = await trainings.handle(tc.PlanTraining(details(now, 1), now), uow(), LINKS)
    anna = await trainings.handle(tc.RegisterParticipant(t.id, ANNA, now), uow(), LINKS)
    await trainings.handle(tc.RegisterParticipant(t.id, BERT, now), uow(), LINKS)
    await trainings.handle(tc.CancelParticipant(t.id, anna.participant.id, now), uow(), LINKS)

    stored = await trainings.training(uow(), t.id)
    assert stored.details == t.details and str(stored.details.start.tzinfo) == "Europe/Berlin"
    assert [(p.name, p.status) for p in stored.participants] == [
        ("Anna Beispiel", "abgemeldet"),
        ("Bert Muster", "angemeldet"),
    ]
    sent = await outbox(database)
    subjects = [s for s, _ in sent]
    assert subjects[0] == "events.training.planned.v1" and "events.training.changed.v1" in subjects
    kinds = [body["payload"]["kind"] for s, body in sent if s == "events.mail.requested.v1"]
    assert kinds == ["schulung_angemeldet", "schulung_warteliste", "schulung_abgemeldet", "schulung_nachgerueckt"]
    assert all(body["payload"]["training"]["participants"] == [] for s, body in sent if "training." in s)
    assert "anna@example.org" not in json.dumps([b for s, b in sent if "training." in s])

    assert [x.id for x in await trainings.next_dates(uow(), "multiplikator", 3)] == [t.id]  # the uow's clock
    reminders = tc.SendTrainingReminders(t.details.start - timedelta(days=1), 14, "lgs@example.org")
    assert await trainings.send_training_reminders(reminders, uow(), LINKS) == 1
    assert await trainings.send_training_reminders(reminders, uow(), LINKS) == 0

    erased = ForgetPerson(
        Received("e-1", "notifications.person.erased.v1"), "", privacy.fingerprint("Bert@example.org", DEV_KEY)
    )
    assert await erase_person(erased, uow()) == privacy.Erased(1, "bert@example.org", ("Bert Muster",))
    assert "bert@example.org" not in str((await trainings.training(uow(), t.id)).participants)
