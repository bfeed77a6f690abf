"""`/meine-schulungen/<token>` (issue 17): a person's own training page, opened with the personal link action planning
mails them, without signing in. Their registrations (status, waiting position, "abmelden") and the open dates
("anmelden"); every change is a POST answered by a redirect back with action planning's German message.

The token is the key: security.py keeps the page out of search engines and caches and its address from other sites
(as for every personal path).
An invalid or altered token gets a German "not found" page that says nothing about why.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain import trainings as words
from services.gateway.entrypoints.web.calls import PageError, ask
from services.gateway.entrypoints.web.render import page, redirect
from shared.contracts import events as e

BASE = "/meine-schulungen"
TITLE = "Meine Schulungen"
UNKNOWN = "Diesen Link kennen wir nicht. Vielleicht kam er beim Kopieren nicht ganz mit; bitte öffnen Sie ihn noch einmal aus der Mail."


def own_page(token: str) -> str:
    return f"{BASE}/{quote(token, safe='')}"


def refused(request: Request, refusal: PageError) -> Response:
    """A link that is not (or no longer) valid is simply not found; other refusals say what they say."""
    if refusal.status in (400, 403, 404, 422) or refusal.code in ("link_ungueltig", "nicht_gefunden"):
        return page(request, "fehler", "Seite nicht gefunden", 404, message=UNKNOWN)
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
    return page(request, "fehler", TITLE, refusal.status, headers, message=refusal.message)


def router() -> APIRouter:
    r = APIRouter(prefix=BASE, include_in_schema=False)

    async def show_page(request: Request, token: str, status: int = 200, problem: str = "") -> Response:
        try:
            mine = await ask(request, e.MY_TRAININGS, {"token": token})
        except PageError as refusal:
            return refused(request, refusal)
        values = {"mine": mine, "words": words, "base": own_page(token), "problem": problem}
        return page(request, "schulungen/meine", TITLE, status, **values)

    @r.get("/{token}", response_class=HTMLResponse)
    async def show(request: Request, token: str) -> Response:
        return await show_page(request, token)

    async def change(request: Request, token: str, spec: object) -> Response:
        training_id = str((await request.form()).get("termin", ""))
        try:
            done = await ask(request, spec, {"token": token, "training_id": training_id})
        except PageError as refusal:
            if refusal.code == "link_ungueltig" or refusal.status >= 500 or "token" in refusal.fields:
                return refused(request, refusal)
            return await show_page(request, token, refusal.status, refusal.message)  # closed, cancelled: said so
        notice = f"{done.training.title}, {words.when(done.training.start, done.training.end)}: {done.message}"
        return redirect(own_page(token), notice, request)

    @r.post("/{token}/anmelden", response_class=HTMLResponse)
    async def register(request: Request, token: str) -> Response:
        return await change(request, token, e.REGISTER_BY_LINK)

    @r.post("/{token}/abmelden", response_class=HTMLResponse)
    async def cancel(request: Request, token: str) -> Response:
        return await change(request, token, e.CANCEL_BY_LINK)

    return r
