"""The public pages a person reaches from a mail or a link, in a real browser: subscribe, confirm, unsubscribe.

Each page is checked with axe-core (no serious or critical finding), photographed for the README
(docs/screenshots/) and loads nothing from any host but the gateway (the `page` fixture checks that).
"""

from __future__ import annotations

import re

import pytest

from shared.contracts import notifications as n
from tests.browser.support import (
    RequestRecorder,
    System,
    assert_focus_visible,
    axe_check,
    focused,
    screenshot,
    tab_to,
)

LANDESBUERO = "landesbuero@beratungsnetz.example"
TITLE = "{} – Beratungsnetz"


def members(system: System, list_id: str) -> dict[str, n.MemberV1]:
    query = n.MembersQuery(list_id=list_id, moderator=LANDESBUERO, admin=True)
    return {m.address: m for m in system.ask(n.MEMBERS, query).members}


def test_subscribe_confirm_in_the_browser(system: System, page) -> None:
    from playwright.sync_api import expect

    news = system.new_list("Browser Rundbrief", policy="bestaetigen", description="Neues aus den Beratungsstellen")
    page.goto(system.link(f"/abonnieren/{news.list_id}"))
    expect(page).to_have_title(TITLE.format("„Browser Rundbrief“ abonnieren"))
    expect(page.get_by_role("heading", level=1)).to_have_text("„Browser Rundbrief“ abonnieren")
    expect(page.get_by_text("Neues aus den Beratungsstellen")).to_be_visible()
    # The consent text's version as a German date, not as the ISO string it is stored as.
    expect(page.get_by_text("Fassung vom 1. November 2026")).to_be_visible()
    axe_check(page)
    screenshot(page, "abonnieren")

    page.get_by_label("Ihr Name (freiwillig)").fill("Anna Beispiel")
    page.get_by_label("E-Mail-Adresse").fill("anna.browser@example.org")
    page.get_by_role("button", name="Einwilligen und abonnieren", exact=True).click()
    expect(page).to_have_title(TITLE.format("Bitte prüfen Sie Ihr Postfach"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
    expect(page.get_by_text("Falls die Adresse eingetragen werden kann")).to_be_visible()
    axe_check(page)
    screenshot(page, "abonnieren-fast-geschafft")

    # The confirmation mail's link leads back to this gateway; opening it changes nothing until the button.
    link = system.mail("anna.browser@example.org", "Bitte bestätigen").link("bestaetigen")
    assert link.startswith(f"{system.url}/bestaetigen?token=")
    page.goto(link)
    expect(page).to_have_title(TITLE.format("Eintragung bestätigen"))
    axe_check(page)
    screenshot(page, "bestaetigen")
    assert "anna.browser@example.org" not in members(system, news.list_id)

    page.get_by_role("button", name="Ja, eintragen").click()
    expect(page).to_have_title(TITLE.format("Adresse bestätigt"))
    expect(page.get_by_text("Willkommen im Verteiler")).to_be_visible()
    axe_check(page)
    screenshot(page, "bestaetigt")
    assert members(system, news.list_id)["anna.browser@example.org"].status == "aktiv"

    # The same link a second time: a German page that says so, with status 400, not a second entry.
    again = page.goto(link)
    assert again is not None and again.status == 400
    expect(page).to_have_title(TITLE.format("Link ungültig oder abgelaufen"))
    expect(page.get_by_role("main").get_by_text("Dieser Link ist ungültig oder abgelaufen.")).to_be_visible()
    expect(page.get_by_role("button", name="Ja, eintragen")).to_have_count(0)
    axe_check(page)
    assert members(system, news.list_id)["anna.browser@example.org"].status == "aktiv"


def test_unsubscribe_in_the_browser(system: System, page) -> None:
    from playwright.sync_api import expect

    board = system.new_list("Browser Abmeldeliste", policy="bestaetigen", owner_address="kathrin.browser@example.org")
    system.ask(
        n.ADD_MEMBER,
        n.AddMember(
            list_id=board.list_id, moderator="kathrin.browser@example.org", address="bernd.browser@example.org"
        ),
    )
    link = system.mail("bernd.browser@example.org", "Willkommen").link("abmelden")
    assert link.startswith(f"{system.url}/abmelden?token=")

    page.goto(link)  # what a link scanner does too: nothing happens yet
    expect(page).to_have_title(TITLE.format("Abmelden"))
    expect(page.get_by_text("Browser Abmeldeliste")).to_be_visible()
    axe_check(page)
    screenshot(page, "abmelden")
    assert members(system, board.list_id)["bernd.browser@example.org"].status == "aktiv"

    page.get_by_role("button", name="Ja, abmelden").click()
    expect(page).to_have_title(TITLE.format("Abgemeldet"))
    axe_check(page)
    screenshot(page, "abgemeldet")
    assert members(system, board.list_id)["bernd.browser@example.org"].status == "abgemeldet"

    # A broken link: a German page with status 400, as accessible as the others.
    broken = page.goto(system.link("/abmelden?token=kaputt"))
    assert broken is not None and broken.status == 400
    expect(page).to_have_title(TITLE.format("Link ungültig oder abgelaufen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Link ungültig oder abgelaufen")
    axe_check(page)
    screenshot(page, "link-ungueltig")


def test_subscribe_with_the_keyboard_only(system: System, page) -> None:
    from playwright.sync_api import expect

    news = system.new_list("Browser Tastatur", policy="bestaetigen")
    page.goto(system.link(f"/abonnieren/{news.list_id}"))

    assert tab_to(page, id="name")["outlineStyle"] != "none"  # past the skip link and the header
    page.keyboard.type("Clara Tastatur")
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["id"] == "adresse"
    assert focused(page)["outlineStyle"] != "none"
    page.keyboard.type("clara.browser@example.org")
    page.keyboard.press("Enter")  # submits the form from the last field, as browsers do

    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")

    # The confirm page by keyboard too: Tab to the button, Enter. The name typed above arrives with the member.
    page.goto(system.mail("clara.browser@example.org", "Bitte bestätigen").link("bestaetigen"))
    tab_to(page, tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Willkommen im Verteiler")).to_be_visible()
    assert members(system, news.list_id)["clara.browser@example.org"].display_name == "Clara Tastatur"

    # The form again: Tab from the last field reaches the button, and Enter on it submits.
    page.goto(system.link(f"/abonnieren/{news.list_id}"))
    page.get_by_label("E-Mail-Adresse").fill("dora.browser@example.org")
    page.keyboard.press("Tab")
    button = assert_focus_visible(page)
    assert button["tag"] == "button"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte prüfen Sie Ihr Postfach")
    system.mail("dora.browser@example.org", "Bitte bestätigen")


def test_the_recorder_catches_foreign_hosts(system: System, context, recorder: RequestRecorder) -> None:
    """The guard itself: a page that asks another host is caught (and the request never leaves the machine),
    and so are a missing part of a page, a console error and a script error."""
    tab = context.new_page()
    # A page without the gateway's CSP, so that the browser really tries: the recorder must catch it itself.
    tab.set_content(
        '<img src="http://192.0.2.1/verfolgung.gif" alt="">'
        "<script>console.error('Refused to load the stylesheet'); setTimeout(() => { throw new Error('kaputt') })</script>"
    )
    tab.wait_for_timeout(200)
    # On the gateway's own pages the CSP stops the request already; the browser says so in the console.
    tab.goto(system.link("/abonnieren/keine-liste"))
    tab.evaluate("() => fetch('http://192.0.2.1/zaehler').catch(() => null)")
    tab.evaluate("() => fetch('/statisch/gibt-es-nicht.css').catch(() => null)")
    problems = recorder.problems()
    assert "Anfrage an einen fremden Host: GET http://192.0.2.1/verfolgung.gif (image)" in problems, problems
    assert any(re.search(r"nicht geladen: 404 .*/statisch/gibt-es-nicht.css \(fetch\)", p) for p in problems), problems
    assert any(p.startswith("Fehler in der Browser-Konsole: Refused to load the stylesheet") for p in problems), (
        problems
    )
    assert any("Skriptfehler" in p and "kaputt" in p for p in problems), problems
    assert any("Konsole" in p and "http://192.0.2.1/zaehler" in p and "Content Security Policy" in p for p in problems)
    assert not any("GET http://192.0.2.1/zaehler" in p for p in problems), "die CSP hätte die Anfrage verhindern sollen"
    recorder.clear()  # seen what it should; the fixture's check afterwards is for the other tests


def test_a_form_without_its_csrf_token_is_refused(system: System, page) -> None:
    """The browser sends the form's token with the cookie; without it the gateway answers with a German 403 page."""
    from playwright.sync_api import expect

    news = system.new_list("Browser Ohne Token", policy="bestaetigen")
    page.goto(system.link(f"/abonnieren/{news.list_id}"))
    assert page.locator('input[name="csrf_token"]').count() == 1
    page.get_by_label("E-Mail-Adresse").fill("eve.browser@example.org")
    page.locator('input[name="csrf_token"]').evaluate("field => field.remove()")
    with page.expect_navigation() as sent:
        page.get_by_role("button", name="Einwilligen und abonnieren", exact=True).click()
    assert sent.value is not None and sent.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Nicht erlaubt")
    axe_check(page)
    screenshot(page, "formular-abgelehnt")
    assert system.smtp.mailbox.to("eve.browser@example.org") == []


def test_sign_in_gives_the_browser_a_session(system: System, page, context) -> None:
    """`system.sign_in` starts a session in the gateway and sets its cookie: the start page then leads to the
    person's tasks, the header names them, and "Abmelden" (a form with its CSRF token) ends the session."""
    from playwright.sync_api import expect

    page.goto(system.link("/"))
    expect(page.get_by_role("banner").get_by_role("link", name="Anmelden")).to_be_visible()
    axe_check(page)
    screenshot(page, "start")
    system.sign_in(context, "kathrin.browser@example.org")
    page.goto(system.link("/"))
    assert page.url == system.link("/aufgaben")
    expect(page.get_by_role("banner")).to_contain_text("kathrin.browser@example.org")
    axe_check(page)

    page.get_by_role("banner").get_by_role("button", name="Abmelden").click()
    expect(page.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    page.goto(system.link("/aufgaben"))
    assert page.url.startswith(system.link("/anmelden"))


def test_sign_in_by_mail(system: System, page) -> None:
    """The way a moderator signs in: address, mail, link, button; then the tasks page names the list."""
    from playwright.sync_api import expect

    system.new_list("Browser Anmeldeliste", owner_address="moritz.browser@example.org")
    system.sign_in_by_mail(page, "moritz.browser@example.org")
    assert page.url == system.link("/aufgaben")
    expect(page.get_by_role("banner")).to_contain_text("moritz.browser@example.org")
    expect(page.get_by_role("main")).to_contain_text("Browser Anmeldeliste")
    axe_check(page)


def test_axe_check_names_serious_findings(system: System, context) -> None:
    """The guard itself: a field without a label fails the check, with a German list of findings."""
    tab = context.new_page()
    tab.set_content('<html lang="de"><head><title>Probe</title></head><body><main><input></main></body></html>')
    with pytest.raises(AssertionError, match=r"(?s)Barrierefreiheit: 1 .*kritisch: label .*betroffen: input"):
        axe_check(tab)
