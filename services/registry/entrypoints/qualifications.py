"""Qualifications at the NATS edge: action planning's attendance events, the overview query, the periodic check."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from services.registry.adapters.qualifications import finding_contract, qualification_contract
from services.registry.domain import qualifications as q
from services.registry.domain.offices import Training
from services.registry.service_layer import qualifications as use
from services.registry.service_layer.published import Published
from shared.clock import Clock
from shared.contracts import events as ev
from shared.contracts import registry as c
from shared.logging import get_logger
from shared.messaging.rpc import respond
from shared.service import ServiceApp

log = get_logger(__name__)


def attended(envelope: Any) -> q.AttendTraining:
    """`events.training.attended.v1` as the command it asks of the register."""
    p: ev.TrainingAttendedV1 = envelope.payload
    training = Training(p.on, p.title)
    return q.AttendTraining(envelope, training, p.name, p.email, p.qualifies_for, p.until, p.counsellor_id, p.office_id)


def register(
    app: ServiceApp,
    uow: Callable[[], Any],
    clock: Clock,
    warning_days: int,
    check_seconds: float,
    published: Published,
) -> None:
    """`published`: where whole answers are kept until the registry's next commit (service_layer/published.py)."""

    async def on_attended(envelope: Any) -> None:
        await use.attend_training(attended(envelope), uow())

    async def qualifications(query: c.QualificationsQuery) -> c.Qualifications:
        async def answer() -> c.Qualifications:
            rows, risks = await use.overview(uow(), clock.today(), warning_days, query.within_days)
            return c.Qualifications(
                qualifications=[qualification_contract(r) for r in rows],
                offices_at_risk=[finding_contract(f) for f in risks],
            )

        return await published.answer(("qualifications", query.within_days), clock.today(), answer)

    async def check_qualifications() -> None:
        """Every `check_seconds`: announce what ends soon, warn offices whose last qualification lapsed."""
        while True:
            try:
                today = clock.today()
                announced = await use.announce_expiring(today, warning_days, uow())
                warned = await use.warn_lapsed_offices(today, uow())
                if announced or warned:
                    log.info("qualifications.checked", announced=announced, offices_warned=warned)
            except Exception as exc:  # the next tick tries again; nothing is lost, all is once-per-key  # noqa: BLE001 - any failure here is logged and retried, never lost
                log.warning("qualifications.check_failed", error=repr(exc))
            await asyncio.sleep(check_seconds)

    app.consume(ev.TrainingAttendedV1, on_attended)
    respond(app.broker, c.QUALIFICATIONS, qualifications)
    app.background.append(check_qualifications)
