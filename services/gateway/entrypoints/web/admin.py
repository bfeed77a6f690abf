"""`/verwaltung/zugaenge` (Landesgeschäftsstelle only): grant and revoke the web roles Landesvorstand and
Landesgeschäftsstelle, see who is signed in, and sign a person out everywhere."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import TypeAdapter, ValidationError

from services.gateway.domain.people import WEB_ROLES, Viewer, normal_address
from services.gateway.entrypoints.web.auth import require_admin
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import add_navigation, page, redirect
from shared.contracts.german import field_messages
from shared.contracts.text import Email

PATH = "/verwaltung/zugaenge"
ROLE_NAMES = {"vorstand": "Landesvorstand", "verwaltung": "Landesgeschäftsstelle"}
ROLE_OPTIONS = [
    ("vorstand", "Landesvorstand", "Darf alles lesen: Berichte, Verteiler, Aktionen."),
    ("verwaltung", "Landesgeschäftsstelle", "Darf alles, auch Zugänge vergeben und entziehen."),
]
EMAIL = TypeAdapter(Email)
Admin = Annotated[Viewer, Depends(require_admin)]


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)
    add_navigation(PATH, "Zugänge", lambda viewer: viewer.admin)

    async def show(
        request: Request, status: int = 200, values: dict | None = None, errors: dict | None = None
    ) -> Response:
        web = web_of(request)
        now = web.clock.now()
        grants = await web.sessions.all_grants()
        by_address: dict[str, list] = defaultdict(list)
        for session in await web.sessions.active(now):
            by_address[session.address].append(session)
        signed_in = sorted(by_address.items(), key=lambda item: -max(s.last_seen.timestamp() for s in item[1]))
        return page(
            request,
            "zugaenge",
            "Zugänge",
            status,
            grants=grants,
            signed_in=signed_in,
            role_names=ROLE_NAMES,
            role_options=ROLE_OPTIONS,
            admin_address=normal_address(web.admin_address),
            values=values or {},
            errors=errors or {},
        )

    @r.get(PATH)
    async def overview(request: Request, _admin: Admin) -> Response:
        return await show(request)

    @r.post(PATH)
    async def grant(
        request: Request, admin: Admin, adresse: Annotated[str, Form()] = "", rolle: Annotated[str, Form()] = ""
    ) -> Response:
        errors = {}
        try:
            address = normal_address(EMAIL.validate_python(adresse.strip()))
        except ValidationError as exc:
            address = ""
            errors["adresse"] = (
                "Bitte geben Sie die E-Mail-Adresse ein."
                if not adresse.strip()
                else next(iter(field_messages(exc.errors()).values()), "Keine gültige E-Mail-Adresse.")
            )
        if rolle not in WEB_ROLES:
            errors["rolle"] = "Bitte wählen Sie, welche Aufgabe die Person bekommt."
        if errors:
            return await show(request, 422, {"adresse": adresse, "rolle": rolle}, errors)
        web = web_of(request)
        await web.sessions.grant(address, rolle, admin.address, web.clock.now())
        return redirect(PATH, flash=f"{address} hat jetzt den Zugang „{ROLE_NAMES[rolle]}“.", request=request)

    @r.post(f"{PATH}/entziehen")
    async def revoke(
        request: Request, _admin: Admin, adresse: Annotated[str, Form()] = "", rolle: Annotated[str, Form()] = ""
    ) -> Response:
        web = web_of(request)
        if not await web.sessions.revoke(adresse, rolle):
            return redirect(PATH, flash="Diesen Zugang gab es schon nicht mehr.", request=request)
        name = ROLE_NAMES.get(rolle, rolle)
        return redirect(PATH, flash=f"{normal_address(adresse)} hat den Zugang „{name}“ nicht mehr.", request=request)

    @r.post(f"{PATH}/abmelden")
    async def sign_out_everywhere(request: Request, _admin: Admin, adresse: Annotated[str, Form()] = "") -> Response:
        web = web_of(request)
        ended = await web.sessions.end_all(adresse, web.clock.now())
        word = "Sitzung" if ended == 1 else "Sitzungen"
        return redirect(
            PATH, flash=f"{normal_address(adresse)} ist abgemeldet ({ended} {word} beendet).", request=request
        )

    return r
