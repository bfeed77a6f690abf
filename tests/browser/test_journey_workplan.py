"""Journey 5 in a real browser: the state office reads a work plan in, and the board sees what is overdue.

The Landesgeschäftsstelle (the gateway's admin address) pastes a plan on /arbeitsplan/import, checks the preview –
how each V and T was read, in plain German, the unrecognised T marked, the paragraph without V listed – saves it,
marks an item done; the item still overdue is on the board's dashboard, with who is responsible.

Every page is checked with axe-core, the main ones are photographed for the README; the recorder fails the test if
any page talks to another host.
"""

from __future__ import annotations

import re
import time

from shared.contracts import events as e
from tests.browser.regional import ADMIN, BOARD, grant
from tests.browser.support import System, axe_check, screenshot

PAGE = "{} – Beratungsnetz"
PLAN_NAME = "Arbeitsplan der LAG Hartz IV für 2017"
MEETING = "Eine Mitgliederversammlung der LAG Hartz IV wird im Oktober 2017 vorbereitet."
CONTACT = "Zur LAG Betrieb & Gewerkschaft wird Kontakt aufgenommen."
OFFICES = "Die Liste der Beratungsstellen ist fertigzustellen."
GROUP_WORK = "Die Arbeit der Regionalgruppen wird fortgesetzt."
# Years before the test day (29.11.2026, or another `make test-dates` day): these T are overdue on any of them.
PLAN = f"""{PLAN_NAME}

{MEETING}
V: Sprecherrat
T: Oktober 2017

{CONTACT}
V: Gudrun
T: irgendwann nach der Wahl

{OFFICES}
V: Steffen
T: II. Quartal 2017

{GROUP_WORK}
V: Wolfgang und Kathrin
T: stetig

Alle sind angehalten, weitere Mitglieder zu werben.
"""


def look(page, name: str | None = None) -> None:
    axe_check(page)
    if name:
        screenshot(page, name)


def reading(preview, text: str):
    """The preview's row of the item that begins with `text`."""
    return preview.get_by_role("table", name="So wird jeder Punkt gelesen").get_by_role("row").filter(has_text=text)


def test_journey_workplan_in_the_browser(system: System, new_context) -> None:
    from playwright.sync_api import expect

    started = time.monotonic()
    office = new_context()
    system.sign_in(office, ADMIN)
    page = office.new_page()
    page.goto(system.link("/aufgaben"))
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Arbeitsplan").click()
    expect(page).to_have_title(PAGE.format("Arbeitsplan"))
    look(page)

    # --- 1. paste the plan; sent empty first, the form says what is missing ----------------------------------
    page.get_by_role("button", name="Arbeitsplan einlesen").click()
    expect(page).to_have_title(PAGE.format("Arbeitsplan einlesen"))
    look(page, "arbeitsplan-einlesen")
    page.get_by_role("button", name="Vorschau zeigen").click()
    expect(page.locator(".bn-error-summary")).to_contain_text("Bitte fügen Sie den Text des Arbeitsplans ein")
    look(page)
    page.get_by_label("Text des Arbeitsplans").fill(PLAN)
    page.get_by_role("button", name="Vorschau zeigen").click()

    # --- 2. the preview: each V and T as read, in plain German; nothing saved yet ----------------------------
    expect(page).to_have_title(PAGE.format("Vorschau: So wird der Arbeitsplan gelesen"))
    expect(reading(page, MEETING)).to_contain_text("„Oktober 2017“ → 1. Oktober bis 31. Oktober 2017")
    expect(reading(page, OFFICES)).to_contain_text("„II. Quartal 2017“ → 1. April bis 30. Juni 2017")
    expect(reading(page, CONTACT)).to_contain_text("„irgendwann nach der Wahl“ → nicht erkannt")
    expect(reading(page, CONTACT)).to_have_class(re.compile("bn-table__row--warning"))
    expect(reading(page, GROUP_WORK)).to_contain_text("Wolfgang")
    expect(reading(page, GROUP_WORK)).to_contain_text("Kathrin")
    expect(page.get_by_role("heading", name="Absätze ohne V – werden nicht übernommen")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Alle sind angehalten, weitere Mitglieder zu werben.")
    look(page, "arbeitsplan-vorschau")
    assert not [i for i in system.ask(e.WORK_PLAN, e.WorkPlanQuery()).items if i.text == OFFICES]

    # --- 3. save -------------------------------------------------------------------------------------------
    page.get_by_role("button", name="Speichern (4 Punkte)").click()
    expect(page.get_by_role("alert")).to_contain_text(f"4 Punkte aus „{PLAN_NAME}“ übernommen.")
    items = {i.text: i for i in system.ask(e.WORK_PLAN, e.WorkPlanQuery()).items if i.plan == PLAN_NAME}
    assert set(items) == {MEETING, CONTACT, OFFICES, GROUP_WORK}
    look(page)

    # the list, filtered to what is overdue: the two with a T in 2017
    page.goto(system.link("/arbeitsplan"))
    page.get_by_label("Termin").select_option(label="überfällig")
    page.get_by_role("button", name="Punkte anzeigen").click()
    overdue = page.get_by_role("table", name=re.compile("Punkte des Arbeitsplans"))
    expect(overdue.get_by_role("link", name=OFFICES)).to_be_visible()
    expect(overdue.get_by_role("link", name=MEETING)).to_be_visible()
    expect(overdue.get_by_role("link", name=CONTACT)).to_have_count(0)
    look(page, "arbeitsplan")

    # --- 4. the general meeting is done -------------------------------------------------------------------
    overdue.get_by_role("link", name=MEETING).click()
    expect(page).to_have_title(PAGE.format("Arbeitsplanpunkt"))
    expect(page.locator(".bn-summary-list")).to_contain_text("1. Oktober bis 31. Oktober 2017")
    look(page, "arbeitsplan-punkt")
    page.get_by_role("button", name="Als erledigt markieren").click()
    expect(page.get_by_role("alert")).to_contain_text("Als erledigt markiert.")
    expect(page.get_by_role("button", name="Als erledigt markieren")).to_have_count(0)
    look(page)
    assert system.ask(e.WORK_ITEM, e.ItemRef(item_id=items[MEETING].item_id)).status == "erledigt"

    # --- 5. the board's dashboard: the item still overdue, with who is responsible; the done one is not there ---
    grant(system, BOARD, "vorstand")
    board = new_context()
    system.sign_in(board, BOARD)
    lage = board.new_page()
    lage.goto(system.link("/lage"))
    late = lage.get_by_role("table", name="Überfällige Punkte des Arbeitsplans")
    expect(late.get_by_role("row", name=re.compile(re.escape(OFFICES)))).to_contain_text("Steffen")
    expect(late.get_by_role("row", name=re.compile(re.escape(MEETING)))).to_have_count(0)
    look(lage)
    # the board reads the item, without a form to change it
    lage.goto(system.link(f"/arbeitsplan/{items[OFFICES].item_id}"))
    expect(lage.get_by_role("main").locator("form[method=post]")).to_have_count(0)
    look(lage)

    elapsed = time.monotonic() - started
    print(f"Reise Arbeitsplan im Browser: {elapsed:.1f} s")
