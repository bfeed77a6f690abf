"""The state office's register pages (issue 16) in a real browser against the whole system as processes: an Excel
file with one faulty row is read in (dry run, then apply, the progress page shown while the registry works), a
regional group is formed and its list with the coordinator's moderation appears, board access is granted and the
board member signs in by mail and sees the Lage. axe-core checks every page; screenshots `verwaltung-*.png`."""

from __future__ import annotations

import io
import time

from openpyxl import Workbook

from tests.browser.support import System, axe_check, screenshot

LANDESBUERO = "landesbuero@beratungsnetz.example"
COORDINATOR = "greta.gruppe@example.org"
BOARD = "bernd.vorstand@example.org"
HEAD = ["Name", "Trägerart", "Träger", "Straße", "PLZ", "Ort", "Sprechzeiten", "Beratungsfelder"]


def office_list(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for i in range(rows):
        sheet.append([f"Browser-Stelle {i:03d}", "kreisverband", "KV Test", f"Weg {i}", f"{20000 + i:05d}", "Ort",
                      "dienstags 14–17 Uhr", "Bürgergeld"])  # fmt: skip
    sheet.append(["Kaputte Stelle", "kreisverband", "KV Test", "Weg 1", "4107", "Ort", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_regions_and_access_in_the_browser(system: System, new_context, tmp_path) -> None:
    from playwright.sync_api import expect

    admin = new_context()
    system.sign_in(admin, LANDESBUERO)
    page = admin.new_page()

    # 1. Import an Excel file with one faulty row: dry run, then apply with its progress.
    page.goto(system.link("/register/import"))
    axe_check(page)
    screenshot(page, "verwaltung-import")
    upload = tmp_path / "beratungsstellen.xlsx"
    upload.write_bytes(office_list(400))
    page.get_by_label("Datei mit der Liste").set_input_files(str(upload))
    page.get_by_role("button", name="Probelauf starten").click()
    expect(page.get_by_role("heading", name="Was der Import tun würde")).to_be_visible(timeout=60_000)
    expect(page.locator("#fehlerhaft")).to_contain_text("402")  # the sheet's row of the faulty line
    expect(page.locator("#fehlerhaft")).to_contain_text("Postleitzahl „4107“")
    axe_check(page)
    screenshot(page, "verwaltung-import-probelauf")
    page.get_by_role("button", name="Übernehmen").click()
    expect(page.get_by_role("heading", name="Import läuft")).to_be_visible()
    axe_check(page)
    screenshot(page, "verwaltung-import-fortschritt")
    expect(page.get_by_role("heading", name="Was eingelesen wurde")).to_be_visible(timeout=90_000)
    assert page.get_by_role("link", name="Browser-Stelle 000").get_attribute("href").startswith("/register/stellen/")
    axe_check(page)

    # 2. Form a regional group: its list appears and the coordinator moderates it.
    page.goto(system.link("/register/regionen"))
    page.get_by_label("Name der Gruppe").fill("Browsergruppe")
    page.get_by_label("Name der Koordination (freiwillig)").fill("Greta Gruppe")
    page.get_by_label("E-Mail-Adresse der Koordination").fill(COORDINATOR)
    page.get_by_role("button", name="Gruppe bilden").click()
    expect(page.get_by_role("alert")).to_contain_text("Es entsteht der Verteiler „Regionalgruppe Browsergruppe“")
    axe_check(page)
    screenshot(page, "verwaltung-regionen")
    coordinator = new_context()
    system.sign_in(coordinator, COORDINATOR)
    greta = coordinator.new_page()
    deadline = time.monotonic() + 10
    while True:
        greta.goto(system.link("/moderation"))
        if greta.get_by_text("Regionalgruppe Browsergruppe").count():
            break
        assert time.monotonic() < deadline, "Verteiler der Gruppe fehlt in der Moderation"
        time.sleep(0.3)

    # 3. Coverage: every gap with its link.
    page.goto(system.link("/register/abdeckung"))
    expect(page.get_by_role("heading", name="Abdeckung des Netzes")).to_be_visible()
    axe_check(page)
    screenshot(page, "verwaltung-abdeckung")

    # 4. Access: grant board access; the person signs in by mail and sees the Lage.
    page.goto(system.link("/verwaltung/zugaenge"))
    page.get_by_label("E-Mail-Adresse", exact=True).fill(BOARD)
    page.get_by_label("Landesvorstand").check()
    page.get_by_role("button", name="Zugang vergeben").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{BOARD} hat jetzt den Zugang „Landesvorstand“")
    axe_check(page)
    screenshot(page, "verwaltung-zugaenge")
    board = new_context().new_page()
    system.sign_in_by_mail(board, BOARD)
    board.goto(system.link("/lage"))
    expect(board.get_by_role("heading", level=1)).to_contain_text("Lage")
