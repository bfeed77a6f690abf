""" "Meine Verteiler": a member's own page, without an account, opened with the personal link of every list mail.

The link's token (purpose `verwalten`) arrives in the URL once; from there it travels in hidden form fields, and
every change is a POST answered by a redirect back to the page (with a notice) or by a page saying what comes
next. The notifications service decides everything; these routes only show its answers.

Asking for the link (`/meine-verteiler/link`) answers the same page for every address, known, unknown or erased:
the gateway checks the address's form and counts the limits itself, answers, and then asks the notifications
service in the background (web/background.py). Should that fail, it is logged by a fingerprint; no mail comes and
the person asks again.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from services.gateway.domain.people import normal_address
from services.gateway.domain.person_records import PersonExport, as_json, rows
from services.gateway.entrypoints.web.background import address_key, ask_quietly
from services.gateway.entrypoints.web.calls import STATUS, PageError, ask
from services.gateway.entrypoints.web.clients import asking
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.ratelimit import RateLimit
from services.gateway.entrypoints.web.render import page, redirect
from services.gateway.service_layer import person_export
from shared.contracts import notifications as n
from shared.contracts.german import field_messages

TITLE = "Meine Verteiler"
LINK_TITLE = "Link zu „Meine Verteiler“ anfordern"
DELIVERY = [
    ("jede", "jede Nachricht", "Jede Nachricht kommt gleich als eigene Mail."),
    ("taeglich", "täglich gesammelt", "Einmal am Tag eine Mail mit allen Nachrichten des Tages."),
    ("woechentlich", "wöchentlich gesammelt", "Einmal in der Woche eine Mail mit allen Nachrichten der Woche."),
]
DELIVERY_WORDS = {value: label for value, label, _ in DELIVERY}
STATUS_WORDS = {"aktiv": "eingetragen", "abgemeldet": "abgemeldet", "entfernt": "von der Moderation entfernt"}
ROLE_WORDS = {"mitglied": "Mitglied", "moderation": "Moderation", "verwaltung": "Verwaltung"}
NO_ADDRESS = "Geben Sie eine E-Mail-Adresse ein, zum Beispiel name@example.org."
TOO_MANY_LINKS = PageError(
    429,
    "Für diese Adresse oder von diesem Anschluss wurden gerade zu viele Links angefordert. "
    "Bitte versuchen Sie es in einer Stunde noch einmal.",
    "zu_viele_anfragen",
    retry_after=3600,
)


def own_page(token: str) -> str:
    return f"/meine-verteiler?token={quote(token, safe='')}"


def refused_page(request: Request, refusal: PageError) -> Response:
    """An invalid or expired link offers a new one; anything else is said as it is."""
    if refusal.code == "link_ungueltig":
        return page(request, "member/link_invalid", "Link ungültig oder abgelaufen", 400, errors={}, address="")
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
    return page(request, "member/problem", TITLE, refusal.status, headers, message=refusal.message)


def field_error(refusal: PageError, field: str) -> str:
    return refusal.fields.get(field) or (NO_ADDRESS if refusal.code == "ungueltige_eingabe" else refusal.message)


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)
    # As strict as the notifications service's own limit for link requests (3 an hour per address); counted here
    # for every address alike, before anything depends on whether it is known.
    link_per_client = RateLimit(10, timedelta(hours=1))  # by the client's address, an IPv6 /64 (web/clients.py)
    link_per_address = RateLimit(3, timedelta(hours=1))  # counts only what the client's limit let through

    async def overview(request: Request, token: str, status: int = 200, **values: Any) -> Response:
        try:
            mine = await ask(request, n.MY_LISTS, {"token": token})
        except PageError as refusal:
            return refused_page(request, refusal)
        values = {"errors": {}, "new_address": ""} | values
        words = {"delivery": DELIVERY, "status_words": STATUS_WORDS, "role_words": ROLE_WORDS}
        return page(request, "member/overview", TITLE, status, mine=mine, token=token, **words, **values)

    @r.get("/meine-verteiler", response_class=HTMLResponse)
    async def show(request: Request, token: str = "") -> Response:
        if not token:
            return redirect("/meine-verteiler/link")
        return await overview(request, token)

    @r.post("/meine-verteiler/zustellung", response_class=HTMLResponse)
    async def delivery(request: Request, token: str = Form(""), verteiler: str = Form("")) -> Response:
        field = f"zustellung-{verteiler}"
        chosen = str((await request.form()).get(field, ""))
        if chosen not in DELIVERY_WORDS:
            errors = {field: "Wählen Sie aus, wie Sie die Nachrichten bekommen möchten."}
            return await overview(request, token, 422, errors=errors)
        try:
            changed = await ask(request, n.MY_DELIVERY, {"token": token, "list_id": verteiler, "delivery": chosen})
        except PageError as refusal:
            return refused_page(request, refusal)
        notice = f"Gespeichert: Aus dem Verteiler „{changed.name}“ bekommen Sie ab jetzt {DELIVERY_WORDS[chosen]}."
        return redirect(own_page(token), notice, request)

    @r.post("/meine-verteiler/adresse", response_class=HTMLResponse)
    async def address(request: Request, token: str = Form(""), neue_adresse: str = Form("")) -> Response:
        try:
            await ask(request, n.MY_ADDRESS, {"token": token, "new_address": neue_adresse})
        except PageError as refusal:
            if refusal.code in ("ungueltige_eingabe", "konflikt"):
                errors = {"neue_adresse": field_error(refusal, "new_address")}
                return await overview(request, token, refusal.status, errors=errors, new_address=neue_adresse)
            return refused_page(request, refusal)
        title = "Bitte bestätigen Sie Ihre neue Adresse"
        return page(request, "member/address_sent", title, new_address=neue_adresse.strip(), token=token)

    @r.post("/meine-verteiler/verlassen", response_class=HTMLResponse)
    async def leave(
        request: Request, token: str = Form(""), verteiler: str = Form(""), bestaetigt: str = Form("")
    ) -> Response:
        try:
            mine = await ask(request, n.MY_LISTS, {"token": token})
        except PageError as refusal:
            return refused_page(request, refusal)
        names = {s.list_id: s.name for s in mine.subscriptions if s.status == "aktiv"}
        if verteiler not in names and (verteiler or not names):
            return redirect(own_page(token), "Sie waren dort schon abgemeldet; es hat sich nichts geändert.", request)
        if bestaetigt != "ja":  # the question first: leaving is one click away from every list's mail, not by mistake
            title = f"„{names[verteiler]}“ verlassen?" if verteiler else "Alle Verteiler verlassen?"
            shown = {"list_id": verteiler, "list_name": names.get(verteiler, ""), "names": list(names.values())}
            return page(request, "member/leave", title, token=token, **shown)
        try:
            await ask(request, n.LEAVE, {"token": token, "list_id": verteiler or None})
        except PageError as refusal:
            return refused_page(request, refusal)
        left = f"den Verteiler „{names[verteiler]}“" if verteiler else "alle Ihre Verteiler"
        return redirect(own_page(token), f"Sie haben {left} verlassen. Von dort kommen keine Mails mehr.", request)

    async def full_export(request: Request, token: str) -> PersonExport | Response:
        """Art. 15 across all services for the address the link proves; a refused link shows why."""
        web = web_of(request)
        try:
            return await person_export.for_own_link(web.client, web.tokens, web.sessions, web.clock.now(), token)
        except person_export.Refused as refusal:
            status = STATUS.get(refusal.code, 503 if refusal.code == "nicht_erreichbar" else 400)
            return refused_page(request, PageError(status, refusal.message, refusal.code))

    @r.post("/meine-verteiler/auskunft", response_class=HTMLResponse)
    async def export(request: Request, token: str = Form("")) -> Response:
        found = await full_export(request, token)
        if isinstance(found, Response):
            return found
        shown = [(part, [(rec, rows(rec)) for rec in part.records]) for part in found.parts]
        return page(request, "member/export", "Ihre gespeicherten Daten", token=token, export=found, parts=shown)

    @r.post("/meine-verteiler/auskunft.json")
    async def export_json(request: Request, token: str = Form("")) -> Response:
        found = await full_export(request, token)
        if isinstance(found, Response):
            return found
        body = json.dumps(as_json(found), ensure_ascii=False, indent=2)
        disposition = 'attachment; filename="meine-daten-beratungsnetz.json"'
        return Response(body, media_type="application/json", headers={"Content-Disposition": disposition})

    @r.get("/meine-verteiler/link", response_class=HTMLResponse)
    async def link_form(request: Request) -> Response:
        return page(request, "member/link", LINK_TITLE, errors={}, address="")

    @r.post("/meine-verteiler/link", response_class=HTMLResponse)
    async def link_request(request: Request, adresse: str = Form("")) -> Response:
        # The same page, status, limits and time for every address: the notifications service decides afterwards
        # whether a link goes out (only to an address on a list); see web/background.py.
        web = web_of(request)
        client, ip = asking(request)
        try:
            asked = n.ManageLinkRequest(address=adresse, ip=ip)
        except ValidationError as exc:
            message = field_messages(exc.errors()).get("address") or NO_ADDRESS
            errors = {"adresse": NO_ADDRESS if not adresse.strip() else message}
            return page(request, "member/link", LINK_TITLE, 422, errors=errors, address=adresse)
        now, address = web.clock.now(), normal_address(asked.address)
        if not (link_per_client.allow(client, now) and link_per_address.allow(address, now)):
            return refused_page(request, TOO_MANY_LINKS)
        key = address_key(address, web.secret_key)
        web.background.start(ask_quietly(web.client, n.SEND_MANAGE_LINK, asked, "web.manage_link", key))
        return page(request, "member/link_sent", "Bitte prüfen Sie Ihr Postfach", address=adresse.strip())

    return r
