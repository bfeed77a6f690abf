"""Training pages (issue 17) in a real browser against the whole system as processes: the state office plans a date
with one seat through the form, registers two people (the second on the waiting list) and sees the participant list;
a person opens "Meine Schulungen" with the link from their mail, registers and cancels. axe-core checks every page;
screenshots `schulungen-*.png`."""

from __future__ import annotations

import re
from datetime import timedelta

from shared.contracts import events as e
from tests.browser.support import Sweep, System, axe_check, error_state, screenshot

LANDESBUERO = "landesbuero@beratungsnetz.example"
LINK = re.compile(r"/meine-schulungen/[A-Za-z0-9_\-\.]+")


def test_plan_a_date_fill_its_waiting_list_and_register_by_the_personal_link(system: System, new_context) -> None:
    from playwright.sync_api import expect

    admin = new_context()
    system.sign_in(admin, LANDESBUERO)
    page = admin.new_page()
    page.goto(system.link("/verwaltung/schulungen"))
    axe_check(page)
    day = system.clock.today() + timedelta(days=3)
    page.get_by_label("Multiplikator:innenschulung (online)").check()
    page.get_by_label("Titel").fill("Browser-Schulung")
    page.get_by_label("Datum").fill(f"{day:%d.%m.%Y}")
    page.get_by_label("Beginn (Uhrzeit)").fill("18:00")
    page.get_by_label("Ende (Uhrzeit)").fill("20:00")
    page.get_by_label("online", exact=True).check()
    page.get_by_label("Plätze").fill("1")
    page.get_by_role("button", name="Termin planen").click()
    expect(page.get_by_role("heading", name="Browser-Schulung", level=1)).to_be_visible()
    for name, address in (("Anna Browser", "anna.browser@example.org"), ("Bernd Browser", "bernd.browser@example.org")):
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("E-Mail-Adresse").fill(address)
        page.get_by_role("button", name="Anmelden", exact=True).click()
        expect(page.locator(".bn-notification-banner")).to_contain_text(name)
    expect(page.locator("#teilnehmende + table")).to_contain_text("Warteliste (Platz 1)")
    axe_check(page)
    screenshot(page, "schulungen-teilnehmende")

    system.ask(e.INVITE_PERSON, e.InvitePerson(name="Clara Browser", email="clara.browser@example.org"))
    mail = system.mail("clara.browser@example.org", "")
    path = LINK.search(mail.message.get_body(("plain",)).get_content()).group(0)
    person = new_context().new_page()
    person.goto(system.link(path))
    expect(person.get_by_role("heading", name="Meine Schulungen")).to_be_visible()
    axe_check(person)
    screenshot(person, "schulungen-meine")
    person.get_by_role("button", name=re.compile(r"^anmelden\s+für Browser-Schulung")).click()
    expect(person.locator(".bn-notification-banner")).to_contain_text("Warteliste")
    expect(person.locator("#anmeldungen + table")).to_contain_text("Warteliste (Platz 2)")
    axe_check(person)
    person.get_by_role("button", name=re.compile(r"^abmelden\s+von Browser-Schulung")).click()
    expect(person.locator("#anmeldungen + table")).to_contain_text("abgemeldet")
    screenshot(person, "schulungen-meine-abgemeldet")


def test_every_training_page_in_its_states_has_no_axe_finding(system: System, new_context) -> None:
    """As tests/browser/test_accessibility.py does: any axe finding fails, also a moderate or minor one."""
    from playwright.sync_api import expect

    sweep = Sweep()
    admin = new_context()
    system.sign_in(admin, LANDESBUERO)
    page = admin.new_page()
    sweep.visit(page, system, "/verwaltung/schulungen", "Schulungen")
    page.get_by_role("button", name="Termin planen").click()  # sent empty
    error_state(page)
    sweep.check(page, "Schulungen, neuer Termin leer (Fehler)")
    day = system.clock.today() + timedelta(days=4)
    page.get_by_label("Titel").fill("Axe-Seminartag")
    page.get_by_label("Seminartag für Berater:innen").check()
    page.get_by_label("Datum").fill(f"{day:%d.%m.%Y}")
    page.get_by_label("Beginn (Uhrzeit)").fill("10:00")
    page.get_by_label("Ende (Uhrzeit)").fill("16:00")
    page.get_by_label("vor Ort").check()
    page.get_by_label("Ort oder Hinweis zur Teilnahme").fill("Großer Saal, Leipzig")
    page.get_by_label("Plätze").fill("2")
    page.get_by_label("Erwartete Kosten in Euro (bei Seminartagen)").fill("120")
    page.get_by_role("button", name="Termin planen").click()
    expect(page.get_by_role("heading", name="Axe-Seminartag", level=1)).to_be_visible()
    sweep.check(page, "Termin, geplant (Hinweis)")
    base = page.url.removeprefix(system.url)
    page.get_by_role("button", name="Anmelden", exact=True).click()  # nobody named
    error_state(page)
    sweep.check(page, "Termin, Person anmelden leer (Fehler)")
    sweep.visit(page, system, f"{base}/teilnahme", "Teilnahme, noch nicht offen")
    sweep.visit(page, system, "/verwaltung/qualifikationen", "Qualifikationen")
    sweep.visit(page, system, "/verwaltung/qualifikationen?nur=auslaufende", "Qualifikationen, nur auslaufende")
    person = new_context().new_page()
    sweep.visit(person, system, "/meine-schulungen/kaputt.kaputt", "Meine Schulungen, unbekannter Link", 404)
    sweep.done()
