"""Survey campaigns (issue 17, journey 7): the state office's pages and the personal survey form.

- `/verwaltung/erhebungen` (Landesgeschäftsstelle): the campaigns with their response rate and the form "Neue
  Erhebung" (offices: the register's and/or an uploaded CSV/Excel file; members: the active members of a mailing
  list, read here with MEMBERS as admin; districts: the registry finds them).
- `/verwaltung/erhebungen/<id>`: the campaign, its response rate per district, its recipients, the downloads
  `ergebnisse.csv` / `ergebnisse.xlsx`; `/verwaltung/erhebungen/<id>/antworten`: the review of submitted answers.
- `/verwaltung/interessierte`: interested members, to invite to a training or to register for one directly.
- `/umfrage/<token>` (public, no sign-in): the personal form. Not indexable, not cached, its address kept from other sites (security.py).

No business rule lives here: the registry decides what an answer changes, who is invited and when; action planning
sends the training links and registers people. The pages reshape forms (domain/surveys.py) and ask.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.datastructures import UploadFile

from services.gateway.adapters.spreadsheets import XLSX_MEDIA_TYPE, UnreadableSheet, write_sheet
from services.gateway.domain import board
from services.gateway.domain import surveys as words
from services.gateway.domain.charts import Series, bar_chart
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.auth import require_admin
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.register_import import MAX_FILE, read_upload
from services.gateway.entrypoints.web.render import add_navigation, page, redirect
from shared.clock import BERLIN
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import ServiceUnavailable

BASE = "/verwaltung/erhebungen"
INTERESTED = "/verwaltung/interessierte"
SURVEY = "/umfrage"
Admin = Annotated[Viewer, Depends(require_admin)]
NO_STORE = {"Cache-Control": "no-store"}
KIND_OPTIONS = [
    (
        "bueros",
        r.CAMPAIGN_KIND_WORDS["bueros"],
        "Jedes Partei- und Abgeordnetenbüro des Registers mit E-Mail-Adresse, dazu auf Wunsch weitere Büros aus einer "
        "Datei.",
    ),
    (
        "mitglieder",
        r.CAMPAIGN_KIND_WORDS["mitglieder"],
        "Die aktiven Mitglieder eines Verteilers: wer mitmachen möchte.",
    ),
    (
        "kreisverbaende",
        r.CAMPAIGN_KIND_WORDS["kreisverbaende"],
        "Die Koordination der Regionalgruppen in Kreisverbänden ohne Beratungsstelle (laut Abdeckungsbericht).",
    ),
]
NOT_FOUND = (
    "Diesen Umfrage-Link kennen wir nicht. Bitte prüfen Sie, ob der Link aus der E-Mail vollständig kopiert wurde."
)


async def ask(request: Request, spec: Any, **values: Any) -> Any:
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    return await calls.ask(request, spec, values, actor=viewer.address if viewer else None)


async def maybe(request: Request, spec: Any, payload: Any) -> Any:
    """The answer's data, or None when the service does not answer or refuses (the page then shows less)."""
    try:
        reply = await web_of(request).client.ask(spec, payload)
    except ServiceUnavailable:
        return None
    return reply.data if reply.ok else None


async def the_campaign(request: Request, campaign_id: str) -> r.CampaignRecipients:
    try:
        return await ask(request, r.CAMPAIGN, campaign_id=campaign_id)
    except PageError as exc:
        if exc.status in (404, 422):
            raise PageError(404, "Diese Erhebung gibt es nicht.", "nicht_gefunden") from exc
        raise


def training_text(t: e.TrainingSnapshot) -> str:
    room = f"{t.free} frei" if t.free else "ausgebucht, Warteliste"
    return f"{t.title}, {board.moment_text(t.start)} ({room})"


def district_chart(campaign: r.CampaignSnapshot) -> Markup | None:
    rates = campaign.by_district
    if not rates:
        return None
    svg = bar_chart(
        "Rücklauf je Kreisverband in Prozent",
        [d.district_name for d in rates],
        [Series("Rücklauf", tuple(words.rate_percent(d.answered, d.recipients) for d in rates))],
        unit="%",
    )
    return Markup(svg)  # noqa: S704 - built by charts.py, every text escaped


def router() -> APIRouter:
    rt = APIRouter(include_in_schema=False)
    add_navigation(BASE, "Erhebungen", lambda viewer: viewer.admin)
    add_navigation(INTERESTED, "Interessierte", lambda viewer: viewer.admin)

    # --- the campaigns and a new one -----------------------------------------------------------------------------

    async def overview(
        request: Request,
        values: dict | None = None,
        errors: dict | None = None,
        status: int = 200,
        file_errors: list[str] | None = None,
    ) -> Response:
        admin: Viewer = request.state.viewer
        found, lists = await asyncio.gather(ask(request, r.CAMPAIGNS), maybe(request, n.LISTS, n.ListsQuery()))
        open_lists = sorted(
            (x for x in (lists.lists if lists else []) if x.status != "geschlossen"), key=lambda x: x.name
        )
        today = web_of(request).clock.now().astimezone(BERLIN).date()
        return page(
            request,
            "erhebungen/liste",
            "Erhebungen",
            status,
            headers=NO_STORE,
            campaigns=found.campaigns,
            values=values or words.empty_campaign(today),
            errors=errors or {},
            file_errors=file_errors or [],
            kind_options=KIND_OPTIONS,
            list_options=[("", "Bitte wählen")]
            + [(x.list_id, f"{x.name} ({x.members} Mitglieder)") for x in open_lists],
            lists_missing=lists is None,
            max_mb=MAX_FILE // (1024 * 1024),
            words=words,
            admin=admin,
        )

    @rt.get(BASE, response_class=HTMLResponse)
    async def campaigns(request: Request, _admin: Admin) -> Response:
        return await overview(request)

    @rt.post(BASE)
    async def create(request: Request, admin: Admin) -> Response:
        form = await request.form()
        lists = await maybe(request, n.LISTS, n.ListsQuery())
        list_ids = {x.list_id for x in lists.lists if x.status != "geschlossen"} if lists else None
        read = words.read_campaign(form, list_ids)
        if not read.ok:
            return await overview(request, read.values, read.errors, 422)
        recipients: list[dict] = []
        notes: list[str] = []
        kind = read.payload["kind"]
        upload = form.get("datei")
        if kind == "bueros" and isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_FILE + 1)
            if len(data) > MAX_FILE:
                error = {"datei": f"Die Datei ist zu groß (höchstens {MAX_FILE // (1024 * 1024)} MB)."}
                return await overview(request, read.values, error, 413)
            try:
                source, note = read_upload(upload.filename, data)
            except UnreadableSheet as exc:
                return await overview(request, read.values, {"datei": str(exc)}, 422)
            table = source if isinstance(source, list) else words.csv_table(source)
            found = words.read_recipients(table)
            if found.errors:
                error = {"datei": f"Die Datei „{upload.filename}“ hat Fehler; es wurde nichts angelegt."}
                return await overview(request, read.values, error, 422, found.errors)
            recipients, notes = found.recipients, [note, *found.notes] if note else found.notes
        if kind == "bueros" and not read.payload["include_register"] and not recipients:
            error = {"register": "Bitte die Büros des Registers einbeziehen oder eine Datei mit Büros hochladen."}
            return await overview(request, read.values, error, 422)
        if kind == "mitglieder":
            query = n.MembersQuery(
                list_id=read.values["verteiler"], moderator=admin.address, admin=True, status="aktiv"
            )
            members = await ask(request, n.MEMBERS, **query.model_dump())
            recipients = words.member_recipients(members.members)
            if not recipients:
                error = {"verteiler": "Dieser Verteiler hat keine aktiven Mitglieder."}
                return await overview(request, read.values, error, 422)
        try:
            campaign = await ask(request, r.CREATE_CAMPAIGN, **read.payload, recipients=recipients)
        except PageError as exc:
            if exc.status not in (400, 409, 422):
                raise
            return await overview(request, read.values, words.campaign_errors(exc.fields, exc.message), exc.status)
        message = words.created_message(campaign)
        if notes:
            message += "\n" + "\n".join(notes)
        return redirect(f"{BASE}/{campaign.campaign_id}", flash=message, request=request)

    # --- one campaign ------------------------------------------------------------------------------------------------

    @rt.get(BASE + "/{campaign_id}", response_class=HTMLResponse)
    async def campaign_page(request: Request, campaign_id: str, _admin: Admin) -> Response:
        found = await the_campaign(request, campaign_id)
        return page(
            request,
            "erhebungen/erhebung",
            found.campaign.title,
            headers=NO_STORE,
            campaign=found.campaign,
            recipients=found.recipients,
            districts={d.district_id: d.district_name for d in found.campaign.by_district if d.district_id},
            chart=district_chart(found.campaign),
            words=words,
        )

    async def results(request: Request, campaign_id: str) -> tuple[r.CampaignRecipients, tuple, list]:
        found = await the_campaign(request, campaign_id)
        reviews = await ask(request, r.ANSWER_REVIEWS, campaign_id=campaign_id)
        head, rows = words.result_table(found, reviews)
        return found, head, rows

    @rt.get(BASE + "/{campaign_id}/ergebnisse.csv")
    async def results_csv(request: Request, campaign_id: str, _admin: Admin) -> Response:
        found, head, rows = await results(request, campaign_id)
        table = board.Table("ergebnisse", found.campaign.title, head, tuple(tuple(row) for row in rows))
        filename = words.result_filename(found.campaign, "csv")
        return Response(
            board.csv_bytes(table),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
        )

    @rt.get(BASE + "/{campaign_id}/ergebnisse.xlsx")
    async def results_xlsx(request: Request, campaign_id: str, _admin: Admin) -> Response:
        found, head, rows = await results(request, campaign_id)
        filename = words.result_filename(found.campaign, "xlsx")
        return Response(
            write_sheet("Ergebnisse", head, rows),
            media_type=XLSX_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
        )

    # --- the review ----------------------------------------------------------------------------------------------------

    async def review_page(
        request: Request, campaign_id: str, errors: dict | None = None, status: int = 200
    ) -> Response:
        found = await ask(request, r.ANSWER_REVIEWS, campaign_id=campaign_id)
        wanted = request.query_params.get("empfaenger", "")
        open_ = [a for a in found.answers if a.recipient.review_status == "offen"]
        current = next((a for a in found.answers if a.recipient.recipient_id == wanted), None)
        current = current or (open_[0] if open_ else None)
        decided = [a for a in found.answers if a.recipient.review_status != "offen"]
        return page(
            request,
            "erhebungen/antworten",
            f"Antworten prüfen: {found.campaign.title}",
            status,
            headers=NO_STORE,
            campaign=found.campaign,
            current=current,
            waiting=len(open_),
            others=[a for a in open_ if a is not current],
            decided=decided,
            errors=errors or {},
            words=words,
        )

    @rt.get(BASE + "/{campaign_id}/antworten", response_class=HTMLResponse)
    async def reviews(request: Request, campaign_id: str, _admin: Admin) -> Response:
        try:
            return await review_page(request, campaign_id)
        except PageError as exc:
            if exc.status in (404, 422):
                raise PageError(404, "Diese Erhebung gibt es nicht.", "nicht_gefunden") from exc
            raise

    @rt.post(BASE + "/{campaign_id}/antworten")
    async def decide(request: Request, campaign_id: str, _admin: Admin) -> Response:
        form = await request.form()
        recipient_id = str(form.get("empfaenger", "") or "")
        decision = str(form.get("entscheidung", "") or "")
        chosen = [str(x) for x in form.getlist("aenderung")]
        here = f"{BASE}/{campaign_id}/antworten"
        if decision not in ("uebernehmen", "ablehnen") or not recipient_id:
            raise PageError(400, "Bitte „Übernehmen“ oder „Ablehnen“ wählen.")
        if decision == "uebernehmen" and form.get("hat_aenderungen") == "ja" and not chosen:
            request.scope["query_string"] = f"empfaenger={recipient_id}".encode()
            error = {"aenderung": "Bitte mindestens eine Änderung auswählen – oder die Antwort ablehnen."}
            return await review_page(request, campaign_id, error, 422)
        try:
            done = await ask(
                request,
                r.DECIDE_ANSWER,
                campaign_id=campaign_id,
                recipient_id=recipient_id,
                accept=decision == "uebernehmen",
                change_ids=chosen if decision == "uebernehmen" else None,
                reason=" ".join(str(form.get("grund", "") or "").split()),
            )
        except PageError as exc:
            if exc.status not in (400, 409, 422):
                raise
            return redirect(here, flash=exc.message, request=request)
        return redirect(here, flash=done.message, request=request)

    # --- interested members ------------------------------------------------------------------------------------------

    @rt.get(INTERESTED, response_class=HTMLResponse)
    async def interested(request: Request, _admin: Admin) -> Response:
        people, dates = await asyncio.gather(
            ask(request, r.INTERESTED), maybe(request, e.TRAININGS, e.TrainingsQuery(upcoming_only=True))
        )
        trainings = [t for t in (dates.trainings if dates else []) if t.status == "geplant"]
        return page(
            request,
            "erhebungen/interessierte",
            "Interessierte für Schulungen",
            headers=NO_STORE,
            people=people.people,
            trainings=trainings,
            training_options=[("", "Termin wählen")] + [(t.training_id, training_text(t)) for t in trainings],
            trainings_missing=dates is None,
            words=words,
        )

    @rt.post(INTERESTED + "/einladen")
    async def invite(request: Request, _admin: Admin) -> Response:
        form = await request.form()
        name, email = str(form.get("name", "") or ""), str(form.get("email", "") or "")
        done = await ask(request, e.INVITE_PERSON, name=name, email=email)
        return redirect(INTERESTED, flash=f"{name}: {done.message}", request=request)

    @rt.post(INTERESTED + "/anmelden")
    async def register(request: Request, _admin: Admin) -> Response:
        form = await request.form()
        name, email = str(form.get("name", "") or ""), str(form.get("email", "") or "")
        training_id = str(form.get("termin", "") or "")
        if not training_id:
            return redirect(INTERESTED, flash=f"{name}: Bitte zuerst einen Termin wählen.", request=request)
        try:
            done = await ask(request, e.REGISTER_PARTICIPANT, training_id=training_id, name=name, email=email)
        except PageError as exc:
            if exc.status not in (400, 404, 409, 422):
                raise
            return redirect(INTERESTED, flash=f"{name}: {exc.message}", request=request)
        return redirect(INTERESTED, flash=f"{name}, {done.training.title}: {done.message}", request=request)

    # --- the personal survey form (public) -------------------------------------------------------------------------

    async def survey_of(request: Request, token: str) -> r.SurveyFormV1:
        try:
            return await ask(request, r.SURVEY_FORM, token=token)
        except PageError as exc:
            if exc.status in (400, 403, 404, 422):  # no detail: an unknown, forged or foreign link all look alike
                raise PageError(404, NOT_FOUND, "nicht_gefunden") from exc
            raise

    def survey_page(
        request: Request, token: str, form: r.SurveyFormV1, values: dict, errors: dict | None = None, status: int = 200
    ) -> Response:
        if not form.open:
            return page(
                request,
                "erhebungen/umfrage_beendet",
                "Die Erhebung ist beendet",
                status,
                form=form,
                rows=words.answer_rows(form.kind, form.answer) if form.answer else [],
                words=words,
            )
        return page(
            request,
            "erhebungen/umfrage",
            form.title,
            status,
            form=form,
            token=token,
            values=values,
            errors=errors or {},
            fields=words.fields_of(form.kind),
            area_options=words.area_options(values.get("themen", [])),
            words=words,
        )

    @rt.get(SURVEY + "/{token}", response_class=HTMLResponse)
    async def survey(request: Request, token: str) -> Response:
        form = await survey_of(request, token)
        return survey_page(request, token, form, words.form_values(form.kind, form.answer, form.current))

    @rt.post(SURVEY + "/{token}")
    async def answer(request: Request, token: str) -> Response:
        form = await survey_of(request, token)
        sent = await request.form()
        read = words.read_answer(form.kind, sent)
        if not form.open:
            return survey_page(request, token, form, read.values, status=409)
        if not read.ok:
            return survey_page(request, token, form, read.values, read.errors, 422)
        submit = sent.get("aktion") == "absenden"
        try:
            saved = await ask(request, r.SAVE_ANSWER, token=token, answer=read.answer, submit=submit)
        except PageError as exc:
            if exc.status not in (400, 409, 422):
                raise
            errors = words.answer_errors(exc.fields) if exc.fields else {"anfrage": exc.message}
            return survey_page(request, token, form, read.values, errors, exc.status)
        until = board.day_text(saved.ends_on)
        if submit:
            message = f"Vielen Dank! Ihre Antwort ist abgegeben. Sie können sie bis zum {until} noch ändern."
        else:
            message = f"Zwischengespeichert. Sie können bis zum {until} weitermachen und dann „Absenden“ wählen."
        return redirect(f"{SURVEY}/{token}", flash=message, request=request)

    return rt


async def reviews_waiting(request: Request) -> list[tuple[str, str, int]]:
    """For "Meine Aufgaben": (campaign title, review page, answers to review), campaigns with open reviews only."""
    found = await maybe(request, r.CAMPAIGNS, r.ListQuery())
    return [
        (c.title, f"{BASE}/{c.campaign_id}/antworten", c.to_review)
        for c in (found.campaigns if found else [])
        if c.to_review > 0
    ]
