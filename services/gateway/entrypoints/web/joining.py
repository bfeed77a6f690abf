"""The public pages reached from a list's web page or a mail: subscribe, confirm, confirm a new address, unsubscribe.

A GET only ever shows a page with a button (it names the list and the masked address, without spending the
token); the change itself is a POST, because link scanners follow links. The unsubscribe URL also takes
RFC 8058 one-click POSTs from mail programs (exempt from the CSRF check: the body says
`List-Unsubscribe=One-Click`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from services.gateway.entrypoints.web import render
from services.gateway.entrypoints.web.asking import Refused, ask, field_errors
from shared.contracts import notifications as n

FIELDS = {"address": "adresse", "display_name": "name"}  # contract field -> form field
LINKS = {
    # path: (confirming command, title, what the button does, what the page asks)
    "/bestaetigen": (n.CONFIRM, "Eintragung bestätigen", "Ja, eintragen", "eintragen"),
    "/adresse-bestaetigen": (n.CONFIRM_ADDRESS, "Neue Adresse bestätigen", "Ja, diese Adresse verwenden", "adresse"),
    "/abmelden": (n.UNSUBSCRIBE, "Abmelden", "Ja, abmelden", "abmelden"),
}


def router(client: Any) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    def problem(request: Request, refused: Refused, title: str) -> Response:
        template = "joining/link_invalid.html.j2" if refused.code == "link_ungueltig" else "joining/problem.html.j2"
        if refused.code == "link_ungueltig":
            title = "Link ungültig oder abgelaufen"
        return render.page(request, template, title, refused.status, message=refused.message)

    async def form(request: Request, list_id: str, status: int = 200, **values: Any) -> Response:
        try:
            shown = await ask(client, n.PUBLIC_LIST, {"list_id": list_id})
        except ValidationError:
            shown = None
        except Refused as refused:
            if refused.code != "nicht_gefunden":
                return problem(request, refused, "Verteiler abonnieren")
            shown = None
        if shown is None:
            return render.page(request, "joining/unknown_list.html.j2", "Verteiler nicht gefunden", 404)
        values = {"errors": {}, "address": "", "name": ""} | values
        return render.page(
            request, "joining/subscribe.html.j2", f"„{shown.name}“ abonnieren", status, mailing_list=shown, **values
        )

    @r.get("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe_form(request: Request, list_id: str) -> Response:
        return await form(request, list_id)

    @r.post("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe(
        request: Request,
        list_id: str,
        adresse: str = Form(""),
        name: str = Form(""),
        consent_version: str = Form(""),
    ) -> Response:
        ip = request.client.host if request.client else ""
        values = {
            "list_id": list_id,
            "address": adresse,
            "display_name": name,
            "ip": ip,
            "consent_version": consent_version,
        }
        kept = {"address": adresse, "name": name}
        try:
            done = await ask(client, n.SUBSCRIBE, values)
        except ValidationError as invalid:
            errors = {FIELDS.get(k, "adresse"): v for k, v in field_errors(invalid).items()}
            return await form(request, list_id, 422, errors=errors, **kept)
        except Refused as refused:
            if refused.code in ("ungueltige_eingabe", "konflikt"):
                return await form(request, list_id, refused.status, errors={"adresse": refused.message}, **kept)
            if refused.code == "nicht_gefunden":
                return await form(request, list_id)
            return problem(request, refused, "Verteiler abonnieren")
        return render.page(
            request,
            "joining/check_inbox.html.j2",
            "Bitte prüfen Sie Ihr Postfach",
            message=done.message,
            address=adresse.strip(),
        )

    def link_pages(path: str) -> None:
        command, title, button, kind = LINKS[path]

        @r.get(path, response_class=HTMLResponse)
        async def show(request: Request, token: str = "") -> Response:
            try:
                info = await ask(client, n.LINK_INFO, {"token": token})
            except ValidationError:
                return problem(request, Refused("link_ungueltig", "", 400), title)
            except Refused as refused:
                return problem(request, refused, title)
            return render.page(
                request,
                "joining/link.html.j2",
                title,
                action=path,
                token=token,
                button_label=button,
                kind=kind,
                info=info,
            )

        @r.post(path, response_class=HTMLResponse)
        async def act(request: Request, token: str = "") -> Response:
            # RFC 8058: the token is in the URL and the body says "List-Unsubscribe=One-Click"; our button posts it as a field.
            posted = await request.form()
            try:
                done = await ask(client, command, {"token": token or str(posted.get("token", ""))})
            except ValidationError:
                return problem(request, Refused("link_ungueltig", "", 400), title)
            except Refused as refused:
                return problem(request, refused, title)
            return render.page(
                request, "joining/done.html.j2", DONE[kind], message=done.message, kind=kind, list_name=done.list_name
            )

    for path in LINKS:
        link_pages(path)
    return r


DONE = {"eintragen": "Eintragung bestätigt", "adresse": "Neue Adresse bestätigt", "abmelden": "Abgemeldet"}
