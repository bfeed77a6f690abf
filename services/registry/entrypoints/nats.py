"""NATS request handlers of the registry: validate, translate, hand over, answer with a snapshot."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from services.registry.adapters import calendar, formats, hsds, html, mapping
from services.registry.domain.coverage import as_text
from services.registry.domain.errors import InvalidInput
from services.registry.domain.hours import parse_hours
from services.registry.domain.qualifications import WARNING_DAYS
from services.registry.entrypoints.translate import GROUP_COMMANDS, OFFICE_COMMANDS, command
from services.registry.service_layer import handlers, importer, views
from services.registry.service_layer import person_records as gdpr_records
from services.registry.service_layer.published import Published
from shared.clock import BERLIN, Clock
from shared.contracts import Contract, RequestSpec
from shared.contracts import registry as c
from shared.contracts.people import PersonQuery, PersonRecords
from shared.errors import NotFound
from shared.messaging.erasure import stream_records
from shared.messaging.rpc import Responder, respond
from shared.privacy import naming_words

OUTCOME_WORDS = {"created": "neu", "updated": "geaendert", "unchanged": "unveraendert"}
HSDS_NONE = {
    "services": "kein Beratungsangebot",
    "organizations": "keinen Träger",
    "service_at_locations": "kein Angebot an einem Standort",
}


def register(
    broker: Any, uow: Callable[[], Any], clock: Clock, published: Published, warning_days: int = WARNING_DAYS
) -> None:
    def answer(spec: RequestSpec, snapshot: Callable[[Any], Contract]) -> Responder:
        async def handle(request: Any) -> Contract:
            return snapshot(await handlers.handle(command(spec, request), uow()))

        return handle

    respond(broker, c.ADD_DISTRICT, answer(c.ADD_DISTRICT, mapping.district_snapshot))
    for spec in GROUP_COMMANDS:
        respond(broker, spec, answer(spec, mapping.group_snapshot))
    for spec in OFFICE_COMMANDS:
        respond(broker, spec, answer(spec, mapping.office_snapshot))
    respond(broker, c.IMPORT_OFFICES, _importer(broker, uow))
    _register_queries(broker, uow, clock, published, warning_days)


def _importer(broker: Any, uow: Callable[[], Any]) -> Callable:
    async def run(request: c.ImportOffices) -> c.ImportReport:
        async def report(done: int, total: int) -> None:
            await broker.publish(c.ImportProgress(done=done, total=total).model_dump_json(), request.progress_subject)

        progress = report if request.progress_subject else None
        source = request.csv if request.csv is not None else request.table
        result = await importer.import_offices(source, uow(), dry_run=request.dry_run, progress=progress)
        errors = [c.ImportRowError(line=line, reason=reason) for line, reason in result.errors]
        return c.ImportReport(
            dry_run=result.dry_run,
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            errors=errors,
            warnings=result.warnings,
            outcomes=[
                c.ImportRowOutcome(
                    line=o.line,
                    outcome=OUTCOME_WORDS[o.outcome],
                    name=o.name,
                    office_id=o.office_id,
                    changes=list(o.changes),
                )
                for o in result.outcomes
            ],
        )

    return run


def _register_queries(
    broker: Any, uow: Callable[[], Any], clock: Clock, published: Published, warning_days: int
) -> None:
    today = clock.today

    def kept(question: tuple, answer: Callable[[], Awaitable[Any]]) -> Awaitable[Any]:
        """Kept until the registry's next commit (`Published.answer`): the board's pages ask for all offices, groups
        and the coverage on every request (BENCHMARKS.md, B5 Seiten)."""
        return published.answer(question, today(), answer)

    async def districts(q: c.ListQuery) -> c.Districts:
        async def answer() -> c.Districts:
            return c.Districts(districts=[mapping.district_snapshot(d) for d in await views.districts(uow(), q.state)])

        return await kept(("districts", q.state), answer)

    async def groups(q: c.ListQuery) -> c.Groups:
        async def answer() -> c.Groups:
            return c.Groups(groups=[mapping.group_snapshot(g) for g in await views.groups(uow(), q.state)])

        return await kept(("groups", q.state), answer)

    async def group(q: c.GroupRef) -> c.GroupSnapshot:
        return mapping.group_snapshot(await views.group(uow(), q.group))

    async def offices(q: c.ListQuery) -> c.Offices:
        async def answer() -> c.Offices:
            return c.Offices(offices=[mapping.office_snapshot(o) for o in await views.offices(uow(), q.state)])

        return await kept(("offices", q.state), answer)

    async def office(q: c.OfficeRef) -> c.OfficeSnapshot:
        return mapping.office_snapshot(await views.office(uow(), q.office_id))

    async def directory(q: c.DirectoryQuery) -> c.DirectoryDocument:
        async def public() -> list:
            return await views.public_directory(uow(), q.state)

        async def render() -> c.DirectoryDocument:
            document = render_directory(await published.get(("offices", q.state), public), q, clock.now())
            return document.model_copy(update={"version": hashlib.sha256(document.content.encode()).hexdigest()[:32]})

        key = (q.format, q.state, q.page, q.per_page, q.hsds, q.record_id, today())
        document = await published.get(key, render)
        if q.known_version == document.version:
            return c.DirectoryDocument(
                media_type=document.media_type, content="", version=document.version, unchanged=True
            )
        return document

    async def coverage(q: c.CoverageQuery) -> c.CoverageReport:
        async def answer() -> c.CoverageReport:
            found = await views.coverage(uow(), today(), q.state, warning_days)
            findings = [
                c.CoverageFinding(kind=f.kind, subject_id=f.subject_id, name=f.name, detail=f.detail) for f in found
            ]
            return c.CoverageReport(findings=findings, text=as_text(found, today()))

        return await kept(("coverage", q.state), answer)

    async def office_history(q: c.OfficeRef) -> c.OfficeHistory:
        return c.OfficeHistory(office_id=q.office_id, entries=await views.office_history(uow(), q.office_id))

    async def office_changes(q: c.OfficeChangesQuery) -> c.OfficeChanges:
        async def answer() -> c.OfficeChanges:
            found = await views.office_changes(uow(), q.since, q.until)
            return c.OfficeChanges(months=[c.OfficeMonth(month=m, opened=o, closed=x) for m, o, x in found])

        return await kept(("office_changes", q.since, q.until), answer)

    async def person_records(q: PersonQuery) -> PersonRecords:
        found, names = await gdpr_records.of_address(uow(), q.address)
        words = naming_words(q.address, [*names, *q.names])
        found = [*found, *await stream_records(broker.connection.jetstream(), "registry", words)]
        return PersonRecords.of("Register", q.address, found, names)

    for spec, handler in (
        (c.PERSON_RECORDS, person_records),
        (c.READ_HOURS, read_hours),
        (c.OFFICE_HISTORY, office_history),
        (c.DISTRICTS, districts),
        (c.GROUPS, groups),
        (c.OFFICES, offices),
        (c.OFFICE, office),
        (c.GROUP, group),
        (c.DIRECTORY, directory),
        (c.COVERAGE, coverage),
        (c.OFFICE_CHANGES, office_changes),
    ):
        respond(broker, spec, handler)


async def read_hours(q: c.ReadHours) -> c.HoursRead:
    """Each text as the registry understands it, or why not; nothing is stored."""
    readings = []
    for text in q.texts:
        try:
            hours = parse_hours(text)
        except InvalidInput as exc:
            readings.append(c.HoursReading(text=text, error=exc.message))
            continue
        readings.append(c.HoursReading(text=text, understood=hours.describe(), hours=mapping.hours_contract(hours)))
    return c.HoursRead(readings=readings)


def render_directory(offices: list, q: c.DirectoryQuery, now: datetime) -> c.DirectoryDocument:
    today, fmt = now.astimezone(BERLIN).date(), q.format
    title = "Sozialberatungsstellen"
    if fmt == "html":
        return c.DirectoryDocument(
            media_type="text/html; charset=utf-8", content=html.directory_page(offices, now, title)
        )
    if fmt == "csv":
        return c.DirectoryDocument(media_type="text/csv; charset=utf-8", content=formats.as_csv(offices))
    if fmt == "index":  # in pages too (a reply is one NATS message), compact
        pages = max(1, -(-len(offices) // q.per_page))
        shown = offices[(q.page - 1) * q.per_page : q.page * q.per_page]
        body = formats.as_index(shown, now) | {"seite": q.page, "seiten": pages, "anzahl_gesamt": len(offices)}
        return c.DirectoryDocument(
            media_type="application/json", content=json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        )
    if fmt == "ics":
        if q.record_id is not None:
            offices = [o for o in offices if o.id == q.record_id]
            if not offices:
                raise NotFound(
                    f"Im öffentlichen Verzeichnis gibt es keine Beratungsstelle mit der Kennung „{q.record_id}“."
                )
            title = offices[0].name
        ics = calendar.consultation_calendar(offices, today.replace(month=1, day=1), now, f"Sprechzeiten – {title}")
        return c.DirectoryDocument(media_type="text/calendar; charset=utf-8", content=ics.decode())
    if fmt == "hsds":
        return c.DirectoryDocument(media_type="application/json", content=_json(_hsds(offices, q)))
    pages = max(1, -(-len(offices) // q.per_page))
    shown = offices[(q.page - 1) * q.per_page : q.page * q.per_page]
    body = {
        **formats.as_json(shown, now),
        "anzahl_gesamt": len(offices),
        "seite": q.page,
        "seiten": pages,
        "pro_seite": q.per_page,
    }
    return c.DirectoryDocument(media_type="application/json", content=_json(body))


def _hsds(offices: list, q: c.DirectoryQuery) -> dict:
    """A `Page` of the HSDS 3.1 API with its records in `contents`, or the one record asked for."""
    if q.record_id is None:
        return hsds.page(offices, q.hsds, q.page, q.per_page)
    found = hsds.record(offices, q.hsds, q.record_id)
    if found is None:
        raise NotFound(f"Im öffentlichen Verzeichnis gibt es {HSDS_NONE[q.hsds]} mit der Kennung „{q.record_id}“.")
    return found


def _json(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, indent=2)
