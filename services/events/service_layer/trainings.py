"""Use cases of training dates (issue 17). Each handler owns its transaction; mails go out as events.

For other parts of this service (the refresher reminder): `next_dates(uow, kind, limit)` names the next open dates,
`personal_link_path(links, person)` the person's `/meine-schulungen/<token>`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.events.domain import training_commands as tc
from services.events.domain import training_mails as mails
from services.events.domain.errors import Conflict, NotFound
from services.events.domain.training_links import TrainingLinks
from services.events.domain.trainings import (
    ACTIVE,
    Participant,
    ParticipantStatus,
    Person,
    Training,
    TrainingStatus,
)
from services.events.service_layer.unit_of_work import UnitOfWork
from shared import privacy
from shared.clock import BERLIN

BLOCKED = (
    "Diese Adresse ist gesperrt: Die Person hat der Verwendung ihrer Adresse widersprochen (Art. 21 DSGVO). "
    "Sie kann nicht zu einer Schulung angemeldet werden."
)


def ensure_not_blocked(blocked: bool) -> None:
    if blocked:
        raise Conflict(BLOCKED)


@dataclass(frozen=True)
class Registered:
    training: Training
    participant: Participant
    message: str  # German


def personal_link_path(links: TrainingLinks, person: Person) -> str:
    """`/meine-schulungen/<token>` for this person (name, address, counsellor, office, kinds offered first)."""
    return links.path(person)


def _send(uow: UnitOfWork, mail: mails.TrainingMail) -> None:
    if mail.to:  # an erased participant (blank address) hears nothing
        uow.emit(mail)


async def _training(uow: UnitOfWork, training_id: str) -> Training:
    if found := await uow.trainings.get(training_id):
        return found
    raise NotFound("Diesen Schulungstermin gibt es nicht.")


async def plan_training(cmd: tc.PlanTraining, uow: UnitOfWork, links: TrainingLinks) -> Training:
    async with uow:
        training = Training.plan(str(uuid.uuid4()), cmd.details, cmd.now, cmd.costs)
        await uow.trainings.add(training)
        await uow.commit()
    return training


async def change_training(cmd: tc.ChangeTraining, uow: UnitOfWork, links: TrainingLinks) -> Training:
    async with uow:
        training = await _training(uow, cmd.training_id)
        for moved in training.change(cmd.details, cmd.now, cmd.costs):
            _send(uow, mails.moved_up(training, moved.person(), links.path(moved.person()), cmd.now))
        await uow.commit()
    return training


async def cancel_training(cmd: tc.CancelTraining, uow: UnitOfWork, links: TrainingLinks) -> Training:
    async with uow:
        training = await _training(uow, cmd.training_id)
        for p in training.cancel(cmd.reason):
            _send(
                uow, mails.training_cancelled(training, p.person(), cmd.reason.strip(), links.path(p.person()), cmd.now)
            )
        await uow.commit()
    return training


async def _register(
    uow: UnitOfWork, links: TrainingLinks, training_id: str, person: Person, now: datetime
) -> Registered:
    async with uow:
        training = await _training(uow, training_id)
        ensure_not_blocked(bool(person.email) and await uow.blocked.holds(person.email))
        entry, new = training.register(str(uuid.uuid4()), person, now)
        position = training.waiting_position(entry)
        link = links.path(replace(person, name=entry.name, email=entry.email))
        if position is None:
            message = f"{entry.name} ist angemeldet." if new else f"{entry.name} ist schon angemeldet."
            if new:
                _send(uow, mails.registered(training, entry.person(), link, now))
        else:
            where = f"auf der Warteliste (Platz {position})"
            message = f"{entry.name} steht {where}." if new else f"{entry.name} steht schon {where}."
            if new:
                _send(uow, mails.waiting(training, entry.person(), position, link, now))
        await uow.commit()
    return Registered(training, entry, message)


async def _cancel(uow: UnitOfWork, links: TrainingLinks, training_id: str, find, now: datetime) -> Registered:  # noqa: ANN001
    async with uow:
        training = await _training(uow, training_id)
        entry, moved, changed = training.cancel_registration(find(training).id, now)
        message = f"{entry.name} ist abgemeldet." if changed else f"{entry.name} ist schon abgemeldet."
        if changed:
            _send(uow, mails.cancelled_registration(training, entry.person(), links.path(entry.person()), now))
        if moved:
            message += f" {moved.name} rückt von der Warteliste nach."
            _send(uow, mails.moved_up(training, moved.person(), links.path(moved.person()), now))
        await uow.commit()
    return Registered(training, entry, message)


async def register_participant(cmd: tc.RegisterParticipant, uow: UnitOfWork, links: TrainingLinks) -> Registered:
    return await _register(uow, links, cmd.training_id, cmd.person, cmd.now)


async def cancel_participant(cmd: tc.CancelParticipant, uow: UnitOfWork, links: TrainingLinks) -> Registered:
    return await _cancel(uow, links, cmd.training_id, lambda t: t.participant(cmd.participant_id), cmd.now)


async def register_by_link(cmd: tc.RegisterByLink, uow: UnitOfWork, links: TrainingLinks) -> Registered:
    return await _register(uow, links, cmd.training_id, links.read(cmd.token), cmd.now)


def _own_entry(training: Training, person: Person) -> Participant:
    """The link's own person only: a token never reaches anybody else's registration."""
    entry = training.entry_of(person.email)
    if entry is None:
        raise NotFound("Für diesen Termin sind Sie nicht angemeldet.")
    return entry


async def cancel_by_link(cmd: tc.CancelByLink, uow: UnitOfWork, links: TrainingLinks) -> Registered:
    person = links.read(cmd.token)
    return await _cancel(uow, links, cmd.training_id, lambda t: _own_entry(t, person), cmd.now)


async def record_attendance(cmd: tc.RecordAttendance, uow: UnitOfWork, links: TrainingLinks) -> Training:
    async with uow:
        training = await _training(uow, cmd.training_id)
        training.record_attendance(cmd.attended, cmd.now)
        await uow.commit()
    return training


async def set_costs(cmd: tc.SetCosts, uow: UnitOfWork, links: TrainingLinks) -> Training:
    async with uow:
        training = await _training(uow, cmd.training_id)
        training.set_costs(cmd.costs)
        await uow.commit()
    return training


async def invite_person(cmd: tc.InvitePerson, uow: UnitOfWork, links: TrainingLinks) -> str:
    dates = await _open_dates(uow, cmd.person, cmd.now, 5)
    async with uow:
        _send(uow, mails.invitation(cmd.person, links.path(cmd.person), dates, cmd.now))
        await uow.commit()
    return f"Der persönliche Link ist an {cmd.person.email} unterwegs."


HANDLERS = {
    tc.PlanTraining: plan_training,
    tc.ChangeTraining: change_training,
    tc.CancelTraining: cancel_training,
    tc.RegisterParticipant: register_participant,
    tc.CancelParticipant: cancel_participant,
    tc.RecordAttendance: record_attendance,
    tc.SetCosts: set_costs,
    tc.InvitePerson: invite_person,
    tc.RegisterByLink: register_by_link,
    tc.CancelByLink: cancel_by_link,
}


async def handle(cmd: object, uow: UnitOfWork, links: TrainingLinks) -> object:
    """The trainings' message bus: one command, one handler."""
    return await HANDLERS[type(cmd)](cmd, uow, links)


# --- reading ---


def _soonest(found: list[Training]) -> list[Training]:
    return sorted(found, key=lambda t: (t.details.start, t.name, t.id))


async def trainings(
    uow: UnitOfWork,
    now: datetime,
    upcoming_only: bool = True,
    trainer_email: str | None = None,
    kind: str | None = None,
) -> list[Training]:
    async with uow:
        found = await uow.trainings.list()
    return _soonest(
        [
            t
            for t in found
            if (not upcoming_only or (t.status == TrainingStatus.PLANNED and t.details.end > now))
            and (trainer_email is None or t.details.trainer_email.casefold() == trainer_email.casefold())
            and (kind is None or t.details.kind.key == kind)
        ]
    )


async def training(uow: UnitOfWork, training_id: str) -> Training:
    async with uow:
        return await _training(uow, training_id)


async def next_dates(
    uow: UnitOfWork, kind: str | None = None, limit: int = 3, now: datetime | None = None
) -> list[Training]:
    """The next dates still open for registration (planned, not begun), soonest first; of one kind if given.
    `now` defaults to the unit of work's clock."""
    now = now or uow.clock.now()
    async with uow:
        found = await uow.trainings.list(status=TrainingStatus.PLANNED)
    return _soonest([t for t in found if t.details.start > now and (kind is None or t.details.kind.key == kind)])[
        :limit
    ]


async def _open_dates(uow: UnitOfWork, person: Person, now: datetime, limit: int | None = None) -> list[Training]:
    """Open dates this person is not registered for; the kinds of their link first."""
    found = [t for t in await next_dates(uow, None, 10_000, now) if not _holds(t, person)]
    ordered = sorted(found, key=lambda t: t.details.kind.key not in person.kinds) if person.kinds else found
    return ordered[:limit] if limit else ordered


def _holds(training: Training, person: Person) -> bool:
    entry = training.entry_of(person.email)
    return entry is not None and entry.status in ACTIVE


@dataclass(frozen=True)
class MyTrainings:
    person: Person
    registrations: list[Registered]
    open_dates: list[Training]


def _describe(training: Training, entry: Participant) -> str:
    if entry.status == ParticipantStatus.WAITING:
        return f"Warteliste (Platz {training.waiting_position(entry)})"
    return {
        ParticipantStatus.REGISTERED: "angemeldet",
        ParticipantStatus.CANCELLED: "abgemeldet",
        ParticipantStatus.ATTENDED: "teilgenommen",
        ParticipantStatus.ABSENT: "nicht teilgenommen",
    }[entry.status] + (" (Termin abgesagt)" if training.status == TrainingStatus.CANCELLED else "")


async def my_trainings(uow: UnitOfWork, links: TrainingLinks, token: str, now: datetime) -> MyTrainings:
    person = links.read(token)
    async with uow:
        found = _soonest(await uow.trainings.list())
    mine = [(t, e) for t in found if (e := t.entry_of(person.email))]
    registrations = [Registered(t, e, _describe(t, e)) for t, e in mine]
    return MyTrainings(person, registrations, await _open_dates(uow, person, now))


async def forget_participants(uow: UnitOfWork, erasure: privacy.Erasure) -> int:
    """Within the caller's transaction: blank the name and address of every entry whose address `erasure` matches
    (Art. 17 GDPR), and of a trainer's. The entry keeps its status, so places and the waiting order stay as they
    were. How many entries (and trainers) were blanked; their names go to `erasure`."""
    blanked = 0
    for t in await uow.trainings.list():
        for p in t.participants:
            if erasure.matches(p.email):
                erasure.named(p.name)
                p.name, p.email, p.counsellor_id, p.office_id, p.office_name = "", "", None, None, ""
                blanked += 1
        if erasure.matches(t.details.trainer_email):
            erasure.named(t.details.trainer_name)
            t.details = replace(t.details, trainer_name="", trainer_email="")
            blanked += 1
    return blanked


# --- the periodic job ---


async def send_training_reminders(cmd: tc.SendTrainingReminders, uow: UnitOfWork, links: TrainingLinks) -> int:
    """The day before a date (Berlin), one reminder per registered participant; before a financial application's
    deadline, one mail to the state office while it is open. Each once (remembered by key)."""
    today, sent = cmd.now.astimezone(BERLIN).date(), 0
    async with uow:
        for t in await uow.trainings.list(status=TrainingStatus.PLANNED):
            if t.day - timedelta(days=1) == today:
                for p in t.with_status(ParticipantStatus.REGISTERED):
                    if await uow.once(f"schulung_erinnerung:{t.id}:{p.id}"):
                        _send(uow, mails.reminder(t, p.person(), links.path(p.person()), cmd.now))
                        sent += 1
            costs = t.costs
            if costs and costs.application_due and costs.status == "offen":
                due = costs.application_due
                if due - timedelta(days=cmd.application_days) <= today <= due and await uow.once(
                    f"antrag_frist:{t.id}:{due.isoformat()}"
                ):
                    _send(uow, mails.application_due(t, cmd.state_office, due, cmd.now))
                    sent += 1
        await uow.commit()
    return sent
