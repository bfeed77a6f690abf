"""`/register/import` (Landesgeschäftsstelle): the office list from a CSV or Excel file – first a dry run that
shows what every row would do, then "Übernehmen"; both run as a job in the background while the page shows how far
the registry has got.

An .xlsx is read here into a table of text cells (`adapters/spreadsheets.py`, row numbers as in the sheet) and sent
as `ImportOffices.table`; a .csv goes as text. The registry reads both into the same rows, so the same list gives
the same register either way. Progress is the registry's own: it applies the rows in batches of 100 and publishes
`ImportProgress(done, total)` after each batch to a subject the job listens on; the job page reloads itself every
second (HTTP `Refresh`, no script) and shows "x von y Zeilen". Jobs live in this gateway process's memory (the
newest 50, for an hour): a page of a job started on another gateway instance, or before a restart, is a 404 page.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from services.gateway.adapters.spreadsheets import UnreadableSheet, is_xlsx, read_sheet
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web.auth import require_admin
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import Web, web_of
from services.gateway.entrypoints.web.render import page, redirect
from shared.contracts import registry as r
from shared.logging import get_logger
from shared.messaging.rpc import RequestTooLarge, ServiceUnavailable

log = get_logger(__name__)
PATH = "/register/import"
MAX_FILE = 4 * 1024 * 1024  # as the API's import; the body limit leaves room for the form around it
KEEP_JOBS, KEEP_FOR = 50, timedelta(hours=1)
Admin = Annotated[Viewer, Depends(require_admin)]
FIELD_NAMES = {
    "name": "Name",
    "operator_kind": "Trägerart",
    "operator_name": "Träger",
    "street": "Straße",
    "postcode": "PLZ",
    "city": "Ort",
    "access_notes": "Zugang",
    "phone": "Telefon",
    "email": "E-Mail",
    "web": "Web",
    "hours": "Sprechzeiten",
    "areas": "Beratungsfelder",
    "languages": "Sprachen",
    "district_id": "Kreisverband",
    "supervision": "RDG-Anleitung",
    "status": "Status",
}
COLUMNS = [
    (
        "Name, Trägerart, Träger, Straße, PLZ, Ort",
        "Pflicht. Trägerart: kreisverband, abgeordnetenbuero, parteibuero oder partnerorganisation.",
    ),
    (
        "Sprechzeiten, Beratungsfelder, Sprachen",
        "mehrere durch Semikolon oder Zeilenumbruch in der Zelle getrennt, "
        "z. B. „dienstags 14–17 Uhr; jeden 1. Montag im Monat 16–18 Uhr“.",
    ),
    (
        "Zugang, Telefon, E-Mail, Web, Kreisverband, Status",
        "freiwillig; Kreisverband mit seinem Namen, Status geplant, aktiv, pausiert oder geschlossen.",
    ),
    (
        "RDG-Anleitung, RDG-seit, RDG-bestätigt",
        "Name der Volljuristin oder des Volljuristen, seit wann (TT.MM.JJJJ), bestätigt: ja oder nein.",
    ),
    ("Kennung", "freiwillig; sonst erkennt das Register eine Stelle an Name und PLZ wieder."),
]


@dataclass
class ImportJob:
    id: str
    address: str
    filename: str
    source: str | list[list[str]]
    dry_run: bool
    started: datetime
    done: int = 0
    total: int = 0  # rows without errors that the registry applies (known from its first progress message)
    report: r.ImportReport | None = None
    failure: str = ""
    finished: bool = False
    applied_as: str = ""  # the job that applied this dry run

    def progress(self, body: bytes) -> None:
        try:
            message = r.ImportProgress.model_validate_json(body)
        except ValueError:
            return
        self.done, self.total = max(self.done, message.done), message.total

    @property
    def kind(self) -> str:
        return "xlsx" if isinstance(self.source, list) else "csv"


class Jobs:
    def __init__(self) -> None:
        self.jobs: dict[str, ImportJob] = {}
        self.running: set[asyncio.Task] = set()

    def start(self, web: Web, job: ImportJob) -> None:
        now = web.clock.now()
        for old in [j for j in self.jobs.values() if j.finished and now - j.started > KEEP_FOR]:
            self.jobs.pop(old.id, None)
        while len(self.jobs) >= KEEP_JOBS:
            oldest = min((j for j in self.jobs.values() if j.finished), key=lambda j: j.started, default=None)
            if oldest is None:
                break
            self.jobs.pop(oldest.id)
        self.jobs[job.id] = job
        task = asyncio.create_task(run(web, job))
        self.running.add(task)
        task.add_done_callback(self.running.discard)

    def get(self, job_id: str) -> ImportJob:
        job = self.jobs.get(job_id)
        if job is None:
            raise PageError(
                404,
                "Diesen Import gibt es nicht (mehr). Ergebnisse bleiben eine Stunde lang sichtbar; bitte laden Sie die "
                "Datei noch einmal hoch.",
            )
        return job


async def run(web: Web, job: ImportJob) -> None:
    """The registry imports; its progress messages move `job.done`. Any failure ends up on the job's page."""

    def request(subject: str) -> r.ImportOffices:
        source = {"table": job.source} if isinstance(job.source, list) else {"csv": job.source}
        return r.ImportOffices(**source, dry_run=job.dry_run, progress_subject=subject)

    try:
        reply = await web.client.ask_with_progress(r.IMPORT_OFFICES, request, job.progress, actor=job.address)
        if reply.ok:
            job.report = reply.data
            job.total = job.total or len(reply.data.outcomes)
            job.done = job.total
        else:
            job.failure = reply.error.message
    except ServiceUnavailable:
        job.failure = "Das Register hat nicht rechtzeitig geantwortet. Bitte versuchen Sie es gleich noch einmal."
    except RequestTooLarge as exc:
        job.failure = exc.message
    except Exception:  # a background job has nobody to raise to: the page says it, the log has it
        log.exception("web.import_failed")
        job.failure = "Der Import ist unerwartet abgebrochen. Bitte versuchen Sie es noch einmal."
    finally:
        job.finished = True


def read_upload(filename: str, data: bytes) -> tuple[str | list[list[str]], str]:
    """(source, note): an .xlsx as a table of cells, a CSV as text (UTF-8, else Windows-1252 and said so)."""
    name = filename.lower()
    if name.endswith(".xls") and not is_xlsx(data):
        raise UnreadableSheet(
            "Das ist das alte Excel-Format (.xls). Bitte in Excel oder LibreOffice als „Excel-Arbeitsmappe (.xlsx)“ "
            "oder als CSV speichern."
        )
    if is_xlsx(data) or name.endswith(".xlsx"):
        table = read_sheet(data)
        if not table:
            raise UnreadableSheet("Das erste Tabellenblatt der Datei ist leer.")
        return table, ""
    if b"\x00" in data:
        raise UnreadableSheet("Die Datei ist weder eine CSV-Datei noch eine Excel-Tabelle (.xlsx).")
    try:
        text, note = data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        note = "Die Datei war nicht in UTF-8 gespeichert; sie wurde als Windows-Text gelesen. Bitte prüfen Sie die Umlaute."
    if not text.strip():
        raise UnreadableSheet("Die Datei ist leer.")
    return text, note


def rows_of(report: r.ImportReport) -> dict[str, list[r.ImportRowOutcome]]:
    grouped: dict[str, list[r.ImportRowOutcome]] = {"neu": [], "geaendert": [], "unveraendert": []}
    for outcome in report.outcomes:
        grouped.setdefault(outcome.outcome, []).append(outcome)
    return grouped


def changes_text(outcome: r.ImportRowOutcome) -> str:
    return ", ".join(FIELD_NAMES.get(change, change) for change in outcome.changes)


def router() -> APIRouter:
    router_ = APIRouter(include_in_schema=False)
    jobs = Jobs()

    def form(request: Request, status: int = 200, errors: dict | None = None) -> Response:
        return page(
            request,
            "verwaltung/import",
            "Liste der Beratungsstellen einlesen",
            status,
            errors=errors or {},
            columns=COLUMNS,
            max_mb=MAX_FILE // (1024 * 1024),
        )

    @router_.get(PATH)
    async def import_form(request: Request, _admin: Admin) -> Response:
        return form(request)

    @router_.post(PATH)
    async def upload(request: Request, admin: Admin) -> Response:
        upload_ = (await request.form()).get("datei")
        if not isinstance(upload_, UploadFile) or not upload_.filename:
            return form(request, 422, {"datei": "Bitte wählen Sie eine Datei (.xlsx oder .csv) aus."})
        data = await upload_.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            return form(request, 413, {"datei": f"Die Datei ist zu groß (höchstens {MAX_FILE // (1024 * 1024)} MB)."})
        try:
            source, note = read_upload(upload_.filename, data)
        except UnreadableSheet as exc:
            return form(request, 422, {"datei": str(exc)})
        web = web_of(request)
        job = ImportJob(secrets.token_urlsafe(12), admin.address, upload_.filename, source, True, web.clock.now())
        jobs.start(web, job)
        return redirect(f"{PATH}/{job.id}", flash=note or None, request=request)

    @router_.get(f"{PATH}/{{job_id}}")
    async def job_page(request: Request, job_id: str, _admin: Admin) -> Response:
        job = jobs.get(job_id)
        headers = None if job.finished else {"Refresh": "1", "Cache-Control": "no-store"}
        title = "Probelauf" if job.dry_run else "Import"
        title += " läuft" if not job.finished else (" fehlgeschlagen" if job.failure else ": Ergebnis")
        return page(
            request,
            "verwaltung/import_ergebnis",
            title,
            headers=headers,
            job=job,
            grouped=rows_of(job.report) if job.report else {},
            changes_text=changes_text,
        )

    @router_.post(f"{PATH}/{{job_id}}/uebernehmen")
    async def apply(request: Request, job_id: str, admin: Admin) -> Response:
        dry = jobs.get(job_id)
        if not dry.dry_run or not dry.finished or dry.failure:
            raise PageError(409, "Übernehmen geht erst, wenn der Probelauf fertig ist.")
        if dry.applied_as and dry.applied_as in jobs.jobs:  # pressed twice: the list is imported only once
            return redirect(f"{PATH}/{dry.applied_as}")
        web = web_of(request)
        job = ImportJob(secrets.token_urlsafe(12), admin.address, dry.filename, dry.source, False, web.clock.now())
        dry.applied_as = job.id
        jobs.start(web, job)
        return redirect(f"{PATH}/{job.id}")

    router_.jobs = jobs  # type: ignore[attr-defined]  # tests wait for the jobs to end
    return router_


def office_path(office_id: str) -> str:
    return f"/register/stellen/{office_id}"
