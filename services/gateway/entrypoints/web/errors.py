"""Errors on web pages are German pages; the API and the feeds keep answering JSON."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.gateway.entrypoints.web.auth import NotPermitted, SignInRequired
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.render import error_page

PAGE_STATUS = {
    400: ("Anfrage nicht möglich", "Diese Anfrage ist so nicht möglich."),
    401: ("Anmeldung erforderlich", "Bitte melden Sie sich an."),
    403: ("Nicht erlaubt", "Für diese Seite fehlt Ihnen die Berechtigung."),
    404: ("Seite nicht gefunden", "Diese Seite gibt es nicht. Vielleicht ist der Link unvollständig oder veraltet."),
    405: ("Nicht möglich", "Diese Seite lässt sich so nicht aufrufen."),
    409: ("Nicht möglich", "Das geht gerade nicht, weil sich inzwischen etwas geändert hat."),
    413: ("Zu groß", "Die Anfrage ist zu groß."),
    422: ("Angaben ungültig", "Die Angaben sind ungültig."),
    429: ("Zu viele Anfragen", "Bitte warten Sie einen Moment und versuchen Sie es dann noch einmal."),
    503: ("Nicht erreichbar", "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal."),
}


def wants_page(request: Request) -> bool:
    """Web pages answer HTML; the API (`/api/…`), HSDS and files (`….ics`, `….json`, …) answer JSON."""
    path = request.url.path
    if path.startswith(("/api/", "/hsds")):
        return False
    return "." not in path.rsplit("/", 1)[-1]


def status_page(request: Request, status: int, message: str | None = None, headers: dict | None = None) -> HTMLResponse:
    title, default = PAGE_STATUS.get(status, ("Nicht möglich", "Diese Anfrage ist so nicht möglich."))
    response = error_page(status, title, message or default, request)
    for key, value in (headers or {}).items():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(_request: Request, exc: SignInRequired) -> RedirectResponse:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(NotPermitted)
    async def not_permitted(request: Request, exc: NotPermitted) -> HTMLResponse:
        return status_page(request, 403, exc.message)

    @app.exception_handler(PageError)
    async def refused(request: Request, exc: PageError) -> HTMLResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return status_page(request, exc.status, exc.message, headers)
