"""The public directory (issue 16) in a real browser: a person finds an office by postcode and by counselling area,
opens its page, the party's homepage shows the embeddable variant in an iframe (a second local web server is the
homepage), and the print list of a district. axe-core on every page; screenshots `verzeichnis-*.png`."""

from __future__ import annotations

import time

import pytest

from shared.contracts import registry as r
from tests.browser.support import RequestRecorder, System, axe_check, screenshot
from tests.browser.test_security_and_access import foreign_site

TITLE = "{} – Beratungsnetz"
NAME = "Sozialberatung Oelsnitz (Browser)"
DISTRICT = "Oberes Vogtland"


@pytest.fixture(scope="module")
def office(system: System) -> r.OfficeSnapshot:
    district = system.ask(r.ADD_DISTRICT, r.AddDistrict(name=DISTRICT, state="SN"))
    system.ask(
        r.REGISTER_OFFICE,
        r.RegisterOffice(
            name="Sprechstunde Adorf (Browser)",
            operator_kind="kreisverband",
            operator_name="DIE LINKE Vogtland",
            street="Markt 2",
            postcode="08626",
            city="Adorf",
            hours=["jeden 1. Montag im Monat 16–18 Uhr"],
            areas=["Rente"],
            district_id=district.district_id,
        ),
    )
    return system.ask(
        r.REGISTER_OFFICE,
        r.RegisterOffice(
            name=NAME,
            operator_kind="abgeordnetenbuero",
            operator_name="Wahlkreisbüro MdL",
            street="Grabenstraße 5",
            postcode="08606",
            city="Oelsnitz/Vogtland",
            access_notes="Eingang stufenlos, Klingel „Büro“",
            phone="037421 55501",
            hours=["dienstags 14–17 Uhr", "donnerstags 9–12 Uhr"],
            areas=["Aufenthaltsrecht", "Bürgergeld"],
            languages=["Deutsch", "Ukrainisch"],
            district_id=district.district_id,
            counsellors=[
                r.CounsellorInput(name="Olga Offen", publish_name=True),
                r.CounsellorInput(name="Paul Verborgen", publish_name=False),
            ],
        ),
    )


def search_until_found(page, fill) -> None:
    """The gateway holds the directory for a second after a change: search again until the new office shows."""
    from playwright.sync_api import expect

    deadline = time.monotonic() + 10
    while True:
        fill()
        page.get_by_role("button", name="Beratungsstellen suchen").click()
        if page.get_by_role("link", name=NAME).count() or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    expect(page.get_by_role("link", name=NAME)).to_be_visible()


def test_search_by_postcode_and_area_and_open_the_office(system: System, page, office) -> None:
    from playwright.sync_api import expect

    page.goto(system.link("/verzeichnis"))
    expect(page).to_have_title(TITLE.format("Sozialberatung in Ihrer Nähe finden"))
    search_until_found(page, lambda: page.get_by_label("Ort oder Postleitzahl").fill("08606"))
    expect(page.get_by_role("heading", level=2, name="1 Beratungsstelle gefunden")).to_be_visible()
    axe_check(page)
    screenshot(page, "verzeichnis-suche")

    page.goto(system.link("/verzeichnis"))
    page.get_by_role("group", name="Wobei brauchen Sie Hilfe?").get_by_label("Aufenthaltsrecht").check()
    page.get_by_role("button", name="Beratungsstellen suchen").click()
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    expect(page.get_by_role("link", name="Sprechstunde Adorf (Browser)")).to_have_count(0)
    expect(page.get_by_label("Aufenthaltsrecht")).to_be_checked()
    axe_check(page)

    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Dienstags 14:00–17:00 Uhr")
    expect(main).to_contain_text("Grabenstraße 5, 08606 Oelsnitz/Vogtland")
    expect(main).to_contain_text("Eingang stufenlos")
    expect(main).to_contain_text("Olga Offen")
    expect(main).not_to_contain_text("Paul Verborgen")
    calendar = page.get_by_role("link", name="In den Kalender (Sprechzeiten als .ics-Datei)")
    expect(calendar).to_have_attribute("href", f"/verzeichnis/{office.office_id}.ics")
    axe_check(page)
    screenshot(page, "verzeichnis-stelle")
    page.get_by_role("link", name="Zurück zur Suche").click()
    expect(page.get_by_label("Aufenthaltsrecht")).to_be_checked()  # the search as it was


def test_the_print_list_of_a_district(system: System, page, office) -> None:
    from playwright.sync_api import expect

    page.goto(system.link(f"/verzeichnis/druck?kreis={DISTRICT}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Beratungsstellen im Kreisverband {DISTRICT}")
    table = page.get_by_role("table", name=f"Beratungsstellen im Kreisverband {DISTRICT}")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two offices
    axe_check(page)
    screenshot(page, "verzeichnis-druck")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Liste zeigen")).to_be_hidden()
    expect(page.get_by_role("banner")).to_be_hidden()
    expect(table).to_be_visible()


def test_the_embedded_directory_inside_another_sites_page(
    system: System, page, office, recorder: RequestRecorder
) -> None:
    from playwright.sync_api import expect

    page.goto(system.link("/verzeichnis/einbetten"))
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_role("banner")).to_have_count(0)
    axe_check(page)
    screenshot(page, "verzeichnis-einbetten")

    homepage = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>DIE LINKE Sachsen</title></head><body>'
        "<h1>Sozialberatung</h1>"
        f'<iframe src="{system.link("/verzeichnis/einbetten")}" title="Sozialberatung in Ihrer Nähe finden" '
        'style="width:100%;height:900px;border:0"></iframe></body></html>'
    )
    with foreign_site(homepage) as origin:
        recorder.allow(origin)  # this test's own second origin (the party's homepage), on this machine
        page.goto(origin)
        frame = page.frame_locator("iframe")
        expect(frame.get_by_role("heading", level=1)).to_have_text("Sozialberatung in Ihrer Nähe finden")
        deadline = time.monotonic() + 10
        while True:
            frame.get_by_label("Ort oder Postleitzahl").fill("08606")
            frame.get_by_role("button", name="Beratungsstellen suchen").click()
            if frame.get_by_role("link", name=NAME).count() or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        frame.get_by_role("link", name=NAME).click()
        expect(frame.get_by_role("heading", level=1)).to_have_text(NAME)
        expect(frame.get_by_role("main")).to_contain_text("Dienstags 14:00–17:00 Uhr")
        assert page.url == f"{origin}/"  # the homepage stays; only the frame moved on
        axe_check(page)
        screenshot(page, "verzeichnis-eingebettet")
