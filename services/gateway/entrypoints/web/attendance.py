"""Attendance of a training date (issue 17): `/verwaltung/schulungen/<id>/teilnahme`, for the state office and the
date's trainer, once the date has begun (before that the page says when it opens). A checkbox per registered
participant; saving asks action planning (RECORD_ATTENDANCE), whose event makes the registry grant or renew the
qualification; the banner names who is now qualified until when, as the register says."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain import trainings as words
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import page, redirect
from shared.clock import german_date
from shared.contracts import events as e
from shared.contracts import registry as r


def router() -> APIRouter:
    """Routes under the trainings router's prefix (it includes this one, hence the import here, not at the top)."""
    from services.gateway.entrypoints.web.trainings import ask, path_of, refusal_to_show, the_training

    rt = APIRouter(include_in_schema=False)

    @rt.get("/{training_id}/teilnahme", response_class=HTMLResponse)
    async def attendance(request: Request, training_id: str) -> Response:
        training = await the_training(request, training_id)
        return attendance_page(request, training)

    def attendance_page(
        request: Request, training: e.TrainingSnapshot, status: int = 200, message: str = ""
    ) -> Response:
        listed = [p for p in words.participant_rows(training.participants) if p.status in words.ATTENDING]
        return page(
            request,
            "schulungen/teilnahme",
            f"Teilnahme: {training.title}",
            status,
            training=training,
            participants=listed,
            open=words.attendance_open(training, web_of(request).clock.now()),
            message=message,
            qualifies=bool(getattr(e.TRAINING_KINDS.get(training.kind), "qualifies_for", "")),
            words=words,
            base=path_of(training.training_id),
        )

    @rt.post("/{training_id}/teilnahme", response_class=HTMLResponse)
    async def record(request: Request, training_id: str) -> Response:
        training = await the_training(request, training_id)
        attended = [str(x) for x in (await request.form()).getlist("teilgenommen")]
        try:
            done = await ask(request, e.RECORD_ATTENDANCE, training_id=training_id, attended=attended)
        except PageError as exc:
            if not refusal_to_show(exc):
                raise
            return attendance_page(request, training, exc.status, exc.message)
        notice = await qualified_notice(request, done)
        return redirect(path_of(training_id) + "#teilnehmende", notice, request)

    return rt


async def qualified_notice(request: Request, training: e.TrainingSnapshot) -> str:
    """Who attended, and what the register now records for them (it learns by event: asked a few times)."""
    came = [p for p in training.participants if p.status == "teilgenommen"]
    if not came:
        return "Die Teilnahme ist eingetragen: niemand hat teilgenommen."
    kind = e.TRAINING_KINDS.get(training.kind)
    head = f"Die Teilnahme ist eingetragen: {len(came)} {'Person hat' if len(came) == 1 else 'Personen haben'} teilgenommen."
    if kind is None or not kind.qualifies_for:
        return head + "\n" + "\n".join(p.name for p in came)
    what = r.QUALIFICATION_WORDS.get(kind.qualifies_for, kind.qualifies_for)
    day = training.start.astimezone(words.BERLIN).date()
    wanted = {p.email.strip().lower() for p in came}
    until: dict[str, Any] = {}
    for _ in range(6):
        try:
            found = await calls.ask(request, r.QUALIFICATIONS, r.QualificationsQuery())
        except PageError:
            break
        until = {
            q.email.strip().lower(): q.until
            for q in found.qualifications
            if q.email.strip().lower() in wanted and q.qualifies_for == kind.qualifies_for and q.last_training_on == day
        }
        if len(until) == len(wanted):
            break
        await asyncio.sleep(0.3)
    lines = [
        f"{p.name} ist qualifiziert für {what} bis {german_date(until[p.email.strip().lower()])}."
        if p.email.strip().lower() in until
        else f"{p.name}: Das Register trägt die Qualifikation für {what} gleich ein."
        for p in came
    ]
    return "\n".join([head, *lines])
