"""The web pages of the gateway: the start page and the routers of sign-in, administration and mailbox."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.gateway.entrypoints.web import admin, mailbox, signin
from services.gateway.entrypoints.web.auth import viewer
from services.gateway.entrypoints.web.render import page, redirect


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    async def start(request: Request) -> Response:
        if await viewer(request) is not None:
            return redirect("/aufgaben")
        return page(request, "start", "Beratungsnetz")

    r.include_router(signin.router())
    r.include_router(admin.router())
    r.include_router(mailbox.router())
    return r
