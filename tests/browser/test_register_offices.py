"""Journey 1, the register part, in a real browser: the state office signs in, registers an office in an MP's
constituency office with consultation hours (checked as understood before saving), counselling areas, two
counsellors and the supervising lawyer; then edits it, records a training, adds a counsellor, pauses it with a
reason and reads the history. Every page of the register is checked with axe-core; the main ones are photographed
(docs/screenshots/register-*.png)."""

from __future__ import annotations

import re

from services.gateway.config import GatewaySettings
from shared.contracts import registry as r
from tests.browser.support import System, axe_check, screenshot

ADMIN = GatewaySettings.model_fields["admin_address"].default  # the browser system's gateway keeps the default
OFFICE = "Sozialberatung im Wahlkreisbüro Döbeln"
TITLE = "{} – Beratungsnetz"


def look(page, name: str | None = None) -> None:
    axe_check(page)
    if name:
        screenshot(page, name)


def test_the_state_office_registers_an_office_in_the_browser(system: System, context) -> None:
    from playwright.sync_api import expect

    district = system.ask(r.ADD_DISTRICT, r.AddDistrict(name="Mittelsachsen", state="SN"))
    system.sign_in(context, ADMIN)
    page = context.new_page()

    page.goto(system.link("/aufgaben"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Register").click()
    expect(page).to_have_title(TITLE.format("Register: Beratungsstellen"))
    look(page, "register-liste")
    page.get_by_role("button", name="Beratungsstelle eintragen").click()
    expect(page).to_have_title(TITLE.format("Beratungsstelle eintragen"))
    look(page)

    page.get_by_label("Name der Beratungsstelle").fill(OFFICE)
    page.get_by_label("Büro einer/eines Abgeordneten").check()
    page.get_by_label("Name des Trägers").fill("Wahlkreisbüro Jana Beispiel, MdL")
    page.get_by_role("combobox", name="Kreisverband / Bezirk").select_option(label="Mittelsachsen (SN)")
    page.get_by_label("Straße und Hausnummer").fill("Obermarkt 5")
    page.get_by_label("Postleitzahl").fill("04720")
    page.get_by_label("Ort", exact=True).fill("Döbeln")
    page.get_by_label("Wegbeschreibung und Barrierefreiheit (freiwillig)").fill("Eingang am Markt, stufenlos")
    page.get_by_label("Sprechzeiten").fill("dienstags 14–17 Uhr, jeden 1. Montag im Monat 16–18 Uhr")
    page.get_by_label("SGB II / Bürgergeld").check()
    page.get_by_label("Kosten der Unterkunft").check()
    page.get_by_label("Sprachen (freiwillig)").fill("Deutsch, Russisch")
    page.locator("#berater-1-name").fill("Anna Beispiel")
    page.locator("#berater-1-email").fill("anna.doebeln@example.org")
    page.locator("#berater-1-veroeffentlichen").check()
    page.locator("#berater-1-schulung").fill("Grundkurs SGB II")
    page.locator("#berater-1-schulung_am").fill("15.10.2026")
    page.locator("#berater-2-name").fill("Bernd Muster")
    page.get_by_label("Name der anleitenden Rechtsanwältin oder des Rechtsanwalts (freiwillig)").fill(
        "RAin Clara Recht"
    )
    page.get_by_label("Anleitung seit").fill("1.9.2026")
    page.get_by_label("Die Befähigung zur Anleitung ist bestätigt").check()
    look(page, "register-neu")
    page.get_by_role("button", name="Weiter zur Prüfung").click()

    expect(page).to_have_title(TITLE.format("Angaben prüfen"))
    understood = page.locator("#sprechzeiten-verstanden")
    expect(understood).to_contain_text("dienstags 14–17 Uhr")
    expect(understood).to_contain_text("jeden 1. Montag im Monat 16–18 Uhr")
    look(page, "register-pruefen")
    assert not [o for o in system.ask(r.OFFICES, r.ListQuery()).offices if o.name == OFFICE]  # nothing stored yet
    page.get_by_role("button", name="Beratungsstelle eintragen").click()

    expect(page).to_have_title(TITLE.format(OFFICE))
    expect(page.get_by_role("alert")).to_contain_text(f"„{OFFICE}“ ist eingetragen.")
    office_id = re.search(r"/register/stellen/([0-9a-f-]{36})$", page.url).group(1)
    stored = system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))
    assert stored.operator_kind == "abgeordnetenbuero" and stored.district_id == district.district_id
    assert [c.name for c in stored.counsellors] == ["Anna Beispiel", "Bernd Muster"]
    assert stored.supervision.lawyer_name == "RAin Clara Recht" and stored.supervision.qualification_confirmed
    assert stored.areas == ["sgb2", "kdu"]
    expect(page.get_by_text("dienstags 14–17 Uhr; jeden 1. Montag im Monat 16–18 Uhr")).to_be_visible()
    expect(page.get_by_text("Büro einer/eines Abgeordneten: Wahlkreisbüro Jana Beispiel, MdL")).to_be_visible()
    look(page, "register-stelle")

    # edit: one more consultation hour
    page.get_by_role("link", name="Angaben ändern").click()
    look(page)
    page.get_by_label("Sprechzeiten").fill("dienstags 14–17 Uhr, jeden 1. Montag im Monat 16–18 Uhr, freitags 9–12 Uhr")
    page.get_by_role("button", name="Weiter zur Prüfung").click()
    expect(page.locator("#sprechzeiten-verstanden")).to_contain_text("freitags 9–12 Uhr")
    look(page)
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("sind gespeichert")

    # a training for Bernd, a third counsellor
    page.get_by_role("link", name="Schulung eintragen für Bernd Muster").click()
    look(page)
    page.get_by_label("Schulung").fill("Grundkurs SGB II")
    page.get_by_label("Datum").fill("20.11.2026")
    page.get_by_role("button", name="Schulung eintragen").click()
    expect(page.get_by_role("alert")).to_contain_text("Die Schulung von Bernd Muster ist eingetragen.")
    page.get_by_role("link", name="Berater:in hinzufügen").click()
    look(page, "register-beratende")
    page.get_by_label("Name", exact=True).fill("Cem Yilmaz")
    page.get_by_role("button", name="Berater:in hinzufügen").click()
    expect(page.get_by_role("alert")).to_contain_text("Cem Yilmaz berät jetzt")

    # the lawyer's page, then a pause with its reason
    page.get_by_role("link", name="Anleitung ändern").click()
    look(page, "register-anleitung")
    page.get_by_role("button", name="Anleitung speichern").click()
    page.get_by_label("Pausieren").check()
    page.get_by_label("Grund").fill("Sommerpause bis 31. August")
    page.get_by_role("button", name="Status ändern").click()
    expect(page.get_by_role("alert")).to_contain_text("ist pausiert")
    history = page.locator("table").filter(has_text="Verlauf")
    expect(history).to_contain_text("Grund: Sommerpause bis 31. August")
    expect(history).to_contain_text("Schulung eingetragen für Bernd Muster")
    expect(history).to_contain_text(ADMIN)
    look(page, "register-verlauf")
    assert system.ask(r.OFFICE, r.OfficeRef(office_id=office_id)).status == "pausiert"

    # the list finds it by postcode and shows it paused
    page.goto(system.link("/register/stellen?suche=04720"))
    expect(page.get_by_role("link", name=OFFICE)).to_be_visible()
    look(page)
