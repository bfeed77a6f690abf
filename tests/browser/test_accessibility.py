"""axe-core on every page of the web interface (issue 14), in each of its states, and the requests page by keyboard.

Each test walks through many pages in one browser (one system for all): a page's state is reached the way a person
reaches it (a form sent empty, a wrong date, a spent link), and every page is checked, even after a finding, so
that one run names all of them. Here any finding fails, also a moderate or minor one (`support.axe_check` alone
fails on serious and critical ones): these pages have none.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from shared.contracts import notifications as n
from tests.browser.support import Sweep, System, error_state, focused, screenshot, tab_to

TITLE = "{} – Beratungsnetz"
ADMIN = "landesbuero@beratungsnetz.example"  # the gateway's admin_address: always Landesgeschäftsstelle


@pytest.mark.timeout(300)  # axe on every moderator page in every state; about 30 s alone
def test_every_moderator_page_in_every_state(system: System, new_context) -> None:
    from playwright.sync_api import expect

    sweep = Sweep()
    moderator = "mara.a11y@example.org"
    listed = system.new_list("Barrierefrei Rundbrief", policy="moderiert", owner_address=moderator)
    base = f"/moderation/{quote(listed.list_id, safe='')}"
    context = new_context()
    system.sign_in(context, moderator)
    page = context.new_page()

    sweep.visit(page, system, "/aufgaben", "Meine Aufgaben, nichts wartet")
    expect(page.get_by_role("main")).to_contain_text("Im Moment wartet nichts auf Sie.")
    sweep.visit(page, system, f"{base}/anfragen", "Anfragen, keine")
    sweep.visit(page, system, f"{base}/beitraege", "Beiträge zur Freigabe, keine")  # issue 20; with posts and
    sweep.visit(page, system, f"{base}/schreiben", "Schreibregeln")  # in error states: test_journey_list_posts

    for number, name in enumerate(("Amir Anfrage", "Berta Anfrage", "Chris Anfrage")):
        address = f"anfrage{number}.a11y@example.org"
        system.ask(n.SUBSCRIBE, n.Subscribe(list_id=listed.list_id, address=address, display_name=name))
    sweep.visit(page, system, "/aufgaben", "Meine Aufgaben, 3 Anfragen warten")
    expect(page.get_by_role("main")).to_contain_text("3 Anfragen warten")
    sweep.visit(page, system, "/moderation", "Ihre Verteiler")
    sweep.visit(page, system, base, "Überblick eines Verteilers")
    sweep.visit(page, system, f"{base}/anfragen", "Anfragen, drei")
    page.get_by_role("button", name="Ausgewählte annehmen").click()  # none chosen
    error_state(page)
    sweep.check(page, "Anfragen, nichts ausgewählt (Fehler)")
    # a row's own button is named with the row's person (Chromium reads the hidden part as "Zurückstellen : Chris …")
    page.get_by_role("button", name=re.compile(r"^Zurückstellen\W+Chris Anfrage$")).click()
    expect(page.get_by_role("alert")).to_contain_text("1 Anfrage zurückgestellt.")
    sweep.check(page, "Anfragen, nach einer Entscheidung (Hinweis)")

    # Members: 51 added in one go with one line that is no address (the report), then two pages of them.
    sweep.visit(page, system, f"{base}/mitglieder", "Mitglieder, nur die Moderatorin")
    sweep.visit(page, system, f"{base}/mitglieder/hinzufuegen", "Mitglieder hinzufügen")
    page.get_by_role("button", name="Hinzufügen").click()
    error_state(page)
    sweep.check(page, "Mitglieder hinzufügen, leer (Fehler)")
    lines = [f"Person {i:02d} <person{i:02d}.a11y@example.org>" for i in range(51)] + ["kein-at"]
    page.get_by_label("E-Mail-Adressen, eine je Zeile").fill("\n".join(lines))
    with page.expect_response(lambda x: x.request.method == "POST", timeout=30_000) as sent:
        page.get_by_role("button", name="Hinzufügen").click()
    assert sent.value.status == 422
    expect(page.locator("#ergebnis")).to_contain_text("nicht hinzugefügt")
    sweep.check(page, "Mitglieder hinzufügen, Bericht je Zeile (422)")
    sweep.visit(page, system, f"{base}/mitglieder", "Mitglieder, Seite 1 von 2")
    expect(page.get_by_role("navigation", name="Seitenzahlen")).to_be_visible()
    sweep.visit(page, system, f"{base}/mitglieder?status=aktiv&seite=2", "Mitglieder, Seite 2")
    sweep.visit(page, system, f"{base}/mitglieder?suche=person07", "Mitglieder, Suche mit einem Treffer")
    expect(page.locator("#treffer")).to_have_text("1 Mitglied.")
    sweep.visit(page, system, f"{base}/mitglieder?suche=niemand", "Mitglieder, Suche ohne Treffer")
    person = quote("person07.a11y@example.org")
    for task, what in (
        ("person", "Mitglied"),
        ("rolle", "Rolle ändern"),
        ("zustellung", "Zustellung ändern"),
        ("adresse", "Adresse ändern"),
        ("entfernen", "Mitglied entfernen"),
    ):
        sweep.visit(page, system, f"{base}/mitglieder/{task}?adresse={person}", what)
    page.goto(system.link(f"{base}/mitglieder/adresse?adresse={person}"))
    page.get_by_role("button", name="Bestätigung an die neue Adresse schicken").click()  # empty
    error_state(page)
    sweep.check(page, "Adresse ändern, leer (Fehler)")
    sweep.visit(page, system, f"{base}/mitglieder/person?adresse=niemand%40example.org", "Mitglied unbekannt", 404)

    # Audit log, with a date that is none.
    sweep.visit(page, system, f"{base}/protokoll", "Protokoll")
    sweep.visit(page, system, f"{base}/protokoll?von=32.13.2026", "Protokoll, falsches Datum (Fehler)", 422)
    error_state(page)
    sweep.visit(page, system, f"{base}/protokoll?person=niemand", "Protokoll, keine Einträge")

    # A message to everyone: empty (error), the preview, sent, its delivery.
    sweep.visit(page, system, f"{base}/versand", "Versand, noch nichts")
    sweep.visit(page, system, f"{base}/nachricht", "Nachricht an alle")
    page.get_by_role("button", name="Vorschau ansehen").click()
    error_state(page)
    sweep.check(page, "Nachricht an alle, leer (Fehler)")
    page.get_by_label("Betreff").fill("Treffen am Donnerstag")
    page.get_by_label("Text der Nachricht").fill("Hallo zusammen,\n\nwir treffen uns am Donnerstag um 18 Uhr.")
    page.get_by_role("button", name="Vorschau ansehen").click()
    expect(page).to_have_title(TITLE.format(f"Vorschau – {listed.name}"))
    sweep.check(page, "Vorschau")
    page.get_by_role("button", name="Jetzt an 52 Mitglieder senden").click()
    expect(page.get_by_role("alert")).to_contain_text("geht an 52 Mitglieder")
    sweep.check(page, "Versand einer Nachricht")
    sweep.visit(page, system, f"{base}/versand", "Versand, eine Nachricht")

    sweep.visit(page, system, f"{base}/einstellungen", "Einstellungen")
    page.get_by_label("Name des Verteilers").fill("")
    page.get_by_role("button", name="Einstellungen speichern").click()
    error_state(page)
    sweep.check(page, "Einstellungen, ohne Namen (Fehler)")

    # The Landesgeschäftsstelle: access, and its form's error state.
    admin = new_context()
    system.sign_in(admin, ADMIN)
    office = admin.new_page()
    sweep.visit(office, system, "/verwaltung/zugaenge", "Zugänge")
    office.get_by_role("button", name="Zugang vergeben").click()
    error_state(office)
    sweep.check(office, "Zugänge, leer (Fehler)")
    sweep.visit(office, system, "/moderation", "Ihre Verteiler, als Landesgeschäftsstelle")
    sweep.done()


def test_every_public_and_member_page_in_every_state(system: System, page, context) -> None:
    from playwright.sync_api import expect

    sweep = Sweep()
    news = system.new_list("Barrierefrei Nachrichten", policy="bestaetigen", owner_address="olaf.a11y@example.org")
    other = system.new_list("Barrierefrei Termine", policy="offen", owner_address="olaf.a11y@example.org")
    member = "nina.a11y@example.org"
    for mailing_list in (news, other):
        system.ask(
            n.ADD_MEMBER, n.AddMember(list_id=mailing_list.list_id, moderator="olaf.a11y@example.org", address=member)
        )

    sweep.visit(page, system, "/", "Startseite")
    sweep.visit(page, system, "/gibt-es-nicht", "Seite nicht gefunden", 404)
    sweep.visit(page, system, "/anmelden", "Anmelden")
    page.get_by_label("E-Mail-Adresse").fill("kein-at")
    page.get_by_role("button", name="Anmeldelink schicken").click()
    error_state(page)
    sweep.check(page, "Anmelden, ungültige Adresse (Fehler)")
    page.get_by_label("E-Mail-Adresse").fill("niemand.a11y@example.org")
    page.get_by_role("button", name="Anmeldelink schicken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link ist unterwegs")
    sweep.check(page, "Anmelden, Link ist unterwegs")
    sweep.visit(page, system, "/anmelden/link?token=kaputt", "Anmeldelink, Knopf")
    page.get_by_role("button", name="Jetzt anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link nicht mehr gültig")
    sweep.check(page, "Anmeldelink ungültig")

    # Subscribe: the form, its error state, an unknown list, the answer; then the confirmation link.
    sweep.visit(page, system, f"/abonnieren/{news.list_id}", "Abonnieren")
    page.get_by_label("E-Mail-Adresse").fill("kein-at")
    page.get_by_role("button", name="Einwilligen und abonnieren").click()
    error_state(page)
    sweep.check(page, "Abonnieren, ungültige Adresse (Fehler)")
    page.get_by_label("E-Mail-Adresse").fill("lea.a11y@example.org")
    page.get_by_role("button", name="Einwilligen und abonnieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
    sweep.check(page, "Abonnieren, Postfach prüfen")
    sweep.visit(page, system, "/abonnieren/gibt-es-nicht", "Abonnieren, unbekannter Verteiler", 404)
    sweep.visit(page, system, "/bestaetigen?token=kaputt", "Bestätigen, ungültiger Link", 400)
    confirm = system.mail("lea.a11y@example.org", "Bitte bestätigen").link("bestaetigen")
    sweep.check(page, "Bestätigen", 200, page.goto(confirm))
    page.get_by_role("button", name="Ja, eintragen").click()
    sweep.check(page, "Bestätigt")

    # "Meine Verteiler": the link by mail, the page, leaving (one, all), the data, a new address, a broken link.
    sweep.visit(page, system, "/meine-verteiler/link", "Meine Verteiler, Link anfordern")
    page.get_by_role("button", name="Link zuschicken").click()
    error_state(page)
    sweep.check(page, "Meine Verteiler, Link anfordern ohne Adresse (Fehler)")
    page.get_by_label("Ihre E-Mail-Adresse").fill(member)
    page.get_by_role("button", name="Link zuschicken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
    sweep.check(page, "Meine Verteiler, Link angefordert")
    own = system.mail(member, "Meine Verteiler").link("meine-verteiler")
    sweep.check(page, "Meine Verteiler", 200, page.goto(own))
    page.get_by_role("button", name=f"„{other.name}“ verlassen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"„{other.name}“ verlassen?")
    sweep.check(page, "Einen Verteiler verlassen, Rückfrage")
    page.get_by_role("link", name="Nein, zurück").click()
    page.get_by_role("button", name="Alle Verteiler verlassen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alle Verteiler verlassen?")
    sweep.check(page, "Alle Verteiler verlassen, Rückfrage")
    page.goto(own)
    page.get_by_role("button", name="Meine Daten anzeigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre gespeicherten Daten")
    sweep.check(page, "Meine gespeicherten Daten")
    screenshot(page, "meine-daten")  # Art. 15: what every service holds about the member
    page.goto(own)
    page.get_by_label("Neue E-Mail-Adresse für alle Ihre Verteiler").fill("kein-at")
    page.get_by_role("button", name="Adresse ändern").click()
    error_state(page)
    sweep.check(page, "Meine Verteiler, ungültige neue Adresse (Fehler)")
    page.get_by_label("Neue E-Mail-Adresse für alle Ihre Verteiler").fill("nina.neu.a11y@example.org")
    page.get_by_role("button", name="Adresse ändern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihre neue Adresse")
    sweep.check(page, "Neue Adresse, Link geschickt")
    sweep.visit(page, system, "/meine-verteiler?token=kaputt", "Meine Verteiler, ungültiger Link", 400)
    changed = system.mail("nina.neu.a11y@example.org", "neue Adresse").link("adresse-bestaetigen")
    sweep.check(page, "Neue Adresse bestätigen", 200, page.goto(changed))
    page.get_by_role("button", name="Ja, diese Adresse verwenden").click()
    sweep.check(page, "Neue Adresse bestätigt")

    # Unsubscribe through the welcome mail's link.
    leave = system.mail(member, "Willkommen").link("abmelden")
    sweep.check(page, "Abmelden", 200, page.goto(leave))
    page.get_by_role("button", name="Ja, abmelden").click()
    sweep.check(page, "Abgemeldet")
    sweep.visit(page, system, "/abmelden?token=kaputt", "Abmelden, ungültiger Link", 400)

    # A signed-in person without this role; the local mailbox and one mail in it.
    system.sign_in(context, member)
    sweep.visit(page, system, "/verwaltung/zugaenge", "Nicht erlaubt", 403)
    sweep.visit(page, system, "/postfach", "Postfach")
    page.get_by_role("main").get_by_role("link").first.click()
    expect(page.get_by_role("link", name="Zurück zum Postfach")).to_be_visible()
    sweep.check(page, "Eine Mail im Postfach")
    sweep.visit(page, system, "/postfach/gibt-es-nicht.eml", "Mail nicht im Postfach", 404)

    icon = page.request.get(system.link("/favicon.ico"))
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")
    assert page.locator('link[rel="icon"]').get_attribute("href") == "/statisch/favicon.svg"
    sweep.done()


def test_every_archive_and_bounce_page(system: System, new_context) -> None:
    """Issue 20: the archive (threads, a search with and without hits, a thread), the page for those who may not read
    it, and the bounce page, empty and with a suspended member."""
    from playwright.sync_api import expect

    sweep = Sweep()
    moderator = "theo.a11y@example.org"
    listed = system.new_list("Barrierefrei Archiv", policy="offen", owner_address=moderator)
    refusing = "fehl.a11y@example.org"
    system.ask(n.ADD_MEMBER, n.AddMember(list_id=listed.list_id, moderator=moderator, address=refusing))
    base = f"/moderation/{quote(listed.list_id, safe='')}"
    archive = f"/verteiler/{quote(listed.list_id, safe='')}/archiv"
    stranger = new_context().new_page()
    sweep.visit(stranger, system, archive, "Archiv, nur für Mitglieder", 403)
    context = new_context()
    system.sign_in(context, moderator)
    page = context.new_page()
    sweep.visit(page, system, archive, "Archiv, leer")
    sweep.visit(page, system, f"{base}/unzustellbar", "Unzustellbar, nichts")
    system.smtp.mailbox.refuse[refusing] = "550 5.1.1 User unknown"
    try:
        for number in range(3):
            subject = f"Rundbrief {number} zur Barrierefreiheit"
            post = n.Post(list_id=listed.list_id, moderator=moderator, subject=subject, text=f"Text {number}.\n\nGruß")
            system.ask(n.POST, post)
            system.mail(moderator, subject)
        system.mail(moderator, "Zustellung ausgesetzt")
    finally:
        del system.smtp.mailbox.refuse[refusing]
    sweep.visit(page, system, f"{base}/unzustellbar", "Unzustellbar, ein Mitglied ausgesetzt")
    expect(page.get_by_role("button", name="Wieder zustellen")).to_be_visible()
    sweep.visit(page, system, f"{base}/mitglieder", "Mitglieder, eines ausgesetzt")
    sweep.visit(page, system, f"{base}/mitglieder/person?adresse={quote(refusing)}", "Mitglied, Zustellung ausgesetzt")
    sweep.visit(page, system, archive, "Archiv, drei Themen")
    sweep.visit(page, system, f"{archive}?suche=Rundbrief+1", "Archiv, Suche mit Treffer")
    sweep.visit(page, system, f"{archive}?suche=niemand", "Archiv, Suche ohne Treffer")
    page.get_by_role("link", name="Rundbrief 2 zur Barrierefreiheit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rundbrief 2 zur Barrierefreiheit")
    sweep.check(page, "Archiv, ein Thema")
    sweep.visit(page, system, f"{archive}/999999", "Archiv, Thema unbekannt", 404)
    sweep.done()


def test_a_moderator_decides_two_requests_by_keyboard_only(system: System, page, context) -> None:
    """Tab to the first two requests' boxes, Space to tick each, Tab to "Ausgewählte annehmen", Enter: both are
    members; every stop on the way shows the focus."""
    from playwright.sync_api import expect

    moderator = "kurt.a11y@example.org"
    listed = system.new_list("Barrierefrei Tastatur", policy="moderiert", owner_address=moderator)
    for address, name in (
        ("ute.a11y@example.org", "Ute"),
        ("vico.a11y@example.org", "Vico"),
        ("wim.a11y@example.org", "Wim"),
    ):
        system.ask(n.SUBSCRIBE, n.Subscribe(list_id=listed.list_id, address=address, display_name=name))
    system.sign_in(context, moderator)
    page.goto(system.link(f"/moderation/{quote(listed.list_id, safe='')}/anfragen"))

    tab_to(page, id="anfrage", limit=30)
    page.keyboard.press("Space")
    tab_to(page, id="anfrage-2")  # past the first row's own buttons, each showing the focus
    page.keyboard.press("Space")
    assert page.locator("#anfrage").is_checked() and page.locator("#anfrage-2").is_checked()
    assert not page.locator("#anfrage-3").is_checked()
    waiting = system.ask(n.PENDING, n.ListQuery(list_id=listed.list_id, moderator=moderator)).requests
    address_of = {q.request_id: q.address for q in waiting}
    chosen = {address_of[page.locator(f"#{box}").input_value()] for box in ("anfrage", "anfrage-2")}
    tab_to(page, id="aktion", limit=20)  # past the reason's field to the first of the buttons for all chosen
    assert focused(page)["name"] == "aktion"
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("2 Anfragen aufgenommen.")
    query = n.MembersQuery(list_id=listed.list_id, moderator=moderator)
    active = {m.address for m in system.ask(n.MEMBERS, query).members if m.status == "aktiv"}
    assert chosen <= active and len(chosen) == 2
    assert len(set(address_of.values()) - active) == 1  # the third still waits
