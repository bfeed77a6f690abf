"""Public pages reached from mails: subscribe, confirm, confirm a new address, unsubscribe.

A GET only ever shows a page with a button; the change itself is a POST, because link scanners
follow links. The unsubscribe URL also takes RFC 8058 one-click POSTs from mail programs. The pages are
Jinja2 templates in `templates/` (autoescaped); this module only chooses one and fills it in.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from pydantic import ValidationError

from shared.contracts import notifications as n
from shared.contracts.german import field_messages
from shared.messaging.errors import RequestTooLarge, ServiceUnavailable

if TYPE_CHECKING:  # only named in annotations: the page router itself needs no NATS client
    from services.gateway.adapters.services import ServiceClient

STATUS = {
    "link_ungueltig": 400,
    "ungueltige_anfrage": 422,
    "ungueltige_eingabe": 422,
    "nicht_gefunden": 404,
    "zu_viele_anfragen": 429,
    "konflikt": 409,
    "nicht_erlaubt": 403,
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("services.gateway.entrypoints", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
    )


def page(template: str, title: str, status: int = 200, headers: dict | None = None, **values: object) -> HTMLResponse:
    """`templates/<template>.html.j2`, autoescaped, under `title`."""
    html = _environment().get_template(f"{template}.html.j2").render(title=title, **values)
    return HTMLResponse(html, status_code=status, headers=headers)


def router(client: ServiceClient) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    async def ask(spec, values: dict, title: str):  # noqa: ANN001, ANN202
        try:
            reply = await client.ask(spec, spec.request(**values))
        except ValidationError as exc:
            return None, page("invalid", title, 422, problems=list(field_messages(exc.errors()).values()))
        except ServiceUnavailable:
            return None, page("unavailable", title, 503, {"Retry-After": "5"})
        except RequestTooLarge as exc:
            return None, page("message", title, 413, message=exc.message)
        if not reply.ok:
            return None, page("message", title, STATUS.get(reply.error.code, 400), message=reply.error.message)
        return reply.data, None

    @r.get("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe_form(list_id: str) -> HTMLResponse:
        return page("subscribe", "Verteiler abonnieren", list_id=list_id)

    @r.post("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe(list_id: str, request: Request, adresse: str = Form(...), name: str = Form("")) -> HTMLResponse:
        ip = request.client.host if request.client else ""
        data, error = await ask(
            n.SUBSCRIBE, {"list_id": list_id, "address": adresse, "display_name": name, "ip": ip}, "Abonnieren"
        )
        return error or page("message", "Fast geschafft", message=data.message)

    def confirm_pages(path: str, spec, title: str, button: str) -> None:  # noqa: ANN001
        @r.get(path, response_class=HTMLResponse)
        async def show(token: str = "") -> HTMLResponse:
            return page("confirm", title, action=path, token=token, button=button)

        @r.post(path, response_class=HTMLResponse)
        async def act(token: str = Form("")) -> HTMLResponse:
            data, error = await ask(spec, {"token": token}, title)
            return error or page("message", title, message=data.message)

    confirm_pages("/bestaetigen", n.CONFIRM, "Eintragung bestätigen", "Ja, eintragen")
    confirm_pages("/adresse-bestaetigen", n.CONFIRM_ADDRESS, "Neue Adresse bestätigen", "Ja, diese Adresse verwenden")

    @r.get("/abmelden", response_class=HTMLResponse)
    async def unsubscribe_page(token: str = "") -> HTMLResponse:
        data, error = await ask(n.UNSUBSCRIBE_PAGE, {"token": token}, "Abmelden")
        if error:
            return error
        return page("unsubscribe", "Abmelden", address_hint=data.address_hint, list_name=data.list_name, token=token)

    @r.post("/abmelden", response_class=HTMLResponse)
    async def unsubscribe(request: Request, token: str = "") -> HTMLResponse:
        # RFC 8058: the token is in the URL and the body says "List-Unsubscribe=One-Click"; our own button posts it as a field.
        form = await request.form()
        data, error = await ask(n.UNSUBSCRIBE, {"token": token or str(form.get("token", ""))}, "Abmelden")
        return error or page("message", "Abgemeldet", message=data.message)

    return r
