"""`/verwaltung/qualifikationen` (issue 17): who is qualified for what until when, as the register knows it from
attended trainings, with the offices at risk. The Landesgeschäftsstelle and the Landesvorstand read it; the filter
"nur auslaufende" asks the registry for those ending within its warning period (or ended already)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain import register as register_words
from services.gateway.domain import trainings as words
from services.gateway.entrypoints.web.auth import require_board
from services.gateway.entrypoints.web.calls import ask
from services.gateway.entrypoints.web.render import add_navigation, page
from shared.contracts import registry as r

PATH = "/verwaltung/qualifikationen"
EXPIRING_DAYS = 42  # "nur auslaufende": ending within six weeks, or ended


def router() -> APIRouter:
    rt = APIRouter(include_in_schema=False)
    add_navigation(PATH, "Qualifikationen", lambda viewer: viewer.may_read_all)

    @rt.get(PATH, response_class=HTMLResponse)
    async def overview(request: Request, nur: str = "") -> Response:
        viewer = await require_board(request)
        expiring = nur == "auslaufende"
        query = r.QualificationsQuery(within_days=EXPIRING_DAYS if expiring else None)
        found = await ask(request, r.QUALIFICATIONS, query, actor=viewer.address)
        rows = sorted(found.qualifications, key=lambda q: (q.until, q.name.casefold()))
        return page(
            request,
            "verwaltung/qualifikationen",
            "Qualifikationen",
            qualifications=rows,
            at_risk=found.offices_at_risk,
            expiring=expiring,
            expiring_days=EXPIRING_DAYS,
            words=words,
            qualification_words=r.QUALIFICATION_WORDS,
            finding_words=register_words.FINDING_WORDS,
        )

    return rt
