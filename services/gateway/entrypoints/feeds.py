"""Public data without login: the directory in every format, and the calendar feeds."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from services.gateway.entrypoints.api import ERRORS, Access
from shared.contracts import events as e
from shared.contracts import registry as r

FORMATS = {"verzeichnis": "html", "verzeichnis.json": "json", "verzeichnis.csv": "csv", "verzeichnis.hsds.json": "hsds",
           "verzeichnis.ics": "ics"}  # fmt: skip


def router(access: Access) -> APIRouter:
    feeds = APIRouter(tags=["Öffentlich"])

    def directory_route(path: str, fmt: str) -> None:
        async def directory(land: str | None = None) -> Response:
            document = await access.ask(r.DIRECTORY, r.DirectoryQuery(format=fmt, state=land))
            headers = {"Content-Disposition": f'inline; filename="{path}"'} if fmt != "html" else {}
            return Response(document.content, media_type=document.media_type, headers=headers)

        feeds.add_api_route(f"/{path}", directory, methods=["GET"], responses=ERRORS, response_class=Response,
                            summary=f"Öffentliches Verzeichnis ({fmt})", operation_id=f"verzeichnis_{fmt}")  # fmt: skip

    for path, fmt in FORMATS.items():
        directory_route(path, fmt)

    @feeds.get("/kalender.ics", responses=ERRORS, response_class=Response, summary="Alle Aktionen als Kalender")
    async def calendar_all() -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery())
        return Response(document.content, media_type=document.media_type)

    @feeds.get("/kalender/{group_id}.ics", responses=ERRORS, response_class=Response, summary="Aktionen einer Regionalgruppe")
    async def calendar_group(group_id: str) -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery(group_id=group_id))
        return Response(document.content, media_type=document.media_type)

    @feeds.get("/aktion/{action_id}.ics", responses=ERRORS, response_class=Response, summary="Eine Aktion als .ics")
    async def calendar_action(action_id: str) -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery(action_id=action_id))
        return Response(document.content, media_type=document.media_type,
                        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'})  # fmt: skip

    return feeds
