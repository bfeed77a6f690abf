"""The state board's pages (issue 15, journey 4): "Lage" at a glance, its numbers as CSV, the report archive.

Board members read everything and change nothing: these pages have no form that changes data, and a POST
to them is a German 403. The numbers come from the events service's dashboard query, which counts with the
very function that compiles the progress report, and from the registry (offices, coverage report).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from services.gateway.domain import board
from services.gateway.domain.charts import Series, bar_chart
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.auth import NotPermitted, require_board
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import add_navigation, page
from shared.clock import BERLIN
from shared.contracts import events as e
from shared.contracts import registry as r

READ_ONLY = "Auf den Seiten der Lage lässt sich nichts ändern; sie sind zum Lesen da."


async def ask(request: Request, spec: Any, **values: Any) -> Any:
    return await calls.ask(request, spec, values, actor=request.state.viewer.address)


async def optional(request: Request, spec: Any, payload: Any) -> Any:
    """The answer's data, or None when the service does not answer or refuses (that section then says so)."""
    try:
        return await calls.ask(request, spec, payload, actor=request.state.viewer.address)
    except PageError:
        return None


def _months(request: Request) -> int:
    try:
        return board.parse_period(request.query_params.get("monate"))
    except board.BadPeriod as exc:
        raise PageError(400, str(exc), "ungueltige_eingabe", {"monate": str(exc)}) from exc


async def figures(request: Request, months: int) -> tuple[e.DashboardV1, r.Offices, r.CoverageReport, r.OfficeChanges]:
    now = web_of(request).clock.now()
    since = board.period_start(months, now)
    return await asyncio.gather(
        ask(request, e.DASHBOARD, since=since, until=now, action_lines=False),  # the page shows only their numbers
        ask(request, r.OFFICES),
        ask(request, r.COVERAGE),
        ask(request, r.OFFICE_CHANGES, since=since.date(), until=now.astimezone(BERLIN).date()),
    )


def tables(
    found: e.DashboardV1, offices: r.Offices, coverage: r.CoverageReport, changes: r.OfficeChanges
) -> dict[str, board.Table]:
    made = (
        board.actions_by_month(found),
        board.work_plan(found),
        board.groups(found),
        board.group_months(found),
        board.offices(offices, coverage),
        board.office_changes(changes),
    )
    return {t.name: t for t in made}


def charts(t: dict[str, board.Table], months: int) -> dict[str, Markup]:
    actions, plan, groups, offices = t["aktionen"], t["arbeitsplan"], t["regionalgruppen"], t["beratungsstellen"]
    changes = t["eroeffnungen"]
    made = {
        "aktionen": bar_chart(
            f"Aktionen je Monat, letzte {months} Monate",
            actions.categories,
            [Series(name, actions.column(i)) for i, name in enumerate(actions.head[1:], start=1)],
        ),
        "arbeitsplan": bar_chart(
            "Arbeitsplan: bald fällig, überfällig, erledigt", plan.categories, [Series("Punkte", plan.column(1))]
        ),
        "regionalgruppen": bar_chart(
            "Aktionen je Regionalgruppe",
            groups.categories,
            [Series("Geplant", groups.column(1)), Series("Durchgeführt", groups.column(3))],
        ),
        "beratungsstellen": bar_chart(
            "Beratungsstellen: Stand und Lücken", offices.categories, [Series("Anzahl", offices.column(1))]
        ),
        "eroeffnungen": bar_chart(
            f"Beratungsstellen eröffnet und geschlossen, letzte {months} Monate",
            changes.categories,
            [Series("Eröffnet", changes.column(1)), Series("Geschlossen", changes.column(2))],
        ),
    }
    return {name: Markup(svg) for name, svg in made.items()}  # noqa: S704 - built by charts.py, every text escaped


def page_of(request: Request, template: str, title: str, **values: Any) -> HTMLResponse:
    """A page of the Lage, with the German date formats its templates use."""
    return page(request, template, title, day=board.day_text, moment=board.moment_text, **values)


def router() -> APIRouter:
    rt = APIRouter(prefix="/lage", include_in_schema=False)
    add_navigation("/lage", "Lage", lambda viewer: viewer.may_read_all)
    reader = Depends(require_board)

    @rt.get("", response_class=HTMLResponse)
    async def dashboard(request: Request, viewer: Viewer = reader) -> Response:
        months = _months(request)
        found, offices, coverage, changes = await figures(request, months)
        t = tables(found, offices, coverage, changes)
        latest = (await ask(request, e.PROGRESS_REPORTS, limit=1)).reports
        campaigns, qualifications = await asyncio.gather(  # issue 17: tolerant, the page stands without them
            optional(request, r.CAMPAIGNS, r.ListQuery()), optional(request, r.QUALIFICATIONS, r.QualificationsQuery())
        )
        return page_of(
            request,
            "lage/lage",
            "Lage",
            months=months,
            periods=board.PERIODS,
            report=found.report,
            tables=t,
            charts=charts(t, months),
            gaps=board.gaps(coverage),
            latest=latest[0] if latest else None,
            key=lambda k: quote(k, safe=""),
            campaigns=board.campaigns(campaigns, found.report.since.date()),
            at_risk=board.offices_at_risk(qualifications),
            rate=board.rate_text,
        )

    @rt.get("/berichte", response_class=HTMLResponse)
    async def archive(request: Request, viewer: Viewer = reader) -> Response:
        found = await ask(request, e.PROGRESS_REPORTS, limit=500)
        return page_of(
            request, "lage/berichte", "Fortschrittsberichte", reports=found.reports, key=lambda k: quote(k, safe="")
        )

    @rt.get("/berichte/{period_key}", response_class=HTMLResponse)
    async def one_report(request: Request, period_key: str, viewer: Viewer = reader) -> Response:
        found = await ask(request, e.PROGRESS_REPORT, period_key=period_key)
        return page_of(request, "lage/bericht", "Fortschrittsbericht", report=found)

    @rt.get("/{name}.csv")
    async def download(request: Request, name: str, viewer: Viewer = reader) -> Response:
        months = _months(request)
        t = tables(*await figures(request, months))
        if name not in t:
            raise PageError(404, f"Eine Tabelle „{name}“ gibt es nicht.", "nicht_gefunden")
        filename = f"lage-{name}-{months}-monate.csv"
        return Response(
            board.csv_bytes(t[name]),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @rt.post("")
    @rt.post("/{rest:path}")
    async def nothing_to_change(request: Request, viewer: Viewer = reader) -> Response:
        raise NotPermitted(READ_ONLY)

    return rt
