"""Members write to their list (issue 20), in a real browser where a person acts: mail is handed to the lists'
inbox over real LMTP as an MTA does, copies arrive in the test's SMTP server; a stranger's post waits, the
moderator sees it in "Meine Aufgaben", follows it to the held posts and accepts it with trust; the stranger's next
post goes straight through. Every page visited is checked with axe-core (any finding fails: `Sweep`)."""

from __future__ import annotations

import re
from email.message import EmailMessage

from shared.contracts import notifications as n
from tests.browser.support import Sweep, System, error_state, screenshot

MOD = "mia.post@example.org"
ANNA = "anna.post@example.org"
STRANGER = "frida.fremd@example.net"
LIST_NAME = "Sozialrecht Post"


def mail(sender: str, name: str, to: str, subject: str, text: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = f"{name} <{sender}>", to, subject
    msg["Message-ID"] = "<" + re.sub(r"\W", "", subject) + "." + sender + ">"
    msg.set_content(text)
    return msg.as_bytes()


def test_a_strangers_post_is_accepted_and_trusted_in_the_browser(system: System, new_context) -> None:
    from playwright.sync_api import expect

    sweep = Sweep()
    listed = system.new_list(LIST_NAME, policy="offen", owner_address=MOD, owner_name="Mia Moderation")
    list_id, address = listed.list_id, listed.address
    assert address == f"{list_id}@beratungsnetz.example"
    system.ask(n.ADD_MEMBER, n.AddMember(list_id=list_id, moderator=MOD, address=ANNA, display_name="Anna Post"))

    # A member writes: every member (the moderator and Anna) gets the post, with the list's prefix.
    system.post_to_list(ANNA, address, mail(ANNA, "Anna Post", address, "Termine im Dezember", "Am 3. um 10 Uhr."))
    for member in (MOD, ANNA):
        copy = system.mail(member, f"[{LIST_NAME}] Termine im Dezember")
        assert copy.message["List-Id"] == f"{LIST_NAME} <{list_id}.beratungsnetz.example>"

    # A stranger writes: held; the moderator is mailed a link, the stranger that it waits.
    system.post_to_list(STRANGER, address, mail(STRANGER, "Frida Fremd", address, "Einladung Fachtag", "Herzlich!"))
    told = system.mail(MOD, "Beitrag wartet auf Freigabe")
    assert system.link(f"/moderation/{list_id}/beitraege") in told.text
    system.mail(STRANGER, "wartet auf die Moderation")

    context = new_context()
    system.sign_in(context, MOD)
    page = context.new_page()
    sweep.visit(page, system, f"/moderation/{list_id}", "Überblick, ein Beitrag wartet")
    expect(page.get_by_role("link", name="Zurückgehaltene Beiträge freigeben")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(address)  # where members write
    sweep.visit(page, system, "/aufgaben", "Meine Aufgaben, ein Beitrag wartet")
    page.get_by_role("link", name=re.compile("1 Beitrag wartet auf Freigabe")).click()
    expect(page).to_have_url(system.link(f"/moderation/{list_id}/beitraege"))
    expect(page.get_by_role("heading", name="Einladung Fachtag")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("nicht im Verteiler")
    sweep.check(page, "Beiträge zur Freigabe, einer")
    screenshot(page, "moderation-beitraege")
    page.get_by_role("button", name=re.compile(r"^Ablehnen\W+Einladung Fachtag$")).click()  # no reason given
    error_state(page)
    sweep.check(page, "Beiträge zur Freigabe, Ablehnen ohne Begründung (Fehler)")
    page.get_by_role("button", name=re.compile(r"^Freigeben und vertrauen\W+Einladung Fachtag$")).click()
    expect(page.get_by_role("alert")).to_contain_text("weitere Beiträge dieser Adresse kommen ohne Freigabe durch")
    expect(page.get_by_text("Kein Beitrag wartet auf Ihre Freigabe.")).to_be_visible()
    sweep.check(page, "Beiträge zur Freigabe, nach der Entscheidung (Hinweis)")
    system.mail(ANNA, f"[{LIST_NAME}] Einladung Fachtag")

    # Trusted now: the stranger's next post reaches the members without waiting.
    system.post_to_list(STRANGER, address, mail(STRANGER, "Frida Fremd", address, "Nachtrag Fachtag", "Raum 3."))
    system.mail(ANNA, f"[{LIST_NAME}] Nachtrag Fachtag")
    assert system.ask(n.HELD_POSTS, n.ListQuery(list_id=list_id, moderator=MOD)).posts == []

    # The list's rules for writing: a wrong number, then an announcement list.
    sweep.visit(page, system, f"/moderation/{list_id}/schreiben", "Schreibregeln")
    screenshot(page, "moderation-schreibregeln")
    page.get_by_label("Beiträge zurückhalten, die größer sind als (KB)").fill("viel")
    page.get_by_role("button", name="Regeln speichern").click()
    error_state(page)
    sweep.check(page, "Schreibregeln, keine Zahl (Fehler)")
    page.get_by_label("Beiträge zurückhalten, die größer sind als (KB)").fill("256")
    page.get_by_label("Nur die Moderation").check()
    page.get_by_role("button", name="Regeln speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Die Regeln für Beiträge per E-Mail sind gespeichert.")
    sweep.check(page, "Schreibregeln, gespeichert (Hinweis)")
    posting = system.ask(n.LISTS, n.ListsQuery())
    (mine,) = [m for m in posting.lists if m.list_id == list_id]
    assert (mine.posting.posters, mine.posting.max_kilobytes) == ("moderation", 256)
    sweep.done()
