"""`/verwaltung/qualifikationen` (issue 17): who is qualified for what until when, as the register knows it from
attended trainings, with the offices at risk. The Landesgeschäftsstelle and the Landesvorstand read it; the filter
"nur auslaufende" keeps those the registry marks as ending within its warning period or ended."""

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
EXPIRING = ("laeuft_ab", "abgelaufen")  # the registry's statuses (its warning period decides, not this page)


def router() -> APIRouter:
    rt = APIRouter(include_in_schema=False)
    add_navigation(PATH, "Qualifikationen", lambda viewer: viewer.may_read_all)

    @rt.get(PATH, response_class=HTMLResponse)
    async def overview(request: Request, nur: str = "") -> Response:
        viewer = await require_board(request)
        expiring = nur == "auslaufende"
        found = await ask(request, r.QUALIFICATIONS, r.QualificationsQuery(), actor=viewer.address)
        shown = [q for q in found.qualifications if q.status in EXPIRING or not expiring]
        rows = sorted(shown, key=lambda q: (q.until, q.name.casefold()))
        return page(
            request,
            "verwaltung/qualifikationen",
            "Qualifikationen",
            qualifications=rows,
            at_risk=found.offices_at_risk,
            expiring=expiring,
            words=words,
            qualification_words=r.QUALIFICATION_WORDS,
            finding_words=register_words.FINDING_WORDS,
        )

    return rt
