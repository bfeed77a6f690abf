"""NATS request handlers for training dates: validate, translate, hand over, answer with a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.adapters.trainings import participant_contract, training_snapshot
from services.events.domain.training_links import TrainingLinks
from services.events.entrypoints.training_translate import REGISTRATION_COMMANDS, TRAINING_COMMANDS
from services.events.entrypoints.translate import command
from services.events.service_layer import trainings
from shared.clock import Clock
from shared.contracts import RequestSpec
from shared.contracts import events as c
from shared.messaging.rpc import Responder, respond


def registration(found: trainings.Registered, participants: bool = True) -> c.Registration:
    return c.Registration(
        training=training_snapshot(found.training, participants),
        participant=participant_contract(found.training, found.participant),
        message=found.message,
    )


def register(broker: Any, uow: Callable[[], Any], clock: Clock, links: TrainingLinks) -> None:
    def training(spec: RequestSpec) -> Responder:
        async def answer(request: Any) -> c.TrainingSnapshot:
            return training_snapshot(await trainings.handle(command(spec, request, clock), uow(), links))

        return answer

    def registered(spec: RequestSpec) -> Responder:
        by_link = spec in (c.REGISTER_BY_LINK, c.CANCEL_BY_LINK)  # a person sees no list of other people

        async def answer(request: Any) -> c.Registration:
            return registration(await trainings.handle(command(spec, request, clock), uow(), links), not by_link)

        return answer

    async def invite(request: c.InvitePerson) -> c.Invited:
        return c.Invited(message=await trainings.handle(command(c.INVITE_PERSON, request, clock), uow(), links))

    async def list_trainings(q: c.TrainingsQuery) -> c.Trainings:
        found = await trainings.trainings(uow(), clock.now(), q.upcoming_only, q.trainer_email, q.kind)
        return c.Trainings(trainings=[training_snapshot(t) for t in found])

    async def one(q: c.TrainingRef) -> c.TrainingSnapshot:
        return training_snapshot(await trainings.training(uow(), q.training_id))

    async def mine(q: c.PersonToken) -> c.MyTrainingsV1:
        found = await trainings.my_trainings(uow(), links, q.token, clock.now())
        return c.MyTrainingsV1(
            name=found.person.name,
            email=found.person.email,
            office_name=found.person.office_name,
            registrations=[registration(r, participants=False) for r in found.registrations],
            open_dates=[training_snapshot(t, participants=False) for t in found.open_dates],
        )

    for spec in TRAINING_COMMANDS:
        respond(broker, spec, training(spec))
    for spec in REGISTRATION_COMMANDS:
        respond(broker, spec, registered(spec))
    respond(broker, c.INVITE_PERSON, invite)
    respond(broker, c.TRAININGS, list_trainings)
    respond(broker, c.TRAINING, one)
    respond(broker, c.MY_TRAININGS, mine)
