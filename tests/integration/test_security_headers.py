"""Every answer of the gateway carries the security headers, and every public POST checks where it came from
(issue 19, "Limits and the edges").

Every GET route of the app (enumerated from `app.routes`) is asked, signed out and signed in as the admin; so are
the answers nobody writes by hand: 404, 405, the size limit's 413, the CSRF 403, a redirect and an unhandled error.
Every POST of a web page is sent from another site and refused. The RFC 8058 one-click unsubscribe, the only POST
without a CSRF token, does exactly that and nothing else.

The gateway in-process against a real nats-server and the real services in-process (tests/web.py).
"""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from services.gateway.entrypoints.web.security import EMBED_PATH
from shared.contracts import notifications as n
from tests.web import ORIGIN, WebSystem, csrf_token, form_post, signed_in, web_system

ADMIN = "landesbuero@beratungsnetz.example"  # GatewaySettings.admin_address
OWNER = "kathrin@example.org"
LAG = "lag-hartz-iv-sachsen"
EVIL = "https://boese.example"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def routes(app: FastAPI, method: str) -> list[str]:
    """Every path the app answers `method` on (FastAPI's included routers flattened)."""
    try:
        from fastapi.routing import iter_route_contexts

        found = [(c.path, getattr(c.original_route, "methods", None)) for c in iter_route_contexts(app.routes)]
    except ImportError:  # FastAPI versions that keep `app.routes` flat
        found = [(x.path, getattr(x, "methods", None)) for x in app.routes]
    return sorted({path for path, methods in found if methods and method in methods})


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def check(response: httpx.Response) -> None:
    """The headers every answer has; an HTML answer's frame rules besides."""
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "same-origin", where
    policy = headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "object-src 'none'" in policy or "/api/v1/docs" in where, (where, policy)
    if urlsplit(str(response.request.url)).path.startswith(EMBED_PATH):
        assert "frame-ancestors https://kv.example.org" in policy and "x-frame-options" not in headers, where
    else:
        assert "frame-ancestors 'none'" in policy and headers.get("x-frame-options") == "DENY", (where, policy)


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    services = ("notifications", "registry", "events")
    async with web_system(
        nats_server, broker, tmp_path, services=services, embed_frame_ancestors="https://kv.example.org"
    ) as running:
        await running.ask(n.CREATE_LIST, n.CreateList(name="LAG Hartz IV Sachsen", owner_address=OWNER))
        yield running


async def test_every_get_route_answers_with_the_security_headers(system: WebSystem) -> None:
    paths = [concrete(p) for p in routes(system.app, "GET")]
    assert len(paths) > 60 and "/verzeichnis/einbetten" in paths and "/abonnieren/x" in paths
    admin = await signed_in(system, ADMIN)
    html = 0
    for http in (system.browser(), admin):
        for path in paths:
            response = await http.get(path)
            check(response)
            html += response.headers.get("content-type", "").startswith("text/html")
    assert html > 80, html  # the pages were asked for, not only refusals of the API
    check(await admin.get(f"/abonnieren/{LAG}"))
    check(await admin.get("/statisch/beratungsnetz.css"))


async def test_errors_redirects_and_refusals_have_them_too(system: WebSystem) -> None:
    http = system.browser()
    missing = await http.get("/gibt-es-nicht")
    assert missing.status_code == 404 and "Seite nicht gefunden" in missing.text
    check(missing)
    wrong_method = await http.get("/sitzung/beenden")
    assert wrong_method.status_code == 405
    check(wrong_method)
    away = await http.get("/aufgaben")
    assert away.status_code == 303 and away.headers["location"].startswith("/anmelden")
    check(away)
    refused = await http.post("/anmelden", data={"adresse": OWNER}, headers={"Origin": ORIGIN})
    assert refused.status_code == 403
    check(refused)
    too_big = await http.post("/anmelden", content=b"a" * 2_000_000, headers=FORM)
    assert too_big.status_code == 413
    check(too_big)

    async def broken() -> None:
        raise RuntimeError("kaputt")

    system.app.router.add_api_route("/kaputt", broken)
    error = await http.get("/kaputt")
    assert error.status_code == 500 and "schiefgegangen" in error.text and "kaputt" not in error.text
    assert error.headers["content-type"].startswith("text/html")
    check(error)


async def test_every_public_post_from_another_site_is_refused(system: WebSystem) -> None:
    paths = [concrete(p) for p in routes(system.app, "POST") if not p.startswith("/api/")]
    assert len(paths) > 40 and "/abonnieren/x" in paths and "/abmelden" in paths
    http = await signed_in(system, ADMIN)
    token = await csrf_token(http)
    form = {"csrf_token": token, "adresse": "anna@example.org", "token": "x"}
    for path in paths:
        for headers in ({"Origin": EVIL}, {"Referer": f"{EVIL}/seite"}, {}, {"Origin": "null"}):
            answer = await http.post(path, data=form, headers=headers)
            assert answer.status_code == 403 and "kam nicht von dieser Seite" in answer.text, (path, headers)
            check(answer)
        forged = await http.post(path, data={**form, "csrf_token": "y" * 43}, headers={"Origin": ORIGIN})
        assert forged.status_code == 403, path
    # The consent record's IP comes from a form of this site only: nothing was stored for the forged ones.
    await system.app.state.web.background.settle()
    with sqlite3.connect(system.tmp_path / "notifications.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM consents").fetchone() == (0,)


async def test_the_one_click_unsubscribe_does_that_and_nothing_else(system: WebSystem) -> None:
    member = "gerda@example.org"
    await system.ask(n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=OWNER, address=member))
    welcome = await system.mail(member, "Willkommen")
    unsubscribe = welcome.link("abmelden").removeprefix(ORIGIN)
    token = unsubscribe.split("token=", 1)[1]
    manage = welcome.link("meine-verteiler").split("token=", 1)[1]
    http = system.browser()  # a mail program: no cookie, no Origin

    async def one_click(path: str, body: str) -> httpx.Response:
        return await http.post(path, content=body.encode(), headers=FORM)

    assert (await one_click(unsubscribe, "List-Unsubscribe=One-Click&csrf_token=x")).status_code == 403
    assert (await one_click(unsubscribe, "List-Unsubscribe=One-Click&List-Unsubscribe=One-Click")).status_code == 403
    assert (await one_click("/abmelden", f"List-Unsubscribe=One-Click&token={token}")).status_code == 403
    assert (await one_click(f"/abmelden?token={token}&token=x", "List-Unsubscribe=One-Click")).status_code == 403
    assert (await one_click(f"/abmelden/?token={token}", "List-Unsubscribe=One-Click")).status_code == 403
    assert (await one_click(f"/bestaetigen?token={token}", "List-Unsubscribe=One-Click")).status_code == 403
    assert (await one_click(f"/abonnieren/{LAG}", "List-Unsubscribe=One-Click")).status_code == 403
    assert (await one_click("/meine-verteiler/verlassen", "List-Unsubscribe=One-Click")).status_code == 403
    # A token of another purpose (the "Meine Verteiler" link) spends nothing at the unsubscribe address.
    other = await one_click(f"/abmelden?token={manage}", "List-Unsubscribe=One-Click")
    assert other.status_code == 400
    check(other)
    members = await system.ask(n.MEMBERS, n.MembersQuery(list_id=LAG, moderator=OWNER))
    assert {m.address: m.status for m in members.members}[member] == "aktiv"

    done = await one_click(unsubscribe, "List-Unsubscribe=One-Click")
    assert done.status_code == 200
    check(done)
    members = await system.ask(n.MEMBERS, n.MembersQuery(list_id=LAG, moderator=OWNER))
    assert {m.address: m.status for m in members.members}[member] == "abgemeldet"
    # And the page's own button still works as a form of this site (CSRF token and Origin).
    assert (await form_post(system.browser(), "/abmelden", {"token": "ungueltig"})).status_code == 400
