"""The work plan's pages (issue 15, journey 5): the items by V, status and due date with "Meine Punkte",
one item with its history (mark done, progress note, new V, new T), and the import of a plan pasted or
uploaded as a .txt file – first a preview of how every V and T was read, only then "Speichern".

Who may do what is in `services/gateway/domain/workplan.py`; the events service checks every change again
(an unknown item is a 404, an empty V or T a 422). Every change is a POST answered by a redirect with a notice.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from services.gateway.domain.moderation import Paging
from services.gateway.domain.people import Viewer
from services.gateway.domain.workplan import (
    DUE_FILTERS,
    STATUS_WORDS,
    Filters,
    Me,
    may_read,
    order,
    people_of,
    responsible_text,
    urgent,
)
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.auth import NotPermitted, require_viewer
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import add_navigation, page, redirect
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.messaging.rpc import ServiceUnavailable

BASE = "/arbeitsplan"
PAGE_SIZE = 25
MAX_TEXT = 256 * 1024  # characters of a plan; the body limit of /arbeitsplan/import is a little more (limits.py)
BOARD_READS = (
    "Der Landesvorstand liest den Arbeitsplan, ändert ihn aber nicht. Änderungen macht die Landesgeschäftsstelle."
)


async def reader(request: Request) -> Viewer:
    """Signed in with any role: the work plan is internal."""
    viewer = await require_viewer(request)
    if not may_read(viewer):
        raise NotPermitted("Der Arbeitsplan steht Personen mit einer Aufgabe im Beratungsnetz offen.")
    return viewer


async def admin_only(request: Request) -> Viewer:
    viewer = await reader(request)
    if not viewer.admin:
        raise NotPermitted(
            BOARD_READS
            if viewer.board
            else "Das darf nur die Landesgeschäftsstelle (Verantwortliche und Termine ändern, Pläne einlesen)."
        )
    return viewer


async def me_of(request: Request, viewer: Viewer) -> Me:
    """Who the person is in the V (their name on the work-plan list, Sprecherrat, Landesvorstand)."""
    try:
        reply = await web_of(request).client.ask(n.WORKPLAN_PERSON, n.RolesOf(address=viewer.address))
    except ServiceUnavailable:
        reply = None
    found = reply.data if reply is not None and reply.ok else n.WorkPlanPerson()
    return Me(tuple(found.names), found.moderates, viewer.board, found.list_name)


async def ask(request: Request, spec: Any, **values: Any) -> Any:
    return await calls.ask(request, spec, values, actor=request.state.viewer.address)


def item_path(item_id: str) -> str:
    return f"{BASE}/{quote(item_id, safe='')}"


def today(request: Request) -> Any:
    return web_of(request).clock.today()


async def my_urgent_items(request: Request, viewer: Viewer) -> list[Any] | None:
    """For "Meine Aufgaben": the person's own items overdue or due soon; None if the services did not answer."""
    if not may_read(viewer):
        return []
    try:
        me = await me_of(request, viewer)
        if not (me.names or me.speaker or me.board):
            return []
        plan = await calls.ask(request, e.WORK_PLAN, e.WorkPlanQuery(only_open=True), actor=viewer.address)
    except PageError:
        return None
    return urgent(plan.items, me, today(request))


def router() -> APIRouter:
    r = APIRouter(prefix=BASE, include_in_schema=False)
    add_navigation(BASE, "Arbeitsplan", may_read)
    signed_in = Depends(reader)
    admin = Depends(admin_only)

    # --- the list -----------------------------------------------------------------------------------------

    @r.get("", response_class=HTMLResponse)
    async def overview(request: Request, viewer: Viewer = signed_in) -> Response:
        filters = Filters.of(request.query_params)
        me = await me_of(request, viewer)
        plan = await ask(request, e.WORK_PLAN)
        day = today(request)
        chosen = sorted((i for i in plan.items if filters.keep(i, me, day)), key=order)
        paging = Paging.of(request.query_params.get("seite", "1"), len(chosen), PAGE_SIZE)
        if paging.number > paging.pages:
            paging = Paging(paging.pages, len(chosen), PAGE_SIZE)
        shown = chosen[paging.offset : paging.offset + PAGE_SIZE]
        plans = sorted({i.plan for i in plan.items})
        return page(
            request,
            "arbeitsplan/liste",
            "Arbeitsplan",
            items=shown,
            paging=paging,
            filters=filters,
            me=me,
            people_options=[(p, p) for p in people_of(plan.items)],
            plans=plans,
            plan_options=[(p, p) for p in plans],
            statuses=[("", "alle"), ("offen-alle", "noch nicht erledigt")] + list(STATUS_WORDS.items()),
            due_filters=list(DUE_FILTERS.items()),
            counts={
                "all": len(plan.items),
                "overdue": sum(1 for i in plan.items if i.overdue),
                "mine": sum(1 for i in plan.items if me.mine(i) and i.status != "erledigt"),
            },
            page_link=lambda number: f"{BASE}?{urlencode(filters.kept | {'seite': number})}",
            item_path=item_path,
            responsible_text=responsible_text,
            viewer_may_import=viewer.admin,
        )

    # --- import: paste or upload, preview, save ----------------------------------------------------------

    @r.get("/import", response_class=HTMLResponse)
    async def import_form(request: Request, viewer: Viewer = admin) -> Response:
        return page(request, "arbeitsplan/import", "Arbeitsplan einlesen", values={"text": "", "plan": ""})

    @r.post("/import", response_class=HTMLResponse)
    async def import_step(request: Request, viewer: Viewer = admin) -> Response:
        form = await request.form(max_files=1, max_fields=10)
        values = {"text": str(form.get("text", "")), "plan": str(form.get("plan", "")).strip()}
        upload = form.get("datei")
        notes: list[str] = []
        errors: dict[str, str] = {}
        if isinstance(upload, UploadFile) and upload.filename:
            text, problem, note = await read_upload(upload)
            if problem:
                errors["datei"] = problem
            else:
                values["text"] = text
                notes += [f"Text aus der Datei „{upload.filename}“ gelesen."] + ([note] if note else [])
        text = values["text"].replace("\r\n", "\n").replace("\r", "\n")
        if not errors and not text.strip():
            errors["text"] = "Bitte fügen Sie den Text des Arbeitsplans ein oder wählen Sie eine Textdatei (.txt)."
        elif not errors and len(text) > MAX_TEXT:
            errors["text"] = f"Der Plan ist zu lang (höchstens {MAX_TEXT // 1024} KB Text)."
        if errors:
            return page(request, "arbeitsplan/import", "Arbeitsplan einlesen", 422, values=values, errors=errors)
        values["text"] = text
        plan_name = values["plan"] or None
        if form.get("schritt") == "speichern":
            if form.get("pruefsumme") != checksum(text, values["plan"]):
                notes.append("Der Text wurde nach der Vorschau geändert. Bitte prüfen Sie die neue Vorschau.")
            else:
                try:
                    saved = await ask(request, e.IMPORT_WORK_PLAN, text=text, plan=plan_name)
                except PageError as exc:
                    if exc.status != 422:
                        raise
                    errors["text"] = exc.message
                    return page(
                        request, "arbeitsplan/import", "Arbeitsplan einlesen", 422, values=values, errors=errors
                    )
                return redirect(f"{BASE}?{urlencode({'plan': saved.plan})}", saved_notice(saved), request)
        try:
            preview = await ask(request, e.PREVIEW_WORK_PLAN, text=text, plan=plan_name)
        except PageError as exc:
            if exc.status != 422:
                raise
            errors["plan" if "plan" in exc.fields else "text"] = exc.message
            return page(request, "arbeitsplan/import", "Arbeitsplan einlesen", 422, values=values, errors=errors)
        return page(
            request,
            "arbeitsplan/vorschau",
            "Vorschau: So wird der Arbeitsplan gelesen",
            values=values,
            preview=preview,
            notes=notes,
            checksum=checksum(text, values["plan"]),
            unrecognised=sum(1 for i in preview.items if i.timing.kind == "nicht_erkannt"),
            new=sum(1 for i in preview.items if not i.known),
        )

    # --- one item -----------------------------------------------------------------------------------------

    async def item_page(
        request: Request, viewer: Viewer, item_id: str, errors: dict[str, str] | None = None, values: dict | None = None
    ) -> Response:
        item = await ask(request, e.WORK_ITEM, item_id=item_id)
        me = await me_of(request, viewer)
        return page(
            request,
            "arbeitsplan/punkt",
            "Arbeitsplanpunkt",
            422 if errors else 200,
            item=item,
            mine=me.mine(item),
            may_report=me.may_report(viewer, item),
            may_change=viewer.admin,
            board_only=viewer.board and not me.may_report(viewer, item),
            board_reads=BOARD_READS,
            responsible=responsible_text(item),
            base=item_path(item_id),
            errors=errors or {},
            values={"vermerk": "", "verantwortlich": responsible_text(item), "termin": item.timing.text}
            | (values or {}),
        )

    @r.get("/{item_id}", response_class=HTMLResponse)
    async def show(request: Request, item_id: str, viewer: Viewer = signed_in) -> Response:
        return await item_page(request, viewer, item_id)

    async def reporter(request: Request, viewer: Viewer, item_id: str) -> Any:
        """The item, if this person may mark it done or note progress on it; else a German 403."""
        item = await ask(request, e.WORK_ITEM, item_id=item_id)
        if not (await me_of(request, viewer)).may_report(viewer, item):
            raise NotPermitted(
                BOARD_READS
                if viewer.board
                else "Diesen Punkt können nur die Verantwortlichen (V) und die Landesgeschäftsstelle ändern."
            )
        return item

    @r.post("/{item_id}/erledigt")
    async def done(request: Request, item_id: str, viewer: Viewer = signed_in) -> Response:
        item = await reporter(request, viewer, item_id)
        if item.status == "erledigt":
            return redirect(item_path(item_id), "Dieser Punkt war schon erledigt.", request)
        changed = await ask(request, e.COMPLETE_WORK_ITEM, item_id=item_id)
        notice = (
            "Als erledigt markiert."
            if changed.status == "erledigt"
            else f"Für diesen Zeitraum erledigt. Der Punkt wiederholt sich: {changed.timing.reading}."
        )
        return redirect(item_path(item_id), notice, request)

    @r.post("/{item_id}/vermerk")
    async def note(request: Request, item_id: str, viewer: Viewer = signed_in) -> Response:
        await reporter(request, viewer, item_id)
        text = str((await request.form()).get("vermerk", "")).strip()
        if not text:
            errors = {"vermerk": "Bitte schreiben Sie, was geschehen ist."}
            return await item_page(request, viewer, item_id, errors)
        try:
            await ask(request, e.NOTE_WORK_ITEM, item_id=item_id, text=text[:5000], author=viewer.address)
        except PageError as exc:
            if exc.status != 422:
                raise
            return await item_page(request, viewer, item_id, {"vermerk": exc.message}, {"vermerk": text})
        return redirect(item_path(item_id), "Fortschritt vermerkt.", request)

    @r.post("/{item_id}/verantwortlich")
    async def reassign(request: Request, item_id: str, viewer: Viewer = admin) -> Response:
        text = " ".join(str((await request.form()).get("verantwortlich", "")).split())
        if not text:
            errors = {"verantwortlich": "Bitte nennen Sie, wer verantwortlich ist (V), z. B. „Gudrun und Petra“."}
            return await item_page(request, viewer, item_id, errors, {"verantwortlich": text})
        try:
            await ask(request, e.CHANGE_WORK_ITEM_RESPONSIBLE, item_id=item_id, responsible=text, author=viewer.address)
        except PageError as exc:
            if exc.status != 422:
                raise
            return await item_page(request, viewer, item_id, {"verantwortlich": exc.message}, {"verantwortlich": text})
        return redirect(item_path(item_id), f"Verantwortlich (V) ist jetzt: {text}.", request)

    @r.post("/{item_id}/termin")
    async def reschedule(request: Request, item_id: str, viewer: Viewer = admin) -> Response:
        text = " ".join(str((await request.form()).get("termin", "")).split())
        if not text:
            errors = {"termin": "Bitte geben Sie einen Termin (T) an, z. B. „III. Quartal 2026“ oder „monatlich“."}
            return await item_page(request, viewer, item_id, errors, {"termin": text})
        try:
            changed = await ask(request, e.RESCHEDULE_WORK_ITEM, item_id=item_id, timing=text, author=viewer.address)
        except PageError as exc:
            if exc.status != 422:
                raise
            return await item_page(request, viewer, item_id, {"termin": exc.message}, {"termin": text})
        if changed.timing.kind == "nicht_erkannt":
            notice = f"Termin (T) geändert: „{text}“ – nicht als Datum erkannt, der Text bleibt so stehen."
        else:
            notice = f"Termin (T) geändert: „{text}“ – gelesen als {changed.timing.reading}."
        return redirect(item_path(item_id), notice, request)

    return r


def checksum(text: str, plan: str) -> str:
    """Ties "Speichern" to the text the preview showed."""
    return hashlib.sha256(f"{plan}\x1f{text}".encode()).hexdigest()[:32]


async def read_upload(upload: UploadFile) -> tuple[str, str, str]:
    """(text, problem, note): a .txt file in UTF-8 (with or without BOM), else read as Windows-1252 and said so."""
    name = (upload.filename or "").lower()
    if not name.endswith((".txt", ".text")):
        return "", "Bitte wählen Sie eine Textdatei (.txt). Aus Word: „Speichern unter“ → „Nur Text“.", ""
    raw = await upload.read(MAX_TEXT + 1)
    if len(raw) > MAX_TEXT:
        return "", f"Die Datei ist zu groß (höchstens {MAX_TEXT // 1024} KB).", ""
    if b"\x00" in raw:
        return "", "Die Datei enthält keinen reinen Text. Bitte speichern Sie den Plan als „Nur Text“ (.txt).", ""
    try:
        return raw.decode("utf-8-sig"), "", ""
    except UnicodeDecodeError:
        return (
            raw.decode("cp1252", errors="replace"),
            "",
            "Die Datei war nicht in UTF-8 gespeichert; sie wurde als Windows-Text gelesen. Bitte prüfen Sie die Umlaute.",
        )


def saved_notice(saved: Any) -> str:
    new, known = len(saved.items), saved.unchanged
    head = f"{new} {'Punkt' if new == 1 else 'Punkte'} aus „{saved.plan}“ übernommen."
    lines = [head]
    if known:
        lines.append(f"{known} {'Punkt war' if known == 1 else 'Punkte waren'} schon vorhanden und blieb unverändert.")
    if saved.not_imported:
        lines.append(f"{len(saved.not_imported)} Absätze ohne V wurden nicht übernommen.")
    return "\n".join(lines)
