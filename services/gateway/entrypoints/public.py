"""Public pages reached from mails: subscribe, confirm, confirm a new address, unsubscribe.

A GET only ever shows a page with a button; the change itself is a POST, because link scanners
follow links. Every form carries the CSRF token (entrypoints/web/security.py checks it); the unsubscribe
URL also takes RFC 8058 one-click POSTs from mail programs, which carry none. The pages are the
templates in `web/templates/` (autoescaped, on the common base layout); this module only chooses one
and fills it in.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from services.gateway.adapters.services import ServiceClient
from services.gateway.entrypoints.web.calls import STATUS
from services.gateway.entrypoints.web.render import page
from shared.contracts import notifications as n
from shared.contracts.german import field_messages
from shared.messaging.rpc import RequestTooLarge, ServiceUnavailable

# The subscribe form's fields by the contract's names.
FORM_FIELDS = {"address": "adresse", "display_name": "name"}


def router(client: ServiceClient) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    async def ask(request: Request, spec, values: dict, title: str):  # noqa: ANN001, ANN202
        try:
            reply = await client.ask(spec, spec.request(**values))
        except ValidationError as exc:
            problems = list(field_messages(exc.errors()).values())
            return None, page(request, "invalid", title, 422, problems=problems)
        except ServiceUnavailable:
            return None, page(request, "unavailable", title, 503, {"Retry-After": "5"})
        except RequestTooLarge as exc:
            return None, page(request, "message", title, 413, message=exc.message)
        if not reply.ok:
            status = STATUS.get(reply.error.code, 400)
            return None, page(request, "message", title, status, message=reply.error.message)
        return reply.data, None

    @r.get("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe_form(request: Request, list_id: str) -> HTMLResponse:
        return page(request, "subscribe", "Verteiler abonnieren", list_id=list_id, values={}, errors={})

    @r.post("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe(request: Request, list_id: str, adresse: str = Form(""), name: str = Form("")) -> HTMLResponse:
        ip = request.client.host if request.client else ""
        values = {"list_id": list_id, "address": adresse, "display_name": name, "ip": ip}
        try:
            n.SUBSCRIBE.request(**values)
        except ValidationError as exc:
            errors = {
                FORM_FIELDS[field]: text for field, text in field_messages(exc.errors()).items() if field in FORM_FIELDS
            }
            if errors:  # shown at the form's fields, with the summary on top
                form = {"adresse": adresse, "name": name}
                return page(
                    request, "subscribe", "Verteiler abonnieren", 422, list_id=list_id, values=form, errors=errors
                )
        data, error = await ask(request, n.SUBSCRIBE, values, "Abonnieren")
        return error or page(request, "message", "Fast geschafft", message=data.message)

    def confirm_pages(path: str, spec, title: str, button: str) -> None:  # noqa: ANN001
        @r.get(path, response_class=HTMLResponse)
        async def show(request: Request, token: str = "") -> HTMLResponse:
            return page(request, "confirm", title, action=path, token=token, button=button)

        @r.post(path, response_class=HTMLResponse)
        async def act(request: Request, token: str = Form("")) -> HTMLResponse:
            data, error = await ask(request, spec, {"token": token}, title)
            return error or page(request, "message", title, message=data.message)

    confirm_pages("/bestaetigen", n.CONFIRM, "Eintragung bestätigen", "Ja, eintragen")
    confirm_pages("/adresse-bestaetigen", n.CONFIRM_ADDRESS, "Neue Adresse bestätigen", "Ja, diese Adresse verwenden")

    @r.get("/abmelden", response_class=HTMLResponse)
    async def unsubscribe_page(request: Request, token: str = "") -> HTMLResponse:
        data, error = await ask(request, n.UNSUBSCRIBE_PAGE, {"token": token}, "Abmelden")
        if error:
            return error
        return page(
            request, "unsubscribe", "Abmelden", address_hint=data.address_hint, list_name=data.list_name, token=token
        )

    @r.post("/abmelden", response_class=HTMLResponse)
    async def unsubscribe(request: Request, token: str = "") -> HTMLResponse:
        # RFC 8058: the token is in the URL and the body says "List-Unsubscribe=One-Click"; our own button posts it as a field.
        form = await request.form()
        data, error = await ask(request, n.UNSUBSCRIBE, {"token": token or str(form.get("token", ""))}, "Abmelden")
        return error or page(request, "message", "Abgemeldet", message=data.message)

    return r
