"""`/verwaltung/zugaenge` (Landesgeschäftsstelle only): who holds which role, grant and revoke the web roles
Landesvorstand and Landesgeschäftsstelle, see who is signed in, sign a person out everywhere, and the API tokens
for scripts (create with a role and a scope picked from lists, the secret shown once, revoke).

Who holds which role is read from where it lives: coordination from the registry's active groups, moderation from
the notifications service's lists (members with the role moderation or verwaltung), Landesvorstand and
Landesgeschäftsstelle from the gateway's grants, and the setting ADMIN_ADDRESS, which is always
Landesgeschäftsstelle. The last admin cannot be removed: a granted "Landesgeschäftsstelle" is not withdrawn when no
other admin would be left (no ADMIN_ADDRESS set and no other grant), and the last valid admin token is not revoked
(TokenStore.revoke locks the admin tokens for that check)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import TypeAdapter, ValidationError

from services.gateway.domain.people import WEB_ROLES, Viewer, normal_address
from services.gateway.entrypoints.web.auth import require_admin
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import add_navigation, page, redirect
from services.gateway.service_layer import tokens
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.contracts.german import field_messages
from shared.contracts.text import Email
from shared.errors import DomainError
from shared.messaging.rpc import ServiceUnavailable

PATH = "/verwaltung/zugaenge"
ROLE_NAMES = {"vorstand": "Landesvorstand", "verwaltung": "Landesgeschäftsstelle"}
ROLE_OPTIONS = [
    ("vorstand", "Landesvorstand", "Darf alles lesen: Berichte, Verteiler, Aktionen."),
    ("verwaltung", "Landesgeschäftsstelle", "Darf alles, auch Zugänge vergeben und entziehen."),
]
TOKEN_ROLE_NAMES = {
    "admin": "Landesgeschäftsstelle (darf alles)",
    "board": "Landesvorstand (liest alles)",
    "moderator": "Moderation eines Verteilers",
    "coordinator": "Koordination einer Regionalgruppe",
}
EMAIL = TypeAdapter(Email)
Admin = Annotated[Viewer, Depends(require_admin)]


async def _ask(request: Request, spec: Any, payload: Any) -> Any:
    """The answer's data, or None when the service does not answer (the page then says so)."""
    try:
        reply = await web_of(request).client.ask(spec, payload)
    except ServiceUnavailable:
        return None
    return reply.data if reply.ok else None


async def role_holders(request: Request, admin: Viewer) -> dict[str, Any]:
    """Coordinators (registry) and moderators (notifications), as the data says now."""
    groups, lists = await asyncio.gather(_ask(request, r.GROUPS, r.ListQuery()), _ask(request, n.LISTS, n.ListsQuery()))
    coordinators = sorted(
        (
            (g.coordinator.name, g.coordinator.email or "", g.name, f"/gruppen/{g.slug or g.group_id}")
            for g in (groups.groups if groups else [])
            if g.status == "aktiv" and g.coordinator
        ),
        key=lambda c: (c[2].lower(), c[0].lower()),
    )
    open_lists = [x for x in (lists.lists if lists else []) if x.status != "geschlossen"]

    async def moderators_of(mailing_list: Any) -> list[tuple]:
        found = []
        for role in ("moderation", "verwaltung"):
            query = n.MembersQuery(list_id=mailing_list.list_id, moderator=admin.address, admin=True, role=role)
            members = await _ask(request, n.MEMBERS, query)
            found += [
                (m.display_name, m.address, mailing_list.name, f"/moderation/{mailing_list.list_id}", role)
                for m in (members.members if members else [])
                if m.status == "aktiv"
            ]
        return found

    per_list = await asyncio.gather(*(moderators_of(x) for x in open_lists))
    moderators = sorted((m for found in per_list for m in found), key=lambda m: (m[2].lower(), m[1]))
    return {
        "coordinators": coordinators,
        "moderators": moderators,
        "lists": open_lists,
        "groups": [g for g in (groups.groups if groups else []) if g.status == "aktiv"],
        "unanswered": [name for name, got in (("Register", groups), ("Verteiler", lists)) if got is None],
    }


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)
    add_navigation(PATH, "Zugänge", lambda viewer: viewer.admin)

    async def show(
        request: Request,
        status: int = 200,
        values: dict | None = None,
        errors: dict | None = None,
        issued: tuple | None = None,
    ) -> Response:
        web = web_of(request)
        now = web.clock.now()
        viewer: Viewer = request.state.viewer
        grants = await web.sessions.all_grants()
        holders = await role_holders(request, viewer)
        store = request.app.state.access.store
        all_tokens = sorted(await store.all(), key=lambda t: (t.revoked_at is not None, t.created_at), reverse=False)
        scope_names = {x.list_id: f"Verteiler {x.name}" for x in holders["lists"]} | {
            g.group_id: f"Regionalgruppe {g.name}" for g in holders["groups"]
        }
        scope_options = (
            [("", "Keiner (für Landesgeschäftsstelle und Landesvorstand)")]
            + [(f"liste:{x.list_id}", f"Verteiler {x.name}") for x in sorted(holders["lists"], key=lambda x: x.name)]
            + [
                (f"gruppe:{g.group_id}", f"Regionalgruppe {g.name}")
                for g in sorted(holders["groups"], key=lambda g: g.name)
            ]
        )
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
            admin_address=normal_address(web.admin_address) if web.admin_address else "",
            holders=holders,
            tokens=all_tokens,
            token_role_names=TOKEN_ROLE_NAMES,
            token_role_options=list(TOKEN_ROLE_NAMES.items()),
            scope_names=scope_names,
            scope_options=scope_options,
            issued=issued,
            values=values or {},
            errors=errors or {},
            headers={"Cache-Control": "no-store"},
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
        if rolle == "verwaltung" and not web.admin_address:
            others = [g for g in await web.sessions.all_grants() if g.role == "verwaltung"]
            if [normal_address(g.address) for g in others] == [normal_address(adresse)]:
                message = (
                    "Das ist der letzte Zugang „Landesgeschäftsstelle“. Vergeben Sie ihn zuerst an eine weitere "
                    "Person, sonst könnte niemand mehr Zugänge verwalten."
                )
                return await show(request, 409, errors={"vergeben": message})
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

    @r.post(f"{PATH}/token")
    async def create_token(
        request: Request,
        admin: Admin,
        skript_name: Annotated[str, Form()] = "",
        skript_rolle: Annotated[str, Form()] = "",
        skript_bereich: Annotated[str, Form()] = "",
        skript_fuer: Annotated[str, Form()] = "",
    ) -> Response:
        name, rolle, bereich, fuer = skript_name, skript_rolle, skript_bereich, skript_fuer
        values = {"skript_name": name, "skript_rolle": rolle, "skript_bereich": bereich, "skript_fuer": fuer}
        errors = {}
        if not name.strip():
            errors["skript_name"] = "Bitte geben Sie an, wofür das Token ist (z. B. „Nachtskript Export“)."
        if rolle not in TOKEN_ROLE_NAMES:
            errors["skript_rolle"] = "Bitte wählen Sie die Rolle des Tokens."
        kind, _, scope = bereich.partition(":")
        if rolle == "moderator" and kind != "liste":
            errors["skript_bereich"] = "Für die Moderation bitte den Verteiler wählen."
        elif rolle == "coordinator" and kind != "gruppe":
            errors["skript_bereich"] = "Für die Koordination bitte die Regionalgruppe wählen."
        elif rolle in ("admin", "board") and bereich:
            errors["skript_bereich"] = (
                "Landesgeschäftsstelle und Landesvorstand gelten für alles: bitte „Keiner“ wählen."
            )
        address = admin.address
        if fuer.strip():
            try:
                address = normal_address(EMAIL.validate_python(fuer.strip()))
            except ValidationError:
                errors["skript_fuer"] = "Bitte eine gültige E-Mail-Adresse angeben (oder leer lassen)."
        if errors:
            return await show(request, 422, values, errors)
        web = web_of(request)
        store = request.app.state.access.store
        try:
            token, secret = await tokens.issue(store, name, rolle, scope or None, address, web.clock.now())
        except DomainError as exc:
            return await show(request, 422, values, {"skript_name": exc.message})
        return await show(request, issued=(token, secret))

    @r.post(f"{PATH}/token/widerrufen")
    async def revoke_token(request: Request, _admin: Admin, token: Annotated[str, Form()] = "") -> Response:
        web = web_of(request)
        try:
            done = await tokens.revoke(request.app.state.access.store, token, web.clock.now())
        except DomainError as exc:
            message = exc.message
            if exc.code == "konflikt":
                message = (
                    "Das ist das letzte gültige Token der Landesgeschäftsstelle. Legen Sie zuerst ein weiteres an, "
                    "sonst kann kein Skript mehr Zugänge verwalten."
                )
            return await show(request, 409 if exc.code == "konflikt" else 404, errors={"tokens": message})
        return redirect(PATH + "#tokens", flash=f"Das Token „{done.name}“ ist widerrufen.", request=request)

    return r
