"""NATS request handlers of action planning: validate, translate, hand over, answer with a snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.events.adapters import calendar, mapping
from services.events.adapters.registry_stream import read_group_events
from services.events.entrypoints.translate import ACTION_COMMANDS, ITEM_COMMANDS, command, follow_group, schedule
from services.events.service_layer import handlers, plan_import, views
from services.events.service_layer import person_records as gdpr_records
from shared.clock import Clock
from shared.contracts import RequestSpec
from shared.contracts import events as c
from shared.contracts.people import PersonQuery, PersonRecords
from shared.messaging.erasure import stream_records
from shared.messaging.rpc import Responder, respond
from shared.privacy import naming_words


def register(broker: Any, uow: Callable[[], Any], clock: Clock, compile_now: Callable, *, organizer: str) -> None:
    def planned(spec: RequestSpec) -> Responder:
        async def answer(request: Any) -> c.PlannedAction:
            result = await handlers.handle(command(spec, request, clock), uow())
            snapshot = mapping.action_snapshot(result.action, await views.names(uow()))
            return c.PlannedAction(action=snapshot, warnings=list(result.warnings), guideline=result.guideline)

        return answer

    def action(spec: RequestSpec) -> Responder:
        async def answer(request: Any) -> c.ActionSnapshot:
            changed = await handlers.handle(command(spec, request, clock), uow())
            return mapping.action_snapshot(changed, await views.names(uow()))

        return answer

    def item(spec: RequestSpec) -> Responder:
        async def answer(request: Any) -> c.WorkItemSnapshot:
            return mapping.item_snapshot(await handlers.handle(command(spec, request, clock), uow()), clock.today())

        return answer

    async def import_plan(request: c.ImportWorkPlan) -> c.ImportedPlan:
        result = await plan_import.import_plan(request.text, uow(), clock.today(), request.plan, request.year)
        items = [mapping.item_snapshot(i, clock.today()) for i in result.items]
        return c.ImportedPlan(
            plan=result.plan,
            year=result.year,
            items=items,
            unchanged=result.unchanged,
            not_imported=result.not_imported,
        )

    async def compile_progress(_: c.CompileProgress) -> c.ProgressCompiledV1:
        return await compile_now()

    async def rebuild(_: c.Rebuild) -> c.Rebuilt:
        stream = await read_group_events(broker.connection.jetstream())
        follows = [follow_group(envelope, sequence) for envelope, sequence in stream]
        return c.Rebuilt(groups=await views.rebuild_groups(follows, uow()))

    for spec in (c.PLAN_ACTION, c.RESCHEDULE_ACTION):
        respond(broker, spec, planned(spec))
    for spec in ACTION_COMMANDS:
        respond(broker, spec, action(spec))
    for spec in ITEM_COMMANDS:
        respond(broker, spec, item(spec))
    respond(broker, c.IMPORT_WORK_PLAN, import_plan)
    respond(broker, c.COMPILE_PROGRESS, compile_progress)
    respond(broker, c.REBUILD_GROUPS, rebuild)
    _register_queries(broker, uow, clock, organizer)


def _register_queries(broker: Any, uow: Callable[[], Any], clock: Clock, organizer: str) -> None:
    async def actions(q: c.ActionsQuery) -> c.Actions:
        names = await views.names(uow())
        found = await views.actions(uow(), q.group_id, q.status)
        return c.Actions(actions=[mapping.action_snapshot(a, names) for a in found])

    async def action(q: c.ActionRef) -> c.ActionSnapshot:
        return mapping.action_snapshot(await views.action(uow(), q.action_id), await views.names(uow()))

    async def check_action(q: c.CheckAction) -> c.ActionCheck:
        warnings, guideline = await views.check_action(
            uow(), q.organiser_group_id, schedule(q), q.action_id, tuple(q.invited_group_ids)
        )
        return c.ActionCheck(warnings=warnings, guideline=guideline)

    async def work_plan(q: c.WorkPlanQuery) -> c.WorkPlan:
        items = await views.work_plan(uow(), q.plan, q.only_open)
        return c.WorkPlan(items=[mapping.item_snapshot(i, clock.today()) for i in items])

    async def work_item(q: c.ItemRef) -> c.WorkItemSnapshot:
        return mapping.item_snapshot(await views.work_item(uow(), q.item_id), clock.today())

    async def preview_work_plan(q: c.ImportWorkPlan) -> c.WorkPlanPreview:
        today = clock.today()
        found = await plan_import.preview_plan(q.text, uow(), today, q.plan, q.year)
        return c.WorkPlanPreview(
            plan=found.plan,
            year=found.year,
            items=[
                c.PreviewedItemV1(
                    line=p.line,
                    text=p.item.text,
                    responsible_text=p.responsible_text,
                    responsible=[c.ResponsibleV1(name=r.name, role=r.role, scope=r.scope) for r in p.item.responsible],
                    timing=mapping.timing_contract(p.item.timing, p.item.timing_text, today),
                    known=p.known,
                )
                for p in found.items
            ],
            not_imported=found.not_imported,
        )

    async def groups(q: c.GroupsQuery) -> c.Groups:
        return c.Groups(groups=[mapping.group_contract(g) for g in await views.groups(uow(), q.state)])

    async def calendar_feed(q: c.CalendarQuery) -> c.CalendarDocument:
        names, now = await views.names(uow()), clock.now()
        if q.action_id:
            one = await views.action(uow(), q.action_id)
            content = calendar.calendar_of([one], names, now, one.name, organizer=organizer, method="PUBLISH")
            return c.CalendarDocument(filename=f"aktion-{one.id[:8]}.ics", content=content.decode())
        found, names, title = await views.calendar_actions(uow(), q.group_id)
        slug = (q.group_id or "alle")[:8]
        return c.CalendarDocument(
            filename=f"aktionen-{slug}.ics",
            content=calendar.calendar_of(found, names, now, title, organizer=organizer).decode(),
        )

    async def dashboard(q: c.DashboardQuery) -> c.DashboardV1:
        found = await views.dashboard(uow(), q.since, q.until or clock.now())
        return mapping.dashboard_contract(found, await views.names(uow()), q.action_lines)

    async def progress_reports(q: c.ReportsQuery) -> c.Reports:
        found = await views.reports(uow(), q.limit)
        return c.Reports(
            reports=[
                c.ReportEntryV1(
                    period_key=r.period_key,
                    since=r.since,
                    until=r.until,
                    actions_done=r.overall.actions_done,
                    items_overdue=r.overall.items_overdue,
                )
                for r in found
            ]
        )

    async def progress_report(q: c.ReportRef) -> c.ProgressCompiledV1:
        return await views.report(uow(), q.period_key)

    async def person_records(q: PersonQuery) -> PersonRecords:
        found = await gdpr_records.of_address(uow(), q.address, list(q.names))
        words = naming_words(q.address, q.names)
        found = [*found, *await stream_records(broker.connection.jetstream(), "events", words)]
        return PersonRecords.of("Aktionsplanung", q.address, found)

    for spec, handler in (
        (c.PERSON_RECORDS, person_records),
        (c.DASHBOARD, dashboard),
        (c.PROGRESS_REPORTS, progress_reports),
        (c.PROGRESS_REPORT, progress_report),
        (c.ACTIONS, actions),
        (c.ACTION, action),
        (c.CHECK_ACTION, check_action),
        (c.WORK_PLAN, work_plan),
        (c.WORK_ITEM, work_item),
        (c.PREVIEW_WORK_PLAN, preview_work_plan),
        (c.GROUPS, groups),
        (c.CALENDAR, calendar_feed),
    ):
        respond(broker, spec, handler)
