"""Training dates for the state office and their trainers (issue 17, journey 7): `/verwaltung/schulungen` lists the
upcoming and past dates with the form "Neuer Termin"; one date shows its details, the participant list (the trainer
sees it too), and for the state office "Person anmelden", "abmelden", the costs and "Termin absagen";
`…/teilnahme` records who attended once the date has begun.

Action planning decides everything (waiting list, moving up, qualification); the pages show its answers and its
German messages in a banner. A trainer (TrainingSnapshot.trainer_email) sees only their own dates and only the
participant list and the attendance, never the state office's forms.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain import trainings as words
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web import attendance, calls
from services.gateway.entrypoints.web.auth import NotPermitted, require_viewer
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import add_navigation, page, redirect
from shared.contracts import events as e
from shared.contracts import registry as r

BASE = "/verwaltung/schulungen"
KIND_OPTIONS = [
    (k.key, k.label, f"qualifiziert für {r.QUALIFICATION_WORDS.get(k.qualifies_for, k.qualifies_for)}, "
     f"{k.valid_months} Monate" if k.qualifies_for else "qualifiziert für nichts Bestimmtes")
    for k in e.TRAINING_KINDS.values()
]  # fmt: skip
FORM_OPTIONS = [("online", "online"), ("vor_ort", "vor Ort")]
NOT_YOURS = "Diese Seite steht der Landesgeschäftsstelle und der Trainerin oder dem Trainer des Termins offen."


async def trainer_or_admin(request: Request) -> Viewer:
    viewer = await require_viewer(request)
    if not (viewer.admin or viewer.trains):
        raise NotPermitted("Die Schulungstermine verwaltet die Landesgeschäftsstelle.")
    return viewer


async def admin_only(request: Request) -> Viewer:
    viewer = await require_viewer(request)
    if not viewer.admin:
        raise NotPermitted("Das darf nur die Landesgeschäftsstelle.")
    return viewer


async def ask(request: Request, spec: Any, **values: Any) -> Any:
    return await calls.ask(request, spec, values, actor=request.state.viewer.address)


def path_of(training_id: str) -> str:
    return f"{BASE}/{quote(training_id, safe='')}"


async def the_training(request: Request, training_id: str) -> e.TrainingSnapshot:
    viewer = await trainer_or_admin(request)
    if not viewer.may_see_training(training_id):
        raise NotPermitted(NOT_YOURS)
    try:
        return await ask(request, e.TRAINING, training_id=training_id)
    except PageError as exc:
        if exc.status in (404, 422):
            raise PageError(404, "Diesen Schulungstermin gibt es nicht.", "nicht_gefunden") from exc
        raise


def blank_form() -> dict[str, str]:
    return {name: "" for name in words.FIELDS} | {"art": "multiplikator", "form": "online", "plaetze": "12"}


def router() -> APIRouter:
    rt = APIRouter(prefix=BASE, include_in_schema=False)
    add_navigation(BASE, "Schulungen", lambda viewer: viewer.admin or bool(viewer.trains))

    # --- the list and "Neuer Termin" -----------------------------------------------------------------------------

    async def overview(
        request: Request, values: dict | None = None, errors: dict | None = None, status: int = 200
    ) -> Response:
        viewer: Viewer = request.state.viewer
        found = (await ask(request, e.TRAININGS, upcoming_only=False)).trainings
        if not viewer.admin:
            found = [t for t in found if t.training_id in viewer.trains]
        now = web_of(request).clock.now()
        upcoming = [t for t in found if t.end >= now]
        past = sorted((t for t in found if t.end < now), key=lambda t: t.start, reverse=True)
        return page(
            request,
            "schulungen/liste",
            "Schulungen" if viewer.admin else "Meine Schulungstermine",
            status,
            upcoming=upcoming,
            past=past,
            values=values or blank_form(),
            errors=errors or {},
            kind_options=KIND_OPTIONS,
            form_options=FORM_OPTIONS,
            words=words,
            path_of=path_of,
            may_plan=viewer.admin,
        )

    @rt.get("", response_class=HTMLResponse)
    async def listing(request: Request) -> Response:
        await trainer_or_admin(request)
        return await overview(request)

    @rt.post("", response_class=HTMLResponse)
    async def plan(request: Request) -> Response:
        await admin_only(request)
        form = words.read_training(await request.form(), e.TRAINING_KINDS)
        if not form.ok:
            return await overview(request, form.values, form.errors, 422)
        try:
            planned = await ask(request, e.PLAN_TRAINING, **form.plan())
        except PageError as exc:
            if not refusal_to_show(exc):
                raise
            errors = {words.field_of(k): m for k, m in exc.fields.items()} or {"titel": exc.message}
            return await overview(request, form.values, errors, exc.status)
        notice = f"Der Termin „{planned.title}“ am {words.when(planned.start, planned.end)} ist geplant."
        return redirect(path_of(planned.training_id), notice, request)

    # --- one date ------------------------------------------------------------------------------------------------

    async def detail(
        request: Request, training: e.TrainingSnapshot, status: int = 200, errors: dict | None = None, **values: Any
    ) -> Response:
        viewer: Viewer = request.state.viewer
        counsellors = [("", "niemand aus dem Register")]
        if viewer.admin and training.status == "geplant":
            try:
                counsellors = words.counsellor_options((await ask(request, r.OFFICES)).offices)
            except PageError:
                counsellors = [("", "Das Register antwortet gerade nicht – bitte Name und E-Mail eingeben")]
        costs = training.costs or e.CostsV1()
        values = {
            "name": "",
            "email": "",
            "beratende": "",
            "grund": "",
            "kosten": words.euros(costs.expected_cents).removesuffix(" €"),
            "antrag_bis": f"{costs.application_due:%d.%m.%Y}" if costs.application_due else "",
            "kosten_status": costs.status,
            "notiz": costs.note,
        } | values
        return page(
            request,
            "schulungen/termin",
            training.title,
            status,
            training=training,
            participants=words.participant_rows(training.participants),
            costs=costs,
            values=values,
            errors=errors or {},
            counsellor_options=counsellors,
            costs_options=list(words.COSTS_WORDS.items()),
            may_manage=viewer.admin,
            attendance_open=words.attendance_open(training, web_of(request).clock.now()),
            words=words,
            base=path_of(training.training_id),
        )

    @rt.get("/{training_id}", response_class=HTMLResponse)
    async def one(request: Request, training_id: str) -> Response:
        return await detail(request, await the_training(request, training_id))

    @rt.post("/{training_id}/anmelden", response_class=HTMLResponse)
    async def register(request: Request, training_id: str) -> Response:
        await admin_only(request)
        training = await the_training(request, training_id)
        raw = await request.form()
        values = {k: str(raw.get(k, "")).strip() for k in ("name", "email", "beratende")}
        person = await picked_counsellor(request, values["beratende"])
        name = values["name"] or (person["name"] if person else "")
        email = values["email"] or (person["email"] if person else "")
        errors = {}
        if not name:
            errors["name"] = "Bitte geben Sie den Namen an (oder wählen Sie jemanden aus dem Register)."
        if not email:
            errors["email"] = "Bitte geben Sie die E-Mail-Adresse an; dorthin geht die Bestätigung."
        if errors:
            return await detail(request, training, 422, errors, **values)
        extra = {k: person[k] for k in ("counsellor_id", "office_id", "office_name")} if person else {}
        try:
            done = await ask(request, e.REGISTER_PARTICIPANT, training_id=training_id, name=name, email=email, **extra)
        except PageError as exc:
            if not refusal_to_show(exc):
                raise
            fields = {("email" if "mail" in k else "name"): m for k, m in exc.fields.items()}
            return await detail(request, training, exc.status, fields or {"name": exc.message}, **values)
        return redirect(path_of(training_id) + "#teilnehmende", done.message, request)

    async def picked_counsellor(request: Request, picked: str) -> dict | None:
        """The counsellor picked from the register's offices ("office_id/counsellor_id"), as the register has them."""
        office_id, _, counsellor_id = picked.partition("/")
        if not (office_id and counsellor_id):
            return None
        try:
            office = await ask(request, r.OFFICE, office_id=office_id)
        except PageError:
            return None
        found = next((c for c in office.counsellors if c.counsellor_id == counsellor_id), None)
        if found is None:
            return None
        return {
            "name": found.name,
            "email": found.email or "",
            "counsellor_id": found.counsellor_id,
            "office_id": office.office_id,
            "office_name": office.name,
        }

    @rt.post("/{training_id}/abmelden", response_class=HTMLResponse)
    async def cancel_participant(request: Request, training_id: str) -> Response:
        await admin_only(request)
        participant = str((await request.form()).get("teilnehmer", ""))
        done = await ask(request, e.CANCEL_PARTICIPANT, training_id=training_id, participant_id=participant)
        return redirect(path_of(training_id) + "#teilnehmende", done.message, request)

    @rt.post("/{training_id}/absagen", response_class=HTMLResponse)
    async def cancel(request: Request, training_id: str) -> Response:
        await admin_only(request)
        training = await the_training(request, training_id)
        reason = str((await request.form()).get("grund", "")).strip()
        if not reason:
            errors = {"grund": "Bitte geben Sie einen Grund an; er steht in der Mail an die Angemeldeten."}
            return await detail(request, training, 422, errors)
        if len(reason) > 300:
            return await detail(request, training, 422, {"grund": "Höchstens 300 Zeichen."}, grund=reason)
        done = await ask(request, e.CANCEL_TRAINING, training_id=training_id, reason=reason)
        return redirect(path_of(training_id), f"Der Termin „{done.title}“ ist abgesagt.", request)

    @rt.post("/{training_id}/kosten", response_class=HTMLResponse)
    async def set_costs(request: Request, training_id: str) -> Response:
        await admin_only(request)
        training = await the_training(request, training_id)
        raw = await request.form()
        values = {k: str(raw.get(k, "")).strip() for k in ("kosten", "antrag_bis", "kosten_status", "notiz")}
        errors: dict[str, str] = {}
        try:
            cents = words.parse_euros(values["kosten"])
        except ValueError as exc:
            cents, errors["kosten"] = None, str(exc)
        due = words.read_day(values, "antrag_bis", errors)
        if values["kosten_status"] not in words.COSTS_WORDS:
            errors["kosten_status"] = "Bitte wählen Sie den Stand des Antrags."
        if errors:
            return await detail(request, training, 422, errors, **values)
        costs = {"expected_cents": cents, "application_due": due, "status": values["kosten_status"]}
        try:
            await ask(request, e.SET_COSTS, training_id=training_id, note=values["notiz"], **costs)
        except PageError as exc:
            if not refusal_to_show(exc):
                raise
            return await detail(request, training, exc.status, {"kosten": exc.message}, **values)
        return redirect(path_of(training_id) + "#kosten", "Die Kosten sind gespeichert.", request)

    rt.include_router(attendance.router())
    return rt


def refusal_to_show(exc: PageError) -> bool:
    """Action planning said no for a reason the form can show (not: missing, not allowed, not answering)."""
    return exc.status < 500 and exc.status not in (403, 404, 429)


async def my_dates(request: Request, viewer: Viewer) -> list[e.TrainingSnapshot]:
    """For "Meine Aufgaben": the dates this person trains, soonest first (empty if action planning does not answer)."""
    if not viewer.trains:
        return []
    try:
        found = await calls.ask(request, e.TRAININGS, {"upcoming_only": False, "trainer_email": viewer.address})
    except PageError:
        return []
    return sorted((t for t in found.trainings if t.training_id in viewer.trains), key=lambda t: t.start)
