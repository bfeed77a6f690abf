"""The HTTP API under /api/v1. Routes validate, ask a service, and map the answer."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from services.gateway.adapters.services import ServiceClient
from services.gateway.entrypoints import public
from shared.service import package_version

GERMAN_STATUS = {404: "Nicht gefunden.", 405: "Methode nicht erlaubt.", 401: "Anmeldung erforderlich."}


def create_app(client: ServiceClient, lifespan: Any = None) -> FastAPI:
    app = FastAPI(
        title="Beratungsnetz",
        version=package_version(),
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code not in GERMAN_STATUS else None
        message = detail or GERMAN_STATUS.get(exc.status_code, "Anfrage nicht möglich.")
        return JSONResponse({"fehler": message}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = {".".join(map(str, e["loc"])): e["msg"] for e in exc.errors()}
        return JSONResponse({"fehler": "Die Anfrage ist ungültig.", "felder": fields}, status_code=422)

    app.include_router(public.router(client))

    @app.get("/api/v1/health", summary="Lebenszeichen des Gateways")
    async def health() -> dict[str, str]:
        return {"status": "ok", "dienst": "gateway", "version": package_version()}

    @app.get("/api/v1/ready", summary="Bereitschaft: antworten alle Dienste?")
    async def ready() -> JSONResponse:
        replies = await client.health_of_all()
        services = {
            name: (reply.status if reply else "antwortet nicht") for name, reply in replies.items()
        }
        ok = all(status == "ok" for status in services.values())
        body = {"status": "bereit" if ok else "nicht bereit", "dienste": services}
        return JSONResponse(body, status_code=200 if ok else 503, headers={} if ok else {"Retry-After": "2"})

    return app
