"""The web pages of the gateway: the start page, the icon, and the routers of sign-in, administration and mailbox."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from services.gateway.entrypoints.web import admin, mailbox, signin
from services.gateway.entrypoints.web.auth import viewer
from services.gateway.entrypoints.web.render import page, redirect

ICON = Path(__file__).parent / "static" / "favicon.svg"  # pages link it; /favicon.ico is for whatever asks without


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    async def start(request: Request) -> Response:
        if await viewer(request) is not None:
            return redirect("/aufgaben")
        return page(request, "start", "Beratungsnetz")

    @r.get("/favicon.ico")
    async def icon() -> Response:
        return FileResponse(ICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    r.include_router(signin.router())
    r.include_router(admin.router())
    r.include_router(mailbox.router())
    return r
