"""Training requests → domain commands, keyed by the subject they came on (as entrypoints/translate.py does)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.adapters.training_kinds import kind_of
from services.events.domain import training_commands as tc
from services.events.domain.trainings import Costs, Details, Person
from shared.clock import BERLIN, Clock
from shared.contracts import RequestSpec
from shared.contracts import events as c


def details(r: c.PlanTraining) -> Details:
    return Details(
        kind_of(r.kind),
        r.title.strip(),
        r.start.astimezone(BERLIN),
        r.end.astimezone(BERLIN),
        r.online,
        r.place.strip(),
        r.capacity,
        r.trainer_name.strip(),
        r.trainer_email,
        r.description.strip(),
    )


def costs(r: c.PlanTraining) -> Costs | None:
    if r.expected_cents is None and r.application_due is None:
        return None
    return Costs(r.expected_cents, r.application_due)


def person(r: Any) -> Person:
    return Person(
        r.name.strip(), r.email, r.counsellor_id, r.office_id, r.office_name.strip(), tuple(getattr(r, "kinds", ()))
    )


TRAINING_TRANSLATIONS: dict[RequestSpec, Callable[[Any, Clock], object]] = {
    c.PLAN_TRAINING: lambda r, clock: tc.PlanTraining(details(r), clock.now(), costs(r)),
    c.CHANGE_TRAINING: lambda r, clock: tc.ChangeTraining(r.training_id, details(r), clock.now(), costs(r)),
    c.CANCEL_TRAINING: lambda r, clock: tc.CancelTraining(r.training_id, r.reason.strip(), clock.now()),
    c.REGISTER_PARTICIPANT: lambda r, clock: tc.RegisterParticipant(r.training_id, person(r), clock.now()),
    c.CANCEL_PARTICIPANT: lambda r, clock: tc.CancelParticipant(r.training_id, r.participant_id, clock.now()),
    c.RECORD_ATTENDANCE: lambda r, clock: tc.RecordAttendance(r.training_id, tuple(r.attended), clock.now()),
    c.SET_COSTS: lambda r, _: tc.SetCosts(
        r.training_id, Costs(r.expected_cents, r.application_due, r.status, r.note.strip())
    ),
    c.INVITE_PERSON: lambda r, clock: tc.InvitePerson(person(r), clock.now()),
    c.REGISTER_BY_LINK: lambda r, clock: tc.RegisterByLink(r.token, r.training_id, clock.now()),
    c.CANCEL_BY_LINK: lambda r, clock: tc.CancelByLink(r.token, r.training_id, clock.now()),
}
# The request handlers (entrypoints/training_nats.py) answer these with the training, those with a registration.
TRAINING_COMMANDS = (c.PLAN_TRAINING, c.CHANGE_TRAINING, c.CANCEL_TRAINING, c.RECORD_ATTENDANCE, c.SET_COSTS)
REGISTRATION_COMMANDS = (c.REGISTER_PARTICIPANT, c.CANCEL_PARTICIPANT, c.REGISTER_BY_LINK, c.CANCEL_BY_LINK)
