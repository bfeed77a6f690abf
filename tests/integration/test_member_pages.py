"""A member's pages without an account (issue 14): subscribe on the list's page, confirm from the mail, "Meine
Verteiler" from the link in every list mail, the link by request, and what an invalid link shows.

The gateway in-process (httpx over ASGI) against a real nats-server, the real notifications service in-process
and a real SMTP server (tests/web.py). Forms are sent as a browser sends them: the fields the page's form holds
(hidden token included), the CSRF token, the gateway's own Origin.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import httpx
import pytest

from shared.contracts import notifications as n
from tests.web import WebSystem, form_post, web_system

LAG = "lag-hartz-iv-sachsen"
BOARD = "landesvorstand"
OWNER = "kathrin@example.org"
FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def forms(html: str, action: str) -> list[dict[str, str]]:
    """The hidden fields of every form on the page that posts to `action`."""
    return [
        {k: unescape(v) for k, v in HIDDEN.findall(body)}
        for target, body in FORM.findall(html)
        if unescape(target) == action
    ]


def form_for(html: str, action: str, **match: str) -> dict[str, str]:
    found = [f for f in forms(html, action) if all(f.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (action, match, forms(html, action))
    return found[0]


async def press(http: httpx.AsyncClient, page: httpx.Response, action: str, match: dict | None = None, **data: str):
    """Send the form of `page` that posts to `action`: its hidden fields (CSRF token included) plus `data`."""
    fields = form_for(page.text, action, **(match or {})) | data
    return await http.post(action, data=fields, headers={"Origin": "http://gateway"})


def local(link: str) -> str:
    """A link from a mail as the path the browser asks the gateway for."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


async def members(system: WebSystem, list_id: str) -> dict[str, n.MemberV1]:
    found = await system.ask(n.MEMBERS, n.MembersQuery(list_id=list_id, moderator=OWNER))
    return {m.address: m for m in found.members}


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, services=("notifications",)) as running:
        for name, policy, description in (
            ("LAG Hartz IV Sachsen", "bestaetigen", "Austausch der Beratungsstellen in Sachsen"),
            ("Landesvorstand", "moderiert", "Nachrichten an den Landesvorstand"),
        ):
            await running.ask(
                n.CREATE_LIST,
                n.CreateList(
                    name=name, policy=policy, description=description, owner_address=OWNER, owner_name="Kathrin"
                ),
            )
        yield running


async def test_subscribe_confirm_and_see_own_data(system: WebSystem) -> None:
    http = system.http
    form = await http.get(f"/abonnieren/{LAG}")
    assert form.status_code == 200
    assert "„LAG Hartz IV Sachsen“ abonnieren" in form.text and "Austausch der Beratungsstellen in Sachsen" in form.text
    shown = await system.ask(n.PUBLIC_LIST, n.ListRef(list_id=LAG))
    assert form_for(form.text, f"/abonnieren/{LAG}")["consent_version"] == shown.consent_version
    assert unescape(shown.consent_text[:60]) in unescape(form.text)

    wrong = await press(http, form, f"/abonnieren/{LAG}", adresse="anna.example.org", name="Anna Beispiel")
    assert wrong.status_code == 422 and "<title>Fehler: " in wrong.text
    assert 'class="bn-error-summary"' in wrong.text and '<a href="#adresse">' in wrong.text
    assert 'value="anna.example.org"' in wrong.text and 'value="Anna Beispiel"' in wrong.text

    sent = await press(http, wrong, f"/abonnieren/{LAG}", adresse="anna@example.org", name="Anna Beispiel")
    assert sent.status_code == 200 and "Bitte prüfen Sie Ihr Postfach" in sent.text
    assert not (await members(system, LAG)).get("anna@example.org")  # nothing before the confirmation

    mail = await system.mail("anna@example.org", "Bitte bestätigen")
    page = await http.get(local(mail.link("bestaetigen")))
    assert page.status_code == 200
    assert (
        "„LAG Hartz IV Sachsen“" in page.text and "a…@example.org" in page.text and "anna@example.org" not in page.text
    )
    assert not (await members(system, LAG)).get("anna@example.org")  # the GET spent nothing
    done = await press(http, page, "/bestaetigen")
    assert done.status_code == 200 and "Wie es weitergeht" in done.text
    assert (await members(system, LAG))["anna@example.org"].status == "aktiv"
    again = await press(http, page, "/bestaetigen")
    assert again.status_code == 400 and "Link ungültig oder abgelaufen" in again.text

    # The welcome mail's "Meine Verteiler" link shows what is stored about her, readable and as a file.
    welcome = await system.mail("anna@example.org", "Willkommen")
    mine = await http.get(local(welcome.link("meine-verteiler")))
    assert mine.status_code == 200 and "LAG Hartz IV Sachsen" in mine.text
    export = await press(http, mine, "/meine-verteiler/auskunft")
    assert export.status_code == 200 and "Ihre gespeicherten Daten" in export.text
    for text in (
        "Einwilligung",
        shown.consent_version,
        "LAG Hartz IV Sachsen",
        "Mitglied",
        "jede Nachricht",
        "Mail an Sie",
        "Willkommen",
        "Zweck",
        "Aufbewahrung",
    ):
        assert text in unescape(export.text), text
    assert re.search(r">\d\d\.\d\d\.\d{4}, \d\d:\d\d<", export.text)  # times in German
    download = await press(http, export, "/meine-verteiler/auskunft.json")
    assert download.status_code == 200 and download.headers["content-disposition"].startswith("attachment;")
    data = json.loads(download.text)
    (mailing,) = [d for d in data["dienste"] if d["dienst"] == "Verteilerdienst"]
    (consent,) = [x["daten"] for x in mailing["eintraege"] if x["art"] == "Einwilligung"]
    assert data["adresse"] == "anna@example.org" and consent["fassung_einwilligungstext"] == shown.consent_version


async def test_unknown_list_is_a_german_404_without_a_form(system: WebSystem) -> None:
    missing = await system.http.get("/abonnieren/gibt-es-nicht")
    assert missing.status_code == 404 and "Verteiler nicht gefunden" in missing.text
    assert '<form method="post" action="/abonnieren' not in missing.text


async def test_meine_verteiler_delivery_leave_one_then_all(system: WebSystem) -> None:
    http = system.http
    for list_id in (LAG, BOARD):
        await system.ask(n.ADD_MEMBER, n.AddMember(list_id=list_id, moderator=OWNER, address="bernd@example.org"))
    welcome = await system.mail("bernd@example.org", "Willkommen")
    link = local(welcome.link("meine-verteiler"))
    page = await http.get(link)
    assert page.status_code == 200 and '<h1 class="bn-heading-l">Meine Verteiler</h1>' in page.text
    for text in (
        "LAG Hartz IV Sachsen",
        "Austausch der Beratungsstellen in Sachsen",
        "Landesvorstand",
        "jede Nachricht",
        "täglich gesammelt",
        "wöchentlich gesammelt",
        "bernd@example.org",
    ):
        assert text in page.text, text
    token = link.split("token=", 1)[1]
    assert form_for(page.text, "/meine-verteiler/zustellung", verteiler=LAG)["token"] == token  # hidden, not typed

    # Delivery: saved, then back to the page with a notice; the radio now shows the choice.
    saved = await press(
        http, page, "/meine-verteiler/zustellung", {"verteiler": LAG}, **{f"zustellung-{LAG}": "taeglich"}
    )
    assert saved.status_code == 303 and saved.headers["location"] == link
    page = await http.get(link)
    assert "Gespeichert: Aus dem Verteiler „LAG Hartz IV Sachsen“ bekommen Sie ab jetzt täglich gesammelt." in page.text
    assert f'id="zustellung-{LAG}-2" name="zustellung-{LAG}" type="radio" value="taeglich" checked' in page.text
    assert (await members(system, LAG))["bernd@example.org"].delivery == "taeglich"
    assert (await members(system, BOARD))["bernd@example.org"].delivery == "jede"
    none = await press(http, page, "/meine-verteiler/zustellung", {"verteiler": BOARD})
    assert none.status_code == 422 and f'<a href="#zustellung-{BOARD}">' in none.text

    # Leave one: a question first, then done; the other list stays.
    asked = await press(http, page, "/meine-verteiler/verlassen", {"verteiler": LAG})
    assert asked.status_code == 200 and "„LAG Hartz IV Sachsen“ verlassen?" in asked.text
    assert (await members(system, LAG))["bernd@example.org"].status == "aktiv"
    left = await press(http, asked, "/meine-verteiler/verlassen")
    assert left.status_code == 303
    page = await http.get(link)
    assert "Sie haben den Verteiler „LAG Hartz IV Sachsen“ verlassen." in page.text
    assert (await members(system, LAG))["bernd@example.org"].status == "abgemeldet"
    assert (await members(system, BOARD))["bernd@example.org"].status == "aktiv"
    assert not forms(page.text, "/meine-verteiler/zustellung")[0]["verteiler"] == LAG  # no settings for a list left

    # Leave all.
    asked = await press(http, page, "/meine-verteiler/verlassen", {"verteiler": ""})
    assert asked.status_code == 200 and "Alle Verteiler verlassen?" in asked.text and "Landesvorstand" in asked.text
    assert (await press(http, asked, "/meine-verteiler/verlassen")).status_code == 303
    page = await http.get(link)
    assert "Sie haben alle Ihre Verteiler verlassen." in page.text and page.text.count(">abgemeldet<") == 2
    assert (await members(system, BOARD))["bernd@example.org"].status == "abgemeldet"
    assert forms(page.text, "/meine-verteiler/zustellung") == []

    # Without the CSRF token nothing happens.
    forged = await http.post("/meine-verteiler/verlassen", data={"token": token, "bestaetigt": "ja"})
    assert forged.status_code == 403


async def test_address_change_is_confirmed_at_the_new_address(system: WebSystem) -> None:
    http = system.http
    for list_id in (LAG, BOARD):
        await system.ask(n.ADD_MEMBER, n.AddMember(list_id=list_id, moderator=OWNER, address="carla@example.org"))
    welcome = await system.mail("carla@example.org", "Willkommen")
    page = await http.get(local(welcome.link("meine-verteiler")))

    wrong = await press(http, page, "/meine-verteiler/adresse", neue_adresse="carla-at-example.net")
    assert wrong.status_code == 422 and '<a href="#neue_adresse">' in wrong.text
    assert 'value="carla-at-example.net"' in wrong.text
    same = await press(http, page, "/meine-verteiler/adresse", neue_adresse="carla@example.org")
    assert same.status_code == 409 and "Das ist schon Ihre Adresse." in same.text

    sent = await press(http, page, "/meine-verteiler/adresse", neue_adresse="carla@example.net")
    assert (
        sent.status_code == 200 and "Wir haben eine Mail an <strong>carla@example.net</strong> geschickt." in sent.text
    )
    assert set(await members(system, LAG)) >= {"carla@example.org"}  # nothing changes before the confirmation
    mail = await system.mail("carla@example.net", "")
    confirm = await http.get(local(mail.link("adresse-bestaetigen")))
    assert confirm.status_code == 200 and "c…@example.net" in confirm.text and "alle Ihre Verteiler" in confirm.text
    done = await press(http, confirm, "/adresse-bestaetigen")
    assert done.status_code == 200
    for list_id in (LAG, BOARD):
        found = await members(system, list_id)
        assert found["carla@example.net"].status == "aktiv" and "carla@example.org" not in found


async def test_link_by_request_says_the_same_for_known_and_unknown(system: WebSystem) -> None:
    http = system.http
    await system.ask(n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=OWNER, address="dora@example.org"))
    form = await http.get("/meine-verteiler/link")
    assert form.status_code == 200 and "Ihre E-Mail-Adresse" in form.text
    known = await press(http, form, "/meine-verteiler/link", adresse="dora@example.org")
    unknown = await press(http, form, "/meine-verteiler/link", adresse="niemand@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("dora@example.org", "X") == unknown.text.replace("niemand@example.org", "X")
    mail = await system.mail("dora@example.org", "Meine Verteiler")
    assert (await http.get(local(mail.link("meine-verteiler")))).status_code == 200
    assert system.smtp.mailbox.to("niemand@example.org") == []
    wrong = await press(http, form, "/meine-verteiler/link", adresse="dora")
    assert wrong.status_code == 422 and 'value="dora"' in wrong.text and '<a href="#adresse">' in wrong.text
    assert (await http.get("/meine-verteiler")).headers["location"] == "/meine-verteiler/link"


async def test_expired_or_forged_link_offers_a_new_one(system: WebSystem) -> None:
    http = system.http
    await system.ask(n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=OWNER, address="emil@example.org"))
    welcome = await system.mail("emil@example.org", "Willkommen")
    link = local(welcome.link("meine-verteiler"))
    forged = await http.get(link[:-6] + "AAAAAA")
    assert forged.status_code == 400 and "Link ungültig oder abgelaufen" in forged.text
    system.advance(timedelta(days=91))
    expired = await http.get(link)
    assert expired.status_code == 400 and "Link ungültig oder abgelaufen" in expired.text
    assert form_for(expired.text, "/meine-verteiler/link") and 'name="adresse"' in expired.text
    again = await press(http, expired, "/meine-verteiler/link", adresse="emil@example.org")
    assert again.status_code == 200 and "Bitte prüfen Sie Ihr Postfach" in again.text


async def test_unsubscribe_page_and_one_click(system: WebSystem) -> None:
    http = system.http
    for address in ("fritz@example.org", "gerda@example.org"):
        await system.ask(n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=OWNER, address=address))
    page = await http.get(local((await system.mail("fritz@example.org", "Willkommen")).link("abmelden")))
    assert page.status_code == 200 and "f…@example.org" in page.text and "„LAG Hartz IV Sachsen“" in page.text
    assert (await press(http, page, "/abmelden")).status_code == 200
    one_click = local((await system.mail("gerda@example.org", "Willkommen")).link("abmelden"))
    answer = await http.post(
        one_click, content=b"List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 200
    found = await members(system, LAG)
    assert found["fritz@example.org"].status == found["gerda@example.org"].status == "abgemeldet"
    # An unsubscribe link opened at the confirmation address is refused, not followed.
    assert (await http.get(one_click.replace("/abmelden", "/bestaetigen"))).status_code == 400


async def test_every_member_form_needs_the_csrf_token(system: WebSystem) -> None:
    for path in ("/meine-verteiler/link", f"/abonnieren/{LAG}", "/meine-verteiler/adresse"):
        assert (await system.http.post(path, data={"adresse": "x@example.org"})).status_code == 403
    assert (await form_post(system.http, "/meine-verteiler/link", {"adresse": "x@example.org"})).status_code == 200
