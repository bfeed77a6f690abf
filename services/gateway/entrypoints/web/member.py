""" "Meine Verteiler": a member's own page, without an account, opened with the personal link of every list mail.

The link's token (purpose `verwalten`) arrives in the URL once; from there it travels only in hidden form fields,
and every change is a POST. The notifications service decides everything; these routes only show its answers.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from services.gateway.entrypoints.web import render
from services.gateway.entrypoints.web.asking import Refused, ask, field_errors
from services.gateway.entrypoints.web.export_view import sections
from shared.contracts import notifications as n

TITLE = "Meine Verteiler"
DELIVERY = [
    ("jede", "jede Nachricht", "Sie bekommen jede Nachricht sofort."),
    ("taeglich", "täglich gesammelt", "Einmal am Tag eine Mail mit allen Nachrichten des Tages."),
    ("woechentlich", "wöchentlich gesammelt", "Einmal in der Woche eine Mail mit allen Nachrichten der Woche."),
]
DELIVERY_WORDS = {value: label for value, label, _ in DELIVERY}
STATUS_WORDS = {"aktiv": "eingetragen", "abgemeldet": "abgemeldet", "entfernt": "von der Moderation entfernt"}
ROLE_WORDS = {"mitglied": "Mitglied", "moderation": "Moderation", "verwaltung": "Verwaltung"}


def own_page(token: str) -> str:
    return f"/meine-verteiler?token={quote(token, safe='')}"


def router(client: Any) -> APIRouter:
    r = APIRouter(include_in_schema=False)

    async def overview(request: Request, token: str, status: int = 200, **values: Any) -> Response:
        try:
            mine = await ask(client, n.MY_LISTS, {"token": token})
        except Refused as refused:
            return refused_page(request, refused)
        values.setdefault("errors", {})
        values.setdefault("new_address", "")
        return render.page(
            request,
            "member/overview.html.j2",
            TITLE,
            status,
            mine=mine,
            token=token,
            delivery=DELIVERY,
            status_words=STATUS_WORDS,
            role_words=ROLE_WORDS,
            **values,
        )

    def refused_page(request: Request, refused: Refused) -> Response:
        if refused.code == "link_ungueltig":
            return render.page(
                request, "member/link_invalid.html.j2", "Link ungültig oder abgelaufen", 400, errors={}, address=""
            )
        return render.page(
            request,
            "member/problem.html.j2",
            refused.title or TITLE,
            refused.status,
            refused.headers,
            message=refused.message,
        )

    @r.get("/meine-verteiler", response_class=HTMLResponse)
    async def show(request: Request, token: str = "") -> Response:
        if not token:
            return render.redirect("/meine-verteiler/link")
        return await overview(request, token)

    @r.post("/meine-verteiler/zustellung", response_class=HTMLResponse)
    async def delivery(request: Request, token: str = Form(""), verteiler: str = Form("")) -> Response:
        zustellung = str((await request.form()).get(f"zustellung-{verteiler}", ""))
        if zustellung not in DELIVERY_WORDS:
            errors = {f"zustellung-{verteiler}": "Wählen Sie aus, wie Sie die Nachrichten bekommen möchten."}
            return await overview(request, token, 422, errors=errors)
        try:
            changed = await ask(client, n.MY_DELIVERY, {"token": token, "list_id": verteiler, "delivery": zustellung})
        except Refused as refused:
            return refused_page(request, refused)
        flash = f"Gespeichert: Vom Verteiler „{changed.name}“ bekommen Sie ab jetzt {DELIVERY_WORDS[zustellung]}."
        return render.redirect(own_page(token), flash=flash, request=request)

    @r.post("/meine-verteiler/adresse", response_class=HTMLResponse)
    async def address(request: Request, token: str = Form(""), neue_adresse: str = Form("")) -> Response:
        try:
            await ask(client, n.MY_ADDRESS, {"token": token, "new_address": neue_adresse})
        except ValidationError as invalid:
            errors = {"neue_adresse": field_errors(invalid).get("new_address", "Keine gültige E-Mail-Adresse.")}
            return await overview(request, token, 422, errors=errors, new_address=neue_adresse)
        except Refused as refused:
            if refused.code in ("ungueltige_eingabe", "konflikt"):
                return await overview(
                    request, token, refused.status, errors={"neue_adresse": refused.message}, new_address=neue_adresse
                )
            return refused_page(request, refused)
        return render.page(
            request,
            "member/address_sent.html.j2",
            "Bitte bestätigen Sie Ihre neue Adresse",
            new_address=neue_adresse.strip(),
            token=token,
        )

    @r.post("/meine-verteiler/verlassen", response_class=HTMLResponse)
    async def leave(
        request: Request, token: str = Form(""), verteiler: str = Form(""), bestaetigt: str = Form("")
    ) -> Response:
        try:
            mine = await ask(client, n.MY_LISTS, {"token": token})
        except Refused as refused:
            return refused_page(request, refused)
        names = {s.list_id: s.name for s in mine.subscriptions if s.status == "aktiv"}
        if verteiler and verteiler not in names:
            return render.redirect(
                own_page(token), flash="Diesen Verteiler haben Sie schon verlassen.", request=request
            )
        if bestaetigt != "ja":
            title = f"„{names[verteiler]}“ verlassen?" if verteiler else "Alle Verteiler verlassen?"
            return render.page(
                request,
                "member/leave.html.j2",
                title,
                token=token,
                list_id=verteiler,
                list_name=names.get(verteiler, ""),
                names=list(names.values()),
            )
        try:
            await ask(client, n.LEAVE, {"token": token, "list_id": verteiler or None})
        except Refused as refused:
            return refused_page(request, refused)
        left = f"den Verteiler „{names[verteiler]}“" if verteiler else "alle Ihre Verteiler"
        return render.redirect(
            own_page(token),
            flash=f"Sie haben {left} verlassen. Von dort bekommen Sie keine Mails mehr.",
            request=request,
        )

    @r.post("/meine-verteiler/auskunft", response_class=HTMLResponse)
    async def export(request: Request, token: str = Form("")) -> Response:
        try:
            data = await ask(client, n.MY_EXPORT, {"token": token})
            mine = await ask(client, n.MY_LISTS, {"token": token})
        except Refused as refused:
            return refused_page(request, refused)
        names = {s.list_id: s.name for s in mine.subscriptions}
        return render.page(
            request,
            "member/export.html.j2",
            "Ihre gespeicherten Daten",
            token=token,
            address=data.address,
            sections=sections(data.model_dump(), names),
        )

    @r.post("/meine-verteiler/auskunft.json")
    async def export_json(request: Request, token: str = Form("")) -> Response:
        try:
            data = await ask(client, n.MY_EXPORT, {"token": token})
        except Refused as refused:
            return refused_page(request, refused)
        body = json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2)
        disposition = 'attachment; filename="meine-daten-beratungsnetz.json"'
        return Response(
            body, media_type="application/json; charset=utf-8", headers={"Content-Disposition": disposition}
        )

    @r.get("/meine-verteiler/link", response_class=HTMLResponse)
    async def link_form(request: Request) -> Response:
        return render.page(request, "member/link.html.j2", "Link zu „Meine Verteiler“ anfordern", errors={}, address="")

    @r.post("/meine-verteiler/link", response_class=HTMLResponse)
    async def link_request(request: Request, adresse: str = Form("")) -> Response:
        ip = request.client.host if request.client else ""
        try:
            await ask(client, n.SEND_MANAGE_LINK, {"address": adresse, "ip": ip})
        except ValidationError as invalid:
            errors = {"adresse": field_errors(invalid).get("address", "Keine gültige E-Mail-Adresse.")}
            return render.page(
                request,
                "member/link.html.j2",
                "Link zu „Meine Verteiler“ anfordern",
                422,
                errors=errors,
                address=adresse,
            )
        except Refused as refused:
            return refused_page(request, refused)
        return render.page(
            request, "member/link_sent.html.j2", "Bitte prüfen Sie Ihr Postfach", address=adresse.strip()
        )

    return r
