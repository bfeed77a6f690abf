"""Signing in to the web pages by e-mail link, sessions, CSRF, roles read from the data, access admin and the
local mailbox: the gateway in-process against a real nats-server, the real notifications service and
registry (in-process), a real SMTP server (aiosmtpd) and the gateway's SQLite database."""

from __future__ import annotations

import asyncio
import re
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Annotated

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from beratungsnetz.runtime.ports import free_port
from beratungsnetz.runtime.smtp_sink import EmlWriter
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web.auth import require_moderator
from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.web import ORIGIN, WebSystem, csrf_token, form_post, form_token, signed_in, web_system

LAG = "lag-hartz-iv-sachsen"
KATHRIN = "kathrin@example.org"
ADMIN = "landesbuero@beratungsnetz.example"  # the setting admin_address's default
SENT = "Wenn für diese Adresse ein Zugang besteht, haben wir Ihnen einen Link geschickt."


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, mailbox_dir=str(tmp_path / "mail")) as running:
        await running.ask(
            n.CREATE_LIST, n.CreateList(name="LAG Hartz IV Sachsen", owner_address=KATHRIN, owner_name="Kathrin")
        )
        yield running


async def request_link(system: WebSystem, http: httpx.AsyncClient, address: str, weiter: str = "") -> httpx.Response:
    form = await http.get("/anmelden", params={"weiter": weiter} if weiter else None)
    assert form.status_code == 200 and 'name="adresse"' in form.text
    return await form_post(http, "/anmelden", {"adresse": address, "weiter": weiter})


async def link_token(system: WebSystem, address: str, count: int = 1) -> str:
    """The token of the `count`-th sign-in mail to `address` (waits for it)."""
    for _ in range(300):
        mails = [m for m in system.smtp.mailbox.to(address) if "Anmeldelink" in m.message["Subject"]]
        if len(mails) >= count:
            return mails[count - 1].link("anmelden/link").split("token=", 1)[1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"kein Anmeldelink an {address}")


async def open_link(http: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open the mail's link (a page with a button), then press the button."""
    shown = await http.get("/anmelden/link", params={"token": token})
    assert shown.status_code == 200 and 'action="/anmelden/link"' in shown.text
    return await form_post(http, "/anmelden/link", {"token": token})


async def test_the_sign_in_link_arrives_by_mail_and_signs_in_once(system: WebSystem) -> None:
    http = system.browser()
    answer = await request_link(system, http, KATHRIN.upper(), weiter="/aufgaben?von=mail")
    assert answer.status_code == 200 and SENT in answer.text
    token = await link_token(system, KATHRIN)

    signed = await open_link(http, token)
    assert signed.status_code == 303 and signed.headers["location"] == "/aufgaben?von=mail"
    cookie = next(c for c in signed.headers.get_list("set-cookie") if c.startswith("bn_sitzung="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # test environment
    tasks = await http.get("/aufgaben")
    assert tasks.status_code == 200 and '<h1 class="bn-heading-l">Meine Aufgaben</h1>' in tasks.text
    assert "Moderation „LAG Hartz IV Sachsen“" in tasks.text and "Im Moment wartet nichts auf Sie." in tasks.text
    assert KATHRIN in tasks.text and 'action="/sitzung/beenden"' in tasks.text
    assert (await http.get("/")).headers["location"] == "/aufgaben"  # the start page sends a signed-in person on

    # The same link a second time (another browser): refused, with the offer of a new one.
    again = await open_link(system.browser(), token)
    assert again.status_code == 400 and "abgelaufen oder wurde schon benutzt" in again.text
    assert 'href="/anmelden"' in again.text

    # Signing out ends the session on the server, not just the cookie.
    secret = http.cookies.get("bn_sitzung")
    out = await form_post(http, "/sitzung/beenden", {})
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert "Sie sind abgemeldet." in (await http.get("/")).text
    stolen = system.browser()
    stolen.cookies.set("bn_sitzung", secret, domain="gateway.local")
    assert (await stolen.get("/aufgaben")).headers["location"] == "/anmelden?weiter=/aufgaben"


async def test_a_link_is_refused_after_15_minutes(system: WebSystem) -> None:
    http = system.browser()
    await request_link(system, http, KATHRIN)
    token = await link_token(system, KATHRIN)
    system.advance(timedelta(minutes=15, seconds=1))
    late = await open_link(http, token)
    assert late.status_code == 400 and "Link nicht mehr gültig" in late.text
    assert "bn_sitzung" not in http.cookies


async def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(system: WebSystem) -> None:
    http = system.browser()
    known = await request_link(system, http, KATHRIN)
    unknown = await request_link(system, http, "niemand@example.org")
    assert (known.status_code, known.text) == (unknown.status_code, unknown.text) == (200, known.text)
    await link_token(system, KATHRIN)
    await asyncio.sleep(0.5)  # the unknown address's background check has long finished
    assert system.smtp.mailbox.to("niemand@example.org") == []

    # The sixth request for one address within a quarter hour: a German 429.
    for _ in range(4):
        assert (await form_post(http, "/anmelden", {"adresse": KATHRIN})).status_code == 200
    limited = await form_post(http, "/anmelden", {"adresse": KATHRIN})
    assert limited.status_code == 429 and "Viertelstunde" in limited.text
    wrong = await form_post(http, "/anmelden", {"adresse": "kein-at"})
    assert (
        wrong.status_code == 422
        and 'href="#adresse"' in wrong.text
        and 'aria-describedby="adresse-hinweis adresse-fehler"' in wrong.text
    )


async def test_forms_without_the_csrf_token_or_from_elsewhere_are_refused(system: WebSystem) -> None:
    http = system.browser()
    token = await csrf_token(http)
    page = await http.get("/anmelden")
    assert form_token(page.text) == token and "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["referrer-policy"] == "same-origin"
    data = {"adresse": KATHRIN}
    missing = await http.post("/anmelden", data=data, headers={"Origin": ORIGIN})
    wrong = await http.post("/anmelden", data={**data, "csrf_token": "x" * 43}, headers={"Origin": ORIGIN})
    foreign = await form_post(http, "/anmelden", data, origin="https://boese.example")
    no_origin = await http.post("/anmelden", data={**data, "csrf_token": token})
    for refused in (missing, wrong, foreign, no_origin):
        assert refused.status_code == 403 and "Das Formular ist abgelaufen" in refused.text
        assert refused.headers["content-type"].startswith("text/html")
    by_referer = await http.post(
        "/anmelden", data={**data, "csrf_token": token}, headers={"Referer": f"{ORIGIN}/anmelden"}
    )
    assert by_referer.status_code == 200 and SENT in by_referer.text
    await link_token(system, KATHRIN)
    await asyncio.sleep(0.3)
    sign_in_mails = [m for m in system.smtp.mailbox.to(KATHRIN) if "Anmeldelink" in m.message["Subject"]]
    assert len(sign_in_mails) == 1, [m.message["Subject"] for m in system.smtp.mailbox.to(KATHRIN)]  # refused: none

    # Exempt: the API (bearer tokens) and the RFC 8058 one-click unsubscribe of mail programs.
    one_click = await http.post(
        "/abmelden?token=falsch",
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 400 and "Nicht erlaubt" not in one_click.text
    api = await http.post("/api/v1/verteiler/beitrag", json={})
    assert api.status_code == 401 and api.json()["fehler"].startswith("Anmeldung erforderlich")
    assert (await http.get("/gibt-es-nicht")).headers["content-type"].startswith("text/html")
    assert (await http.get("/api/v1/gibt-es-nicht")).json()["fehler"] == "Nicht gefunden."


async def test_a_session_ends_after_8_hours_without_a_request(system: WebSystem) -> None:
    http = await signed_in(system, KATHRIN)
    assert (await http.get("/aufgaben")).status_code == 200
    system.advance(timedelta(hours=7, minutes=50))
    assert (await http.get("/aufgaben")).status_code == 200  # each request keeps it alive
    system.advance(timedelta(hours=7, minutes=50))
    assert (await http.get("/aufgaben")).status_code == 200
    system.advance(timedelta(hours=8, minutes=1))
    expired = await http.get("/aufgaben")
    assert expired.status_code == 303 and expired.headers["location"] == "/anmelden?weiter=/aufgaben"


async def test_a_role_ends_when_the_data_ends(system: WebSystem) -> None:
    probe = APIRouter()

    @probe.get("/probe/moderation/{list_id}")
    async def moderated(
        list_id: str, request: Request, who: Annotated[Viewer, Depends(require_moderator)]
    ) -> PlainTextResponse:
        return PlainTextResponse(f"{who.address} moderiert {list_id}")

    system.app.include_router(probe)
    await system.ask(
        n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=KATHRIN, address="bernd@example.org", display_name="Bernd")
    )
    await system.ask(
        n.SET_ROLE, n.SetRole(list_id=LAG, moderator=KATHRIN, address="bernd@example.org", role="moderation")
    )
    bernd = await signed_in(system, "bernd@example.org")
    assert (await bernd.get(f"/probe/moderation/{LAG}")).text == f"bernd@example.org moderiert {LAG}"
    assert "Moderation „LAG Hartz IV Sachsen“" in (await bernd.get("/aufgaben")).text

    await system.ask(
        n.SET_ROLE, n.SetRole(list_id=LAG, moderator=KATHRIN, address="bernd@example.org", role="mitglied")
    )
    refused = await bernd.get(f"/probe/moderation/{LAG}")
    assert refused.status_code == 403 and "moderieren Sie nicht" in refused.text
    tasks = await bernd.get("/aufgaben")
    assert "Moderation „LAG" not in tasks.text and "keine Aufgabe im Beratungsnetz" in tasks.text
    assert (await system.browser().get(f"/probe/moderation/{LAG}")).headers["location"] == (
        f"/anmelden?weiter=/probe/moderation/{LAG}"
    )

    # A subscription waiting for the moderation is a task, linked to the list's requests page.
    subscriber = system.browser()
    form = await subscriber.get(f"/abonnieren/{LAG}")
    consent = re.search(r'name="consent_version" value="([^"]+)"', form.text).group(1)
    done = await form_post(
        subscriber,
        f"/abonnieren/{LAG}",
        {"adresse": "anna@example.org", "consent_version": consent, "csrf_token": form_token(form.text)},
    )
    assert done.status_code == 200
    confirm = await system.mail("anna@example.org", "Bitte bestätigen")
    token = confirm.link("bestaetigen").split("token=", 1)[1]
    assert (await form_post(subscriber, "/bestaetigen", {"token": token})).status_code == 200
    kathrin = await signed_in(system, KATHRIN)
    waiting = await kathrin.get("/aufgaben")
    assert f'href="/moderation/{LAG}/anfragen">LAG Hartz IV Sachsen</a>' in waiting.text
    assert "1 Anfrage wartet" in waiting.text


async def test_a_coordinator_is_known_from_the_registry(system: WebSystem) -> None:
    await system.ask(
        r.FORM_GROUP,
        r.FormGroup(name="Vogtland", state="SN", coordinator={"name": "Vera", "email": "vera@example.org"}),
    )
    http = await signed_in(system, "vera@example.org")
    assert "Koordination „Vogtland“" in (await http.get("/aufgaben")).text
    await request_link(system, system.browser(), "vera@example.org")
    assert await link_token(system, "vera@example.org")  # a role: the link is sent


async def test_the_admin_grants_and_revokes_access_and_ends_sessions(system: WebSystem) -> None:
    admin = await signed_in(system, ADMIN)
    page = await admin.get("/verwaltung/zugaenge")
    assert page.status_code == 200 and 'href="/verwaltung/zugaenge" aria-current="page">Zugänge</a>' in page.text
    invalid = await form_post(admin, "/verwaltung/zugaenge", {"adresse": "kein-at"})
    assert invalid.status_code == 422 and 'href="#adresse"' in invalid.text and 'href="#rolle"' in invalid.text
    granted = await form_post(admin, "/verwaltung/zugaenge", {"adresse": "Vorstand@Example.org", "rolle": "vorstand"})
    assert granted.status_code == 303
    shown = await admin.get("/verwaltung/zugaenge")
    assert "vorstand@example.org hat jetzt den Zugang „Landesvorstand“." in shown.text and 'role="alert"' in shown.text
    assert "Erledigt" in shown.text and "Erledigt" not in (await admin.get("/verwaltung/zugaenge")).text  # shown once

    board = system.browser()
    await request_link(system, board, "vorstand@example.org")
    assert (await open_link(board, await link_token(system, "vorstand@example.org"))).status_code == 303
    tasks = await board.get("/aufgaben")
    assert "Landesvorstand" in tasks.text and "Zugänge</a>" not in tasks.text
    refused = await board.get("/verwaltung/zugaenge")
    assert refused.status_code == 403 and "Landesgeschäftsstelle vorbehalten" in refused.text
    assert (
        await form_post(board, "/verwaltung/zugaenge", {"adresse": "x@example.org", "rolle": "verwaltung"})
    ).status_code == 403

    listing = await admin.get("/verwaltung/zugaenge")
    assert "vorstand@example.org" in listing.text.split("Angemeldet", 1)[1]
    ended = await form_post(admin, "/verwaltung/zugaenge/abmelden", {"adresse": "vorstand@example.org"})
    assert ended.status_code == 303
    assert "vorstand@example.org ist abgemeldet (1 Sitzung beendet)." in (await admin.get("/verwaltung/zugaenge")).text
    assert (await board.get("/aufgaben")).status_code == 303

    revoked = await form_post(
        admin, "/verwaltung/zugaenge/entziehen", {"adresse": "vorstand@example.org", "rolle": "vorstand"}
    )
    assert revoked.status_code == 303
    assert await system.sessions.roles_of("vorstand@example.org") == set()
    again = await signed_in(system, "vorstand@example.org")
    assert "keine Aufgabe im Beratungsnetz" in (await again.get("/aufgaben")).text


async def test_the_local_mailbox_lists_and_shows_mails(system: WebSystem) -> None:
    directory = system.tmp_path / "mail"
    assert "Noch ist keine Mail angekommen." in (await system.http.get("/postfach")).text
    port = free_port()
    sink = Controller(EmlWriter(directory), hostname="127.0.0.1", port=port)
    sink.start()
    try:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "verteiler@beratungsnetz.example", KATHRIN, "Ihr Anmeldelink <b>"
        mail.set_content("Bitte hier entlang: http://gateway/anmelden/link?token=abc123.\n<script>alert(1)</script>")
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(mail)
    finally:
        sink.stop()
    start = await system.http.get("/")
    assert 'href="/postfach">Postfach – nur lokal</a>' in start.text
    listing = await system.http.get("/postfach")
    assert listing.status_code == 200 and "Ihr Anmeldelink &lt;b&gt;" in listing.text and KATHRIN in listing.text
    (name,) = [p.name for p in directory.glob("*.eml")]
    shown = await system.http.get(f"/postfach/{name}")
    assert shown.status_code == 200
    assert (
        '<a href="http://gateway/anmelden/link?token=abc123">http://gateway/anmelden/link?token=abc123</a>.'
        in shown.text
    )
    assert "<script>alert" not in shown.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
    assert "Betreff" in shown.text and "Zugestellt an" in shown.text and "Subject" not in shown.text
    assert (await system.http.get("/postfach/..%2Fgateway.sqlite3")).status_code == 404
    assert (await system.http.get("/postfach/gibt-es-nicht.eml")).status_code == 404


async def test_without_mailbox_dir_there_is_no_mailbox(nats_server, broker, tmp_path) -> None:
    async with web_system(nats_server, broker, tmp_path, services=()) as system:
        missing = await system.http.get("/postfach")
        assert missing.status_code == 404 and "Entwicklungsrechner" in missing.text
        assert "Postfach" not in (await system.http.get("/")).text
