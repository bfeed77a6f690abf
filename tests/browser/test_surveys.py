"""Journey 7, the survey part, in a real browser: the state office creates a campaign to the MP and party offices,
an office answers through the personal link from its mail (a draft first, then submitted; Chromium posts the form
with the gateway's Origin, which the CSRF check requires), and the state office takes the answer into the register on the
review page. The form, the review and the campaign page are checked with axe-core and photographed
(docs/screenshots/erhebung-*.png)."""

from __future__ import annotations

import re
from datetime import timedelta

from services.gateway.config import GatewaySettings
from shared.clock import BERLIN
from shared.contracts import registry as r
from tests.browser.support import System, axe_check, screenshot

ADMIN = GatewaySettings.model_fields["admin_address"].default
OFFICE_MAIL = "buero.rochlitz@example.org"
TITLE = "{} – Beratungsnetz"
CAMPAIGN = "Erhebung Sozialberatung in Partei- und Abgeordnetenbüros"


def day(value) -> str:
    return f"{value.day}.{value.month}.{value.year}"


def test_an_office_answers_a_survey_and_the_state_office_takes_it_over(system: System, new_context) -> None:
    from playwright.sync_api import expect

    office = system.ask(
        r.REGISTER_OFFICE,
        r.RegisterOffice(
            name="Wahlkreisbüro Rochlitz",
            operator_kind="abgeordnetenbuero",
            operator_name="Jana Beispiel, MdL",
            street="Markt 3",
            postcode="09306",
            city="Rochlitz",
            email=OFFICE_MAIL,
            status="geplant",
        ),
    )
    today = system.clock.now().astimezone(BERLIN).date()
    state_office = new_context()
    system.sign_in(state_office, ADMIN)
    page = state_office.new_page()
    page.goto(system.link("/aufgaben"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Erhebungen").click()
    expect(page).to_have_title(TITLE.format("Erhebungen"))
    axe_check(page)
    page.get_by_label("Titel").fill(CAMPAIGN)
    page.get_by_role("radio", name="Partei- und Abgeordnetenbüros").check()
    page.get_by_label("Erster Tag").fill(day(today))
    page.get_by_label("Letzter Tag").fill(day(today + timedelta(days=28)))
    screenshot(page, "erhebung-neu")
    page.get_by_role("button", name="Erhebung anlegen").click()
    expect(page).to_have_title(TITLE.format(CAMPAIGN))
    expect(page.get_by_role("alert")).to_contain_text("Erhebung angelegt")
    campaign_url = page.url

    mail = system.mail(OFFICE_MAIL, "Umfrage:")
    link = re.search(r"https?://\S+/umfrage/[A-Za-z0-9_\-.]+", mail.text).group(0)
    person = new_context().new_page()  # the office: no sign-in, only the link
    person.goto(link)
    expect(person).to_have_title(TITLE.format(CAMPAIGN))
    axe_check(person)
    person.get_by_label("Ja, hier wird beraten").check()
    person.get_by_label("Sprechzeiten").fill("mittwochs 10–12 Uhr")
    person.get_by_role("button", name="Zwischenspeichern").click()
    expect(person.get_by_role("alert")).to_contain_text("Zwischengespeichert")
    expect(person.get_by_label("Sprechzeiten")).to_have_value("mittwochs 10–12 Uhr")
    person.get_by_label("Wer berät?").fill("Anna Beispiel")
    person.get_by_label("SGB II / Bürgergeld").check()
    screenshot(person, "erhebung-formular")
    person.get_by_role("button", name="Absenden").click()
    expect(person.get_by_role("alert")).to_contain_text("Ihre Antwort ist abgegeben")

    page.goto(campaign_url)
    axe_check(page)
    screenshot(page, "erhebung-stand")
    page.get_by_role("link", name="Antworten prüfen").click()
    expect(page.get_by_role("heading", name="Wahlkreisbüro Rochlitz")).to_be_visible()
    axe_check(page)
    screenshot(page, "erhebung-pruefen")
    page.get_by_role("button", name="Übernehmen").click()
    expect(page.get_by_role("alert")).to_contain_text("Übernommen ins Register")
    stored = system.ask(r.OFFICE, r.OfficeRef(office_id=office.office_id))
    assert [c.name for c in stored.counsellors] == ["Anna Beispiel"] and stored.hours
