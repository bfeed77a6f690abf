"""Journey 1 in a real browser, as one story (issue 16): the state office signs in by mail, reads in the office list
from an Excel file with one faulty row (dry run, then apply with its progress page), sees on the coverage page that
a district has no office yet, follows that line to the form (the district already chosen) and registers an office in
an MP's constituency office with consultation hours, counselling areas, two counsellors and the supervising lawyer;
then finds it as a person in need does on the public directory (by postcode and by area) and sees the coverage page
change: the district is no longer without an office, and the new office has no gap. axe-core checks every page on
the way (the sign-in pages are checked in test_accessibility)."""

from __future__ import annotations

import io
import re
import time

from openpyxl import Workbook

from services.gateway.config import GatewaySettings
from shared.contracts import registry as r
from tests.browser.support import System, axe_check

ADMIN = GatewaySettings.model_fields["admin_address"].default  # the browser system's gateway keeps the default
DISTRICT = "Nordsachsen"
OFFICE = "Sozialberatung im Wahlkreisbüro Torgau"
TITLE = "{} – Beratungsnetz"
HEAD = ["Name", "Trägerart", "Träger", "Straße", "PLZ", "Ort", "Sprechzeiten", "Beratungsfelder", "RDG-Anleitung",
        "RDG-seit", "RDG-bestätigt"]  # fmt: skip
ROWS = 300  # enough that applying them takes a moment: the progress page shows before the result


def office_list() -> bytes:
    """The state office's list as people keep it: an Excel sheet, one row per office, one of them faulty."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for i in range(ROWS):
        sheet.append([f"Sprechstunde Reise {i:03d}", "kreisverband", "KV Reise", f"Gasse {i}", f"{30000 + i:05d}",
                      "Reisestadt", "mittwochs 10–12 Uhr", "Bürgergeld", "RA Gerd Anleiter", "1.6.2026", "ja"])  # fmt: skip
        if i == 41:
            sheet.append(["Stelle ohne Postleitzahl", "kreisverband", "KV Reise", "Gasse 99", "", "Reisestadt"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def until_shown(page, step, shown, timeout: float = 10) -> None:
    """The gateway holds the public directory for a moment after a change: do `step` again until `shown()`."""
    deadline = time.monotonic() + timeout
    while True:
        step()
        if shown() or time.monotonic() > deadline:
            return
        time.sleep(0.3)


def test_journey_1_the_state_office_keeps_the_register(system: System, new_context, tmp_path) -> None:
    from playwright.sync_api import expect

    district = system.ask(r.ADD_DISTRICT, r.AddDistrict(name=DISTRICT, state="SN"))
    page = new_context().new_page()

    # 1. The state office signs in with the link from its mail and opens the register.
    system.sign_in_by_mail(page, ADMIN)
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    axe_check(page)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Register").click()
    expect(page).to_have_title(TITLE.format("Register: Beratungsstellen"))
    axe_check(page)

    # 2. It reads in its Excel list: a dry run first (one faulty row, with its line and why), then applies it.
    page.get_by_role("link", name="Liste importieren (CSV oder Excel)").click()
    expect(page).to_have_title(TITLE.format("Liste der Beratungsstellen einlesen"))
    axe_check(page)
    upload = tmp_path / "beratungsstellen.xlsx"
    upload.write_bytes(office_list())
    page.get_by_label("Datei mit der Liste").set_input_files(str(upload))
    page.get_by_role("button", name="Probelauf starten").click()
    expect(page.get_by_role("heading", name="Was der Import tun würde")).to_be_visible(timeout=30_000)
    faulty = page.locator("#fehlerhaft")
    expect(faulty.get_by_role("row")).to_have_count(2)  # the header and the one faulty row
    expect(faulty).to_contain_text("44")  # its row in the sheet: header, 42 good rows before it
    expect(faulty).to_contain_text("Postleitzahl")
    expect(page.locator("#neu")).to_contain_text("Sprechstunde Reise 000")
    axe_check(page)
    assert not [o for o in system.ask(r.OFFICES, r.ListQuery()).offices if o.name.startswith("Sprechstunde Reise")]
    page.get_by_role("button", name="Übernehmen").click()
    expect(page.get_by_role("heading", name="Import läuft")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Zeilen")
    axe_check(page)
    expect(page.get_by_role("heading", name="Was eingelesen wurde")).to_be_visible(timeout=60_000)
    imported = page.get_by_role("link", name="Sprechstunde Reise 000")
    expect(imported).to_have_attribute("href", re.compile(r"^/register/stellen/[0-9a-f-]{36}$"))
    axe_check(page)
    stored = [o for o in system.ask(r.OFFICES, r.ListQuery()).offices if o.name.startswith("Sprechstunde Reise")]
    assert len(stored) == ROWS and all(o.supervision and o.supervision.qualification_confirmed for o in stored)
    assert "Stelle ohne Postleitzahl" not in {o.name for o in system.ask(r.OFFICES, r.ListQuery()).offices}

    # 3. The coverage page: the district has no office yet; its line leads to the form with the district chosen.
    page.get_by_role("link", name="Zur Abdeckung des Netzes").click()
    expect(page).to_have_title(TITLE.format("Abdeckung des Netzes"))
    uncovered = page.locator("#kreis_ohne_stelle + table")
    line = uncovered.get_by_role("row", name=DISTRICT)
    expect(line).to_be_visible()
    axe_check(page)
    line.get_by_role("link", name=re.compile("^Beratungsstelle eintragen")).click()
    expect(page).to_have_title(TITLE.format("Beratungsstelle eintragen"))
    expect(page.get_by_role("combobox", name="Kreisverband / Bezirk")).to_have_value(district.district_id)
    axe_check(page)

    # 4. It registers the office in an MP's constituency office: hours as typed, areas, two counsellors, the lawyer.
    page.get_by_label("Name der Beratungsstelle").fill(OFFICE)
    page.get_by_label("Büro einer/eines Abgeordneten").check()
    page.get_by_label("Name des Trägers").fill("Wahlkreisbüro Max Beispiel, MdB")
    page.get_by_label("Straße und Hausnummer").fill("Markt 3")
    page.get_by_label("Postleitzahl").fill("04860")
    page.get_by_label("Ort", exact=True).fill("Torgau")
    page.get_by_label("Wegbeschreibung und Barrierefreiheit (freiwillig)").fill("Eingang am Markt, stufenlos")
    page.get_by_label("Sprechzeiten").fill("donnerstags 15–18 Uhr, jeden 2. Samstag im Monat 10–12 Uhr")
    page.get_by_label("SGB II / Bürgergeld").check()
    page.get_by_label("Energiearmut").check()
    page.get_by_label("Sprachen (freiwillig)").fill("Deutsch, Polnisch")
    page.locator("#berater-1-name").fill("Doris Beispiel")
    page.locator("#berater-1-veroeffentlichen").check()
    page.locator("#berater-1-schulung").fill("Grundkurs SGB II")
    page.locator("#berater-1-schulung_am").fill("15.10.2026")
    page.locator("#berater-2-name").fill("Emil Muster")
    page.locator("#berater-2-schulung").fill("Grundkurs Energiearmut")
    page.locator("#berater-2-schulung_am").fill("2.11.2026")
    page.get_by_label("Name der anleitenden Rechtsanwältin oder des Rechtsanwalts (freiwillig)").fill("RA Felix Recht")
    page.get_by_label("Anleitung seit").fill("1.10.2026")
    page.get_by_label("Die Befähigung zur Anleitung ist bestätigt").check()
    page.get_by_role("button", name="Weiter zur Prüfung").click()
    expect(page).to_have_title(TITLE.format("Angaben prüfen"))
    understood = page.locator("#sprechzeiten-verstanden")
    expect(understood).to_contain_text("donnerstags 15–18 Uhr")
    expect(understood).to_contain_text("jeden 2. Samstag im Monat 10–12 Uhr")
    axe_check(page)
    page.get_by_role("button", name="Beratungsstelle eintragen").click()
    expect(page).to_have_title(TITLE.format(OFFICE))
    expect(page.get_by_role("alert")).to_contain_text(f"„{OFFICE}“ ist eingetragen.")
    expect(page.get_by_role("main")).to_contain_text(f"{DISTRICT} (SN)")
    axe_check(page)
    office_id = re.search(r"/register/stellen/([0-9a-f-]{36})$", page.url).group(1)
    saved = system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))
    assert saved.operator_kind == "abgeordnetenbuero" and saved.district_id == district.district_id
    assert [c.name for c in saved.counsellors] == ["Doris Beispiel", "Emil Muster"]
    assert saved.supervision.lawyer_name == "RA Felix Recht" and saved.supervision.qualification_confirmed
    assert saved.areas == ["sgb2", "energie"]

    # 5. Its public page, from the register; then found as a person in need finds it: by postcode, by area.
    public = new_context().new_page()  # nobody signed in
    until_shown(
        public,
        lambda: public.goto(system.link(f"/verzeichnis/{office_id}")),
        lambda: public.get_by_role("heading", level=1, name=OFFICE).count() > 0,
    )
    assert page.get_by_role("link", name="Im öffentlichen Verzeichnis ansehen").get_attribute("href") == (
        f"/verzeichnis/{office_id}"
    )
    main = public.get_by_role("main")
    expect(main).to_contain_text("Markt 3, 04860 Torgau")
    expect(main).to_contain_text("Doris Beispiel")
    expect(main).not_to_contain_text("Emil Muster")  # his name is not to be published
    axe_check(public)
    public.goto(system.link("/verzeichnis"))
    public.get_by_label("Ort oder Postleitzahl").fill("04860")
    public.get_by_role("button", name="Beratungsstellen suchen").click()
    expect(public.get_by_role("link", name=OFFICE)).to_be_visible()
    expect(public.get_by_role("heading", level=2, name="1 Beratungsstelle gefunden")).to_be_visible()
    axe_check(public)
    public.goto(system.link("/verzeichnis"))
    public.get_by_role("group", name="Wobei brauchen Sie Hilfe?").get_by_label("Energiearmut").check()
    public.get_by_role("button", name="Beratungsstellen suchen").click()
    expect(public.get_by_role("link", name=OFFICE)).to_be_visible()
    expect(public.get_by_role("link", name="Sprechstunde Reise 000")).to_have_count(0)  # Bürgergeld only
    axe_check(public)
    public.get_by_role("link", name=OFFICE).click()
    expect(public.get_by_role("heading", level=1)).to_have_text(OFFICE)

    # 6. The coverage page has changed: the district has its office, and the new office shows no gap.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Abdeckung").click()
    expect(page).to_have_title(TITLE.format("Abdeckung des Netzes"))
    expect(page.get_by_role("main")).not_to_contain_text(DISTRICT)
    expect(page.get_by_role("main")).not_to_contain_text(OFFICE)
    expect(page.get_by_role("row", name="Sprechstunde Reise 000").first).to_be_visible()  # imported: gaps remain
    axe_check(page)
