"""The register of counselling offices for the state office (issue 16): list with search and filters, an office's
page in plain German, registering and editing (consultation hours shown back as understood before saving), status
changes with a reason, counsellors and their trainings, the supervising lawyer (RDG § 6) and the history.

The Landesgeschäftsstelle changes; the Landesvorstand reads (no forms; a POST is a German 403 page); nobody else
sees these pages. An office is picked from the list, its id only ever in a path. The registry checks every change
again and says in German why something cannot be done.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain import register as words
from services.gateway.domain.moderation import Paging, parse_day
from services.gateway.domain.people import Viewer
from services.gateway.domain.trainings import office_tag
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.auth import require_admin, require_board
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import add_navigation, page, redirect
from shared.contracts import registry as r

BASE = "/register/stellen"
PAGE_SIZE = 25
STATUS_CHANGES = {  # form value -> (command, what the banner says, the button)
    "pausieren": (r.PAUSE_OFFICE, "ist pausiert", "Pausieren"),
    "reaktivieren": (r.REACTIVATE_OFFICE, "ist wieder aktiv", "Wieder aktiv setzen"),
    "schliessen": (r.CLOSE_OFFICE, "ist geschlossen", "Schließen"),
}
PUBLIC_STATUSES = ("aktiv", "pausiert")  # what the registry's directory index publishes (registry.domain.directory)


async def ask(request: Request, spec: Any, **values: Any) -> Any:
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    return await calls.ask(request, spec, values, actor=viewer.address if viewer else None)


async def the_office(request: Request, office_id: str) -> r.OfficeSnapshot:
    try:
        return await ask(request, r.OFFICE, office_id=office_id)
    except PageError as exc:
        if exc.status in (404, 422):
            raise PageError(404, "Diese Beratungsstelle gibt es nicht.", "nicht_gefunden") from exc
        raise


async def districts(request: Request) -> list[r.DistrictSnapshot]:
    found = (await ask(request, r.DISTRICTS)).districts
    return sorted(found, key=lambda d: (d.state, d.name.casefold()))


def district_options(found: list[r.DistrictSnapshot], empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [(d.district_id, f"{d.name} ({d.state})") for d in found]


def status_choices(office: r.OfficeSnapshot) -> list[tuple[str, str]]:
    if office.status == "geschlossen":
        return []
    choices = []
    if office.status != "pausiert":
        choices.append(("pausieren", "Pausieren", "Die Stelle berät vorübergehend nicht; sie bleibt im Register."))
    if office.status != "aktiv":
        choices.append(("reaktivieren", "Wieder aktiv setzen", "Die Stelle berät (wieder)."))
    choices.append(("schliessen", "Schließen", "Die Stelle berät nicht mehr. Das lässt sich nicht rückgängig machen."))
    return choices


def router() -> APIRouter:
    rt = APIRouter(prefix=BASE, include_in_schema=False)
    add_navigation(BASE, "Register", lambda viewer: viewer.may_read_all)

    # --- the list ----------------------------------------------------------------------------------------------

    @rt.get("", response_class=HTMLResponse)
    async def overview(request: Request) -> Response:
        viewer = await require_board(request)
        filters = words.Filters.of(request.query_params)
        offices = (await ask(request, r.OFFICES)).offices
        coverage = (await ask(request, r.COVERAGE)).findings
        due = {f.subject_id for f in coverage if f.kind == "schulung_veraltet"}
        known = await districts(request)
        names = {d.district_id: d.name for d in known}
        shown = [o for o in offices if filters.matches(o, due)]
        paging = Paging.of(request.query_params.get("seite", "1"), len(shown), PAGE_SIZE)
        languages = sorted({lang for o in offices for lang in o.languages}, key=str.casefold)
        areas = sorted({a for o in offices for a in o.areas} | set(r.AREA_WORDS), key=lambda a: words.area_word(a))
        query = filters.query()
        return page(
            request,
            "register/liste",
            "Register: Beratungsstellen",
            offices=shown[paging.offset : paging.offset + paging.size],
            paging=paging,
            filters=filters,
            total=len(offices),
            district_options=district_options(known, "alle"),
            status_options=[("", "alle")] + list(words.STATUS_WORDS.items()),
            area_options=[("", "alle")] + [(a, words.area_word(a)) for a in areas],
            language_options=[("", "alle")] + [(lang, lang) for lang in languages],
            supervision_options=[("", "egal"), ("ja", "bestätigt"), ("nein", "fehlt oder unbestätigt")],
            names=names,
            due=due,
            page_link=f"{BASE}?{query + '&' if query else ''}seite=",
            may_change=viewer.admin,
            words=words,
        )

    # --- register: form, check, save ---------------------------------------------------------------------------

    async def office_form(
        request: Request,
        values: dict,
        errors: dict | None = None,
        status: int = 200,
        office: r.OfficeSnapshot | None = None,
    ) -> Response:
        target = f"{BASE}/{office.office_id}/bearbeiten" if office else f"{BASE}/neu"
        return page(
            request,
            "register/formular",
            f"{office.name} bearbeiten" if office else "Beratungsstelle eintragen",
            status,
            values=values,
            errors=errors or {},
            office=office,
            target=target,
            district_options=district_options(await districts(request), "keinem zugeordnet"),
            operator_options=list(r.OPERATOR_KIND_WORDS.items()),
            area_options=list(r.AREA_WORDS.items()),
            slots=words.COUNSELLOR_SLOTS,
        )

    def blank() -> dict:
        form = words.read_office({}, new=True)
        form.values["traeger_art"] = ""
        return form.values

    @rt.get("/neu", response_class=HTMLResponse)
    async def new_get(request: Request) -> Response:
        await require_admin(request)
        values = blank()
        wanted = request.query_params.get("kreis", "")  # from the coverage page: a district without an office
        if wanted and wanted in {d.district_id for d in await districts(request)}:
            values["kreis"] = wanted
        return await office_form(request, values)

    async def check_or_save(request: Request, office: r.OfficeSnapshot | None) -> Response:
        raw = await request.form()
        form = words.read_office(raw, new=office is None)
        step = str(raw.get("schritt", "pruefen"))
        readings = (await ask(request, r.READ_HOURS, texts=form.hours)).readings if form.hours else []
        not_understood = [x for x in readings if x.error]
        if not_understood:
            form.errors["sprechzeiten"] = " ".join(x.error for x in not_understood)
        if not form.ok or step == "korrigieren":
            return await office_form(request, form.values, form.errors, 422 if not form.ok else 200, office)
        if step != "speichern":
            known = {d.district_id: d.name for d in await districts(request)}
            return page(
                request,
                "register/pruefen",
                "Angaben prüfen",
                form=form,
                readings=readings,
                office=office,
                district_name=known.get(form.values["kreis"], ""),
                key=form.values["kennung"] or str(uuid.uuid4()),
                target=f"{BASE}/{office.office_id}/bearbeiten" if office else f"{BASE}/neu",
                words=words,
            )
        try:
            if office is None:
                saved = await ask(
                    request,
                    r.REGISTER_OFFICE,
                    **form.details(),
                    status=form.values["status"],
                    counsellors=form.counsellors(),
                    supervision=form.supervision(),
                    office_id=form.values["kennung"] or None,
                )
            else:
                saved = await ask(request, r.UPDATE_OFFICE, **form.details(), office_id=office.office_id)
        except PageError as exc:
            if exc.status in (409, 422):
                return await office_form(
                    request, form.values, words.registry_errors(exc.fields, exc.message), exc.status, office
                )
            raise
        notice = (
            f"„{saved.name}“ ist eingetragen." if office is None else f"Die Angaben zu „{saved.name}“ sind gespeichert."
        )
        return redirect(f"{BASE}/{saved.office_id}", notice, request)

    @rt.post("/neu", response_class=HTMLResponse)
    async def new_post(request: Request) -> Response:
        await require_admin(request)
        return await check_or_save(request, None)

    # --- one office --------------------------------------------------------------------------------------------

    @rt.get("/{office_id}", response_class=HTMLResponse)
    async def one(request: Request, office_id: str) -> Response:
        viewer = await require_board(request)
        office = await the_office(request, office_id)
        history = (await ask(request, r.OFFICE_HISTORY, office_id=office_id)).entries
        known = {d.district_id: d for d in await districts(request)}
        coverage = (await ask(request, r.COVERAGE)).findings
        return page(
            request,
            "register/stelle",
            office.name,
            office=office,
            history=history,
            district=known.get(office.district_id or ""),
            findings=[f for f in coverage if f.subject_id == office_id],
            qualification=office_tag(office, coverage),  # issue 17
            today=web_of(request).clock.today(),
            public=office.status in PUBLIC_STATUSES,
            may_change=viewer.admin,
            status_choices=status_choices(office),
            base=f"{BASE}/{office_id}",
            words=words,
        )

    @rt.get("/{office_id}/bearbeiten", response_class=HTMLResponse)
    async def edit_get(request: Request, office_id: str) -> Response:
        await require_admin(request)
        office = await the_office(request, office_id)
        return await office_form(request, words.office_values(office), office=office)

    @rt.post("/{office_id}/bearbeiten", response_class=HTMLResponse)
    async def edit_post(request: Request, office_id: str) -> Response:
        await require_admin(request)
        return await check_or_save(request, await the_office(request, office_id))

    @rt.post("/{office_id}/status", response_class=HTMLResponse)
    async def change_status(request: Request, office_id: str) -> Response:
        await require_admin(request)
        office = await the_office(request, office_id)
        raw = await request.form()
        choice, reason = str(raw.get("aenderung", "")), str(raw.get("grund", "")).strip()
        errors = {}
        if choice not in STATUS_CHANGES or choice not in {c[0] for c in status_choices(office)}:
            errors["aenderung"] = "Bitte wählen Sie, was sich ändert."
        if not reason:
            errors["grund"] = "Bitte geben Sie einen Grund an; er steht im Verlauf."
        elif len(reason) > 300:
            errors["grund"] = "Der Grund darf höchstens 300 Zeichen lang sein."
        if errors:
            history = (await ask(request, r.OFFICE_HISTORY, office_id=office_id)).entries
            return page(
                request,
                "register/stelle",
                office.name,
                422,
                office=office,
                history=history,
                district=None,
                findings=[],
                may_change=True,
                status_choices=status_choices(office),
                base=f"{BASE}/{office_id}",
                words=words,
                errors=errors,
                chosen=choice,
                reason=reason,
            )
        spec, said, _ = STATUS_CHANGES[choice]
        await ask(request, spec, office_id=office_id, reason=reason)
        return redirect(f"{BASE}/{office_id}", f"„{office.name}“ {said}.", request)

    # --- counsellors and trainings -----------------------------------------------------------------------------

    def counsellor_page(request, office, values, errors=None, status=200) -> Response:  # noqa: ANN001
        return page(
            request,
            "register/beratende",
            "Berater:in hinzufügen",
            status,
            office=office,
            values=values,
            errors=errors or {},
            base=f"{BASE}/{office.office_id}",
        )

    @rt.get("/{office_id}/beratende/neu", response_class=HTMLResponse)
    async def counsellor_get(request: Request, office_id: str) -> Response:
        await require_admin(request)
        office = await the_office(request, office_id)
        values = {"name": "", "email": "", "veroeffentlichen": False, "schulung": "", "schulung_am": ""}
        return counsellor_page(request, office, values | {"kennung": str(uuid.uuid4())})

    @rt.post("/{office_id}/beratende/neu", response_class=HTMLResponse)
    async def counsellor_post(request: Request, office_id: str) -> Response:
        await require_admin(request)
        office = await the_office(request, office_id)
        raw = await request.form()
        values = {k: str(raw.get(k, "")).strip() for k in ("name", "email", "schulung", "schulung_am", "kennung")}
        values["veroeffentlichen"] = raw.get("veroeffentlichen") == "ja"
        errors: dict[str, str] = {}
        if not values["name"]:
            errors["name"] = "Bitte geben Sie den Namen an."
        day = None
        try:
            day = parse_day(values["schulung_am"])
        except ValueError as exc:
            errors["schulung_am"] = str(exc)
        if values["schulung"] and day is None and "schulung_am" not in errors:
            errors["schulung_am"] = "Bitte geben Sie an, wann die Schulung war (z. B. 21.11.2026)."
        if errors:
            return counsellor_page(request, office, values, errors, 422)
        trainings = [{"on": day, "title": values["schulung"]}] if values["schulung"] else []
        try:
            await ask(
                request,
                r.ADD_COUNSELLOR,
                office_id=office_id,
                name=values["name"],
                email=values["email"] or None,
                publish_name=values["veroeffentlichen"],
                trainings=trainings,
                counsellor_id=values["kennung"] or None,
            )
        except PageError as exc:
            if exc.status in (409, 422):
                fields = {"email": m for k, m in exc.fields.items() if "mail" in k.lower()} if exc.fields else {}  # noqa: B035
                return counsellor_page(request, office, values, fields or {"name": exc.message}, exc.status)
            raise
        return redirect(f"{BASE}/{office_id}#beratende", f"{values['name']} berät jetzt in „{office.name}“.", request)

    @rt.post("/{office_id}/beratende/{counsellor_id}/entfernen", response_class=HTMLResponse)
    async def counsellor_remove(request: Request, office_id: str, counsellor_id: str) -> Response:
        await require_admin(request)
        office = await the_office(request, office_id)
        person = next((c for c in office.counsellors if c.counsellor_id == counsellor_id), None)
        if person is None:
            raise PageError(404, "Diese Person berät hier nicht (mehr).", "nicht_gefunden")
        await ask(request, r.REMOVE_COUNSELLOR, office_id=office_id, counsellor_id=counsellor_id)
        return redirect(f"{BASE}/{office_id}#beratende", f"{person.name} ist nicht mehr eingetragen.", request)

    async def the_counsellor(request: Request, office_id: str, counsellor_id: str) -> tuple:
        office = await the_office(request, office_id)
        person = next((c for c in office.counsellors if c.counsellor_id == counsellor_id), None)
        if person is None:
            raise PageError(404, "Diese Person berät hier nicht (mehr).", "nicht_gefunden")
        return office, person

    def training_page(request, office, person, values, errors=None, status=200) -> Response:  # noqa: ANN001
        return page(
            request,
            "register/schulung",
            f"Schulung für {person.name} eintragen",
            status,
            office=office,
            person=person,
            values=values,
            errors=errors or {},
            base=f"{BASE}/{office.office_id}",
        )

    @rt.get("/{office_id}/beratende/{counsellor_id}/schulung", response_class=HTMLResponse)
    async def training_get(request: Request, office_id: str, counsellor_id: str) -> Response:
        await require_admin(request)
        office, person = await the_counsellor(request, office_id, counsellor_id)
        return training_page(request, office, person, {"schulung": "", "schulung_am": ""})

    @rt.post("/{office_id}/beratende/{counsellor_id}/schulung", response_class=HTMLResponse)
    async def training_post(request: Request, office_id: str, counsellor_id: str) -> Response:
        await require_admin(request)
        office, person = await the_counsellor(request, office_id, counsellor_id)
        raw = await request.form()
        values = {k: str(raw.get(k, "")).strip() for k in ("schulung", "schulung_am")}
        errors: dict[str, str] = {}
        if not values["schulung"]:
            errors["schulung"] = "Bitte geben Sie an, welche Schulung es war."
        day = None
        try:
            day = parse_day(values["schulung_am"])
        except ValueError as exc:
            errors["schulung_am"] = str(exc)
        if day is None and "schulung_am" not in errors:
            errors["schulung_am"] = "Bitte geben Sie an, wann die Schulung war (z. B. 21.11.2026)."
        if errors:
            return training_page(request, office, person, values, errors, 422)
        try:
            await ask(
                request,
                r.RECORD_TRAINING,
                office_id=office_id,
                counsellor_id=counsellor_id,
                training={"on": day, "title": values["schulung"]},
            )
        except PageError as exc:
            if exc.status in (409, 422):
                return training_page(request, office, person, values, {"schulung": exc.message}, exc.status)
            raise
        return redirect(f"{BASE}/{office_id}#beratende", f"Die Schulung von {person.name} ist eingetragen.", request)

    # --- the supervising lawyer (RDG § 6) ------------------------------------------------------------------------

    def supervision_page(request, office, values, errors=None, status=200) -> Response:  # noqa: ANN001
        return page(
            request,
            "register/anleitung",
            "Anleitung nach § 6 RDG",
            status,
            office=office,
            values=values,
            errors=errors or {},
            base=f"{BASE}/{office.office_id}",
        )

    @rt.get("/{office_id}/anleitung", response_class=HTMLResponse)
    async def supervision_get(request: Request, office_id: str) -> Response:
        await require_admin(request)
        office = await the_office(request, office_id)
        s = office.supervision
        values = {
            "name": s.lawyer_name if s else "",
            "seit": s.since.strftime("%d.%m.%Y") if s else "",
            "bestaetigt": bool(s and s.qualification_confirmed),
        }
        return supervision_page(request, office, values)

    @rt.post("/{office_id}/anleitung", response_class=HTMLResponse)
    async def supervision_post(request: Request, office_id: str) -> Response:
        await require_admin(request)
        office = await the_office(request, office_id)
        raw = await request.form()
        if raw.get("schritt") == "entfernen":
            await ask(request, r.CHANGE_SUPERVISION, office_id=office_id, supervision=None)
            return redirect(f"{BASE}/{office_id}#anleitung", "Die Anleitung nach § 6 RDG ist entfernt.", request)
        values = {"name": str(raw.get("name", "")).strip(), "seit": str(raw.get("seit", "")).strip()}
        values["bestaetigt"] = raw.get("bestaetigt") == "ja"
        errors: dict[str, str] = {}
        if not values["name"]:
            errors["name"] = "Bitte geben Sie den Namen der Rechtsanwältin oder des Rechtsanwalts an."
        day = None
        try:
            day = parse_day(values["seit"])
        except ValueError as exc:
            errors["seit"] = str(exc)
        if day is None and "seit" not in errors:
            errors["seit"] = "Bitte geben Sie an, seit wann die Anleitung besteht (z. B. 1.3.2026)."
        if errors:
            return supervision_page(request, office, values, errors, 422)
        supervision = {"lawyer_name": values["name"], "since": day, "qualification_confirmed": values["bestaetigt"]}
        try:
            await ask(request, r.CHANGE_SUPERVISION, office_id=office_id, supervision=supervision)
        except PageError as exc:
            if exc.status in (409, 422):
                return supervision_page(request, office, values, {"name": exc.message}, exc.status)
            raise
        return redirect(f"{BASE}/{office_id}#anleitung", "Die Anleitung nach § 6 RDG ist gespeichert.", request)

    return rt
