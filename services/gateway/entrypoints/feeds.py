"""Public data without login: the directory in every format, and the calendar feeds."""

from __future__ import annotations

import time

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.gateway.entrypoints.api import ERRORS, Access
from shared.contracts import events as e
from shared.contracts import registry as r

FORMATS = {"verzeichnis": "html", "verzeichnis.json": "json", "verzeichnis.csv": "csv", "verzeichnis.hsds.json": "hsds",
           "verzeichnis.ics": "ics"}  # fmt: skip


def router(access: Access, max_age: float = 0.0) -> APIRouter:
    """`max_age`: seconds a directory page held here is served without asking the registry whether it changed."""
    feeds = APIRouter(tags=["Öffentlich"])
    held: dict[tuple, tuple[str, str, bytes, float]] = {}  # (format, land, seite, pro_seite) -> version, media type, body, asked at

    def directory_route(path: str, fmt: str) -> None:
        async def directory(request: Request, land: str | None = None, seite: int = Query(1, ge=1, description="Seite (nur JSON und HSDS)"),
                            pro_seite: int = Query(r.DIRECTORY_PAGE, ge=1, le=r.DIRECTORY_PAGE_MAX,
                                                   description="Einträge je Seite (nur JSON und HSDS)")) -> Response:  # fmt: skip
            # The registry only sends the document when it differs from the version held here.
            key = (fmt, land, seite, pro_seite)
            version, media_type, body, asked = held.get(key, ("", "", b"", 0.0))
            if time.monotonic() - asked >= max_age:
                document = await access.ask(r.DIRECTORY, r.DirectoryQuery(format=fmt, state=land, page=seite, per_page=pro_seite,
                                                                          known_version=version or None))  # fmt: skip
                if len(held) >= 2000:  # bounded: any `land` may be asked for
                    held.clear()
                if not document.unchanged:
                    version, media_type, body = document.version, document.media_type, document.content.encode()
                held[key] = (version, media_type, body, time.monotonic())
            headers = {"ETag": f'"{version}"', "Cache-Control": f"public, max-age={max_age:.0f}"}
            if fmt != "html":
                headers["Content-Disposition"] = f'inline; filename="{path}"'
            if request.headers.get("if-none-match") == f'"{version}"':
                return Response(status_code=304, headers=headers)
            return Response(body, media_type=media_type, headers=headers)

        feeds.add_api_route(f"/{path}", directory, methods=["GET"], responses=ERRORS, response_class=Response,
                            summary=f"Öffentliches Verzeichnis ({fmt})", operation_id=f"verzeichnis_{fmt}")  # fmt: skip

    for path, fmt in FORMATS.items():
        directory_route(path, fmt)

    @feeds.get("/kalender.ics", responses=ERRORS, response_class=Response, summary="Alle Aktionen als Kalender")
    async def calendar_all() -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery())
        return Response(document.content, media_type=document.media_type)

    @feeds.get("/kalender/{gruppe}.ics", responses=ERRORS, response_class=Response, summary="Aktionen einer Regionalgruppe",
               description="`gruppe`: Kurzname wie `vogtland` (auch ein früherer), Name oder Kennung")  # fmt: skip
    async def calendar_group(gruppe: str) -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery(group_id=await access.group_id(gruppe)))
        return Response(document.content, media_type=document.media_type)

    @feeds.get("/aktion/{action_id}.ics", responses=ERRORS, response_class=Response, summary="Eine Aktion als .ics")
    async def calendar_action(action_id: str) -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery(action_id=action_id))
        return Response(document.content, media_type=document.media_type,
                        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'})  # fmt: skip

    return feeds
