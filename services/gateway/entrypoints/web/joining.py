"""The public pages of a list and of its mails: subscribe, confirm, confirm a new address, unsubscribe.

A GET only ever shows a page with one button: it names the list and the masked address (LINK_INFO, which does not
spend the token); the change itself is a POST, because link scanners follow links. The unsubscribe URL also takes
RFC 8058 one-click POSTs from mail programs: the token in the URL, the body `List-Unsubscribe=One-Click`, no CSRF
token (web/security.py lets exactly those through).

The subscribe form answers the same page, with the same status, rate limits and time, whether the address is new,
already on the list, waiting or erased: the gateway checks the input itself (the address's form, the consent to the
list's current text), counts the limits by address, client and list, answers, and only then asks the notifications
service in the background (web/background.py), which mails what fits: a confirmation link, or to a member a note
that they are on the list already. Should that ask fail, it is logged (by a fingerprint) and the person, who gets no
mail, asks again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from services.gateway.domain.people import normal_address
from services.gateway.domain.public_forms import subscribe_errors
from services.gateway.entrypoints.web.background import address_key, ask_quietly
from services.gateway.entrypoints.web.calls import PageError, ask
from services.gateway.entrypoints.web.clients import asking
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.ratelimit import RateLimit
from services.gateway.entrypoints.web.render import page
from shared.contracts import notifications as n
from shared.contracts.german import field_messages

SUBSCRIBE_PER_CLIENT = 10  # an hour, for all lists together
SUBSCRIBE_PER_LIST = 300  # an hour; the notifications service's RateLimits.per_list is the same
INVALID_LINK = PageError(400, "Der Link ist ungültig oder abgelaufen.", "link_ungueltig")
CHECK_INBOX = (
    "Danke! Falls die Adresse eingetragen werden kann, erhält sie gleich eine E-Mail mit den nächsten Schritten."
)
TOO_MANY = PageError(
    429,
    "Für diese Adresse, diesen Verteiler oder von diesem Anschluss kamen gerade zu viele Anfragen. "
    "Bitte versuchen Sie es in einer Stunde noch einmal.",
    "zu_viele_anfragen",
    retry_after=3600,
)


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
    # Counted in the gateway for every address alike, before anything depends on the address, in this order, each
    # only for what passed the one before: a client (its address, an IPv6 /64; web/clients.py) 10 an hour,
    # an address 3 an hour (as the notifications service), a list SUBSCRIBE_PER_LIST an hour (as the notifications
    # service). One client thus spends at most 10 of a list's 300: to block a list for others takes 30 networks an
    # hour, and what one client types never uses up another client's share.
    per_client = RateLimit(SUBSCRIBE_PER_CLIENT, timedelta(hours=1))
    per_address = RateLimit(3, timedelta(hours=1))
    per_list = RateLimit(SUBSCRIBE_PER_LIST, timedelta(hours=1))

    async def public_list(request: Request, list_id: str) -> n.PublicList:
        """The list's public text and current consent version (a PageError if there is none)."""
        return await ask(request, n.PUBLIC_LIST, {"list_id": list_id})

    def unknown_list(request: Request, refusal: PageError) -> Response | None:
        if refusal.code in ("nicht_gefunden", "ungueltige_eingabe"):
            return page(request, "joining/unknown_list", "Verteiler nicht gefunden", 404)
        return None

    def form(request: Request, shown: n.PublicList | None, list_id: str, status: int = 200, **values: Any) -> Response:
        """The form; without `shown` (the list's text cannot be loaded) it shows the input's errors, but no button."""
        values = {"errors": {}, "address": "", "name": ""} | values
        title = f"„{shown.name}“ abonnieren" if shown else "Verteiler abonnieren"
        return page(request, "joining/subscribe", title, status, mailing_list=shown, list_id=list_id, **values)

    @r.get("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe_form(request: Request, list_id: str) -> Response:
        try:
            shown = await public_list(request, list_id)
        except PageError as refusal:
            return unknown_list(request, refusal) or problem(request, refusal, "Verteiler abonnieren")
        return form(request, shown, list_id)

    @r.post("/abonnieren/{list_id}", response_class=HTMLResponse)
    async def subscribe(
        request: Request, list_id: str, adresse: str = Form(""), name: str = Form(""), consent_version: str = Form("")
    ) -> Response:
        # Everything before the answer is the same for every address: whether it is on the list, waiting, or was
        # erased is for the notifications service to act on afterwards (module docstring).
        web = web_of(request)
        client, ip = asking(request)  # this POST passed the CSRF check: a form of this site, the IP of its sender
        kept = {"address": adresse, "name": name}
        try:
            asked = n.Subscribe(
                list_id=list_id, address=adresse, display_name=name, ip=ip, consent_version=consent_version
            )
            field_errors: dict[str, str] = {}
        except ValidationError as exc:
            asked, field_errors = None, field_messages(exc.errors())
        if "list_id" in field_errors:
            return page(request, "joining/unknown_list", "Verteiler nicht gefunden", 404)
        try:
            shown = await public_list(request, list_id)
        except PageError as refusal:
            if (gone := unknown_list(request, refusal)) or not field_errors:
                return gone or problem(request, refusal, "Verteiler abonnieren")
            shown = None  # the input's errors are shown even while the list's text cannot be loaded
        errors = subscribe_errors(field_errors, consent_version, shown.consent_version if shown else consent_version)
        if asked is None and not errors:  # a field no person fills in (the client's IP, say)
            errors = {"adresse": next(iter(field_errors.values()))}
        if errors or asked is None or shown is None:
            return form(request, shown, list_id, 422, errors=errors, **kept)
        now, address = web.clock.now(), normal_address(asked.address)
        if not (per_client.allow(client, now) and per_address.allow(address, now) and per_list.allow(list_id, now)):
            return problem(request, TOO_MANY, "Verteiler abonnieren")
        key = address_key(address, web.secret_key)
        web.background.start(ask_quietly(web.client, n.SUBSCRIBE, asked, "web.subscribe", key))
        title = "Bitte prüfen Sie Ihr Postfach"
        return page(request, "joining/check_inbox", title, message=CHECK_INBOX, address=adresse.strip())

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
