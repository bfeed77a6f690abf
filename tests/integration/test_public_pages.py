"""The public pages of a list and of its mails (web/joining.py), rendered against a fake notifications service."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.gateway.entrypoints.web.context import Web
from services.gateway.entrypoints.web.joining import router
from shared.contracts import Reply
from shared.contracts import notifications as n
from shared.messaging.errors import RequestTooLarge, ServiceUnavailable
from tests.support import test_clock

EVIL = '<script>alert("x")</script>&'
EVIL_ID = 'x"<script>&'  # no slash: it is a path segment
PURPOSES = {"t2": "adresse_aendern", "t3": "abmelden"}  # the fake's tokens; any other is a confirmation link


def shown_list(asked: n.ListRef) -> n.PublicList:
    return n.PublicList(
        list_id=asked.list_id,
        name=f"LAG {EVIL}",
        description=f"Austausch {EVIL}",
        policy="bestaetigen",
        consent_text=f"Ich willige ein {EVIL}",
        consent_version="2026-11-01",
        privacy_notice=f"Datenschutz {EVIL}",
    )


class FakeServices:
    """Answers each subject as scripted: a contract, a (code, message) refusal, or an exception to raise."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers, self.asked = answers, []

    async def ask(self, spec: Any, payload: Any, actor: str | None = None) -> Reply:
        self.asked.append((spec.subject, payload))
        answer = self.answers[spec.subject]
        if callable(answer):
            answer = answer(payload)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, tuple):
            return Reply.failure(*answer)
        return Reply.success(answer)


def client(**answers: Any) -> tuple[httpx.AsyncClient, FakeServices]:
    services = FakeServices({getattr(n, k).subject: v for k, v in answers.items()})
    app = FastAPI()
    app.state.web = Web(client=services, sessions=None, clock=test_clock(), secret_key="")
    app.include_router(router())
    services.web = app.state.web
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway"), services


async def pages() -> dict[str, Any]:
    """Every page the router shows, by scenario: (status, Retry-After header, HTML)."""
    done = n.Message(message=f"Erledigt {EVIL}")
    ok, services = client(
        SUBSCRIBE=done,
        CONFIRM=done,
        CONFIRM_ADDRESS=done,
        UNSUBSCRIBE=done,
        LINK_INFO=lambda asked: n.LinkInfo(
            purpose=PURPOSES.get(asked.token, "bestaetigen"), list_name=f"LAG {EVIL}", address_hint="a…@example.org"
        ),
        PUBLIC_LIST=shown_list,
    )
    refused, _ = client(CONFIRM=("link_ungueltig", f"Der Link ist abgelaufen {EVIL}"), LINK_INFO=("x", "?"))
    down, _ = client(PUBLIC_LIST=ServiceUnavailable("notifications.query.public_list"))
    later, behind = client(SUBSCRIBE=ServiceUnavailable("notifications.cmd.subscribe"), PUBLIC_LIST=shown_list)
    consent = {"consent_version": "2026-11-01"}
    large, _ = client(UNSUBSCRIBE=RequestTooLarge("notifications.cmd.unsubscribe", 2_000_000, 1_000_000))
    responses = {
        "subscribe form": await ok.get(f"/abonnieren/{EVIL_ID}"),
        "subscribed": await ok.post("/abonnieren/lag", data={"adresse": "anna@example.org", "name": "Anna"} | consent),
        "invalid address": await ok.post("/abonnieren/lag", data={"adresse": "kein-at", "name": "Anna"} | consent),
        "no consent": await ok.post("/abonnieren/lag", data={"adresse": "anna@example.org"}),
        "old consent": await ok.post("/abonnieren/lag", data={"adresse": "anna@example.org", "consent_version": "1"}),
        "confirm page": await ok.get("/bestaetigen", params={"token": f"t{EVIL}"}),
        "confirmed": await ok.post("/bestaetigen", data={"token": "t1"}),
        "address page": await ok.get("/adresse-bestaetigen", params={"token": "t2"}),
        "address confirmed": await ok.post("/adresse-bestaetigen", data={"token": "t2"}),
        "unsubscribe page": await ok.get("/abmelden", params={"token": "t3"}),
        "unsubscribed": await ok.post("/abmelden", data={"token": "t3"}),
        "one-click": await ok.post("/abmelden?token=t4", data={"List-Unsubscribe": "One-Click"}),
        "link expired": await refused.post("/bestaetigen", data={"token": "t1"}),
        "unknown refusal": await refused.get("/abmelden", params={"token": "t3"}),
        "service down": await down.post("/abonnieren/lag", data={"adresse": "anna@example.org"} | consent),
        "asked while down": await later.post("/abonnieren/lag", data={"adresse": "anna@example.org"} | consent),
        "too large": await large.post("/abmelden", data={"token": "t5"}),
    }
    await services.web.background.settle()
    await behind.web.background.settle()
    pages = {k: (r.status_code, r.headers.get("retry-after"), r.text) for k, r in responses.items()}
    return pages | {"asked": services.asked, "asked behind": behind.asked}


@pytest.fixture(scope="module")
def shown() -> dict[str, Any]:
    return asyncio.run(pages())


def test_status_codes_and_texts(shown: dict[str, Any]) -> None:
    assert {k: v[0] for k, v in shown.items() if k not in ("asked", "asked behind")} == {
        "subscribe form": 200,
        "subscribed": 200,
        "invalid address": 422,
        "no consent": 422,
        "old consent": 422,
        "confirm page": 200,
        "confirmed": 200,
        "address page": 200,
        "address confirmed": 200,
        "unsubscribe page": 200,
        "unsubscribed": 200,
        "one-click": 200,
        "link expired": 400,
        "unknown refusal": 400,
        "service down": 503,
        "asked while down": 200,
        "too large": 413,
    }
    assert shown["service down"][1] == "5" and shown["confirmed"][1] is None
    assert "<title>Bitte prüfen Sie Ihr Postfach – Beratungsnetz</title>" in shown["subscribed"][2]
    assert '<h1 class="bn-heading-l">Eintragung bestätigen</h1>' in shown["confirm page"][2]
    assert (
        "Die Adresse <strong>a…@example.org</strong> in den Verteiler „LAG &lt;script&gt;" in shown["confirm page"][2]
    )
    assert '<button type="submit" class="bn-button">Ja, diese Adresse verwenden</button>' in shown["address page"][2]
    assert "Die Adresse <strong>a…@example.org</strong> vom Verteiler „LAG " in shown["unsubscribe page"][2]
    assert "Der Dienst ist gerade nicht erreichbar." in shown["service down"][2]
    # The service is asked after the answer: the page is the same while it is down (the ask is logged, not lost
    # silently: the person gets no mail and asks again), and the ask carried the consent the page showed.
    assert shown["asked while down"][2] == shown["subscribed"][2]
    ((subject, asked),) = [a for a in shown["asked behind"] if a[0] == "notifications.cmd.subscribe"]
    assert asked.address == "anna@example.org" and asked.consent_version == "2026-11-01"
    assert "Ohne Ihre Einwilligung tragen wir niemanden ein." in shown["no consent"][2]
    assert 'href="#einwilligung"' in shown["no consent"][2] and 'value="anna@example.org"' in shown["no consent"][2]
    assert "Die Einwilligungserklärung wurde inzwischen geändert." in shown["old consent"][2]
    subscribed = [a for a in shown["asked"] if a[0] == "notifications.cmd.subscribe"]
    assert len(subscribed) == 1  # only the valid one was passed on
    assert "Die Anfrage ist mit 2.0 MB zu groß (höchstens 1.0 MB)" in shown["too large"][2]
    # A wrong address shows the form again: the error summary on top links to the field, which names its error.
    invalid = shown["invalid address"][2]
    assert (
        "<title>Fehler: „LAG &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;“ abonnieren – Beratungsnetz</title>"
        in invalid
    )
    assert 'role="alert"' in invalid and '<a href="#adresse">Keine gültige E-Mail-Adresse' in invalid
    assert 'aria-describedby="adresse-fehler"' in invalid and 'value="kein-at"' in invalid
    assert "Abmelden können Sie sich jederzeit über den Link in jeder Nachricht." in shown["subscribe form"][2]
    assert '<input type="hidden" name="consent_version" value="2026-11-01">' in shown["subscribe form"][2]


def test_forms_post_the_token(shown: dict[str, Any]) -> None:
    for name, action, token in (
        ("address page", "/adresse-bestaetigen", "t2"),
        ("unsubscribe page", "/abmelden", "t3"),
    ):
        form = shown[name][2].split(f'<form method="post" action="{action}"', 1)[1].split("</form>", 1)[0]
        assert f'<input type="hidden" name="token" value="{token}">' in form
        assert '<input type="hidden" name="csrf_token" value="' in form
    subjects = [(subject, dict(payload)) for subject, payload in shown["asked"]]
    assert ("notifications.cmd.unsubscribe", {"token": "t4"}) in subjects  # RFC 8058 one-click: token in the URL
    assert ("notifications.cmd.confirm_address", {"token": "t2"}) in subjects


def test_everything_shown_is_escaped(shown: dict[str, Any]) -> None:
    for name in ("subscribe form", "invalid address", "confirm page", "unsubscribe page", "link expired"):
        html = shown[name][2]
        assert "<script>" not in html and "&lt;script&gt;" in html, name
