"""The survey pages (issue 17) over a real nats-server, the real registry, notifications and action planning
(in-process), a real SMTP server and the gateway app in-process: a campaign of each kind from the form, the personal
link taken from the mail, a draft, a submitted answer, the review that changes the register, the downloads parsed,
the board's dashboard and "Meine Aufgaben"; a wrong link is a German 404 page, a form without token is refused."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from openpyxl import load_workbook

from shared.clock import BERLIN
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.web import ORIGIN, csrf_token, form_post, signed_in, web_system

ADMIN = "landesbuero@beratungsnetz.example"  # the gateway's admin_address
BOARD = "vorstand@example.org"
LAG = "lag-hartz-iv-sachsen"
KATHRIN = "kathrin@example.org"
OFFICE_MAIL = "plauen@example.org"
CAMPAIGN_PATH = re.compile(r"^/verwaltung/erhebungen/([^/]+)$")
SURVEY_LINK = re.compile(r"https?://[^\s/]+(/umfrage/[A-Za-z0-9_\-.]+)")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, services=("notifications", "registry", "events")) as made:
        made.vogtland = await made.ask(r.ADD_DISTRICT, r.AddDistrict(name="Vogtland", state="SN"))
        made.office = await made.ask(
            r.REGISTER_OFFICE,
            r.RegisterOffice(
                name="Wahlkreisbüro Plauen",
                operator_kind="abgeordnetenbuero",
                operator_name="Jana Beispiel, MdL",
                street="Bahnhofstraße 12",
                postcode="08523",
                city="Plauen",
                email=OFFICE_MAIL,
                hours=["dienstags 14–17 Uhr"],
                district_id=made.vogtland.district_id,
            ),
        )
        await made.sessions.grant(BOARD, "vorstand", ADMIN, made.clock.now())
        made.today = made.clock.now().astimezone(BERLIN).date()
        yield made


def day(value) -> str:
    return f"{value.day}.{value.month}.{value.year}"


async def create(system, admin, files=None, **fields) -> str:
    form = {
        "titel": "Erhebung Sozialberatung 2026",
        "art": "bueros",
        "beginn": day(system.today),
        "ende": day(system.today + timedelta(days=30)),
        "einleitung": "Bitte antworten Sie bis Monatsende.",
        "register": "ja",
    } | fields
    made = await admin.post(
        "/verwaltung/erhebungen",
        data={"csrf_token": await csrf_token(admin), **form},
        files=files or {"datei": ("", b"", "application/octet-stream")},
        headers={"Origin": ORIGIN},
    )
    assert made.status_code == 303, text_of(made.text)
    found = CAMPAIGN_PATH.match(made.headers["location"])
    assert found, made.headers["location"]
    return found.group(1)


async def survey_path(system, address: str) -> str:
    mail = await system.mail(address, "Umfrage:")
    found = SURVEY_LINK.search(mail.text)
    assert found, mail.text
    return found.group(1)


async def test_an_office_campaign_from_form_to_register(system) -> None:
    admin = await signed_in(system, ADMIN)
    listing = await admin.get("/verwaltung/erhebungen")
    assert listing.status_code == 200 and "Neue Erhebung" in listing.text
    assert 'href="/verwaltung/erhebungen"' in listing.text  # in the navigation

    extra = "Name;E-Mail;Büro;Ort\nBernd Muster;buergerbuero@example.org;Bürgerbüro Zwickau;Zwickau\n"
    campaign_id = await create(system, admin, files={"datei": ("weitere.csv", extra.encode(), "text/csv")})
    shown = await admin.get(f"/verwaltung/erhebungen/{campaign_id}")
    assert shown.status_code == 200
    page = text_of(shown.text)
    assert "Erhebung angelegt, 2 Einladungen verschickt." in page
    assert "0 von 2 (0 %)" in page and "Vogtland" in page and "Bürgerbüro Zwickau" in page

    path = await survey_path(system, OFFICE_MAIL)
    person = system.browser()  # no sign-in
    form = await person.get(path)
    assert form.status_code == 200, form.text
    assert form.headers["referrer-policy"] == "same-origin" and "noindex" in form.headers["x-robots-tag"]
    assert form.headers["cache-control"] == "no-store"
    assert '<meta name="robots" content="noindex, nofollow">' in form.text
    assert "dienstags 14–17 Uhr" in form.text  # prefilled from the register
    assert not re.search(r'(src|href)="https?://', form.text)  # nothing from other hosts: the token stays here

    wrong = await form_post(
        person, path, {"beratung": "ja", "email": "kein-at", "anmerkungen": "Bitte behalten", "aktion": "speichern"}
    )
    assert wrong.status_code == 422
    assert "bn-error-summary" in wrong.text and "Bitte behalten" in wrong.text and "kein-at" in wrong.text

    draft = await form_post(
        person, path, {"beratung": "ja", "sprechzeiten": "dienstags 14–17 Uhr", "aktion": "speichern"}
    )
    assert draft.status_code == 303 and draft.headers["location"] == path
    again = await person.get(path)
    assert "Zwischengespeichert" in text_of(again.text)
    assert "Entwurf" in text_of((await admin.get(f"/verwaltung/erhebungen/{campaign_id}")).text)

    answer = {
        "beratung": "ja",
        "wie_oft": "jede Woche",
        "durch_wen": "Anna Beispiel\r\nBernd Muster",
        "sprechzeiten": "dienstags 14–17 Uhr\r\ndonnerstags 10–12 Uhr",
        "themen": ["sgb2", "kdu"],
        "telefon": "03741 123456",
        "email": OFFICE_MAIL,
        "veroeffentlichen": "ja",
        "anmerkungen": "",
        "aktion": "absenden",
    }
    sent = await form_post(person, path, answer)
    assert sent.status_code == 303, text_of(sent.text)
    assert "Ihre Antwort ist abgegeben" in text_of((await person.get(path)).text)

    tasks = text_of((await admin.get("/aufgaben")).text)
    assert "1 Antwort aus Erhebungen zu prüfen" in tasks

    review = await admin.get(f"/verwaltung/erhebungen/{campaign_id}/antworten")
    assert review.status_code == 200
    assert "Bisher" in review.text and "Neu" in review.text and "donnerstags" in review.text
    change_ids = [
        unescape(x) for x in re.findall(r'name="aenderung" type="checkbox" value="([^"]+)" checked', review.text)
    ]
    assert change_ids
    recipient_id = re.search(r'name="empfaenger" value="([^"]+)"', review.text).group(1)
    nothing = await form_post(
        admin,
        f"/verwaltung/erhebungen/{campaign_id}/antworten",
        {"empfaenger": recipient_id, "entscheidung": "uebernehmen", "hat_aenderungen": "ja"},
    )
    assert nothing.status_code == 422 and "mindestens eine Änderung" in nothing.text
    decided = await form_post(
        admin,
        f"/verwaltung/erhebungen/{campaign_id}/antworten",
        {"empfaenger": recipient_id, "entscheidung": "uebernehmen", "aenderung": change_ids},
    )
    assert decided.status_code == 303
    after = text_of((await admin.get(decided.headers["location"])).text)
    assert "Übernommen ins Register" in after and "Keine Antwort wartet auf Ihre Prüfung." in after
    office = await system.ask(r.OFFICE, r.OfficeRef(office_id=system.office.office_id))
    assert len(office.hours) == 2 and {c.name for c in office.counsellors} >= {"Anna Beispiel", "Bernd Muster"}

    table = await admin.get(f"/verwaltung/erhebungen/{campaign_id}/ergebnisse.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    head, found = rows[0], {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert head[:3] == ["Name", "E-Mail", "Büro"] and len(found) == 2
    assert found[OFFICE_MAIL]["Antwort"] == "abgegeben" and found[OFFICE_MAIL]["Prüfung"] == "übernommen"
    assert found[OFFICE_MAIL]["Themen"] == "SGB II / Bürgergeld; Kosten der Unterkunft"
    assert found["buergerbuero@example.org"]["Antwort"] == "keine Antwort"
    sheet = await admin.get(f"/verwaltung/erhebungen/{campaign_id}/ergebnisse.xlsx")
    assert sheet.status_code == 200
    cells = [[c.value for c in row] for row in load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows()]
    assert cells[0][:3] == ["Name", "E-Mail", "Büro"] and len(cells) == 3
    assert any(row[1] == OFFICE_MAIL and "abgegeben" in row for row in cells[1:])

    board = await signed_in(system, BOARD)
    lage = text_of((await board.get("/lage")).text)
    assert "Erhebungen" in lage and "Erhebung Sozialberatung 2026" in lage and "1 von 2 (50 %)" in lage
    assert "Beratungsstellen mit auslaufender Qualifikation" in lage
    assert (await board.get("/verwaltung/erhebungen")).status_code == 403


async def test_a_wrong_link_is_a_german_404_and_forms_need_their_token(system) -> None:
    admin = await signed_in(system, ADMIN)
    campaign_id = await create(system, admin)
    path = await survey_path(system, OFFICE_MAIL)
    person = system.browser()
    for wrong in (path[:-3] + "abc", "/umfrage/nichts", "/umfrage/" + "x" * 500):
        missing = await person.get(wrong)
        assert missing.status_code == 404, wrong
        assert "Diesen Umfrage-Link kennen wir nicht" in missing.text and "Erhebung Sozialberatung" not in missing.text
        assert missing.headers["referrer-policy"] == "same-origin" and "noindex" in missing.headers["x-robots-tag"]
    await person.get(path)
    refused = await person.post(path, data={"beratung": "ja", "aktion": "absenden"}, headers={"Origin": ORIGIN})
    assert refused.status_code == 403 and "Formular ist abgelaufen" in refused.text
    foreign = await form_post(person, path, {"beratung": "ja", "aktion": "absenden"}, origin="https://evil.example")
    assert foreign.status_code == 403
    # a post that names no origin is refused like a foreign one, even with the right token (the page's referrer
    # policy "same-origin" lets the browser name it)
    token = await csrf_token(person, path)
    nulled = await person.post(
        path, data={"csrf_token": token, "beratung": "ja", "aktion": "absenden"}, headers={"Origin": "null"}
    )
    assert nulled.status_code == 403
    sent = await form_post(person, path, {"beratung": "ja", "aktion": "absenden"})
    assert sent.status_code == 303, text_of(sent.text)
    assert (await admin.post(f"/verwaltung/erhebungen/{campaign_id}/antworten", data={})).status_code == 403

    system.advance(timedelta(days=40))  # after the end: read-only
    ended = await person.get(path)
    assert ended.status_code == 200 and "Die Erhebung ist beendet" in ended.text
    assert 'name="aktion"' not in ended.text and "Ihre Antwort" in ended.text


async def test_the_new_campaign_form_says_what_is_wrong_and_creates_nothing(system) -> None:
    admin = await signed_in(system, ADMIN)
    empty = await form_post(admin, "/verwaltung/erhebungen", {"titel": "", "beginn": "morgen", "ende": ""})
    assert empty.status_code == 422
    page = text_of(empty.text)
    assert "Bitte geben Sie der Erhebung einen Titel." in page and "kein Datum" in page
    bad = "Name;E-Mail\nAnna;anna@\n;\n"
    refused = await admin.post(
        "/verwaltung/erhebungen",
        data={
            "csrf_token": await csrf_token(admin),
            "titel": "Mit Datei",
            "art": "bueros",
            "beginn": day(system.today),
            "ende": day(system.today + timedelta(days=3)),
        },
        files={"datei": ("liste.csv", bad.encode(), "text/csv")},
        headers={"Origin": ORIGIN},
    )
    assert refused.status_code == 422
    assert "Zeile 2: „anna@“ ist keine gültige E-Mail-Adresse." in text_of(refused.text)
    assert (await system.ask(r.CAMPAIGNS, r.ListQuery())).campaigns == []


async def test_members_and_districts_campaigns_and_the_interested(system) -> None:
    admin = await signed_in(system, ADMIN)
    await system.ask(
        n.CREATE_LIST,
        n.CreateList(name="LAG Hartz IV Sachsen", policy="moderiert", owner_address=KATHRIN, owner_name="Kathrin"),
    )
    await system.ask(
        n.ADD_MEMBER,
        n.AddMember(list_id=LAG, moderator="test", admin=True, address="anna@example.org", display_name="Anna"),
    )
    members_id = await create(system, admin, titel="Mitmachen in der Sozialberatung", art="mitglieder", verteiler=LAG)
    shown = text_of((await admin.get(f"/verwaltung/erhebungen/{members_id}")).text)
    assert "Mitglieder" in shown and "Anna" in shown

    path = await survey_path(system, "anna@example.org")
    person = system.browser()
    form = await person.get(path)
    assert 'name="interesse"' in form.text and 'name="beratung"' not in form.text
    sent = await form_post(
        person,
        path,
        {"interesse": "ja", "verfuegbarkeit": "abends", "region": "Plauen", "kontakt": "ja", "aktion": "absenden"},
    )
    assert sent.status_code == 303, text_of(sent.text)

    people = await admin.get("/verwaltung/interessierte")
    assert people.status_code == 200 and "anna@example.org" in people.text and "Zur Schulung einladen" in people.text
    assert "Plauen" in text_of(people.text)

    zwickau = await system.ask(r.ADD_DISTRICT, r.AddDistrict(name="Zwickau", state="SN"))
    await system.ask(
        r.FORM_GROUP,
        r.FormGroup(
            name="Zwickau",
            state="SN",
            district_ids=[zwickau.district_id],
            coordinator=r.CoordinatorInput(name="Karl Koordinator", email="karl@example.org"),
        ),
    )
    districts_id = await create(system, admin, titel="Ansprache der Kreisverbände", art="kreisverbaende", register="")
    assert districts_id != members_id
    district_form = await system.browser().get(await survey_path(system, "karl@example.org"))
    assert 'name="geplant"' in district_form.text and 'name="hilfe"' in district_form.text


async def test_nobody_but_the_state_office_sees_the_campaigns(system) -> None:
    stranger = await signed_in(system, "gudrun@example.org")
    for path in ("/verwaltung/erhebungen", "/verwaltung/interessierte"):
        assert (await stranger.get(path)).status_code == 403
    anonymous = await system.http.get("/verwaltung/erhebungen")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/anmelden")


async def test_the_interested_are_invited_and_registered_for_a_training(system) -> None:
    admin = await signed_in(system, ADMIN)
    await system.ask(
        n.CREATE_LIST,
        n.CreateList(name="LAG Hartz IV Sachsen", policy="moderiert", owner_address=KATHRIN, owner_name="Kathrin"),
    )
    await system.ask(
        n.ADD_MEMBER,
        n.AddMember(list_id=LAG, moderator="test", admin=True, address="anna@example.org", display_name="Anna"),
    )
    await create(system, admin, titel="Mitmachen in der Sozialberatung", art="mitglieder", verteiler=LAG)
    path = await survey_path(system, "anna@example.org")
    sent = await form_post(system.browser(), path, {"interesse": "ja", "kontakt": "ja", "aktion": "absenden"})
    assert sent.status_code == 303, text_of(sent.text)
    start = system.clock.now() + timedelta(days=10)
    training = await system.ask(
        e.PLAN_TRAINING,
        e.PlanTraining(kind="multiplikator", start=start, end=start + timedelta(hours=3), online=True, capacity=10),
    )
    people = await admin.get("/verwaltung/interessierte")
    assert people.status_code == 200 and "anna@example.org" in people.text and "Zur Schulung einladen" in people.text
    assert f'value="{training.training_id}"' in people.text
    invited = await form_post(
        admin, "/verwaltung/interessierte/einladen", {"name": "Anna", "email": "anna@example.org"}
    )
    assert invited.status_code == 303
    assert "Anna:" in text_of((await admin.get("/verwaltung/interessierte")).text)
    registered = await form_post(
        admin,
        "/verwaltung/interessierte/anmelden",
        {"name": "Anna", "email": "anna@example.org", "termin": training.training_id},
    )
    assert registered.status_code == 303
    assert "angemeldet" in text_of((await admin.get("/verwaltung/interessierte")).text)
