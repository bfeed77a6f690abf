"""Signing in by e-mail link, signing out, and the person's task page.

`/anmelden` takes an address and always answers with the same page, known or not: whether the
address holds a role is decided afterwards in a background task, which then asks the notifications
service to mail the link (SEND_SIGN_IN), so neither the text nor the time of the answer tells anything.
The link (`/anmelden/link?token=…`) shows a button; its POST spends the token (15 minutes, once) and
starts the session.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import TypeAdapter, ValidationError

from services.gateway.domain import trainings as training_words
from services.gateway.domain.people import Viewer, normal_address
from services.gateway.entrypoints.web import groups, surveys, trainings, workplan
from services.gateway.entrypoints.web.auth import require_viewer, roles, viewer
from services.gateway.entrypoints.web.clients import asking
from services.gateway.entrypoints.web.context import Web, web_of
from services.gateway.entrypoints.web.ratelimit import RateLimit
from services.gateway.entrypoints.web.render import SESSION_COOKIE, local_path, page, redirect
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts.german import field_messages
from shared.contracts.text import Email
from shared.logging import get_logger
from shared.messaging.rpc import ServiceUnavailable

log = get_logger(__name__)
SENT = (
    "Wenn für diese Adresse ein Zugang besteht, haben wir Ihnen einen Link geschickt. Er gilt 15 Minuten und nur "
    "einmal. Bitte sehen Sie in Ihrem Postfach nach, auch im Spam-Ordner."
)
EMAIL = TypeAdapter(Email)
DEFAULT_NEXT = "/aufgaben"


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)
    per_address = RateLimit(5, timedelta(minutes=15))
    per_client = RateLimit(20, timedelta(minutes=15))

    @r.get("/anmelden")
    async def sign_in_form(request: Request, weiter: str = "") -> Response:
        if await viewer(request) is not None:
            return redirect(local_path(weiter, DEFAULT_NEXT))
        return page(request, "anmelden", "Anmelden", weiter=local_path(weiter, ""), adresse="", errors={})

    @r.post("/anmelden")
    async def sign_in(
        request: Request, adresse: Annotated[str, Form()] = "", weiter: Annotated[str, Form()] = ""
    ) -> Response:
        web = web_of(request)
        next_path = local_path(weiter, "")
        try:
            address = normal_address(EMAIL.validate_python(adresse.strip()))
        except ValidationError as exc:
            message = next(iter(field_messages(exc.errors()).values()), "Bitte eine gültige E-Mail-Adresse angeben.")
            if not adresse.strip():
                message = "Bitte geben Sie Ihre E-Mail-Adresse ein."
            errors = {"adresse": message}
            return page(request, "anmelden", "Anmelden", 422, weiter=next_path, adresse=adresse, errors=errors)
        now = web.clock.now()
        client, _ = asking(request)  # the socket's peer, or behind a trusted proxy its X-Forwarded-For (clients.py)
        if not per_client.allow(client, now) or not per_address.allow(address, now):
            return page(
                request,
                "fehler",
                "Zu viele Anfragen",
                429,
                {"Retry-After": "900"},
                message="Für diese Adresse oder von diesem Anschluss wurden gerade zu viele Anmeldelinks angefordert. "
                "Bitte warten Sie eine Viertelstunde und versuchen Sie es dann noch einmal.",
            )
        web.background.start(send_link(web, address, next_path))
        return page(request, "angefordert", "Link ist unterwegs", message=SENT)

    @r.get("/anmelden/link")
    async def link_page(request: Request, token: str = "") -> Response:
        return page(request, "anmelden_link", "Anmelden", token=token)

    @r.post("/anmelden/link")
    async def spend(request: Request, token: Annotated[str, Form()] = "") -> Response:
        web = web_of(request)
        now = web.clock.now()
        signed_in = await web.sessions.spend_sign_in(token, now)
        if signed_in is None:
            return page(
                request,
                "fehler",
                "Link nicht mehr gültig",
                400,
                message="Dieser Anmeldelink ist abgelaufen oder wurde schon benutzt. Ein Link gilt 15 Minuten und nur "
                "einmal. Fordern Sie einfach einen neuen an.",
                links=[("/anmelden", "Neuen Anmeldelink anfordern")],
            )
        secret = await web.sessions.start(signed_in.address, now)
        response = redirect(local_path(signed_in.next_path, DEFAULT_NEXT))
        response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", secure=web.secure_cookies, path="/")
        log.info("web.signed_in")
        return response

    @r.post("/sitzung/beenden")
    async def sign_out(request: Request) -> Response:
        web = web_of(request)
        await web.sessions.end(request.cookies.get(SESSION_COOKIE), web.clock.now())
        response = redirect("/", flash="Sie sind abgemeldet.", request=request)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=web.secure_cookies)
        return response

    @r.get("/aufgaben")
    async def tasks(request: Request, person: Annotated[Viewer, Depends(require_viewer)]) -> Response:
        waiting = sorted(
            (m for m in person.moderates.values() if m.pending > 0), key=lambda m: (-m.pending, m.name.lower())
        )
        held = sorted((m for m in person.moderates.values() if m.held > 0), key=lambda m: (-m.held, m.name.lower()))
        workplan_tasks = await workplan.my_urgent_items(request, person)  # work plan (issue 15)
        invitations = await groups.open_invitations(request, person)  # invitations for the person's groups
        training_dates = await trainings.my_dates(request, person)  # dates the person trains (issue 17)
        answers = await surveys.reviews_waiting(request) if person.admin else []  # survey answers (issue 17)
        return page(
            request,
            "aufgaben",
            "Meine Aufgaben",
            person=person,
            waiting=waiting,
            held=held,  # posts by mail waiting for the person's moderation (issue 20)
            board=await board_tasks(request, person),
            workplan_tasks=workplan_tasks,
            invitations=invitations,
            training_dates=training_dates,
            training_words=training_words,
            answers=answers,
        )

    return r


async def send_link(web: Web, address: str, next_path: str) -> None:
    """In the background: only an address that holds a role gets a link; nobody learns which ones do."""
    try:
        person = await roles(web, address)
        if not person.has_role:
            log.info("web.sign_in_without_role")
            return
        minutes = int(web.sign_in_valid.total_seconds() // 60)
        secret = await web.sessions.issue_sign_in(address, next_path, web.clock.now())
        link = f"{web.public_url.rstrip('/')}/anmelden/link?token={secret}"
        reply = await web.client.ask(n.SEND_SIGN_IN, n.SignInMail(address=address, link=link, valid_minutes=minutes))
        if not reply.ok:
            log.warning("web.sign_in_mail_refused", code=reply.error.code, fehler=reply.error.message)
    except ServiceUnavailable:
        log.warning("web.sign_in_mail_unavailable")
    except Exception:  # a background task has nobody to raise to: log it
        log.exception("web.sign_in_mail_failed")


# --- the board (issue 15): "Meine Aufgaben" points a board member to the Lage and the latest report ---


async def board_tasks(request: Request, person: Viewer) -> dict | None:
    """For the board and the state office: the latest progress report, if there is one (None for others)."""
    if not person.may_read_all:
        return None
    try:
        reply = await web_of(request).client.ask(e.PROGRESS_REPORTS, e.ReportsQuery(limit=1))
    except ServiceUnavailable:
        return {"latest": None}
    latest = reply.data.reports[0] if reply.ok and reply.data.reports else None
    return {"latest": latest, "path": f"/lage/berichte/{quote(latest.period_key, safe='')}" if latest else ""}
