"""The FastAPI application: JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json), web pages and feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from services.gateway.adapters.services import ServiceClient
from services.gateway.entrypoints import api, feeds, token_routes
from services.gateway.entrypoints.limits import BodyLimit
from services.gateway.entrypoints.web import (
    archive,
    bounces,
    joining,
    lage,
    list_posts,
    member,
    moderation,
    my_trainings,
    pages,
    qualifications,
    regions,
    register_import,
    surveys,
    trainings,
    workplan,
)
from services.gateway.entrypoints.web import coverage as coverage_pages  # issue 16: the register's admin pages
from services.gateway.entrypoints.web import directory as directory_pages
from services.gateway.entrypoints.web import errors as web_errors
from services.gateway.entrypoints.web import groups as group_pages
from services.gateway.entrypoints.web import register as register_pages
from services.gateway.entrypoints.web.context import Web
from services.gateway.entrypoints.web.security import SecurityHeaders, WebSecurity
from shared.clock import Clock
from shared.contracts.german import german_fields
from shared.service import package_version


class Lebenszeichen(BaseModel):
    status: Literal["ok"]
    dienst: str
    version: str
    instanz: str = Field(description="Kennung dieses Gateway-Prozesses")


class Bereitschaft(BaseModel):
    status: Literal["bereit", "nicht bereit"]
    dienste: dict[str, str] = Field(description="Je Dienst „ok“ oder „antwortet nicht“")


GERMAN_STATUS = {
    404: "Nicht gefunden.",
    405: "Methode nicht erlaubt.",
    401: "Anmeldung erforderlich.",
    413: "Die Anfrage ist zu groß.",
}
# Swagger UI's files come with the package fastapi-offline: the docs page loads nothing from elsewhere.
DOCS_FILES = Path(fastapi_offline.__file__).parent / "static"
WEB_FILES = Path(__file__).parent / "web" / "static"


def create_app(
    client: ServiceClient,
    store: Any,
    lifespan: Any = None,
    directory_max_age: float = 0.0,
    instance: str = "",
    clock: Clock | None = None,
    web: Web | None = None,
) -> FastAPI:
    clock = clock or Clock()
    web = web or Web(client=client, sessions=None, clock=clock, secret_key="")
    app = FastAPI(
        title="Beratungsnetz",
        description="Beratungsstellen, Regionalgruppen, Verteiler und Aktionsplanung. Anmeldung per Bearer-Token.",
        version=package_version(),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if web_errors.wants_page(request) and exc.status_code >= 400:
            shown = exc.detail.get("fehler") if isinstance(exc.detail, dict) else None
            return web_errors.status_page(request, exc.status_code, shown, exc.headers)
        if isinstance(exc.detail, dict):
            return JSONResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code not in GERMAN_STATUS else None
        message = detail or GERMAN_STATUS.get(exc.status_code, "Anfrage nicht möglich.")
        return JSONResponse(
            {"fehler": message, "code": "", "felder": {}}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = german_fields(exc.errors())
        first = next(iter(fields.items()), None)
        if web_errors.wants_page(request):
            shown = "; ".join(f"{name.split('.')[-1]}: {text}" for name, text in fields.items())
            return web_errors.status_page(request, 422, f"Die Angaben sind ungültig: {shown}" if shown else None)
        message = f"Die Anfrage ist ungültig: {first[0]}: {first[1]}" if first else "Die Anfrage ist ungültig."
        return JSONResponse({"fehler": message, "code": "ungueltige_anfrage", "felder": fields}, status_code=422)

    api.install_error_handlers(app)
    web_errors.install(app)
    router, access = api.api_router(client, store, clock)
    app.include_router(router)
    app.include_router(token_routes.router(access))
    directory = feeds.DirectoryCache(access, directory_max_age)
    app.include_router(feeds.router(access, cache=directory))
    app.include_router(directory_pages.router())
    app.include_router(joining.router())
    app.include_router(member.router())
    app.include_router(pages.router())
    app.include_router(moderation.router())
    app.include_router(list_posts.router())  # posts by mail (issue 20)
    app.include_router(bounces.router())  # bounces and the mbox (issue 20)
    app.include_router(archive.router())  # the lists' archives (issue 20)
    app.include_router(lage.router())  # the board (issue 15)
    app.include_router(workplan.router())
    app.include_router(group_pages.router())
    app.include_router(register_pages.router())  # the register (issue 16)
    app.include_router(register_import.router())  # the register (issue 16): import, regions, coverage
    app.include_router(regions.router())
    app.include_router(coverage_pages.router())
    app.include_router(surveys.router())  # surveys and outreach (issue 17)
    app.include_router(trainings.router())  # trainings and qualifications (issue 17)
    app.include_router(my_trainings.router())
    app.include_router(qualifications.router())
    app.state.access = access

    async def forget_person(erased: Any) -> None:
        await store.forget(erased.address, clock.now())
        if web.sessions is not None:
            await web.sessions.forget(erased.address)

    access.after["forget_person"] = forget_person
    app.state.directory = directory
    app.state.web = web
    # The outermost middleware is added last: sizes are checked before the CSRF check reads a form.
    # The security headers go on everything, the size limit's answers and unhandled errors too: outermost of all.
    app.add_middleware(WebSecurity, public_url=web.public_url, secure_cookies=web.secure_cookies)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, embed_frame_ancestors=web.embed_frame_ancestors)
    app.mount("/statisch", StaticFiles(directory=WEB_FILES), name="statisch")
    app.mount("/api/v1/docs-dateien", StaticFiles(directory=DOCS_FILES), name="docs-dateien")

    @app.get("/api/v1/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="Beratungsnetz – API",
            swagger_js_url="/api/v1/docs-dateien/swagger-ui-bundle.js",
            swagger_css_url="/api/v1/docs-dateien/swagger-ui.css",
            swagger_favicon_url="/api/v1/docs-dateien/favicon.png",
        )

    @app.get("/api/v1/health", summary="Lebenszeichen des Gateways", tags=["Betrieb"], response_model=Lebenszeichen)
    async def health() -> dict[str, str]:
        # `instanz` proves to `beratungsnetz up` that its own gateway answered, not whoever holds the port.
        return {"status": "ok", "dienst": "gateway", "version": package_version(), "instanz": instance}

    @app.get(
        "/api/v1/ready",
        summary="Bereitschaft: antworten alle Dienste?",
        tags=["Betrieb"],
        response_model=Bereitschaft,
        responses={503: {"description": "Mindestens ein Dienst antwortet nicht", "model": Bereitschaft}},
    )
    async def ready() -> JSONResponse:
        replies = await client.health_of_all()
        services = {name: (reply.status if reply else "antwortet nicht") for name, reply in replies.items()}
        ok = all(status == "ok" for status in services.values())
        body = {"status": "bereit" if ok else "nicht bereit", "dienste": services}
        return JSONResponse(body, status_code=200 if ok else 503, headers={} if ok else {"Retry-After": "2"})

    return app
