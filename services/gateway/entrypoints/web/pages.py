"""The web pages of the gateway: start page (more routers join in later commits)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.gateway.entrypoints.web.auth import viewer
from services.gateway.entrypoints.web.render import page, redirect


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    async def start(request: Request) -> Response:
        if await viewer(request) is not None:
            return redirect("/aufgaben")
        return page(request, "start", "Beratungsnetz")

    return r
