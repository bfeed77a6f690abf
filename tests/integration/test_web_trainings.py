"""The training pages (issue 17) over a real nats-server with the real registry, notifications and events services
(in-process) and the gateway in-process: a date with one seat fills its waiting list, a cancellation moves the next
person up (the service's message in the banner), attendance opens at the start and qualifies (the register shows
it); a trainer sees only their own date; "Meine Schulungen" by the mailed link registers and cancels, and an altered
link is simply not found."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from html import unescape

import pytest

from services.gateway.entrypoints.web.auth import roles
from shared.contracts import events as e
from shared.contracts import registry as r
from tests.web import form_post, signed_in, web_system

ADMIN = "landesbuero@beratungsnetz.example"
TRAINER = "trainerin@example.org"
LINK = re.compile(r"/meine-schulungen/([A-Za-z0-9_\-\.]+)")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


async def eventually(check, timeout: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (result := await check()):
        assert asyncio.get_running_loop().time() < deadline, "nicht rechtzeitig"
        await asyncio.sleep(0.1)
    return result


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, services=("notifications", "registry", "events")) as made:
        yield made


def new_date(system, **values) -> dict:
    day = system.clock.today() + timedelta(days=2)
    return {
        "art": "multiplikator", "titel": "Multiplikator:innen Dezember", "datum": f"{day:%d.%m.%Y}",
        "beginn": "18:00", "ende": "20:00", "form": "online", "ort": "Zugangslink per Mail", "plaetze": "1",
        "trainer_name": "Tina Trainerin", "trainer_email": TRAINER,
    } | values  # fmt: skip


async def plan(admin, system, **values) -> str:
    planned = await form_post(admin, "/verwaltung/schulungen", new_date(system, **values))
    assert planned.status_code == 303, text_of(planned.text)
    return planned.headers["location"]


def option(html: str, select: str, label: str) -> str:
    block = re.search(rf'<select[^>]*name="{select}".*?</select>', html, re.S).group(0)
    return unescape(re.search(rf'<option value="([^"]*)"[^>]*>{re.escape(label)}', block).group(1))


def participant_id(html: str, name: str) -> str:
    row = re.search(rf"{re.escape(name)}.*?name=\"teilnehmer\" value=\"([^\"]+)\"", html, re.S)
    assert row, f"keine Abmeldung für {name}"
    return row.group(1)


async def test_waiting_list_moving_up_attendance_and_qualification(system):
    admin = await signed_in(system, ADMIN)
    assert "Neuer Termin" in (await admin.get("/verwaltung/schulungen")).text
    wrong = await form_post(admin, "/verwaltung/schulungen", new_date(system, plaetze="0", kosten="viel"))
    assert wrong.status_code == 422
    assert "Zahl der Plätze" in wrong.text and "kein Betrag" in wrong.text

    path = await plan(admin, system)
    for name in ("Anna Beispiel", "Bernd Muster"):
        done = await form_post(
            admin, f"{path}/anmelden", {"name": name, "email": f"{name.split()[0].lower()}@example.org"}
        )
        assert done.status_code == 303
    page = await admin.get(path)
    shown = text_of(page.text)
    assert "Warteliste" in shown and "1 von 1 Platz belegt, 1 auf der Warteliste" in shown
    assert "Warteliste (Platz 1)" in shown
    listing = text_of((await admin.get("/verwaltung/schulungen")).text)
    assert "Multiplikator:innen Dezember" in listing and "18:00–20:00 Uhr" in listing

    cancelled = await form_post(admin, f"{path}/abmelden", {"teilnehmer": participant_id(page.text, "Anna Beispiel")})
    assert cancelled.status_code == 303
    after = text_of((await admin.get(path)).text)
    banner = after.split("Erledigt", 1)[1].split("Multiplikator:innen Dezember")[0]
    assert "Anna Beispiel" in banner and "Bernd Muster" in banner  # the service's message: who left, who moved up
    assert "1 von 1 Platz belegt" in after and "auf der Warteliste" not in after.split("Teilnehmende")[0]

    early = await admin.get(f"{path}/teilnahme")
    assert "erst eintragen, wenn der Termin begonnen hat" in text_of(early.text)
    assert 'name="teilgenommen"' not in early.text

    system.advance(timedelta(days=2, hours=20))  # the date has begun (and the session ended long ago)
    admin = await signed_in(system, ADMIN)
    form = (await admin.get(f"{path}/teilnahme")).text
    bernd = re.search(r'name="teilgenommen" type="checkbox" value="([^"]+)"', form).group(1)
    recorded = await form_post(admin, f"{path}/teilnahme", {"teilgenommen": [bernd]})
    assert recorded.status_code == 303
    banner = text_of((await admin.get(path)).text)
    assert "1 Person hat teilgenommen" in banner and "Bernd Muster" in banner

    async def qualified():
        page = text_of((await admin.get("/verwaltung/qualifikationen")).text)
        return page if "Bernd Muster" in page else None

    table = await eventually(qualified)
    assert "gültig" in table and "Erstberatung" in table


async def test_a_trainer_sees_only_their_own_date_and_no_admin_forms(system):
    admin = await signed_in(system, ADMIN)
    mine = await plan(admin, system, titel="Auffrischung Tina", art="multiplikator")
    other = await plan(admin, system, titel="Fremder Termin", trainer_email="jemand@example.org")
    await form_post(admin, f"{mine}/anmelden", {"name": "Anna Beispiel", "email": "anna@example.org"})

    person = await roles(system.app.state.web, TRAINER)
    assert person.has_role and "Auffrischung Tina" in person.trains.values()  # so the sign-in link is mailed
    trainer = await signed_in(system, TRAINER)
    tasks = text_of((await trainer.get("/aufgaben")).text)
    assert "Meine Schulungstermine" in tasks and "Auffrischung Tina" in tasks and "Fremder Termin" not in tasks
    listing = text_of((await trainer.get("/verwaltung/schulungen")).text)
    assert "Auffrischung Tina" in listing and "Fremder Termin" not in listing and "Neuer Termin" not in listing
    own = await trainer.get(mine)
    assert own.status_code == 200 and "Anna Beispiel" in own.text
    assert "anna@example.org" not in own.text and "Person anmelden" not in own.text and "Termin absagen" not in own.text
    assert (await trainer.get(other)).status_code == 403
    assert "erst eintragen, wenn der Termin begonnen hat" in text_of((await trainer.get(f"{mine}/teilnahme")).text)
    assert (await trainer.get(f"{other}/teilnahme")).status_code == 403
    refused = await form_post(trainer, f"{mine}/anmelden", {"name": "X Y", "email": "x@example.org"})
    assert refused.status_code == 403
    assert (await trainer.get("/verwaltung/qualifikationen")).status_code == 403

    no_reason = await form_post(admin, f"{other}/absagen", {"grund": ""})
    assert no_reason.status_code == 422 and "Bitte geben Sie einen Grund an" in text_of(no_reason.text)
    assert (await form_post(admin, f"{other}/absagen", {"grund": "Trainer krank"})).status_code == 303
    shown = text_of((await admin.get(other)).text)
    assert "„Fremder Termin“ ist abgesagt" in shown and "Termin absagen" not in shown


async def test_my_trainings_by_the_mailed_link(system):
    admin = await signed_in(system, ADMIN)
    path = await plan(admin, system, titel="Offener Termin", plaetze="3")
    training_id = path.rsplit("/", 1)[1]
    await system.ask(e.INVITE_PERSON, e.InvitePerson(name="Clara Neu", email="clara@example.org"))
    mail = await system.mail("clara@example.org", "")
    token = LINK.search(mail.message.get_body(("plain",)).get_content()).group(1)

    browser = system.browser()
    page = await browser.get(f"/meine-schulungen/{token}")
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "same-origin" and "noindex" in page.headers["x-robots-tag"]
    assert "Clara Neu" in page.text and "Offener Termin" in page.text
    joined = await form_post(browser, f"/meine-schulungen/{token}/anmelden", {"termin": training_id})
    assert joined.status_code == 303
    shown = text_of((await browser.get(f"/meine-schulungen/{token}")).text)
    assert "Ihre Anmeldungen" in shown and "angemeldet" in shown and "Offener Termin" in shown.split("Termine zum")[0]
    assert "Clara Neu" in text_of((await admin.get(path)).text)

    foreign = await form_post(
        browser, f"/meine-schulungen/{token}/abmelden", {"termin": training_id}, "https://evil.example"
    )
    assert foreign.status_code == 403
    nulled = await form_post(browser, f"/meine-schulungen/{token}/abmelden", {"termin": training_id}, "null")
    assert nulled.status_code == 403  # no origin named: refused like a foreign one, the token notwithstanding
    left = await form_post(browser, f"/meine-schulungen/{token}/abmelden", {"termin": training_id})
    assert left.status_code == 303
    assert "abgemeldet" in text_of((await browser.get(f"/meine-schulungen/{token}")).text)

    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    missing = await browser.get(f"/meine-schulungen/{altered}")
    assert missing.status_code == 404 and "Clara" not in missing.text
    no_csrf = await browser.post(f"/meine-schulungen/{token}/anmelden", data={"termin": training_id})
    assert no_csrf.status_code == 403


async def test_a_counsellor_picked_from_the_register_shows_their_qualification_at_the_office(system):
    office = await system.ask(r.REGISTER_OFFICE, r.RegisterOffice(
        name="Sozialberatung Aue", operator_kind="kreisverband", operator_name="KV Erzgebirge", street="Markt 1",
        postcode="08280", city="Aue", hours=["nach Vereinbarung"],
        counsellors=[r.CounsellorInput(name="Dana Rat", email="dana@example.org")]))  # fmt: skip
    admin = await signed_in(system, ADMIN)
    path = await plan(admin, system, plaetze="5")
    costs = {"kosten": "1.200,50 €", "antrag_bis": "01.11.2026", "kosten_status": "bewilligt", "notiz": "Antrag 17"}
    assert (await form_post(admin, f"{path}/kosten", costs)).status_code == 303
    wrong = await form_post(admin, f"{path}/kosten", costs | {"kosten": "zwölf"})
    assert wrong.status_code == 422 and "kein Betrag" in text_of(wrong.text)
    page = (await admin.get(path)).text
    assert "Erwartete Kosten 1.200,50 €" in text_of(page) and "Stand bewilligt" in text_of(page)
    picked = option(page, "beratende", "Dana Rat — Sozialberatung Aue")  # a name and an office, no id to type
    done = await form_post(admin, f"{path}/anmelden", {"beratende": picked})
    assert done.status_code == 303
    listed = text_of((await admin.get(path)).text)
    assert "dana@example.org" in listed and "Sozialberatung Aue" in listed.split("Teilnehmende")[-1]

    system.advance(timedelta(days=2, hours=20))
    admin = await signed_in(system, ADMIN)
    form = (await admin.get(f"{path}/teilnahme")).text
    dana = re.search(r'name="teilgenommen" type="checkbox" value="([^"]+)"', form).group(1)
    assert (await form_post(admin, f"{path}/teilnahme", {"teilgenommen": [dana]})).status_code == 303

    async def shown_at_office():
        page = text_of((await admin.get(f"/register/stellen/{office.office_id}")).text)
        return page if "qualifiziert für Erstberatung" in page else None

    at_office = await eventually(shown_at_office)
    assert re.search(r"Dana Rat .*qualifiziert für Erstberatung \(Multiplikator:in\) bis \d+\. \w+ 20\d\d", at_office)
    table = text_of((await admin.get("/verwaltung/qualifikationen")).text)
    assert "Dana Rat" in table and "Sozialberatung Aue" in table and "gültig" in table
    ending = text_of((await admin.get("/verwaltung/qualifikationen?nur=auslaufende")).text)
    assert "Dana Rat" not in ending and "Keine Qualifikation läuft bald aus" in ending

    system.advance(timedelta(days=170))  # some days before the six months end: within the registry's warning period
    admin = await signed_in(system, ADMIN)
    ending = text_of((await admin.get("/verwaltung/qualifikationen?nur=auslaufende")).text)
    assert "Dana Rat" in ending and re.search(r"Sozialberatung Aue\s*: Qualifikation läuft ab", ending)
    office_page = text_of((await admin.get(f"/register/stellen/{office.office_id}")).text)
    assert re.search(r"Qualifikation läuft am \d+\. \w+ 20\d\d ab", office_page)
