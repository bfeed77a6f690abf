"""Journey 3 in a real browser: a list with confirmation and moderation, from the public subscribe page to the
audit log, as the people involved do it – the subscriber, the moderator, a new co-moderator, a member who leaves.

Every page visited is checked with axe-core; the main ones are photographed for the README (docs/screenshots/);
the recorder fails the test if any page talks to another host. Mails arrive in the test's SMTP server and their
links are opened in the browser, as a person would click them.
"""

from __future__ import annotations

import re

from shared.contracts import notifications as n
from tests.browser.support import System, axe_check, screenshot

MODERATOR = "marta.reise@example.org"
SUBSCRIBER = "anna.reise@example.org"
NEW_ADDRESS = "anna.neu.reise@example.org"
CO_MODERATOR = "ben.reise@example.org"
LEAVING = "carl.reise@example.org"
LIST_NAME = "Sozialberatung Reise"
TITLE = "{} – Beratungsnetz"


def members(system: System, list_id: str) -> dict[str, n.MemberV1]:
    query = n.MembersQuery(list_id=list_id, moderator=MODERATOR)
    return {m.address: m for m in system.ask(n.MEMBERS, query).members}


def look(page, name: str | None = None) -> None:
    """What every page of the journey must pass: axe-core; the main pages also become a picture."""
    axe_check(page)
    if name:
        screenshot(page, name)


def test_journey_moderation_in_the_browser(system: System, new_context) -> None:
    from playwright.sync_api import expect

    listed = system.new_list(
        LIST_NAME,
        policy="bestaetigen_und_moderiert",
        description="Austausch der Beratungsstellen über Bescheide, Fristen und Urteile.",
        owner_address=MODERATOR,
        owner_name="Marta Moderation",
    )
    list_id = listed.list_id
    home = f"/moderation/{list_id}"

    # --- 1. Anna subscribes on the public page and confirms by the link in her mail -------------------------------
    anna = new_context().new_page()
    anna.goto(system.link("/"))
    expect(anna.get_by_role("heading", level=1)).to_have_text("Beratungsnetz")
    look(anna, "start")
    anna.goto(system.link(f"/abonnieren/{list_id}"))
    expect(anna).to_have_title(TITLE.format(f"„{LIST_NAME}“ abonnieren"))
    expect(anna.get_by_text("danach entscheidet die Moderation")).to_be_visible()
    look(anna, "abonnieren-moderiert")
    anna.get_by_label("Ihr Name (freiwillig)").fill("Anna Reise")
    anna.get_by_label("E-Mail-Adresse").fill(SUBSCRIBER)
    anna.get_by_role("button", name="Einwilligen und abonnieren").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
    look(anna)

    anna.goto(system.mail(SUBSCRIBER, "Bitte bestätigen").link("bestaetigen"))
    expect(anna).to_have_title(TITLE.format("Eintragung bestätigen"))
    look(anna)
    anna.get_by_role("button", name="Ja, eintragen").click()
    expect(anna.get_by_text("Die Moderation entscheidet in Kürze über die Aufnahme.")).to_be_visible()
    look(anna)
    assert SUBSCRIBER not in members(system, list_id)

    # --- 2. The moderator follows the moderation mail, signs in by link and lands on that very page ----------------
    asked = system.mail(MODERATOR, "Anfrage wartet auf Moderation")
    found = re.search(r"https?://\S+/moderation/\S+/anfragen", asked.text)
    assert found, asked.text
    requests_url = found.group(0)
    assert requests_url == system.link(f"{home}/anfragen")

    marta = new_context().new_page()
    marta.goto(requests_url)
    assert marta.url == system.link(f"/anmelden?weiter=/moderation/{list_id}/anfragen"), marta.url
    expect(marta.get_by_role("heading", level=1)).to_have_text("Anmelden")
    look(marta, "anmelden")
    marta.get_by_label("E-Mail-Adresse").fill(MODERATOR)
    marta.get_by_role("button", name="Anmeldelink schicken").click()
    expect(marta.get_by_role("heading", level=1)).to_have_text("Link ist unterwegs")
    look(marta)
    marta.goto(system.mail(MODERATOR, "Anmeldelink").link("anmelden/link"))
    look(marta)
    marta.get_by_role("button", name="Jetzt anmelden").click()
    expect(marta).to_have_url(requests_url)
    expect(marta.get_by_role("banner")).to_contain_text(MODERATOR)

    # Meine Aufgaben names what waits, the overview the list; then back to the request and accept it.
    marta.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Meine Aufgaben").click()
    expect(marta.get_by_role("link", name=LIST_NAME, exact=True)).to_be_visible()
    expect(marta.get_by_text("1 Anfrage wartet")).to_be_visible()
    look(marta, "aufgaben")
    marta.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Moderation").click()
    expect(marta.get_by_role("link", name=f"1 offene Anfrage in {LIST_NAME}")).to_be_visible()
    look(marta, "moderation-uebersicht")
    marta.get_by_role("link", name=LIST_NAME, exact=True).click()
    expect(marta).to_have_title(TITLE.format(LIST_NAME))
    look(marta, "moderation-verteiler")
    marta.get_by_role("navigation", name="Seiten dieses Verteilers").get_by_role("link", name="Anfragen").click()
    expect(marta.get_by_role("row", name=re.compile("Anna Reise"))).to_contain_text("wartet auf Entscheidung")
    look(marta, "moderation-anfragen")
    marta.get_by_role("button", name=re.compile(r"^Annehmen\W+Anna Reise$")).click()
    expect(marta.get_by_role("alert", name="Erledigt")).to_contain_text("1 Anfrage aufgenommen.")
    expect(marta.get_by_text("Keine Anfrage wartet auf eine Entscheidung.")).to_be_visible()
    look(marta)
    assert members(system, list_id)[SUBSCRIBER].status == "aktiv"

    # The moderator adds two people by hand.
    subnav = marta.get_by_role("navigation", name="Seiten dieses Verteilers")
    subnav.get_by_role("link", name="Mitglieder").click()
    marta.get_by_role("button", name="Mitglieder hinzufügen").click()
    marta.get_by_label("E-Mail-Adressen, eine je Zeile").fill(f"Ben Reise <{CO_MODERATOR}>\nCarl Reise <{LEAVING}>")
    look(marta, "moderation-hinzufuegen")
    marta.get_by_role("button", name="Hinzufügen", exact=True).click()
    expect(marta.get_by_text("2 Mitglieder hinzugefügt.")).to_be_visible()
    expect(marta.get_by_text("4 Mitglieder")).to_be_visible()
    look(marta, "moderation-mitglieder")

    # --- a message to everyone: compose, preview, send, the delivery page until all is sent ----------------------
    subnav.get_by_role("link", name="Nachricht an alle").click()
    marta.get_by_label("Betreff").fill("Neue Regelsätze ab Januar")
    marta.get_by_label("Text der Nachricht").fill("Liebe Beratende,\n\ndie neuen Regelsätze stehen fest.")
    look(marta, "moderation-nachricht")
    marta.get_by_role("button", name="Vorschau ansehen").click()
    expect(marta.get_by_role("heading", name="Text der E-Mail")).to_be_visible()
    expect(marta.get_by_text("die neuen Regelsätze stehen fest.")).to_be_visible()
    axe_check(marta)
    # The picture shows the links as on `make up` (port 8000), not the test's random port: the same every run.
    marta.locator("main").evaluate(
        "(main, [ours, shown]) => main.querySelectorAll('td, pre').forEach("
        "el => { el.textContent = el.textContent.replaceAll(ours, shown) })",
        [system.url, "http://127.0.0.1:8000"],
    )
    screenshot(marta, "moderation-vorschau")
    marta.get_by_role("button", name="Jetzt an 4 Mitglieder senden").click()
    expect(marta).to_have_title(TITLE.format("Versand: Neue Regelsätze ab Januar"))
    # While mails wait, the page says so and reloads itself every 3 s (a Refresh header, no script) until all is sent.
    expect(marta.get_by_role("status")).to_have_text("Der Versand ist abgeschlossen.", timeout=20_000)
    for term, value in (("Empfänger:innen", "4"), ("Zugestellt", "4"), ("Wartend", "0"), ("Fehlgeschlagen", "0")):
        row = marta.locator(".bn-summary-list__row").filter(has=marta.get_by_role("term").get_by_text(term, exact=True))
        expect(row.get_by_role("definition")).to_have_text(value)
    look(marta, "moderation-versand")

    # --- 3. Anna, by the link in her welcome mail: weekly digest, then a new address ---------------------------
    anna.goto(system.mail(SUBSCRIBER, "Willkommen").link("meine-verteiler"))
    expect(anna).to_have_title(TITLE.format("Meine Verteiler"))
    look(anna, "meine-verteiler")
    choice = anna.get_by_role("group", name=f"Wie möchten Sie die Nachrichten von „{LIST_NAME}“ bekommen?")
    choice.get_by_label("wöchentlich gesammelt").check()
    anna.get_by_role("button", name="Zustellung speichern").click()
    expect(anna.get_by_text("bekommen Sie ab jetzt wöchentlich gesammelt")).to_be_visible()
    look(anna)
    assert members(system, list_id)[SUBSCRIBER].delivery == "woechentlich"

    anna.get_by_label("Neue E-Mail-Adresse für alle Ihre Verteiler").fill(NEW_ADDRESS)
    anna.get_by_role("button", name="Adresse ändern").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihre neue Adresse")
    look(anna)
    anna.goto(system.mail(NEW_ADDRESS, "Bitte bestätigen").link("adresse-bestaetigen"))
    expect(anna).to_have_title(TITLE.format("Neue Adresse bestätigen"))
    look(anna)
    anna.get_by_role("button", name="Ja, diese Adresse verwenden").click()
    expect(anna).to_have_title(TITLE.format("Neue Adresse gilt"))
    look(anna)
    now = members(system, list_id)
    assert now[NEW_ADDRESS].status == "aktiv" and now[NEW_ADDRESS].delivery == "woechentlich"
    assert SUBSCRIBER not in now

    # --- 4. The moderator makes Ben a moderator; Ben signs in and finds the list ---------------------------------
    marta.goto(system.link(f"{home}/mitglieder"))
    marta.get_by_role("link", name=re.compile(r"^Ändern\W+Ben Reise$")).click()
    look(marta, "moderation-mitglied")
    marta.get_by_role("link", name=re.compile(r"^Ändern\W+Rolle$")).click()
    marta.get_by_role("group", name="Welche Rolle soll die Person haben?").get_by_label("Moderation").check()
    look(marta)
    marta.get_by_role("button", name="Rolle speichern").click()
    expect(marta.get_by_text("Ben Reise hat jetzt die Rolle „Moderation“.")).to_be_visible()
    look(marta)

    ben = new_context().new_page()
    system.sign_in_by_mail(ben, CO_MODERATOR)
    expect(ben).to_have_title(TITLE.format("Meine Aufgaben"))
    expect(ben.get_by_text(f"Moderation „{LIST_NAME}“")).to_be_visible()
    look(ben)
    ben.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Moderation").click()
    expect(ben.get_by_role("link", name=LIST_NAME, exact=True)).to_be_visible()
    look(ben)

    # --- 5. Carl leaves by the link in the moderator's message ------------------------------------------------
    carl = new_context().new_page()
    carl.goto(system.mail(LEAVING, "Neue Regelsätze").link("abmelden"))
    expect(carl.get_by_text(f"vom Verteiler „{LIST_NAME}“ abmelden?")).to_be_visible()
    look(carl)
    carl.get_by_role("button", name="Ja, abmelden").click()
    expect(carl).to_have_title(TITLE.format("Abgemeldet"))
    look(carl)
    assert members(system, list_id)[LEAVING].status == "abgemeldet"

    # --- settings, then the audit log shows every step ---------------------------------------------------------------
    marta.goto(system.link(f"{home}/einstellungen"))
    look(marta, "moderation-einstellungen")
    marta.get_by_label("Willkommenstext").fill("Schön, dass Sie dabei sind. Fragen gern an die Moderation.")
    marta.get_by_role("button", name="Einstellungen speichern").click()
    expect(marta.get_by_text("Die Einstellungen sind gespeichert.")).to_be_visible()
    look(marta)

    marta.get_by_role("navigation", name="Seiten dieses Verteilers").get_by_role("link", name="Protokoll").click()
    expect(marta).to_have_title(TITLE.format(f"Protokoll – {LIST_NAME}"))
    look(marta, "moderation-protokoll")
    log = marta.get_by_role("table", name=f"Protokoll von {LIST_NAME}")
    expected = [  # (what, who did it, whom it was about)
        ("Eintragung bestätigt", SUBSCRIBER, SUBSCRIBER),
        ("Anfrage angenommen", MODERATOR, SUBSCRIBER),
        ("Mitglied hinzugefügt", MODERATOR, CO_MODERATOR),
        ("Mitglied hinzugefügt", MODERATOR, LEAVING),
        ("Nachricht an alle verschickt", MODERATOR, list_id),
        ("Zustellung geändert", SUBSCRIBER, SUBSCRIBER),
        ("Adressänderung beantragt", SUBSCRIBER, SUBSCRIBER),
        ("Adresse geändert", NEW_ADDRESS, SUBSCRIBER),
        ("Rolle geändert", MODERATOR, CO_MODERATOR),
        ("Selbst abgemeldet", LEAVING, LEAVING),
        ("Einstellungen geändert", MODERATOR, list_id),
    ]
    rows = log.get_by_role("row")
    expect(rows).to_have_count(len(expected) + 1)  # and the header
    seen = []
    for i in range(1, len(expected) + 1):
        cells = [c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()]
        seen.append((cells[2], cells[1], cells[3]))
    assert seen == list(reversed(expected)), seen  # the newest first
