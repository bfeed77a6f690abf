"""The public pages of a list and of its mails: subscribe, confirm, confirm a new address, unsubscribe.

A GET only ever shows a page with one button: it names the list and the masked address (LINK_INFO, which does not
spend the token); the change itself is a POST, because link scanners follow links. The unsubscribe URL also takes
RFC 8058 one-click POSTs from mail programs: the token in the URL, the body `List-Unsubscribe=One-Click`, no CSRF
token (web/security.py lets exactly those through).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.entrypoints.web.calls import PageError, ask
from services.gateway.entrypoints.web.render import page
from shared.contracts import notifications as n

FORM_FIELDS = {"address": "adresse", "display_name": "name"}  # the contract's field -> the form's field
INVALID_LINK = PageError(400, "Der Link ist ungültig oder abgelaufen.", "link_ungueltig")


class Link:
    """One kind of mail link: the token's purpose, the command its button sends, and the page's words."""

    def __init__(self, purpose: str, command: Any, title: str, button: str, done: str) -> None:
        self.purpose, self.command, self.title, self.button, self.done = purpose, command, title, button, done


LINKS = {
    "/bestaetigen": Link("bestaetigen", n.CONFIRM, "Eintragung bestätigen", "Ja, eintragen", "Adresse bestätigt"),
    "/adresse-bestaetigen": Link(
        "adresse_aendern",
        n.CONFIRM_ADDRESS,
        "Neue Adresse bestätigen",
        "Ja, diese Adresse verwenden",
        "Neue Adresse gilt",
    ),
    "/abmelden": Link("abmelden", n.UNSUBSCRIBE, "Abmelden", "Ja, abmelden", "Abgemeldet"),
}


def problem(request: Request, refusal: PageError, title: str) -> Response:
    if refusal.code == "link_ungueltig":
        return page(request, "joining/link_invalid", "Link ungültig oder abgelaufen", 400, message=refusal.message)
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
    return page(request, "joining/problem", title, refusal.status, headers, message=refusal.message)


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    async def form(request: Request, list_id: str, status: int = 200, **values: Any) -> Response:
        values = {"errors": {}, "address": "", "name": ""} | values
        try:
            shown = await ask(request, n.PUBLIC_LIST, {"list_id": list_id})
        except PageError as refusal:
            if refusal.code in ("nicht_gefunden", "ungueltige_eingabe"):
                return page(request, "joining/unknown_list", "Verteiler nicht gefunden", 404)
            if not values["errors"]:
                return problem(request, refusal, "Verteiler abonnieren")
            shown = None  # the input's errors are shown even while the list's text cannot be loaded (no button then)
        title = f"„{shown.name}“ abonnieren" if shown else "Verteiler abonnieren"
        return page(request, "joining/subscribe", title, status, mailing_list=shown, list_id=list_id, **values)

    @r.get("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe_form(request: Request, list_id: str) -> Response:
        return await form(request, list_id)

    @r.post("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe(
        request: Request, list_id: str, adresse: str = Form(""), name: str = Form(""), consent_version: str = Form("")
    ) -> Response:
        ip = request.client.host if request.client else ""
        asked = {
            "list_id": list_id,
            "address": adresse,
            "display_name": name,
            "ip": ip,
            "consent_version": consent_version,
        }
        kept = {"address": adresse, "name": name}
        try:
            done = await ask(request, n.SUBSCRIBE, asked)
        except PageError as refusal:
            if refusal.code == "ungueltige_eingabe" and (set(refusal.fields) & set(FORM_FIELDS)):
                errors = {FORM_FIELDS[k]: v for k, v in refusal.fields.items() if k in FORM_FIELDS}
                return await form(request, list_id, 422, errors=errors, **kept)
            if refusal.code in ("ungueltige_eingabe", "konflikt"):  # e.g. the consent text changed meanwhile
                errors = {"einwilligung" if "consent_version" in refusal.fields else "adresse": refusal.message}
                return await form(request, list_id, refusal.status, errors=errors, **kept)
            if refusal.code == "nicht_gefunden":
                return await form(request, list_id)
            return problem(request, refusal, "Verteiler abonnieren")
        title = "Bitte prüfen Sie Ihr Postfach"
        return page(request, "joining/check_inbox", title, message=done.message, address=adresse.strip())

    def link_pages(path: str, link: Link) -> None:
        @r.get(path, response_class=HTMLResponse)
        async def show(request: Request, token: str = "") -> Response:
            try:
                info = await ask(request, n.LINK_INFO, {"token": token})
            except PageError as refusal:
                return problem(request, INVALID_LINK if refusal.code == "ungueltige_eingabe" else refusal, link.title)
            if info.purpose != link.purpose:  # a genuine link of another kind, opened at the wrong address
                return problem(request, INVALID_LINK, link.title)
            shown = {"action": path, "token": token, "button_label": link.button, "purpose": link.purpose}
            return page(request, "joining/link", link.title, info=info, **shown)

        @r.post(path, response_class=HTMLResponse)
        async def act(request: Request, token: str = "") -> Response:
            # RFC 8058: the token is in the URL and the body says "List-Unsubscribe=One-Click"; our button posts a field.
            posted = await request.form()
            try:
                done = await ask(request, link.command, {"token": token or str(posted.get("token", ""))})
            except PageError as refusal:
                return problem(request, INVALID_LINK if refusal.code == "ungueltige_eingabe" else refusal, link.title)
            return page(request, "joining/done", link.done, message=done.message, purpose=link.purpose)

    for path, link in LINKS.items():
        link_pages(path, link)
    return r
