"""The moderation's bounce page (issue 20): members whose delivery was suspended after bounces, with a button to
switch it on again, and the newest bounces of the list; and the archive as an mbox file for the moderation.

The notifications service decides (who bounced how often, who may see it); this page shows its answer.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web.moderation import ask, base, moderator_of_list, the_list
from services.gateway.entrypoints.web.render import page, redirect
from shared.contracts import notifications as n

SEVERITY = {"hart": "endgültig", "weich": "vorübergehend"}
SOURCE = {
    "dsn": "Rückmeldung des Mailservers (DSN)",
    "text": "Rückmeldung des Mailservers (Text)",
    "smtp": "beim Versand abgelehnt",
}


def router() -> APIRouter:
    r = APIRouter(prefix="/moderation", include_in_schema=False)
    moderator = Depends(moderator_of_list)

    @r.get("/{list_id}/unzustellbar", response_class=HTMLResponse)
    async def bounce_page(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        listed = await the_list(request, list_id)
        found = await ask(request, n.BOUNCE_LOG, list_id=list_id)
        return page(
            request,
            "moderation/unzustellbar",
            f"Unzustellbar – {listed.name}",
            mailing_list=listed,
            base=base(list_id),
            log=found,
            severity=SEVERITY,
            source=SOURCE,
        )

    @r.post("/{list_id}/unzustellbar", response_class=HTMLResponse)
    async def resume(request: Request, list_id: str, adresse: str = Form(""), viewer: Viewer = moderator) -> Response:
        member = await ask(request, n.RESUME_DELIVERY, list_id=list_id, address=adresse)
        notice = f"Die Zustellung an {member.address} ist wieder eingeschaltet. Frühere Fehlschläge zählen nicht mehr."
        return redirect(f"{base(list_id)}/unzustellbar", notice, request)

    @r.get("/{list_id}/archiv")
    async def archive(list_id: str, viewer: Viewer = moderator) -> Response:
        """The moderation's way to the list's archive (the page members read, with the mbox download)."""
        return redirect(f"/verteiler/{quote(list_id, safe='')}/archiv")

    @r.get("/{list_id}/archiv.mbox")
    async def mbox(request: Request, list_id: str, viewer: Viewer = moderator) -> Response:
        found = await ask(request, n.ARCHIVE_MBOX, list_id=list_id)
        disposition = f'attachment; filename="archiv-{list_id}.mbox"'
        return Response(
            base64.b64decode(found.content),
            media_type="application/mbox",
            headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
        )

    return r
