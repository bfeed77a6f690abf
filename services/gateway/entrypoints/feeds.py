"""Public data without login: the directory in every format, and the calendar feeds."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from services.gateway.entrypoints.api import ERRORS, Access
from shared.contracts import events as e
from shared.contracts import registry as r
from shared.contracts.text import SINGLE_LINE

# `/verzeichnis` itself is the search page (web/directory.py); the registry's whole list as HTML is /verzeichnis.html
FORMATS = {"verzeichnis.html": "html", "verzeichnis.json": "json", "verzeichnis.csv": "csv", "verzeichnis.ics": "ics"}
HSDS = "/hsds"  # base path of the Open Referral HSDS 3.1 API (its openapi.json's paths, read-only)
HSDS_COLLECTIONS = {
    "services": "Beratungsangebote",
    "organizations": "Träger",
    "service_at_locations": "Angebote je Standort",
}
HSDS_VERSION = "3.1"


def paging(
    page: int | None = Query(None, ge=1, description="Seite (HSDS `page`; Vorrang vor `seite`)"),
    per_page: int | None = Query(
        None, ge=1, le=r.DIRECTORY_PAGE_MAX, description="Einträge je Seite (HSDS `per_page`)"
    ),
    seite: int | None = Query(None, ge=1, description="wie `page`"),
    pro_seite: int | None = Query(None, ge=1, le=r.DIRECTORY_PAGE_MAX, description="wie `per_page`"),
) -> tuple[int, int]:
    """The page asked for, under its HSDS names or the German ones (JSON and HSDS come in pages)."""
    return page or seite or 1, per_page or pro_seite or r.DIRECTORY_PAGE


Paging = Annotated[tuple[int, int], Depends(paging)]


class DirectoryCache:
    """Directory documents held here by query; after `max_age` seconds the registry is asked whether one changed
    (it sends the document again only if it did)."""

    def __init__(self, access: Access, max_age: float = 0.0) -> None:
        self.access, self.max_age = access, max_age
        self._held: dict[tuple, tuple[str, str, bytes, float]] = {}  # query -> version, media type, body, asked at

    async def get(self, query: r.DirectoryQuery) -> tuple[str, str, bytes]:
        """The document's version (its ETag), media type and body."""
        key = (query.format, query.state, query.page, query.per_page, query.hsds, query.record_id)
        version, media_type, body, asked = self._held.get(key, ("", "", b"", 0.0))
        if time.monotonic() - asked >= self.max_age:
            document = await self.access.ask(r.DIRECTORY, query.model_copy(update={"known_version": version or None}))
            if len(self._held) >= 2000:  # bounded: any `land` or id may be asked for
                self._held.clear()
            if not document.unchanged:
                version, media_type, body = document.version, document.media_type, document.content.encode()
            self._held[key] = (version, media_type, body, time.monotonic())
        return version, media_type, body


def router(access: Access, max_age: float = 0.0, cache: DirectoryCache | None = None) -> APIRouter:
    """`max_age`: seconds a directory page held here is served without asking the registry whether it changed."""
    feeds = APIRouter(tags=["Öffentlich"])
    held = cache or DirectoryCache(access, max_age)
    max_age = held.max_age

    async def serve(request: Request, query: r.DirectoryQuery, filename: str | None) -> Response:
        # The registry only sends the document when it differs from the version held here.
        version, media_type, body = await held.get(query)
        headers = {"ETag": f'"{version}"', "Cache-Control": f"public, max-age={max_age:.0f}"}
        if filename:
            headers["Content-Disposition"] = f'inline; filename="{filename}"'
        if request.headers.get("if-none-match") == f'"{version}"':
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=media_type, headers=headers)

    def directory_route(path: str, fmt: str) -> None:
        async def directory(request: Request, paged: Paging, land: str | None = None) -> Response:
            query = r.DirectoryQuery(format=fmt, state=land, page=paged[0], per_page=paged[1])
            return await serve(request, query, path if fmt != "html" else None)

        feeds.add_api_route(
            f"/{path}",
            directory,
            methods=["GET"],
            responses=ERRORS,
            response_class=Response,
            summary=f"Öffentliches Verzeichnis ({fmt})",
            operation_id=f"verzeichnis_{fmt}",
        )

    def hsds_routes(collection: str, label: str) -> None:
        async def listing(request: Request, paged: Paging, land: str | None = None) -> Response:
            query = r.DirectoryQuery(format="hsds", hsds=collection, state=land, page=paged[0], per_page=paged[1])
            return await serve(request, query, f"{collection}.json")

        async def one(request: Request, record_id: str = Path(alias="id")) -> Response:
            return await serve(request, r.DirectoryQuery(format="hsds", hsds=collection, record_id=record_id), None)

        feeds.add_api_route(
            f"{HSDS}/{collection}",
            listing,
            methods=["GET"],
            responses=ERRORS,
            response_class=Response,
            summary=f"HSDS 3.1: {label}, seitenweise (Page mit contents)",
            operation_id=f"hsds_{collection}",
        )
        feeds.add_api_route(
            f"{HSDS}/{collection}/{{id}}",
            one,
            methods=["GET"],
            responses=ERRORS,
            response_class=Response,
            summary=f"HSDS 3.1: ein Eintrag der {label}",
            operation_id=f"hsds_{collection}_eintrag",
        )

    for path, fmt in FORMATS.items():
        directory_route(path, fmt)
    for collection, label in HSDS_COLLECTIONS.items():
        hsds_routes(collection, label)

    @feeds.get(f"{HSDS}/", summary="HSDS 3.1: Angaben zu dieser API")
    async def hsds_about(request: Request) -> dict[str, str]:
        return {"version": HSDS_VERSION, "openapi_url": f"{request.base_url}api/v1/openapi.json"}

    @feeds.get(
        "/verzeichnis.hsds.json",
        responses=ERRORS,
        response_class=Response,
        deprecated=True,
        summary="Frühere Adresse von /hsds/services (gleiche Antwort)",
    )
    async def hsds_old(request: Request, paged: Paging, land: str | None = None) -> Response:
        query = r.DirectoryQuery(format="hsds", state=land, page=paged[0], per_page=paged[1])
        return await serve(request, query, "verzeichnis.hsds.json")

    @feeds.get("/kalender.ics", responses=ERRORS, response_class=Response, summary="Alle Aktionen als Kalender")
    async def calendar_all() -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery())
        return Response(document.content, media_type=document.media_type)

    @feeds.get(
        "/kalender/{gruppe}.ics",
        responses=ERRORS,
        response_class=Response,
        summary="Aktionen einer Regionalgruppe",
        description="`gruppe`: Kurzname wie `vogtland` (auch ein früherer), Name oder Kennung",
    )
    async def calendar_group(gruppe: Annotated[str, Path(pattern=SINGLE_LINE)]) -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery(group_id=await access.group_id(gruppe)))
        return Response(document.content, media_type=document.media_type)

    @feeds.get("/aktion/{action_id}.ics", responses=ERRORS, response_class=Response, summary="Eine Aktion als .ics")
    async def calendar_action(action_id: str) -> Response:
        document = await access.ask(e.CALENDAR, e.CalendarQuery(action_id=action_id))
        return Response(
            document.content,
            media_type=document.media_type,
            headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
        )

    return feeds
